"""Item assets in plain folders, one folder per SOP stage (the "no Google account" default).

An item's folder is `<stage>/<ID> <title>`. It is always found again by its ID
prefix, so a person may rename the title part or move the folder by hand.

Nothing outside the workspace is ever read: symlinks, hard-linked files (another
name may be outside) and special files (fifos, sockets, devices) in the intake
or an item folder are never followed, read or published; the item gets a note.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import stat
import time
import unicodedata
from pathlib import Path

from automation.domain.texts import log as log_text
from automation.domain.texts import media as media_text
from automation.faults import reached
from automation.ports import IntakeEntry, MediaFile

log = logging.getLogger(__name__)

CONTRIBUTOR_FILE = "kontributor.txt"
MAX_FOLDER_NAME = 80
_UNSAFE_CHARS = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
_PARTIAL_SUFFIXES = (".tmp", ".part", ".crdownload")
_SYSTEM_FILES = {"desktop.ini", "thumbs.db"}
# A folder changed this recently may change again within its time stamp's resolution (FAT: 2 s) and look
# unchanged: a folder index seen with such a folder is not kept for the next cycle.
RACY_SECONDS = 3


def safe_folder_name(item_id: str, title: str) -> str:
    """`<ID> <title>`, usable as a folder name on Windows, macOS and Linux."""
    if not item_id or _UNSAFE_CHARS.search(item_id) or item_id != item_id.strip():
        raise ValueError(f"item id not usable in a folder name: {item_id!r}")
    clean = unicodedata.normalize("NFC", title)
    clean = _UNSAFE_CHARS.sub(" ", clean)
    clean = " ".join(clean.split())
    name = f"{item_id} {clean}"[:MAX_FOLDER_NAME].rstrip(". ")
    return name if name.startswith(f"{item_id} ") else item_id


def is_ignored(name: str) -> bool:
    """Hidden, system, or still-being-written files a person did not mean as material."""
    lowered = name.lower()
    return (
        name.startswith((".", "~$"))
        or lowered.endswith(_PARTIAL_SUFFIXES)
        or lowered in _SYSTEM_FILES
    )


def open_regular(path: Path):
    """Open `path` for reading only if it is a plain file of its own (never through a link)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # NONBLOCK: a fifo must not hang
    try:
        if not _is_plain_file(os.fstat(fd)):
            raise OSError(f"not a plain file: {path}")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _is_plain_file(st: os.stat_result) -> bool:
    """A regular file with no other name: a hard link may be a file from outside the workspace."""
    return stat.S_ISREG(st.st_mode) and st.st_nlink == 1


