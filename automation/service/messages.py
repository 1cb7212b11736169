"""The messages people receive (Indonesian), built from a notify effect with Jinja2 templates.

Templates live in `automation/domain/texts/mail/` (packaged), one per message kind:

- `<kind>.txt` gives the subject (rendered with `part = "subject"`) and the
  plain-text body (`part = "body"`); every kind extends `_base.txt`;
- `<kind>.html`, when present, is that kind's HTML alternative; otherwise the
  generic `message.html` lays out the plain-text body.

Escaping: HTML templates (`.html`) are autoescaped; every value (titles,
names, links, problems) is escaped as it is inserted. Plain-text templates
(`.txt`) are not: they produce text, never markup, and escaping there would
put `&amp;` and `&#34;` into e-mails people read. Text goes out as text only:
the e-mail adapters send it as `text/plain` and `AppriseNotifier` hands it to
apprise as TEXT, so apprise escapes it for channels that speak HTML or
Markdown. Values are always data, never templates: a title like `{{ 7*7 }}`
stays exactly that.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    select_autoescape,
)
from markupsafe import Markup, escape

from automation.domain.captions import caption_problems, measure
from automation.domain.keys import is_digest_key, key_kind
from automation.domain.platform_rules import rules_for
from automation.domain.sop import Sop, Step
from automation.domain.texts import notify as notify_text
from automation.ports import Attachment, MediaFile, Message

PREFIX = "[sop-konten]"

# The message kinds, by the `template` parameter of a notify effect.
ASSIGNMENT_KINDS = ("task", "revision", "review_revised", "reassigned", "approval_changed")
# Assignment mails of the reviewing and approving steps carry what is decided on (engine._decision_material).
DECISION_KINDS = ("task", "review_revised", "reassigned", "approval_changed", "reminder")
PICTURE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
                 ".webp": "image/webp"}
PICTURE_MAX_BYTES = 3 * 1024 * 1024  # one attachment; larger files are named, the folder link is in the mail
PICTURES_MAX_BYTES = 8 * 1024 * 1024  # all of them: most mail servers take 10 MB or more
PICTURES_MAX_COUNT = 10
CONTRIBUTOR_KINDS = ("received", "accepted", "rejected", "published")  # to people who may be outside the office
STEP_KINDS = (*ASSIGNMENT_KINDS, "reminder", "escalation", *CONTRIBUTOR_KINDS,
              "publish_failed", "publish_unconfirmed", "publish_manual", "publish_result")
KINDS = (*STEP_KINDS, "token_expiry")
DIGEST = "digest"

KIND_LABELS = notify_text.kind_labels(DIGEST)

# The `<what>` part of an effect key (`<ID>/<step>/<activation>/<what>[:<who>]`) -> kind,
# for a plain `Message` that does not carry its kind.
_KEY_KINDS = {
    "task": "task",
    "remind": "reminder",
    "escalate": "escalation",
    "rejected": "rejected",
    "published": "published",
    "received": "received",
    "accepted": "accepted",
    "publish-failed": "publish_failed",
    "publish-unconfirmed": "publish_unconfirmed",
    "publish-manual": "publish_manual",
    "token": "token_expiry",
    "digest": DIGEST,
}

# http(s) and file links; a trailing full stop, comma or bracket is the sentence's, not the link's
_URL = re.compile(r"((?:https?|file)://[^\s<>\"']*[^\s<>\"'.,;:!?)\]])")


@dataclass(frozen=True)
class ItemLinks:
    row: str
    folder: str


@dataclass(frozen=True)
class RenderedMessage(Message):
    """A `Message` that also says what it is; every adapter can treat it as a plain `Message`."""

    kind: str = ""
    html: str = ""  # the HTML alternative (autoescaped); "" when there is none
    item_id: str = ""


def kind_of(message: Message) -> str:
    """The message kind: carried by a `RenderedMessage`, else read from the effect key."""
    if isinstance(message, RenderedMessage) and message.kind:
        return message.kind
    if is_digest_key(message.key):
        return DIGEST
    return _KEY_KINDS.get(key_kind(message.key), "")


def message_core(body: str) -> str:
    """The body without its greeting and signature (used to list messages in a digest)."""
    lines = body.rstrip("\n").split("\n")
    if "--" in lines:
        last = len(lines) - 1 - lines[::-1].index("--")
        lines = lines[:last]
    if lines and lines[0].startswith("Yth."):
        lines = lines[1:]
    return _tidy("\n".join(lines)).rstrip("\n")


# --- rendering ---------------------------------------------------------------

class Renderer:
    """Renders messages from the packaged templates, or from an office's own copies.

    `template_dir`: a folder whose templates take precedence over the packaged
    ones (same file names); `None` for the packaged templates only.
    """

    def __init__(self, template_dir: Path | None = None) -> None:
        loaders: list[BaseLoader] = [PackageLoader("automation.domain.texts", "mail")]
        if template_dir is not None:
            loaders.insert(0, FileSystemLoader(str(template_dir)))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            autoescape=select_autoescape(enabled_extensions=("html", "htm", "xml"),
                                         default_for_string=True, default=False),
            undefined=StrictUndefined,  # a misspelt variable is an error, not an empty line
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["linkify"] = linkify

    def render(self, sop: Sop, key: str, params: Mapping[str, str], item_id: str, title: str, due: str,
               links: ItemLinks) -> RenderedMessage:
        kind = params["template"]
        if kind not in KINDS:
            raise ValueError(f"unknown message template {kind!r}")
        step: Step | None = sop.step(int(params["step"])) if kind in STEP_KINDS or params.get("step") else None
        name = params.get("to_name", "")
        if "@" in name:  # only an address is known: "Yth. Bapak/Ibu", not "Yth. budi@..."
            name = ""
        where = []
        if kind in CONTRIBUTOR_KINDS:
            links = ItemLinks(row="", folder="")  # the register and folders are for staff: no link they cannot open
        if links.row:
            where.append(notify_text.register_row(item_id, links.row))
        if links.folder:
            where.append(notify_text.asset_folder(links.folder))
        values = {
            "kind": kind,
            "sop_name": sop.name,
            "unit": str(sop.identity.get("unit", "")).strip(),
            "name": name,
            "item_id": item_id,
            "title": title,
            "due": due,
            "step": step,
            "allowed": " / ".join(step.statuses) if step else "",
            "started": params.get("started", ""),
            "late_due": params.get("due", ""),
            "assignee": params.get("assignee", ""),
            "published_links": [line for line in params.get("links", "").splitlines() if line.strip()],
            "platform": params.get("platform", ""),
            "problem": params.get("problem", ""),
            "retry": _yes(params.get("retry", "")),
            "note": params.get("note", ""),
            "by": params.get("by", ""),
            "from_step": sop.step(int(params["from_step"])).label if params.get("from_step", "").isdigit() else "",
            "revision_round": str(int(params["round"]) - 1) if params.get("round", "").isdigit()
            and int(params["round"]) > 1 else "",
            "changes": [line.strip() for line in params.get("changes", "").splitlines() if line.strip()],
            "caption": params.get("caption", ""),
            "decision": _yes(params.get("decision", "")),
            "platforms": params.get("platforms", ""),
            "schedule": params.get("schedule", ""),
            "platform_lines": platform_lines(params.get("platforms", ""), params.get("caption", ""), title),
            "warnings": [line.strip() for line in params.get("warnings", "").splitlines() if line.strip()],
            "pictures": [line.strip() for line in params.get("pictures", "").splitlines() if line.strip()],
            "other_files": [line.strip() for line in params.get("other_files", "").splitlines() if line.strip()],
            "files": [line.strip() for line in params.get("files", "").splitlines() if line.strip()],
            "instructions": params.get("instructions", ""),
            "account": params.get("account", ""),
            "expires": params.get("expires", ""),
            "days": params.get("days", ""),
            "renew": params.get("renew", ""),
            "where": where,
            "links": links,
        }
        subject, body, html = self._render_kind(kind, values)
        return RenderedMessage(key=key, to=params.get("to", ""), to_name=name, subject=subject, body=body,
                               kind=kind, html=html, item_id=item_id)

    def render_digest(self, key: str, to: str, to_name: str, day: str, messages: Sequence[Message],
                      unit: str = "", urgent: Sequence[str] = ()) -> RenderedMessage:
        """One message listing several queued ones (see `automation.digest`)."""
        items = [{
            "number": number,
            "kind": kind_of(m),
            "label": KIND_LABELS.get(kind_of(m), notify_text.DEFAULT_KIND_LABEL),
            "subject": m.subject.removeprefix(PREFIX).strip(),
            "core": message_core(m.body),
        } for number, m in enumerate(messages, start=1)]
        values = {"kind": DIGEST, "unit": unit.strip(), "name": to_name, "day": day, "items": items,
                  "count": len(items), "where": [],
                  "urgent": [KIND_LABELS.get(k, k) for k in KINDS if k in urgent]}
        subject, body, html = self._render_kind(DIGEST, values)
        return RenderedMessage(key=key, to=to, to_name=to_name, subject=subject, body=body, kind=DIGEST,
                               html=html)

    def _render_kind(self, kind: str, values: dict) -> tuple[str, str, str]:
        text = self.env.get_template(f"{kind}.txt")
        subject = " ".join(text.render(values, part="subject").split())
        body = _tidy(text.render(values, part="body"))
        html_template = self.env.select_template([f"{kind}.html", "message.html"])
        html = html_template.render(values, subject=subject, paragraphs=_paragraphs(body))
        return subject, body, html


@lru_cache(maxsize=1)
def default_renderer() -> Renderer:
    return Renderer()


def render(sop: Sop, key: str, params: Mapping[str, str], item_id: str, title: str, due: str,
           links: ItemLinks) -> RenderedMessage:
    """The message of a notify effect; `params["template"]` names the kind (see KINDS)."""
    return default_renderer().render(sop, key, params, item_id, title, due, links)


def render_digest(key: str, to: str, to_name: str, day: str, messages: Sequence[Message],
                  unit: str = "", urgent: Sequence[str] = ()) -> RenderedMessage:
    """The digest of `messages`; `urgent`: the kinds that bypass digests (named in the text)."""
    return default_renderer().render_digest(key, to, to_name, day, messages, unit, urgent)


# --- helpers -----------------------------------------------------------------

def _tidy(text: str) -> str:
    """Plain text as people read it: no trailing spaces, no runs of blank lines, one final newline."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def _yes(text: str) -> bool:
    return text.strip().casefold() in ("1", "true", "ya", "yes")


