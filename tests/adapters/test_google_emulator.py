"""The Google emulator, driven by the REAL gspread, google-api-python-client and google-auth."""

from __future__ import annotations

import base64
import io
import json
from email.message import EmailMessage

import google.auth.exceptions
import gspread
import pytest
import requests
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaInMemoryUpload, MediaIoBaseUpload

from tests.google_emulator import PROTECTED_MESSAGE, ApiError, GoogleEmulator, PersonEditRejected
from tests.google_emulator import fixtures as emulator_fixtures
from tests.google_emulator.clients import (
    GMAIL_SCOPES,
    credentials,
    drive_batch,
    drive_service,
    gmail_service,
    gspread_client,
    sheets_service,
)
from tests.google_emulator.fixtures import DAEMON_EMAIL

google_emulator = emulator_fixtures.google_emulator  # the fixtures the lead's conftest can import too
service_account_key = emulator_fixtures.service_account_key

EDITOR = "redaktur@jogjakota.go.id"
STRANGER = "someone@elsewhere.example"
HEADERS = ["ID", "Judul", "Status", "Petugas", "Catatan"]
ROWS = [HEADERS, ["K-001", "Hari Jadi", "Draft", "ani", ""], ["K-002", "Banjir", "Review", "budi", "x"]]


@pytest.fixture
def register(google_emulator: GoogleEmulator) -> str:
    return google_emulator.create_spreadsheet(
        "SOP Konten", DAEMON_EMAIL, sheets=[("Register", 57, 34), ("Petugas", 100, 5), "Log"],
        values={"Register": ROWS}, shared_with={EDITOR: "writer"})


@pytest.fixture
def gc(google_emulator: GoogleEmulator, service_account_key) -> gspread.Client:
    return gspread_client(google_emulator, service_account_key)


# --- OAuth --------------------------------------------------------------------------------------

def test_token_flow_with_google_auth(google_emulator, service_account_key):
    creds = credentials(service_account_key)
    from google.auth.transport.requests import Request

    creds.refresh(Request())
    assert creds.token.startswith("ya29.")
    assert google_emulator.count("oauth.token") == 1
    r = requests.get(google_emulator.base_url + "drive/v3/files", headers={"Authorization": f"Bearer {creds.token}"})
    assert r.status_code == 200


def test_unknown_key_is_refused_and_missing_token_is_401(google_emulator, service_account_key):
    forged = json.loads(service_account_key.read_text())
    forged["client_email"] = "intruder@evil.iam.gserviceaccount.com"
    with pytest.raises(google.auth.exceptions.RefreshError, match="invalid_grant"):
        from google.auth.transport.requests import Request

        credentials(forged).refresh(Request())
    r = requests.get(google_emulator.base_url + "v4/spreadsheets/x")
    assert r.status_code == 401
    assert r.json()["error"]["status"] == "UNAUTHENTICATED"
    r = requests.get(google_emulator.base_url + "v4/spreadsheets/x", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401


def test_revoked_token_is_refreshed_transparently(google_emulator, gc, register):
    gc.open_by_key(register)
    google_emulator.revoke_tokens()
    assert gc.open_by_key(register).title == "SOP Konten"
    assert google_emulator.count("oauth.token") == 2
    assert google_emulator.count(status=401) == 1


# --- Sheets through gspread ---------------------------------------------------------------------

def test_open_by_key_metadata(gc, register):
    sh = gc.open_by_key(register)
    assert [ws.title for ws in sh.worksheets()] == ["Register", "Petugas", "Log"]
    meta = sh.fetch_sheet_metadata()
    props = meta["sheets"][0]["properties"]
    assert props["gridProperties"] == {"rowCount": 57, "columnCount": 34}
    assert meta["properties"]["timeZone"] == "Etc/GMT"
    assert meta["spreadsheetUrl"].endswith(f"/d/{register}/edit")


def test_batch_get_ranges_and_trimming(gc, register):
    sh = gc.open_by_key(register)
    result = sh.values_batch_get(["Register", "'Register'!B2:E3", "Petugas!A1:C"])
    first, second, third = result["valueRanges"]
    assert first["range"] == "Register!A1:AH57"
    assert first["values"][1] == ["K-001", "Hari Jadi", "Draft", "ani"]  # trailing "" dropped
    assert second == {"range": "Register!B2:E3", "majorDimension": "ROWS",
                      "values": [["Hari Jadi", "Draft", "ani"], ["Banjir", "Review", "budi", "x"]]}
    assert third == {"range": "Petugas!A1:C100", "majorDimension": "ROWS"}


def test_batch_update_raw_keeps_formulas_as_text(google_emulator, gc, register):
    ws = gc.open_by_key(register).worksheet("Register")
    ws.batch_update([{"range": "E2", "values": [["=1+1"]]}, {"range": "C3:D3", "values": [["Siap", "12"]]}],
                    value_input_option="RAW")
    assert google_emulator.cell(register, "Register!E2") == "=1+1"
    assert ws.get("E2", value_render_option="FORMULA") == [["=1+1"]]
    assert ws.get("D3", value_render_option="UNFORMATTED_VALUE") == [["12"]]
    ws.update([["=2*21", "12"]], "F2", value_input_option="USER_ENTERED")
    assert ws.get("F2:G2", value_render_option="UNFORMATTED_VALUE") == [[42, 12]]
    assert ws.get("F2", value_render_option="FORMULA") == [["=2*21"]]


def test_batch_update_is_atomic(google_emulator, gc, register):
    sh = gc.open_by_key(register)
    body = {"requests": [
        {"updateCells": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 4,
                                   "endColumnIndex": 5}, "rows": [{"values": [{"note": "x"}]}], "fields": "note"}},
        {"deleteSheet": {"sheetId": 999}},
    ]}
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.batch_update(body)
    assert err.value.code == 400
    assert err.value.error == {"code": 400, "message": "Invalid requests[1].deleteSheet: No grid with id: 999",
                               "status": "INVALID_ARGUMENT"}
    assert google_emulator.note(register, "Register!E2") is None


