"""PLACEHOLDER for the five content pages (the pages helper writes the real module; the integrator takes theirs).

Only the agreed signatures, each returning a minimal page, so the server and its tests run on this branch.
"""

from __future__ import annotations

import io

from automation.domain.texts import dasbor as dasbor_text
from automation.web.templates import render
from automation.web.workspace import Workspace


def _page(path: str, person: str) -> str:
    label = dasbor_text.NAV[path]
    return render("pesan.html", active=path, person=person, title=label, message=label, link="", link_label="")


def papan(ws: Workspace, person: str, mine: str = "") -> str:
    return _page("/", person)


def kalender(ws: Workspace, person: str, year: int, month: int) -> str:
    return _page("/kalender", person)


def item(ws: Workspace, person: str, item_id: str) -> str | None:
    if item_id not in ws.journal.states():
        return None
    return render("pesan.html", active="", person=person, title=item_id, message=item_id, link="", link_label="")


def publikasi(ws: Workspace, person: str) -> str:
    return _page("/publikasi", person)


def kinerja(ws: Workspace, person: str, year: int, month: int) -> str:
    return _page("/kinerja", person)


def kinerja_chart(ws: Workspace, year: int, month: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1, 1), "white").save(out, "PNG")
    return out.getvalue()
