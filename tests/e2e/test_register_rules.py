"""The SOP's rules as people meet them in the register: each kind of edit, right and wrong."""

from __future__ import annotations

import openpyxl
import pytest
from PIL import Image

from tests.people import actor, make_workspace, status, waktu


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path / "kantor")


@pytest.fixture
def item(ws):
    ws.propose("Festival Kuliner", Jenis="Infografis", Platform="Instagram")
    ws.once(at="2026-11-30T08:00")
    item = ws.rows()[0]["ID"]
    # local mode prepares and checks the media as Instagram would: a real poster, so the item can go live
    folder = next((ws.root / "drive").glob(f"*/{item}*"))
    Image.new("RGB", (1080, 1350), (200, 120, 40)).save(folder / "poster.png")
    return item


def note(ws, item):
    return ws.row(item)["Catatan Sistem"]


def undo_logged(ws, item, column):
    return [r for r in ws.log() if r["ID"] == item and r["Langkah"] == column and
            r["Keterangan"].startswith("Dibatalkan")]


# --- invalid edits ----------------------------------------------------------

def test_status_on_a_step_that_is_not_active_is_undone(ws, item):
    ws.edit(item, {status(4): "Selesai"})
    ws.once()
    row = ws.row(item)
    assert row[status(4)] == ""
    assert row[status(2)] == "Menunggu"
    assert "4. Desain belum aktif (sekarang giliran 2. Pertimbangan)" in row["Catatan Sistem"]
    assert undo_logged(ws, item, status(4))
    wb = openpyxl.load_workbook(ws.register)
    ws_ = wb["Register"]
    headers = [c.value for c in ws_[1]]
    comment = ws_.cell(row=2, column=headers.index(status(4)) + 1).comment
    assert comment is not None and "belum aktif" in comment.text


def test_a_value_the_step_does_not_allow_is_undone(ws, item):
    ws.edit(item, {status(2): "Oke"})
    ws.once()
    row = ws.row(item)
    assert row[status(2)] == "Menunggu"
    assert "'Oke' bukan status yang sah untuk 2. Pertimbangan" in row["Catatan Sistem"]
    assert "Diterima, Ditolak, Proses" in row["Catatan Sistem"]


def test_matching_is_forgiving_about_case_and_spaces_only(ws, item):
    ws.edit(item, {status(2): "  DITERIMA "})
    ws.once()
    assert ws.row(item)[status(2)] == "Diterima"
    ws.edit(item, {status(3): "Seles ai"})
    ws.once()
    assert ws.row(item)[status(3)] == "Menunggu"


def test_proses_is_information_on_the_waiting_step(ws, item):
    ws.edit(item, {status(2): "proses"})
    ws.once()
    row = ws.row(item)
    assert row[status(2)] == "Proses" and row["Catatan Sistem"] == ""
    ws.edit(item, {status(2): "Diterima"})
    ws.once()
    assert ws.row(item)[status(3)] == "Menunggu"


def test_a_completed_status_cannot_be_changed_or_cleared(ws, item):
    ws.advance(item, (2, "Diterima"))
    ws.edit(item, {status(2): "Ditolak"})
    ws.once()
    row = ws.row(item)
    assert row[status(2)] == "Diterima" and row[status(3)] == "Menunggu"
    assert "2. Pertimbangan sudah final" in row["Catatan Sistem"]
    ws.edit(item, {status(1): None})
    ws.once()
    assert ws.row(item)[status(1)] == "Diajukan"


def test_the_waiting_status_cannot_be_cleared(ws, item):
    ws.edit(item, {status(2): None})
    ws.once()
    row = ws.row(item)
    assert row[status(2)] == "Menunggu"
    assert "tidak boleh dikosongkan" in row["Catatan Sistem"]


def test_system_columns_are_restored(ws, item):
    before = ws.row(item)
    ws.edit(item, {waktu(1): "2020-01-01 00:00", "Tahap": "7. Unggah", "Tenggat": "besok"})
    ws.once()
    row = ws.row(item)
    assert (row[waktu(1)], row["Tahap"], row["Tenggat"]) == (before[waktu(1)], before["Tahap"], before["Tenggat"])
    assert "Kolom 'Tahap' diisi oleh sistem" in row["Catatan Sistem"]


def test_a_rejected_item_accepts_no_more_changes(ws, item):
    ws.edit(item, {"Catatan Petugas": "Bukan kewenangan Pemkot."})
    ws.advance(item, (2, "Ditolak"))
    ws.edit(item, {status(3): "Selesai", "Judul": "Judul baru"})
    ws.once()
    row = ws.row(item)
    assert row[status(3)] == "" and row["Judul"] == "Festival Kuliner"
    assert "sudah ditolak" in row["Catatan Sistem"]


