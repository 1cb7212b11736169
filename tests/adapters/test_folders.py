"""FolderAssetStore on real folders in tmp_path."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from automation.adapters.local.folders import FolderAssetStore, safe_folder_name
from automation.ports import IntakeEntry

STAGES = ["00 Masuk", "01 Pengajuan Ide", "02 Desain", "08 Terbit", "99 Ditolak"]


def make_store(tmp_path: Path, settle_seconds: float = 0) -> FolderAssetStore:
    store = FolderAssetStore(tmp_path / "Konten", intake_stage="00 Masuk", settle_seconds=settle_seconds)
    store.ensure_stages(STAGES)
    return store


def backdate(path: Path, seconds: float = 3600) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


# --- names ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Lebaran 2024", "K-001 Lebaran 2024"),
        ('Banjir: "Siaga" 1/2 <baru>?', "K-001 Banjir Siaga 1 2 baru"),
        ("  spasi \t\n ganda  ", "K-001 spasi ganda"),
        ("Akhir dengan titik...", "K-001 Akhir dengan titik"),
        ("a|b*c\\d\x07e", "K-001 a b c d e"),
        ("", "K-001"),
        ("???", "K-001"),
        ("Hari Jadi Kota Yogyakarta ke-268 " * 5, None),
    ],
)
def test_safe_folder_name(title, expected):
    name = safe_folder_name("K-001", title)
    if expected is not None:
        assert name == expected
    assert len(name) <= 80 and name.startswith("K-001")
    assert not name.endswith((" ", "."))
    assert not set(name) & set('/\\:*?"<>|')


def test_unsafe_item_id_is_refused():
    with pytest.raises(ValueError):
        safe_folder_name("K/001", "x")


# --- stages and items ---------------------------------------------------------

def test_ensure_stages_is_idempotent(tmp_path):
    store = make_store(tmp_path)
    (store.root / "02 Desain" / "berkas.txt").write_text("x")
    store.ensure_stages(STAGES)
    assert sorted(p.name for p in store.root.iterdir()) == sorted(STAGES)
    assert (store.root / "02 Desain" / "berkas.txt").exists()


def test_place_item_creates_then_moves_across_stages(tmp_path):
    store = make_store(tmp_path)
    link = store.place_item("K-001", "Lebaran", "01 Pengajuan Ide")
    first = store.root / "01 Pengajuan Ide" / "K-001 Lebaran"
    assert first.is_dir() and link == first.resolve().as_uri()
    (first / "draf.png").write_bytes(b"png")

    assert store.place_item("K-001", "Lebaran", "01 Pengajuan Ide") == link  # no-op
    link = store.place_item("K-001", "Lebaran", "02 Desain")
    moved = store.root / "02 Desain" / "K-001 Lebaran"
    assert link == moved.resolve().as_uri() and not first.exists()
    assert (moved / "draf.png").read_bytes() == b"png"
    assert store.link("K-001") == link


def test_item_is_found_by_id_after_a_person_renamed_it(tmp_path):
    store = make_store(tmp_path)
    store.place_item("K-001", "Lebaran", "01 Pengajuan Ide")
    os.rename(store.root / "01 Pengajuan Ide" / "K-001 Lebaran", store.root / "01 Pengajuan Ide" / "K-001 Idul Fitri")
    store.place_item("K-001", "Judul Baru", "02 Desain")
    assert [p.name for p in (store.root / "02 Desain").iterdir()] == ["K-001 Idul Fitri"]
    assert store.link("K-0") == ""  # a prefix of an ID is not the ID
    assert store.link("K-001").endswith("K-001%20Idul%20Fitri")


def test_duplicate_folders_first_in_stage_order_is_used(tmp_path):
    store = make_store(tmp_path)
    (store.root / "02 Desain" / "K-001 Lama").mkdir()
    (store.root / "01 Pengajuan Ide" / "K-001 Baru").mkdir()
    link = store.place_item("K-001", "Baru", "08 Terbit")
    assert link == (store.root / "08 Terbit" / "K-001 Baru").resolve().as_uri()
    assert (store.root / "02 Desain" / "K-001 Lama").is_dir()  # left for a person


def test_folders_listed_once_per_cycle_still_see_what_people_do(tmp_path):
    store = make_store(tmp_path)
    store.place_item("K-001", "Satu", "01 Pengajuan Ide")
    store.place_item("K-002", "Dua", "01 Pengajuan Ide")  # the stage folders are listed once for both
    moved = tmp_path / "Konten" / "02 Desain" / "K-001 Satu dipindah"
    (tmp_path / "Konten" / "01 Pengajuan Ide" / "K-001 Satu").rename(moved)  # by hand, in the same cycle
    assert store.link("K-001") == moved.as_uri()
    (tmp_path / "Konten" / "08 Terbit" / "K-003 Dibuat tangan").mkdir()  # by hand, between cycles
    store.ensure_stages(STAGES)  # the next cycle lists again
    assert store.place_item("K-003", "Tiga", "08 Terbit").endswith("K-003%20Dibuat%20tangan")
    assert store.place_item("K-002", "Dua", "02 Desain").endswith("02%20Desain/K-002%20Dua")
    assert store.link("K-002").endswith("02%20Desain/K-002%20Dua")


def test_the_folder_listing_is_kept_between_cycles_only_while_no_stage_folder_changed(tmp_path):
    store = make_store(tmp_path)
    store.place_item("K-001", "Satu", "01 Pengajuan Ide")
    root = tmp_path / "Konten"
    for folder in (root, *(root / stage for stage in STAGES)):
        backdate(folder)  # older than the time stamps' resolution: an unchanged mtime means unchanged
    store.ensure_stages(STAGES)
    assert store.link("K-001").endswith("K-001%20Satu")
    listed = store._index
    store.ensure_stages(STAGES)  # the next cycle: nothing changed, nothing listed again
    assert store.link("K-001").endswith("K-001%20Satu") and store._index is listed
    (root / "01 Pengajuan Ide" / "K-001 Satu").rename(root / "02 Desain" / "K-001 Satu")  # by hand
    (root / "08 Terbit" / "K-003 Dibuat tangan").mkdir()
    store.ensure_stages(STAGES)
    assert store.link("K-001") == (root / "02 Desain" / "K-001 Satu").as_uri()
    assert store.place_item("K-003", "Tiga", "08 Terbit").endswith("K-003%20Dibuat%20tangan")


def test_a_stage_folder_changed_just_now_is_listed_again_next_cycle(tmp_path):
    store = make_store(tmp_path)
    store.place_item("K-001", "Satu", "01 Pengajuan Ide")
    store.ensure_stages(STAGES)
    store.link("K-001")
    listed = store._index
    store.ensure_stages(STAGES)  # its mtime is too recent to tell a later change in the same tick
    store.link("K-001")
    assert store._index is not listed


def test_items_are_never_placed_in_the_intake_stage(tmp_path):
    store = make_store(tmp_path)
    with pytest.raises(ValueError):
        store.place_item("K-001", "Lebaran", "00 Masuk")


def test_media_lists_files_with_md5(tmp_path):
    store = make_store(tmp_path)
    store.place_item("K-001", "Lebaran", "02 Desain")
    folder = store.root / "02 Desain" / "K-001 Lebaran"
    (folder / "b.png").write_bytes(b"gambar")
    (folder / "sub").mkdir()
    (folder / "sub" / "a.mp4").write_bytes(b"video")
    (folder / ".DS_Store").write_bytes(b"x")
    (folder / "~$naskah.docx").write_bytes(b"x")
    (folder / "kontributor.txt").write_text("sari@example.go.id")
    media = store.media("K-001")
    assert [m.name for m in media] == ["b.png", "sub/a.mp4"]
    assert media[0].path == folder / "b.png"
    assert media[0].md5 == hashlib.md5(b"gambar").hexdigest()
    assert store.media("K-404") == []


def test_digest_covers_exactly_the_files_media_hands_out(tmp_path):
    store = make_store(tmp_path)
    store.place_item("K-001", "Lebaran", "02 Desain")
    folder = store.root / "02 Desain" / "K-001 Lebaran"
    (folder / "b.png").write_bytes(b"gambar")
    (folder / "sub").mkdir()
    (folder / "sub" / "a.mp4").write_bytes(b"video")
    (folder / ".DS_Store").write_bytes(b"x")
    (folder / "kontributor.txt").write_text("sari@example.go.id")
    assert store.digest("K-001") == {"b.png": "sha256:" + hashlib.sha256(b"gambar").hexdigest(),
                                     "sub/a.mp4": "sha256:" + hashlib.sha256(b"video").hexdigest()}
    (folder / "b.png").write_bytes(b"gambar lain")
    assert store.digest("K-001")["b.png"] == "sha256:" + hashlib.sha256(b"gambar lain").hexdigest()
    assert store.digest("K-404") == {}


# --- intake -------------------------------------------------------------------

def test_intake_lists_settled_files_and_folders(tmp_path):
    store = make_store(tmp_path)
    intake = store.root / "00 Masuk"
    (intake / "Poster Lebaran.png").write_bytes(b"png")
    (intake / "Liputan Banjir").mkdir()
    (intake / "Liputan Banjir" / "video.mp4").write_bytes(b"mp4")
    (intake / "Liputan Banjir" / "kontributor.txt").write_text("\ufeffbudi@example.go.id\nBudi\n", encoding="utf-8")
    for ignored in (".tersembunyi", "~$dokumen.docx", "unduhan.crdownload", "salin.part", "x.tmp", "desktop.ini"):
        (intake / ignored).write_bytes(b"x")
    (intake / "Folder Kosong").mkdir()
    backdate(intake / "Liputan Banjir", 100)
    backdate(intake / "Poster Lebaran.png", 50)

    entries = store.list_intake()
    assert [(e.key.split("#")[0], e.name, e.uploader) for e in entries] == [
        ("Liputan Banjir", "Liputan Banjir", "budi@example.go.id"),
        ("Poster Lebaran.png", "Poster Lebaran", ""),
    ]


def test_a_new_upload_under_an_old_name_is_a_new_entry(tmp_path):
    store = make_store(tmp_path)
    upload = store.root / "00 Masuk" / "Poster.png"
    upload.write_bytes(b"first")
    first = store.list_intake()[0]
    store.claim_intake(first, "K-2026-0001", "Poster", "01 Pengajuan Ide")
    upload.write_bytes(b"second")  # the first file still exists (claimed), so this is another file
    (second,) = store.list_intake()
    assert second.name == "Poster" and second.key != first.key


def test_intake_waits_until_files_settle(tmp_path):
    store = make_store(tmp_path, settle_seconds=60)
    intake = store.root / "00 Masuk"
    (intake / "baru.png").write_bytes(b"png")
    (intake / "Folder").mkdir()
    (intake / "Folder" / "masih-disalin.mp4").write_bytes(b"mp4")
    assert store.list_intake() == []  # just written: maybe still being copied
    backdate(intake / "baru.png")  # copies often keep the original's time; still too fresh
    assert store.list_intake() == []
    store.settle_seconds = 0
    assert sorted(e.name for e in store.list_intake()) == ["Folder", "baru"]


def test_claim_intake_file_creates_item_folder_idempotently(tmp_path):
    store = make_store(tmp_path)
    (store.root / "00 Masuk" / "Poster.png").write_bytes(b"png")
    entry = store.list_intake()[0]
    link = store.claim_intake(entry, "K-007", "Poster Lebaran", "01 Pengajuan Ide")
    folder = store.root / "01 Pengajuan Ide" / "K-007 Poster Lebaran"
    assert link == folder.resolve().as_uri()
    assert (folder / "Poster.png").read_bytes() == b"png"
    assert not (store.root / "00 Masuk" / "Poster.png").exists()
    assert store.claim_intake(entry, "K-007", "Poster Lebaran", "01 Pengajuan Ide") == link
    assert store.list_intake() == []


def test_claim_intake_folder_renames_it(tmp_path):
    store = make_store(tmp_path)
    upload = store.root / "00 Masuk" / "Liputan Banjir"
    upload.mkdir()
    (upload / "video.mp4").write_bytes(b"mp4")
    (upload / "kontributor.txt").write_text("budi@example.go.id")
    entry = store.list_intake()[0]
    link = store.claim_intake(entry, "K-008", "Liputan: Banjir", "01 Pengajuan Ide")
    folder = store.root / "01 Pengajuan Ide" / "K-008 Liputan Banjir"
    assert link == folder.resolve().as_uri() and not upload.exists()
    assert [m.name for m in store.media("K-008")] == ["video.mp4"]
    assert store.claim_intake(entry, "K-008", "Liputan: Banjir", "01 Pengajuan Ide") == link


def test_claim_intake_into_an_existing_item_folder_merges(tmp_path):
    store = make_store(tmp_path)
    store.place_item("K-009", "Pasar", "02 Desain")
    (store.root / "02 Desain" / "K-009 Pasar" / "foto.jpg").write_bytes(b"lama")
    upload = store.root / "00 Masuk" / "Tambahan"
    upload.mkdir()
    (upload / "foto.jpg").write_bytes(b"baru")
    store.claim_intake(IntakeEntry(key="Tambahan", name="Tambahan"), "K-009", "Pasar", "02 Desain")
    assert sorted(m.name for m in store.media("K-009")) == ["foto (2).jpg", "foto.jpg"]
    assert not upload.exists()


# --- nothing outside the workspace ------------------------------------------------

SECRET = b"rahasia di luar ruang kerja"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file and a folder outside the workspace that a link may point to."""
    folder = tmp_path / "luar"
    folder.mkdir()
    (folder / "rahasia.png").write_bytes(SECRET)
    return folder


