"""Notifications over SMTP from the daemon, against a real aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import email
import socket
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from tests.people import make_workspace, status


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_workspace(tmp_path):
    ws = make_workspace(tmp_path / "kantor")
    port = free_port()
    config = ws.config.read_text(encoding="utf-8")
    config = config.replace('backend = "outbox"', 'backend = "smtp"')
    config = config.replace('host = "localhost"\nport = 25', f'host = "127.0.0.1"\nport = {port}')
    ws.config.write_text(config, encoding="utf-8")
    return ws, port


def test_the_assignee_is_mailed_over_smtp(smtp_workspace):
    ws, port = smtp_workspace
    mailbox = Mailbox()
    server = Controller(mailbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        ws.propose("Lewat SMTP")
        ws.once()
    finally:
        server.stop()
    receipt, mail = sorted(mailbox.messages, key=lambda m: "sari" in str(m["To"]))
    assert "rina@kontributor.example" in str(receipt["To"]) and "tercatat" in receipt["Subject"]
    assert str(mail["To"]) == "Sari Tim Konten <sari@ikp.example>"
    assert "K-2026-0001" in mail["Subject"]
    assert not list((ws.root / "outbox").glob("*.eml"))


def test_a_mail_server_that_is_down_delays_the_mail_but_loses_nothing(smtp_workspace):
    ws, port = smtp_workspace
    ws.propose("Server mati")
    out = ws.once(at="2026-11-30T09:00")
    assert "2 tindakan gagal" in out  # the contributor's receipt and the task
    row = ws.rows()[0]
    assert row[status(2)] == "Menunggu"  # the register goes on; only the mail waits
    mailbox = Mailbox()
    server = Controller(mailbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        ws.once(at="2026-11-30T09:01")
        ws.once(at="2026-11-30T09:02")
    finally:
        server.stop()
    assert sorted(str(m["To"]) for m in mailbox.messages) == [
        "Rina Kontributor <rina@kontributor.example>", "Sari Tim Konten <sari@ikp.example>"]
