"""The suite collects as one in any order of its tiers: test modules take their helpers from named kit modules
(tests/<tier>/<name>kit.py), never `from conftest import ...` -- every tier has a conftest.py, and which one Python
holds under that name depends on the order pytest imported them."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
TIERS = sorted(path.name for path in TESTS.iterdir() if path.is_dir() and list(path.rglob("test_*.py")))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    return names | {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}


def test_no_module_imports_a_conftest():
    offenders = [str(path.relative_to(ROOT)) for path in sorted(TESTS.rglob("*.py")) if "conftest" in imported_modules(path)]
    assert offenders == [], "import the tier's kit module instead of conftest"


def test_helper_modules_are_named_once_across_tiers_and_benchmarks():
    """pytest puts each tier's folders on one import path: a second `meshkit.py` would shadow the first."""
    helpers = [path for path in [*TESTS.rglob("*.py"), *(ROOT / "benchmarks").glob("*.py")] if path.name != "conftest.py"]
    twice = sorted(name for name, count in Counter(path.name for path in helpers).items() if count > 1)
    assert twice == []


def test_every_tier_collects_in_reverse_order():
    """The order that broke: a later tier's conftest imported first (`pytest tests/standards tests/catalog ...`)."""
    assert len(TIERS) >= 9, TIERS
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-p", "no:xdist", *(f"tests/{tier}" for tier in reversed(TIERS))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    collected = [line for line in run.stdout.splitlines() if line.startswith("tests/") and "::" in line]  # node ids
    assert {line.split("/")[1] for line in collected} == set(TIERS)
