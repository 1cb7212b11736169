"""The SOP as data: the shipped file, validation messages, and another unit's SOP."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from PIL import Image

from automation.domain.contract import Contract
from automation.domain.sop import SopError, default_sop_path, load_sop, parse_sop
from tests.people import make_workspace

REPO = Path(__file__).resolve().parents[2]


def test_the_config_copy_is_the_shipped_default():
    assert (REPO / "config" / "sop.toml").read_bytes() == default_sop_path().read_bytes()


def test_the_yogyakarta_sop_as_the_document_has_it():
    sop = load_sop()
    assert sop.identity["tanggal_pengesahan"].isoformat() == "2023-09-18"
    assert sop.roles == ("Kontributor", "Desainer/Editor", "Tim Konten", "Ketua Tim Kerja Humas & Publikasi",
                         "Kabid IKP", "Admin Medsos")
    assert [(s.number, s.role, s.minutes) for s in sop.steps] == [
        (1, "Kontributor", 10), (2, "Tim Konten", 10), (3, "Tim Konten", 90), (4, "Desainer/Editor", 90),
        (5, "Ketua Tim Kerja Humas & Publikasi", 10), (6, "Kabid IKP", 10), (7, "Admin Medsos", 10)]
    assert sop.step(5).outcome("revisi").goto == 4 and sop.step(6).outcome("Ditolak").goto == "reject"
    assert sop.stages[0] == "00 Masuk" and sop.stages[-2:] == ["08 Terbit", "99 Ditolak"]
    headers = Contract(sop).register_headers
    assert headers[:8] == ("ID", "Judul", "Jenis", "Sumber", "Platform", "Jadwal Tayang", "Caption", "Folder Aset")
    assert "6. Persetujuan - Status" in headers
    assert headers[-5:] == ("Tahap", "Tenggat", "Catatan Sistem", "Catatan Petugas", "Tautan Publikasi")
    assert len(headers) == 8 + 7 * 3 + 5


def raw_sop():
    return tomllib.loads(default_sop_path().read_text(encoding="utf-8"))


@pytest.mark.parametrize("change, message", [
    (lambda r: r["steps"][2].update(minutes=0), "kunci 'steps[2].minutes'"),
    (lambda r: r["steps"][3].update(role="Fotografer"), "kunci 'steps[3].role': peran 'Fotografer' tidak ada"),
    (lambda r: r["steps"][4]["outcomes"][1].update(goto=9), "kunci 'steps[4].outcomes[1].goto'"),
    (lambda r: r["steps"][1].update(number=5), "kunci 'steps[1].number': harus 2"),
    (lambda r: r["steps"][6].update(outcomes=[{"status": "Terbit", "goto": "next"}]), "kunci 'steps[6].outcomes[0].goto'"),
    (lambda r: r["steps"][2]["outcomes"].append({"status": "Menunggu", "goto": "next"}), "dipakai sistem"),
    (lambda r: r.pop("roles"), "kunci 'roles'"),
    (lambda r: r["identity"].pop("nama"), "kunci 'identity.nama'"),
    (lambda r: r["fields"].update(platforms=[]), "kunci 'fields.platforms'"),
])
def test_an_invalid_sop_names_the_key_and_the_reason(change, message):
    raw = raw_sop()
    change(raw)
    with pytest.raises(SopError) as error:
        parse_sop(raw, "unit.toml")
    assert str(error.value).startswith("unit.toml: ") and message in str(error.value)


def test_unreadable_files_are_named(tmp_path):
    with pytest.raises(SopError, match="tidak ditemukan"):
        load_sop(tmp_path / "none.toml")
    (tmp_path / "bad.toml").write_text("roles = [", encoding="utf-8")
    with pytest.raises(SopError, match="bad.toml: bukan TOML yang sah"):
        load_sop(tmp_path / "bad.toml")


ANOTHER_SOP = '''
roles = ["Pengusul", "Redaktur", "Kepala Seksi", "Operator"]
[identity]
nama = "Publikasi Pengumuman Kelurahan"
[statuses]
waiting = "Menunggu"
in_progress = "Proses"
[fields]
types = ["Pengumuman"]
sources = ["Kelurahan"]
platforms = ["Instagram"]
[stages]
intake = "00 Masuk"
published = "05 Selesai"
rejected = "99 Batal"
[[steps]]
number = 1
name = "Usulan"
activity = "Mengusulkan pengumuman"
role = "Pengusul"
minutes = 15
outcomes = [{ status = "Diusulkan", goto = "next" }]
[[steps]]
number = 2
name = "Redaksi"
activity = "Menyunting pengumuman"
role = "Redaktur"
minutes = 60
outcomes = [{ status = "Siap", goto = "next" }]
[[steps]]
number = 3
name = "Pengesahan"
activity = "Mengesahkan"
role = "Kepala Seksi"
minutes = 30
outcomes = [{ status = "Sah", goto = "next" }, { status = "Ulang", goto = 2 }, { status = "Batal", goto = "reject" }]
[[steps]]
number = 4
name = "Tayang"
activity = "Menayangkan"
role = "Operator"
minutes = 10
action = "publish"
outcomes = [{ status = "Tayang", goto = "finish" }]
'''


def test_another_units_sop_runs_by_changing_the_file_only(tmp_path):
    root = tmp_path / "kelurahan"
    root.mkdir()
    (root / "sop.toml").write_text(ANOTHER_SOP, encoding="utf-8")
    from automation.config import DEFAULT_CONFIG

    (root / "sop-konten.toml").write_text(DEFAULT_CONFIG.replace('sop = ""', 'sop = "sop.toml"')
                                          .replace("settle_seconds = 5", "settle_seconds = 0"), encoding="utf-8")
    ws = make_workspace(root)
    rows = ws.rows("Petugas")
    assert [r["Peran"] for r in rows] == ["Pengusul", "Redaktur", "Kepala Seksi", "Operator"]
    assert sorted(p.name for p in (root / "drive").iterdir()) == [
        "00 Masuk", "01 Usulan", "02 Redaksi", "03 Pengesahan", "04 Tayang", "05 Selesai", "99 Batal"]
    ws.edit(None, {"Judul": "Kerja bakti", "Platform": "instagram", "1. Usulan - Status": "Diusulkan"})
    ws.once(at="2026-11-30T09:00")
    item = ws.rows()[0]["ID"]
    # a real poster: local publishing prepares and checks the media as Instagram would
    folder = next(p for p in (root / "drive").glob(f"*/{item}*") if p.is_dir())
    Image.new("RGB", (1080, 1350), (200, 120, 40)).save(folder / "poster.png")
    assert ws.row(item)["2. Redaksi - Status"] == "Menunggu"
    ws.edit(item, {"2. Redaksi - Status": "siap"})
    ws.once(at="2026-11-30T09:10")
    ws.edit(item, {"3. Pengesahan - Status": "Ulang", "Catatan Petugas": "Foto kurang jelas."})
    ws.once(at="2026-11-30T09:20")
    assert ws.row(item)["2. Redaksi - Status"] == "Menunggu"
    ws.edit(item, {"2. Redaksi - Status": "Siap"})
    ws.once(at="2026-11-30T09:30")
    ws.edit(item, {"3. Pengesahan - Status": "Sah"})
    ws.once(at="2026-11-30T09:40")
    row = ws.row(item)
    assert row["4. Tayang - Status"] == "Tayang" and row["Tahap"] == "Terbit"
    assert ws.folder_stage(item) == "05 Selesai"
    assert (root / "published" / "instagram" / item / "post.json").exists()
    assert ws.sop_konten("check").returncode == 0
