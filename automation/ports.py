"""The small protocols the engine talks to; adapters implement them.

Everything crossing a port is plain data (strings, dataclasses): the domain
never sees openpyxl cells, gspread objects or file handles.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from sys import intern
from typing import Any, Protocol, runtime_checkable

# --- register -------------------------------------------------------------

@dataclass(frozen=True)
class Table:
    """One tab as read: its header row and its data rows, every cell a string.

    `rows[i]` is the sheet row `i + 2` at the time of the read (row 1 holds the
    headers). Rows are padded to the header width; empty cells are "".
    """

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def interned_cells(row: Iterable[str]) -> tuple[str, ...]:
    """A row as a register adapter puts it in a Table: its text interned. The journal interns the values of
    the item states it keeps in memory too, so a cell that is as the daemon accepted it is one object,
    not two (at 10,000 rows, 20 MB less), and a value repeated down a column is held once."""
    return tuple(map(intern, row))


@dataclass(frozen=True)
class RegisterSnapshot:
    register: Table
    roster: Table
    log_last_no: int  # highest event number already in the Log tab (0 if none)


@dataclass(frozen=True)
class RowAnchor:
    """How to find a row again at write time: by ID, never by position alone.

    A row that had no ID when it was read (a new row) is found by its read
    position, and only if it still has no ID and the same title there, or
    else as the single ID-less row with that title. The read position of a
    row with an ID only tells it from a copy holding the same ID.
    """

    item_id: str = ""
    read_index: int = -1  # index into Table.rows at read time
    title: str = ""


@dataclass(frozen=True)
class CellChange:
    column: str  # header text
    expected: str  # value the daemon read; the write is skipped if the cell changed since
    value: str  # value to write, stored as plain text (never as a formula)
    note: str = ""  # a cell note explaining a rejected edit (where supported)


@dataclass(frozen=True)
class RowUpdate:
    anchor: RowAnchor
    changes: tuple[CellChange, ...]
    overdue: bool | None = None  # mark (True) or unmark (False) the row as late; None: leave the mark


@dataclass(frozen=True)
class WriteBatch:
    updates: tuple[RowUpdate, ...] = ()
    appends: tuple[dict[str, str], ...] = ()  # new register rows, by header
    log_rows: tuple[tuple[str, ...], ...] = ()  # Log tab rows; first cell is the event number


@dataclass(frozen=True)
class WriteResult:
    written: bool  # False: nothing was written at all, try the whole batch again later
    reason: str = ""  # why not written (English, for the log)
    skipped: tuple[tuple[str, str], ...] = ()  # (anchor description, column) left alone: changed by a person


class Register(Protocol):
    def read(self) -> RegisterSnapshot: ...

    def write(self, batch: WriteBatch) -> WriteResult: ...

    def link(self, item_id: str) -> str:
        """A link a person can open to reach the item's row."""
        ...


class RegisterError(Exception):
    """A problem with the register a person must fix; the message is one sentence."""


@dataclass(frozen=True)
class RegisterLock:
    """The register held open in an editor (a lock file next to a local workbook)."""

    file: str  # the lock file's name
    holder: str  # the user name the editor wrote into it; "" when it names nobody
    episode: str  # one opening: another opening of the file gives another value


@runtime_checkable
class LockReporting(Protocol):
    """A register that can say who holds it open (writes wait until it is closed)."""

    def lock(self) -> RegisterLock | None: ...


@dataclass(frozen=True)
class ArchiveRow:
    """A finished row to move from the Register to its yearly archive (`domain/archive.py` chose it)."""

    item_id: str
    year: int  # which yearly archive (`Arsip <year>`)
    values: tuple[tuple[str, str], ...]  # (header, value) of every column as read: the row must still hold them
    archived_at: str  # written into the archive's `Diarsipkan` column


@dataclass(frozen=True)
class ArchiveResult:
    moved: tuple[str, ...]  # IDs now in their archive and gone from the Register (also when already so)
    reason: str = ""  # why some were not moved this time (the file is open, ...); they are tried again


@dataclass(frozen=True)
class ArchivedRow:
    """A row as it stands in a yearly archive now (the daily check for edits made there)."""

    item_id: str
    year: int
    values: tuple[tuple[str, str], ...]