def test_append_finds_the_table(google_emulator, gc, register):
    ws = gc.open_by_key(register).worksheet("Register")
    result = ws.append_rows([["K-003", "Sekaten", "Draft"]], value_input_option="RAW", table_range="A1")
    assert result["tableRange"] == "Register!A1:E3"
    assert result["updates"]["updatedRange"] == "Register!A4:C4"
    result = ws.append_rows([["K-004", "Pawai"]], value_input_option="RAW",
                            insert_data_option="INSERT_ROWS", table_range="A1")
    assert result["updates"]["updatedRange"] == "Register!A5:B5"
    assert google_emulator.spreadsheet(register).sheet_by_title("Register").rows == 58  # one row inserted
    assert google_emulator.values(register, "Register!A4:A5") == [["K-003"], ["K-004"]]


def test_notes(gc, register):
    ws = gc.open_by_key(register).worksheet("Register")
    ws.update_note("C3", "Status tidak dikenal")
    assert ws.get_note("C3") == "Status tidak dikenal"
    assert ws.get_notes()[2][2] == "Status tidak dikenal"
    ws.clear_note("C3")
    assert ws.get_note("C3") == ""


def test_value_render_options_and_dates(gc, register):
    ws = gc.open_by_key(register).worksheet("Petugas")
    ws.update([["2024-05-01", "1,234.5", "TRUE", "'007"]], "A1", value_input_option="USER_ENTERED")
    assert ws.get("A1:D1") == [["2024-05-01", "1,234.5", "TRUE", "007"]]
    assert ws.get("A1:D1", value_render_option="UNFORMATTED_VALUE") == [[45413, 1234.5, True, "007"]]
    assert ws.get("A1", value_render_option="UNFORMATTED_VALUE",
                  date_time_render_option="FORMATTED_STRING") == [["2024-05-01"]]


def test_unshared_is_403_and_unknown_is_404(google_emulator, gc):
    private = google_emulator.create_spreadsheet("Private", STRANGER)
    with pytest.raises(PermissionError):
        gc.open_by_key(private)
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        gc.open_by_key("does-not-exist")
    google_emulator.share(private, DAEMON_EMAIL, "reader")
    ws = gc.open_by_key(private).sheet1
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.update([["x"]], "A1")
    assert err.value.error == {"code": 403, "message": "The caller does not have permission",
                               "status": "PERMISSION_DENIED"}


