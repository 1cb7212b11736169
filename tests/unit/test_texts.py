"""One language per surface: every sentence a person reads comes from automation.domain.texts."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import automation

PACKAGE = Path(automation.__file__).parent
CATALOGUE = PACKAGE / "domain" / "texts"
LOG_METHODS = {"info", "warning", "error", "exception", "critical"}
HELP_KEYWORDS = {"help", "description", "epilog", "usage"}
# Builtin exceptions whose message may reach staff or the operator (besides the project's own).
USER_FACING_BUILTINS = {"ValueError", "RuntimeError", "ArgumentTypeError"}
_PLACEHOLDER = re.compile(r"\{\}|%[-#0 +]*\d*(?:\.\d+)?[sdrfx]")
_EDGES = re.compile(r"^\W+|\W+$")
_WORD = re.compile(r"[^\W\d_]{3,}")
# Programmer guards: raised only on a coding mistake, never on input from a person; developers read them.
ALLOWED = {
    # raised only to be caught by the callers, which note the file with texts.media.unsafe_file
    ("adapters/local/folders.py", "not a plain file: {}"),
    ("domain/working_time.py", "minutes must be a finite number >= 0, got {}"),
    ("domain/working_time.py", "{} must be an aware datetime (got naive {}); times are in {}"),
    ("domain/working_time.py", "invalid interval {}-{}: need 0 <= start < end <= 1440"),
    ("domain/captions.py", "unknown length unit {}"),
    ("adapters/media/images.py", "fit must be 'pad' or 'crop', not {}"),
    ("adapters/social/base.py", "reconcile of {} said CONTINUE but left the step pending"),
    ("service/messages.py", "unknown message template {}"),
    ("domain/keys.py", "not an effect key: {}"),
    ("adapters/notify/apprise_channels.py", "at least one channel"),
    ("drive.py", "root_folder_id is required"),
    ("drive.py", "items are not kept in the intake stage {}"),
    ("adapters/local/folders.py", "items are not kept in the intake stage {}"),
    ("adapters/local/folders.py", "item id not usable in a folder name: {}"),
    ("adapters/local/feed.py", "platform name not usable as a folder: {}"),
    # dataclass invariants; CalendarConfig.from_dict reports each of these first, naming the key
    ("domain/working_time.py", "{}: {} overlaps {}"),
    ("domain/working_time.py", "Ramadan period ends ({}) before it starts ({})"),
    ("domain/working_time.py", "Ramadan periods {}..{} and {}..{} overlap"),
    ("domain/working_time.py", "{} is both a day off and an extra working day"),
    ("domain/working_time.py", "the working week has no working time at all"),
    ("domain/working_time.py", "minutes must be a number, got {}"),
}


# --- every literal with three or more words ---------------------------------------------------------
# A literal that spells three or more words is a sentence, and sentences live in the catalogue, whatever
# they are handed to (a return value, a note, a dict). Not counted:
SQL = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|PRAGMA|WITH|ALTER|DROP)\b")  # statements for SQLite
MARKUP = re.compile(r"<style>.*?</style>|<[^>]*>", re.S)  # HTML tags and CSS of a page: its words count, not its tags
# Google Drive's query language ("'x' in parents and trashed = false"): API syntax, not prose
DRIVE_QUERY = re.compile(r"\bin parents\b|\b(?:trashed|mimeType|name|appProperties) (?:=|contains\b|has\b)")
# A field mask ("nextPageToken, files(id, name)"): identifiers, commas and parentheses only
FIELD_MASK = re.compile(r"[\w.]+(?:\(.*\))?(?:, [\w.]+(?:\(.*\))?)*")
# Keyword arguments whose values developers read: platform_rules cites the platforms' documentation by title.
DEVELOPER_KEYWORDS = {"sources"}
# Builtin exceptions that only a coding mistake raises.
PROGRAMMER_ERRORS = {"TypeError", "AssertionError", "NotImplementedError"}
_EDGE_PUNCTUATION = "'\"()[]{},.;:!?*"


def words(text: str) -> list[str]:
    """The words a literal spells: whitespace-separated runs of two or more letters (edge punctuation off)."""
    tokens = (token.strip(_EDGE_PUNCTUATION) for token in MARKUP.sub(" ", text).split())
    return [token for token in tokens if re.fullmatch(r"[^\W\d_]{2,}", token)]


def is_sentence(text: str) -> bool:
    if SQL.match(text) or DRIVE_QUERY.search(text) or FIELD_MASK.fullmatch(text.strip()):
        return False
    return len(words(text)) >= 3


def _skipped_nodes(tree: ast.Module) -> set[int]:
    """Docstrings (also of attributes), logger.debug arguments, developer keywords, programmer errors, and
    the parts of an f-string (the f-string itself is judged)."""
    skipped: set[int] = set()

    def skip(node: ast.AST) -> None:
        skipped.update(id(inner) for inner in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skip(node.value)
        elif isinstance(node, ast.Call):
            if _name(node.func) == "debug" and "log" in _receiver(node.func).lower():
                skip(node)
            for keyword in node.keywords:
                if keyword.arg in DEVELOPER_KEYWORDS:
                    skip(keyword.value)
        elif isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if _name(exc) in PROGRAMMER_ERRORS:
                skip(node.exc)
        elif isinstance(node, ast.Assert) and node.msg is not None:
            skip(node.msg)
        elif isinstance(node, ast.JoinedStr):
            for value in node.values:
                skip(value)
    return skipped


def sentence_literals(tree: ast.Module):
    """(line, text) for each literal outside the catalogue that spells a sentence."""
    skipped = _skipped_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        else:
            continue
        if is_sentence(text):
            yield node.lineno, text


def literal_text(node: ast.AST) -> str | None:
    """The text a literal (str, f-string, or a + / % of them) spells, with {} for each value."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        parts = [literal_text(node.left), literal_text(node.right) if isinstance(node.op, ast.Add) else None]
        if any(p is not None for p in parts):
            return "{}".join(p if p is not None else "" for p in parts)
    return None