def _paragraphs(body: str) -> list[list[str]]:
    """The plain-text body as paragraphs of lines, for the generic HTML layout."""
    paragraphs: list[list[str]] = [[]]
    for line in body.rstrip("\n").split("\n"):
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]


def linkify(text: str) -> Markup:
    """Escape `text` for HTML and make its http(s)/file links clickable (nothing else becomes a link)."""
    parts = []
    for index, piece in enumerate(_URL.split(str(text))):
        if index % 2:
            href = escape(piece)
            parts.append(Markup('<a href="{0}">{0}</a>').format(href))
        else:
            parts.append(escape(piece))
    return Markup("").join(parts)


def platform_lines(platforms: str, caption: str, title: str) -> list[str]:
    """One line per platform: the caption's length against the platform's limit, and its problems."""
    lines = []
    for name in (part.strip() for part in platforms.split(",") if part.strip()):
        rules = rules_for(name)
        if rules is None:
            continue
        limit = rules.caption.max_length
        length = measure(caption, rules.caption.unit)
        problems = caption_problems(name, caption, title)
        fold = rules.shape.caption_fold
        shown = caption.strip()[:fold].rstrip() if fold is not None and len(caption.strip()) > fold else ""
        lines.append(notify_text.platform_caption_line(name, length, limit, problems, shown))
    return lines


def decision_pictures(files: Sequence[MediaFile]) -> tuple[tuple[Attachment, ...], list[str]]:
    """The item's pictures to attach (capped in size and number) and the names of the other files."""
    pictures: list[Attachment] = []
    others: list[str] = []
    total = 0
    for media in sorted(files, key=lambda m: m.name):
        kind = PICTURE_TYPES.get(Path(media.name).suffix.lower())
        try:
            size = media.path.stat().st_size
        except OSError:
            others.append(media.name)
            continue
        if kind is None or size > PICTURE_MAX_BYTES or total + size > PICTURES_MAX_BYTES \
                or len(pictures) >= PICTURES_MAX_COUNT:
            others.append(media.name)
            continue
        pictures.append(Attachment(name=media.name, content_type=kind, data=media.path.read_bytes()))
        total += size
    return tuple(pictures), others