def _scan(folder: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """(relative name, path) of the plain files under `folder`, and the relative names refused.

    Never follows a symlink; hidden, system and partial files are skipped silently."""
    files: list[tuple[str, Path]] = []
    refused: list[str] = []
    pending = [(folder, "")]
    while pending:
        current, prefix = pending.pop()
        try:
            with os.scandir(current) as entries:
                listed = list(entries)
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in listed:
            if is_ignored(entry.name):
                continue
            relative = f"{prefix}{entry.name}"
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            if stat.S_ISDIR(st.st_mode):
                pending.append((Path(entry.path), f"{relative}/"))
            elif _is_plain_file(st):
                files.append((relative, Path(entry.path)))
            else:
                refused.append(relative)
    return files, sorted(refused, key=str.casefold)


def file_md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open_regular(path) as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class FolderAssetStore:
    def __init__(self, root: Path, intake_stage: str, settle_seconds: float = 5) -> None:
        self.root = Path(root)
        self.intake_stage = intake_stage
        self.settle_seconds = settle_seconds
        self._stages: list[str] = []
        self._warned: set[tuple[str, int]] = set()
        self._refused_intake: list[str] = []  # entries left alone at the last listing
        # item ID -> its folders in stage order, listed once per cycle (ensure_stages starts a cycle):
        # looking each item up with a scan of every stage folder cost a third of a busy poll. Kept for the
        # next cycle while the root and the stage folders are unchanged (_index_marks).
        self._index: dict[str, list[tuple[Path, str]]] | None = None
        self._paths: dict[str, list[Path]] = {}  # item ID -> its folders from the index, made once
        self._index_marks: tuple[tuple[str, int, int], ...] | None = None  # as the index was listed
        self._stage_rank: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"FolderAssetStore({str(self.root)!r})"

    @property
    def intake(self) -> Path:
        return self.root / self.intake_stage

    def ensure_stages(self, stages: list[str]) -> None:
        for stage in stages:
            (self.root / stage).mkdir(parents=True, exist_ok=True)
        if self._index is None or self._stages != list(stages) or self._index_marks is None \
                or self._index_marks != self._folder_marks():
            self._index = None  # listed again when first needed
        self._stages = list(stages)

    # --- items ------------------------------------------------------------

    def place_item(self, item_id: str, title: str, stage: str) -> str:
        return _uri(self._place(item_id, title, stage))

    def link(self, item_id: str) -> str:
        folders = self._item_folders(item_id)
        return _uri(folders[0]) if folders else ""

    def media(self, item_id: str) -> list[MediaFile]:
        return [MediaFile(name=name, path=path, md5=file_md5(path)) for name, path in self.item_files(item_id)]

    def item_files(self, item_id: str) -> list[tuple[str, Path]]:
        """(name relative to the item's folder, path) of its material, in name order, without reading any."""
        folders = self._item_folders(item_id)
        if not folders:
            return []
        found, _ = _scan(folders[0])
        files = [(name, path) for name, path in found if Path(name).name.lower() != CONTRIBUTOR_FILE]
        files.sort(key=lambda entry: entry[0].casefold())
        return files

    def unsafe_files(self, item_id: str) -> list[str]:
        """Notes for the links and special files in the item's folder, which are left unread."""
        folders = self._item_folders(item_id)
        refused = _scan(folders[0])[1] if folders else []
        return [media_text.unsafe_file(name) for name in refused]

    def digest(self, item_id: str) -> dict[str, str]:
        # the very files media() hands to publishing, so the approval binds what would go out
        return {f.name: f"sha256:{file_sha256(f.path)}" for f in self.media(item_id)}

    def _place(self, item_id: str, title: str, stage: str) -> Path:
        if stage == self.intake_stage:  # it would be listed again as a new upload
            raise ValueError(f"items are not kept in the intake stage {stage!r}")
        target = self.root / stage
        target.mkdir(parents=True, exist_ok=True)
        folders = self._item_folders(item_id)
        for folder in folders:
            if folder.parent == target:
                return folder  # already there; a duplicate elsewhere is left for a person
        if not folders:
            folder = target / safe_folder_name(item_id, title)
            reached("folders.create")
            folder.mkdir(exist_ok=True)
            self._indexed(item_id, [folder])
            return folder
        if len(folders) > 1:
            log.warning(log_text.FOLDERS_SEVERAL, item_id, folders[0])
        destination = _free_path(target / folders[0].name, folder=True)
        reached("folders.move")
        shutil.move(folders[0], destination)
        self._indexed(item_id, [destination, *folders[1:]])
        return destination

    def _item_folders(self, item_id: str) -> list[Path]:
        """Folders of the item in stage order; the intake stage only holds unclaimed uploads."""
        found = self._indexed_paths(item_id)
        if not all(_is_real_dir(folder) for folder in found):  # moved by a person during the cycle
            self._index = self._index_marks = None
            found = self._indexed_paths(item_id)
        return list(found)

    def _indexed_paths(self, item_id: str) -> list[Path]:
        index = self._folder_index()
        if item_id not in self._paths:
            self._paths[item_id] = [stage / name for stage, name in index.get(item_id, [])]
        return self._paths[item_id]

    def _folder_marks(self) -> tuple[tuple[str, int, int], ...] | None:
        """(name, inode, mtime) of the root and the stage folders: any entry added, removed or renamed in
        one of them changes its mtime. None when one changed too recently to tell (RACY_SECONDS)."""
        racy = time.time_ns() - RACY_SECONDS * 1_000_000_000
        marks = []
        try:
            for folder in (self.root, *self._stage_folders()):
                st = folder.stat()  # the root may be a link to where the folders are
                if st.st_mtime_ns >= racy:
                    return None
                marks.append((folder.name, st.st_ino, st.st_mtime_ns))
        except OSError:
            return None
        return tuple(marks)

    def _folder_index(self) -> dict[str, list[tuple[Path, str]]]:
        if self._index is None:
            self._paths = {}
            self._index_marks = self._folder_marks()  # before listing: a change during it shows next cycle
            index: dict[str, list[tuple[Path, str]]] = {}
            stage_folders = self._stage_folders()
            self._stage_rank = {folder.name: rank for rank, folder in enumerate(stage_folders)}
            for stage_folder in stage_folders:
                with os.scandir(stage_folder) as entries:  # d_type: no stat per entry on most file systems
                    names = sorted(e.name for e in entries if e.is_dir(follow_symlinks=False))
                for name in names:
                    index.setdefault(name.split(" ", 1)[0], []).append((stage_folder, name))
            self._index = index
        return self._index

    def _indexed(self, item_id: str, folders: list[Path]) -> None:
        """The item's folders after the store changed them itself."""
        self._index_marks = None  # our own change moved the marks: listed again next cycle
        if self._index is not None:
            last = len(self._stage_rank)
            ordered = sorted(folders, key=lambda f: (self._stage_rank.get(f.parent.name, last), f.name))
            self._index[item_id] = [(folder.parent, folder.name) for folder in ordered]
            self._paths.pop(item_id, None)

    def _stage_folders(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        known = [self.root / stage for stage in self._stages]
        others = sorted(p for p in self.root.iterdir() if _is_real_dir(p) and not is_ignored(p.name))
        ordered = [p for p in known if _is_real_dir(p)] + [p for p in others if p not in known]
        return [p for p in ordered if p.name != self.intake_stage]

    # --- intake -----------------------------------------------------------

    def refused_intake(self) -> list[str]:
        return [media_text.unsafe_intake_entry(name) for name in self._refused_intake]

    def list_intake(self) -> list[IntakeEntry]:
        self._refused_intake = []
        if not self.intake.is_dir():
            return []
        settled_before = time.time() - self.settle_seconds
        found = []
        for entry in self.intake.iterdir():
            if is_ignored(entry.name):
                continue
            try:
                listed = self._intake_entry(entry, settled_before)
                if listed:
                    found.append((entry.lstat().st_mtime, entry.name, listed))
            except FileNotFoundError:
                continue  # moved or deleted while we looked
        found.sort(key=lambda item: (item[0], item[1]))
        return [intake for _, _, intake in found]

    def _intake_entry(self, entry: Path, settled_before: float) -> IntakeEntry | None:
        """The upload at `entry`, or None while it may still be arriving (or is not a plain file)."""
        st = entry.lstat()
        if stat.S_ISDIR(st.st_mode):
            files = _material_files(entry)
            if not files and not _scan(entry)[1]:
                return None  # empty: probably still being filled (refused links still make an item with notes)
            newest = max(_changed_at(path) for path in [entry, *files])
            note = _contributor_file(entry)
            lines = note.splitlines()
            listed = IntakeEntry(key=_intake_key(entry), name=entry.name, uploader=lines[0].strip() if lines else "",
                                 refused=tuple(_scan(entry)[1]), contributor_file=note,
                                 files=tuple(path.name for path in files))
        elif _is_plain_file(st):
            newest = _changed_at(entry)
            listed = IntakeEntry(key=_intake_key(entry), name=entry.stem or entry.name, files=(entry.name,))
        else:
            self._warn_unsafe(entry, st)
            return None
        return listed if newest <= settled_before else None  # else still being copied

    def _warn_unsafe(self, entry: Path, st: os.stat_result) -> None:
        """Once per entry (not every cycle): a link or special file in the intake is left alone."""
        identity = (entry.name, st.st_ino)
        self._refused_intake.append(entry.name)
        if identity not in self._warned:
            self._warned.add(identity)
            log.warning(log_text.INTAKE_UNSAFE_ENTRY, entry.name)

    def claim_intake(self, entry: IntakeEntry, item_id: str, title: str, stage: str) -> str:
        source = self.intake / entry.key.rsplit(KEY_SEPARATOR, 1)[0]
        existing = self._item_folders(item_id)
        if not _is_safe_upload(source):  # gone, or replaced by a link since it was listed
            if not existing:
                log.warning(log_text.INTAKE_VANISHED, entry.key, item_id)
            return _uri(self._place(item_id, title, stage))

        if _is_real_dir(source) and not existing:
            if stage == self.intake_stage:
                raise ValueError(f"items are not kept in the intake stage {stage!r}")
            target = self.root / stage
            target.mkdir(parents=True, exist_ok=True)
            folder = _free_path(target / safe_folder_name(item_id, title), folder=True)
            reached("folders.claim")
            shutil.move(source, folder)
            self._indexed(item_id, [folder])
            return _uri(folder)

        folder = self._place(item_id, title, stage)
        if _is_real_dir(source):  # the item already had a folder: merge the upload into it
            for child in sorted(source.iterdir()):  # renames: a link moves as a link, never followed
                reached("folders.merge")
                os.rename(child, _free_path(folder / child.name, folder=_is_real_dir(child)))
            reached("folders.merge_done")
            source.rmdir()
        else:
            reached("folders.claim_file")
            shutil.move(source, _free_path(folder / source.name))
        return _uri(folder)


KEY_SEPARATOR = "#"


def _is_real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def _is_safe_upload(path: Path) -> bool:
    try:
        st = path.lstat()
    except FileNotFoundError:
        return False
    return stat.S_ISDIR(st.st_mode) or _is_plain_file(st)


def _intake_key(entry: Path) -> str:
    """The upload's name plus its file identity: a later upload under the same name is a new item."""
    st = entry.lstat()
    return f"{entry.name}{KEY_SEPARATOR}{st.st_ino}"


def _changed_at(path: Path) -> float:
    """When the entry last changed. Copies often keep the source's mtime, so ctime counts too
    (inode change on POSIX, creation of the copy on Windows)."""
    st = path.lstat()
    return max(st.st_mtime, st.st_ctime)


def _material_files(folder: Path) -> list[Path]:
    files, _ = _scan(folder)
    return [path for relative, path in files if Path(relative).name.lower() != CONTRIBUTOR_FILE]


def _contributor_file(folder: Path) -> str:
    """The text of kontributor.txt (any capitalisation of the name), or ""."""
    for relative, path in _scan(folder)[0]:
        if relative.lower() == CONTRIBUTOR_FILE:
            try:
                with open_regular(path) as handle:
                    return handle.read(64 * 1024).decode("utf-8-sig", errors="replace")
            except OSError:
                return ""
    return ""


def _free_path(path: Path, *, folder: bool = False) -> Path:
    """`path`, or `name (2)`, `name (3)`... if something is already there."""
    if not os.path.lexists(path):
        return path
    stem, suffix = (path.name, "") if folder else (path.stem, path.suffix)
    number = 2
    while True:
        candidate = path.with_name(f"{stem} ({number}){suffix}")
        if not os.path.lexists(candidate):
            return candidate
        number += 1


def _uri(path: Path) -> str:
    return path.resolve().as_uri()
