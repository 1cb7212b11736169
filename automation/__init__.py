"""sop-konten: runs a content SOP on a shared register."""

__version__ = "0.1.0"
