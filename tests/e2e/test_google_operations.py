"""The Google register under real conditions: request counts, people moving rows, quota storms, drift."""

from __future__ import annotations

import pytest

from automation.bootstrap import build_app
from automation.config import load_config
from tests.google_emulator.fixtures import DAEMON_EMAIL
from tests.google_office import OWNER, make_office
from tests.people import CONTRACT, actor, status

pytestmark = pytest.mark.slow  # each test runs the daemon on a whole emulated Google office (thousands of rows in one)

FAST_RETRIES = "\n[google]\n"  # placeholder replaced below


@pytest.fixture
def office(google_emulator, service_account_key, tmp_path):
    office = make_office(google_emulator, service_account_key, tmp_path / "kantor")
    text = office.config.read_text(encoding="utf-8").replace("retry_base_seconds = 1.0", "retry_base_seconds = 0.01")
    office.config.write_text(text, encoding="utf-8")
    return office


def daemon(office, at="2026-11-30T09:00"):
    """A long-running daemon's engine (one app, many cycles), seeing a fixed time."""
    import os

    os.environ["SOP_KONTEN_FIXED_TIME"] = at
    try:
        app = build_app(load_config(office.config))
    finally:
        os.environ.pop("SOP_KONTEN_FIXED_TIME", None)
    return app


def api_requests(emulator) -> int:
    return sum(n for kind, n in emulator.request_counts().items() if kind != "oauth.token")


def test_an_idle_poll_is_one_request(office, google_emulator):
    office.propose("Satu")
    app = daemon(office)
    google_emulator.clear_log()
    app.engine.run_once()
    counted = app.backends.request_counts()  # what /metrics shows: requests sent, by API
    assert counted["sheets"] == sum(n for kind, n in google_emulator.request_counts().items()
                                    if kind.startswith("sheets."))
    google_emulator.clear_log()
    for _ in range(3):
        app.engine.run_once()
    assert google_emulator.request_counts() == {"sheets.values.batchGet": 3}
    assert app.backends.request_counts() == {**counted, "sheets": counted["sheets"] + 3}


def fill_register(office, emulator, count):
    """`count` finished items, as a register kept for a year or more would have."""
    headers = CONTRACT.register_headers
    rows = []
    for n in range(1, count + 1):
        values = {h: "" for h in headers}
        values.update({"ID": f"K-2025-{n:04d}", "Judul": f"Konten lama {n}", "Jenis": "Infografis",
                       "Platform": "Instagram", "Tahap": "Terbit", "Caption": "Teks " * 20})
        for step in CONTRACT.step_numbers:
            values[status(step)] = CONTRACT.sop.step(step).outcomes[0].status
            values[CONTRACT.time(step)] = "2025-06-02 09:00"
        rows.append([values[h] for h in headers])
    sheet = emulator.spreadsheet(office.spreadsheet).sheet_by_title("Register")
    sheet.ensure_size(count + 10, len(headers))
    from tests.google_emulator.cells import enter

    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value:
                cell = sheet.cell(r, c)
                enter(cell, value, False)
                sheet.put(r, c, cell)


@pytest.mark.parametrize("size", [10, 5000])
def test_an_active_poll_costs_the_same_requests_for_10_and_5000_rows(office, google_emulator, size, request):
    fill_register(office, google_emulator, size)
    for title in ("A", "B", "C"):
        office.propose(title)
    app = daemon(office)
    app.engine.run_once()  # adopts the old rows, takes the three new ones
    ids = [r["ID"] for r in office.rows() if r["Judul"] in ("A", "B", "C")]
    assert len(ids) == 3
    for item in ids:
        office.decide(item, 2, "Diterima")
    google_emulator.clear_log()
    app.engine.run_once()
    counts = google_emulator.request_counts()
    counts.pop("oauth.token", None)
    assert counts == {"sheets.values.batchGet": 2, "sheets.spreadsheets.batchUpdate": 1}
    assert all(office.row(i)[status(3)] == "Menunggu" for i in ids)


@pytest.mark.parametrize("move", ["sort", "insert", "delete"])
def test_rows_moved_between_read_and_write_never_get_a_misplaced_value(office, google_emulator, move):
    for title in ("Cempaka", "Anggrek", "Bougenvil", "Dahlia"):
        office.propose(title)
    office.once(at="2026-11-30T08:00")
    by_title = {r["Judul"]: r["ID"] for r in office.rows()}
    office.decide(by_title["Dahlia"], 2, "Diterima")
    office.decide(by_title["Anggrek"], 2, "Ditolak")
    owner = google_emulator.as_person(OWNER)

    def people_move_rows():
        if move == "sort":
            owner.sort(office.spreadsheet, "Register", "Judul", ascending=False)
        elif move == "insert":
            owner.insert_rows(office.spreadsheet, "Register", 2, 3)
        else:
            owner.delete_rows(office.spreadsheet, "Register", office.row_number(by_title["Cempaka"]))

    google_emulator.after_next(people_move_rows, kind="sheets.values.batchGet")
    google_emulator.clear_log()
    office.once(at="2026-11-30T08:05")
    counts = google_emulator.request_counts()
    # the read, the re-resolve, the rows that moved meanwhile (read once more), the one write
    assert counts["sheets.values.batchGet"] == 3
    assert counts["sheets.spreadsheets.batchUpdate"] == 1 and "sheets.values.batchUpdate" not in counts
    rows = {r["Judul"]: r for r in office.rows()}
    assert rows["Dahlia"]["ID"] == by_title["Dahlia"] and rows["Dahlia"][status(3)] == "Menunggu"
    assert rows["Dahlia"][actor(3)] == "Sari Tim Konten"
    assert rows["Anggrek"]["Tahap"] == "Ditolak" and rows["Anggrek"][status(3)] == ""
    assert rows["Bougenvil"][status(3)] == "" and rows["Bougenvil"]["Tahap"].startswith("2. Pertimbangan")
    if move != "delete":
        assert rows["Cempaka"][status(3)] == "" and rows["Cempaka"]["Tahap"].startswith("2. Pertimbangan")
    for row in rows.values():  # every row still has its own ID beside its own title
        assert row["ID"] == by_title[row["Judul"]]


