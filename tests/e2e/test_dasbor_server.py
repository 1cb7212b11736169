"""The Dasbor's server as people and attackers meet it: real uvicorn on 127.0.0.1, real HTTP requests.

Sign-in (one-time links, passwords, sessions), who gets in, which files come out, the headers of every
response, /healthz and /metrics, the journal opened read-only, and the refusal to listen beyond this machine
without sign-in.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading

import pytest

from automation.config import load_config
from automation.domain.texts import dasbor as dasbor_text
from automation.web.app import SECURITY_HEADERS, open_dasbor
from automation.web.auth import SESSION_COOKIE, SIGN_IN_ATTEMPTS, DasborRefused
from tests.e2e.dasbor_support import (
    LAST_CYCLE,
    MovableClock,
    deactivate,
    mail_count,
    newest_link,
    office_workspace,
    request,
    serve,
    sign_in_by_link,
)

MEMBER = "sari@ikp.example"


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    return office_workspace(tmp_path_factory.mktemp("dasbor"))


@pytest.fixture
def server(office):
    clock = MovableClock(LAST_CYCLE)
    opened, serving = serve(office, clock)
    yield office, serving, clock, opened
    serving.stop()
    opened.close()


# --- signing in -----------------------------------------------------------------------------------------

def test_every_page_and_file_needs_a_sign_in(server):
    _, serving, _, _ = server
    for path in ("/", "/kalender", "/item/K-2026-0001", "/publikasi", "/kinerja", "/status",
                 "/berkas/K-2026-0001/foto.png", "/terbit/instagram/K-2026-0001/foto.jpg"):
        answer = request(serving, "GET", path)
        assert (answer.status, answer.headers.get("location")) == (303, "/masuk"), path


def test_a_one_time_link_signs_an_active_person_in_once(server):
    office, serving, _, _ = server
    request(serving, "POST", "/masuk", form=f"email={MEMBER}")
    link = newest_link(office, MEMBER)
    first = request(serving, "GET", link)
    assert first.status == 303 and first.headers["location"] == "/"
    cookie = first.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Max-Age=43200" in cookie
    page = request(serving, "GET", "/status", cookie=cookie.split(";", 1)[0])
    assert page.status == 200 and "Sari Tim Konten" in page.text
    again = request(serving, "GET", link)
    assert again.status == 403 and dasbor_text.SIGN_IN_LINK_INVALID in _unescaped(again.text)
    assert "set-cookie" not in again.headers


def test_a_link_expires(server):
    office, serving, clock, _ = server
    request(serving, "POST", "/masuk", form=f"email={MEMBER}")
    link = newest_link(office, MEMBER)
    clock.move(minutes=16)  # link_minutes = 15
    assert request(serving, "GET", link).status == 403


def test_a_session_expires(server):
    office, serving, clock, _ = server
    cookie = sign_in_by_link(office, serving, MEMBER)
    assert request(serving, "GET", "/status", cookie=cookie).status == 200
    clock.move(hours=12, seconds=1)
    assert request(serving, "GET", "/status", cookie=cookie).status == 303


def test_forged_and_tampered_sessions_are_refused(server):
    office, serving, _, _ = server
    from itsdangerous import URLSafeSerializer

    cookie = sign_in_by_link(office, serving, MEMBER)
    value = cookie.split("=", 1)[1]
    payload, signature = value.rsplit(".", 1)
    forged = URLSafeSerializer("not-the-secret", salt="sop-konten.dasbor.session").dumps(
        {"email": MEMBER, "until": "2099-01-01T00:00:00+07:00"})
    for bad in (f"{payload}.{signature[:-2]}xx", forged, "abc", payload, ""):
        answer = request(serving, "GET", "/status", cookie=f"{SESSION_COOKIE}={bad}")
        assert answer.status == 303, bad


def test_someone_not_in_petugas_gets_no_link_and_no_hint(server):
    office, serving, _, _ = server
    before = mail_count(office)
    stranger = request(serving, "POST", "/masuk", form="email=penyusup%40contoh.example")
    member = request(serving, "POST", "/masuk", form=f"email={MEMBER}")
    assert mail_count(office) == before + 1  # the member's link only
    assert _messages(stranger.text) == _messages(member.text) == [dasbor_text.SIGN_IN_LINK_SENT]
    assert request(serving, "GET", "/masuk/" + "A" * 43).status == 403  # a guessed token


def test_a_person_made_inactive_is_out_at_the_next_request(tmp_path):
    office = office_workspace(tmp_path)
    clock = MovableClock(LAST_CYCLE)
    opened, serving = serve(office, clock)
    try:
        cookie = sign_in_by_link(office, serving, "dimas@ikp.example")
        assert request(serving, "GET", "/", cookie=cookie).status == 200
        deactivate(office, "dimas@ikp.example")
        office.once(at="2026-11-30T09:05")  # the daemon reads Petugas again
        assert request(serving, "GET", "/", cookie=cookie).status == 303
        before = mail_count(office)
        request(serving, "POST", "/masuk", form="email=dimas@ikp.example")
        assert mail_count(office) == before
    finally:
        serving.stop()
        opened.close()


def test_the_operators_password_lets_only_active_people_in(office):
    opened, serving = serve(office, MovableClock(LAST_CYCLE), base_url="", password_env="DASBOR_PW",
                            environ={"DASBOR_PW": "kunci-rahasia"})
    try:
        form = request(serving, "GET", "/masuk")
        assert 'type="password"' in form.text
        ok = request(serving, "POST", "/masuk", form=f"email={MEMBER}&password=kunci-rahasia")
        assert ok.status == 303 and ok.headers["set-cookie"].startswith(SESSION_COOKIE)
        wrong = request(serving, "POST", "/masuk", form=f"email={MEMBER}&password=salah")
        stranger = request(serving, "POST", "/masuk", form="email=orang@luar.example&password=kunci-rahasia")
        assert wrong.status == stranger.status == 403 and "set-cookie" not in wrong.headers
        assert request(serving, "GET", "/masuk/anything").status == 403  # no links in password mode
    finally:
        serving.stop()
        opened.close()


def test_guessing_is_stopped_after_ten_attempts_for_a_quarter_hour(office):
    clock = MovableClock(LAST_CYCLE)
    opened, serving = serve(office, clock, base_url="", password_env="DASBOR_PW",
                            environ={"DASBOR_PW": "kunci-rahasia"})
    try:
        for _ in range(SIGN_IN_ATTEMPTS):
            assert request(serving, "POST", "/masuk", form=f"email={MEMBER}&password=tebakan").status == 403
        right = request(serving, "POST", "/masuk", form=f"email={MEMBER}&password=kunci-rahasia")
        assert right.status == 429 and "set-cookie" not in right.headers
        clock.move(minutes=15)
        assert request(serving, "POST", "/masuk", form=f"email={MEMBER}&password=kunci-rahasia").status == 303
    finally:
        serving.stop()
        opened.close()


def test_signing_out_forgets_the_session_cookie(server):
    office, serving, _, _ = server
    cookie = sign_in_by_link(office, serving, MEMBER)
    answer = request(serving, "POST", "/keluar", cookie=cookie)
    assert answer.status == 303 and answer.headers["location"] == "/masuk"
    assert re.match(rf'{SESSION_COOKIE}=(""|);', answer.headers["set-cookie"])


# --- files ----------------------------------------------------------------------------------------------

def test_files_of_the_items_folder_the_feed_and_prepared_media_are_served(server):
    office, serving, _, _ = server
    cookie = sign_in_by_link(office, serving, MEMBER)
    picture = request(serving, "GET", "/berkas/K-2026-0001/foto.png", cookie=cookie)
    assert picture.status == 200 and picture.headers["content-type"] == "image/png"
    assert picture.body.startswith(b"\x89PNG")
    nested = request(serving, "GET", "/berkas/K-2026-0001/lampiran/naskah.txt", cookie=cookie)
    assert nested.status == 200 and nested.body == b"naskah\n"
    small = request(serving, "GET", "/berkas-kecil/K-2026-0001/foto.png", cookie=cookie)
    assert small.status == 200 and small.headers["content-type"] == "image/jpeg" and small.body[:2] == b"\xff\xd8"
    import io

    from PIL import Image

    assert max(Image.open(io.BytesIO(small.body)).size) == 320
    assert request(serving, "GET", "/terbit/instagram/K-2026-0001/foto.jpg", cookie=cookie).status == 200
    assert request(serving, "GET", "/siap/K-2026-0001/Instagram/foto-instagram.jpg", cookie=cookie).status == 200


def test_a_file_that_could_carry_a_script_is_only_offered_as_a_download(server):
    office, serving, _, _ = server
    cookie = sign_in_by_link(office, serving, MEMBER)
    answer = request(serving, "GET", "/berkas/K-2026-0001/halaman.html", cookie=cookie)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/octet-stream"
    assert answer.headers["content-disposition"].startswith("attachment;")


@pytest.mark.parametrize("path", [
    "/berkas/K-2026-0001/../../../sop-konten.toml",
    "/berkas/K-2026-0001/..%2F..%2F..%2Fsop-konten.toml",
    "/berkas/K-2026-0001/%2e%2e/%2e%2e/%2e%2e/sop-konten.toml",
    "/berkas/K-2026-0001/%2e%2e%2f%2e%2e%2fjournal.sqlite3",
    "/berkas/K-2026-0001//etc/passwd",
    "/berkas/K-2026-0001/%2Fetc%2Fpasswd",
    "/berkas/K-2026-0001/lampiran/../foto.png",
    "/berkas/K-2026-0001/tautan.txt",  # a link in the item's folder pointing outside the workspace
    "/berkas/..%2F..%2Fsop-konten.toml/foto.png",
    "/berkas/K-2026-0001%2F..%2F/foto.png",
    "/berkas-kecil/K-2026-0001/../../../sop-konten.toml",
    "/terbit/instagram/K-2026-0001/tautan.txt",
    "/terbit/instagram/K-2026-0001/..%2F..%2Findex.html",
    "/terbit/..%2F..%2Fsop-konten.toml/K-2026-0001/foto.jpg",
    "/terbit/%2e%2e/K-2026-0001/foto.jpg",
    "/siap/K-2026-0001/..%2F..%2F..%2Fsop-konten.toml/foto.jpg",
    "/siap/K-2026-0001/Instagram/..%2F..%2F..%2Fsop-konten.toml",
    "/static/..%2F..%2Fconfig.py",
    "/static/../../config.py",
])
def test_no_request_reaches_a_file_outside_the_served_folders(server, path):
    office, serving, _, _ = server
    cookie = sign_in_by_link(office, serving, MEMBER)
    answer = request(serving, "GET", path, cookie=cookie)
    assert answer.status == 404, (path, answer.status)
    assert b"RAHASIA" not in answer.body and b"[dasbor]" not in answer.body and b"root:" not in answer.body


@pytest.mark.parametrize("path", [
    "/item/K-2026-9999", "/item/bukan-id", "/berkas/K-2026-9999/foto.png", "/berkas/K-2026-0002/foto.png",
    "/berkas/k-2026-0001/foto.png", "/berkas/K-2026-0001%20/foto.png", "/terbit/myspace/K-2026-0001/foto.jpg",
    "/terbit/instagram/K-2026-0002/foto.jpg", "/siap/K-2026-0001/instagram/foto-instagram.jpg",
    "/berkas-kecil/K-2026-0001/lampiran/naskah.txt", "/tidak-ada",
])
def test_unknown_items_and_files_are_not_found(server, path):
    office, serving, _, _ = server
    cookie = sign_in_by_link(office, serving, MEMBER)
    answer = request(serving, "GET", path, cookie=cookie)
    assert answer.status == 404, path
    if path.startswith("/item/"):  # the item page's own: names the ID asked for
        assert dasbor_text.ITEM_NOT_FOUND_TITLE in answer.text and path.split("/")[-1] in answer.text
    elif answer.headers["content-type"].startswith("text/html"):
        assert dasbor_text.NOT_FOUND in answer.text


# --- every response -----------------------------------------------------------------------------------

def test_every_response_carries_the_security_headers(server):
    office, serving, _, _ = server
    cookie = sign_in_by_link(office, serving, MEMBER)
    answers = [request(serving, "GET", path, cookie=cookie) for path in (
        "/", "/status", "/item/K-2026-9999", "/berkas/K-2026-0001/foto.png", "/berkas-kecil/K-2026-0001/foto.png",
        "/static/dasbor.css", "/metrics", "/healthz", "/tidak-ada", "/masuk")]
    answers += [request(serving, "GET", "/status"), request(serving, "DELETE", "/status", cookie=cookie),
                request(serving, "POST", "/masuk", form="email=x" * 2000)]
    for answer in answers:
        for name, value in SECURITY_HEADERS:
            assert answer.headers.get(name.decode()) == value.decode(), (answer.status, name)
        assert "cache-control" in answer.headers
    assert answers[0].headers["cache-control"] == "no-store"
    assert {a.status for a in answers} >= {200, 303, 404, 405, 413}


# --- health and metrics ---------------------------------------------------------------------------------

def test_healthz_fails_when_the_last_cycle_is_older_than_three_poll_intervals(server):
    _, serving, clock, _ = server
    fresh = request(serving, "GET", "/healthz")
    assert (fresh.status, fresh.text) == (200, dasbor_text.HEALTHZ_OK)
    clock.move(seconds=3 * 30 + 1)  # poll_seconds = 30
    stale = request(serving, "GET", "/healthz")
    assert (stale.status, stale.text) == (503, dasbor_text.HEALTHZ_STALE)


def test_metrics_are_valid_prometheus_text(server):
    _, serving, _, opened = server
    answer = request(serving, "GET", "/metrics")
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    families = parse_prometheus(answer.text)
    assert families["sop_konten_cycles_total"]["type"] == "counter"
    assert families["sop_konten_cycles_total"]["samples"][()] == 2
    assert families["sop_konten_items_open"]["samples"][()] == 2
    assert families["sop_konten_items_overdue"]["samples"][()] == 0
    assert families["sop_konten_stale"]["samples"][()] == 0
    effects = families["sop_konten_effects"]["samples"]
    assert effects[(("kind", "notify"), ("result", "done"))] >= 2
    assert all(family["help"] for family in families.values())


def parse_prometheus(text: str) -> dict[str, dict]:
    """The text exposition format, strictly: HELP and TYPE before the samples of each family."""
    families: dict[str, dict] = {}
    sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$')
    label = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
    assert text.endswith("\n")
    for line in text.splitlines():
        if line.startswith("# HELP "):
            name, _, about = line[7:].partition(" ")
            families.setdefault(name, {"samples": {}})["help"] = about
        elif line.startswith("# TYPE "):
            name, kind = line[7:].split(" ")
            assert kind in ("counter", "gauge", "summary", "histogram", "untyped")
            families[name]["type"] = kind
        else:
            match = sample.match(line)
            assert match, f"not a sample line: {line!r}"
            name, labels, value = match.groups()
            assert name in families and "type" in families[name], line
            key = tuple(label.findall(labels or ""))
            families[name]["samples"][key] = float(value)
    return families


# --- read-only, beside the daemon or alone ---------------------------------------------------------------

def test_the_dasbor_opens_the_journal_read_only_and_sees_the_daemons_next_cycle(tmp_path):
    office = office_workspace(tmp_path)
    opened, serving = serve(office, MovableClock(LAST_CYCLE))
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            _journal(opened).set_meta("x", "y")
        office.advance("K-2026-0002", (2, "Diterima"), start_hour=10)  # the daemon writes while the Dasbor reads
        metrics = parse_prometheus(request(serving, "GET", "/metrics").text)
        assert metrics["sop_konten_cycles_total"]["samples"][()] == 3
    finally:
        serving.stop()
        opened.close()


def _journal(opened):
    return next(resource for resource in opened.closables if type(resource).__name__ == "Journal")


def test_bound_beyond_this_machine_it_refuses_to_start_without_sign_in(office):
    config = load_config(office.config)
    import dataclasses

    open_to_all = dataclasses.replace(config, dasbor=dataclasses.replace(config.dasbor, host="0.0.0.0"))
    with pytest.raises(DasborRefused) as refused:
        open_dasbor(open_to_all, environ={})
    assert refused.value.args[0] == dasbor_text.refused_without_sign_in("0.0.0.0")
    with_env_unset = dataclasses.replace(open_to_all, dasbor=dataclasses.replace(open_to_all.dasbor,
                                                                                 password_env="DASBOR_PW"))
    with pytest.raises(DasborRefused):
        open_dasbor(with_env_unset, environ={"DASBOR_PW": ""})
    opened = open_dasbor(with_env_unset, environ={"DASBOR_PW": "kunci"})
    opened.close()


def test_on_loopback_without_sign_in_configured_pages_are_open(office):
    opened, serving = serve(office, MovableClock(LAST_CYCLE), base_url="")
    try:
        answer = request(serving, "GET", "/status")
        assert answer.status == 200 and dasbor_text.SIGN_OUT not in answer.text
        assert request(serving, "GET", "/masuk").status == 303
    finally:
        serving.stop()
        opened.close()


@pytest.mark.slow
def test_sop_konten_dasbor_serves_alone_and_stops_on_sigterm(office, tmp_path):
    port = _free_port()
    office.config.write_text(office.config.read_text(encoding="utf-8")
                             + f"\n[dasbor]\nport = {port}\n", encoding="utf-8")
    try:
        process = subprocess.Popen([sys.executable, "-m", "automation.commands.cli", "dasbor", "--config",
                                    str(office.config)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, "SOP_KONTEN_FIXED_TIME": "2026-11-30T09:02"})
        try:
            line = process.stdout.readline()
            assert line.strip() == dasbor_text.serving(f"http://127.0.0.1:{port}"), process.stderr.read()
            served = _get(port, "/healthz")
            assert served == (200, dasbor_text.HEALTHZ_OK)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=60) == 0
        finally:
            if process.poll() is None:
                process.kill()
    finally:
        office.config.write_text(office.config.read_text(encoding="utf-8").split("\n[dasbor]\n")[0],
                                 encoding="utf-8")


@pytest.mark.slow
def test_sop_konten_run_serves_the_dasbor_beside_the_daemon(tmp_path):
    office = office_workspace(tmp_path)
    port = _free_port()
    office.config.write_text(office.config.read_text(encoding="utf-8") + f"\n[dasbor]\nport = {port}\n",
                             encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "automation.commands.cli", "run", "--config",
                                str(office.config)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    log: list[str] = []
    served = threading.Event()

    def read() -> None:
        for line in process.stderr:
            log.append(line)
            if dasbor_text.LOG_SERVING % f"http://127.0.0.1:{port}" in line:
                served.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert served.wait(timeout=120), "".join(log)
        assert _get(port, "/healthz")[0] in (200, 503)
        assert _get(port, "/status")[0] == 200  # loopback, no sign-in configured
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()


def test_run_goes_on_when_the_dasbors_port_is_taken(tmp_path, caplog):
    import socket

    from automation.commands.dasbor import serve_beside

    office = office_workspace(tmp_path)
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        config = load_config(office.config)
        import dataclasses

        config = dataclasses.replace(config, dasbor=dataclasses.replace(config.dasbor,
                                                                         port=taken.getsockname()[1]))
        assert serve_beside(config) is None
        assert any("daemon tetap berjalan" in record.getMessage() for record in caplog.records)
    finally:
        taken.close()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, str]:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def _messages(html: str) -> list[str]:
    return [_unescaped(text) for text in re.findall(r'class="message"[^>]*>([^<]*)<', html)]


def _unescaped(text: str) -> str:
    import html

    return html.unescape(text)
