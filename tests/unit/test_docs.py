"""The documentation names the code as it is: docs/architecture.md lists every module once, and every
module path or dotted name in docs/*.md and README.md exists."""

from __future__ import annotations

import ast
import re
from collections import Counter
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "automation"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
DOCS = sorted((ROOT / "docs").rglob("*.md")) + [ROOT / "README.md"]  # with the guides in docs/panduan/
GUIDES = ROOT / "docs" / "panduan"
GUIDE_NAMES = ["kontributor", "tim-konten", "desainer-editor", "ketua-tim", "kabid-ikp", "admin-medsos", "operator"]
# A relative Markdown link: [text](target), not a web address.
_LINK = re.compile(r"\]\((?!https?://|#)([^)\s]+)\)")

# A module's row in architecture.md: a table row whose first cell is its path.
_LISTING = re.compile(r"^\|\s*`(automation/[^`|]+?\.py)`\s*\|", re.MULTILINE)
# A path in the repository, as docs write it: automation/..., tests/..., bench/... (not inside a URL or path).
_PATH = re.compile(r"(?<![\w./-])((?:automation|tests|bench)/[\w./-]*)")
# A dotted name: automation.service.engine, tests.media_samples, automation.publisher.build_platform.
_DOTTED = re.compile(r"(?<![\w./-])((?:automation|tests)(?:\.[A-Za-z_]\w*)+)")
_FROM_IMPORT = re.compile(r"^\s*from\s+((?:automation|tests)[\w.]*)\s+import[ \t]+\(?([\w \t,]+)", re.MULTILINE)


def modules() -> set[str]:
    """Every module of automation/ by path; an empty __init__.py only marks a package."""
    return {path.relative_to(ROOT).as_posix() for path in PACKAGE.rglob("*.py")
            if path.name != "__init__.py" or path.read_text(encoding="utf-8").strip()}


def listed_modules(text: str) -> Counter[str]:
    return Counter(_LISTING.findall(text))


def missing_paths(text: str, root: Path = ROOT) -> list[str]:
    found = (match.rstrip(".,:;") for match in _PATH.findall(text))
    return sorted({path for path in found if not _path_exists(path, root)})


def _path_exists(path: str, root: Path) -> bool:
    """A file or folder, or `folder/module.name`: a top-level name of folder/module.py."""
    if (root / path).exists():
        return True
    folder, _, last = path.rpartition("/")
    stem, dot, name = last.partition(".")
    module = root / folder / f"{stem}.py"
    return bool(dot) and module.is_file() and name.split(".")[0] in _top_level_names(module)


def unknown_names(text: str, root: Path = ROOT) -> list[str]:
    """Dotted names and `from X import a, b` whose module or top-level name does not exist."""
    wrong = {name for name in _DOTTED.findall(text) if not _resolves(name.split("."), root)}
    for module, names in _FROM_IMPORT.findall(text):
        for name in (n.strip() for n in names.split(",")):
            if name and not _resolves([*module.split("."), name], root):
                wrong.add(f"{module}.{name}")
    return sorted(wrong)


def _resolves(parts: list[str], root: Path) -> bool:
    """The longest prefix of `parts` is a module, and what follows starts with one of its top-level names."""
    for cut in range(len(parts), 0, -1):
        module = _module_file(parts[:cut], root)
        if module is None:
            continue
        rest = parts[cut:]
        return not rest or rest[0] in _top_level_names(module)
    return False


def _module_file(parts: list[str], root: Path) -> Path | None:
    base = root.joinpath(*parts)
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    return None


@cache
def _top_level_names(path: Path) -> frozenset[str]:
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    if path.name == "__init__.py":  # a package's submodules are reachable by name too
        names.update(p.stem for p in path.parent.glob("*.py"))
        names.update(p.name for p in path.parent.iterdir() if (p / "__init__.py").is_file())
    return frozenset(names)


# -- the checks -------------------------------------------------------------

