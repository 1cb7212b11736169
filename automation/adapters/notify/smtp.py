"""Notifications sent through an SMTP server (office mail or a provider)."""

from __future__ import annotations

import logging
import os
import smtplib
import ssl as ssl_module

from automation.adapters.notify.outbox import build_email, parse_sender
from automation.domain.texts import log as log_text
from automation.domain.texts import notify as notify_text
from automation.ports import Message

log = logging.getLogger(__name__)


class NotificationError(Exception):
    """A notification could not be delivered; the message never contains a secret."""


class SmtpNotifier:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        username: str = "",
        password_env: str = "",
        starttls: bool = False,
        ssl: bool = False,
        timeout: float = 30,
    ) -> None:
        if starttls and ssl:
            raise ValueError(notify_text.STARTTLS_AND_SSL)
        self.host = host
        self.port = port
        self.sender = sender
        self.username = username
        self.password_env = password_env  # only the variable's name: the secret stays in the environment
        self.starttls = starttls
        self.ssl = ssl
        self.timeout = timeout
        parse_sender(sender)

    def __repr__(self) -> str:
        return f"SmtpNotifier(host={self.host!r}, port={self.port}, username={self.username!r})"

    def send(self, message: Message) -> None:
        password = self._password()
        email = build_email(message, self.sender)
        try:
            with self._connect() as client:
                if self.starttls:
                    client.starttls(context=ssl_module.create_default_context())
                    client.ehlo()
                if self.username:
                    client.login(self.username, password)
                refused = client.send_message(email)
        except (smtplib.SMTPException, OSError) as exc:
            detail = f"{type(exc).__name__}: {exc}"
            if password:
                detail = detail.replace(password, "***")
            # `from None`: the original exception is not chained, so nothing unredacted is printed
            raise NotificationError(notify_text.smtp_failed(self.host, self.port, detail)) from None
        if refused:
            raise NotificationError(notify_text.smtp_refused(self.host, self.port, sorted(refused)))
        log.info(log_text.SMTP_SENT, email["Message-ID"], self.host, self.port)

    def _password(self) -> str:
        if not self.username:
            return ""
        password = os.environ.get(self.password_env, "") if self.password_env else ""
        if not password:
            raise NotificationError(
                notify_text.smtp_password_missing(self.username, self.password_env)
            )
        return password

    def _connect(self) -> smtplib.SMTP:
        if self.ssl:
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl_module.create_default_context()
            )
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)
