"""The active people of `Petugas` as the daemon last read them, kept in the journal.

The Dasbor signs people in against this record, so it never reads the register itself (a register on Google
would cost requests, a workbook open in an editor could not be read at all). The engine writes it only when
it changed: a cycle that reads the same roster writes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from automation.domain.contract import Roster
from automation.service.journal import Journal

ACTIVE_ROSTER = "roster.active"  # meta: [{name, email, roles}] of the active people, by e-mail


@dataclass(frozen=True)
class Member:
    name: str
    email: str
    roles: tuple[str, ...]


def record_active_roster(journal: Journal, roster: Roster) -> None:
    members: dict[str, dict] = {}
    for person in roster.people:
        if not person.active or not person.email:  # nobody can sign in without an address
            continue
        member = members.setdefault(person.email.casefold(), {"name": person.name, "email": person.email,
                                                               "roles": []})
        if person.role not in member["roles"]:
            member["roles"].append(person.role)
    text = json.dumps(sorted(members.values(), key=lambda m: m["email"].casefold()), ensure_ascii=False)
    if journal.get_meta(ACTIVE_ROSTER) != text:
        journal.set_meta(ACTIVE_ROSTER, text)


def active_members(journal: Journal) -> dict[str, Member]:
    """e-mail (case-folded) -> the active person, as the daemon last read `Petugas`; empty before its first read."""
    text = journal.get_meta(ACTIVE_ROSTER)
    rows = json.loads(text) if text else []
    return {row["email"].casefold(): Member(row["name"], row["email"], tuple(row["roles"])) for row in rows}