def test_links_and_special_files_in_the_intake_are_never_listed(tmp_path, outside, caplog):
    store = make_store(tmp_path)
    intake = store.root / "00 Masuk"
    (intake / "tautan.png").symlink_to(outside / "rahasia.png")
    (intake / "folder-tautan").symlink_to(outside, target_is_directory=True)
    os.mkfifo(intake / "pipa.png")
    os.link(outside / "rahasia.png", intake / "keras.png")
    (intake / "asli.png").write_bytes(b"png")
    for entry in intake.iterdir():
        os.utime(entry, (time.time() - 3600,) * 2, follow_symlinks=False)

    assert [e.name for e in store.list_intake()] == ["asli"]  # returns: a fifo is never opened
    refused = {"tautan.png", "folder-tautan", "pipa.png", "keras.png"}
    warned = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert all(any(name in line for line in warned) for name in refused) and len(warned) == 4
    store.list_intake()
    assert len([r for r in caplog.records if r.levelname == "WARNING"]) == 4  # once, not every cycle


def test_an_uploaded_folder_with_links_keeps_them_unread_and_named(tmp_path, outside):
    store = make_store(tmp_path)
    upload = store.root / "00 Masuk" / "Poster HUT"
    (upload / "sub").mkdir(parents=True)
    (upload / "poster.png").write_bytes(b"png")
    (upload / "tautan.png").symlink_to(outside / "rahasia.png")
    (upload / "sub" / "luar").symlink_to(outside, target_is_directory=True)
    os.mkfifo(upload / "sub" / "pipa.mp4")
    os.link(outside / "rahasia.png", upload / "keras.png")
    (upload / "kontributor.txt").symlink_to(outside / "rahasia.png")
    entry = store.list_intake()[0]
    assert entry.uploader == ""  # the contributor file is a link: not read

    store.claim_intake(entry, "K-001", "Poster HUT", "01 Pengajuan Ide")
    media = store.media("K-001")
    assert [m.name for m in media] == ["poster.png"]
    assert all(SECRET not in m.path.read_bytes() for m in media)
    notes = store.unsafe_files("K-001")
    for name in ("tautan.png", "sub/luar", "sub/pipa.mp4", "keras.png", "kontributor.txt"):
        assert sum(f"'{name}'" in note for note in notes) == 1
    assert store.unsafe_files("K-404") == []


def test_a_link_named_like_an_item_folder_is_not_the_item(tmp_path, outside):
    store = make_store(tmp_path)
    (store.root / "02 Desain" / "K-001 Palsu").symlink_to(outside, target_is_directory=True)
    assert store.media("K-001") == [] and store.link("K-001") == ""
    store.place_item("K-001", "Asli", "02 Desain")
    assert [m.name for m in store.media("K-001")] == []
    assert (store.root / "02 Desain" / "K-001 Asli").is_dir()


def test_an_upload_replaced_by_a_link_before_the_claim_is_not_moved(tmp_path, outside):
    store = make_store(tmp_path)
    upload = store.root / "00 Masuk" / "poster.png"
    upload.write_bytes(b"png")
    entry = store.list_intake()[0]
    upload.unlink()
    upload.symlink_to(outside / "rahasia.png")
    store.claim_intake(entry, "K-001", "Poster", "01 Pengajuan Ide")
    assert upload.is_symlink() and store.media("K-001") == []
