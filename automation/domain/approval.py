"""What an approval binds: the item's files and the caption, platforms and schedule it was given for.

Pure. The asset store gives a content hash per file (see `ports.ContentDigesting`);
the row parts are hashed here. The approved content is kept with the item's
state; before publishing it is compared with the content as it is now.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from automation.domain.contract import CAPTION, PLATFORM, SCHEDULE
from automation.domain.sop import Sop, canonical
from automation.domain.texts import register as texts

FILE_PREFIX = "file:"  # file parts are keyed by their name in the item's folder; row parts by their column
ROW_PARTS = (CAPTION, PLATFORM, SCHEDULE)
SHORT = 12  # hex digits of the combined digest people see in the Log


def approved_content(files: Mapping[str, str], row: Mapping[str, str], sop: Sop) -> dict[str, str]:
    """Part -> SHA-256 (hex): each file (its store's content hash, with its name) and each row part."""
    parts = {FILE_PREFIX + name: _sha256(f"{name}\0{content}") for name, content in files.items()}
    parts[CAPTION] = _sha256(row.get(CAPTION, ""))
    # the set of platforms counts, not how it was spelt or ordered
    platforms = sorted({canonical(p, sop.platforms) or p.strip()
                        for p in row.get(PLATFORM, "").split(",") if p.strip()})
    parts[PLATFORM] = _sha256("\n".join(platforms))
    parts[SCHEDULE] = _sha256(row.get(SCHEDULE, "").strip())
    return parts


def combined_digest(content: Mapping[str, str]) -> str:
    """One SHA-256 over every part (canonical JSON), the digest the Log shows."""
    return _sha256(json.dumps(dict(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False))


def short_digest(content: Mapping[str, str]) -> str:
    return combined_digest(content)[:SHORT]


def content_changes(approved: Mapping[str, str], now: Mapping[str, str]) -> list[str]:
    """What changed since the approval, one Indonesian phrase per part; [] when nothing did."""
    changes = []
    names = sorted({k for k in (*approved, *now) if k.startswith(FILE_PREFIX)}, key=str.casefold)
    for key in names:
        name = key.removeprefix(FILE_PREFIX)
        if key not in approved:
            changes.append(texts.file_added(name))
        elif key not in now:
            changes.append(texts.file_removed(name))
        elif approved[key] != now[key]:
            changes.append(texts.file_changed(name))
    changes.extend(texts.field_changed(column) for column in ROW_PARTS if approved.get(column) != now.get(column))
    return changes


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
