"""OutboxNotifier (.eml files) and SmtpNotifier against a real aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import email
import hashlib
import socket
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from automation.adapters.notify.outbox import OutboxNotifier, build_email, sweep_temporary_files
from automation.adapters.notify.smtp import NotificationError, SmtpNotifier
from automation.ports import Message

SENDER = "Humas Pemkot Yogyakarta <humas@jogjakota.go.id>"
MESSAGE = Message(
    key="K-001/assign/desain",
    to="sari@example.go.id",
    to_name="Sari Wulandari",
    subject="Tugas baru: Desain poster “Hari Jadi” — tenggat Senin",
    body="Halo Sari,\n\nMohon siapkan desain untuk K-001 (Hari Jadi Kota).\nTerima kasih.\n",
)


def parse(data: bytes):
    return email.message_from_bytes(data, policy=default_policy)


def body_of(mail) -> str:
    """The text body; RFC 5322 files and SMTP use CRLF line ends."""
    return mail.get_content().replace("\r\n", "\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the e-mail itself ------------------------------------------------------

def test_build_email_headers_and_body_round_trip():
    mail = parse(build_email(MESSAGE, SENDER).as_bytes())
    assert mail["To"].addresses[0].addr_spec == "sari@example.go.id"
    assert mail["To"].addresses[0].display_name == "Sari Wulandari"
    assert mail["From"].addresses[0].display_name == "Humas Pemkot Yogyakarta"
    assert mail["Subject"] == MESSAGE.subject
    assert body_of(mail) == MESSAGE.body
    expected_id = hashlib.sha256(MESSAGE.key.encode()).hexdigest()[:32]
    assert mail["Message-ID"] == f"<{expected_id}@sop-konten>"
    assert mail["Date"] is not None


def test_build_email_encodes_non_ascii_names_and_flattens_header_lines():
    message = Message(key="k", to="ani@example.go.id", to_name="Ani “Humas”", subject="Baris\r\nkedua", body="x")
    raw = build_email(message, "Dinas Kominfo <kominfo@jogjakota.go.id>").as_bytes()
    assert max(raw) < 128  # 7-bit clean on the wire
    mail = parse(raw)
    assert mail["Subject"] == "Baris kedua"
    assert mail["To"].addresses[0].display_name == "Ani “Humas”"


# --- outbox -------------------------------------------------------------------

def test_outbox_writes_one_eml_per_key(tmp_path):
    outbox = OutboxNotifier(tmp_path / "outbox", SENDER)
    outbox.send(MESSAGE)
    outbox.send(MESSAGE)  # same key: nothing new
    files = list((tmp_path / "outbox").iterdir())
    assert len(files) == 1
    short_hash = hashlib.sha256(MESSAGE.key.encode()).hexdigest()[:12]
    assert files[0].name.endswith(f"-{short_hash}.eml")

    mail = parse(files[0].read_bytes())
    assert mail["To"].addresses[0].addr_spec == MESSAGE.to
    assert mail["Subject"] == MESSAGE.subject
    assert body_of(mail) == MESSAGE.body

    outbox.send(Message(key="lain", to="budi@example.go.id", to_name="Budi", subject="Lain", body="isi"))
    assert len([p for p in (tmp_path / "outbox").iterdir() if p.suffix == ".eml"]) == 2
    assert not [p for p in (tmp_path / "outbox").iterdir() if p.name.startswith(".")]


# --- SMTP ---------------------------------------------------------------------

class Mailbox:
    """aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def accept_only(user: str, password: str):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
        ok = ok and auth_data.password.decode() == password
        return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535 itself on a refusal

    return authenticator


@pytest.fixture
def smtp_server():
    servers = []

    def start(**kwargs):
        mailbox = Mailbox()
        controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), **kwargs)
        controller.start()
        servers.append(controller)
        return controller, mailbox

    yield start
    for controller in servers:
        controller.stop()