@runtime_checkable
class Archiving(Protocol):
    """A register that can move finished rows to a yearly archive, which polls never read.

    `archive` is idempotent and safe at every point: a row is appended to the archive (unless its ID is
    there already), then deleted from the Register, found by ID and only while it still holds the values
    read. A crash in between leaves the row in both; the next call only deletes it."""

    def archive(self, rows: Sequence[ArchiveRow], settled: Collection[str] = ()) -> ArchiveResult:
        """Move `rows`. `settled`: the items already in the archive; a register whose Log tab is read
        whole on every poll (the local workbook) moves their Log lines along (the last line stays)."""
        ...

    def archived(self, years: Collection[int]) -> list[ArchivedRow]:
        """Every row of the archives of these years (those that exist)."""
        ...


# --- assets ---------------------------------------------------------------

@dataclass(frozen=True)
class IntakeEntry:
    key: str  # stable identity of the upload (path name locally, file id on Drive)
    name: str  # what a person sees (file or folder name)
    uploader: str = ""  # e-mail of who uploaded, where known
    refused: tuple[str, ...] = ()  # names inside the upload that are links or special files (never read)
    contributor_file: str = ""  # the text of kontributor.txt in an uploaded folder (domain/intake.py reads it)
    files: tuple[str, ...] = ()  # the names of the uploaded files (Jenis is told from them)


@dataclass(frozen=True)
class MediaFile:
    name: str
    path: Path  # a local copy, readable
    md5: str = ""


class AssetStore(Protocol):
    def ensure_stages(self, stages: list[str]) -> None: ...

    def place_item(self, item_id: str, title: str, stage: str) -> str:
        """Create the item's folder in `stage`, or move it there; idempotent. Returns its link."""
        ...

    def claim_intake(self, entry: IntakeEntry, item_id: str, title: str, stage: str) -> str:
        """Turn an upload found in the intake stage into the item's folder in `stage`; idempotent."""
        ...

    def list_intake(self) -> list[IntakeEntry]: ...

    def media(self, item_id: str) -> list[MediaFile]: ...

    def link(self, item_id: str) -> str: ...


@runtime_checkable
class Prefetching(Protocol):
    """An asset store that looks up many item folders at once (Drive sends the lookups together, with
    the cycle's next batch of moves), so that the cycle's later media(), digest() and link() calls for
    those items cost no request of their own."""

    def prefetch(self, item_ids: list[str], located: Sequence[str] = (), new: Collection[str] = ()) -> None:
        """The items whose files the cycle will read next, and (`located`) items it only links to.
        `new`: items whose IDs were first given in this cycle, so no folder can carry them yet (none is
        looked for). Best effort: an item not looked up with the others is looked up when asked for."""
        ...


@runtime_checkable
class BatchPlacing(Protocol):
    """An asset store that moves many item folders in one call (Drive batches its requests)."""

    def place_many(self, items: list[tuple[str, str, str]]) -> dict[str, str | Exception]:
        """(item_id, title, stage) each -> its link, or the exception that stopped it (None: not tried)."""
        ...


@runtime_checkable
class UnsafeFileReporting(Protocol):
    """A store that refuses links and special files in item folders and can name them."""

    def unsafe_files(self, item_id: str) -> list[str]:
        """One Indonesian note per refused file in the item's folder (never read nor published)."""

    def refused_intake(self) -> list[str]:
        """One Indonesian note per entry of the intake folder left alone at the last listing (a link, ...)."""


@runtime_checkable
class ContentDigesting(Protocol):
    """An asset store that can say what the item's files hold without handing them over (approval binding)."""

    def digest(self, item_id: str) -> dict[str, str]:
        """Each file `media` would publish: its name -> a hash of its content, prefixed by the algorithm
        (`sha256:<hex>`, or `md5:<hex>` where the store only offers MD5, as Drive does)."""
        ...


@runtime_checkable
class SeenContents(Protocol):
    """A store whose listings cost requests (Drive): what it last saw of an item's files, without looking."""

    def last_seen_digest(self, item_id: str) -> dict[str, str] | None:
        """`digest` as of the store's last listing of the item's folder, in this cycle or an earlier one;
        None when it never listed it."""
        ...


@runtime_checkable
class AccessChecking(Protocol):
    """A store that can prove, without changing anything, that the daemon may write there (`sop-konten check`)."""

    def check_access(self) -> str:
        """The store's name; raises an error naming what to fix (e.g. the folder to share)."""
        ...


# --- notifications --------------------------------------------------------

@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str  # "image/jpeg"
    data: bytes


