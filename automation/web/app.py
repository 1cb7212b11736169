"""The Dasbor's web application (Starlette): routes, sign-in, files, security headers; and its server (uvicorn).

Read-only: the journal is opened read-only and no route changes the register or performs an effect. The only
thing the Dasbor writes is its own sign-in state (auth.py). URL scheme: docs/dasbor.md.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from automation.config import Config
from automation.domain.texts import dasbor as dasbor_text
from automation.ports import Clock
from automation.service.journal import Journal
from automation.web import pages
from automation.web.auth import (
    SESSION_COOKIE,
    SIGN_IN_WINDOW,
    STORE_NAME,
    DasborRefused,
    Gate,
    SignInStore,
    Throttle,
    auth_settings,
    check_binding,
)
from automation.web.files import FileRoots, FoundFile, chunks, open_file, thumbnail
from automation.web.metrics import CONTENT_TYPE, health_of, metrics_text
from automation.web.status import quota_caps, status_page
from automation.web.templates import render
from automation.web.workspace import Workspace

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# Every response; pages and files are never cached (a shared computer, a signed-out session).
SECURITY_HEADERS = (
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; object-src 'none'; "
                                 b"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),  # a sign-in link in the address bar never leaves as a Referer
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
NO_STORE = (b"cache-control", b"no-store")
STATIC_CACHE = (b"cache-control", b"max-age=3600")
HSTS = (b"strict-transport-security", b"max-age=31536000")


@dataclass
class Dasbor:
    """What the application serves from."""

    workspace: Workspace
    gate: Gate
    files: FileRoots
    quota_caps: Mapping[str, int] = field(default_factory=dict)


class SecurityHeaders:
    """Adds the security headers to every response, error pages and static files included."""

    def __init__(self, app: ASGIApp, https: bool):
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                own = {name for name, _ in SECURITY_HEADERS} | {NO_STORE[0], HSTS[0]}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in own]
                headers.extend(SECURITY_HEADERS)
                headers.append(STATIC_CACHE if static else NO_STORE)
                if self.https:
                    headers.append(HSTS)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def build_dasbor(dasbor: Dasbor) -> Starlette:
    ws, gate, files = dasbor.workspace, dasbor.gate, dasbor.files
    throttle = Throttle()
    Handler = Callable[[Request, str], Awaitable[Response]]

    def page(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """A route for signed-in people (everyone on loopback without sign-in configured)."""

        async def endpoint(request: Request) -> Response:
            person = ""
            if gate.required:
                member = gate.person(request.cookies.get(SESSION_COOKIE))
                if member is None:
                    return RedirectResponse("/masuk", status_code=303)
                person = member.name
            try:
                return await handler(request, person)
            except HTTPException:
                raise
            except Exception as exc:  # one page failing never stops the server (nor the daemon beside it)
                log.error(dasbor_text.LOG_PAGE_FAILED, request.url.path, exc)
                log.debug(dasbor_text.LOG_PAGE_FAILED, request.url.path, exc, exc_info=True)
                return _message(person, dasbor_text.SERVER_ERROR_TITLE, dasbor_text.SERVER_ERROR, 500)

        return endpoint

    def month(request: Request) -> tuple[int, int]:
        match = _MONTH.match(request.query_params.get("bulan", ""))
        if match and 1 <= int(match.group(2)) <= 12:
            return int(match.group(1)), int(match.group(2))
        today = ws.clock.now()
        return today.year, today.month

    async def papan(request: Request, person: str) -> Response:
        return HTMLResponse(pages.papan(ws, person, mine=request.query_params.get("orang", "")))

    async def kalender(request: Request, person: str) -> Response:
        return HTMLResponse(pages.kalender(ws, person, *month(request)))

    async def item(request: Request, person: str) -> Response:
        item_id = request.path_params["item_id"]
        html = pages.item(ws, person, item_id)
        if html is None:
            return HTMLResponse(pages.not_found(ws, person, item_id), status_code=404)
        return HTMLResponse(html)

    async def publikasi(request: Request, person: str) -> Response:
        return HTMLResponse(pages.publikasi(ws, person))

    async def kinerja(request: Request, person: str) -> Response:
        return HTMLResponse(pages.kinerja(ws, person, *month(request)))

    async def kinerja_chart(request: Request, person: str) -> Response:
        return Response(pages.kinerja_chart(ws, *month(request)), media_type="image/png")

    async def status(request: Request, person: str) -> Response:
        return HTMLResponse(status_page(ws, person, dasbor.quota_caps))

    def serve(found: FoundFile | None) -> Response:
        if found is None:
            raise HTTPException(404)
        try:
            handle, size = open_file(found)
        except OSError:  # replaced by a link or removed since it was listed
            raise HTTPException(404) from None
        disposition = "inline" if found.inline else "attachment"
        return StreamingResponse(chunks(handle), media_type=found.media_type, headers={
            "content-length": str(size), "content-disposition": _disposition(disposition, found.name)})

    async def item_file(request: Request, person: str) -> Response:
        p = request.path_params
        return serve(files.item_file(p["item_id"], p["name"]))

    async def item_thumbnail(request: Request, person: str) -> Response:
        p = request.path_params
        found = files.item_file(p["item_id"], p["name"])
        small = thumbnail(found) if found else None
        if small is None:
            raise HTTPException(404)
        return Response(small, media_type="image/jpeg")

    async def published_file(request: Request, person: str) -> Response:
        p = request.path_params
        return serve(files.published_file(p["platform"], p["item_id"], p["name"]))

    async def prepared_file(request: Request, person: str) -> Response:
        p = request.path_params
        return serve(files.prepared_file(p["item_id"], p["platform"], p["name"]))

    async def sign_in_form(request: Request) -> Response:
        if not gate.required:
            return RedirectResponse("/", status_code=303)
        return _sign_in(gate, "", "")

    async def sign_in(request: Request) -> Response:
        if not gate.required:
            return RedirectResponse("/", status_code=303)
        form = await _small_form(request)
        email = form.get("email", "").strip()[:320]
        password = form.get("password", "")
        client = request.client.host if request.client else ""
        if not throttle.allow((f"client:{client}", f"email:{email.casefold()}"), ws.clock.now()):
            return _sign_in(gate, email, dasbor_text.sign_in_too_many(SIGN_IN_WINDOW.total_seconds() / 60), 429)
        if gate.by_password and (password or not gate.by_link):
            member = gate.check_password(email, password)
            if member is None:
                return _sign_in(gate, email, dasbor_text.SIGN_IN_REFUSED, 403)
            return _signed_in(gate, member)
        if gate.by_link:
            try:
                gate.send_link(email)
            except Exception as exc:  # the mail server is down: say so in the log, tell the person the same
                log.error(dasbor_text.LOG_LINK_NOT_SENT, exc)
            return _sign_in(gate, "", dasbor_text.SIGN_IN_LINK_SENT)
        return _sign_in(gate, email, dasbor_text.SIGN_IN_UNAVAILABLE, 403)

    async def redeem(request: Request) -> Response:
        member = gate.redeem(request.path_params["token"]) if gate.required else None
        if member is None:
            return _message("", dasbor_text.SIGN_IN_TITLE, dasbor_text.SIGN_IN_LINK_INVALID, 403,
                            link="/masuk", link_label=dasbor_text.SIGN_IN_AGAIN)
        return _signed_in(gate, member)

    async def sign_out(request: Request) -> Response:
        response = RedirectResponse("/masuk" if gate.required else "/", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                               secure=gate.settings.secure_cookie)
        return response

    async def metrics(request: Request) -> Response:
        return PlainTextResponse(metrics_text(ws), media_type=CONTENT_TYPE)

    async def healthz(request: Request) -> Response:
        if health_of(ws).stale:
            return PlainTextResponse(dasbor_text.HEALTHZ_STALE, status_code=503)
        return PlainTextResponse(dasbor_text.HEALTHZ_OK)

    async def http_error(request: Request, exc: Exception) -> Response:
        code = exc.status_code if isinstance(exc, HTTPException) else 500
        if code == 404:
            return _message("", dasbor_text.NOT_FOUND_TITLE, dasbor_text.NOT_FOUND, 404)
        return _message("", dasbor_text.BAD_REQUEST_TITLE, dasbor_text.BAD_REQUEST, code)

    routes = [
        Route("/", page(papan)),
        Route("/kalender", page(kalender)),
        Route("/item/{item_id}", page(item)),
        Route("/publikasi", page(publikasi)),
        Route("/kinerja", page(kinerja)),
        Route("/kinerja/grafik.png", page(kinerja_chart)),
        Route("/status", page(status)),
        Route("/berkas/{item_id}/{name:path}", page(item_file)),
        Route("/berkas-kecil/{item_id}/{name:path}", page(item_thumbnail)),
        Route("/terbit/{platform}/{item_id}/{name}", page(published_file)),
        Route("/siap/{item_id}/{platform}/{name}", page(prepared_file)),
        Route("/masuk", sign_in_form, methods=["GET"]),
        Route("/masuk", sign_in, methods=["POST"]),
        Route("/masuk/{token}", redeem, methods=["GET"]),
        Route("/keluar", sign_out, methods=["POST"]),
        Route("/metrics", metrics),
        Route("/healthz", healthz),
        Mount("/static", StaticFiles(directory=STATIC)),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    app.add_middleware(SecurityHeaders, https=gate.settings.secure_cookie)
    return app


def _message(person: str, title: str, message: str, status: int, link: str = "/",
             link_label: str = dasbor_text.BACK_HOME) -> HTMLResponse:
    return HTMLResponse(render("pesan.html", active="", person=person, title=title, message=message, link=link,
                               link_label=link_label), status_code=status)


def _sign_in(gate: Gate, email: str, message: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(render("masuk.html", active="", person="", email=email, message=message,
                               by_link=gate.by_link, by_password=gate.by_password), status_code=status)


def _signed_in(gate: Gate, member: Any) -> Response:
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, gate.session_cookie(member), max_age=int(gate.settings.session_hours * 3600),
                        path="/", httponly=True, samesite="lax", secure=gate.settings.secure_cookie)
    return response


FORM_BYTES = 4096  # the sign-in form is an address and a password


async def _small_form(request: Request) -> dict[str, str]:
    """A small URL-encoded form (no multipart: nothing is uploaded to the Dasbor)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > FORM_BYTES:
            raise HTTPException(413)
    fields = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=8)
    return {name: values[0] for name, values in fields.items()}


