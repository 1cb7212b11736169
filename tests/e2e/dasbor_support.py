"""A workspace with items, files and a published post, and the Dasbor served from it on 127.0.0.1 by uvicorn."""

from __future__ import annotations

import dataclasses
import http.client
import io
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image

from automation.config import load_config
from automation.web.app import OpenDasbor, Serving, open_dasbor
from tests.people import Workspace, make_workspace

ZONE = ZoneInfo("Asia/Jakarta")
LAST_CYCLE = datetime(2026, 11, 30, 9, 2, tzinfo=ZONE)  # the cycles below run at 09:00 and 09:01 (minute steps)
BASE_URL = "http://dasbor.test"  # the links in the mails; the tests call the server by its real address


class MovableClock:
    """A clock the test moves: sessions, links and staleness are all judged by it."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at

    def move(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def png_bytes(size: tuple[int, int] = (800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


def office_workspace(root: Path) -> Workspace:
    """Two items (one moved on a step), a picture and a link pointing outside in the first one's folder,
    a published post and a prepared picture."""
    ws = make_workspace(root / "kantor")
    ws.propose("Hari Batik Nasional")
    ws.propose("Jadwal Vaksinasi")
    ws.once(at="2026-11-30T09:00")
    ws.advance("K-2026-0001", (2, "Diterima"))
    folder = next((ws.root / "drive").glob("*/K-2026-0001 *"))
    (folder / "foto.png").write_bytes(png_bytes())
    (folder / "lampiran").mkdir()
    (folder / "lampiran" / "naskah.txt").write_text("naskah\n", encoding="utf-8")
    outside = root / "rahasia.txt"
    outside.write_text("RAHASIA\n", encoding="utf-8")
    (folder / "tautan.txt").symlink_to(outside)
    (folder / "halaman.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    post = ws.root / "published" / "instagram" / "K-2026-0001"
    post.mkdir(parents=True)
    (post / "foto.jpg").write_bytes(png_bytes((100, 100)))
    (post / "tautan.txt").symlink_to(outside)
    prepared = ws.root / "media-siap" / "K-2026-0001" / "Instagram"
    prepared.mkdir(parents=True)
    (prepared / "foto-instagram.jpg").write_bytes(png_bytes((100, 100)))
    return ws


def serve(ws: Workspace, clock: MovableClock, host: str = "127.0.0.1", base_url: str = BASE_URL,
          password_env: str = "", environ: dict[str, str] | None = None) -> tuple[OpenDasbor, Serving]:
    config = load_config(ws.config)
    config = dataclasses.replace(config, dasbor=dataclasses.replace(
        config.dasbor, host=host, port=0, base_url=base_url, password_env=password_env))
    opened = open_dasbor(config, clock=clock, environ=environ or {})
    try:
        return opened, Serving(opened.app, host, 0).start()
    except BaseException:
        opened.close()
        raise


@dataclasses.dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def request(serving: Serving, method: str, path: str, cookie: str = "", form: str = "") -> Answer:
    """One request with the path sent exactly as given (no client normalising `..` or percent escapes)."""
    connection = http.client.HTTPConnection("127.0.0.1", serving.port, timeout=30)
    try:
        headers = {"Cookie": cookie} if cookie else {}
        if form:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=form.encode() if form else None, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def newest_link(ws: Workspace, to: str) -> str:
    """The sign-in link of the newest mail to `to` in the outbox, as a path on the server."""
    mails = [m for m in ws.mails() if to in str(m["To"])]
    assert mails, f"no mail to {to}"
    body = mails[-1].get_body(preferencelist=("plain",)).get_content()
    match = re.search(re.escape(BASE_URL) + r"(/masuk/\S+)", body)
    assert match, body
    return match.group(1)


def sign_in_by_link(ws: Workspace, serving: Serving, address: str) -> str:
    """Ask for a link, follow it; the session cookie (name=value)."""
    asked = request(serving, "POST", "/masuk", form=f"email={address}")
    assert asked.status == 200
    answer = request(serving, "GET", newest_link(ws, address))
    assert answer.status == 303, answer.text
    return answer.headers["set-cookie"].split(";", 1)[0]


def deactivate(ws: Workspace, address: str) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(ws.register)
    sheet = wb["Petugas"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[headers.index("Email")].value == address:
            row[headers.index("Aktif")].value = "Tidak"
    wb.save(ws.register)


def mail_count(ws: Workspace) -> int:
    return len(list((ws.root / "outbox").glob("*.eml")))

