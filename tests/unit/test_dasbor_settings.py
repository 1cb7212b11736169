"""The Dasbor's settings: the [dasbor] table, when sign-in is needed, and who may sign in."""

from __future__ import annotations

from pathlib import Path

import pytest

from automation.config import ConfigError, parse_config
from automation.domain.contract import Person, Roster
from automation.domain.texts import dasbor as dasbor_text
from automation.service.journal import Journal
from automation.service.roster_record import ACTIVE_ROSTER, active_members, record_active_roster
from automation.web.auth import AuthSettings, DasborRefused, auth_settings, check_binding, is_loopback

CONFIG = Path("/kantor/sop-konten.toml")


def test_the_dasbor_is_on_by_default_on_loopback():
    dasbor = parse_config({}, CONFIG).dasbor
    assert (dasbor.enabled, dasbor.host, dasbor.port, dasbor.base_url) == (True, "127.0.0.1", 8470, "")
    assert (dasbor.session_hours, dasbor.link_minutes, dasbor.password_env) == (12, 15, "")


def test_every_dasbor_key_is_read_and_known():
    config = parse_config({"dasbor": {"enabled": False, "host": "0.0.0.0", "port": 9000,
                                      "base_url": "https://dasbor.kantor.example/", "session_hours": 8,
                                      "link_minutes": 5, "password_env": "PW"}}, CONFIG)
    assert config.dasbor.base_url == "https://dasbor.kantor.example"  # links append /masuk/<token>
    assert (config.dasbor.enabled, config.dasbor.port, config.dasbor.session_hours) == (False, 9000, 8)
    assert config.warnings == ()


@pytest.mark.parametrize(("table", "key"), [
    ({"port": 0}, "dasbor.port"), ({"port": 70000}, "dasbor.port"), ({"enabled": "ya"}, "dasbor.enabled"),
    ({"base_url": "dasbor.kantor.example"}, "dasbor.base_url"), ({"session_hours": 0}, "dasbor.session_hours"),
    ({"link_minutes": 0}, "dasbor.link_minutes"),
])
def test_a_bad_dasbor_value_names_its_key(table, key):
    with pytest.raises(ConfigError, match=f"'{key}'"):
        parse_config({"dasbor": table}, CONFIG)


def test_an_unknown_dasbor_key_is_a_warning():
    warnings = parse_config({"dasbor": {"prot": 1}}, CONFIG).warnings
    assert len(warnings) == 1 and "dasbor.prot" in warnings[0] and "port" in warnings[0]


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True),
                                                ("localhost", True), ("0.0.0.0", False), ("::", False),
                                                ("192.168.1.10", False), ("dasbor.kantor", False)])
def test_only_loopback_may_serve_without_sign_in(host, loopback):
    assert is_loopback(host) is loopback
    if loopback:
        check_binding(host, AuthSettings())
    else:
        with pytest.raises(DasborRefused, match=host):
            check_binding(host, AuthSettings())
    check_binding(host, AuthSettings(password="x"))
    check_binding(host, AuthSettings(base_url="https://dasbor.kantor"))


def test_the_password_comes_from_the_environment_and_an_empty_one_is_none():
    config = parse_config({"dasbor": {"password_env": "PW", "host": "0.0.0.0"}}, CONFIG).dasbor
    assert auth_settings(config, {"PW": "rahasia"}).required
    unset = auth_settings(config, {"PW": ""})
    assert not unset.required
    with pytest.raises(DasborRefused) as refused:
        check_binding(config.host, unset)
    assert str(refused.value) == dasbor_text.refused_without_sign_in("0.0.0.0")


def test_the_active_roster_is_kept_by_address_with_every_role_and_written_only_when_it_changes(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite3")
    roster = Roster((Person("Sari", "Sari@ikp.example", "Tim Konten", True),
                     Person("Sari", "sari@ikp.example", "Admin Medsos", True),
                     Person("Dimas", "dimas@ikp.example", "Desainer/Editor", False),
                     Person("Tanpa Alamat", "", "Tim Konten", True)))
    record_active_roster(journal, roster)
    members = active_members(journal)
    assert list(members) == ["sari@ikp.example"]
    assert members["sari@ikp.example"].roles == ("Tim Konten", "Admin Medsos")
    writes: list[str] = []
    journal.db.set_trace_callback(lambda statement: writes.append(statement) if "meta" in statement else None)
    record_active_roster(journal, roster)
    assert not [w for w in writes if w.lstrip().upper().startswith("INSERT")]
    record_active_roster(journal, Roster(()))
    assert active_members(journal) == {} and journal.get_meta(ACTIVE_ROSTER) == "[]"
