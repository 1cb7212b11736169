"""GmailNotifier against the Google emulator, through the real google-api-python-client and google-auth."""

from __future__ import annotations

import email
import email.policy
import json

import pytest

from automation.adapters.google.client import GoogleAccessError, RetryPolicy
from automation.adapters.google.gmail import GmailNotifier
from automation.adapters.notify.outbox import message_id
from automation.adapters.notify.smtp import NotificationError
from automation.ports import Message
from tests.google_emulator import fixtures as emulator_fixtures
from tests.google_emulator.fixtures import DAEMON_EMAIL

google_emulator = emulator_fixtures.google_emulator
service_account_key = emulator_fixtures.service_account_key

SENDER = "Humas Kota Yogyakarta <humas@jogjakota.go.id>"
NO_WAIT = RetryPolicy(sleep=lambda seconds: None)
MESSAGE = Message(key="K-2025-0001/2/task:sari", to="sari@jogjakota.go.id", to_name="Sari Wulandari",
                  subject="Tugas baru: K-2025-0001 Hari Jadi Kota ke-269",
                  body="Halo Sari,\n\nAda tugas baru untuk Anda: produksi infografis.\n")
FAILED_PRECONDITION = {"error": {"code": 400, "message": "Precondition check failed.", "status": "FAILED_PRECONDITION",
                                 "errors": [{"message": "Precondition check failed.", "domain": "global",
                                             "reason": "failedPrecondition"}]}}


def notifier(emulator, key, **kwargs) -> GmailNotifier:
    return GmailNotifier(key, SENDER, api_base=emulator.base_url, policy=NO_WAIT, **kwargs)


def test_a_message_is_sent_as_the_delegated_user(google_emulator, service_account_key):
    notifier(google_emulator, service_account_key).send(MESSAGE)

    [sent] = google_emulator.sent_messages
    assert sent["sender"] == "humas@jogjakota.go.id"
    assert sent["service_account"] == DAEMON_EMAIL
    [request] = [e for e in google_emulator.requests if e.kind == "gmail.messages.send"]
    assert request.path == "/gmail/v1/users/me/messages/send"

    mail = email.message_from_bytes(sent["raw"], policy=email.policy.default)
    assert mail["To"].addresses[0].addr_spec == "sari@jogjakota.go.id"
    assert mail["To"].addresses[0].display_name == "Sari Wulandari"
    assert mail["Subject"] == MESSAGE.subject
    assert mail["From"].addresses[0].addr_spec == "humas@jogjakota.go.id"
    assert mail["Message-ID"] == message_id(MESSAGE.key)
    assert mail.get_body(("plain",)).get_content().replace("\r\n", "\n") == MESSAGE.body


def test_non_ascii_subject_and_body_arrive_intact(google_emulator, service_account_key):
    gmail = notifier(google_emulator, service_account_key)
    gmail.send(Message(key="k", to="a@jogjakota.go.id", to_name="Ä", subject="Ünïcödé ✓", body="ä ✓\n" * 200))
    mail = email.message_from_bytes(google_emulator.sent_messages[0]["raw"], policy=email.policy.default)
    assert str(mail["Subject"]) == "Ünïcödé ✓"
    assert mail.get_body(("plain",)).get_content().replace("\r\n", "\n") == "ä ✓\n" * 200


def test_without_domain_wide_delegation_the_error_says_what_to_set_up(google_emulator, tmp_path):
    key = google_emulator.write_service_account_key(tmp_path / "key.json", "nodwd@sop-konten-test.iam.gserviceaccount.com",
                                                    domain_wide_delegation=False)
    client_id = json.loads(key.read_text())["client_id"]
    with pytest.raises(NotificationError) as caught:
        notifier(google_emulator, key).send(MESSAGE)
    text = str(caught.value)
    assert "domain-wide delegation" in text and client_id in text and "gmail.send" in text
    assert google_emulator.sent_messages == []


def test_a_failed_precondition_answer_says_delegation_is_needed(google_emulator, service_account_key):
    client_id = json.loads(service_account_key.read_text())["client_id"]
    google_emulator.fail_next(400, kind="gmail.messages.send", body=FAILED_PRECONDITION)
    with pytest.raises(NotificationError, match="domain-wide delegation") as caught:
        notifier(google_emulator, service_account_key).send(MESSAGE)
    assert client_id in str(caught.value)


def test_a_429_is_retried_and_the_message_sent_once(google_emulator, service_account_key):
    google_emulator.inject_429(kind="gmail.messages.send", times=2)
    notifier(google_emulator, service_account_key).send(MESSAGE)
    assert len(google_emulator.sent_messages) == 1
    assert google_emulator.count("gmail.messages.send") == 3


def test_a_server_error_is_not_repeated_blindly(google_emulator, service_account_key):
    google_emulator.inject_500(kind="gmail.messages.send")
    with pytest.raises(NotificationError, match="500"):
        notifier(google_emulator, service_account_key).send(MESSAGE)
    assert google_emulator.count("gmail.messages.send") == 1


def test_credentials_may_be_given_directly(google_emulator, service_account_key):
    from tests.google_emulator.clients import GMAIL_SCOPES, credentials

    notifier(google_emulator, credentials(service_account_key, scopes=GMAIL_SCOPES)).send(MESSAGE)
    assert google_emulator.sent_messages[0]["sender"] == "humas@jogjakota.go.id"


def test_a_bad_sender_or_key_fails_at_start_up(google_emulator, service_account_key, tmp_path):
    with pytest.raises(ValueError):
        GmailNotifier(service_account_key, "not an address", api_base=google_emulator.base_url)
    broken = tmp_path / "broken.json"
    broken.write_text("{}")
    with pytest.raises(GoogleAccessError):
        GmailNotifier(broken, SENDER, api_base=google_emulator.base_url)
