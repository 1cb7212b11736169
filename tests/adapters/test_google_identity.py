"""Who the daemon is on Google: `sop-konten login` (OAuth for a person) against the emulator's token endpoint,
service accounts with and without delegation, what `check` says about each, and `check --kirim-uji`.

The browser is played by the test: it reads the consent address `login` prints or opens, asks the emulator
what Google would answer (`consent`), and follows the redirect to the loopback listener with a real HTTP GET.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import pytest
import requests

from automation.adapters.google.auth import identity_from_config, read_token_file
from automation.adapters.google.client import DRIVE_SCOPE, GMAIL_SEND_SCOPE, SHEETS_SCOPE, GoogleAccessError
from automation.commands.check import run_checks, send_test_message
from automation.commands.cli import main
from automation.commands.login import login
from automation.config import DEFAULT_CONFIG, load_config
from tests.google_emulator import fixtures as emulator_fixtures
from tests.google_emulator.fixtures import DAEMON_EMAIL

google_emulator = emulator_fixtures.google_emulator
service_account_key = emulator_fixtures.service_account_key

PERSON = "humas@kominfo.example"
OWNER = "kabid@kominfo.example"


@pytest.fixture(autouse=True)
def plain_http_token_endpoint(monkeypatch):
    """requests-oauthlib refuses a token endpoint without TLS; the emulator's is plain HTTP on 127.0.0.1."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def workspace(emulator, root: Path, *, auth: str = "oauth", mail: str = "outbox", drive: str = "",
              shared_drive: str = "", spreadsheet: str = "", key: Path | None = None, delegated: str = "",
              sender: str = PERSON, testing: bool = False) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    config = DEFAULT_CONFIG.replace('auth = "service_account"', f'auth = "{auth}"')
    config = config.replace('api_base = ""', f'api_base = "{emulator.base_url}"')
    config = config.replace('sender = "sop-konten <sop-konten@localhost>"', f'sender = "sop-konten <{sender}>"')
    config = config.replace('backend = "outbox"', f'backend = "{mail}"')
    if key:
        config = config.replace('key_file = ""', f'key_file = "{key}"')
    if delegated:
        config = config.replace('# delegated_user = ""', f'delegated_user = "{delegated}"')
    if spreadsheet:
        config = config.replace('backend = "workbook"', 'backend = "sheets"')
        config = config.replace('# spreadsheet = ""', f'spreadsheet = "{spreadsheet}"')
    if drive:
        config = config.replace('backend = "folders"', 'backend = "drive"')
        config = config.replace('# root_folder = ""', f'root_folder = "{drive}"')
    if shared_drive:
        config = config.replace('# shared_drive = ""', f'shared_drive = "{shared_drive}"')
    (root / "sop-konten.toml").write_text(config, encoding="utf-8")
    if auth == "oauth":
        (root / "oauth-client.json").write_text(json.dumps(emulator.oauth_client(testing=testing)), encoding="utf-8")
    return root / "sop-konten.toml"


def browser(emulator, user: str = PERSON, **consent):
    """The person's browser: Google's consent screen, then the redirect back to the loopback listener."""
    visited: list[str] = []

    def open_url(address: str) -> None:
        visited.append(address)
        back = emulator.consent(address, user, **consent)
        assert requests.get(back, timeout=10).status_code == 200

    open_url.visited = visited  # type: ignore[attr-defined]
    return open_url


def signed_in(emulator, config_path: Path, user: str = PERSON, **consent):
    done = login(load_config(config_path), say=lambda line: None, open_url=browser(emulator, user, **consent),
                 wait_seconds=10)
    set_up(config_path)
    return done


def beyond_roster(problems: list[str]) -> list[str]:
    """The roster tab is left empty here: the sentences about missing people are not what these tests are about."""
    return [problem for problem in problems if "petugas aktif" not in problem]


def set_up(config_path: Path) -> None:
    assert main(["setup", "--config", str(config_path)]) == 0


