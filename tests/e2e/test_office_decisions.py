"""The SOP as an office lives it: reasons with decisions, the right words to the right person, receipts,
a schedule without false alarms (issue 12, points 1, 2, 4 and 5), through the CLI on the local default."""

from __future__ import annotations

import pytest

from tests.people import actor, make_workspace, status

NOTE = "Catatan Petugas"
REASON = "Logo Pemkot terlalu kecil dan tanggal acara salah."


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path / "kantor")


def to(ws, address):
    return [m for m in ws.mails() if address in str(m["To"])]


@pytest.fixture
def at_koreksi(ws):
    ws.propose("Festival Kuliner", Jenis="Infografis", Platform="Instagram")
    ws.once(at="2026-11-30T08:00")
    item = ws.rows()[0]["ID"]
    ws.advance(item, (2, "Diterima"), (3, "Selesai"), (4, "Selesai"), start_hour=8)
    return item


def test_the_contributor_gets_a_receipt_with_the_id_and_no_staff_links(ws):
    ws.propose("Lomba Bregada", contributor="warga.budi@gmail.com")
    ws.once(at="2026-11-30T08:00")
    item = ws.rows()[0]["ID"]
    [receipt] = to(ws, "warga.budi@gmail.com")
    assert item in receipt["Subject"] and "tercatat" in receipt["Subject"]
    body = receipt.get_content()
    assert f"tercatat sebagai {item}" in body
    assert body.startswith("Yth. Bapak/Ibu,")  # only an address is known
    assert "register" not in body.lower() and "file://" not in body
    ws.once(at="2026-11-30T08:05")
    assert len(to(ws, "warga.budi@gmail.com")) == 1  # once


def test_a_revision_without_a_reason_waits_and_asks_for_one(ws, at_koreksi):
    item = at_koreksi
    ws.edit(item, {status(5): "Revisi"})
    ws.once(at="2026-11-30T09:00")
    row = ws.row(item)
    assert row[status(5)] == "Revisi"  # kept as typed, not undone
    assert row["Tahap"].startswith("5.") and row[status(4)] == "Selesai"
    assert "menunggu alasan" in row["Catatan Sistem"] and NOTE in row["Catatan Sistem"]
    assert not [m for m in to(ws, "dimas@ikp.example") if "revisi" in m["Subject"].lower()]
    ws.once(at="2026-11-30T09:01")  # still waiting, nothing repeated
    assert ws.row(item)[status(5)] == "Revisi"

    ws.edit(item, {NOTE: REASON})
    ws.once(at="2026-11-30T09:02")
    row = ws.row(item)
    assert row["Tahap"] == "4. Desain (Dimas Desainer)" and row[status(4)] == "Menunggu"  # who holds it
    assert row[NOTE] == ""  # recorded, the cell is free for the next decision
    assert "menunggu alasan" not in row["Catatan Sistem"]
    logged = [r for r in ws.log() if r["ID"] == item and r["Menjadi"] == "Revisi"]
    assert len(logged) == 1 and REASON in logged[0]["Keterangan"]
    [mail] = [m for m in to(ws, "dimas@ikp.example") if "revisi" in m["Subject"].lower()]
    body = mail.get_content()
    assert "Dikembalikan oleh: Budi Ketua Tim (5. Koreksi)" in body
    assert "Putaran revisi: ke-1" in body and f"Alasan: {REASON}" in body


def test_a_withdrawn_decision_goes_back_to_waiting(ws, at_koreksi):
    item = at_koreksi
    ws.edit(item, {status(5): "Revisi"})
    ws.once(at="2026-11-30T09:00")
    ws.edit(item, {status(5): ""})
    ws.once(at="2026-11-30T09:01")
    row = ws.row(item)
    assert row[status(5)] == "Menunggu" and "menunggu alasan" not in row["Catatan Sistem"]
    ws.edit(item, {status(5): "Sesuai"})
    ws.once(at="2026-11-30T09:02")
    assert ws.row(item)["Tahap"].startswith("6.")


def test_the_reviewer_gets_revised_work_to_review_not_a_revision(ws, at_koreksi):
    item = at_koreksi
    ws.edit(item, {status(5): "Revisi", NOTE: REASON})
    ws.once(at="2026-11-30T09:00")
    ws.edit(item, {status(4): "Selesai"})
    ws.once(at="2026-11-30T09:01")
    subjects = [m["Subject"] for m in to(ws, "budi@ikp.example")]
    assert any("Hasil revisi menunggu koreksi Anda" in s for s in subjects), subjects
    assert not any("dikembalikan kepada Anda" in s for s in subjects), subjects


