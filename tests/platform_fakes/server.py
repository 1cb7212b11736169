"""The shared part of the platform fakes: a threaded HTTP server on 127.0.0.1, request parsing, faults.

    fake = InstagramFake().start()      # any subclass of FakeServer
    fake.url                            # http://127.0.0.1:PORT
    fake.fail("POST", r"/media_publish$", "drop_after")   # do the work, then drop the connection
    fake.stop()

Faults (`FakeServer.fail`), matched on method and a regex searched in the path:
- "drop_after": handle the request (the post goes live), then close the connection without an answer;
- "delay_after": handle it, then hold the answer until the client has given up and closed the connection
  (at most `delay` seconds), so the answer is late whatever the machine's speed;
- "error_before": answer `status`/`body` without handling it (a 5xx before the work, a 429, ...);
- "drop_before": close the connection without handling it.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import socket
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DROP = object()


@dataclass
class Late:
    """An answer held back until the client gives up (its timeout closes the connection), then sent."""

    answer: Response
    at_most: float


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    match: re.Match | None = None
    _form: dict[str, list[str]] | None = None
    _parts: dict[str, tuple[bytes, str, str]] | None = None  # name -> (data, filename, content type)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, list[str]]:
        if self._form is None:
            self._form = {}
            if self.content_type == "application/x-www-form-urlencoded":
                self._form = urllib.parse.parse_qs(self.body.decode("utf-8"), keep_blank_values=True)
        return self._form

    def parts(self) -> dict[str, tuple[bytes, str, str]]:
        if self._parts is None:
            self._parts = {}
            if self.content_type == "multipart/form-data":
                head = f"Content-Type: {self.headers['content-type']}\r\nMIME-Version: 1.0\r\n\r\n".encode()
                message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + self.body)
                for part in message.iter_parts():
                    name = part.get_param("name", header="content-disposition")
                    data = part.get_payload(decode=True) or b""
                    self._parts[str(name)] = (data, part.get_filename() or "", part.get_content_type())
        return self._parts

    def param(self, name: str, default: str | None = None) -> str | None:
        """A parameter from the query, a urlencoded form or a multipart text field (Graph API style)."""
        for source in (self.query, self.form()):
            if name in source:
                return source[name][0]
        if name in self.parts():
            data, filename, _ = self.parts()[name]
            if not filename:
                return data.decode("utf-8")
        return default

    def bearer(self) -> str:
        value = self.headers.get("authorization", "")
        for prefix in ("Bearer ", "OAuth "):
            if value.startswith(prefix):
                return value[len(prefix):].strip()
        return ""


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def json(value: Any, status: int = 200, content_type: str = "application/json; charset=UTF-8",
             **headers: str) -> Response:
        return Response(status, json.dumps(value).encode("utf-8"), {"Content-Type": content_type, **headers})


@dataclass
class Fault:
    method: str
    pattern: str
    mode: str  # drop_after | delay_after | error_before | drop_before
    times: int = 1
    response: Response | None = None
    delay: float = 1.0
    seen: int = 0


@dataclass
class Logged:
    method: str
    path: str
    status: int | str
    at: float


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PlatformFake"
    sys_version = ""
    fake: FakeServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return

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

    def _handle(self) -> None:
        body = self._read_body()
        raw_path, _, raw_query = self.path.partition("?")
        request = Request(self.command, urllib.parse.unquote(raw_path),
                          urllib.parse.parse_qs(raw_query, keep_blank_values=True),
                          {k.lower(): v for k, v in self.headers.items()}, body)
        answer = self.fake.dispatch(request)
        if isinstance(answer, Late):
            self._wait_for_the_client_to_give_up(answer.at_most)
            answer = answer.answer
        if answer is DROP:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        assert isinstance(answer, Response)
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self._headers_buffer.append(b"\r\n")  # type: ignore[attr-defined]
        head = b"".join(self._headers_buffer)  # type: ignore[attr-defined]
        self._headers_buffer = []  # type: ignore[attr-defined]
        try:
            self.wfile.write(head + (answer.body if self.command != "HEAD" else b""))
        except OSError:  # the client gave up (a delayed answer)
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

    def _wait_for_the_client_to_give_up(self, at_most: float) -> None:
        """Block until the client closes its side (a readable socket with nothing to read), or `at_most`."""
        import select

        deadline = time.monotonic() + at_most
        while time.monotonic() < deadline:
            readable, _, _ = select.select([self.connection], [], [], 0.05)
            if readable:
                try:
                    if not self.connection.recv(1, socket.MSG_PEEK):
                        return
                except OSError:
                    return


class FakeServer:
    """Routes, a lock around the state, a request log and faults; subclasses add the platform."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern, Callable[[Request], Response]]] = []
        self.faults: list[Fault] = []
        self.log: list[Logged] = []
        self.lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.errors: list[str] = []  # fake bugs (tracebacks): tests assert it stays empty

    # -- lifecycle
    def start(self) -> FakeServer:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- routing
    def route(self, method: str, pattern: str, handler: Callable[[Request], Response]) -> None:
        self.routes.append((method, re.compile(pattern), handler))

    def fail(self, method: str, pattern: str, mode: str, times: int = 1, status: int = 503,
             body: Any = None, delay: float = 1.0, response: Response | None = None) -> Fault:
        if mode not in ("drop_after", "delay_after", "error_before", "drop_before"):
            raise ValueError(mode)
        if response is None and mode == "error_before":
            response = Response.json(body if body is not None else {"error": "injected"}, status)
        fault = Fault(method, pattern, mode, times, response, delay)
        with self.lock:
            self.faults.append(fault)
        return fault

    def requests_to(self, method: str, pattern: str) -> list[Logged]:
        return [e for e in self.log if e.method == method and re.search(pattern, e.path)]

    def _fault_for(self, request: Request) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.seen < fault.times and fault.method == request.method and re.search(fault.pattern,
                                                                                             request.path):
                    fault.seen += 1
                    return fault
        return None

    def dispatch(self, request: Request) -> Response | object:
        fault = self._fault_for(request)
        if fault is not None and fault.mode == "drop_before":
            self._record(request, "dropped before")
            return DROP
        if fault is not None and fault.mode == "error_before":
            assert fault.response is not None
            self._record(request, fault.response.status)
            return fault.response
        try:
            with self.lock:
                answer = self._route(request)
        except Exception:  # a bug in the fake: answer 500, keep the traceback for the test
            self.errors.append(traceback.format_exc())
            answer = Response.json({"error": {"message": "fake crashed", "code": 1}}, 500)
        if fault is not None and fault.mode == "drop_after":
            self._record(request, "dropped after")
            return DROP
        if fault is not None and fault.mode == "delay_after":
            self._record(request, "delayed")
            return Late(answer, fault.delay)
        self._record(request, answer.status)
        return answer

    def _record(self, request: Request, status: int | str) -> None:
        with self.lock:
            self.log.append(Logged(request.method, request.path, status, time.time()))

    def _route(self, request: Request) -> Response:
        allowed = False
        for method, pattern, handler in self.routes:
            found = pattern.fullmatch(request.path)
            if found:
                allowed = True
                if method == request.method:
                    request.match = found
                    return handler(request)
        return self.not_found(request, allowed)

    def not_found(self, request: Request, path_known: bool) -> Response:
        return Response.json({"error": "not found", "path": request.path}, 405 if path_known else 404)


