"""Idempotency keys: built and taken apart here only.

An effect or event key reads `<item>/<step>/<activation>/<kind>[:<target>]`, e.g.
`K-2026-0007/6/1/publish:Instagram`. Its string form is what the journal stores,
so it must never change: deciding the same change twice (after a crash) must
yield the same keys, also across versions of the daemon.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EffectKind(StrEnum):
    """What performing an effect does; the ledger's `kind` column."""

    CLAIM = "claim"  # turn an upload in the intake folder into the item's folder
    PLACE = "place"  # create or move the item's folder
    CHECK = "check"  # check caption and media before the approval
    PUBLISH = "publish"
    NOTIFY = "notify"
    ARCHIVE = "archive"  # move a finished row from the Register to the yearly archive


class KeyKind(StrEnum):
    """The `<kind>` part of a key: which event or effect of the activation it is."""

    CREATED = "created"
    TRANSITION = "transition"
    REASSIGN = "reassign"
    UNDO = "undo"
    ADOPTED = "adopted"
    REOPENED = "reopened"  # the approval asked again: the approved content changed before publishing
    INTAKE = "intake"
    CLAIM = "claim"
    PLACE = "place"
    CHECK = "check"
    PUBLISH = "publish"
    TASK = "task"
    REMIND = "remind"
    ESCALATE = "escalate"
    REJECTED = "rejected"
    PUBLISHED = "published"
    RECEIVED = "received"  # the contributor's receipt: the idea is registered under its ID
    ACCEPTED = "accepted"  # the contributor is told the idea was accepted
    PUBLISH_FAILED = "publish-failed"
    PUBLISH_UNCONFIRMED = "publish-unconfirmed"
    PUBLISH_MANUAL = "publish-manual"
    TOKEN = "token"
    LOCK_REMINDER = "lock-reminder"
    ARCHIVE = "archive"  # the move of a finished row to the yearly archive (an effect)
    ARCHIVED = "archived"  # the Log line saying it moved (an event)


TOKEN_ITEM = "token"  # the item part of a token warning's key, which belongs to no item
REGISTER_ITEM = "register"  # the item part of a lock reminder's key, which belongs to no item
DIGEST_PREFIX = "digest"


@dataclass(frozen=True)
class EffectKey:
    item_id: str
    step: int | str  # a step number; for a token warning, the platform
    activation: int | str  # an activation number; for a token warning, the expiry date
    kind: str  # a KeyKind
    target: str | None = None  # after the colon (platform, recipient, ...); None: no colon at all

    def __str__(self) -> str:
        what = self.kind if self.target is None else f"{self.kind}:{self.target}"
        return f"{self.item_id}/{self.step}/{self.activation}/{what}"

    @classmethod
    def parse(cls, text: str) -> EffectKey:
        """The key of `str(key)`; ValueError for text that is not a key."""
        parts = text.split("/", 3)
        if len(parts) != 4 or not parts[0] or not parts[3]:
            raise ValueError(f"not an effect key: {text!r}")
        item_id, step, activation, what = parts
        kind, colon, target = what.partition(":")
        return cls(item_id, _number_or_text(step), _number_or_text(activation), kind, target if colon else None)

    @classmethod
    def token_warning(cls, platform: str, expiry_day: str, email: str) -> EffectKey:
        """The admin's warning that a platform token expires on `expiry_day` (ISO date)."""
        return cls(TOKEN_ITEM, platform, expiry_day, KeyKind.TOKEN, email)

    @classmethod
    def lock_reminder(cls, lock_file: str, episode: str, email: str) -> EffectKey:
        """The one reminder to close the register, per opening (`episode`) of the workbook."""
        return cls(REGISTER_ITEM, lock_file, episode, KeyKind.LOCK_REMINDER, email)

    def is_a(self, kind: KeyKind) -> bool:
        return self.kind == kind


def key_kind(text: str) -> str:
    """The `<kind>` of a key's text, or "" when the text is not a key."""
    try:
        return EffectKey.parse(text).kind
    except ValueError:
        return ""


def digest_key(recipient: str, day: str) -> str:
    """The key of one recipient's daily digest: `digest/<recipient>/<YYYY-MM-DD>`."""
    return f"{DIGEST_PREFIX}/{recipient}/{day}"


def is_digest_key(text: str) -> bool:
    return text.startswith(DIGEST_PREFIX + "/")


def _number_or_text(part: str) -> int | str:
    return int(part) if part.isdigit() and str(int(part)) == part else part