def test_429_injection_reaches_gspread(google_emulator, gc, register):
    google_emulator.inject_429(kind="sheets.values.batchGet")
    sh = gc.open_by_key(register)
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.values_batch_get(["Register"])
    assert err.value.code == 429
    assert err.value.error["status"] == "RESOURCE_EXHAUSTED"
    assert err.value.error["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"
    assert sh.values_batch_get(["Register"])["valueRanges"][0]["range"] == "Register!A1:AH57"


def test_500_503_and_slow_answers(google_emulator, gc, register):
    sh = gc.open_by_key(register)
    google_emulator.inject_500(kind="sheets.values")
    google_emulator.inject_503(kind="sheets.values")
    for code, status in ((500, "INTERNAL"), (503, "UNAVAILABLE")):
        with pytest.raises(gspread.exceptions.APIError) as err:
            sh.values_get("Register!A1")
        assert (err.value.code, err.value.error["status"]) == (code, status)
    google_emulator.inject_delay(0.6, kind="sheets.values.get")
    gc.http_client.set_timeout(0.2)
    with pytest.raises(requests.exceptions.ReadTimeout):
        sh.values_get("Register!A1")
    gc.http_client.set_timeout(None)
    assert sh.values_get("Register!A1")["values"] == [["ID"]]


def test_person_edit_lands_between_read_and_write(google_emulator, gc, register):
    person = google_emulator.as_person(EDITOR)
    google_emulator.after_next(lambda: person.set_cell(register, (2, "Status"), "Batal", sheet="Register"),
                               kind="sheets.values.batchGet")
    sh = gc.open_by_key(register)
    read = sh.values_batch_get(["Register"])["valueRanges"][0]["values"]
    assert read[1][2] == "Draft"  # the answer was computed before the edit
    assert google_emulator.cell(register, "Register!C2") == "Batal"
    assert google_emulator.drive_file(register).last_modifying_user == EDITOR


def test_request_log_counts_per_poll(google_emulator, gc, register):
    sh = gc.open_by_key(register)
    google_emulator.clear_log()
    sh.values_batch_get(["Register", "Petugas", "Log!A:A"])
    sh.values_batch_update({"valueInputOption": "RAW", "data": [{"range": "Register!E2", "values": [["ok"]]}]})
    assert google_emulator.request_counts() == {"sheets.values.batchGet": 1, "sheets.values.batchUpdate": 1}
    entry = google_emulator.requests[-1]
    assert (entry.method, entry.status, entry.identity) == ("POST", 200, DAEMON_EMAIL)
    assert entry.request_bytes > 0 and entry.response_bytes > 0


# --- protection ---------------------------------------------------------------------------------

def test_protected_ranges_block_people_and_other_accounts(google_emulator, gc, register, tmp_path):
    ws = gc.open_by_key(register).worksheet("Register")
    ws.add_protected_range("C1:C57", editor_users_emails=[DAEMON_EMAIL], description="Status: daemon only")
    person = google_emulator.as_person(EDITOR)
    with pytest.raises(ApiError) as err:
        person.set_cell(register, "C2", "Tayang", sheet="Register")
    assert err.value.status == 400 and err.value.message == PROTECTED_MESSAGE
    with pytest.raises(ApiError):
        person.sort(register, "Register", "Judul")
    with pytest.raises(ApiError):
        person.insert_rows(register, "Register", 3)
    person.set_cell(register, (2, "Judul"), "Hari Jadi Kota")  # unprotected column: fine
    ws.update([["Tayang"]], "C2")  # the daemon is an editor
    assert google_emulator.cell(register, "Register!B2") == "Hari Jadi Kota"
    assert google_emulator.cell(register, "Register!C2") == "Tayang"
    other_key = tmp_path / "other.json"
    google_emulator.write_service_account_key(other_key, "other@sop-konten-test.iam.gserviceaccount.com")
    google_emulator.share(register, "other@sop-konten-test.iam.gserviceaccount.com", "writer")
    other = gspread_client(google_emulator, other_key).open_by_key(register).worksheet("Register")
    with pytest.raises(gspread.exceptions.APIError) as api_err:
        other.update([["x"]], "C3")
    assert api_err.value.error == {"code": 400, "message": PROTECTED_MESSAGE, "status": "INVALID_ARGUMENT"}
    meta = gc.open_by_key(register).fetch_sheet_metadata()
    protected = meta["sheets"][0]["protectedRanges"][0]
    assert protected["editors"] == {"users": [DAEMON_EMAIL]} and protected["requestingUserCanEdit"] is True


def test_protection_follows_inserted_rows_and_dropdowns_are_strict(google_emulator, register):
    google_emulator.protect(register, "Register!A2:A3", editors=[DAEMON_EMAIL])
    person = google_emulator.as_person(EDITOR)
    person.insert_rows(register, "Register", 2)
    assert google_emulator.protected_ranges(register)[0]["range"]["startRowIndex"] == 2
    person.set_cell(register, "A2", "new", sheet="Register")
    sheets = sheets_service(google_emulator, credentials(google_emulator.service_account_key(DAEMON_EMAIL)))
    sheets.spreadsheets().batchUpdate(spreadsheetId=register, body={"requests": [{"setDataValidation": {
        "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 57, "startColumnIndex": 2, "endColumnIndex": 3},
        "rule": {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "Draft"},
                                                                 {"userEnteredValue": "Review"}]},
                 "strict": True, "showCustomUi": True}}}]}).execute()
    with pytest.raises(PersonEditRejected):
        person.set_cell(register, "C4", "Terserah", sheet="Register")
    person.set_cell(register, "C4", "Review", sheet="Register")