def has_words(text: str) -> bool:
    """A sentence or a bare word; not a format, a key or a path (no space, not letters only)."""
    bare = _EDGES.sub("", _PLACEHOLDER.sub("0", text))
    if re.search(r"\s", bare):
        return _WORD.search(bare) is not None
    return re.fullmatch(r"[^\W\d_]{3,}", bare) is not None


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _receiver(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute):
        return _name(func.value) or (func.value.id if isinstance(func.value, ast.Name) else "")
    return ""


def project_exceptions(trees: dict[Path, ast.Module]) -> set[str]:
    known = {"Exception", "ValueError", "RuntimeError", "OSError", "LookupError", "KeyError"}
    classes = [node for tree in trees.values() for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for cls in classes:
            if cls.name not in found and any(_name(b) in known | found for b in cls.bases):
                found.add(cls.name)
                changed = True
    return found


def _callees(func: ast.AST) -> list[ast.AST]:
    if isinstance(func, ast.IfExp):
        return [func.body, func.orelse]
    return [func]


def person_facing_literals(path: Path, tree: ast.Module, exceptions: set[str]):
    """(line, surface, text) for each literal with words given to a surface a person reads."""
    for node in ast.walk(tree):
        candidates: list[tuple[str, ast.AST]] = []
        if isinstance(node, ast.Call):
            for func in _callees(node.func):
                name = _name(func)
                if name == "print":
                    candidates += [("print", a) for a in node.args]
                elif name in LOG_METHODS and "log" in _receiver(func).lower() and node.args:
                    candidates.append((f"log.{name}", node.args[0]))
            candidates += [(kw.arg, kw.value) for kw in node.keywords if kw.arg in HELP_KEYWORDS]
            if _name(node.func) in exceptions:  # raised here or returned to be raised by the caller
                candidates += [(_name(node.func), a) for a in node.args]
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            name = _name(node.exc.func)
            if name in USER_FACING_BUILTINS:
                candidates += [(f"raise {name}", a) for a in node.exc.args]
        for surface, arg in candidates:
            text = literal_text(arg)
            if text is not None and has_words(text):
                yield arg.lineno, surface, text


def violations() -> list[str]:
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))}
    exceptions = project_exceptions(trees)
    found = []
    for path, tree in trees.items():
        if CATALOGUE in path.parents:
            continue
        relative = path.relative_to(PACKAGE).as_posix()
        for line, surface, text in person_facing_literals(path, tree, exceptions):
            if (relative, text) not in ALLOWED:
                found.append(f"automation/{relative}:{line}: {surface}: {text!r}")
    return found


def sentences_outside_the_catalogue() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if CATALOGUE in path.parents:
            continue
        relative = path.relative_to(PACKAGE).as_posix()
        for line, text in sentence_literals(ast.parse(path.read_text(encoding="utf-8"))):
            if (relative, text) not in ALLOWED:
                found.append(f"automation/{relative}:{line}: {text!r}")
    return found


def test_no_sentence_outside_the_catalogue():
    found = sentences_outside_the_catalogue()
    assert not found, "sentences outside automation/domain/texts (move them, or allow one with a reason):\n" + \
        "\n".join(found)


def test_the_sentence_check_sees_a_returned_note_and_spares_code():
    tree = ast.parse(
        '"""A module docstring with many words."""\n'
        'def f(name):\n'
        '    notes.append(f"{name}: file diabaikan karena rusak.")\n'  # a note handed on, not printed
        '    problem = "Video masih diproses oleh platform"\n'
        '    log.debug("cache miss for %s after %d tries", name, 3)\n'
        '    db.execute("SELECT key, value FROM meta WHERE key = ?")\n'
        '    fields = "nextPageToken, files(id, name, parents)"\n'
        '    query = "{} in parents and trashed = false"\n'
        '    raise TypeError(f"name must be a string, got {name!r}")\n'
        '    return "<p class=\\"empty\\">{}</p>", "a-b c_d e.f"\n'
    )
    assert sorted(line for line, _ in sentence_literals(tree)) == [3, 4]


def test_three_words_make_a_sentence():
    assert is_sentence("belum ada data sama sekali")
    assert not is_sentence("{} tidak dikenal; {}")  # two words and placeholders: not yet
    assert is_sentence("{} tidak dikenal lagi; {}")
    assert not is_sentence("sop_konten.publish.{}")
    assert not is_sentence("<article><h2>{}</h2><p>{}</p></article>")


def test_person_facing_sentences_come_from_the_catalogue():
    found = violations()
    assert not found, "sentences outside automation/domain/texts:\n" + "\n".join(found)


def test_the_check_sees_an_english_print():
    tree = ast.parse('print(f"daemon started in {folder}")\nlog.warning("%s not found", name)\n'
                     'raise SopError(key, "missing")\nraise SopError(texts.MISSING)\nprint("%s", x)\n')
    found = sorted(person_facing_literals(Path("x.py"), tree, {"SopError"}))
    assert [(line, surface) for line, surface, _ in found] == [(1, "print"), (2, "log.warning"), (3, "SopError")]


def test_keys_and_formats_are_not_sentences():
    assert not has_words("%s")
    assert not has_words("calendar.holiday_language")
    assert not has_words("{}.breaks[{}]")
    assert has_words("missing")
    assert has_words("%s %s: %s; retrying")
