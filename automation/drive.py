"""Item assets in Google Drive: one folder per SOP stage under a root folder, one folder per item.

The same behaviour as `automation.adapters.local.folders.FolderAssetStore`, on Drive:

- stage folders ("00 Masuk", "01 Pengajuan Ide", ...) directly in the root folder;
- an item's folder is `<ID> <title>` in its stage folder, found again by its ID prefix (or by the
  `sopKontenItem` app property the daemon sets), so a person may rename the title part;
- uploads land in the intake stage; they are listed once settled and then claimed.

Requests are kept few: stage and item folder IDs are remembered in the journal's meta store
(`state`), so an idle cycle costs no Drive request at all; the intake folder is listed at most every
`intake_seconds`; a cycle's creates and moves go out as one batch request (up to 100 calls each),
carrying the lookups the cycle named beforehand (`prefetch`: folder listings, searches for items
without a known folder), whose answers are kept for the rest of the cycle.

Every call carries `supportsAllDrives=true`, listings also `includeItemsFromAllDrives=true` (and
`corpora=drive` + `driveId` when a shared drive is configured). 429, 5xx and rate-limit 403s are
retried with backoff, bounded; a folder creation, which is not safe to repeat, is retried blindly
only after a 429 and otherwise only after checking that the folder was not made after all.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

import httplib2
from google.auth.exceptions import RefreshError, TransportError
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest, MediaIoBaseDownload

from automation.adapters.google.client import GoogleAccessError, RetryPolicy, authorized_http
from automation.adapters.google.errors import (
    drive_folder_problem,
    first_line,
    is_rate_limited,
    is_retryable,
    reason_of,
    retry_after_of,
    status_of,
)
from automation.adapters.local.folders import CONTRIBUTOR_FILE, file_md5, is_ignored, safe_folder_name
from automation.domain.texts import config as config_text
from automation.domain.texts import google as google_text
from automation.domain.texts import log as log_text
from automation.ports import IntakeEntry, MediaFile

log = logging.getLogger(__name__)

FOLDER_MIME = "application/vnd.google-apps.folder"
GOOGLE_APPS_MIME = "application/vnd.google-apps."
DEFAULT_BATCH_URI = "https://www.googleapis.com/batch/drive/v3"
BATCH_LIMIT = 100  # Drive's maximum number of calls in one batch request
PAGE_SIZE = 1000
PARENTS_PER_QUERY = 40  # folders named in one files.list query (keeps the query short)
IDS_PER_QUERY, NAME_QUERIES = 15, 3  # items searched by name in one query; more than 45: one full listing
DOWNLOAD_CHUNK = 32 * 1024 * 1024
ITEM_PROPERTY = "sopKontenItem"  # appProperties key naming the item a folder belongs to
FOLDER_LINK = "https://drive.google.com/drive/folders/{}"

ENTRY_FIELDS = ("nextPageToken, files(id, name, mimeType, parents, createdTime, modifiedTime, md5Checksum, size, "
                "owners(emailAddress, me), lastModifyingUser(emailAddress, me))")
FOLDER_FIELDS = "nextPageToken, files(id, name, parents, createdTime, appProperties)"
MEDIA_FIELDS = "nextPageToken, files(id, name, mimeType, parents, md5Checksum, size)"

TRANSPORT_ERRORS = (OSError, httplib2.HttpLib2Error, TransportError)


class DriveError(Exception):
    """A Drive call failed for a passing reason (quota, server error, network); a later cycle retries."""


class MetaStore(Protocol):
    """The journal's small durable key-value store (`Journal.get_meta/set_meta`)."""

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...


# --- building --------------------------------------------------------------------------------------

def drive_service(credentials: Any, api_base: str = "",
                  on_request: Callable[[str, str], None] | None = None) -> Any:
    """A Drive v3 service; `api_base` (e.g. a local emulator's root URL) replaces Google's host;
    `on_request(method, url)` hears every HTTP request it sends (batches and downloads included)."""
    options = {"api_endpoint": _base(api_base) + "drive/v3/"} if api_base else None
    return build("drive", "v3", http=authorized_http(credentials, on_request), static_discovery=True,
                 cache_discovery=False, client_options=options)


def batch_uri_for(api_base: str = "") -> str:
    """googleapiclient's batch does not follow `api_endpoint`: the batch URL is set separately."""
    return _base(api_base) + "batch/drive/v3" if api_base else DEFAULT_BATCH_URI


def folder_id_from(text: str) -> str:
    """A folder or shared-drive ID, also when a person pasted its browser URL."""
    text = (text or "").strip()
    if "://" not in text:
        return text
    parsed = urlparse(text)
    match = re.search(r"/folders/([^/?#]+)", parsed.path)
    if match:
        return match.group(1)
    match = re.search(r"(?:^|&)id=([^&#]+)", parsed.query)
    return match.group(1) if match else text


def build_drive_store(config: Any, key: Path | str | Any, account: str, state: MetaStore, sop: Any,
                      clock: Any = None, *, policy: RetryPolicy | None = None,
                      on_request: Callable[[str, str], None] | None = None) -> DriveAssetStore:
    """The store as `[assets] backend = "drive"` configures it.

    `clock` is accepted for the composition root's convenience but not used: settling compares Drive's
    own (real, UTC) timestamps with the real time, which a fixed replay clock would break.
    """
    from automation.adapters.google.client import DRIVE_SCOPE, load_credentials
    from automation.config import ConfigError

    google = config.google
    root = folder_id_from(google.root_folder)
    if not root:
        raise ConfigError(config_text.root_folder_missing(config.path))
    # a key file, or the credentials of the configured identity (automation.adapters.google.auth)
    credentials = load_credentials(Path(key), (DRIVE_SCOPE,)) if isinstance(key, str | Path) else key
    return DriveAssetStore(
        drive_service(credentials, google.api_base, on_request),
        root,
        sop.intake_stage,
        state,
        account=account,
        shared_drive_id=folder_id_from(google.shared_drive),
        batch_uri=batch_uri_for(google.api_base),
        cache_dir=Path(google.cache_dir),
        intake_seconds=google.intake_seconds,
        settle_seconds=config.settle_seconds,
        policy=policy,
    )


# --- the store ---------------------------------------------------------------------------------------

