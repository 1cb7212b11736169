"""GmailNotifier against the Google emulator, through the real google-api-python-client and google-auth."""

from __future__ import annotations

import email
import email.policy
import json
from dataclasses import replace

import pytest
from googleapiclient.errors import HttpError

from automation.adapters.google.client import GoogleAccessError, RetryPolicy
from automation.adapters.google.gmail import BATCH_SIZE, GmailNotifier
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


# --- a cycle's messages in batch requests (https://developers.google.com/gmail/api/guides/batch) -------------

def messages(count: int) -> list[Message]:
    return [replace(MESSAGE, key=f"K-2025-{n:04d}/2/task:sari", subject=f"Tugas {n}") for n in range(count)]


def test_many_messages_go_out_in_batches_of_at_most_the_batch_size(google_emulator, service_account_key):
    batch = messages(BATCH_SIZE + 10)
    outcomes = notifier(google_emulator, service_account_key).send_all(batch)

    assert outcomes == [None] * len(batch)
    assert google_emulator.count("gmail.batch") == 2 and google_emulator.count("gmail.messages.send") == 0
    assert google_emulator.count("gmail.messages.send", include_batch_parts=True) == len(batch)
    ids = [str(email.message_from_bytes(sent["raw"], policy=email.policy.default)["Message-ID"])
           for sent in google_emulator.sent_messages]
    assert sorted(ids) == sorted(message_id(m.key) for m in batch)  # each once


def test_a_failed_part_fails_only_its_own_message(google_emulator, service_account_key):
    google_emulator.inject_500(kind="gmail.messages.send")  # the first part the batch answers
    outcomes = notifier(google_emulator, service_account_key).send_all(messages(3))

    assert isinstance(outcomes[0], NotificationError) and "500" in str(outcomes[0])
    assert outcomes[1:] == [None, None]
    assert [s["subject"] for s in google_emulator.sent_messages] == ["Tugas 1", "Tugas 2"]
    assert google_emulator.count("gmail.batch") == 1  # a server error is not repeated blindly


def test_a_part_refused_for_the_rate_is_sent_again_in_the_next_batch(google_emulator, service_account_key):
    google_emulator.inject_429(kind="gmail.messages.send")
    outcomes = notifier(google_emulator, service_account_key).send_all(messages(3))

    assert outcomes == [None, None, None]
    assert sorted(s["subject"] for s in google_emulator.sent_messages) == ["Tugas 0", "Tugas 1", "Tugas 2"]
    assert google_emulator.count("gmail.batch") == 2
    assert google_emulator.count("gmail.messages.send", include_batch_parts=True) == 4


def test_a_batch_refused_whole_for_the_rate_is_sent_again_whole(google_emulator, service_account_key):
    google_emulator.inject_429(kind="gmail.batch")
    assert notifier(google_emulator, service_account_key).send_all(messages(2)) == [None, None]
    assert len(google_emulator.sent_messages) == 2 and google_emulator.count("gmail.batch") == 2


@pytest.mark.parametrize("fault", [503, -1], ids=["server-error", "connection-dropped"])
def test_a_batch_that_fails_whole_fails_every_message(google_emulator, service_account_key, fault):
    google_emulator.fail_next(fault, kind="gmail.batch", times=5)
    outcomes = notifier(google_emulator, service_account_key).send_all(messages(3))

    assert all(isinstance(outcome, NotificationError) for outcome in outcomes)
    assert google_emulator.sent_messages == []


def test_one_message_alone_is_a_plain_send(google_emulator, service_account_key):
    assert notifier(google_emulator, service_account_key).send_all([MESSAGE]) == [None]
    assert google_emulator.count("gmail.messages.send") == 1 and google_emulator.count("gmail.batch") == 0


def test_big_messages_are_cut_into_smaller_batches(google_emulator, service_account_key, monkeypatch):
    from automation.adapters.google import gmail

    monkeypatch.setattr(gmail, "BATCH_BYTES", 1)  # every message is over it: a batch each
    assert notifier(google_emulator, service_account_key).send_all(messages(3)) == [None, None, None]
    assert google_emulator.count("gmail.batch") == 3


def test_the_emulator_refuses_a_gmail_batch_google_would_refuse(google_emulator, service_account_key):
    """Over 100 calls, or a call to another API: 400, as the batch guide says."""
    from googleapiclient.http import BatchHttpRequest

    gmail = notifier(google_emulator, service_account_key)
    too_many = BatchHttpRequest(batch_uri=gmail.batch_uri)
    for n in range(101):
        too_many.add(gmail.service.users().messages().send(userId="me", body={"raw": "eA"}), request_id=str(n))
    with pytest.raises(HttpError) as caught:
        too_many.execute()
    assert caught.value.resp.status == 400 and google_emulator.sent_messages == []