def test_a_rejection_tells_the_contributor_why(ws):
    ws.propose("Lomba Bregada", contributor="warga.budi@gmail.com")
    ws.once(at="2026-11-30T08:00")
    item = ws.rows()[0]["ID"]
    ws.edit(item, {status(2): "Ditolak", NOTE: "Sudah diliput bulan lalu."})
    ws.once(at="2026-11-30T08:05")
    assert ws.row(item)["Tahap"] == "Ditolak"
    [mail] = [m for m in to(ws, "warga.budi@gmail.com") if "ditolak" in m["Subject"].lower()]
    body = mail.get_content()
    assert "Alasan: Sudah diliput bulan lalu." in body
    assert "register" not in body.lower() and body.startswith("Yth. Bapak/Ibu,")


def test_no_task_mail_for_a_step_finished_in_the_same_save(ws):
    ws.propose("Festival Kuliner")
    ws.once(at="2026-11-30T08:00")
    item = ws.rows()[0]["ID"]
    ws.edit(item, {status(2): "Diterima", status(3): "Selesai"})
    ws.once(at="2026-11-30T08:01")
    assert ws.row(item)["Tahap"].startswith("4.")
    subjects = [m["Subject"] for m in to(ws, "sari@ikp.example")]
    assert not any("3. Konsep" in s for s in subjects), subjects
    assert any("4. Desain" in m["Subject"] for m in to(ws, "dimas@ikp.example"))


def test_a_scheduled_item_waits_for_its_schedule_without_false_alarms(ws, at_koreksi):
    item = at_koreksi
    ws.edit(item, {"Jadwal Tayang": "2026-12-22 07:00"})
    ws.advance(item, (5, "Sesuai"), (6, "Disetujui"))
    row = ws.row(item)
    assert row["Tahap"].startswith("7.")
    assert row[actor(7)] == "Andi Admin Medsos"  # step 7 belongs to the Admin Medsos
    assert row["Tenggat"] >= "2026-12-22 07:00", row["Tenggat"]
    before = len(ws.mails())
    ws.once(at="2026-11-30T15:00")
    ws.once(at="2026-12-01T09:00")
    late = [m["Subject"] for m in ws.mails()[before:]]
    assert not [s for s in late if "Eskalasi" in s or "Pengingat" in s], late


def test_the_reviewer_and_the_approver_can_decide_from_the_mail(ws):
    from PIL import Image

    caption = "Festival Kuliner Jogja 2026 di Alun-alun Utara. " * 7  # 343 characters: too long for X
    ws.propose("Festival Kuliner", Jenis="Infografis", Platform="Instagram, X", Caption=caption.strip(),
               **{"Jadwal Tayang": "2026-12-22 07:00"})
    ws.once(at="2026-11-30T08:00")
    item = ws.rows()[0]["ID"]
    folder = next((ws.root / "drive").glob(f"*/{item}*"))
    Image.new("RGB", (1080, 1350), (200, 120, 40)).save(folder / "poster.jpg")
    (folder / "klip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(64))
    ws.advance(item, (2, "Diterima"), (3, "Selesai"), (4, "Selesai"), start_hour=8)
    [mail] = [m for m in to(ws, "budi@ikp.example") if "5. Koreksi" in m["Subject"]]
    body = mail.get_body(("plain",)).get_content()
    assert "Platform : Instagram, X" in body and "Jadwal   : 2026-12-22 07:00 WIB" in body
    assert "Festival Kuliner Jogja 2026" in body
    assert "- X: " in body and "280" in body  # the caption as X counts it, over its limit
    assert "- Instagram: " in body and "sesuai aturan platform" in body
    assert 'di linimasa terlihat: "Festival Kuliner Jogja 2026' in body  # Instagram folds after 125 characters
    assert "Catatan Petugas" in body and "Sesuai / Revisi" in body
    attached = [part.get_filename() for part in mail.iter_attachments()]
    assert attached == ["poster.jpg"]
    assert "klip.mp4" in body  # a video is named, not attached
    ws.advance(item, (5, "Sesuai"), start_hour=9)
    [approval] = [m for m in to(ws, "kabid@ikp.example") if "6. Persetujuan" in m["Subject"]]
    assert [part.get_filename() for part in approval.iter_attachments()] == ["poster.jpg"]