class DriveAssetStore:
    def __init__(
        self,
        service: Any,
        root_folder_id: str,
        intake_stage: str,
        state: MetaStore,
        *,
        account: str = "",
        shared_drive_id: str = "",
        batch_uri: str = DEFAULT_BATCH_URI,
        cache_dir: Path | str = Path("drive-cache"),
        intake_seconds: float = 300,
        settle_seconds: float = 5,
        clock: Callable[[], float] = time.time,
        policy: RetryPolicy | None = None,
    ) -> None:
        if not root_folder_id:
            raise ValueError("root_folder_id is required")
        self.service = service
        self.root = root_folder_id
        self.intake_stage = intake_stage
        self.state = state
        self.account = account
        self.shared_drive_id = shared_drive_id
        self.batch_uri = batch_uri
        self.cache_dir = Path(cache_dir)
        self.intake_seconds = intake_seconds
        self.settle_seconds = settle_seconds
        self.clock = clock
        self.policy = policy or RetryPolicy()
        self._stages: dict[str, str] = {}  # stage name -> folder id
        self._order: list[str] = []  # stage names in SOP order (duplicates of an item: first one wins)
        self._next_intake = float("-inf")
        self._upload_folders: list[str] = []  # folders in the intake at the last listing (their contents listed too)
        # The cycle's folder index: what was looked up in this cycle, and what the cycle will look at next
        # (sent with its next Drive batch, so that lookups cost no request of their own).
        self._listed: dict[str, list[dict[str, Any]]] = {}  # folder id -> its children
        self._searched: dict[str, list[dict[str, Any]]] = {}  # item id -> its folders found by name ([]: none)
        self._wanted_folders: set[str] = set()
        self._wanted_items: set[str] = set()  # items without a known folder, to search by name
        self._new: set[str] = set()  # items whose IDs were given in this cycle (see `prefetch`)

    def __repr__(self) -> str:
        where = f", shared_drive={self.shared_drive_id!r}" if self.shared_drive_id else ""
        return f"DriveAssetStore(root={self.root!r}{where})"

    # --- stages -----------------------------------------------------------------------------------

    def ensure_stages(self, stages: list[str]) -> None:
        """The engine calls this at the start of every cycle: what the last cycle looked up is forgotten."""
        self._listed.clear()
        self._searched.clear()
        self._wanted_folders.clear()
        self._wanted_items.clear()
        self._new.clear()
        self._ensure_stages(stages)

    def _ensure_stages(self, stages: list[str]) -> None:
        for stage in stages:
            if stage not in self._order:
                self._order.append(stage)
        if all(stage in self._stages for stage in stages):
            return
        if not self._stages:
            self._stages.update(self._saved_stages())
        if all(stage in self._stages for stage in stages):
            return
        self._list_root()
        for stage in stages:
            if stage not in self._stages:
                self._stages[stage] = self._create_folder(stage, self.root, about=self.root)
                self._save_stages()
        self._save_stages()
        log.info(log_text.DRIVE_STAGES_READY, self.root, len(self._stages))

    def _list_root(self) -> None:
        """All folders directly in the root (the stages, and any a person added): name -> id, oldest first."""
        found: dict[str, str] = {}
        query = f"{_q(self.root)} in parents and mimeType = {_q(FOLDER_MIME)} and trashed = false"
        for folder in self._list(query, "nextPageToken, files(id, name, createdTime)", about=self.root,
                                 order_by="createdTime"):
            found.setdefault(folder["name"], folder["id"])  # a duplicate name: the oldest folder
        self._stages = found

    def check_access(self) -> str:
        """One request proving the account may add folders in the root (for `sop-konten check`, since
        `ensure_stages` answers from the journal once the stage folders are known). Returns the root's name."""
        if self.root == self.shared_drive_id:  # the shared drive's own top level
            drive = self._run(self.service.drives().get(driveId=self.root, fields="id, name"), about=self.root)
            return drive.get("name", "")
        fields = "id, name, mimeType, driveId, capabilities(canAddChildren)"
        folder = self._run(self.service.files().get(fileId=self.root, fields=fields, supportsAllDrives=True),
                           about=self.root)
        if folder.get("mimeType") != FOLDER_MIME:
            raise GoogleAccessError(google_text.not_a_folder(self.root))
        if not (folder.get("capabilities") or {}).get("canAddChildren"):
            raise GoogleAccessError(
                google_text.folder_read_only(self.account or 'sop-konten', self.root))
        drive = folder.get("driveId", "")
        if drive != self.shared_drive_id:
            raise GoogleAccessError(google_text.shared_drive_required(self.root, drive))
        return folder.get("name", "")

    def _saved_stages(self) -> dict[str, str]:
        raw = self.state.get_meta(self._stages_key)
        try:
            saved = json.loads(raw) if raw else {}
        except ValueError:
            return {}
        return saved if isinstance(saved, dict) else {}

    def _save_stages(self) -> None:
        self.state.set_meta(self._stages_key, json.dumps(self._stages, sort_keys=True))

    def _forget_stages(self) -> None:
        """A stage folder vanished (deleted by a person): list the root again next time."""
        self._stages.clear()
        self.state.set_meta(self._stages_key, "{}")

    @property
    def _stages_key(self) -> str:
        return f"drive.stages.{self.root}"

    def _stage_id(self, stage: str) -> str:
        if stage not in self._stages:
            self._ensure_stages([stage])
        return self._stages[stage]

    def _item_stages(self) -> dict[str, str]:
        """Folder id -> name of the root's folders that may hold items: the stages, and any other folder a
        person made there (like the local store); not the intake, which holds unclaimed uploads."""
        if not self._stages:
            self._stages.update(self._saved_stages())
        if not self._stages:
            self._list_root()
            self._save_stages()
        order = {name: index for index, name in enumerate(self._order)}
        names = sorted(self._stages, key=lambda name: (order.get(name, len(order)), name))
        return {self._stages[name]: name for name in names if name != self.intake_stage}

    # --- items ------------------------------------------------------------------------------------

    def place_item(self, item_id: str, title: str, stage: str) -> str:
        outcome = self.place_many([(item_id, title, stage)])[item_id]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def place_many(self, items: list[tuple[str, str, str]]) -> dict[str, str | Exception]:
        """Create or move the folders of many items, in as few Drive requests as possible: items without a
        known folder are searched for first (with the cycle's other lookups), then the creates, the moves
        and the listings the cycle wants go out together in batch requests of up to 100 calls.

        Returns item id -> folder link, or the exception for that item (the others still happen).
        """
        results: dict[str, str | Exception] = {}
        todo: list[tuple[str, str, str]] = []
        for item_id, title, stage in items:
            try:
                self._check_target(item_id, title, stage)
                todo.append((item_id, title, stage))
            except ValueError as exc:
                results[item_id] = exc
        try:
            self._ensure_stages(list(dict.fromkeys(stage for _, _, stage in todo)))
        except Exception as exc:
            return {**results, **{item_id: exc for item_id, _, _ in todo}}
        unknown = [item_id for item_id, _, _ in todo if self._record(item_id) is None]
        # A folder made by hand or by an older install is adopted, never left beside a new one. An item whose
        # create was never tried is searched for in the same batch as its create (then reconciled, below);
        # one whose create was tried (its answer may have been lost) is searched for first, never made again
        # blindly.
        together = [item_id for item_id in unknown if item_id not in self._searched and not self._creating(item_id)]
        try:
            self._search_once([item_id for item_id in unknown if item_id not in together])
        except Exception as exc:
            for item_id in unknown:
                if item_id not in self._searched and item_id not in together:
                    results[item_id] = exc
            todo = [entry for entry in todo if entry[0] not in results]
        self._wanted_items.update(together)

        moves: list[tuple[str, str, str, str, str]] = []  # item, folder, from parent, to parent, stage
        creates: list[tuple[str, str, str, str]] = []  # item, folder name, parent, stage
        for item_id, title, stage in todo:
            target = self._stages[stage]
            try:
                where = self._record(item_id)
                if where is None and self._searched.get(item_id):
                    where = self._adopt(item_id, self._searched[item_id], target)
                if where is None:
                    creates.append((item_id, safe_folder_name(item_id, title), target, stage))
                elif where[1] == stage:
                    results[item_id] = FOLDER_LINK.format(where[0])  # already there: no request
                else:
                    moves.append((item_id, where[0], self._stages.get(where[1], ""), target, stage))
            except Exception as exc:
                results[item_id] = exc

        lookups, absorb = self._lookup_calls()
        outcomes: dict[str, Any] = {}
        if len(creates) == 1 and not moves and not lookups:
            results.update(self._create_alone(creates[0]))
        elif creates or moves or lookups:
            calls = [(f"create {item_id}", _bind(self._create_request, name, parent, item_id))
                     for item_id, name, parent, _ in creates]
            calls += [(f"move {item_id}", _bind(self._move_request, folder, old, new))
                      for item_id, folder, old, new, _ in moves]
            for item_id, _, _, _ in creates:
                self.state.set_meta(_creating_key(item_id), "1")  # before it is sent: a lost answer is looked for
            # a create is not safe to repeat: only the ones Google refused (rate limit) go out again
            outcomes = self._execute_many(calls + lookups, unsafe={key for key, _ in calls[:len(creates)]})
            absorb(outcomes)
            results.update(self._created(creates, outcomes))
            results.update(self._reconciled([c for c in creates if c[0] in together], results))

        titles = {item_id: title for item_id, title, _ in todo}
        for item_id, folder, _old, _new, stage in moves:
            outcome = outcomes[f"move {item_id}"]
            if not isinstance(outcome, Exception):
                self._remember(item_id, folder, stage)
                results[item_id] = FOLDER_LINK.format(folder)
                log.info(log_text.DRIVE_ITEM_MOVED, item_id, stage)
            elif isinstance(outcome, HttpError) and status_of(outcome) in (400, 403, 404) and (
                    status_of(outcome) != 403 or reason_of(outcome) in ("cannotAddParent", "")):
                # our record is stale (a person moved or deleted the folder): look again and repair
                try:
                    results[item_id] = self._place_after_search(item_id, titles[item_id], stage)
                except Exception as exc:
                    results[item_id] = exc
            else:
                results[item_id] = self._error(outcome, folder) if isinstance(outcome, HttpError) else outcome
        return results

    def _create_alone(self, create: tuple[str, str, str, str]) -> dict[str, str | Exception]:
        """One new item folder, alone: after a 5xx or a network error it looks before creating again."""
        item_id, name, parent, stage = create
        try:
            folder = self._create_folder(name, parent, about=parent, item_id=item_id)
        except Exception as exc:
            self._searched.pop(item_id, None)  # it may have been made after all: looked for again first
            return {item_id: exc}
        self._remember(item_id, folder, stage)
        return {item_id: FOLDER_LINK.format(folder)}

    def _creating(self, item_id: str) -> bool:
        """Whether a create of the item's folder was sent and its answer never taken in."""
        return bool(self.state.get_meta(_creating_key(item_id)))

    def _reconciled(self, creates: list[tuple[str, str, str, str]],
                    results: dict[str, str | Exception]) -> dict[str, str | Exception]:
        """Items whose first folder was made in the batch that also searched for them: where the search found
        another folder carrying the ID (made by hand or by an older install), that one is kept (moved to
        the stage) and the new one, still empty, goes to the trash. Rare: costs its own requests."""
        outcome: dict[str, str | Exception] = {}
        for item_id, _name, target, stage in creates:
            made = self._record(item_id)
            if isinstance(results.get(item_id), Exception) or made is None:
                continue
            try:
                if item_id not in self._searched:  # the batched search failed or has more pages
                    self._searched[item_id] = self._search_items([item_id]).get(item_id, [])
                others = [f for f in self._searched[item_id] if f["id"] != made[0]]
                if not others:
                    continue
                chosen = _choose(others, target, self._item_stages())
                log.warning(log_text.DRIVE_EXISTING_FOLDER_KEPT, item_id, chosen["id"], made[0])
                self._bring_into(chosen, target)
                self._run(self.service.files().update(fileId=made[0], body={"trashed": True}, fields="id",
                                                      supportsAllDrives=True), about=made[0])
                self._remember(item_id, chosen["id"], stage)
                self._listed.pop(made[0], None)
                outcome[item_id] = FOLDER_LINK.format(chosen["id"])
            except Exception as exc:
                outcome[item_id] = exc
        return outcome

    def _created(self, creates: list[tuple[str, str, str, str]], outcomes: dict[str, Any]) -> dict[str, str | Exception]:
        """The answers to creates sent in a batch. A failed one is that item's error; its retry (later in
        the cycle, or a later cycle) searches for the folder before creating it, so a create that happened
        although its answer was lost is found."""
        results: dict[str, str | Exception] = {}
        for item_id, name, parent, stage in creates:
            outcome = outcomes[f"create {item_id}"]
            if isinstance(outcome, Exception):  # it may have been made after all: looked for again first
                self._searched.pop(item_id, None)
            if isinstance(outcome, HttpError):
                results[item_id] = self._error(outcome, parent)
            elif isinstance(outcome, Exception):
                results[item_id] = outcome
            else:
                self._remember(item_id, outcome["id"], stage)
                self._listed[outcome["id"]] = []  # just made: nothing in it yet
                results[item_id] = FOLDER_LINK.format(outcome["id"])
                log.info(log_text.DRIVE_FOLDER_CREATED, name, parent)
        return results

    def _create_request(self, name: str, parent: str, item_id: str = "") -> Any:
        body: dict[str, Any] = {"name": name, "mimeType": FOLDER_MIME, "parents": [parent]}
        if item_id:
            body["appProperties"] = {ITEM_PROPERTY: item_id}
        return self.service.files().create(body=body, fields="id", supportsAllDrives=True)

    def link(self, item_id: str) -> str:
        try:
            where = self._locate(item_id)
        except (GoogleAccessError, DriveError) as exc:
            log.warning(log_text.DRIVE_NO_LINK, item_id, exc)
            return ""
        return FOLDER_LINK.format(where[0]) if where else ""

    def _check_target(self, item_id: str, title: str, stage: str) -> None:
        if stage == self.intake_stage:  # it would be listed again as a new upload
            raise ValueError(f"items are not kept in the intake stage {stage!r}")
        safe_folder_name(item_id, title)  # refuses an unusable item id

    def _place_after_search(self, item_id: str, title: str, stage: str) -> str:
        self._forget(item_id)
        target = self._stage_id(stage)
        candidates = self._search_items([item_id]).get(item_id, [])
        if not candidates:
            folder = self._create_folder(safe_folder_name(item_id, title), target, about=target, item_id=item_id)
            self._remember(item_id, folder, stage)
            return FOLDER_LINK.format(folder)
        chosen = _choose(candidates, target, self._item_stages())
        self._bring_into(chosen, target)
        self._remember(item_id, chosen["id"], stage)
        return FOLDER_LINK.format(chosen["id"])

    def _bring_into(self, folder: dict[str, Any], target: str) -> None:
        """An item folder found by search, moved into the target stage folder unless it is there alone."""
        parents = folder.get("parents") or []
        if parents != [target]:
            self._run(self._move_request(folder["id"], ",".join(p for p in parents if p != target), target),
                      about=folder["id"])

    def _move_request(self, file_id: str, old_parents: str, new_parent: str, body: dict | None = None) -> Any:
        kwargs: dict[str, Any] = {"fileId": file_id, "addParents": new_parent, "fields": "id, parents",
                                  "supportsAllDrives": True}
        if old_parents:
            kwargs["removeParents"] = old_parents
        if body:
            kwargs["body"] = body
        return self.service.files().update(**kwargs)

    def _locate(self, item_id: str) -> tuple[str, str] | None:
        """(folder id, stage) of the item's folder: from our record, else by a search."""
        where = self._record(item_id)
        if where is not None:
            return where
        self._search_once([item_id])
        candidates = self._searched[item_id]
        return self._adopt(item_id, candidates, "") if candidates else None

    def _adopt(self, item_id: str, candidates: list[dict[str, Any]], target: str) -> tuple[str, str] | None:
        stages = self._item_stages()
        if len(candidates) > 1:
            log.warning(log_text.DRIVE_SEVERAL_FOLDERS, item_id, len(candidates))
        chosen = _choose(candidates, target, stages)
        stage = next((stages[p] for p in chosen.get("parents") or [] if p in stages), None)
        if stage is None:
            return None
        self._remember(item_id, chosen["id"], stage)
        return chosen["id"], stage

    def _search_items(self, item_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """Item folders in the stage folders, each query listed in full (see `_search_queries`)."""
        found: dict[str, list[dict[str, Any]]] = {}
        for query, ids in self._search_queries(item_ids):
            for item_id, folders in _owned(self._list(query, FOLDER_FIELDS, about=self.root), ids).items():
                found.setdefault(item_id, []).extend(folders)
        return found

    def _search_queries(self, item_ids: list[str]) -> list[tuple[str, list[str]]]:
        """(query, the items it answers for): by name or app property for a few items (a query per
        IDS_PER_QUERY), one full listing of the stages for many (which costs a page per 1,000 folders)."""
        stages = self._item_stages()
        if not stages or not item_ids:
            return []
        parents = " or ".join(f"{_q(folder)} in parents" for folder in stages)
        query = f"({parents}) and mimeType = {_q(FOLDER_MIME)} and trashed = false"
        if len(item_ids) > IDS_PER_QUERY * NAME_QUERIES:
            return [(query, list(item_ids))]
        queries = []
        for start in range(0, len(item_ids), IDS_PER_QUERY):
            ids = item_ids[start:start + IDS_PER_QUERY]
            names = " or ".join(f"name contains {_q(item_id)} or appProperties has "
                                f"{{ key={_q(ITEM_PROPERTY)} and value={_q(item_id)} }}" for item_id in ids)
            queries.append((f"{query} and ({names})", ids))
        return queries

    def _search_once(self, item_ids: list[str]) -> None:
        """Each item's folders searched for at most once a cycle, with whatever else the cycle wants looked up."""
        need = [item_id for item_id in dict.fromkeys(item_ids) if item_id not in self._searched]
        if not need:
            return
        self._wanted_items.update(need)
        self._look_up_wanted()
        missing = [item_id for item_id in need if item_id not in self._searched]
        if missing:  # the batched search failed or has more pages: searched alone (raises if Drive fails)
            found = self._search_items(missing)
            for item_id in missing:
                self._searched[item_id] = found.get(item_id, [])

    # --- the cycle's lookups ----------------------------------------------------------------------

    def prefetch(self, item_ids: list[str], located: Sequence[str] = (), new: Collection[str] = ()) -> None:
        """What the cycle will look at next: the folders of `item_ids` (their files) and, for these and the
        `located` items without a known folder, a search by name. Nothing is sent now: the lookups ride
        along with the cycle's next Drive request (the batch of creates and moves), or go out together
        when the first of them is needed. Each call replaces the last one's wishes.

        `new` items got their IDs in this cycle (the engine journals an ID before any effect, and gives a
        new one only above every ID it or the register knows): no folder, by hand or by this store, can
        carry them yet, so none is searched for. A create of theirs that fails is searched for before
        any retry, like every other."""
        self._wanted_folders, self._wanted_items = set(), set()
        read = set(item_ids)
        for item_id in set(new) - self._new:  # once: a failed create is not forgotten by a second call
            self._new.add(item_id)
            if self._record(item_id) is None:
                self._searched.setdefault(item_id, [])
        for item_id in [*item_ids, *located]:
            where = self._record(item_id)
            if where is None:
                if item_id not in self._searched:
                    self._wanted_items.add(item_id)
            elif where[0] not in self._listed and item_id in read:
                self._wanted_folders.add(where[0])

    def _look_up_wanted(self) -> None:
        calls, absorb = self._lookup_calls()
        if calls:
            absorb(self._execute_many(calls))

    def _lookup_calls(self) -> tuple[list[tuple[str, Callable[[], Any]]], Callable[[dict[str, Any]], None]]:
        """The wanted listings and searches as calls (several folders per listing), and what takes in their
        answers. A call that fails or has more pages is simply not taken in: it is done alone when needed."""
        folders = sorted(self._wanted_folders - set(self._listed))
        items = sorted(item_id for item_id in self._wanted_items
                       if item_id not in self._searched and self._record(item_id) is None)
        self._wanted_folders, self._wanted_items = set(), set()
        listings = {f"list {start}": folders[start:start + PARENTS_PER_QUERY]
                    for start in range(0, len(folders), PARENTS_PER_QUERY)}
        searches = {f"search {n}": (query, ids) for n, (query, ids) in enumerate(self._search_queries(items))}
        calls = [(key, _bind(self._children_request, chunk)) for key, chunk in listings.items()]
        calls += [(key, _bind(self._list_request, query, FOLDER_FIELDS)) for key, (query, _) in searches.items()]

        def absorb(answers: dict[str, Any]) -> None:
            for key, chunk in listings.items():
                answer = answers.get(key)
                if isinstance(answer, dict) and not answer.get("nextPageToken"):
                    for folder in chunk:
                        self._listed[folder] = []
                    for child in answer.get("files", []):
                        for parent in set(child.get("parents") or []) & set(chunk):
                            self._listed[parent].append(child)
            for key, (_, ids) in searches.items():
                answer = answers.get(key)
                if isinstance(answer, dict) and not answer.get("nextPageToken"):
                    found = _owned(answer.get("files", []), ids)
                    for item_id in ids:
                        self._searched[item_id] = found.get(item_id, [])

        return calls, absorb

    def _record(self, item_id: str) -> tuple[str, str] | None:
        raw = self.state.get_meta(_item_key(item_id))
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("root") != self.root or not data.get("id"):
            return None
        return data["id"], data.get("stage", "")

    def _remember(self, item_id: str, folder_id: str, stage: str) -> None:
        self.state.set_meta(_item_key(item_id), json.dumps({"id": folder_id, "stage": stage, "root": self.root}))
        if self.state.get_meta(_creating_key(item_id)):
            self.state.set_meta(_creating_key(item_id), "")  # its folder is known: no create left unanswered

    def _forget(self, item_id: str) -> None:
        self.state.set_meta(_item_key(item_id), "")
        self._searched.pop(item_id, None)

    # --- intake -----------------------------------------------------------------------------------

    def list_intake(self) -> list[IntakeEntry]:
        """The settled uploads. One `files.list` covers the intake and the upload folders seen at the last
        listing (one query over several parents); only folders new since then cost one more listing."""
        now = self.clock()
        if now < self._next_intake:
            return []  # listed recently: an idle poll costs no request
        intake = self._stage_id(self.intake_stage)
        settled_before = now - self.settle_seconds
        wake = now + self.intake_seconds
        children = self._list_in([intake, *self._upload_folders], ENTRY_FIELDS, about=intake)
        uploads = children.pop(intake, [])
        folders = [u["id"] for u in uploads if u.get("mimeType") == FOLDER_MIME and not is_ignored(u["name"])]
        new = [folder for folder in folders if folder not in children]
        if new:
            children.update(self._list_in(new, ENTRY_FIELDS, about=intake))
        self._upload_folders = folders
        found = []
        for upload in uploads:
            if is_ignored(upload["name"]):
                continue
            listed = self._intake_entry(upload, children.get(upload["id"], []))
            if listed is None:
                continue  # an empty folder: probably still being filled; looked at again next time
            newest, entry = listed
            if self.settle_seconds > 0 and newest > settled_before:
                wake = min(wake, newest + self.settle_seconds)  # still arriving: look again once settled
                continue
            found.append((newest, upload["name"], entry))
        self._next_intake = wake
        found.sort(key=lambda item: (item[0], item[1]))
        return [entry for _, _, entry in found]

    def _list_in(self, parents: list[str], fields: str, *, about: str) -> dict[str, list[dict[str, Any]]]:
        """Parent ID -> what is in it (not trashed), for several folders at once (a few queries at most)."""
        found: dict[str, list[dict[str, Any]]] = {parent: [] for parent in parents}
        for start in range(0, len(parents), PARENTS_PER_QUERY):
            chunk = parents[start:start + PARENTS_PER_QUERY]
            query = "(" + " or ".join(f"{_q(parent)} in parents" for parent in chunk) + ") and trashed = false"
            for item in self._list(query, fields, about=about):
                for parent in item.get("parents") or []:
                    if parent in found:
                        found[parent].append(item)
        return found

    def _intake_entry(self, upload: dict[str, Any],
                      children: list[dict[str, Any]]) -> tuple[float, IntakeEntry] | None:
        if upload.get("mimeType") != FOLDER_MIME:
            name = upload["name"]
            stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
            return _changed_at(upload), IntakeEntry(key=upload["id"], name=stem or name,
                                                    uploader=self._uploader(upload), files=(name,))
        material = [c for c in children
                    if not is_ignored(c["name"]) and c["name"].strip().lower() != CONTRIBUTOR_FILE]
        if not material:
            return None
        newest = max(_changed_at(item) for item in [upload, *children])
        note = self._contributor_file(children)
        lines = note.splitlines()
        uploader = (lines[0].strip() if lines else "") or self._uploader(upload)
        return newest, IntakeEntry(key=upload["id"], name=upload["name"], uploader=uploader, contributor_file=note,
                                   files=tuple(str(c["name"]) for c in material))

    def _uploader(self, upload: dict[str, Any]) -> str:
        """Who uploaded: the owner (My Drive), else the last modifying user (shared drives have no owners)."""
        people = [*(upload.get("owners") or []), upload.get("lastModifyingUser") or {}]
        for person in people:
            email = person.get("emailAddress", "")
            if email and not person.get("me") and email.lower() != self.account.lower():
                return email
        return ""

    def _contributor_file(self, children: list[dict[str, Any]]) -> str:
        """The text of kontributor.txt (any capitalisation of the name), or ""."""
        for child in children:
            if child["name"].strip().lower() == CONTRIBUTOR_FILE and child.get("md5Checksum"):
                data = self._run(self.service.files().get_media(fileId=child["id"], supportsAllDrives=True),
                                 about=child["id"])
                if isinstance(data, str):
                    data = data.encode("utf-8")
                return data[: 64 * 1024].decode("utf-8-sig", errors="replace")
        return ""

    def claim_intake(self, entry: IntakeEntry, item_id: str, title: str, stage: str) -> str:
        self._check_target(item_id, title, stage)
        target = self._stage_id(stage)
        try:
            upload = self._execute(self.service.files().get(
                fileId=entry.key, fields="id, name, mimeType, parents, trashed", supportsAllDrives=True))
        except HttpError as exc:
            if status_of(exc) != 404:
                raise self._error(exc, entry.key) from None
            upload = None
        if upload is None or upload.get("trashed"):
            if self._record(item_id) is None:
                log.info(log_text.DRIVE_INTAKE_GONE, entry.key, item_id)
            return self.place_item(item_id, title, stage)

        parents = upload.get("parents") or []
        if upload.get("mimeType") != FOLDER_MIME:  # a file: into the item's folder
            link = self.place_item(item_id, title, stage)
            folder = self._recorded_folder(item_id)
            self._listed.pop(folder, None)
            if parents != [folder]:
                self._run(self._move_request(upload["id"], ",".join(p for p in parents if p != folder), folder),
                          about=upload["id"])
                log.info(log_text.DRIVE_INTAKE_FILE_CLAIMED, upload["name"], item_id)
            return link

        where = self._locate(item_id)
        if where is None:  # the upload becomes the item's folder: renamed and moved in one request
            body = {"name": safe_folder_name(item_id, title), "appProperties": {ITEM_PROPERTY: item_id}}
            self._run(self._move_request(upload["id"], ",".join(p for p in parents if p != target), target, body),
                      about=upload["id"])
            self._remember(item_id, upload["id"], stage)
            log.info(log_text.DRIVE_INTAKE_FOLDER_CLAIMED, upload["name"], item_id)
            return FOLDER_LINK.format(upload["id"])
        link = self.place_item(item_id, title, stage)
        if where[0] != upload["id"]:  # the item already had another folder: merge the upload into it
            self._merge(upload, self._recorded_folder(item_id))
        return link

    def _recorded_folder(self, item_id: str) -> str:
        where = self._record(item_id)
        if where is None:  # place_item has just recorded it
            raise DriveError(google_text.item_without_folder(item_id))
        return where[0]

    def _merge(self, upload: dict[str, Any], folder: str) -> None:
        """The item already had a folder: move the upload's contents into it and trash the empty upload."""
        self._listed.pop(folder, None)
        children = self._list(f"{_q(upload['id'])} in parents and trashed = false", "nextPageToken, files(id)",
                              about=upload["id"])
        calls = [(child["id"], _bind(self._move_request, child["id"], upload["id"], folder)) for child in children]
        for child_id, outcome in self._execute_many(calls).items():
            if isinstance(outcome, HttpError):
                raise self._error(outcome, child_id)
            if isinstance(outcome, Exception):
                raise outcome
        try:
            self._execute(self.service.files().update(fileId=upload["id"], body={"trashed": True},
                                                      fields="id", supportsAllDrives=True))
        except HttpError as exc:  # e.g. no right to trash in a shared drive: an empty folder is harmless
            log.warning(log_text.DRIVE_TRASH_FAILED, upload["id"], exc)

    # --- media ------------------------------------------------------------------------------------

    def media(self, item_id: str) -> list[MediaFile]:
        listed = self._media_files(item_id)
        if listed is None:
            return []
        folder, base, files = listed
        self._saw(item_id, files)
        result = []
        for name, path, child in files:
            self._fetch(child, path, about=folder)
            result.append(MediaFile(name=name, path=path, md5=child["md5Checksum"]))
        _remove_stale(base, {path for _, path, _ in files})
        return result

    def digest(self, item_id: str) -> dict[str, str]:
        """Drive's own MD5 of each file media() would fetch: nothing is downloaded."""
        listed = self._media_files(item_id)
        return self._saw(item_id, listed[2] if listed else [])

    def last_seen_digest(self, item_id: str) -> dict[str, str] | None:
        """`digest` as of the last listing of the item's folder, in this cycle or an earlier one (None: never
        listed). Costs no request: deciding an approval binds the files as its request mail showed them,
        and every post is checked against the files as they are before it goes out (the engine)."""
        where = self._record(item_id)
        if where is not None and where[0] in self._listed:
            return self.digest(item_id)  # listed in this cycle: as they are
        raw = self.state.get_meta(_seen_key(item_id))
        if where is None and not raw:
            return {}  # no folder known, none ever seen: nothing (a folder found later differs, and is asked about)
        try:
            seen = json.loads(raw) if raw else None
        except ValueError:
            return None
        if not isinstance(seen, dict) or seen.get("root") != self.root or not isinstance(seen.get("files"), dict):
            return None
        return {str(name): str(md5) for name, md5 in seen["files"].items()}

    def _saw(self, item_id: str, files: list[tuple[str, Path, dict[str, Any]]]) -> dict[str, str]:
        """The digest of the files just listed, kept (in the journal's meta) for `last_seen_digest`."""
        found = {name: f"md5:{child['md5Checksum']}" for name, _, child in files}
        text = json.dumps({"root": self.root, "files": found}, ensure_ascii=False, sort_keys=True)
        if self.state.get_meta(_seen_key(item_id)) != text:
            self.state.set_meta(_seen_key(item_id), text)
        return found

    def _media_files(self, item_id: str) -> tuple[str, Path, list[tuple[str, Path, dict[str, Any]]]] | None:
        """(folder id, local cache folder, [(name, cache path, Drive file)]) of the item's files; None: no folder."""
        where = self._locate(item_id)
        if where is None:
            return None
        folder = where[0]
        if folder not in self._listed:  # with whatever else the cycle wants looked up
            self._wanted_folders.add(folder)
            self._look_up_wanted()
        children = self._listed.get(folder)
        if children is None:  # that listing failed or has more pages: listed alone
            children = self._list(f"{_q(folder)} in parents and trashed = false", MEDIA_FIELDS, about=folder)
        subfolders = {c["id"]: c["name"] for c in children if c.get("mimeType") == FOLDER_MIME
                      and not is_ignored(c["name"])}
        nested: list[dict[str, Any]] = []
        if subfolders:
            parents = " or ".join(f"{_q(sub)} in parents" for sub in subfolders)
            nested = self._list(f"({parents}) and trashed = false", MEDIA_FIELDS, about=folder)
        entries: list[tuple[list[str], dict[str, Any]]] = []
        for child in children:
            if child.get("mimeType") != FOLDER_MIME:
                entries.append(([child["name"]], child))
        for child in nested:
            parent = next((p for p in child.get("parents") or [] if p in subfolders), None)
            if parent is not None and child.get("mimeType") != FOLDER_MIME:
                entries.append(([subfolders[parent], child["name"]], child))

        base = self.cache_dir / safe_folder_name(item_id, "")  # the bare ID, checked to be a safe folder name
        files: list[tuple[str, Path, dict[str, Any]]] = []
        taken: set[str] = set()
        for parts, child in sorted(entries, key=lambda e: ("/".join(e[0]).casefold(), e[1]["id"])):
            if any(is_ignored(part) for part in parts) or parts[-1].strip().lower() == CONTRIBUTOR_FILE:
                continue
            if not child.get("md5Checksum"):
                log.info(log_text.DRIVE_GOOGLE_DOCS_SKIPPED,
                         item_id, "/".join(parts))
                continue
            relative = _free_name([_local_part(part) for part in parts], taken)
            files.append(("/".join(parts), base / relative, child))
        return folder, base, files

    def _children_request(self, folders: list[str]) -> Any:
        parents = " or ".join(f"{_q(folder)} in parents" for folder in folders)
        return self._list_request(f"({parents}) and trashed = false", MEDIA_FIELDS)

    def _fetch(self, child: dict[str, Any], path: Path, about: str) -> None:
        md5 = child["md5Checksum"]
        key = f"drive.md5.{child['id']}"
        size = child.get("size")
        if path.is_file() and self.state.get_meta(key) == md5 and (size is None or path.stat().st_size == int(size)):
            return  # the cached copy is that content
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        try:
            with open(tmp, "wb") as handle:
                request = self.service.files().get_media(fileId=child["id"], supportsAllDrives=True)
                downloader = MediaIoBaseDownload(handle, request, chunksize=DOWNLOAD_CHUNK)
                downloader._sleep = self.policy.sleep  # googleapiclient's own backoff, through our policy
                done = False
                while not done:
                    _, done = downloader.next_chunk(num_retries=self.policy.attempts - 1)
                handle.flush()
                os.fsync(handle.fileno())
            got = file_md5(tmp)
            if got != md5:
                raise DriveError(google_text.download_corrupt(child['id'], got, md5))
            os.replace(tmp, path)
        except HttpError as exc:
            raise self._error(exc, about) from None
        except (httplib2.HttpLib2Error, TransportError, TimeoutError, ConnectionError) as exc:
            raise DriveError(google_text.download_failed(child['id'], type(exc).__name__, exc)) from None
        finally:
            tmp.unlink(missing_ok=True)
        self.state.set_meta(key, md5)
        log.info(log_text.DRIVE_DOWNLOADED, child["name"], size or "?", path)

    # --- requests ---------------------------------------------------------------------------------

    def _list_params(self, query: str, fields: str) -> dict[str, Any]:
        params: dict[str, Any] = {"q": query, "fields": fields, "pageSize": PAGE_SIZE, "supportsAllDrives": True,
                                  "includeItemsFromAllDrives": True}
        if self.shared_drive_id:
            params.update(corpora="drive", driveId=self.shared_drive_id)
        return params

    def _list_request(self, query: str, fields: str) -> Any:
        """The first page of a listing, as one call (for a batch)."""
        return self.service.files().list(**self._list_params(query, fields))

    def _list(self, query: str, fields: str, *, about: str, order_by: str = "") -> list[dict[str, Any]]:
        params = self._list_params(query, fields)
        if order_by:
            params["orderBy"] = order_by
        files: list[dict[str, Any]] = []
        while True:
            page = self._run(self.service.files().list(**params), about=about)
            files.extend(page.get("files", []))
            token = page.get("nextPageToken")
            if not token:
                return files
            params["pageToken"] = token

    def _create_folder(self, name: str, parent: str, *, about: str, item_id: str = "") -> str:
        """files.create is not safe to repeat: after a 5xx or a network error, look before creating again."""
        attempts = self.policy.attempts
        if item_id:
            self.state.set_meta(_creating_key(item_id), "1")  # cleared once its folder is remembered
        for attempt in range(attempts):
            try:
                created = self._execute(self._create_request(name, parent, item_id), retries=0)
                log.info(log_text.DRIVE_FOLDER_CREATED, name, parent)
                self._listed[created["id"]] = []  # just made: nothing in it yet
                return created["id"]
            except (HttpError, DriveError) as exc:
                if not _retryable(exc) or attempt == attempts - 1:
                    raise self._error(exc, about) if isinstance(exc, HttpError) else exc from None
                retry_after = retry_after_of(exc) if isinstance(exc, HttpError) else None
                self.policy.sleep(self.policy.delay(attempt, retry_after))
                if not (isinstance(exc, HttpError) and status_of(exc) == 429):  # it may have been made after all
                    existing = self._child_folder(parent, name, about=about)
                    if existing:
                        log.info(log_text.DRIVE_FOLDER_CREATED_AFTER_ALL, name)
                        return existing
        raise AssertionError("unreachable")

    def _child_folder(self, parent: str, name: str, *, about: str) -> str:
        query = (f"{_q(parent)} in parents and name = {_q(name)} and mimeType = {_q(FOLDER_MIME)} "
                 "and trashed = false")
        found = self._list(query, "nextPageToken, files(id)", about=about)
        return found[0]["id"] if found else ""

    def _execute(self, request: Any, retries: int | None = None) -> Any:
        """Run one request with googleapiclient's retries (5xx, 429, rate-limit 403); HttpError stays raw."""
        request._sleep = self.policy.sleep  # googleapiclient's backoff sleeps through our policy (tests: no wait)
        try:
            return request.execute(num_retries=self.policy.attempts - 1 if retries is None else retries)
        except RefreshError as exc:
            if getattr(exc, "retryable", False):
                raise DriveError(google_text.token_refresh_failed(exc)) from None
            raise GoogleAccessError(google_text.key_rejected(self.account or google_text.UNNAMED_ACCOUNT, _first_line(exc))) from None
        except TRANSPORT_ERRORS as exc:
            raise DriveError(google_text.drive_request_failed(type(exc).__name__, exc)) from None

    def _run(self, request: Any, *, about: str) -> Any:
        try:
            return self._execute(request)
        except HttpError as exc:
            raise self._error(exc, about) from None

    def _execute_many(self, calls: list[tuple[str, Callable[[], Any]]],
                      unsafe: Collection[str] = ()) -> dict[str, Any]:
        """Run calls (key, request factory): one alone, several in batches of up to 100.

        Returns key -> response, or the exception that call ended with (an HttpError stays raw). Calls
        answered 429/5xx, alone or as the whole batch, are sent again with backoff, a bounded number of
        times; the calls keyed in `unsafe` (creates, not safe to repeat) only when Google refused them
        (a rate limit). One call alone must be safe to repeat.
        """
        if len(calls) == 1:
            key, factory = calls[0]
            try:
                return {key: self._execute(factory())}
            except Exception as exc:
                return {key: exc}
        results: dict[str, Any] = {}
        pending = dict(calls)
        for attempt in range(self.policy.attempts):
            if not pending:
                break
            if attempt:
                self.policy.sleep(self.policy.delay(attempt - 1))
            retry: dict[str, Callable[[], Any]] = {}
            keys = list(pending)
            for start in range(0, len(keys), BATCH_LIMIT):
                chunk = keys[start:start + BATCH_LIMIT]
                answers: dict[str, tuple[Any, Exception | None]] = {}
                batch = BatchHttpRequest(callback=_collect(answers), batch_uri=self.batch_uri)
                for index, key in enumerate(chunk):
                    batch.add(pending[key](), request_id=str(index))
                try:
                    self._send_batch(batch)
                except Exception as exc:
                    answers = {str(index): (None, exc) for index in range(len(chunk))}
                for index, key in enumerate(chunk):
                    response, error = answers.get(str(index), (None, DriveError(google_text.NO_BATCH_ANSWER)))
                    results[key] = response if error is None else error
                    if error is not None and (_refused if key in unsafe else _retryable)(error):
                        retry[key] = pending[key]
            pending = retry
        return results

    def _send_batch(self, batch: BatchHttpRequest) -> None:
        try:
            batch.execute()
        except RefreshError as exc:
            raise GoogleAccessError(google_text.key_rejected(self.account or google_text.UNNAMED_ACCOUNT, _first_line(exc))) from None
        except TRANSPORT_ERRORS as exc:
            raise DriveError(google_text.drive_batch_failed(type(exc).__name__, exc)) from None

    def _error(self, exc: HttpError, about: str) -> Exception:
        """A person-fixable access problem as one Indonesian sentence; anything else as a DriveError."""
        status, reason = status_of(exc), reason_of(exc)
        if status == 404 and about in self._stages.values():
            self._forget_stages()
            return DriveError(google_text.stage_folder_gone(about))
        problem = drive_folder_problem(status, reason, about, self.account, self.shared_drive_id)
        if problem:
            return GoogleAccessError(problem)
        return DriveError(google_text.drive_answered(status, reason, about, exc.reason))


# --- helpers -----------------------------------------------------------------------------------------

def _base(api_base: str) -> str:
    return api_base.rstrip("/") + "/"


def _q(text: str) -> str:
    """A string literal for a Drive query."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _item_key(item_id: str) -> str:
    return f"drive.item.{item_id}"


def _creating_key(item_id: str) -> str:
    return f"drive.creating.{item_id}"


def _seen_key(item_id: str) -> str:
    return f"drive.seen.{item_id}"


def _bind(function: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    return lambda: function(*args)


def _owned(folders: list[dict[str, Any]], item_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Item id -> the folders that belong to it, by their name's ID prefix or the app property."""
    wanted = set(item_ids)
    found: dict[str, list[dict[str, Any]]] = {}
    for folder in folders:
        owner = (folder.get("appProperties") or {}).get(ITEM_PROPERTY)
        for item_id in {owner, folder["name"].split(" ", 1)[0]} & wanted:
            found.setdefault(item_id, []).append(folder)
    return found


def _collect(answers: dict[str, tuple[Any, Exception | None]]) -> Callable[[str, Any, Exception | None], None]:
    def callback(request_id: str, response: Any, exception: Exception | None) -> None:
        answers[request_id] = (response, exception)

    return callback


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, DriveError):
        return True  # network trouble
    return isinstance(exc, HttpError) and is_retryable(status_of(exc), reason_of(exc))