def test_a_published_item_accepts_no_more_changes(ws, item):
    ws.advance(item, (2, "Diterima"), (3, "Selesai"), (4, "Selesai"), (5, "Sesuai"), (6, "Disetujui"))
    assert ws.row(item)[status(7)] == "Terbit"
    ws.edit(item, {status(7): "Menunggu", "Caption": "ubah"})
    ws.once()
    row = ws.row(item)
    assert row[status(7)] == "Terbit" and row["Caption"] == ""
    assert "sudah terbit" in row["Catatan Sistem"]


def test_a_value_typed_as_a_formula_stays_text(ws, item):
    ws.edit(item, {"Caption": "=HYPERLINK(\"http://x\")", status(2): "bukan status"})
    ws.once()
    wb = openpyxl.load_workbook(ws.register)
    sheet = wb["Register"]
    headers = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=headers.index(status(2)) + 1)
    assert cell.value == "Menunggu"


def test_submitting_without_a_title_is_refused(ws):
    ws.edit(None, {"Judul": "Tanpa status"})
    ws.once()
    item = ws.rows()[0]["ID"]
    ws.edit(item, {"Judul": None, status(1): "Diajukan"})
    ws.once()
    row = ws.row(item)
    assert row[status(1)] == "Menunggu"
    assert "Judul wajib diisi" in row["Catatan Sistem"]


# --- the paths of the SOP -----------------------------------------------------

@pytest.mark.parametrize("reviewer", [5, 6])
def test_revisi_sends_the_item_back_to_the_designer(ws, item, reviewer):
    moves = [(2, "Diterima"), (3, "Selesai"), (4, "Selesai"), (5, "Sesuai")][: reviewer - 2]
    ws.advance(item, *moves)
    mails_before = len(ws.mails())
    ws.edit(item, {status(reviewer): "Revisi", "Catatan Petugas": "Tanggal acara salah."})
    ws.once(at="2026-11-30T11:00")
    row = ws.row(item)
    assert row[status(4)] == "Menunggu" and row[actor(4)] == "Dimas Desainer"
    assert row[waktu(4)] == ""
    for later in range(5, 8):
        assert row[status(later)] == row[actor(later)] == row[waktu(later)] == ""
    assert row["Tahap"].startswith("4. Desain")
    assert ws.folder_stage(item) == "04 Desain"
    mail = ws.mails()[mails_before]
    assert "dimas@ikp.example" in str(mail["To"]) and "revisi" in mail["Subject"].lower()
    assert any(r["Menjadi"] == "Revisi" and r["Langkah"].startswith(f"{reviewer}.") for r in ws.log())
    # the loop closes: design again, review again, approve, publish
    ws.advance(item, *[(n, v) for n, v in [(4, "Selesai"), (5, "Sesuai"), (6, "Disetujui")]], start_hour=12)
    row = ws.row(item)
    assert row[status(7)] == "Terbit" and row["Tahap"] == "Terbit"
    assert sum(1 for r in ws.log() if r["Langkah"] == "4. Desain" and r["Menjadi"] == "Selesai") == 2


@pytest.mark.parametrize("step", [2, 6])
def test_ditolak_ends_the_item_and_tells_the_contributor(ws, item, step):
    moves = [(2, "Diterima"), (3, "Selesai"), (4, "Selesai"), (5, "Sesuai")][: step - 2]
    ws.advance(item, *moves)
    ws.edit(item, {status(step): "Ditolak", "Catatan Petugas": "Sudah diliput."})
    ws.once(at="2026-11-30T15:00")
    row = ws.row(item)
    assert row["Tahap"] == "Ditolak" and row["Tenggat"] == ""
    assert row[waktu(step)] == "2026-11-30 15:00"
    assert all(row[status(n)] == "" for n in range(step + 1, 8))
    assert ws.folder_stage(item) == "99 Ditolak"
    last = ws.mails()[-1]
    assert "rina@kontributor.example" in str(last["To"]) and "ditolak" in last["Subject"].lower()
    assert "Alasan: Sudah diliput." in last.get_content()
    assert not (ws.root / "published" / "instagram" / item).exists()


def test_several_steps_completed_between_two_polls_are_taken_in_order(ws, item):
    ws.edit(item, {status(2): "Diterima", status(3): "Selesai"})
    ws.once()
    row = ws.row(item)
    assert (row[status(2)], row[status(3)], row[status(4)]) == ("Diterima", "Selesai", "Menunggu")


# --- people and assignment ----------------------------------------------------

def add_person(ws, name, email, role, active="Ya"):
    ws.edit(None, {"Nama": name, "Email": email, "Peran": role, "Aktif": active}, tab="Petugas")


def test_assignment_goes_to_the_member_with_the_fewest_open_items(ws):
    add_person(ws, "Tono Tim Konten", "tono@ikp.example", "Tim Konten")
    for title in ("A", "B", "C"):
        ws.propose(title)
    ws.once()
    assignees = [r[actor(2)] for r in ws.rows()]
    assert sorted(assignees) == ["Sari Tim Konten", "Sari Tim Konten", "Tono Tim Konten"]


