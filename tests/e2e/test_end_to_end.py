"""The whole SOP, driven through the command line as the office would use it."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from tests.people import actor, make_workspace, status, waktu

pytestmark = pytest.mark.slow  # the whole SOP through the command line, a process per step


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path / "kantor")


def recipients(mails):
    return [str(m["To"]) for m in mails]


def test_an_idea_goes_through_every_step_and_is_published(ws):
    (ws.root / "drive").mkdir(exist_ok=True)
    ws.propose("Jadwal Vaksinasi Kota", Jenis="Infografis", Sumber="Pemkot Yogyakarta",
               Platform="Instagram, X", Caption="Vaksinasi gratis di Balai Kota. #JogjaSehat")

    out = ws.once(process=True, at="2026-11-30T09:00")
    assert out.startswith("1 item baru, 1 perpindahan langkah")
    row = ws.rows()[0]
    item = row["ID"]
    assert item == "K-2026-0001"
    assert row[waktu(1)] == "2026-11-30 09:00"
    assert row[status(2)] == "Menunggu" and row[actor(2)] == "Sari Tim Konten"
    assert row["Tahap"].startswith("2. Pertimbangan")
    assert row["Tenggat"] == "2026-11-30 09:10"
    assert ws.folder_stage(item) == "02 Pertimbangan"
    receipt, task = sorted(ws.mails(), key=lambda m: "sari@" in str(m["To"]))
    assert str(receipt["To"]) == "Rina Kontributor <rina@kontributor.example>"
    assert f"Ide Anda tercatat: {item}" in receipt["Subject"]  # the contributor's receipt
    assert str(task["To"]) == "Sari Tim Konten <sari@ikp.example>"
    assert item in task["Subject"] and "2. Pertimbangan" in task["Subject"]
    assert "Waktu baku: 10 menit" in task.get_content()

    # material for the design goes into the item's folder
    folder = next((ws.root / "drive" / "02 Pertimbangan").glob(f"{item}*"))
    Image.new("RGB", (1080, 1350), (200, 120, 40)).save(folder / "poster.png")  # prepared per platform

    steps = [
        # (step, value, time, next step, its actor, its e-mail, stage folder)
        (2, "Diterima", "2026-11-30 09:05", 3, "Sari Tim Konten", "sari@ikp.example", "03 Konsep"),
        (3, "Selesai", "2026-11-30 10:20", 4, "Dimas Desainer", "dimas@ikp.example", "04 Desain"),
        (4, "Selesai", "2026-11-30 13:30", 5, "Budi Ketua Tim", "budi@ikp.example", "05 Koreksi"),
        (5, "Sesuai", "2026-11-30 13:38", 6, "Ratna Kabid IKP", "kabid@ikp.example", "06 Persetujuan"),
    ]
    for number, value, at, following, person, address, stage in steps:
        ws.edit(item, {status(number): value})
        ws.once(process=True, at=at.replace(" ", "T"))
        row = ws.row(item)
        assert row[status(number)] == value
        assert row[waktu(number)] == at
        assert row[status(following)] == "Menunggu"
        assert row[actor(following)] == person
        assert row["Tahap"].startswith(f"{following}.")
        assert ws.folder_stage(item) == stage
        to_them = [m for m in ws.mails() if address in str(m["To"]) and f"{following}." in m["Subject"]]
        assert len(to_them) == 1 and item in to_them[0]["Subject"]

    ws.edit(item, {status(6): "disetujui"})  # forgiving about case
    ws.once(process=True, at="2026-11-30T13:45")
    row = ws.row(item)
    assert row[status(6)] == "Disetujui" and row[waktu(6)] == "2026-11-30 13:45"
    assert row[status(7)] == "Terbit" and row[waktu(7)] == "2026-11-30 13:45"
    assert row["Tahap"] == "Terbit" and row["Tenggat"] == ""
    assert ws.folder_stage(item) == "08 Terbit"
    links = row["Tautan Publikasi"].splitlines()
    assert [line.split(":")[0] for line in links] == ["Instagram", "X"]

    for platform in ("instagram", "x"):
        post = ws.root / "published" / platform / item
        assert (post / f"poster-{platform}.jpg").exists()  # what the platform would be sent
        data = json.loads((post / "post.json").read_text(encoding="utf-8"))
        assert data["caption"].startswith("Vaksinasi gratis")
    page = (ws.root / "published" / "index.html").read_text(encoding="utf-8")
    assert "Jadwal Vaksinasi Kota" in page

    published = {str(m["To"]): m["Subject"] for m in ws.mails()[-2:]}
    assert "terbit" in published["Rina Kontributor <rina@kontributor.example>"].lower()
    assert "sudah diunggah" in published["Andi Admin Medsos <andi@ikp.example>"]  # step 7 is the admin's
    log = ws.log()
    transitions = [(r["Langkah"], r["Menjadi"]) for r in log if r["Keterangan"].startswith(("Lanjut", "Konten"))]
    assert transitions == [
        ("1. Pengajuan Ide", "Diajukan"), ("2. Pertimbangan", "Diterima"), ("3. Konsep", "Selesai"),
        ("4. Desain", "Selesai"), ("5. Koreksi", "Sesuai"), ("6. Persetujuan", "Disetujui"),
        ("7. Unggah", "Terbit"),
    ]

    # nothing more happens: the same state, no new mail, no new log line
    before = (ws.rows(), len(ws.mails()), len(ws.log()))
    assert ws.once(process=True, at="2026-11-30T14:00").startswith("0 item baru, 0 perpindahan")
    assert (ws.rows(), len(ws.mails()), len(ws.log())) == before
