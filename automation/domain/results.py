"""What a performed effect left in the journal's ledger, as types; the journal (de)serialises them."""

from __future__ import annotations

from dataclasses import dataclass

PUBLISHED_STATE, MANUAL_STATE, UNKNOWN_STATE, FAILED_STATE, RETRYING_STATE, CHECKED_STATE = (
    "published", "manual", "unknown", "failed", "retrying", "checked")


@dataclass(frozen=True)
class ActionResult:
    """The outcome of a performed action (publishing to one platform, a check), looked up by effect key."""

    ok: bool
    links: tuple[tuple[str, str], ...] = ()  # (platform, link)
    problem: str = ""
    state: str = PUBLISHED_STATE  # published | manual | unknown | failed (final) | retrying | checked
    remote_id: str = ""  # the platform's id of the post, where it gave one
    files: tuple[str, ...] = ()  # what the admin uploads by hand (manual)


@dataclass(frozen=True)
class FolderResult:
    """An item folder created, claimed or moved."""

    link: str
    superseded: bool = False  # moved again in the same cycle: the later move decides the folder


@dataclass(frozen=True)
class NotifyResult:
    skipped: str = ""  # why no message was sent (no address); "" when sent


EffectResult = ActionResult | FolderResult | NotifyResult
