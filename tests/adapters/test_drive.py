"""DriveAssetStore against the Google emulator, through the real google-api-python-client and google-auth."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import pytest

from automation.adapters.google.client import DRIVE_SCOPE, GoogleAccessError, RetryPolicy, load_credentials
from automation.drive import (
    DriveAssetStore,
    DriveError,
    batch_uri_for,
    build_drive_store,
    drive_service,
    folder_id_from,
)
from automation.ports import IntakeEntry
from tests.google_emulator import fixtures as emulator_fixtures
from tests.google_emulator.fixtures import DAEMON_EMAIL
from tests.google_emulator.server import GoogleEmulator
from tests.google_office import MemoryState

google_emulator = emulator_fixtures.google_emulator
service_account_key = emulator_fixtures.service_account_key

OFFICE = "humas@jogjakota.go.id"  # owns the root folder and shares it
CONTRIBUTOR = "warga@jogjakota.go.id"
OTHER = "sari@jogjakota.go.id"
INTAKE = "00 Masuk"
STAGES = [INTAKE, "01 Pengajuan Ide", "02 Produksi", "03 Review", "08 Terbit", "99 Ditolak"]
IDEA, PRODUCTION, REVIEW = STAGES[1], STAGES[2], STAGES[3]
NO_WAIT = RetryPolicy(sleep=lambda seconds: None)


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def root(google_emulator: GoogleEmulator) -> str:
    return google_emulator.create_folder("Konten Humas", OFFICE,
                                         shared_with={DAEMON_EMAIL: "writer", CONTRIBUTOR: "writer", OTHER: "writer"})


def make_store(emulator: GoogleEmulator, key: Path, root: str, tmp_path: Path, **kwargs) -> DriveAssetStore:
    credentials = load_credentials(key, (DRIVE_SCOPE,))
    options = {"state": MemoryState(), "intake_seconds": 0, "settle_seconds": 0, "policy": NO_WAIT,
               "cache_dir": tmp_path / "cache"}
    options.update(kwargs)
    state = options.pop("state")
    return DriveAssetStore(drive_service(credentials, emulator.base_url), root, INTAKE, state,
                           account=DAEMON_EMAIL, batch_uri=batch_uri_for(emulator.base_url), **options)


@pytest.fixture
def store(google_emulator, service_account_key, root, tmp_path) -> DriveAssetStore:
    drive = make_store(google_emulator, service_account_key, root, tmp_path)
    drive.ensure_stages(STAGES)
    return drive


def child(emulator: GoogleEmulator, parent: str, name: str) -> str:
    found = [f.id for f in emulator.files_in(parent) if f.name == name]
    assert len(found) == 1, f"{name!r} in {parent}: {[f.name for f in emulator.files_in(parent)]}"
    return found[0]


def names(emulator: GoogleEmulator, parent: str) -> list[str]:
    return [f.name for f in emulator.files_in(parent)]


def http_requests(emulator: GoogleEmulator) -> list:
    """Real round trips to Drive (batch parts and token requests left out)."""
    return [e for e in emulator.requests if not e.in_batch and e.kind != "oauth.token"]


def downloads(emulator: GoogleEmulator) -> list:
    return [e for e in emulator.requests if e.kind == "drive.files.get" and e.query.get("alt") == ["media"]]


# --- stages ---------------------------------------------------------------------------------------------

def test_stage_folders_are_created_once_then_cost_nothing(google_emulator, service_account_key, root, tmp_path):
    existing = google_emulator.create_folder("02 Produksi", OFFICE, parent=root)  # made by hand earlier
    state = MemoryState()
    drive = make_store(google_emulator, service_account_key, root, tmp_path, state=state)

    drive.ensure_stages(STAGES)
    assert sorted(names(google_emulator, root)) == sorted(STAGES)
    assert child(google_emulator, root, "02 Produksi") == existing
    assert google_emulator.count("drive.files.list") == 1
    assert google_emulator.count("drive.files.create") == len(STAGES) - 1

    google_emulator.clear_log()
    drive.ensure_stages(STAGES)
    again = make_store(google_emulator, service_account_key, root, tmp_path, state=state)  # a restart
    again.ensure_stages(STAGES)
    assert google_emulator.requests == []

    fresh = make_store(google_emulator, service_account_key, root, tmp_path)  # journal lost: one listing
    fresh.ensure_stages(STAGES)
    assert http_requests(google_emulator) and {e.kind for e in http_requests(google_emulator)} == {"drive.files.list"}
    assert sorted(names(google_emulator, root)) == sorted(STAGES)


def test_a_deleted_stage_folder_is_made_again(google_emulator, service_account_key, root, tmp_path, store):
    google_emulator.state.drive.files.pop(child(google_emulator, root, IDEA))
    with pytest.raises(DriveError, match="sudah tidak ada"):
        store.place_item("K-2025-0001", "Hari Jadi", IDEA)
    link = store.place_item("K-2025-0001", "Hari Jadi", IDEA)  # the next cycle lists the root again
    assert names(google_emulator, child(google_emulator, root, IDEA)) == ["K-2025-0001 Hari Jadi"]
    assert link.startswith("https://drive.google.com/drive/folders/")


# --- items ----------------------------------------------------------------------------------------------

def test_place_creates_then_moves_across_stages(google_emulator, service_account_key, root, tmp_path, store):
    link = store.place_item("K-2025-0001", "Hari Jadi: Kota/Kita?", IDEA)
    folder = link.rsplit("/", 1)[1]
    assert link == f"https://drive.google.com/drive/folders/{folder}"
    assert names(google_emulator, child(google_emulator, root, IDEA)) == ["K-2025-0001 Hari Jadi Kota Kita"]

    google_emulator.clear_log()
    assert store.place_item("K-2025-0001", "Hari Jadi", IDEA) == link  # already there: no request
    assert store.link("K-2025-0001") == link
    assert http_requests(google_emulator) == []

    assert store.place_item("K-2025-0001", "Hari Jadi", PRODUCTION) == link
    assert [e.kind for e in http_requests(google_emulator)] == ["drive.files.update"]
    assert google_emulator.drive_file(folder).parents == [child(google_emulator, root, PRODUCTION)]
    assert google_emulator.files_in(child(google_emulator, root, IDEA)) == []


def test_item_folder_is_found_by_id_after_a_rename_and_a_lost_journal(google_emulator, service_account_key, root,
                                                                      tmp_path, store):
    link = store.place_item("K-2025-0007", "Banjir", IDEA)
    folder = link.rsplit("/", 1)[1]
    google_emulator.drive_file(folder).name = "K-2025-0007 Banjir Kali Code (revisi)"  # a person renamed it

    fresh = make_store(google_emulator, service_account_key, root, tmp_path)  # not even ensure_stages called
    assert fresh.link("K-2025-0007") == link
    assert fresh.place_item("K-2025-0007", "Banjir", REVIEW) == link
    assert google_emulator.drive_file(folder).parents == [child(google_emulator, root, REVIEW)]
    assert google_emulator.count("drive.files.create", include_batch_parts=True) == len(STAGES) + 1


def test_a_folder_moved_by_hand_is_found_and_moved(google_emulator, service_account_key, root, tmp_path, store):
    link = store.place_item("K-2025-0003", "Pasar", IDEA)
    folder = link.rsplit("/", 1)[1]
    google_emulator.drive_file(folder).parents = [child(google_emulator, root, "99 Ditolak")]  # by hand

    assert store.place_item("K-2025-0003", "Pasar", REVIEW) == link
    assert google_emulator.drive_file(folder).parents == [child(google_emulator, root, REVIEW)]
    assert google_emulator.files_in(child(google_emulator, root, "99 Ditolak")) == []


def test_a_folder_put_aside_by_hand_outside_the_stages_is_found(google_emulator, service_account_key, root,
                                                               tmp_path, store):
    link = store.place_item("K-2025-0008", "Pasar", IDEA)
    folder = link.rsplit("/", 1)[1]
    aside = google_emulator.create_folder("Arsip lama", OFFICE, parent=root)
    google_emulator.drive_file(folder).parents = [aside]

    fresh = make_store(google_emulator, service_account_key, root, tmp_path)
    assert fresh.place_item("K-2025-0008", "Pasar", REVIEW) == link
    assert google_emulator.drive_file(folder).parents == [child(google_emulator, root, REVIEW)]


def test_items_are_never_placed_in_the_intake_stage(store):
    with pytest.raises(ValueError):
        store.place_item("K-2025-0001", "Hari Jadi", INTAKE)


def test_many_moves_go_out_as_one_batch_request_per_hundred(google_emulator, service_account_key, root, tmp_path,
                                                            store):
    ids = [f"K-2025-{n:04d}" for n in range(1, 151)]
    created = store.place_many([(item_id, f"Konten {item_id}", IDEA) for item_id in ids])
    assert sorted(created) == ids and all(isinstance(link, str) for link in created.values()), created
    # the stages listed, then the 150 creates and one search for all 150 items (in the batches with them)
    assert google_emulator.count("drive.files.list") == 1
    assert google_emulator.count("drive.files.list", include_batch_parts=True) == 2
    assert [e.kind for e in http_requests(google_emulator)][-2:] == ["drive.batch", "drive.batch"]

    google_emulator.clear_log()
    moved = store.place_many([(item_id, "", PRODUCTION) for item_id in ids])
    assert moved == created
    assert [e.kind for e in http_requests(google_emulator)] == ["drive.batch", "drive.batch"]
    assert google_emulator.count("drive.files.update", include_batch_parts=True) == 150
    production = child(google_emulator, root, PRODUCTION)
    assert len(google_emulator.files_in(production)) == 150
    assert google_emulator.files_in(child(google_emulator, root, IDEA)) == []

    google_emulator.clear_log()
    assert store.place_many([(item_id, "", PRODUCTION) for item_id in ids]) == created
    assert google_emulator.requests == []


def test_new_item_folders_are_created_in_one_batch_and_a_create_is_resent_only_when_refused(
        google_emulator, root, store):
    google_emulator.clear_log()
    ids = [f"K-2025-{n:04d}" for n in range(1, 6)]
    created = store.place_many([(item_id, f"Konten {n}", IDEA) for n, item_id in enumerate(ids)])
    assert all(isinstance(link, str) for link in created.values()), created
    # one batch: the five creates and one search by name for them (not a listing of every item folder)
    assert [e.kind for e in http_requests(google_emulator)] == ["drive.batch"]
    assert google_emulator.count("drive.files.create", include_batch_parts=True) == 5
    assert google_emulator.count("drive.files.list", include_batch_parts=True) == 1

    google_emulator.inject_429(kind="drive.files.create", times=1)
    google_emulator.inject_500(kind="drive.files.create", times=1)
    more = [f"K-2025-{n:04d}" for n in range(6, 9)]
    results = store.place_many([(item_id, "Baru", IDEA) for item_id in more])
    failed = [item_id for item_id, outcome in results.items() if isinstance(outcome, Exception)]
    assert len(failed) == 1  # the 500: maybe made, so never sent blindly again; the 429 was sent again
    idea = child(google_emulator, root, IDEA)
    google_emulator.create_folder(f"{failed[0]} Baru", DAEMON_EMAIL, parent=idea)  # as if made after all
    assert isinstance(store.place_item(failed[0], "Baru", IDEA), str)  # the retry, even in the same cycle
    assert sorted(f.name.split(" ")[0] for f in google_emulator.files_in(idea)) == ids + more  # one folder each


def test_a_folder_made_by_hand_for_an_item_is_kept_and_the_new_one_beside_it_trashed(google_emulator, root, store):
    """An item the daemon did not number is searched for in the batch that makes its first folder (one
    request); when the search finds a folder made by hand, that one is kept and the new, empty one trashed."""
    idea, production = child(google_emulator, root, IDEA), child(google_emulator, root, PRODUCTION)
    by_hand = google_emulator.create_folder("K-2024-0007 Liputan lama", OTHER, parent=idea)
    google_emulator.upload_file(by_hand, "foto.jpg", b"jpeg", OTHER)
    google_emulator.clear_log()
    links = store.place_many([("K-2024-0007", "Liputan lama", PRODUCTION), ("K-2024-0008", "Liputan baru", PRODUCTION)])
    assert links["K-2024-0007"].endswith(by_hand)
    assert http_requests(google_emulator)[0].kind == "drive.batch"  # the creates and the search, together
    assert [f.name for f in google_emulator.files_in(production)] == ["K-2024-0007 Liputan lama",
                                                                       "K-2024-0008 Liputan baru"]
    assert [f.name for f in google_emulator.files_in(by_hand)] == ["foto.jpg"]  # nothing lost
    trashed = [f for f in google_emulator.files_in(production, include_trashed=True) if f.trashed]
    assert [f.name for f in trashed] == ["K-2024-0007 Liputan lama"] and google_emulator.files_in(trashed[0].id) == []
    google_emulator.clear_log()
    assert store.place_item("K-2024-0007", "", PRODUCTION) == links["K-2024-0007"]  # recorded: no request
    assert http_requests(google_emulator) == []


def test_items_new_in_this_cycle_are_not_searched_for_unless_a_create_failed(google_emulator, root, store):
    ids = ["K-2025-0101", "K-2025-0102", "K-2025-0103"]
    google_emulator.clear_log()
    store.prefetch([], new=ids)  # their IDs were given in this cycle: no folder can carry them
    google_emulator.inject_500(kind="drive.files.create", times=1)
    results = store.place_many([(item_id, "Baru", IDEA) for item_id in ids])
    assert [e.kind for e in http_requests(google_emulator)] == ["drive.batch"]  # no search first
    (failed,) = [item_id for item_id, outcome in results.items() if isinstance(outcome, Exception)]
    idea = child(google_emulator, root, IDEA)
    google_emulator.create_folder(f"{failed} Baru", DAEMON_EMAIL, parent=idea)  # as if made after all
    store.prefetch([], new=ids)  # the engine's second pass names them again
    assert store.place_item(failed, "Baru", IDEA).endswith(child(google_emulator, idea, f"{failed} Baru"))
    assert sorted(names(google_emulator, idea)) == [f"{item_id} Baru" for item_id in ids]  # one folder each


def test_a_failed_item_does_not_stop_the_others(google_emulator, store):
    results = store.place_many([("K-2025-0001", "Satu", IDEA), ("bad/id", "Dua", IDEA), ("K-2025-0003", "Tiga",
                                                                                         INTAKE)])
    assert isinstance(results["K-2025-0001"], str)
    assert isinstance(results["bad/id"], ValueError)
    assert isinstance(results["K-2025-0003"], ValueError)


# --- intake ---------------------------------------------------------------------------------------------

def test_intake_lists_a_file_and_a_folder_with_their_uploaders(google_emulator, root, store):
    intake = child(google_emulator, root, INTAKE)
    poster = google_emulator.upload_file(intake, "Poster HUT Kota.jpg", b"jpeg", CONTRIBUTOR)
    folder = google_emulator.create_folder("Video Banjir", OTHER, parent=intake)
    google_emulator.upload_file(folder, "klip.mp4", b"mp4", OTHER)
    google_emulator.upload_file(folder, "Kontributor.txt", "\ufeffbudi@jogjakota.go.id\nBudi\n".encode(), OTHER)
    empty = google_emulator.create_folder("Masih kosong", OTHER, parent=intake)
    google_emulator.upload_file(intake, "~$draft.docx", b"lock", CONTRIBUTOR)

    entries = store.list_intake()
    assert sorted(entries, key=lambda e: e.name) == [
        IntakeEntry(key=poster, name="Poster HUT Kota", uploader=CONTRIBUTOR, files=("Poster HUT Kota.jpg",)),
        IntakeEntry(key=folder, name="Video Banjir", uploader="budi@jogjakota.go.id",
                    contributor_file="budi@jogjakota.go.id\nBudi\n", files=("klip.mp4",)),  # BOM removed
    ]
    assert empty not in {e.key for e in entries}


def test_intake_and_its_upload_folders_are_listed_in_one_request(google_emulator, root, store):
    intake = child(google_emulator, root, INTAKE)
    for n in range(3):
        folder = google_emulator.create_folder(f"Liputan {n}", OTHER, parent=intake)
        google_emulator.upload_file(folder, "foto.jpg", b"x", OTHER)
    google_emulator.upload_file(intake, "poster.png", b"y", CONTRIBUTOR)
    google_emulator.clear_log()
    assert len(store.list_intake()) == 4
    assert google_emulator.count("drive.files.list") == 2  # the intake, then the three new folders at once
    google_emulator.clear_log()
    later = google_emulator.create_folder("Liputan susulan", OTHER, parent=intake)
    google_emulator.upload_file(later, "video.mp4", b"z", OTHER)
    assert len(store.list_intake()) == 5
    assert google_emulator.count("drive.files.list") == 2  # the known three came with the intake's listing
    google_emulator.clear_log()
    assert len(store.list_intake()) == 5
    assert google_emulator.count("drive.files.list") == 1


def test_intake_waits_for_uploads_to_settle_and_is_listed_sparingly(google_emulator, service_account_key, root,
                                                                    tmp_path):
    clock = Clock()
    drive = make_store(google_emulator, service_account_key, root, tmp_path, clock=clock, settle_seconds=60,
                       intake_seconds=300)
    drive.ensure_stages(STAGES)
    intake = child(google_emulator, root, INTAKE)
    google_emulator.upload_file(intake, "foto.jpg", b"x", CONTRIBUTOR)
    clock.now = time.time()
    google_emulator.clear_log()

    assert drive.list_intake() == []  # just uploaded: maybe still being copied
    clock.now += 10
    assert drive.list_intake() == []
    assert google_emulator.count("drive.files.list") == 1  # no second listing before it can have settled
    clock.now += 51
    assert [e.name for e in drive.list_intake()] == ["foto"]
    assert google_emulator.count("drive.files.list") == 2
    clock.now += 200
    assert drive.list_intake() == []  # an idle poll: no request
    assert google_emulator.count("drive.files.list") == 2
    clock.now += 101
    assert [e.name for e in drive.list_intake()] == ["foto"]
    assert google_emulator.count("drive.files.list") == 3


def test_intake_listing_follows_pages(google_emulator, root, store):
    intake = child(google_emulator, root, INTAKE)
    for n in range(1005):
        google_emulator.upload_file(intake, f"foto-{n:04d}.jpg", b"x", CONTRIBUTOR)
    google_emulator.clear_log()
    assert len(store.list_intake()) == 1005
    assert google_emulator.count("drive.files.list") == 2


def test_claiming_a_file_makes_the_item_folder_and_is_idempotent(google_emulator, service_account_key, root,
                                                                 tmp_path, store):
    intake = child(google_emulator, root, INTAKE)
    poster = google_emulator.upload_file(intake, "Poster.jpg", b"jpeg", CONTRIBUTOR)
    [entry] = store.list_intake()

    link = store.claim_intake(entry, "K-2025-0001", "Poster HUT", IDEA)
    folder = link.rsplit("/", 1)[1]
    assert names(google_emulator, child(google_emulator, root, IDEA)) == ["K-2025-0001 Poster HUT"]
    assert google_emulator.drive_file(poster).parents == [folder]
    assert google_emulator.files_in(intake) == []
    assert store.list_intake() == []

    google_emulator.clear_log()
    assert store.claim_intake(entry, "K-2025-0001", "Poster HUT", IDEA) == link
    assert google_emulator.count("drive.files.create") == google_emulator.count("drive.files.update") == 0

    # crashed after the create was sent, before its folder was recorded: the journal says a create is out
    crashed = MemoryState()
    crashed.values = {k: v for k, v in store.state.values.items() if not k.startswith("drive.item.")}
    crashed.values["drive.creating.K-2025-0001"] = "1"
    fresh = make_store(google_emulator, service_account_key, root, tmp_path, state=crashed)
    assert fresh.claim_intake(entry, "K-2025-0001", "Poster HUT", IDEA) == link
    assert google_emulator.count("drive.files.create") == google_emulator.count("drive.files.update") == 0
    assert google_emulator.count("drive.files.create", include_batch_parts=True) == 0


def test_claiming_a_folder_renames_and_moves_it(google_emulator, service_account_key, root, tmp_path, store):
    intake = child(google_emulator, root, INTAKE)
    folder = google_emulator.create_folder("Video Banjir", OTHER, parent=intake)
    google_emulator.upload_file(folder, "klip.mp4", b"mp4", OTHER)
    [entry] = store.list_intake()

    link = store.claim_intake(entry, "K-2025-0002", "Banjir Kali Code", IDEA)
    assert link == f"https://drive.google.com/drive/folders/{folder}"
    moved = google_emulator.drive_file(folder)
    assert (moved.name, moved.parents) == ("K-2025-0002 Banjir Kali Code", [child(google_emulator, root, IDEA)])
    assert google_emulator.files_in(intake) == []

    google_emulator.clear_log()
    assert store.claim_intake(entry, "K-2025-0002", "Banjir Kali Code", IDEA) == link
    fresh = make_store(google_emulator, service_account_key, root, tmp_path)
    assert fresh.claim_intake(entry, "K-2025-0002", "Banjir Kali Code", IDEA) == link
    assert google_emulator.count("drive.files.create") == google_emulator.count("drive.files.update") == 0
    assert store.place_item("K-2025-0002", "Banjir Kali Code", PRODUCTION) == link


def test_a_second_upload_for_an_item_is_merged_into_its_folder(google_emulator, root, store):
    link = store.place_item("K-2025-0004", "Festival", IDEA)
    folder = link.rsplit("/", 1)[1]
    intake = child(google_emulator, root, INTAKE)
    upload = google_emulator.create_folder("Festival tambahan", OTHER, parent=intake)
    photo = google_emulator.upload_file(upload, "foto2.jpg", b"jpg", OTHER)
    clip = google_emulator.upload_file(upload, "klip2.mp4", b"mp4", OTHER)

    entry = IntakeEntry(key=upload, name="Festival tambahan", uploader=OTHER)
    assert store.claim_intake(entry, "K-2025-0004", "Festival", IDEA) == link
    assert {f.id for f in google_emulator.files_in(folder)} == {photo, clip}
    assert google_emulator.drive_file(upload).trashed
    assert store.list_intake() == []


def test_a_vanished_upload_still_gives_the_item_a_folder(google_emulator, root, store):
    entry = IntakeEntry(key="1doesnotexist", name="Hilang", uploader=CONTRIBUTOR)
    link = store.claim_intake(entry, "K-2025-0005", "Hilang", IDEA)
    assert names(google_emulator, child(google_emulator, root, IDEA)) == ["K-2025-0005 Hilang"]
    assert link.endswith(child(google_emulator, child(google_emulator, root, IDEA), "K-2025-0005 Hilang"))


# --- media ----------------------------------------------------------------------------------------------

def test_media_is_downloaded_verified_and_cached(google_emulator, root, store, tmp_path):
    link = store.place_item("K-2025-0009", "Festival", PRODUCTION)
    folder = link.rsplit("/", 1)[1]
    store.ensure_stages(STAGES)  # the next cycle (in this one, the folder just made is known to be empty)
    poster = google_emulator.upload_file(folder, "poster.png", b"\x89PNG poster", CONTRIBUTOR)
    raw = google_emulator.create_folder("mentah", CONTRIBUTOR, parent=folder)
    clip = google_emulator.upload_file(raw, "klip: 1/2.mp4", b"video bytes", CONTRIBUTOR)
    google_emulator.upload_file(folder, "kontributor.txt", b"warga@jogjakota.go.id", CONTRIBUTOR)
    google_emulator.create_spreadsheet("Naskah", CONTRIBUTOR, parent=folder)  # a Google Docs file: skipped

    files = store.media("K-2025-0009")
    assert [f.name for f in files] == ["mentah/klip: 1/2.mp4", "poster.png"]
    for media, content in zip(files, [b"video bytes", b"\x89PNG poster"], strict=True):
        assert media.path.read_bytes() == content
        assert media.md5 == hashlib.md5(content).hexdigest()
        assert media.path.is_relative_to(tmp_path / "cache" / "K-2025-0009")
    assert store.state.get_meta(f"drive.md5.{poster}") == hashlib.md5(b"\x89PNG poster").hexdigest()
    assert len(downloads(google_emulator)) == 2

    google_emulator.clear_log()
    assert store.media("K-2025-0009") == files  # the cached copies are reused
    assert downloads(google_emulator) == []

    google_emulator.drive_file(clip).content = b"a new cut"  # a person replaced the video
    store.ensure_stages(STAGES)  # seen in the next cycle: a cycle looks at each folder once
    files = store.media("K-2025-0009")
    assert len(downloads(google_emulator)) == 1
    assert files[0].path.read_bytes() == b"a new cut"


def test_the_folders_a_cycle_will_look_at_are_listed_in_one_batch(google_emulator, root, store):
    ids = [f"K-2025-00{n}1" for n in range(1, 5)]
    for item_id in ids:
        folder = store.place_item(item_id, "Liputan", PRODUCTION).rsplit("/", 1)[1]
        google_emulator.upload_file(folder, f"{item_id}.png", item_id.encode(), CONTRIBUTOR)
    store.ensure_stages(STAGES)  # the next cycle
    google_emulator.clear_log()
    store.prefetch(ids)
    assert http_requests(google_emulator) == []  # sent with the next request the cycle makes
    assert [[f.name for f in store.media(item_id)] for item_id in ids] == [[f"{i}.png"] for i in ids]
    listings = [e for e in google_emulator.requests if e.kind == "drive.files.list"]
    assert len(listings) == 1 and listings[0].in_batch is False  # the four folders in one query
    assert len(downloads(google_emulator)) == 4
    store.ensure_stages(STAGES)  # a new cycle lists again: what people added since is seen
    google_emulator.upload_file(store.link(ids[0]).rsplit("/", 1)[1], "tambahan.png", b"y", CONTRIBUTOR)
    assert [f.name for f in store.media(ids[0])] == [f"{ids[0]}.png", "tambahan.png"]


def test_a_cycles_lookups_go_out_with_its_moves_and_creates(google_emulator, root, store):
    ids = [f"K-2025-{n:04d}" for n in range(1, 101)]
    google_emulator.clear_log()
    assert all(isinstance(link, str) for link in store.place_many([(i, "Liputan", IDEA) for i in ids]).values())
    # a hundred new items, made at once and looked for in the stages in the same batches (a folder made by
    # hand is adopted): 101 calls, two batch requests
    assert [e.kind for e in http_requests(google_emulator)] == ["drive.batch", "drive.batch"]
    assert store.digest(ids[0]) == {} and len(http_requests(google_emulator)) == 2  # just made: known empty

    store.ensure_stages(STAGES)  # the next cycle: a hundred moves, and the mails link the folders
    google_emulator.clear_log()
    store.prefetch([], located=ids)
    moved = store.place_many([(i, "Liputan", PRODUCTION) for i in ids])
    assert [store.link(i) for i in ids] == [moved[i] for i in ids]
    assert [e.kind for e in http_requests(google_emulator)] == ["drive.batch"]

    store.ensure_stages(STAGES)  # the next cycle: the files some mails show are listed with the moves
    folder = moved[ids[0]].rsplit("/", 1)[1]
    google_emulator.upload_file(folder, "poster.png", b"poster", CONTRIBUTOR)
    google_emulator.clear_log()
    store.prefetch(ids[:50])
    store.place_many([(i, "Liputan", REVIEW) for i in ids[:50]])
    assert [e.kind for e in http_requests(google_emulator)] == ["drive.batch"]
    assert google_emulator.count("drive.files.list", include_batch_parts=True) == 2  # 40 folders a listing
    assert list(store.digest(ids[0])) == ["poster.png"] and list(store.digest(ids[49])) == []
    assert [e.kind for e in http_requests(google_emulator)] == ["drive.batch"]


def test_digest_names_every_file_media_would_fetch_without_downloading(google_emulator, root, store):
    link = store.place_item("K-2025-0010", "Festival", PRODUCTION)
    folder = link.rsplit("/", 1)[1]
    store.ensure_stages(STAGES)  # the next cycle
    poster = google_emulator.upload_file(folder, "poster.png", b"\x89PNG poster", CONTRIBUTOR)
    raw = google_emulator.create_folder("mentah", CONTRIBUTOR, parent=folder)
    google_emulator.upload_file(raw, "klip.mp4", b"video bytes", CONTRIBUTOR)
    google_emulator.upload_file(folder, "kontributor.txt", b"warga@jogjakota.go.id", CONTRIBUTOR)
    google_emulator.create_spreadsheet("Naskah", CONTRIBUTOR, parent=folder)
    google_emulator.clear_log()

    assert store.digest("K-2025-0010") == {"mentah/klip.mp4": "md5:" + hashlib.md5(b"video bytes").hexdigest(),
                                           "poster.png": "md5:" + hashlib.md5(b"\x89PNG poster").hexdigest()}
    assert downloads(google_emulator) == []  # Drive's own checksums: nothing is fetched
    google_emulator.drive_file(poster).content = b"another poster"
    store.ensure_stages(STAGES)  # the next cycle
    assert store.digest("K-2025-0010")["poster.png"] == "md5:" + hashlib.md5(b"another poster").hexdigest()
    assert [f.name for f in store.media("K-2025-0010")] == sorted(store.digest("K-2025-0010"))
    assert store.digest("K-2025-0404") == {}


def test_the_files_as_last_seen_cost_no_request_and_outlive_the_cycle_and_a_restart(google_emulator, service_account_key,
                                                                                   root, tmp_path, store):
    folder = store.place_item("K-2025-0011", "Festival", PRODUCTION).rsplit("/", 1)[1]
    poster = google_emulator.upload_file(folder, "poster.png", b"\x89PNG poster", CONTRIBUTOR)
    store.ensure_stages(STAGES)  # the next cycle
    assert store.last_seen_digest("K-2025-0011") is None  # never listed since the poster came
    seen = store.digest("K-2025-0011")  # listed (for a mail, say)
    assert seen == {"poster.png": "md5:" + hashlib.md5(b"\x89PNG poster").hexdigest()}

    google_emulator.drive_file(poster).content = b"another poster"  # changed after that listing
    store.ensure_stages(STAGES)
    google_emulator.clear_log()
    assert store.last_seen_digest("K-2025-0011") == seen and http_requests(google_emulator) == []
    again = make_store(google_emulator, service_account_key, root, tmp_path, state=store.state)  # a restart
    again.ensure_stages(STAGES)
    google_emulator.clear_log()
    assert again.last_seen_digest("K-2025-0011") == seen and http_requests(google_emulator) == []
    # listed again in this cycle: what it is now, and remembered as such
    now = {"poster.png": "md5:" + hashlib.md5(b"another poster").hexdigest()}
    assert again.digest("K-2025-0011") == now and again.last_seen_digest("K-2025-0011") == now
    again.ensure_stages(STAGES)
    assert again.last_seen_digest("K-2025-0011") == now
    google_emulator.clear_log()
    assert again.last_seen_digest("K-2025-0404") == {} and http_requests(google_emulator) == []  # no folder known


def test_media_of_an_unknown_item_is_empty(store):
    assert store.media("K-2025-0404") == []
    assert store.link("K-2025-0404") == ""


# --- access problems ------------------------------------------------------------------------------------

def test_a_root_not_shared_names_the_service_account(google_emulator, service_account_key, tmp_path):
    private = google_emulator.create_folder("Konten Humas", OFFICE)
    drive = make_store(google_emulator, service_account_key, private, tmp_path)
    with pytest.raises(GoogleAccessError) as caught:
        drive.ensure_stages(STAGES)
    message = str(caught.value)
    assert DAEMON_EMAIL in message and private in message and "bagikan" in message
    assert "\n" not in message and message.endswith(".")


def test_a_root_shared_read_only_says_editor_is_needed(google_emulator, service_account_key, tmp_path):
    read_only = google_emulator.create_folder("Konten Humas", OFFICE, shared_with={DAEMON_EMAIL: "reader"})
    drive = make_store(google_emulator, service_account_key, read_only, tmp_path)
    with pytest.raises(GoogleAccessError, match="Editor") as caught:
        drive.ensure_stages(STAGES)
    assert DAEMON_EMAIL in str(caught.value)


# --- shared drives and flags ----------------------------------------------------------------------------

def run_everything(emulator: GoogleEmulator, drive: DriveAssetStore, root: str) -> None:
    drive.ensure_stages(STAGES)
    intake = child(emulator, root, INTAKE)
    emulator.upload_file(intake, "foto.jpg", b"foto", CONTRIBUTOR)
    upload = emulator.create_folder("Video", OTHER, parent=intake)
    emulator.upload_file(upload, "klip.mp4", b"klip", OTHER)
    emulator.upload_file(upload, "kontributor.txt", b"budi@jogjakota.go.id", OTHER)
    entries = sorted(drive.list_intake(), key=lambda e: e.name)
    assert [(e.name, e.uploader) for e in entries] == [("Video", "budi@jogjakota.go.id"), ("foto", CONTRIBUTOR)]
    drive.claim_intake(entries[0], "K-2025-0001", "Video", IDEA)
    drive.claim_intake(entries[1], "K-2025-0002", "Foto", IDEA)
    drive.place_item("K-2025-0003", "Baru", IDEA)
    drive.place_many([("K-2025-0001", "Video", PRODUCTION), ("K-2025-0002", "Foto", PRODUCTION),
                      ("K-2025-0003", "Baru", REVIEW)])
    assert [m.name for m in drive.media("K-2025-0001")] == ["klip.mp4"]
    assert [m.name for m in drive.media("K-2025-0002")] == ["foto.jpg"]
    assert sorted(names(emulator, child(emulator, root, PRODUCTION))) == ["K-2025-0001 Video", "K-2025-0002 Foto"]


@pytest.mark.parametrize("at_top", [False, True], ids=["folder-in-shared-drive", "shared-drive-itself"])
def test_everything_works_in_a_shared_drive_with_the_flags_on_every_call(google_emulator, service_account_key,
                                                                         tmp_path, at_top):
    shared = google_emulator.create_shared_drive(
        "Humas", OFFICE, members={DAEMON_EMAIL: "fileOrganizer", CONTRIBUTOR: "writer", OTHER: "writer"})
    root = shared if at_top else google_emulator.create_folder("Konten", OFFICE, parent=shared)
    drive = make_store(google_emulator, service_account_key, root, tmp_path, shared_drive_id=shared)

    run_everything(google_emulator, drive, root)
    assert google_emulator.drive_calls_without_supports_all_drives() == []
    listings = [e for e in google_emulator.requests if e.kind == "drive.files.list"]
    assert listings and all(e.query.get("corpora") == ["drive"] and e.query.get("driveId") == [shared]
                            and e.query.get("includeItemsFromAllDrives") == ["true"] for e in listings)
    assert google_emulator.errors == []


def test_a_shared_drive_without_the_account_names_it(google_emulator, service_account_key, tmp_path):
    shared = google_emulator.create_shared_drive("Humas", OFFICE)
    root = google_emulator.create_folder("Konten", OFFICE, parent=shared)
    drive = make_store(google_emulator, service_account_key, root, tmp_path, shared_drive_id=shared)
    with pytest.raises(GoogleAccessError, match="Content manager") as caught:
        drive.ensure_stages(STAGES)
    assert DAEMON_EMAIL in str(caught.value)


def test_everything_works_in_my_drive_with_the_flags_on_every_call(google_emulator, service_account_key, root,
                                                                   tmp_path):
    run_everything(google_emulator, make_store(google_emulator, service_account_key, root, tmp_path), root)
    assert google_emulator.drive_calls_without_supports_all_drives() == []
    assert google_emulator.errors == []


# --- quota and server errors ----------------------------------------------------------------------------

def test_a_429_storm_is_ridden_out_and_nothing_is_doubled(google_emulator, service_account_key, root, tmp_path):
    drive = make_store(google_emulator, service_account_key, root, tmp_path)
    google_emulator.inject_429(kind="drive.files.list", times=5)
    google_emulator.inject_429(kind="drive.files.create", times=3)
    google_emulator.inject_500(kind="drive.files.create", times=2)  # a create is looked for before repeating
    drive.ensure_stages(STAGES)
    ids = ["K-2025-0001", "K-2025-0002", "K-2025-0003"]
    for item_id in ids:
        drive.place_item(item_id, "Judul", IDEA)
    assert sorted(names(google_emulator, root)) == sorted(STAGES)
    assert len(names(google_emulator, child(google_emulator, root, IDEA))) == 3

    google_emulator.inject_429(kind="drive.batch", times=2)
    google_emulator.inject_429(kind="drive.files.update", times=4)  # parts inside the batch
    results = drive.place_many([(item_id, "Judul", PRODUCTION) for item_id in ids])
    assert sorted(results) == ids and all(isinstance(link, str) for link in results.values()), results
    assert len(names(google_emulator, child(google_emulator, root, PRODUCTION))) == 3
    assert google_emulator.files_in(child(google_emulator, root, IDEA)) == []
    assert google_emulator.count(status=429, include_batch_parts=True) == 5 + 3 + 2 + 4
    assert google_emulator.faults.pending() == []


def test_a_storm_longer_than_the_retries_is_a_passing_error(google_emulator, service_account_key, root, tmp_path):
    drive = make_store(google_emulator, service_account_key, root, tmp_path)
    google_emulator.inject_429(kind="drive.files.list", times=NO_WAIT.attempts)
    with pytest.raises(DriveError):
        drive.ensure_stages(STAGES)
    drive.ensure_stages(STAGES)  # the next cycle
    assert sorted(names(google_emulator, root)) == sorted(STAGES)


# --- configuration --------------------------------------------------------------------------------------

def test_folder_ids_may_be_pasted_as_links():
    assert folder_id_from("https://drive.google.com/drive/folders/1AbC_d-9?usp=sharing") == "1AbC_d-9"
    assert folder_id_from("https://drive.google.com/drive/u/1/folders/0AXyz") == "0AXyz"
    assert folder_id_from(" 1AbC ") == "1AbC"
    assert folder_id_from("https://drive.google.com/open?id=1Q") == "1Q"


def test_build_drive_store_from_the_configuration(google_emulator, service_account_key, root, tmp_path):
    from automation.config import ConfigError, parse_config

    raw = {"assets": {"backend": "drive", "root_folder": f"https://drive.google.com/drive/folders/{root}",
                      "intake_seconds": 0, "cache_dir": "cache"},
           "google": {"key_file": str(service_account_key), "api_base": google_emulator.base_url}}
    config = parse_config(raw, tmp_path / "sop-konten.toml")

    class Sop:
        intake_stage = INTAKE

    drive = build_drive_store(config, service_account_key, DAEMON_EMAIL, MemoryState(), Sop(), policy=NO_WAIT)
    assert (drive.root, drive.batch_uri, drive.cache_dir) == (root, google_emulator.batch_url, tmp_path / "cache")
    drive.ensure_stages(STAGES)
    assert sorted(names(google_emulator, root)) == sorted(STAGES)

    raw["assets"].pop("root_folder")
    with pytest.raises(ConfigError, match="root_folder"):
        build_drive_store(parse_config(raw, tmp_path / "sop-konten.toml"), service_account_key, DAEMON_EMAIL,
                          MemoryState(), Sop())


@pytest.mark.slow
def test_a_create_that_timed_out_but_happened_is_not_made_twice(google_emulator, service_account_key, root,
                                                                tmp_path):
    import google_auth_httplib2
    import httplib2
    from googleapiclient.discovery import build

    credentials = load_credentials(service_account_key, (DRIVE_SCOPE,))
    # The client gives up after 2 s; Google holds the create's answer until the client has given up (its
    # retry wait begins), so the create is done on Google's side and its answer lost, however busy the machine.
    impatient = google_auth_httplib2.AuthorizedHttp(credentials, http=httplib2.Http(timeout=2))
    service = build("drive", "v3", http=impatient, static_discovery=True, cache_discovery=False,
                    client_options={"api_endpoint": google_emulator.drive_base_url})
    client_gave_up = threading.Event()
    waits: list[float] = []

    def wait_for_the_late_answer(seconds: float) -> None:
        waits.append(seconds)
        client_gave_up.set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(e.kind == "drive.files.create" and e.status
                                                      for e in google_emulator.requests):
            time.sleep(0.01)

    policy = RetryPolicy(sleep=wait_for_the_late_answer)
    drive = DriveAssetStore(service, root, INTAKE, MemoryState(), account=DAEMON_EMAIL,
                            batch_uri=batch_uri_for(google_emulator.base_url), cache_dir=tmp_path, policy=policy)
    drive.ensure_stages(STAGES)

    google_emulator.clear_log()
    google_emulator.after_next(lambda: client_gave_up.wait(60), kind="drive.files.create")
    # the create goes out with the search for the item (one batch); its answer is lost: an error this time
    with pytest.raises(DriveError):
        drive.place_item("K-2025-0001", "Hari Jadi", IDEA)
    assert waits
    link = drive.place_item("K-2025-0001", "Hari Jadi", IDEA)  # the retry looks first: found, not made again
    assert names(google_emulator, child(google_emulator, root, IDEA)) == ["K-2025-0001 Hari Jadi"]
    assert link.endswith(child(google_emulator, child(google_emulator, root, IDEA), "K-2025-0001 Hari Jadi"))
    assert google_emulator.count("drive.files.create", include_batch_parts=True) == 1


def test_check_access_costs_one_request_and_names_what_is_wrong(google_emulator, service_account_key, root,
                                                                tmp_path, store):
    google_emulator.clear_log()
    assert store.check_access() == "Konten Humas"
    assert [e.kind for e in http_requests(google_emulator)] == ["drive.files.get"]

    read_only = google_emulator.create_folder("Lihat saja", OFFICE, shared_with={DAEMON_EMAIL: "reader"})
    with pytest.raises(GoogleAccessError, match="Editor"):
        make_store(google_emulator, service_account_key, read_only, tmp_path).check_access()
    private = google_emulator.create_folder("Pribadi", OFFICE)
    with pytest.raises(GoogleAccessError, match=DAEMON_EMAIL):
        make_store(google_emulator, service_account_key, private, tmp_path).check_access()

    shared = google_emulator.create_shared_drive("Humas", OFFICE, members={DAEMON_EMAIL: "fileOrganizer"})
    in_shared = google_emulator.create_folder("Konten", OFFICE, parent=shared)
    with pytest.raises(GoogleAccessError, match=f'shared_drive = "{shared}"'):
        make_store(google_emulator, service_account_key, in_shared, tmp_path).check_access()
    assert make_store(google_emulator, service_account_key, in_shared, tmp_path,
                      shared_drive_id=shared).check_access() == "Konten"
    assert make_store(google_emulator, service_account_key, shared, tmp_path,
                      shared_drive_id=shared).check_access() == "Humas"
