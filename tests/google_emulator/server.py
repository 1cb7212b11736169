"""The emulator: a ThreadingHTTPServer on 127.0.0.1 plus the Python API tests drive it with.

    emu = GoogleEmulator().start()
    key = emu.service_account_key("daemon@proj.iam.gserviceaccount.com")
    sid = emu.create_spreadsheet("Register", owner="daemon@proj.iam.gserviceaccount.com", ...)
    ...
    emu.stop()
"""

from __future__ import annotations

import base64
import gzip
import json
import socket
import threading
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from . import batch, routes
from .auth import TokenError
from .errors import ApiError, fault_error, google_error, unauthenticated
from .faults import Fault, FaultPlan, Hook, Matcher
from .helpers import HelperMixin
from .httpmsg import Req, Resp
from .oauth_users import OAuthError
from .requestlog import LoggedRequest, RequestLog
from .state import State

GZIP_LEVEL = 1  # the emulator's own CPU: the size hardly matters on 127.0.0.1


def _wants_gzip(headers: dict[str, str]) -> bool:
    """Google compresses an answer only when the client asks twice: `Accept-Encoding: gzip` and a User-Agent
    containing "gzip" (https://developers.google.com/analytics/devguides/config/mgmt/v3/performance,
    "Compression using gzip"); the recorded traffic (python-requests' User-Agent) came back uncompressed."""
    return "gzip" in headers.get("accept-encoding", "") and "gzip" in headers.get("user-agent", "")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ESF"
    sys_version = ""
    emulator: GoogleEmulator

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # silence the default stderr log
        return

    def _handle(self) -> None:
        body = self._read_body()
        raw_path, _, raw_query = self.path.partition("?")
        if raw_path.startswith(("http://", "https://")):
            raw_path = "/" + raw_path.split("/", 3)[3]
        req = Req(self.command, raw_path, urllib.parse.parse_qs(raw_query, keep_blank_values=True),
                  {k.lower(): v for k, v in self.headers.items()}, body)
        try:
            resp = self.emulator.dispatch(req)
        except Exception:  # pragma: no cover - an emulator bug; answer 500 and keep serving
            resp = Resp.json({"error": {"code": 500, "message": traceback.format_exc(), "status": "INTERNAL"}}, 500)
        if resp.status == -1:  # injected connection drop
            self.close_connection = True
            return
        body = resp.body
        if body and _wants_gzip(req.headers):
            body = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
        self.send_response(resp.status)
        for name, value in resp.headers.items():
            self.send_header(name, value)
        if body is not resp.body:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self._headers_buffer.append(b"\r\n")
        head = b"".join(self._headers_buffer)
        self._headers_buffer = []
        self.wfile.write(head + (body if self.command != "HEAD" else b""))  # one write: no Nagle stall

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timeout) closes its socket: not worth a traceback on stderr."""
        return


class GoogleEmulator(HelperMixin):
    """Sheets v4 / Drive v3 / Gmail v1 / OAuth token endpoint, in memory, on a free local port."""

    def __init__(self, seed: int = 20240501):
        self.state = State(seed)
        self.log = RequestLog()
        self.faults = FaultPlan()
        self.errors: list[str] = []  # emulator-internal errors (bugs), for test visibility
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> GoogleEmulator:
        handler = type("Handler", (_Handler,), {"emulator": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="google-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def reset(self, seed: int = 20240501, keep_authority: bool = False) -> None:
        """Forget all state, faults and log entries; the server keeps running. Registered keys
        and issued tokens are forgotten too unless ``keep_authority``."""
        authority = self.state.authority
        self.state = State(seed)
        if keep_authority:
            self.state.authority = authority
        self.log = RequestLog()
        self.faults = FaultPlan()
        self.errors = []

    def __enter__(self) -> GoogleEmulator:
        return self.start() if self._server is None else self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "emulator not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/`` - the root for Sheets and Gmail clients."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def drive_base_url(self) -> str:
        return self.base_url + "drive/v3/"

    @property
    def batch_url(self) -> str:
        return self.base_url + "batch/drive/v3"

    @property
    def gmail_batch_url(self) -> str:
        return self.base_url + "batch/gmail/v1"

    @property
    def token_uri(self) -> str:
        return self.base_url + "token"

    # --- dispatch ----------------------------------------------------------------------------
    def dispatch(self, req: Req) -> Resp:
        started = time.monotonic()
        route = routes.match(req)
        req.kind = route.kind if route else "unknown"
        path = urllib.parse.unquote(req.path)
        entry = LoggedRequest(0, req.method, path, req.query, req.kind, None, len(req.body), in_batch=req.in_batch)
        if req.kind.startswith("drive.") and req.kind != "drive.batch":
            entry.supports_all_drives = req.flag("supportsAllDrives")
        self.log.add(entry)
        target = path + ("?" + urllib.parse.unquote_plus(urllib.parse.urlencode(req.query, doseq=True))
                         if req.query else "")
        fault = self.faults.take_fault(req.method, target, req.kind)
        resp: Resp | None = None
        if fault is not None:
            if fault.delay:
                entry.fault = f"delay {fault.delay}s"
                time.sleep(fault.delay)
            if fault.status is not None:
                entry.fault = str(fault.status)
                if fault.status == -1:
                    resp = Resp(-1)
                elif fault.body is not None:
                    resp = Resp.json(fault.body, fault.status)
                else:
                    service = route.service if route else routes.service_for_path(path)
                    err = fault_error(fault.status, service, req.method != "GET")
                    resp = Resp.json(err.body, err.status, err.headers)
        if resp is None:
            resp = self._answer(route, req, path)
            for hook in self.faults.take_hooks(req.method, target, req.kind):
                hook.action()
        entry.identity = req.identity.email if req.identity else None
        entry.status = resp.status
        entry.response_bytes = len(resp.body)
        entry.duration = time.monotonic() - started
        return resp

    def _answer(self, route: routes.Route | None, req: Req, path: str) -> Resp:
        if route is None:
            err = google_error(404, f"[emulator] no such endpoint: {req.method} {path}", "NOT_FOUND")
            return Resp.json(err.body, 404)
        if route.kind == "oauth.token":
            return self._token(req)
        identity, present = self.state.authority.identify(req.headers.get("authorization"))
        if identity is None:
            err = unauthenticated(route.service, missing=not present)
            return Resp.json(err.body, err.status, err.headers)
        req.identity = identity
        if route.kind in batch.INNER_PATHS:
            return batch.handle(req, self.dispatch)
        try:
            with self.state.lock:
                return route.handler(self.state, req)
        except ApiError as err:
            return Resp.json(err.body, err.status, err.headers)
        except Exception:
            self.errors.append(traceback.format_exc())
            return Resp.json({"error": {"code": 500, "message": "[emulator bug] " + traceback.format_exc(),
                                        "status": "INTERNAL"}}, 500)

    def _token(self, req: Req) -> Resp:
        form = {k: v[0] for k, v in urllib.parse.parse_qs(req.body.decode("utf-8", "replace")).items()}
        basic = req.headers.get("authorization", "")
        if basic.lower().startswith("basic ") and "client_id" not in form:  # client auth by HTTP Basic (RFC 6749 2.3.1)
            client_id, _, secret = base64.b64decode(basic.split(" ", 1)[1]).decode("utf-8").partition(":")
            form.update(client_id=urllib.parse.unquote_plus(client_id), client_secret=urllib.parse.unquote_plus(secret))
        try:
            body = self.state.authority.grant(form)
        except TokenError as err:
            return Resp.json({"error": err.error, "error_description": err.description}, 400)
        except OAuthError as err:
            return Resp.json({"error": err.error, "error_description": err.description}, err.status)
        return Resp.json(body)

    # --- faults ------------------------------------------------------------------------------
    def fail_next(self, status: int, *, kind: str | None = None, method: str | None = None,
                  path: str | None = None, times: int = 1, body: dict[str, Any] | None = None,
                  delay: float = 0.0) -> Fault:
        """The next ``times`` matching requests answer ``status`` with Google's error body."""
        return self.faults.add_fault(Fault(Matcher(routes.known_kind(kind), method, path), status, delay, times,
                                            body=body))

    def inject_429(self, **match: Any) -> Fault:
        return self.fail_next(429, **match)

    def inject_500(self, **match: Any) -> Fault:
        return self.fail_next(500, **match)

    def inject_503(self, **match: Any) -> Fault:
        return self.fail_next(503, **match)

    def inject_delay(self, seconds: float, **match: Any) -> Fault:
        """Answer the next matching request(s) normally, but only after ``seconds``."""
        times = match.pop("times", 1)
        match["kind"] = routes.known_kind(match.get("kind"))
        return self.faults.add_fault(Fault(Matcher(**match), None, seconds, times))

    def after_next(self, action, *, kind: str | None = None, method: str | None = None,
                   path: str | None = None, times: int = 1) -> Hook:
        """Run ``action()`` once the next matching request has been answered (its answer is
        computed, not yet sent), so a test can land a person's edit between a read and a write."""
        return self.faults.add_hook(Hook(Matcher(routes.known_kind(kind), method, path), action, times))

    # --- request log -------------------------------------------------------------------------
    @property
    def requests(self) -> list[LoggedRequest]:
        return list(self.log.entries)

    def request_counts(self, include_batch_parts: bool = False):
        return self.log.counts(include_batch_parts)

    def count(self, kind: str | None = None, **kwargs: Any) -> int:
        return self.log.count(routes.known_kind(kind), **kwargs)

    def clear_log(self) -> None:
        self.log.clear()

    def drive_calls_without_supports_all_drives(self) -> list[LoggedRequest]:
        return [e for e in self.log.drive_calls_without_supports_all_drives() if not e.kind.startswith("drive.drives")]

    # --- keys --------------------------------------------------------------------------------
    def service_account_key(self, email: str = "sop-daemon@sop-konten-test.iam.gserviceaccount.com", *,
                            project_id: str = "sop-konten-test", domain_wide_delegation: bool = True) -> dict:
        return self.state.authority.create_key(email, self.token_uri, project_id=project_id,
                                               domain_wide_delegation=domain_wide_delegation)

    def write_service_account_key(self, path: str | Path, email: str = "sop-daemon@sop-konten-test.iam"
                                  ".gserviceaccount.com", **kwargs: Any) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.service_account_key(email, **kwargs), indent=2))
        return path

    def oauth_client(self, *, testing: bool = False) -> dict:
        """A desktop-app OAuth client's JSON, as the Cloud Console downloads it, with the emulator's token_uri."""
        return self.state.authority.users.create_client(self.token_uri, testing=testing)

    def consent(self, authorization_url: str, user: str, **kwargs: Any) -> str:
        """Play the person on Google's consent screen: the URL the browser is sent back to (see oauth_users)."""
        return self.state.authority.users.consent(authorization_url, user, **kwargs)

    def revoke_tokens(self) -> None:
        """Forget every issued access token: the next call answers 401 and clients must refresh."""
        self.state.authority.revoke_all()
