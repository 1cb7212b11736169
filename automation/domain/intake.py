"""What an upload to the intake folder says about itself: who sent it, from which unit, what it is.

`kontributor.txt` in an uploaded folder: the first line names the contributor (an e-mail address, or a
name with the address in <...>); the second line, when present, is their unit ("Dinas Kesehatan Kota
Yogyakarta"); lines "Sumber: ..." and "Jenis: ..." set those fields explicitly. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from automation.domain.sop import Sop, canonical
from automation.domain.texts.register import UNIT_SOURCE_WORDS

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".webm", ".avi", ".mkv"})
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".heif", ".tif", ".tiff"})
_FIELD = re.compile(r"^\s*(sumber|jenis|unit|kontak)\s*:\s*(.*)$", re.I)
_ADDRESS = re.compile(r"[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+")



@dataclass(frozen=True)
class ContributorDetails:
    contact: str = ""  # what goes into step 1's Pelaksana: the e-mail address, else the name
    unit: str = ""
    source: str = ""  # a value of the SOP's sources, or ""
    kind: str = ""  # a value of the SOP's types, or ""


def contributor_details(text: str, sop: Sop) -> ContributorDetails:
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    fields: dict[str, str] = {}
    free: list[str] = []
    for line in lines:
        if not line:
            continue
        match = _FIELD.match(line)
        if match:
            fields[match.group(1).lower()] = match.group(2).strip()
        else:
            free.append(line)
    first = fields.get("kontak") or (free[0] if free else "")
    address = _ADDRESS.search(first)
    contact = address.group(0) if address else first
    unit = fields.get("unit") or (free[1] if len(free) > 1 else "")
    source = canonical(fields.get("sumber", ""), sop.sources) or unit_source(unit, sop)
    kind = canonical(fields.get("jenis", ""), sop.types) or ""
    return ContributorDetails(contact=contact, unit=unit, source=source, kind=kind)


def unit_source(unit: str, sop: Sop) -> str:
    """The Sumber a unit's name implies ("Dinas Kesehatan Kota Yogyakarta" -> Pemkot Yogyakarta), or ""."""
    exact = canonical(unit, sop.sources)
    if exact:
        return exact
    lowered = unit.lower()
    for words, source in UNIT_SOURCE_WORDS:
        if any(word in lowered for word in words) and canonical(source, sop.sources):
            return canonical(source, sop.sources) or ""
    return ""


def kind_of_files(names: Iterable[str], sop: Sop) -> str:
    """Jenis from the uploaded files: any video makes a Video, else images an Infografis; "" when unsure."""
    suffixes = {("." + name.rsplit(".", 1)[-1].lower()) if "." in name else "" for name in names}
    wanted: Sequence[str] = ("Video",) if suffixes & VIDEO_SUFFIXES else \
        ("Infografis",) if suffixes & IMAGE_SUFFIXES else ()
    for kind in wanted:
        found = canonical(kind, sop.types)
        if found:
            return found
    return ""
