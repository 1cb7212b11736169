"""Notifications as .eml files in a folder (the "no mail server" default).

Each message becomes one RFC 5322 file a person can open in any mail program;
the same e-mail is what SmtpNotifier sends.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

from automation.domain.addresses import one_line, parse_address
from automation.domain.texts import log as log_text
from automation.faults import reached
from automation.ports import Message

log = logging.getLogger(__name__)

MESSAGE_ID_DOMAIN = "sop-konten"
_TEMP_NAME = re.compile(r"\.\d{8}T\d{6}-[0-9a-f]{12}\.eml\.[0-9a-f]{8}\.tmp")  # see OutboxNotifier.send


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def message_id(key: str) -> str:
    """Stable per key, so a resent notification is recognisable as the same message."""
    return f"<{key_hash(key)[:32]}@{MESSAGE_ID_DOMAIN}>"


def _address(display_name: str, address: str) -> Address:
    return Address(display_name=one_line(display_name), addr_spec=address.strip())


def parse_sender(sender: str) -> Address:
    """'Name <addr>' or a bare address: exactly one, or AddressError."""
    return parse_address(sender)


def build_email(message: Message, sender: str) -> EmailMessage:
    email = EmailMessage(policy=SMTP)
    email["From"] = parse_sender(sender)
    email["To"] = _address(message.to_name, message.to)
    email["Subject"] = one_line(message.subject)
    email["Date"] = format_datetime(datetime.now().astimezone())
    email["Message-ID"] = message_id(message.key)
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to the daemon
    # quoted-printable keeps the message 7-bit clean for any server and readable as a file
    email.set_content(message.body, charset="utf-8", cte="quoted-printable")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        email.add_attachment(attachment.data, maintype=maintype, subtype=subtype or "octet-stream",
                             filename=attachment.name)
    return email


class OutboxNotifier:
    def __init__(self, folder: Path, sender: str) -> None:
        self.folder = Path(folder)
        self.sender = sender
        parse_sender(sender)  # fail at start-up, not at the first notification

    def __repr__(self) -> str:
        return f"OutboxNotifier({str(self.folder)!r})"

    def send(self, message: Message) -> None:
        short_hash = key_hash(message.key)[:12]
        self.folder.mkdir(parents=True, exist_ok=True)
        if any(self.folder.glob(f"*-{short_hash}.eml")):
            return  # already written for this key
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        target = self.folder / f"{stamp}-{short_hash}.eml"
        data = build_email(message, self.sender).as_bytes()
        tmp = self.folder / f".{target.name}.{secrets.token_hex(4)}.tmp"
        try:
            with open(tmp, "xb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            reached("outbox.write")
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        log.info(log_text.OUTBOX_WRITTEN, target.name)


def sweep_temporary_files(folder: Path, started_at: float) -> list[Path]:
    """Delete the outbox's own half-written files from before `started_at` (epoch s)."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for entry in folder.iterdir():
        if _TEMP_NAME.fullmatch(entry.name) and entry.is_file() and not entry.is_symlink():
            if entry.lstat().st_mtime < started_at:
                entry.unlink()
                removed.append(entry)
    return removed