def _refused(exc: Exception) -> bool:
    """Google refused the call (a rate limit): nothing happened, so even a create may go out again."""
    return isinstance(exc, HttpError) and is_rate_limited(status_of(exc), reason_of(exc))


def _first_line(exc: Exception) -> str:
    return first_line(str(exc), type(exc).__name__)


def _time(text: str | None) -> float:
    if not text:
        return 0.0
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _changed_at(item: dict[str, Any]) -> float:
    """When an upload last changed. An upload may carry the source's older modifiedTime: creation counts too."""
    return max(_time(item.get("modifiedTime")), _time(item.get("createdTime")))


def _choose(candidates: list[dict[str, Any]], target: str, stages: dict[str, str]) -> dict[str, Any]:
    """The folder already in the target stage, else the first in stage order, else the oldest."""
    order = {folder: index for index, folder in enumerate(stages)}

    def rank(folder: dict[str, Any]) -> tuple[int, int, str, str]:
        parents = folder.get("parents") or []
        in_target = 0 if target in parents else 1
        position = min((order[p] for p in parents if p in order), default=len(order))
        return in_target, position, folder.get("createdTime", ""), folder["id"]

    return min(candidates, key=rank)


_UNSAFE_LOCAL = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')


def _local_part(name: str) -> str:
    """A Drive name (which may hold '/' or ':') as one safe local path component."""
    clean = " ".join(_UNSAFE_LOCAL.sub("_", name).split()).rstrip(". ")
    return clean if clean and clean not in (".", "..") else "_"


def _free_name(parts: list[str], taken: set[str]) -> str:
    """`a/b.jpg`, or `a/b (2).jpg` when Drive holds two files of the same name."""
    relative = "/".join(parts)
    number = 2
    while relative.casefold() in taken:
        stem, dot, suffix = parts[-1].rpartition(".")
        last = f"{stem} ({number}).{suffix}" if dot and stem else f"{parts[-1]} ({number})"
        relative = "/".join([*parts[:-1], last])
        number += 1
    taken.add(relative.casefold())
    return relative


def _remove_stale(base: Path, keep: Iterable[Path]) -> None:
    """Cached copies of files no longer in the item's Drive folder."""
    if not base.is_dir():
        return
    kept = {Path(p) for p in keep}
    for path in sorted(base.rglob("*"), reverse=True):
        if path.is_file() and path not in kept:
            path.unlink(missing_ok=True)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