def test_architecture_lists_every_module_of_automation():
    listed = listed_modules(ARCHITECTURE.read_text(encoding="utf-8"))
    missing = sorted(modules() - set(listed))
    assert not missing, "modules missing from docs/architecture.md:\n" + "\n".join(missing)


def test_architecture_lists_each_module_once():
    listed = listed_modules(ARCHITECTURE.read_text(encoding="utf-8"))
    twice = sorted(path for path, count in listed.items() if count > 1)
    assert not twice, "listed more than once in docs/architecture.md:\n" + "\n".join(twice)


def test_architecture_lists_no_module_that_does_not_exist():
    listed = listed_modules(ARCHITECTURE.read_text(encoding="utf-8"))
    gone = sorted(set(listed) - modules())
    assert not gone, "docs/architecture.md lists modules that do not exist:\n" + "\n".join(gone)


def test_every_path_the_docs_name_exists():
    wrong = [f"{doc.relative_to(ROOT)}: {path}" for doc in DOCS
             for path in missing_paths(doc.read_text(encoding="utf-8"))]
    assert not wrong, "paths named in the docs that do not exist:\n" + "\n".join(wrong)


def test_every_module_and_name_the_docs_import_exists():
    wrong = [f"{doc.relative_to(ROOT)}: {name}" for doc in DOCS
             for name in unknown_names(doc.read_text(encoding="utf-8"))]
    assert not wrong, "modules or names in the docs that do not exist:\n" + "\n".join(wrong)


README_COMMANDS = ['pip install . && sop-konten run', 'pip install ".[test]" && python -m pytest']


def test_the_readme_opens_with_the_two_commands_and_no_other_code_block():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    assert [block.strip() for block in blocks] == README_COMMANDS
    before = text[: text.index("```")]
    assert before.strip().startswith("# ") and before.count("\n") <= 2, "the commands come first"


# -- the checks can fail ----------------------------------------------------

def test_the_listing_counts_table_rows_by_path_only():
    text = ("| module | holds |\n|---|---|\n| `automation/a.py` | one |\n| `automation/a.py` | again |\n"
            "| `automation/b.py` | b |\nProse naming `automation/c.py` is not a listing.\n")
    assert listed_modules(text) == Counter({"automation/a.py": 2, "automation/b.py": 1})


def test_a_moved_path_or_name_is_reported(tmp_path):
    package = tmp_path / "automation"
    (package / "service").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "service" / "__init__.py").write_text("")
    (package / "service" / "engine.py").write_text("class Engine:\n    pass\n\nEFFECT_ORDER = {}\n")
    text = ("See `automation/service/engine.py` (not `automation/engine.py`), `automation/service/`,\n"
            "`automation/service/engine.EFFECT_ORDER`, `automation/service/engine.run`.\n"
            "```python\nfrom automation.service.engine import Engine, EFFECT_ORDER, run\n"
            "from automation.engine import Engine\n```\n"
            "`automation.service.engine.Engine` and `automation.service.Engine`.\n"
            "https://example.org/automation/gone.py is a URL.\n")
    assert missing_paths(text, tmp_path) == ["automation/engine.py", "automation/service/engine.run"]
    assert unknown_names(text, tmp_path) == ["automation.engine", "automation.engine.Engine",
                                             "automation.service.Engine", "automation.service.engine.run"]


def test_every_role_has_a_guide_linked_from_the_readme_and_every_link_of_a_guide_works():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in GUIDE_NAMES:
        assert (GUIDES / f"{name}.md").is_file(), name
        assert f"](docs/panduan/{name}.md)" in readme, name
    broken = [f"{doc.relative_to(ROOT)}: {target}" for doc in [ROOT / "README.md", *GUIDES.glob("*.md")]
              for target in _LINK.findall(doc.read_text(encoding="utf-8"))
              if not (doc.parent / target.split("#")[0]).exists()]
    assert not broken