def test_an_inactive_member_gets_no_work(ws):
    ws.edit(None, {"Aktif": "Tidak"}, tab="Petugas")  # a new inactive row: no-op
    add_person(ws, "Tono Tim Konten", "tono@ikp.example", "Tim Konten")
    wb = openpyxl.load_workbook(ws.register)
    roster = wb["Petugas"]
    for row in roster.iter_rows(min_row=2):
        if row[0].value == "Sari Tim Konten":
            row[3].value = "Tidak"
    wb.save(ws.register)
    ws.propose("A")
    ws.once()
    assert ws.rows()[0][actor(2)] == "Tono Tim Konten"


def test_overwriting_a_pelaksana_reassigns_and_notifies(ws, item):
    add_person(ws, "Tono Tim Konten", "tono@ikp.example", "Tim Konten")
    ws.edit(item, {actor(2): "tono@ikp.example"})
    ws.once(at="2026-11-30T08:05")
    row = ws.row(item)
    assert row[actor(2)] == "Tono Tim Konten"
    last = ws.mails()[-1]
    assert "tono@ikp.example" in str(last["To"]) and "dialihkan" in last["Subject"]
    assert any(r["Keterangan"] == "Pelaksana diganti." for r in ws.log())


def test_a_pelaksana_outside_the_role_is_refused(ws, item):
    ws.edit(item, {actor(2): "Dimas Desainer"})
    ws.once()
    row = ws.row(item)
    assert row[actor(2)] == "Sari Tim Konten"
    assert "bukan petugas aktif dengan peran Tim Konten" in row["Catatan Sistem"]


def test_a_role_without_active_members_is_noted_and_filled_later(ws, item):
    wb = openpyxl.load_workbook(ws.register)
    for row in wb["Petugas"].iter_rows(min_row=2):
        if row[2].value == "Desainer/Editor":
            row[3].value = "Tidak"
    wb.save(ws.register)
    ws.advance(item, (2, "Diterima"), (3, "Selesai"))
    row = ws.row(item)
    assert row[status(4)] == "Menunggu" and row[actor(4)] == ""
    assert "Tidak ada petugas aktif dengan peran Desainer/Editor" in row["Catatan Sistem"]
    add_person(ws, "Dewi Desainer", "dewi@ikp.example", "Desainer/Editor")
    ws.once(at="2026-11-30T10:00")
    row = ws.row(item)
    assert row[actor(4)] == "Dewi Desainer" and row["Catatan Sistem"] == ""
    assert "dewi@ikp.example" in str(ws.mails()[-1]["To"])


# --- scheduling -------------------------------------------------------------------

def test_jadwal_tayang_holds_publication_until_its_time(ws, item):
    ws.edit(item, {"Jadwal Tayang": "2026-12-01 08:00"})
    ws.advance(item, (2, "Diterima"), (3, "Selesai"), (4, "Selesai"), (5, "Sesuai"), (6, "Disetujui"))
    row = ws.row(item)
    assert row[status(7)] == "Menunggu" and "Dijadwalkan tayang 2026-12-01 08:00" in row["Catatan Sistem"]
    ws.once(at="2026-12-01T07:59")
    assert ws.row(item)[status(7)] == "Menunggu"
    ws.once(at="2026-12-01T08:00")
    row = ws.row(item)
    assert row[status(7)] == "Terbit" and row[waktu(7)] == "2026-12-01 08:00"


def test_an_unreadable_jadwal_tayang_blocks_publication_with_a_note(ws, item):
    ws.edit(item, {"Jadwal Tayang": "besok pagi"})
    ws.advance(item, (2, "Diterima"), (3, "Selesai"), (4, "Selesai"), (5, "Sesuai"), (6, "Disetujui"))
    row = ws.row(item)
    assert row[status(7)] == "Menunggu"
    assert "Jadwal Tayang 'besok pagi' tidak terbaca" in row["Catatan Sistem"]
    ws.edit(item, {"Jadwal Tayang": None})
    ws.once(at="2026-11-30T16:00")
    row = ws.row(item)  # the schedule is part of what was approved: the Kabid decides again
    assert row[status(6)] == "Menunggu" and "Jadwal Tayang diubah" in row["Catatan Sistem"]
    ws.edit(item, {status(6): "Disetujui"})
    ws.once(at="2026-11-30T16:01")
    assert ws.row(item)[status(7)] == "Terbit"


def test_tenggat_counts_working_time_only(ws):
    ws.propose("Jumat sore")
    ws.once(at="2026-11-27T16:25")  # Friday; work ends 16:30
    assert ws.rows()[0]["Tenggat"] == "2026-11-30 07:35"


def test_configured_days_off_move_the_tenggat(ws):
    config = ws.config.read_text(encoding="utf-8").replace("days_off = []", "days_off = [2026-11-30]")
    ws.config.write_text(config, encoding="utf-8")
    ws.propose("Libur kantor")
    ws.once(at="2026-11-27T16:25")
    assert ws.rows()[0]["Tenggat"] == "2026-12-01 07:35"
