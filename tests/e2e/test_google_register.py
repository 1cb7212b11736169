"""The register on Google Sheets through the real gspread, against the local emulator."""

from __future__ import annotations

import pytest
from PIL import Image

from tests.google_emulator.fixtures import DAEMON_EMAIL
from tests.google_office import make_office
from tests.people import actor, status, waktu

pytestmark = pytest.mark.slow  # each test sets up an emulated Google office and runs the daemon on it


@pytest.fixture
def office(google_emulator, service_account_key, tmp_path):
    return make_office(google_emulator, service_account_key, tmp_path / "kantor")


def test_setup_makes_the_register_and_running_it_twice_changes_nothing(office, google_emulator):
    from automation.domain.contract import Contract
    from automation.domain.sop import load_sop

    headers = [str(h) for h in google_emulator.values(office.spreadsheet, "Register")[0]]
    assert tuple(headers) == Contract(load_sop()).register_headers
    assert [str(h) for h in google_emulator.values(office.spreadsheet, "Log")[0]][:3] == ["No", "Waktu", "ID"]
    google_emulator.clear_log()
    out = office.main("setup")
    assert out == "Spreadsheet sudah sesuai; tidak ada yang diubah."
    assert google_emulator.count("sheets.spreadsheets.batchUpdate") == 0
    assert google_emulator.count("sheets.values.batchUpdate") == 0


def test_the_whole_sop_on_google_sheets(office):
    office.propose("Jadwal Vaksinasi", Platform="Instagram", Caption="Ayo vaksin")
    assert office.once(at="2026-11-30T09:00").startswith("1 item baru, 1 perpindahan")
    item = office.rows()[0]["ID"]
    # a real poster: local publishing prepares and checks the media as Instagram would
    folder = next(p for p in (office.root / "drive").glob(f"*/{item}*") if p.is_dir())
    Image.new("RGB", (1080, 1350), (200, 120, 40)).save(folder / "poster.png")
    row = office.row(item)
    assert item == "K-2026-0001" and row[waktu(1)] == "2026-11-30 09:00"
    assert row[status(2)] == "Menunggu" and row[actor(2)] == "Sari Tim Konten" and row["Tahap"].startswith("2. Pertimbangan")
    for minute, (step, value) in enumerate([(2, "Diterima"), (3, "Selesai"), (4, "Selesai"), (5, "Sesuai"),
                                            (6, "Disetujui")], start=1):
        office.decide(item, step, value)
        office.once(at=f"2026-11-30T09:{minute:02d}")
        assert office.row(item)[waktu(step)] == f"2026-11-30 09:{minute:02d}"
    row = office.row(item)
    assert row[status(7)] == "Terbit" and row["Tahap"] == "Terbit"
    assert row["Tautan Publikasi"].startswith("Instagram: ")
    transitions = [r[5] for r in office.log() if r[7].startswith(("Lanjut", "Konten"))]
    assert transitions == ["Diajukan", "Diterima", "Selesai", "Selesai", "Sesuai", "Disetujui", "Terbit"]


def test_a_person_outside_the_role_is_refused_as_google_refuses_it(office):
    from tests.google_emulator.persons import PersonEditRejected  # noqa: F401

    office.propose("Dilindungi")
    office.once()
    item = office.rows()[0]["ID"]
    with pytest.raises(Exception, match="protected cell"):
        office.decide(item, 2, "Diterima", who="dimas@kominfo.example")
    assert office.row(item)[status(2)] == "Menunggu"
    with pytest.raises(Exception, match="protected cell"):
        office.person("sari@kominfo.example").set_cell(office.spreadsheet, (office.row_number(item), "Tahap"),
                                                       "selesai", sheet="Register")


def test_a_rejected_edit_gets_a_cell_note(office, google_emulator):
    office.propose("Catatan sel")
    office.once()
    item = office.rows()[0]["ID"]
    office.person("rina@kontributor.example").set_cell(office.spreadsheet, (office.row_number(item), "Judul"),
                                                       "Judul diganti", sheet="Register")
    row_number = office.row_number(item)
    # the Kabid (allowed on step 6's column) sets a status on a step that is not active yet
    office.decide(item, 6, "Disetujui")
    office.once(at="2026-11-30T09:05")
    row = office.row(item)
    assert row[status(6)] == "" and "6. Persetujuan belum aktif" in row["Catatan Sistem"]
    from automation.domain.contract import Contract
    from automation.domain.sop import load_sop

    column = Contract(load_sop()).register_headers.index(status(6))
    from gspread.utils import rowcol_to_a1

    assert "belum aktif" in (google_emulator.note(office.spreadsheet, f"Register!{rowcol_to_a1(row_number, column + 1)}")
                             or "")


