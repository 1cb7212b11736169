"""The approval binds its content: what is digested, what counts as a change, and the pure decision at approval."""

from __future__ import annotations

from datetime import datetime

from automation.domain.approval import approved_content, combined_digest, content_changes, short_digest
from automation.domain.contract import CAPTION, NOTES, PLATFORM, SCHEDULE, TITLE, Contract, Person, Roster
from automation.domain.results import ActionResult
from automation.domain.sop import load_sop, parse_sop
from automation.domain.workflow import Context, adopted_state, decide_row

SOP = load_sop()
CONTRACT = Contract(SOP)
ROW = {CAPTION: "Festival Gudeg. #Jogja", PLATFORM: "Instagram, X", SCHEDULE: "2026-12-01 09:00"}
FILES = {"poster.png": "sha256:aa", "video/klip.mp4": "sha256:bb"}
ROSTER = Roster((Person("Ratna Kabid IKP", "kabid@ikp.example", "Kabid IKP", True),
                 Person("Adi Admin", "adi@ikp.example", "Admin Medsos", True)))


def test_the_approval_step_is_the_one_that_hands_over_to_publishing():
    assert SOP.approval_step is not None and SOP.approval_step.number == 6
    raw = {**_raw_sop()}
    raw["steps"] = [dict(s) for s in raw["steps"]]
    raw["steps"][-1].pop("action")
    assert parse_sop(raw).approval_step is None  # nothing is published by the daemon: nothing to bind


def test_every_part_is_digested_and_the_combined_digest_follows_any_part():
    content = approved_content(FILES, ROW, SOP)
    assert set(content) == {"file:poster.png", "file:video/klip.mp4", CAPTION, PLATFORM, SCHEDULE}
    assert all(len(v) == 64 for v in content.values())
    assert len(short_digest(content)) == 12 and combined_digest(content).startswith(short_digest(content))
    for other in (approved_content({**FILES, "poster.png": "sha256:ab"}, ROW, SOP),
                  approved_content(FILES, {**ROW, CAPTION: "Festival Gudeg! #Jogja"}, SOP),
                  approved_content({"poster2.png": "sha256:aa", "video/klip.mp4": "sha256:bb"}, ROW, SOP)):
        assert combined_digest(other) != combined_digest(content)


def test_changes_are_named_part_by_part():
    before = approved_content(FILES, ROW, SOP)
    assert content_changes(before, approved_content(FILES, {**ROW, PLATFORM: " x ,instagram"}, SOP)) == []
    after = approved_content({"poster.png": "sha256:cc", "sampul.jpg": "sha256:dd"},
                             {**ROW, CAPTION: "Baru", SCHEDULE: "", PLATFORM: "Instagram"}, SOP)
    assert content_changes(before, after) == [
        "berkas poster.png diubah", "berkas sampul.jpg ditambahkan", "berkas video/klip.mp4 dihapus",
        "Caption diubah", "Platform diubah", "Jadwal Tayang diubah"]


def at_approval():
    row = {h: "" for h in CONTRACT.register_headers}
    row.update(ROW, **{TITLE: "Festival Gudeg"})
    for n in range(1, 6):
        row[CONTRACT.status(n)] = SOP.step(n).outcomes[0].status
        row[CONTRACT.time(n)] = "2026-11-30 09:00"
    row[CONTRACT.actor(6)] = "Ratna Kabid IKP"
    state = adopted_state(CONTRACT, "K-2026-0001", row)
    assert state.active == 6
    return state, {**state.row, CONTRACT.status(6): "Disetujui"}


def context(contents):
    return Context(sop=SOP, contract=CONTRACT, roster=ROSTER, now=datetime(2026, 11, 30, 10, 0), contents=contents)


def test_an_approval_records_the_content_and_shows_its_digest():
    state, seen = at_approval()
    decision = decide_row(context(lambda item_id: FILES), state, seen)
    assert decision.state.active == 7 and decision.state.approved == approved_content(FILES, decision.row, SOP)
    approval = next(e for e in decision.events if e.after == "Disetujui")
    assert approval.remark.endswith(f"Digest konten yang disetujui: {short_digest(decision.state.approved)}.")


def test_an_approval_is_not_taken_while_the_files_cannot_be_read():
    state, seen = at_approval()
    decision = decide_row(context(lambda item_id: None), state, seen)
    assert decision.state.active == 6 and decision.state.approved == {}
    assert decision.row[CONTRACT.status(6)] == "Menunggu"
    assert "Folder aset tidak dapat dibaca sekarang" in decision.row[NOTES]
    assert not any(e.kind == "publish" for e in decision.effects)


def _raw_sop():
    import tomllib

    from automation.domain.sop import default_sop_path

    return tomllib.loads(default_sop_path().read_text(encoding="utf-8"))


def test_a_platform_published_before_the_approval_was_reopened_is_not_posted_again():
    state, seen = at_approval()
    approved = decide_row(context(lambda item_id: FILES), state, seen)
    posted = {"K-2026-0001/7/1/publish:Instagram": ActionResult(ok=True, links=(("Instagram", "https://ig/p/1"),))}
    ctx = Context(sop=SOP, contract=CONTRACT, roster=ROSTER, now=datetime(2026, 11, 30, 10, 5),
                  contents=lambda item_id: {**FILES, "poster.png": "sha256:changed"}, results=posted.get)
    reopened = decide_row(ctx, approved.state, {**approved.row, SCHEDULE: ""})
    assert reopened.state.active == 6 and not any(e.kind == "publish" for e in reopened.effects)
    again = decide_row(ctx, reopened.state, {**reopened.row, CONTRACT.status(6): "Disetujui"})
    assert again.state.activations[7] == 2
    assert [e.key for e in again.effects if e.kind == "publish"] == ["K-2026-0001/7/2/publish:X"]
