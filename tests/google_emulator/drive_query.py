"""The Drive v3 search language (``q``) compiled to a predicate over file records.

Supported: ``'<id>' in parents``, ``'<email>' in owners|writers|readers``, ``name``/``mimeType``
with ``= != contains``, ``trashed``/``starred``/``sharedWithMe`` ``= true|false``,
``createdTime``/``modifiedTime`` comparisons, ``fullText contains``,
``properties has {key='k' and value='v'}`` (and ``appProperties``), ``not``, ``and``, ``or`` and
parentheses. Strings may use single or double quotes; ``\\'`` escapes a quote.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .errors import drive_invalid

Predicate = Callable[[Any, "QueryEnv"], bool]
_TOKEN = re.compile(r"""\s*(?:(?P<str>'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")|(?P<op>!=|<=|>=|=|<|>)"""
                    r"""|(?P<punct>[(){}])|(?P<word>[A-Za-z_][A-Za-z0-9_.]*))""")


class QueryEnv:
    """What a predicate may ask about a file: its viewer and role lookups."""

    def __init__(self, viewer: str, roles: Callable[[Any], dict[str, str]], shared_with_me: Callable[[Any], bool],
                 root_id: str = ""):
        self.viewer = viewer
        self.roles = roles
        self.shared_with_me = shared_with_me
        self.root_id = root_id  # what the alias 'root' means for this viewer


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise drive_invalid("q")
        pos = m.end()
        kind = m.lastgroup
        value = m.group(kind)
        if kind == "str":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        out.append((kind, value))
    return out


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def take(self, kind: str | None = None, value: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (kind and tok[0] != kind) or (value and tok[1].lower() != value.lower()):
            raise drive_invalid("q")
        self.pos += 1
        return tok[1]

    def is_word(self, word: str, offset: int = 0) -> bool:
        tok = self.peek(offset)
        return tok is not None and tok[0] == "word" and tok[1].lower() == word

    def parse(self) -> Predicate:
        pred = self.expr()
        if self.peek() is not None:
            raise drive_invalid("q")
        return pred

    def expr(self) -> Predicate:
        left = self.term()
        while self.is_word("or"):
            self.pos += 1
            right = self.term()
            left = (lambda a, b: lambda f, env: a(f, env) or b(f, env))(left, right)
        return left

    def term(self) -> Predicate:
        left = self.factor()
        while self.is_word("and"):
            self.pos += 1
            right = self.factor()
            left = (lambda a, b: lambda f, env: a(f, env) and b(f, env))(left, right)
        return left

    def factor(self) -> Predicate:
        if self.is_word("not"):
            self.pos += 1
            inner = self.factor()
            return lambda f, env: not inner(f, env)
        if self.peek() == ("punct", "("):
            self.pos += 1
            inner = self.expr()
            self.take("punct", ")")
            return inner
        return self.comparison()

    def comparison(self) -> Predicate:
        tok = self.peek()
        if tok is not None and tok[0] == "str" and self.is_word("in", 1):
            value = self.take("str")
            self.take("word", "in")
            return _membership(value, self.take("word"))
        field = self.take("word")
        if field in ("properties", "appProperties") and self.is_word("has"):
            self.pos += 1
            self.take("punct", "{")
            self.take("word", "key")
            self.take("op", "=")
            key = self.take("str")
            self.take("word", "and")
            self.take("word", "value")
            self.take("op", "=")
            value = self.take("str")
            self.take("punct", "}")
            return lambda f, env: getattr(f, "app_properties" if field == "appProperties" else "properties",
                                          {}).get(key) == value
        if self.is_word("contains"):
            self.pos += 1
            value = self.take("str")
            return _contains(field, value)
        op = self.take("op")
        tok = self.take()
        return _compare(field, op, tok)


def _membership(value: str, collection: str) -> Predicate:
    if collection == "parents":
        return lambda f, env: (env.root_id if value == "root" else value) in f.parents
    if collection in ("owners", "writers", "readers"):
        wanted = {"owners": ("owner",), "writers": ("owner", "organizer", "fileOrganizer", "writer"),
                  "readers": ("owner", "organizer", "fileOrganizer", "writer", "commenter", "reader")}[collection]
        return lambda f, env: env.roles(f).get(value.lower()) in wanted
    raise drive_invalid("q")


def _contains(field: str, value: str) -> Predicate:
    low = value.lower()
    if field == "name":
        return lambda f, env: low in f.name.lower()
    if field == "mimeType":
        return lambda f, env: value in f.mime_type
    if field == "fullText":
        return lambda f, env: low in f.name.lower() or low in (f.content or b"").decode("utf-8", "ignore").lower()
    raise drive_invalid("q")


def _ops(op: str) -> Callable[[Any, Any], bool]:
    return {"=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}[op]


def _compare(field: str, op: str, raw: str) -> Predicate:
    cmp = _ops(op)
    if field in ("trashed", "starred", "sharedWithMe", "hidden"):
        if raw.lower() not in ("true", "false") or op not in ("=", "!="):
            raise drive_invalid("q")
        want = raw.lower() == "true"
        if field == "sharedWithMe":
            return lambda f, env: cmp(env.shared_with_me(f), want)
        attr = {"trashed": "trashed", "starred": "starred", "hidden": "hidden"}[field]
        return lambda f, env: cmp(bool(getattr(f, attr, False)), want)
    if field in ("name", "mimeType"):
        if op not in ("=", "!="):
            raise drive_invalid("q")
        attr = "name" if field == "name" else "mime_type"
        return lambda f, env: cmp(getattr(f, attr), raw)
    if field in ("modifiedTime", "createdTime", "viewedByMeTime"):
        from .drive_store import parse_time

        when = parse_time(raw)
        attr = "modified" if field == "modifiedTime" else "created"
        return lambda f, env: cmp(round(getattr(f, attr), 3), when)
    raise drive_invalid("q")


def compile_query(text: str | None) -> Predicate:
    if not text or not text.strip():
        return lambda f, env: True
    return _Parser(text).parse()