def test_smtp_delivers_plain(smtp_server):
    controller, mailbox = smtp_server()
    SmtpNotifier("127.0.0.1", controller.port, SENDER, timeout=5).send(MESSAGE)
    [envelope] = mailbox.envelopes
    assert envelope.mail_from == "humas@jogjakota.go.id"
    assert envelope.rcpt_tos == ["sari@example.go.id"]
    mail = parse(envelope.content)
    assert mail["Subject"] == MESSAGE.subject and body_of(mail) == MESSAGE.body


NO_TLS_WARNING = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@NO_TLS_WARNING
def test_smtp_delivers_with_auth(smtp_server, monkeypatch):
    controller, mailbox = smtp_server(
        authenticator=accept_only("humas", "rahasia-123"), auth_require_tls=False, auth_required=True
    )
    monkeypatch.setenv("SOP_SMTP_PASSWORD", "rahasia-123")
    notifier = SmtpNotifier(
        "127.0.0.1", controller.port, SENDER, username="humas", password_env="SOP_SMTP_PASSWORD", timeout=5
    )
    notifier.send(MESSAGE)
    assert len(mailbox.envelopes) == 1
    assert "rahasia-123" not in repr(notifier)


@NO_TLS_WARNING
def test_smtp_wrong_password_error_does_not_leak_it(smtp_server, monkeypatch):
    controller, mailbox = smtp_server(
        authenticator=accept_only("humas", "rahasia-123"), auth_require_tls=False, auth_required=True
    )
    monkeypatch.setenv("SOP_SMTP_PASSWORD", "salah-456")
    notifier = SmtpNotifier(
        "127.0.0.1", controller.port, SENDER, username="humas", password_env="SOP_SMTP_PASSWORD", timeout=5
    )
    with pytest.raises(NotificationError) as caught:
        notifier.send(MESSAGE)
    assert "salah-456" not in str(caught.value)
    assert "SMTPAuthenticationError" in str(caught.value)  # refused, not timed out
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert mailbox.envelopes == []


def test_smtp_nothing_listening_raises_notification_error(monkeypatch):
    monkeypatch.setenv("SOP_SMTP_PASSWORD", "rahasia-123")
    port = free_port()
    notifier = SmtpNotifier(
        "127.0.0.1", port, SENDER, username="humas", password_env="SOP_SMTP_PASSWORD", timeout=5
    )
    with pytest.raises(NotificationError, match=f"127.0.0.1:{port}") as caught:
        notifier.send(MESSAGE)
    assert "rahasia-123" not in str(caught.value)


def test_smtp_missing_password_variable(monkeypatch):
    monkeypatch.delenv("SOP_SMTP_PASSWORD", raising=False)
    notifier = SmtpNotifier("127.0.0.1", free_port(), SENDER, username="humas", password_env="SOP_SMTP_PASSWORD")
    with pytest.raises(NotificationError, match="SOP_SMTP_PASSWORD"):
        notifier.send(MESSAGE)


def test_sweep_removes_only_the_outboxs_own_stale_temp_files(tmp_path):
    outbox = OutboxNotifier(tmp_path / "outbox", SENDER)
    outbox.send(MESSAGE)
    stale = tmp_path / "outbox" / ".20261130T090000-0123456789ab.eml.0a1b2c3d.tmp"
    foreign = [tmp_path / "outbox" / "catatan.tmp", tmp_path / "outbox" / ".20261130T090000-0123456789ab.eml.tmp"]
    for path in (stale, *foreign):
        path.write_bytes(b"x")
    eml = next((tmp_path / "outbox").glob("*.eml"))
    started_at = stale.stat().st_mtime + 1
    assert sweep_temporary_files(tmp_path / "outbox", started_at) == [stale]
    assert all(p.exists() for p in foreign) and eml.exists()
    assert sweep_temporary_files(tmp_path / "outbox", 0) == []