def _disposition(kind: str, name: str) -> str:
    return f"{kind}; filename*=UTF-8''{quote(name, safe='')}"


# --- from a configuration ----------------------------------------------------------------------------


@dataclass
class OpenDasbor:
    """A Dasbor application with the resources it holds; close() releases them."""

    app: Starlette
    host: str
    port: int
    closables: list = field(default_factory=list)

    def close(self) -> None:
        for resource in reversed(self.closables):
            resource.close()
        self.closables.clear()


def open_dasbor(config: Config, clock: Clock | None = None, environ: Mapping[str, str] | None = None) -> OpenDasbor:
    """The Dasbor of a workspace: the journal read-only, sign-in as configured; DasborRefused when it must not
    start (bound beyond this machine without sign-in, or no journal yet)."""
    import os

    from automation.adapters.local.folders import FolderAssetStore
    from automation.bootstrap import PREPARED_MEDIA, Backends

    settings = auth_settings(config.dasbor, os.environ if environ is None else environ)
    check_binding(config.dasbor.host, settings)
    if not config.journal.is_file():
        raise DasborRefused(dasbor_text.journal_missing(config.journal))
    backends = Backends(config)
    opened = OpenDasbor(app=None, host=config.dasbor.host, port=config.dasbor.port)  # type: ignore[arg-type]
    try:
        journal = Journal.read_only(config.journal)
        opened.closables.append(journal)
        clock = clock or backends.clock
        folders = config.assets_backend == "folders"
        ws = Workspace(journal=journal, sop=backends.sop, calendar=backends.calendar, clock=clock,
                       poll_seconds=config.poll_seconds, publish_path=config.publish_path,
                       assets_path=config.assets_path if folders else None,
                       register_name=config.register_path.name if not backends.uses_sheets
                       else config.google.spreadsheet)
        store = None
        if settings.required:
            store = SignInStore(config.journal.parent / STORE_NAME)
            opened.closables.append(store)
        gate = Gate(settings, journal, store, backends.email if settings.base_url else None, now=clock.now)
        files = FileRoots(FolderAssetStore(config.assets_path, backends.sop.intake_stage) if folders else None,
                          config.publish_path, config.base / PREPARED_MEDIA)
        opened.app = build_dasbor(Dasbor(ws, gate, files, quota_caps(config.raw.get("publish", {}))))
        pages.warm(ws)
        opened.closables.insert(0, backends)
    except BaseException:
        opened.close()
        backends.close()
        raise
    return opened


# --- the server ----------------------------------------------------------------------------------------


class Serving:
    """uvicorn serving an application in a thread of its own, on a socket bound before it starts (a port in use
    is an OSError here, not a message in a thread nobody watches)."""

    START_SECONDS = 10.0

    def __init__(self, app: ASGIApp, host: str, port: int):
        import uvicorn

        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                              flags=socket.AI_PASSIVE)[0]
        self.socket = socket.socket(family, kind, proto)
        try:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.socket.bind(address)
        except OSError:
            self.socket.close()
            raise
        self.host, self.port = host, self.socket.getsockname()[1]
        config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off", log_level="warning",
                                server_header=False, proxy_headers=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]},
                                       name="dasbor", daemon=True)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> Serving:
        self.thread.start()
        deadline = time.monotonic() + self.START_SECONDS
        while not self.server.started and self.thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=self.START_SECONDS)
        self.socket.close()