# --- login -----------------------------------------------------------------------------------------

def test_login_stores_a_refresh_token_readable_by_the_owner_alone(google_emulator, tmp_path):
    config_path = workspace(google_emulator, tmp_path / "ws")
    open_url = browser(google_emulator)

    done = login(load_config(config_path), say=lambda line: None, open_url=open_url, wait_seconds=10)

    assert done.account == PERSON
    token_file = tmp_path / "ws" / "google-token.json"
    assert done.token_file == token_file
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    stored = read_token_file(token_file)
    assert stored["type"] == "authorized_user" and stored["refresh_token"].startswith("1//")
    assert stored["account"] == PERSON
    assert {SHEETS_SCOPE, DRIVE_SCOPE} <= set(stored["scopes"]) and GMAIL_SEND_SCOPE not in stored["scopes"]
    assert "token" not in stored  # the hour-long access token is not kept
    [address] = open_url.visited
    assert "access_type=offline" in address and "code_challenge_method=S256" in address
    assert "redirect_uri=http%3A%2F%2F127.0.0.1%3A" in address
    assert not list(token_file.parent.glob(".google-token.json.*"))  # no temporary file left


def test_login_asks_for_gmail_only_when_mail_goes_through_gmail(google_emulator, tmp_path):
    config_path = workspace(google_emulator, tmp_path / "ws", mail="gmail")
    done = signed_in(google_emulator, config_path)
    assert GMAIL_SEND_SCOPE in done.scopes


def test_login_by_pasting_the_address_the_browser_ended_on(google_emulator, tmp_path):
    config_path = workspace(google_emulator, tmp_path / "ws")
    said: list[str] = []

    def paste() -> str:  # the person opened the address elsewhere; the redirect page did not load
        address = next(word for line in said for word in line.split() if word.startswith("https://"))
        return google_emulator.consent(address, PERSON)

    done = login(load_config(config_path), say=said.append, paste=paste)
    assert done.account == PERSON and read_token_file(done.token_file)["refresh_token"]


def test_a_refused_consent_stores_nothing(google_emulator, tmp_path):
    config_path = workspace(google_emulator, tmp_path / "ws")
    with pytest.raises(GoogleAccessError, match="access_denied"):
        signed_in(google_emulator, config_path, deny=True)
    assert not (tmp_path / "ws" / "google-token.json").exists()


def test_an_answer_to_another_request_is_refused(google_emulator, tmp_path):
    config_path = workspace(google_emulator, tmp_path / "ws")

    def paste() -> str:
        return "http://127.0.0.1:1/?state=someone-else&code=4/0Aabc"

    with pytest.raises(GoogleAccessError, match="bukan jawaban"):
        login(load_config(config_path), say=lambda line: None, paste=paste)
    assert not (tmp_path / "ws" / "google-token.json").exists()


def test_login_is_only_for_oauth(google_emulator, service_account_key, tmp_path, capsys):
    config_path = workspace(google_emulator, tmp_path / "ws", auth="service_account", key=service_account_key)
    assert main(["login", "--config", str(config_path)]) == 2
    assert "hanya untuk [google] auth" in capsys.readouterr().err


def test_the_refresh_token_never_reaches_the_log_or_the_screen(google_emulator, tmp_path, caplog, capsys):
    spreadsheet = google_emulator.create_spreadsheet("Register Konten IKP", OWNER, sheets=["Register"],
                                                     shared_with={PERSON: "writer"})
    config_path = workspace(google_emulator, tmp_path / "ws", spreadsheet=spreadsheet)
    caplog.set_level(logging.DEBUG)  # as with `-v`

    signed_in(google_emulator, config_path)
    run_checks(config_path)  # refreshes the access token with it

    secret = read_token_file(tmp_path / "ws" / "google-token.json")["refresh_token"]
    out = capsys.readouterr()
    assert caplog.records and secret not in caplog.text
    assert secret not in out.out + out.err


