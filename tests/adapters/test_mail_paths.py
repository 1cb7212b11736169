"""`check --kirim-uji`: one test message through the mail path the configuration chooses.

The city's SMTP server is aiosmtpd on 127.0.0.1 with a certificate made here: STARTTLS on the submission port
or TLS from the first byte, and a login. The client trusts that certificate the way an office with its own
certificate authority would: through SSL_CERT_FILE, which OpenSSL's default verify paths read.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from automation.commands.cli import main
from automation.config import DEFAULT_CONFIG

PASSWORD = "rahasia-kota-123"
OPERATOR = "operator@kominfo.example"


class Mailbox:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 OK"


def only(user: str, password: str):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) == (
            user, password)
        return AuthResult(success=ok, handled=False)

    return authenticator


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smtp.kota.example")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def city_smtp(certificate, monkeypatch):
    cert_path, key_path = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))
    monkeypatch.setenv("SOP_KONTEN_SMTP_PASSWORD", PASSWORD)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    started = []

    def start(*, implicit_tls: bool):
        mailbox = Mailbox()
        # aiosmtpd counts only STARTTLS as TLS when it decides whether to offer AUTH; over implicit TLS the whole
        # connection is encrypted already, so the offer is switched on by hand there.
        tls = ({"ssl_context": context, "auth_require_tls": False} if implicit_tls
               else {"tls_context": context, "require_starttls": True})
        controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port(), authenticator=only("humas", PASSWORD),
                                auth_required=True, **tls)
        controller.start()
        started.append(controller)
        return controller.port, mailbox

    yield start
    for controller in started:
        controller.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def smtp_workspace(root: Path, port: int, *, starttls: bool, implicit_tls: bool) -> Path:
    root.mkdir()
    config = (DEFAULT_CONFIG.replace('backend = "outbox"', 'backend = "smtp"')
              .replace('host = "localhost"', 'host = "127.0.0.1"').replace("port = 25", f"port = {port}")
              .replace('username = ""', 'username = "humas"')
              .replace("starttls = false", f"starttls = {str(starttls).lower()}")
              .replace("ssl = false", f"ssl = {str(implicit_tls).lower()}")
              .replace('# operator_email = ""', f'operator_email = "{OPERATOR}"'))
    (root / "sop-konten.toml").write_text(config, encoding="utf-8")
    assert main(["setup", "--config", str(root / "sop-konten.toml")]) == 0
    return root / "sop-konten.toml"


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # the implicit-TLS server, see above
@pytest.mark.parametrize("implicit_tls", [False, True], ids=["starttls", "ssl"])
def test_a_test_message_through_the_citys_smtp_server(city_smtp, tmp_path, capsys, implicit_tls):
    port, mailbox = city_smtp(implicit_tls=implicit_tls)
    config_path = smtp_workspace(tmp_path / "ws", port, starttls=not implicit_tls, implicit_tls=implicit_tls)

    assert main(["check", "--config", str(config_path), "--kirim-uji"]) == 0

    [envelope] = mailbox.envelopes
    assert envelope.rcpt_tos == [OPERATOR]
    assert b"Uji kirim sop-konten" in envelope.content
    out = capsys.readouterr().out
    assert f"E-mail uji terkirim ke {OPERATOR} lewat server SMTP" in out and PASSWORD not in out


def test_a_refused_login_is_one_sentence_and_a_failed_check(city_smtp, tmp_path, capsys, monkeypatch):
    port, mailbox = city_smtp(implicit_tls=False)
    config_path = smtp_workspace(tmp_path / "ws", port, starttls=True, implicit_tls=False)
    monkeypatch.setenv("SOP_KONTEN_SMTP_PASSWORD", "salah")

    assert main(["check", "--config", str(config_path), "--kirim-uji", "sari@kominfo.example"]) == 1

    assert mailbox.envelopes == []
    out = capsys.readouterr().out
    assert "E-mail uji ke sari@kominfo.example lewat server SMTP gagal" in out and "SMTPAuthenticationError" in out


def test_without_starttls_the_server_refuses_to_take_the_password(city_smtp, tmp_path, capsys):
    port, mailbox = city_smtp(implicit_tls=False)
    config_path = smtp_workspace(tmp_path / "ws", port, starttls=False, implicit_tls=False)

    assert main(["check", "--config", str(config_path), "--kirim-uji"]) == 1
    assert mailbox.envelopes == []


def test_a_test_message_into_the_outbox(tmp_path, capsys):
    root = tmp_path / "ws"
    root.mkdir()
    (root / "sop-konten.toml").write_text(DEFAULT_CONFIG, encoding="utf-8")
    assert main(["setup", "--config", str(root / "sop-konten.toml")]) == 0

    assert main(["check", "--config", str(root / "sop-konten.toml"), "--kirim-uji", "sari@kominfo.example"]) == 0

    [written] = list((root / "outbox").glob("*.eml"))
    assert "sari@kominfo.example" in written.read_text(encoding="utf-8")
    assert "lewat folder outbox" in capsys.readouterr().out
