"""AppriseNotifier, routes from the roster, FanoutNotifier.

E-mail goes through apprise's mailto:// to a real aiosmtpd server on
127.0.0.1; every other channel is only built and parsed, never contacted.
No test here may open a connection anywhere but the loopback interface.
"""

from __future__ import annotations

import email
import ipaddress
import socket
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from automation.adapters.notify.apprise_channels import (
    AppriseNotifier,
    AppriseSettings,
    DeliveryLedger,
    FanoutNotifier,
    NotifyConfigError,
    RosterRoutes,
    add_query,
    check_urls,
    has_email,
    redact,
    routes_from_roster,
    telegram_chat,
    whatsapp_number,
)
from automation.adapters.notify.smtp import NotificationError
from automation.domain.sop import load_sop
from automation.ports import Message, Table
from automation.service.messages import ItemLinks, render

apprise = pytest.importorskip("apprise")

BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
WA_TOKEN = "EAAGm0PX4ZCpsBAAbcdefTOKENxyz"
ENV = {"SOP_KONTEN_TELEGRAM_TOKEN": BOT_TOKEN, "SOP_KONTEN_WA_TOKEN": WA_TOKEN, "NTFY_TOPIC": "humas-rahasia"}

ROSTER = Table(
    headers=("Nama", "Email", "Peran", "Aktif", "Telegram", "WhatsApp", "Notifikasi"),
    rows=(
        ("Sari Tim Konten", "sari@ikp.example", "Tim Konten", "Ya", "987654321", "0812-3456-7890", ""),
        ("Budi Ketua Tim", "budi@ikp.example", "Ketua Tim Kerja Humas & Publikasi", "Ya", "", "",
         "ntfy://ntfy.sh/budi-sop slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"),
        ("Andi Admin", "andi@ikp.example", "Admin Medsos", "Ya", "@andi_admin, -1001234567890", "", ""),
        ("Rina Tanpa Email", "", "Kontributor", "Ya", "55555555", "", ""),
        ("", "", "", "", "", "", ""),
    ),
)
SETTINGS = AppriseSettings(
    telegram_bot_env="SOP_KONTEN_TELEGRAM_TOKEN",
    whatsapp_token_env="SOP_KONTEN_WA_TOKEN",
    whatsapp_from="1234567890123",
    people={"andi@ikp.example": ("ntfy://ntfy.sh/${NTFY_TOPIC}",)},
    roles={"admin medsos": ("tgram://${SOP_KONTEN_TELEGRAM_TOKEN}/-1009999999999",)},
)


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Any connection to a non-loopback address fails the test instead of leaving the machine."""
    real_connect = socket.socket.connect

    def connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise AssertionError(f"test tried to reach {host}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", _local_getaddrinfo(socket.getaddrinfo))


def _local_getaddrinfo(real):
    def getaddrinfo(host, *args, **kwargs):
        if host not in (None, "localhost", "127.0.0.1", "::1"):
            raise AssertionError(f"test tried to resolve {host}")
        return real(host, *args, **kwargs)

    return getaddrinfo


def message(to="sari@ikp.example", name="Sari Tim Konten", key="K-2026-0001/2/1/task:sari@ikp.example", **kw):
    return Message(key=key, to=to, to_name=name, subject=kw.get("subject", "[sop-konten] Uji"),
                   body=kw.get("body", "Yth. Sari,\n\nIsi pesan.\n"))


# --- building the routes ------------------------------------------------------------

def test_routes_from_the_roster_columns_and_the_configuration():
    routes = routes_from_roster(ROSTER, SETTINGS, environ=ENV)
    assert routes.problems == []
    assert routes(message()) == [f"tgram://{BOT_TOKEN.replace(':', '%3A')}/987654321",
                                 f"whatsapp://{WA_TOKEN}@1234567890123/6281234567890"]
    budi = routes(message("budi@ikp.example", "Budi Ketua Tim", key="k2"))
    assert budi == ["ntfy://ntfy.sh/budi-sop", "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"]
    andi = routes(message("andi@ikp.example", "Andi Admin", key="k3"))
    token = BOT_TOKEN.replace(":", "%3A")
    assert andi == [f"tgram://{token}/@andi_admin", f"tgram://{token}/-1001234567890",
                    "ntfy://ntfy.sh/humas-rahasia", f"tgram://{token}/-1009999999999"]
    # found by name when there is no e-mail
    assert routes(message("", "rina tanpa email", key="k4")) == [f"tgram://{token}/55555555"]
    assert routes(message("nobody@x.example", "Nobody", key="k5")) == []


def test_every_built_url_is_one_apprise_understands():
    routes = routes_from_roster(ROSTER, SETTINGS, environ=ENV)
    urls = [u for m in (message(), message("budi@ikp.example", "Budi Ketua Tim"),
                        message("andi@ikp.example", "Andi Admin"), message("", "Rina Tanpa Email"))
            for u in routes(m)]
    assert len(urls) == 9
    for url in urls:
        assert apprise.Apprise().add(url), redact(url)
    assert check_urls(urls) == []
    assert check_urls(["nonsense://x"]) == ["nonsense://..."]


def test_the_email_route_goes_through_the_configured_mail_url():
    settings = AppriseSettings(email_url="mailtos://sop:${SMTP_PASS}@mail.jogjakota.go.id"
                                         "?smtp=smtp.jogjakota.go.id&from=sop-konten@jogjakota.go.id")
    routes = RosterRoutes(settings, ROSTER, environ={"SMTP_PASS": "p@ss/w:rd"})
    [url] = routes(message())
    assert url == ("mailtos://sop:p%40ss%2Fw%3Ard@mail.jogjakota.go.id?smtp=smtp.jogjakota.go.id"
                   "&from=sop-konten@jogjakota.go.id&to=sari@ikp.example")
    plugin = apprise.Apprise.instantiate(url)
    assert plugin.password == "p@ss/w:rd" and plugin.smtp_host == "smtp.jogjakota.go.id"
    assert [t[1] for t in plugin.targets] == ["sari@ikp.example"]
    assert "p@ss" not in redact(url) and "p%40ss" not in redact(url)


def test_a_missing_secret_is_named_not_shown():
    routes = routes_from_roster(ROSTER, SETTINGS, environ={})
    with pytest.raises(NotificationError, match="SOP_KONTEN_TELEGRAM_TOKEN"):
        routes(message())
    notifier = AppriseNotifier(routes)
    assert notifier.accepts(message())  # there is a route; send() reports why it cannot be used
    with pytest.raises(NotificationError):
        notifier.send(message())


def test_roster_problems_are_reported_in_indonesian():
    table = Table(headers=("nama", "EMAIL", "Peran", "Aktif", "telegram", "WhatsApp", "Notifikasi"), rows=(
        ("A", "a@x.example", "Tim Konten", "Ya", "bukan-id", "12", "json://evil.example/hook"),
        ("B", "b@x.example", "Tim Konten", "Ya", "", "", "ntfy://ntfy.sh/${SOP_KONTEN_SMTP_PASSWORD}"),
    ))
    routes = RosterRoutes(SETTINGS, table, environ=ENV)
    assert routes.problems == [
        "Tab Petugas baris 2: Telegram 'bukan-id' bukan ID obrolan (angka) atau @nama kanal.",
        "Tab Petugas baris 2: WhatsApp '12' bukan nomor telepon.",
        "Tab Petugas baris 2: Notifikasi 'json://...' tidak diizinkan; skema yang boleh: "
        + ", ".join(SETTINGS.roster_schemes) + ".",
        "Tab Petugas baris 3: Notifikasi tidak boleh memakai ${...}; rahasia hanya di konfigurasi.",
    ]
    assert routes(message("a@x.example", "A")) == []  # nothing unsafe is used
    assert routes(message("b@x.example", "B")) == []
    unset = RosterRoutes(AppriseSettings(), ROSTER, environ=ENV)
    assert any("telegram_bot_env belum diatur" in p for p in unset.problems)
    assert any("whatsapp_token_env belum diatur" in p for p in unset.problems)


def test_a_roster_without_the_optional_columns_works():
    table = Table(headers=("Nama", "Email", "Peran", "Aktif"), rows=(("Sari", "sari@ikp.example", "Tim Konten", "Ya"),))
    routes = RosterRoutes(SETTINGS, table, environ=ENV)
    assert routes.problems == [] and routes(message()) == []
    routes.update(ROSTER)  # the office adds the columns: the next read picks them up
    assert len(routes(message())) == 2


@pytest.mark.parametrize(("text", "number"), [
    ("0812-3456-7890", "6281234567890"), ("+62 812 3456 7890", "6281234567890"), ("6281234567890", "6281234567890"),
    ("(0274) 512345", "62274512345"), ("12", None), ("nomor", None),
])
def test_whatsapp_numbers(text, number):
    assert whatsapp_number(text) == number


def test_telegram_chats():
    assert telegram_chat("987654321") == "987654321"
    assert telegram_chat("-1001234567890") == "-1001234567890"
    assert telegram_chat("@humas_jogja") == "@humas_jogja"
    assert telegram_chat("t.me/humas") is None and telegram_chat("12") is None


def test_add_query():
    assert add_query("mailto://h", to="a@b.c") == "mailto://h?to=a@b.c"
    assert add_query("mailto://h?from=x", to="a+b@c.d") == "mailto://h?from=x&to=a%2Bb@c.d"


# --- the [notify.apprise] table ---------------------------------------------------------

def test_settings_from_the_configuration_table():
    settings = AppriseSettings.from_table({
        "email_url": "mailtos://sop:${SMTP_PASS}@mail.example.go.id",
        "telegram_bot_env": "SOP_KONTEN_TELEGRAM_TOKEN",
        "people": {"Sari Tim Konten": "ntfy://ntfy.sh/sari"},
        "roles": {"Admin Medsos": ["tgram://${SOP_KONTEN_TELEGRAM_TOKEN}/-100123"]},
        "roster_schemes": ["tgram", "ntfy"],
    })
    assert settings.people == {"sari tim konten": ("ntfy://ntfy.sh/sari",)}
    assert settings.roles == {"admin medsos": ("tgram://${SOP_KONTEN_TELEGRAM_TOKEN}/-100123",)}
    assert settings.roster_schemes == ("tgram", "ntfy") and settings.roster_urls is True


@pytest.mark.parametrize(("raw", "message"), [
    ({"email_url": "tgram://x/y"}, "kunci 'notify.apprise.email_url': harus URL mailto:// atau mailtos://."),
    ({"people": {"Sari": 3}}, "kunci 'notify.apprise.people.Sari': harus berupa daftar URL apprise."),
    ({"whatsapp_token_env": "X"}, "kunci 'notify.apprise.whatsapp_from': whatsapp_token_env dan whatsapp_from"),
    ({"roster_urls": "ya"}, "kunci 'notify.apprise.roster_urls': harus true atau false."),
    ({"telegram": "x"}, "kunci 'notify.apprise.telegram': tidak dikenal"),
])
def test_bad_settings_are_named(raw, message):
    with pytest.raises(NotifyConfigError) as error:
        AppriseSettings.from_table(raw)
    assert str(error.value).startswith(message)


# --- e-mail through apprise to a local SMTP server -----------------------------------------

class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=default_policy)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield box, controller.port
    finally:
        controller.stop()


def mail_settings(port: int, **extra) -> AppriseSettings:
    return AppriseSettings(email_url=f"mailto://127.0.0.1:{port}?mode=insecure&from=sop-konten@ikp.example"
                                     "&name=sop-konten", **extra)


def rendered(title='Hari Jadi <b>"Kota"</b> & Kirab'):
    return render(load_sop(), "K-2026-0001/2/1/task:sari@ikp.example",
                  {"template": "task", "to": "sari@ikp.example", "to_name": "Sari Tim Konten", "step": "2"},
                  "K-2026-0001", title, "2026-11-30 09:10", ItemLinks("https://register.example/r", ""))


def test_email_arrives_through_apprise_mailto(smtp_server):
    box, port = smtp_server
    routes = RosterRoutes(mail_settings(port), ROSTER, environ=ENV)
    notifier = AppriseNotifier(routes, required=True)
    sent = rendered()
    assert [url.split("://")[0] for url in routes(sent)] == ["mailto"]  # Telegram/WhatsApp: no token configured
    notifier.send(sent)
    [(recipients, mail)] = box.messages
    assert recipients == ["sari@ikp.example"]
    assert mail["Subject"] == sent.subject
    assert "sop-konten@ikp.example" in str(mail["From"]) and "sari@ikp.example" in str(mail["To"])
    assert mail.get_content_type() == "text/plain"
    text = mail.get_content().replace("\r\n", "\n")
    assert "Waktu baku: 10 menit" in text and 'Hari Jadi <b>"Kota"</b> & Kirab' in text


def test_the_html_alternative_can_go_through_apprise_mailto(smtp_server):
    box, port = smtp_server
    notifier = AppriseNotifier(RosterRoutes(mail_settings(port), ROSTER, environ=ENV), html_email=True)
    notifier.send(rendered())
    [(_, mail)] = box.messages
    assert mail.get_content_type() == "multipart/alternative"  # apprise adds a text part of its own
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "Hari Jadi &lt;b&gt;&#34;Kota&#34;&lt;/b&gt; &amp; Kirab" in html and "<b>" not in html
    assert '<a href="https://register.example/r">' in html


def test_a_failed_channel_raises_without_secrets_and_is_retried_alone(smtp_server, tmp_path):
    box, port = smtp_server
    dead = free_port()
    urls = [f"mailto://127.0.0.1:{port}?mode=insecure&from=sop@ikp.example&to=sari@ikp.example",
            f"mailto://sop:s3cr3t-pass@127.0.0.1:{dead}?mode=insecure&from=sop@ikp.example&to=sari@ikp.example"]
    ledger = DeliveryLedger(tmp_path / "ledger.sqlite3")
    notifier = AppriseNotifier(lambda m: urls, ledger=ledger)
    for attempt in (1, 2):
        with pytest.raises(NotificationError) as error:
            notifier.send(message())
        assert "s3cr3t" not in str(error.value) and "1 dari 2" in str(error.value)
        assert len(box.messages) == 1, attempt  # the channel that worked is not used again
    ledger.close()
    # without a ledger a retry repeats every channel (at-least-once)
    with pytest.raises(NotificationError):
        AppriseNotifier(lambda m: urls).send(message())
    assert len(box.messages) == 2


def test_no_route_is_skipped_unless_required():
    AppriseNotifier(lambda m: []).send(message())
    assert not AppriseNotifier(lambda m: []).accepts(message())
    with pytest.raises(NotificationError, match="tidak ada rute apprise"):
        AppriseNotifier(lambda m: [], required=True).send(message())


def test_an_invalid_url_is_reported_by_scheme_only():
    with pytest.raises(NotificationError, match=r"nonsense:// \(bukan URL apprise yang sah\)"):
        AppriseNotifier(lambda m: ["nonsense://secret-token@host"]).send(message())


# --- several channels ------------------------------------------------------------------------

class Recorder:
    def __init__(self, failures: int = 0):
        self.sent, self.failures = [], failures

    def send(self, message):
        if self.failures:
            self.failures -= 1
            raise NotificationError("server down")
        self.sent.append(message.key)


def test_fanout_sends_on_every_accepting_channel_and_retries_only_the_failed(tmp_path):
    mail, chat = Recorder(), Recorder(failures=1)
    ledger = DeliveryLedger(tmp_path / "ledger.sqlite3")
    fanout = FanoutNotifier({"email": mail, "apprise": chat}, ledger=ledger, accepts={"email": has_email})
    with pytest.raises(NotificationError, match="apprise: server down"):
        fanout.send(message())
    assert (mail.sent, chat.sent) == (["K-2026-0001/2/1/task:sari@ikp.example"], [])
    fanout.send(message())  # the engine's retry
    assert (mail.sent, chat.sent) == (["K-2026-0001/2/1/task:sari@ikp.example"],) * 2
    fanout.send(message())  # and once more: nothing is repeated
    assert len(mail.sent) == len(chat.sent) == 1
    # the ledger is durable
    again = FanoutNotifier({"email": mail, "apprise": chat}, ledger=DeliveryLedger(tmp_path / "ledger.sqlite3"))
    again.send(message())
    assert len(mail.sent) == len(chat.sent) == 1


def test_fanout_skips_channels_that_do_not_reach_the_person():
    mail = Recorder()
    chat = AppriseNotifier(lambda m: [])
    fanout = FanoutNotifier({"email": mail, "apprise": chat}, accepts={"email": has_email})
    with pytest.raises(NotificationError, match="tidak ada saluran yang menjangkau Rina"):
        fanout.send(message(to="", name="Rina"))
    assert not fanout.accepts(message(to="", name="Rina"))
    fanout.send(message())
    assert mail.sent == ["K-2026-0001/2/1/task:sari@ikp.example"]