# --- Drive --------------------------------------------------------------------------------------

def _drive(emu: GoogleEmulator, key):
    return drive_service(emu, credentials(key))


def test_drive_create_list_move_and_download(google_emulator, service_account_key):
    drive = _drive(google_emulator, service_account_key)
    kw = {"supportsAllDrives": True}
    intake = drive.files().create(body={"name": "00 Intake", "mimeType": "application/vnd.google-apps.folder"},
                                  **kw).execute()
    review = drive.files().create(body={"name": "10 Review", "mimeType": "application/vnd.google-apps.folder"},
                                  fields="id", **kw).execute()
    media = MediaInMemoryUpload(b"\x89PNG...", mimetype="image/png")
    up = drive.files().create(body={"name": "poster.png", "parents": [intake["id"]]}, media_body=media,
                              fields="id,md5Checksum,size,version,owners,lastModifyingUser", **kw).execute()
    assert up["size"] == "7" and len(up["md5Checksum"]) == 32
    assert up["owners"][0]["emailAddress"] == DAEMON_EMAIL
    listed = drive.files().list(q=f"'{intake['id']}' in parents and trashed = false and mimeType != "
                                  "'application/vnd.google-apps.folder'", fields="files(id,name)",
                                includeItemsFromAllDrives=True, **kw).execute()
    assert listed == {"files": [{"id": up["id"], "name": "poster.png"}]}
    moved = drive.files().update(fileId=up["id"], addParents=review["id"], removeParents=intake["id"],
                                 fields="parents,version", **kw).execute()
    assert moved["parents"] == [review["id"]] and int(moved["version"]) > int(up["version"])
    with pytest.raises(HttpError) as err:
        drive.files().update(fileId=up["id"], addParents=intake["id"], **kw).execute()
    assert err.value.resp.status == 403
    assert drive.files().get_media(fileId=up["id"], **kw).execute() == b"\x89PNG..."
    big = MediaIoBaseUpload(io.BytesIO(b"v" * 600_000), mimetype="video/mp4", chunksize=256 * 1024, resumable=True)
    request = drive.files().create(body={"name": "clip.mp4", "parents": [review["id"]]}, media_body=big, **kw)
    response = None
    while response is None:
        _, response = request.next_chunk()
    assert google_emulator.drive_file(response["id"]).content == b"v" * 600_000
    assert google_emulator.drive_calls_without_supports_all_drives() == []


def test_shared_drive_needs_supports_all_drives(google_emulator, service_account_key):
    drive_id = google_emulator.create_shared_drive("Humas", DAEMON_EMAIL, members={EDITOR: "writer"})
    folder = google_emulator.create_folder("Intake", DAEMON_EMAIL, parent=drive_id)
    file_id = google_emulator.as_person(EDITOR).upload_file(folder, "foto.jpg", b"jpeg")
    drive = _drive(google_emulator, service_account_key)
    with pytest.raises(HttpError) as err:
        drive.files().get(fileId=file_id).execute()
    assert err.value.resp.status == 404
    got = drive.files().get(fileId=file_id, supportsAllDrives=True, fields="id,driveId,lastModifyingUser").execute()
    assert got["driveId"] == drive_id and got["lastModifyingUser"]["emailAddress"] == EDITOR
    listed = drive.files().list(corpora="drive", driveId=drive_id, includeItemsFromAllDrives=True,
                                supportsAllDrives=True, q="name = 'foto.jpg'").execute()
    assert [f["id"] for f in listed["files"]] == [file_id]
    assert [e.kind for e in google_emulator.drive_calls_without_supports_all_drives()] == ["drive.files.get"]