def fetch(url: str, timeout: float = 5.0) -> tuple[int, bytes, str]:
    """GET a URL the way the platforms do ("we cURL media"): status, bytes, content type."""
    import requests

    try:
        answer = requests.get(url, timeout=timeout)
    except requests.RequestException as exc:
        return 0, str(exc).encode(), ""
    return answer.status_code, answer.content, answer.headers.get("Content-Type", "")


def looks_like(data: bytes, kind: str) -> bool:
    if kind == "jpeg":
        return data[:3] == b"\xff\xd8\xff"
    if kind == "png":
        return data[:8] == b"\x89PNG\r\n\x1a\n"
    if kind == "video":
        return data[4:8] == b"ftyp" or data[:4] == b"\x1aE\xdf\xa3"
    return False


class StaticFiles(FakeServer):
    """The web server in front of a media host folder: GET /<name> answers the file (and counts fetches)."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.fetched: list[str] = []
        self.route("GET", r"/(?P<name>[^/]+)", self._file)
        self.route("HEAD", r"/(?P<name>[^/]+)", self._file)

    def _file(self, request: Request) -> Response:
        assert request.match is not None
        name = request.match["name"]
        target = self.folder / name
        if name.startswith(".") or not target.is_file():
            return Response(404, b"not found", {"Content-Type": "text/plain"})
        self.fetched.append(name)
        suffix = target.suffix.lower()
        kind = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".mp4": "video/mp4",
                ".mov": "video/quicktime"}.get(suffix, "application/octet-stream")
        return Response(200, target.read_bytes(), {"Content-Type": kind})


def iso_now(offset: float = 0.0) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(time.time() + offset))


def rfc3339(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{int((ts % 1) * 1000):03d}Z"
