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
    ("domain/working_time.py", "minutes must be a finite number >= 0, got {}"),
    ("domain/working_time.py", "{} must be an aware datetime (got naive {}); times are in {}"),
    ("domain/working_time.py", "invalid interval {}-{}: need 0 <= start < end <= 1440"),
    ("domain/captions.py", "unknown length unit {}"),
    ("adapters/media/prepare.py", "fit must be 'pad' or 'crop', not {}"),
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
}


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
