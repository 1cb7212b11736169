"""A cycle's mails go out together in Gmail batch requests, and each is marked in the journal as if sent
alone: a part that failed keeps its intent and is sent next cycle, the others are done; a batch that
failed whole keeps every intent. Register on Sheets, mails through Gmail, all on the emulator."""

from __future__ import annotations

import pytest

from automation.adapters.notify.outbox import message_id
from automation.service.journal import DONE, FAILED, PENDING
from tests.google_office import make_office

pytestmark = pytest.mark.slow  # an emulated office: spreadsheet, roster, protections, then polls


@pytest.fixture
def office(google_emulator, service_account_key, tmp_path):
    return make_office(google_emulator, service_account_key, tmp_path / "kantor", gmail=True)


def daemon(office, at="2026-11-30T09:00"):
    return office.app(at)


def mail_effects(app) -> dict[str, str]:
    """Each notification effect's key -> its status in the journal."""
    rows = app.engine.journal.db.execute("SELECT key, status FROM ledger WHERE kind = 'notify'").fetchall()
    return dict(rows)


def sent_ids(emulator) -> list[str]:
    return [sent["message_id"] for sent in emulator.sent_messages]


def test_a_failed_part_keeps_its_intent_and_is_sent_next_cycle_the_others_are_done(office, google_emulator):
    for title in ("Liputan A", "Liputan B", "Liputan C"):
        office.propose(title)
    app = daemon(office)
    google_emulator.inject_500(kind="gmail.messages.send")  # one part of the batch
    app.engine.run_once()

    assert google_emulator.count("gmail.batch") == 1 and google_emulator.count("gmail.messages.send") == 0
    effects = mail_effects(app)
    assert len(effects) >= 3 and list(effects.values()).count(FAILED) == 1
    sent = set(sent_ids(google_emulator))
    assert {key for key, status in effects.items() if status == DONE} == {k for k in effects if message_id(k) in sent}
    [failed] = [key for key, status in effects.items() if status == FAILED]
    assert message_id(failed) not in sent
    assert len(office.rows()) == 3 and all(row["ID"] for row in office.rows())  # the write was not held back

    app.engine.run_once()
    assert set(mail_effects(app).values()) == {DONE}
    assert sorted(sent_ids(google_emulator)) == sorted(message_id(key) for key in effects)  # each exactly once


def test_a_batch_that_fails_whole_keeps_every_intent_for_the_next_cycle(office, google_emulator):
    for title in ("Liputan A", "Liputan B"):
        office.propose(title)
    app = daemon(office)
    google_emulator.fail_next(-1, kind="gmail.batch", times=2)  # drops, and again on httplib2's own retry
    app.engine.run_once()

    effects = mail_effects(app)
    assert len(effects) >= 2 and set(effects.values()) == {FAILED} and google_emulator.sent_messages == []
    assert all(row["ID"] for row in office.rows())

    app.engine.run_once()
    assert set(mail_effects(app).values()) == {DONE}
    assert sorted(sent_ids(google_emulator)) == sorted(message_id(key) for key in effects)


def test_a_crash_before_the_batch_leaves_every_mail_pending_and_sends_it_later(office, google_emulator):
    """The engine's hook before each mail (`notify.send`) is reached for the queued mails just before the batch
    goes out: stopping there sends nothing, and the next daemon sends each mail once."""
    from automation import faults

    for title in ("Liputan A", "Liputan B"):
        office.propose(title)
    app = daemon(office)

    class Crash(Exception):
        pass

    def crash(count: int, name: str) -> None:
        if name == "notify.send":
            raise Crash

    with faults.hooked(crash), pytest.raises(Crash):
        app.engine.run_once()
    effects = mail_effects(app)
    assert len(effects) >= 2 and set(effects.values()) == {PENDING} and google_emulator.sent_messages == []

    daemon(office).engine.run_once()
    assert set(mail_effects(app).values()) == {DONE}
    assert sorted(sent_ids(google_emulator)) == sorted(message_id(key) for key in effects)