def test_changes_feed_and_permissions(google_emulator, service_account_key):
    drive = _drive(google_emulator, service_account_key)
    folder = google_emulator.create_folder("Intake", STRANGER)
    start = drive.changes().getStartPageToken(supportsAllDrives=True).execute()["startPageToken"]
    google_emulator.upload_file(folder, "invisible.jpg", b"1", STRANGER)
    google_emulator.share(folder, DAEMON_EMAIL, "writer")
    google_emulator.share(folder, EDITOR, "writer")
    new = google_emulator.as_person(EDITOR).upload_file(folder, "baru.jpg", b"2", "image/jpeg")
    changes = drive.changes().list(pageToken=start, supportsAllDrives=True, includeItemsFromAllDrives=True,
                                   fields="newStartPageToken,changes(fileId,removed,file(name,parents))").execute()
    names = {c["file"]["name"] for c in changes["changes"]}
    assert {"Intake", "invisible.jpg", "baru.jpg"} <= names
    google_emulator.state.drive.files[new].trashed = True
    again = drive.changes().list(pageToken=changes["newStartPageToken"], supportsAllDrives=True).execute()
    assert again["changes"] == [] and again["newStartPageToken"] == changes["newStartPageToken"]
    perm = drive.permissions().create(fileId=folder, body={"role": "reader", "type": "user",
                                                           "emailAddress": "tamu@jogjakota.go.id"},
                                      sendNotificationEmail=False, supportsAllDrives=True).execute()
    assert perm["role"] == "reader" and perm["kind"] == "drive#permission"
    perms = drive.permissions().list(fileId=folder, supportsAllDrives=True,
                                     fields="permissions(emailAddress,role)").execute()["permissions"]
    assert {"emailAddress": "tamu@jogjakota.go.id", "role": "reader"} in perms


def test_drive_batch(google_emulator, service_account_key):
    drive = _drive(google_emulator, service_account_key)
    folder = google_emulator.create_folder("Stage", DAEMON_EMAIL)
    ids = [google_emulator.upload_file(folder, f"f{i}.jpg", b"x", DAEMON_EMAIL) for i in range(3)]
    answers: dict[str, object] = {}
    batch = drive_batch(google_emulator, callback=lambda rid, resp, exc: answers.__setitem__(rid, resp or exc))
    for file_id in ids + ["missing-id"]:
        batch.add(drive.files().get(fileId=file_id, fields="id,name", supportsAllDrives=True))
    google_emulator.clear_log()
    batch.execute()
    assert [answers[str(i)]["name"] for i in range(1, 4)] == ["f0.jpg", "f1.jpg", "f2.jpg"]
    assert isinstance(answers["4"], HttpError) and answers["4"].resp.status == 404
    assert google_emulator.count("drive") == 1 and google_emulator.count("drive", include_batch_parts=True) == 5
    too_many = drive_batch(google_emulator)
    too_many._order = [str(i) for i in range(101)]  # BatchHttpRequest itself refuses to add > 1000
    too_many._requests = {str(i): drive.files().get(fileId=ids[0], supportsAllDrives=True) for i in range(101)}
    with pytest.raises(HttpError) as err:
        too_many.execute()
    assert err.value.resp.status == 400


# --- Gmail --------------------------------------------------------------------------------------

def _raw_mail() -> str:
    msg = EmailMessage()
    msg["To"] = EDITOR
    msg["Subject"] = "Konten K-001 siap direview"
    msg.set_content("Halo,\nkonten menunggu review.")
    return base64.urlsafe_b64encode(msg.as_bytes()).decode()


def test_gmail_send_needs_domain_wide_delegation(google_emulator, service_account_key):
    plain = gmail_service(google_emulator, credentials(service_account_key, scopes=GMAIL_SCOPES))
    with pytest.raises(HttpError) as err:
        plain.users().messages().send(userId="me", body={"raw": _raw_mail()}).execute()
    assert err.value.resp.status == 400
    assert json.loads(err.value.content)["error"]["status"] == "FAILED_PRECONDITION"
    delegated = gmail_service(google_emulator, credentials(service_account_key, subject="humas@jogjakota.go.id",
                                                           scopes=GMAIL_SCOPES))
    sent = delegated.users().messages().send(userId="me", body={"raw": _raw_mail()}).execute()
    assert sent["labelIds"] == ["SENT"]
    (message,) = google_emulator.sent_messages
    assert (message["sender"], message["to"], message["subject"]) == (
        "humas@jogjakota.go.id", EDITOR, "Konten K-001 siap direview")
    assert "menunggu review" in message["body"]


# --- developer metadata -------------------------------------------------------------------------

