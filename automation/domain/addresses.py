"""E-mail addresses as people type them: the sender in the configuration, the addresses in the roster."""

from __future__ import annotations

from email.errors import MessageError
from email.headerregistry import Address
from email.utils import getaddresses, parseaddr

from automation.domain.texts import notify as notify_text


class AddressError(ValueError):
    """Not one usable e-mail address; the message quotes the value."""


def one_line(text: str) -> str:
    """Header values cannot hold line breaks (names pasted from elsewhere sometimes do)."""
    return " ".join(text.split())


def parse_address(text: str) -> Address:
    """'Name <addr>' or a bare address: exactly one, with a local part and a domain, or AddressError."""
    name, address = parseaddr(text)
    # parseaddr quietly keeps the first of several addresses and drops what it cannot parse
    if (not address or address.count("@") != 1 or len(getaddresses([text])) != 1
            or any(character.isspace() for character in address)):
        raise AddressError(notify_text.not_an_address(text))
    try:
        found = Address(display_name=one_line(name), addr_spec=address.strip())
    except (ValueError, IndexError, MessageError):  # the header parser's ways of refusing an address
        raise AddressError(notify_text.not_an_address(text)) from None
    if not found.username or not found.domain:
        raise AddressError(notify_text.not_an_address(text))
    return found


def is_address(text: str) -> bool:
    try:
        parse_address(text)
    except AddressError:
        return False
    return True