# --- the signed-in person at work --------------------------------------------------------------------

def test_check_names_the_person_and_what_they_reach_in_my_drive(google_emulator, tmp_path):
    spreadsheet = google_emulator.create_spreadsheet("Register Konten IKP", OWNER, sheets=["Register"],
                                                     shared_with={PERSON: "writer"})
    folder = google_emulator.create_folder("Konten IKP", PERSON)  # the person's own My Drive
    config_path = workspace(google_emulator, tmp_path / "ws", spreadsheet=spreadsheet, drive=folder)
    signed_in(google_emulator, config_path)

    result = run_checks(config_path)

    assert beyond_roster(result.problems) == []
    assert result.facts[0].startswith("Identitas Google: akun pengguna " + PERSON)
    assert any("Register Konten IKP" in fact and PERSON in fact for fact in result.facts)
    assert any("Konten IKP" in fact and "My Drive" in fact for fact in result.facts)
    assert [r.identity for r in google_emulator.requests if r.kind.startswith(("sheets.", "drive."))] \
        and {r.identity for r in google_emulator.requests if r.kind.startswith(("sheets.", "drive."))} == {PERSON}


def test_check_before_login_says_to_sign_in(google_emulator, tmp_path):
    spreadsheet = google_emulator.create_spreadsheet("Register", OWNER, shared_with={PERSON: "writer"})
    config_path = workspace(google_emulator, tmp_path / "ws", spreadsheet=spreadsheet)
    assert main(["setup", "--config", str(config_path)]) == 2  # setup too: nobody to act as yet
    result = run_checks(config_path)
    assert any("sop-konten login" in problem for problem in result.problems)


def test_check_refuses_a_token_file_others_can_read(google_emulator, tmp_path):
    spreadsheet = google_emulator.create_spreadsheet("Register", OWNER, shared_with={PERSON: "writer"})
    config_path = workspace(google_emulator, tmp_path / "ws", spreadsheet=spreadsheet)
    done = signed_in(google_emulator, config_path)
    os.chmod(done.token_file, 0o644)
    assert any("chmod 600" in problem for problem in run_checks(config_path).problems)


def test_check_warns_when_the_app_is_still_in_testing(google_emulator, tmp_path):
    spreadsheet = google_emulator.create_spreadsheet("Register", OWNER, shared_with={PERSON: "writer"})
    config_path = workspace(google_emulator, tmp_path / "ws", spreadsheet=spreadsheet, testing=True)
    signed_in(google_emulator, config_path)
    assert any("Testing" in warning for warning in run_checks(config_path).warnings)


def test_gmail_through_the_signed_in_person(google_emulator, tmp_path, capsys):
    config_path = workspace(google_emulator, tmp_path / "ws", mail="gmail")
    signed_in(google_emulator, config_path)

    result = run_checks(config_path)
    assert result.problems == []
    assert any("Gmail" in fact and PERSON in fact for fact in result.facts)

    assert main(["check", "--config", str(config_path), "--kirim-uji", "sari@kominfo.example"]) == 0
    [sent] = google_emulator.sent_messages
    assert sent["sender"] == PERSON and sent["service_account"] is None and "sari@kominfo.example" in sent["to"]
    assert "E-mail uji terkirim ke sari@kominfo.example lewat Gmail" in capsys.readouterr().out


def test_gmail_permission_left_unticked_is_named(google_emulator, tmp_path):
    config_path = workspace(google_emulator, tmp_path / "ws", mail="gmail")
    signed_in(google_emulator, config_path, grant=(SHEETS_SCOPE, DRIVE_SCOPE))  # granular consent
    assert any("gmail.send" in problem for problem in run_checks(config_path).problems)
    ok, line = send_test_message(config_path, None)
    assert not ok and "gmail.send" in line and google_emulator.sent_messages == []


