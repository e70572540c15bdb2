"""The shape of the house: imports flow downward, every module is documented, shared tables have one home."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
#: Lower layers never import higher ones; packages on one layer do not import each other.
LAYERS = {"settings": 0, "ingest": 1, "index": 2, "assistant": 3, "eval": 4, "webchat": 4, "app": 5}
PACKAGES = ("ingest", "index", "assistant", "eval", "webchat")


def _modules() -> list[Path]:
    found = [ROOT / "settings.py", ROOT / "app.py"]
    for package in PACKAGES:
        found += sorted(p for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)
    return found


def _layer_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0].removesuffix(".py")


def _project_imports(path: Path) -> list[tuple[int, str]]:
    """Every project module ``path`` imports, at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        found += [(node.lineno, name) for name in names if name.split(".")[0] in LAYERS]
    return found


def test_imports_only_flow_downward():
    uphill = []
    for path in _modules():
        own = _layer_of(path)
        for line, name in _project_imports(path):
            target = name.split(".")[0]
            if LAYERS[target] > LAYERS[own] or (LAYERS[target] == LAYERS[own] and target != own):
                uphill.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert uphill == []


def test_the_import_check_can_fail(tmp_path):
    # The check above must see imports hidden inside functions too.
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from assistant.service import Assistant\n", encoding="utf-8")
    assert _project_imports(module) == [(2, "assistant.service")]


def test_every_module_is_in_the_architecture_document():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    missing = [str(p.relative_to(ROOT)) for p in _modules()
               if p.name != "__init__.py" and f"`{p.relative_to(ROOT)}`" not in text]
    assert missing == [], "docs/architecture.md lacks these modules"
    listed = set(re.findall(r"`((?:ingest|index|assistant|eval|webchat)/[\w/]+\.py)`", text))
    gone = sorted(name for name in listed if not (ROOT / name).is_file())
    assert gone == [], "docs/architecture.md names modules that no longer exist"


def _definitions(pattern: str) -> list[str]:
    regex = re.compile(pattern, re.MULTILINE)
    return [str(p.relative_to(ROOT)) for p in _modules() if regex.search(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize(("what", "pattern", "home"), [
    ("province list", r'"Thừa Thiên Huế",', "ingest/places.py"),
    ("abbreviation table", r"[\"']BHXH[\"']\s*:", "index/tokens.py"),
    ("syllable rhyme table", r"^_RHYMES\s*=", "ingest/syllables.py"),
    ("gold reader", r"^def read_gold\(", "eval/gold/questions.py"),
    ("suffix list", r"^SUPPORTED_SUFFIXES\b", "ingest/reading/readers.py"),
    ("settings table", r"^SETTINGS\b", "settings.py"),
])
def test_shared_tables_have_one_home(what, pattern, home):
    assert _definitions(pattern) == [home], what