@dataclass(frozen=True)
class Message:
    key: str  # idempotency key; also the basis of the Message-ID
    to: str  # e-mail address
    to_name: str
    subject: str
    body: str  # plain text, UTF-8
    attachments: tuple[Attachment, ...] = ()  # e-mail only (pictures to decide from); other channels skip them


class Notifier(Protocol):
    def send(self, message: Message) -> None: ...


@runtime_checkable
class BatchSending(Protocol):
    """A notifier that sends many messages in few requests (Gmail batches its sends)."""

    def send_all(self, messages: Sequence[Message]) -> list[Exception | None]:
        """Each message sent (None) or the exception that stopped it, in the order given. Each message
        succeeds or fails on its own; one that failed may still be sent again (as after a failed `send`)."""
        ...


@runtime_checkable
class AddressChecking(Protocol):
    """A notifier that knows whether it can reach a recipient (a channel besides e-mail may)."""

    def accepts(self, message: Message) -> bool: ...


class Flushed(Protocol):
    sent: list[str]  # keys of the messages sent by the flush


@runtime_checkable
class Flushing(Protocol):
    """A notifier that holds messages back (a daily digest) and sends them when flushed, after every cycle."""

    def flush(self, now: datetime | None = None) -> Flushed: ...


# --- publishing -----------------------------------------------------------

@dataclass(frozen=True)
class Post:
    key: str  # idempotency key
    item_id: str
    platform: str
    title: str
    caption: str
    kind: str  # Jenis: Infografis | Video
    media: tuple[MediaFile, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class PublishResult:
    platform: str
    link: str


class Publisher(Protocol):
    def publish(self, post: Post) -> PublishResult: ...


# --- publishing to a platform: outcomes and the adapter port ---------------


@dataclass(frozen=True)
class Published:
    """The post is live (or, for TikTok direct posts, accepted and processed)."""

    link: str
    remote_id: str


@dataclass(frozen=True)
class Failed:
    """Nothing is live on the platform.

    `problem` is one or two Indonesian sentences for the register and the admin.
    `retry=True`: calling `publish` again with the same state is safe and may
    succeed without a person (a renewed token, a reset quota, a network that
    came back): either no create call reached the platform, or the ones that
    did created only invisible intermediates that the next call resumes or
    replaces. `retry=False`: a person must fix something first (the media, the
    caption, the account); calling `publish` again afterwards is still safe.
    """

    problem: str
    retry: bool


@dataclass(frozen=True)
class Unknown:
    """Whether the post is live cannot be established: never retried automatically, a person checks."""

    reason: str


@dataclass(frozen=True)
class Manual:
    """A person finishes the post: the platform is in manual mode, or TikTok's inbox holds the video.

    The caller gives the admin the files and the caption and waits for the
    admin to set the item to "Terbit" with the link.
    """

    note: str  # Indonesian: what the admin must do
    caption: str
    files: tuple[str, ...] = ()
    remote_id: str = ""  # e.g. TikTok's publish_id for a video sent to the inbox


PublishOutcome = Published | Failed | Unknown | Manual


class PublishState(Protocol):
    """Durable memory of one post on one platform, provided by the caller (journal-backed in production)."""

    def get(self) -> dict: ...

    def save(self, **values: Any) -> None:
        """Merge `values` into the dict and make them durable BEFORE returning. Values are JSON types."""
        ...


class Platform(Protocol):
    name: str  # "Instagram", "Facebook", "X", "YouTube", "TikTok"

    def publish(self, post: Post, state: PublishState) -> PublishOutcome: ...

    def reconcile(self, post: Post, state: PublishState) -> PublishOutcome: ...

    def token_expiry(self) -> datetime | None: ...

    def check(self, post: Post) -> list[str]:
        """Problems (Indonesian) that make the post unpublishable on this platform; [] when none."""
        ...


@runtime_checkable
class TokenRefreshing(Protocol):
    """A platform whose access token the daemon can renew itself before it expires."""

    def refresh_token(self) -> RenewedToken: ...


@dataclass(frozen=True)
class RenewedToken:
    """A refreshed token. `stored`: written to the token file; otherwise the admin must store it."""

    access_token: str = field(repr=False)
    expires_at: datetime | None
    stored: bool
    where: str  # the token file, or the environment variable the admin must update


# --- time -----------------------------------------------------------------

class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime."""
        ...
