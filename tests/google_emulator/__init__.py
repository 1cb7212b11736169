"""A local, in-memory emulator of the Google APIs used by sop-konten (Sheets v4, Drive v3,
Gmail v1 send, OAuth service-account tokens), checked against recorded Google traffic.

See docs/google-emulator.md.
"""

from .errors import PROTECTED_MESSAGE, ApiError
from .persons import Person, PersonEditRejected
from .server import GoogleEmulator

__all__ = ["ApiError", "GoogleEmulator", "Person", "PersonEditRejected", "PROTECTED_MESSAGE"]