def test_a_person_editing_between_read_and_write_is_not_overwritten(office, google_emulator):
    office.propose("Bersaing")
    office.once(at="2026-11-30T08:00")
    item = office.rows()[0]["ID"]
    office.person("rina@kontributor.example").set_cell(office.spreadsheet, (office.row_number(item), "Caption"),
                                                       "versi 1", sheet="Register")
    office.decide(item, 2, "Diterima")

    def kabid_edits_caption():
        office.person("sari@kominfo.example").set_cell(office.spreadsheet, (office.row_number(item), "Caption"),
                                                       "versi 2", sheet="Register")

    google_emulator.after_next(kabid_edits_caption, kind="sheets.values.batchGet")
    office.once(at="2026-11-30T08:05")
    assert office.row(item)["Caption"] == "versi 2" and office.row(item)[status(3)] == "Menunggu"


def test_a_429_storm_is_ridden_out_and_nothing_is_lost_or_doubled(office, google_emulator):
    office.propose("Badai kuota")
    office.once(at="2026-11-30T08:00")
    item = office.rows()[0]["ID"]
    office.decide(item, 2, "Diterima")
    google_emulator.inject_429(kind="sheets.values.batchGet", times=3)
    google_emulator.inject_429(kind="sheets.spreadsheets.batchUpdate", times=2)
    google_emulator.inject_500(kind="sheets.values.batchGet", times=1)
    out = office.once(at="2026-11-30T08:05")
    assert "1 perpindahan langkah" in out
    row = office.row(item)
    assert row[status(3)] == "Menunggu"
    assert sum(1 for r in office.log() if r[5] == "Diterima") == 1
    office.once(at="2026-11-30T08:06")
    assert sum(1 for r in office.log() if r[5] == "Diterima") == 1


def test_quota_exhausted_defers_the_cycle_and_the_next_one_completes_it(office, google_emulator):
    office.propose("Kuota habis")
    office.once(at="2026-11-30T08:00")
    item = office.rows()[0]["ID"]
    office.decide(item, 2, "Diterima")
    google_emulator.inject_429(kind="sheets.spreadsheets.batchUpdate", times=20)
    out = office.once(at="2026-11-30T08:05")
    assert "register belum ditulis" in out
    assert office.row(item)[status(3)] == ""
    google_emulator.faults.clear()
    office.once(at="2026-11-30T08:06")
    row = office.row(item)
    assert row[status(3)] == "Menunggu" and row[CONTRACT.time(2)] == "2026-11-30 08:05"
    assert sum(1 for r in office.log() if r[5] == "Diterima") == 1


def test_check_reports_protections_that_drifted(office, google_emulator):
    assert office.main("check") .startswith("OK"), office.main("check")
    owner = google_emulator.as_person(OWNER)
    owner.append_row(office.spreadsheet, "Petugas", {"Nama": "Tono", "Email": "tono@kominfo.example",
                                                     "Peran": "Tim Konten", "Aktif": "Ya"})
    out = office.main("check")
    assert office.last_code == 1
    assert "Proteksi tidak sesuai" in out and "2. Pertimbangan - Status" in out
    office.main("setup")
    assert office.main("check").startswith("OK")


def test_check_names_the_account_when_the_spreadsheet_is_not_shared(office, google_emulator):
    google_emulator.unshare(office.spreadsheet, DAEMON_EMAIL)
    out = office.main("check")
    assert office.last_code == 1
    assert f"belum dibagikan ke akun layanan {DAEMON_EMAIL}" in out


def test_the_report_also_goes_to_a_laporan_tab(office, google_emulator):
    office.propose("Untuk laporan")
    office.once(at="2026-10-05T09:00")
    item = office.rows()[0]["ID"]
    office.decide(item, 2, "Diterima")
    office.once(at="2026-10-05T09:08")
    out = office.main("report", at="2026-10-20T10:00")  # the month to date: 1 to 20 October
    assert office.last_code == 0 and "Tab Laporan:" in out
    values = google_emulator.values(office.spreadsheet, "Laporan")
    flat = [str(v) for row in values for v in row]
    assert "Ringkasan" in flat and "Monitoring SOP" in flat
    assert any("Berjalan dengan baik" in v for v in flat)
    office.main("report", at="2026-10-20T10:05")  # replaced, not stacked
    assert len(google_emulator.values(office.spreadsheet, "Laporan")) == len(values)