def test_the_note_is_removed_once_its_problem_is_gone(office, google_emulator):
    from gspread.utils import rowcol_to_a1

    from automation.domain.contract import Contract
    from automation.domain.sop import load_sop

    office.propose("Catatan hilang")
    office.once()
    item = office.rows()[0]["ID"]
    cell = f"Register!{rowcol_to_a1(office.row_number(item), Contract(load_sop()).register_headers.index(status(6)) + 1)}"
    office.decide(item, 6, "Disetujui")  # not active yet: undone, with a note
    office.once(at="2026-11-30T09:05")
    assert "belum aktif" in (google_emulator.note(office.spreadsheet, cell) or "")
    google_emulator.clear_log()
    office.decide(item, 2, "Diterima")
    office.once(at="2026-11-30T09:10")
    assert office.row(item)[status(3)] == "Menunggu" and "belum aktif" not in office.row(item)["Catatan Sistem"]
    assert google_emulator.note(office.spreadsheet, cell) is None
    assert google_emulator.count("sheets.spreadsheets.batchUpdate") == 1  # in the one batchUpdate of the write


def test_a_spreadsheet_not_shared_names_the_account_to_share_with(google_emulator, service_account_key, tmp_path):
    office = make_office(google_emulator, service_account_key, tmp_path / "kantor")
    google_emulator.unshare(office.spreadsheet, DAEMON_EMAIL)
    out = office.once()
    assert office.last_code == 1
    assert out == (f"Gagal: Spreadsheet {office.spreadsheet} belum dibagikan ke akun layanan {DAEMON_EMAIL}; "
                   "bagikan sebagai Editor lalu jalankan lagi.")


def test_a_revision_waits_for_its_reason_and_records_it_on_google_sheets(office):
    """Issue 12 on the Google backend: the reason in Catatan Petugas, the Log, the cleared cell, the mail."""
    office.propose("Jadwal Vaksinasi", Platform="Instagram", Caption="Ayo vaksin")
    office.once(at="2026-11-30T09:00")
    item = office.rows()[0]["ID"]
    for minute, (step, value) in enumerate([(2, "Diterima"), (3, "Selesai"), (4, "Selesai")], start=1):
        office.decide(item, step, value)
        office.once(at=f"2026-11-30T09:{minute:02d}")
    office.person("budi@kominfo.example").set_cell(office.spreadsheet, (office.row_number(item), status(5)), "Revisi",
                                               sheet="Register")
    office.once(at="2026-11-30T09:10")
    row = office.row(item)
    assert row[status(5)] == "Revisi" and row["Tahap"].startswith("5.")
    assert "menunggu alasan" in row["Catatan Sistem"]
    office.person("budi@kominfo.example").set_cell(office.spreadsheet, (office.row_number(item), "Catatan Petugas"),
                                               "Logo terlalu kecil.", sheet="Register")
    office.once(at="2026-11-30T09:11")
    row = office.row(item)
    assert row["Tahap"] == "4. Desain (Dimas Desainer)" and row["Catatan Petugas"] == ""
    assert any(r[5] == "Revisi" and "Logo terlalu kecil." in r[7] for r in office.log())


def test_receipt_and_a_scheduled_item_without_false_alarms_on_google_sheets(office):
    """Issue 12 on the Google backend: the contributor's receipt; step 7 belongs to the Admin Medsos and
    its Tenggat counts from Jadwal Tayang, so no reminder or escalation fires before the schedule."""
    import email
    import email.policy

    office.propose("Festival Gudeg", Platform="Instagram", Caption="Festival Gudeg 2026",
                   **{"Jadwal Tayang": "22/12/2026 07.00"})
    office.once(at="2026-11-30T09:00")
    item = office.rows()[0]["ID"]
    folder = next(p for p in (office.root / "drive").glob(f"*/{item}*") if p.is_dir())
    Image.new("RGB", (1080, 1350), (200, 120, 40)).save(folder / "poster.png")

    def mails():
        return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in sorted((office.root / "outbox").glob("*.eml"))]

    assert any("rina@kontributor.example" in str(m["To"]) and f"tercatat: {item}" in m["Subject"] for m in mails())
    for minute, (step, value) in enumerate([(2, "Diterima"), (3, "Selesai"), (4, "Selesai"), (5, "Sesuai"),
                                            (6, "Disetujui")], start=1):
        office.decide(item, step, value)
        office.once(at=f"2026-11-30T09:{minute:02d}")
    row = office.row(item)
    assert row["Tahap"] == "7. Unggah (Andi Admin Medsos)" and row[actor(7)] == "Andi Admin Medsos"
    assert row["Tenggat"] >= "2026-12-22 07:00", row["Tenggat"]
    before = len(mails())
    office.once(at="2026-11-30T15:00")
    office.once(at="2026-12-01T09:00")
    assert not [m["Subject"] for m in mails()[before:] if "Eskalasi" in m["Subject"] or "Pengingat" in m["Subject"]]