def test_a_revoked_sign_in_is_named_with_what_to_do(google_emulator, tmp_path):
    config_path = workspace(google_emulator, tmp_path / "ws", mail="gmail")
    signed_in(google_emulator, config_path)
    google_emulator.state.authority.users.revoke(PERSON)
    [problem] = run_checks(config_path).problems
    assert PERSON in problem and "sop-konten login" in problem


# --- service accounts ----------------------------------------------------------------------------------

def test_a_service_account_in_my_drive_is_refused_with_the_reason(google_emulator, service_account_key, tmp_path):
    folder = google_emulator.create_folder("Konten IKP", OWNER, shared_with={DAEMON_EMAIL: "writer"})
    config_path = workspace(google_emulator, tmp_path / "ws", auth="service_account", key=service_account_key,
                            drive=folder)
    set_up(config_path)
    result = run_checks(config_path)
    assert result.facts == [f"Identitas Google: akun layanan {DAEMON_EMAIL} (kunci {service_account_key}), "
                            "tanpa delegasi."]
    [problem] = result.problems
    assert "My Drive" in problem and "kuota penyimpanan" in problem and "shared drive" in problem


def test_a_service_account_in_a_shared_drive_reaches_it(google_emulator, service_account_key, tmp_path):
    drive = google_emulator.create_shared_drive("Humas", OWNER, members={DAEMON_EMAIL: "writer"})
    config_path = workspace(google_emulator, tmp_path / "ws", auth="service_account", key=service_account_key,
                            drive=drive, shared_drive=drive)
    set_up(config_path)
    result = run_checks(config_path)
    assert result.problems == []
    assert any("shared drive" in fact and DAEMON_EMAIL in fact for fact in result.facts)


def test_a_delegated_service_account_acts_as_the_workspace_user(google_emulator, service_account_key, tmp_path):
    spreadsheet = google_emulator.create_spreadsheet("Register", OWNER, shared_with={PERSON: "writer"})
    config_path = workspace(google_emulator, tmp_path / "ws", auth="service_account", key=service_account_key,
                            delegated=PERSON, spreadsheet=spreadsheet, mail="gmail")
    identity = identity_from_config(load_config(config_path).google)
    assert (identity.kind, identity.email, identity.service_account) == ("delegated", PERSON, DAEMON_EMAIL)
    set_up(config_path)

    result = run_checks(config_path)
    assert beyond_roster(result.problems) == []
    assert any("bertindak sebagai " + PERSON in fact for fact in result.facts)
    ok, _ = send_test_message(config_path, "sari@kominfo.example")
    [sent] = google_emulator.sent_messages
    assert ok and sent["sender"] == PERSON and sent["service_account"] == DAEMON_EMAIL


def test_delegation_the_admin_did_not_grant_is_named(google_emulator, tmp_path):
    key = tmp_path / "key.json"
    key.write_text(json.dumps(google_emulator.service_account_key(DAEMON_EMAIL, domain_wide_delegation=False)))
    config_path = workspace(google_emulator, tmp_path / "ws", auth="service_account", key=key, mail="gmail")
    set_up(config_path)
    [problem] = run_checks(config_path).problems
    assert "Domain-wide delegation" in problem and GMAIL_SEND_SCOPE in problem


def test_a_revoked_sign_in_stops_a_cycle_with_a_sentence_not_a_crash(google_emulator, tmp_path, capsys):
    spreadsheet = google_emulator.create_spreadsheet("Register", OWNER, shared_with={PERSON: "writer"})
    config_path = workspace(google_emulator, tmp_path / "ws", spreadsheet=spreadsheet)
    signed_in(google_emulator, config_path)
    capsys.readouterr()
    google_emulator.state.authority.users.revoke(PERSON)
    google_emulator.revoke_tokens()  # the access token in hand stops working too

    assert main(["once", "--config", str(config_path)]) == 1
    err = capsys.readouterr().err
    assert "kesalahan tak terduga" not in err
    assert PERSON in err and "sop-konten login" in err