def test_row_metadata_follows_inserts_but_not_sorts(google_emulator, gc, register):
    sh = gc.open_by_key(register)
    sh.batch_update({"requests": [{"createDeveloperMetadata": {"developerMetadata": {
        "metadataKey": "item", "metadataValue": "K-002", "visibility": "DOCUMENT",
        "location": {"dimensionRange": {"sheetId": 0, "dimension": "ROWS", "startIndex": 2, "endIndex": 3}}}}}]})
    lookup = {"dataFilters": [{"developerMetadataLookup": {"metadataKey": "item", "metadataValue": "K-002"}}]}

    def row_of_k002() -> list:
        answer = sh.client.request("post", f"{google_emulator.base_url}v4/spreadsheets/{register}"
                                   "/values:batchGetByDataFilter", json=lookup).json()
        return answer["valueRanges"][0]["valueRange"].get("values", [[""]])[0]

    assert row_of_k002()[0] == "K-002"
    google_emulator.as_person(EDITOR).insert_rows(register, "Register", 2)
    assert row_of_k002()[0] == "K-002"
    google_emulator.as_person(EDITOR).sort(register, "Register", "ID", ascending=False)
    assert row_of_k002()[0] != "K-002"  # undocumented on Google: the emulator is pessimistic


# --- small pieces -------------------------------------------------------------------------------

def test_a1_notation_quoting_and_parsing():
    from tests.google_emulator import a1

    assert [a1.quote_title(t) for t in ("Register", "Sheet1", "D3", "Log 2024", "it's", "R1C1")] == [
        "Register", "Sheet1", "'D3'", "'Log 2024'", "'it''s'", "'R1C1'"]
    assert a1.split_sheet("'it''s'!A2:B") == ("it's", "A2:B", True)
    bounds = a1.parse_cells("C5:A2")
    assert (bounds.r0, bounds.r1, bounds.c0, bounds.c1) == (1, 5, 0, 3)
    assert a1.format_range("Log 2024", 0, 57, 0, 34) == "'Log 2024'!A1:AH57"


def test_person_row_helpers(google_emulator, register):
    person = google_emulator.as_person(EDITOR)
    row = person.append_row(register, "Register", {"ID": "K-003", "Status": "Draft"})
    assert row == 4 and google_emulator.values(register, "Register!A4:C4") == [["K-003", "", "Draft"]]
    person.delete_rows(register, "Register", 2)
    assert google_emulator.values(register, "Register!A2:A3") == [["K-002"], ["K-003"]]
    person.set_note(register, (2, "Catatan"), "cek ulang", sheet="Register")
    assert google_emulator.note(register, "Register!E2") == "cek ulang"
    with pytest.raises(ApiError) as err:
        google_emulator.as_person(STRANGER).set_cell(register, "A2", "x", sheet="Register")
    assert err.value.status == 403


def test_drive_list_pages(google_emulator, service_account_key):
    folder = google_emulator.create_folder("Arsip", DAEMON_EMAIL)
    for i in range(5):
        google_emulator.upload_file(folder, f"{i}.txt", b"x", DAEMON_EMAIL, "text/plain")
    drive = _drive(google_emulator, service_account_key)
    names, token = [], None
    while True:
        page = drive.files().list(q=f"'{folder}' in parents", pageSize=2, pageToken=token, orderBy="name",
                                  fields="nextPageToken,files(name)", supportsAllDrives=True,
                                  includeItemsFromAllDrives=True).execute()
        names += [f["name"] for f in page["files"]]
        token = page.get("nextPageToken")
        if not token:
            break
    assert names == ["0.txt", "1.txt", "2.txt", "3.txt", "4.txt"]
    assert google_emulator.count("drive.files.list") == 3


def test_moving_inside_a_shared_drive_needs_content_manager(google_emulator, service_account_key):
    drive_id = google_emulator.create_shared_drive("Humas", EDITOR, members={DAEMON_EMAIL: "writer"})
    intake = google_emulator.create_folder("Intake", EDITOR, parent=drive_id)
    done = google_emulator.create_folder("Selesai", EDITOR, parent=drive_id)
    file_id = google_emulator.upload_file(intake, "foto.jpg", b"jpeg", EDITOR)
    drive = _drive(google_emulator, service_account_key)
    move = drive.files().update(fileId=file_id, addParents=done, removeParents=intake, supportsAllDrives=True)
    with pytest.raises(HttpError) as err:
        move.execute()
    assert err.value.resp.status == 403
    google_emulator.share(drive_id, DAEMON_EMAIL, "fileOrganizer")
    assert move.execute()["id"] == file_id
    assert google_emulator.drive_file(file_id).parents == [done]
