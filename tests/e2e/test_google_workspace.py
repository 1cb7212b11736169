"""The foundation's whole scenario with every Google backend: Sheets, Drive and Gmail, on the emulator."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.google_emulator.fixtures import DAEMON_EMAIL
from tests.google_office import OWNER, make_office
from tests.people import actor, status, waktu

pytestmark = pytest.mark.slow  # the whole SOP with Sheets, Drive and Gmail on the emulator


@pytest.fixture
def office(google_emulator, service_account_key, tmp_path):
    return make_office(google_emulator, service_account_key, tmp_path / "kantor", drive=True, gmail=True)


def stage_of(emulator, office, item):
    stages = {f.id: f.name for f in emulator.files_in(office.root_folder)}
    for folder_id, name in stages.items():
        if any(f.name.startswith(item) for f in emulator.files_in(folder_id)):
            return name
    return None


def test_the_whole_sop_with_sheets_drive_and_gmail(office, google_emulator):
    office.once(at="2026-11-30T08:00")
    stages = sorted(f.name for f in google_emulator.files_in(office.root_folder))
    assert stages[0] == "00 Masuk" and stages[-1] == "99 Ditolak" and len(stages) == 10
    intake = next(f.id for f in google_emulator.files_in(office.root_folder) if f.name == "00 Masuk")
    google_emulator.share(intake, "rina@kontributor.example", "writer")  # the office shares the intake folder
    poster = io.BytesIO()
    Image.new("RGB", (1080, 1350), (200, 120, 40)).save(poster, "PNG")  # prepared for Instagram at publication
    google_emulator.upload_file(intake, "Festival Gudeg.png", poster.getvalue(), "rina@kontributor.example")
    office.once(at="2026-11-30T09:00")
    (row,) = office.rows()
    item = row["ID"]
    assert row["Judul"] == "Festival Gudeg" and row[actor(1)] == "rina@kontributor.example"
    assert row[status(2)] == "Menunggu" and row[actor(2)] == "Sari Tim Konten"
    assert row["Folder Aset"].startswith("https://drive.google.com/drive/folders/")
    assert stage_of(google_emulator, office, item) == "02 Pertimbangan"
    sent = google_emulator.sent_messages
    assert [m["to"] for m in sent][-1].endswith("<sari@kominfo.example>")
    office.person(OWNER).set_cell(office.spreadsheet, (office.row_number(item), "Platform"), "Instagram",
                                  sheet="Register")
    steps = [(2, "Diterima", "03 Konsep"), (3, "Selesai", "04 Desain"), (4, "Selesai", "05 Koreksi"),
             (5, "Sesuai", "06 Persetujuan")]
    for minute, (step, value, stage) in enumerate(steps, start=1):
        office.decide(item, step, value)
        office.once(at=f"2026-11-30T09:{minute:02d}")
        assert office.row(item)[waktu(step)] == f"2026-11-30 09:{minute:02d}"
        assert stage_of(google_emulator, office, item) == stage
    office.decide(item, 6, "Disetujui")
    office.once(at="2026-11-30T09:10")
    row = office.row(item)
    assert row[status(7)] == "Terbit" and row["Tautan Publikasi"].startswith("Instagram: ")
    assert stage_of(google_emulator, office, item) == "08 Terbit"
    post = office.root / "published" / "instagram" / item
    assert (post / "Festival Gudeg-instagram.jpg").read_bytes().startswith(b"\xff\xd8\xff")  # as Instagram gets it
    sent = google_emulator.sent_messages
    to_contributor = [m for m in sent if m["to"].endswith("<rina@kontributor.example>")]
    assert "terbit" in to_contributor[-1]["subject"].lower()  # after the receipt and "diterima"
    assert "sudah diunggah" in sent[-1]["subject"] and "andi@" in sent[-1]["to"]  # the admin's result
    assert all(m["from"].endswith(f"<{office_sender()}>") for m in sent)
    assert google_emulator.drive_calls_without_supports_all_drives() == []
    count = len(sent)
    office.once(at="2026-11-30T09:20")
    assert len(google_emulator.sent_messages) == count


def item_folder(emulator, office, item):
    for stage in emulator.files_in(office.root_folder):
        for folder in emulator.files_in(stage.id):
            if folder.name.startswith(item):
                return folder.id
    raise AssertionError(item)


def test_a_file_changed_after_the_approval_mail_is_not_published_the_approver_is_asked_again(office,
                                                                                          google_emulator):
    """An approval binds the files as its request mail showed them (no Drive lookup before deciding); the
    post is checked against the files as they are, so a file added meanwhile is never published unapproved."""
    office.propose("Jadwal Vaksinasi", Platform="Instagram", Caption="Ayo vaksin")
    office.once(at="2026-11-30T09:00")
    item = office.rows()[0]["ID"]
    poster = io.BytesIO()
    Image.new("RGB", (1080, 1350), (200, 120, 40)).save(poster, "PNG")
    google_emulator.upload_file(item_folder(google_emulator, office, item), "poster.png", poster.getvalue(), OWNER)
    for minute, (step, value) in enumerate([(2, "Diterima"), (3, "Selesai"), (4, "Selesai"), (5, "Sesuai")],
                                           start=1):
        office.decide(item, step, value)
        office.once(at=f"2026-11-30T09:{minute:02d}")
    assert stage_of(google_emulator, office, item) == "06 Persetujuan"  # the Kabid was mailed the poster
    other = io.BytesIO()
    Image.new("RGB", (1080, 1350), (10, 10, 200)).save(other, "PNG")
    google_emulator.upload_file(item_folder(google_emulator, office, item), "poster-2.png", other.getvalue(), OWNER)

    office.decide(item, 6, "Disetujui")
    office.once(at="2026-11-30T09:10")
    row = office.row(item)
    assert row[status(7)] != "Terbit" and not (office.root / "published" / "instagram" / item).exists()
    assert row[status(6)] == "Menunggu" and "poster-2.png" in row["Catatan Sistem"]  # asked again, and why

    office.decide(item, 6, "Disetujui")  # the approver has seen both files now
    office.once(at="2026-11-30T09:12")
    row = office.row(item)
    assert row[status(7)] == "Terbit"
    assert sorted(p.name for p in (office.root / "published" / "instagram" / item).iterdir() if p.suffix == ".jpg")


def office_sender():
    from tests.google_office import SENDER

    return SENDER


def test_check_names_the_account_when_the_drive_folder_is_not_shared(office, google_emulator):
    office.once(at="2026-11-30T08:00")
    google_emulator.unshare(office.root_folder, DAEMON_EMAIL)
    out = office.main("check")
    assert office.last_code == 1 and DAEMON_EMAIL in out and office.root_folder in out


def test_check_names_the_drive_folder_not_shared_when_the_register_is_a_workbook(google_emulator,
                                                                                  service_account_key, tmp_path):
    from automation.config import DEFAULT_CONFIG
    from tests.google_office import GoogleOffice

    folder = google_emulator.create_folder("Konten IKP", OWNER, shared_with={DAEMON_EMAIL: "writer"})
    root = tmp_path / "kantor"
    root.mkdir()
    config = (DEFAULT_CONFIG.replace('backend = "folders"', 'backend = "drive"')
              .replace('# root_folder = ""', f'root_folder = "{folder}"')
              .replace('key_file = ""', f'key_file = "{service_account_key}"')
              .replace('api_base = ""', f'api_base = "{google_emulator.base_url}"'))
    assert 'backend = "workbook"' in config
    (root / "sop-konten.toml").write_text(config, encoding="utf-8")
    office = GoogleOffice(google_emulator, root, spreadsheet="")
    office.main("setup")
    assert office.last_code == 0
    out = office.main("check")  # shared with the service account, but in My Drive: refused with the reason
    assert office.last_code == 1 and "My Drive" in out and "kuota penyimpanan" in out

    google_emulator.unshare(folder, DAEMON_EMAIL)
    out = office.main("check")
    assert office.last_code == 1 and DAEMON_EMAIL in out and folder in out
