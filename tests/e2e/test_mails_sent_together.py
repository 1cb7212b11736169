"""A notifier that sends many messages at once (Gmail) gets a cycle's mails in one call, after the cycle's
other effects, and the office receives exactly the mails it gets one by one: same messages, each once,
through a whole item's life (a publication decided again in its cycle included)."""

from __future__ import annotations

import os

from automation.bootstrap import build_app
from automation.config import load_config
from automation.ports import Message
from tests.e2e.test_approval_binding import poster
from tests.people import make_workspace, status


class SendsTogether:
    """Sends what it is given through the workspace's own notifier (the outbox), and notes each call."""

    def __init__(self, inner):
        self.inner = inner
        self.calls: list[list[str]] = []

    def send(self, message: Message) -> None:
        self.calls.append([message.key])
        self.inner.send(message)

    def send_all(self, messages: list[Message]) -> list[Exception | None]:
        self.calls.append([m.key for m in messages])
        for message in messages:
            self.inner.send(message)
        return [None] * len(messages)


def cycle(ws, at: str, together: bool) -> list[list[str]]:
    os.environ["SOP_KONTEN_FIXED_TIME"] = at
    app = build_app(load_config(ws.config))
    try:
        notifier = SendsTogether(app.engine.notifier)
        if together:
            app.engine.notifier = notifier
        summary = app.engine.run_once()
        assert not summary.failed and not summary.error
        return notifier.calls
    finally:
        app.close()
        os.environ.pop("SOP_KONTEN_FIXED_TIME", None)


def sent(ws) -> list[tuple[str, str]]:
    return sorted((str(m["Message-ID"]), str(m["Subject"])) for m in ws.mails())


def test_a_cycle_s_mails_go_in_one_call_and_are_the_mails_sent_one_by_one(tmp_path):
    alone, together = make_workspace(tmp_path / "alone"), make_workspace(tmp_path / "together")
    moves = [(2, "Diterima"), (3, "Selesai"), (4, "Selesai"), (5, "Sesuai"), (6, "Disetujui")]
    for ws in (alone, together):
        ws.propose("Festival Gudeg", Jenis="Infografis", Platform="Instagram", Caption="Festival Gudeg 2026.")
        ws.propose("Pasar Kangen", Jenis="Infografis", Platform="Instagram", Caption="Pasar Kangen 2026.")
    calls = []
    for minute, move in enumerate([None, *moves]):
        at = f"2026-11-30T09:{minute:02d}"
        for ws in (alone, together):
            if move is not None:
                for row in ws.rows():
                    if move[0] == 2:  # the files the approval binds and the post publishes
                        folder = next((ws.root / "drive").glob(f"*/{row['ID']}*"))
                        (folder / "poster.png").write_bytes(poster((200, 120, 40)))
                    ws.edit(row["ID"], {status(move[0]): move[1]})
        cycle(alone, at, together=False)
        calls.append(cycle(together, at, together=True))
        assert sent(together) == sent(alone)

    assert all(len(made) == 1 and len(made[0]) > 1 for made in calls), calls  # one call a cycle, mails together
    assert len({key for made in calls for key in made[0]}) == sum(len(made[0]) for made in calls)  # each once
    assert all(row["Tahap"] == "Terbit" for row in together.rows())
