"""The tree is the architecture: meshplane's packages import one way, as the import-linter contracts in
pyproject.toml say (docs/architecture.md prints their table), each package says which of its modules others may
import, and every path the documentation names exists."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"
TOP = {"__init__", "cli", "commands", "snapshot"}  # `python -m meshplane.snapshot` runs in the base's tree: its path is an interface


def lint(tree: Path) -> subprocess.CompletedProcess:
    """import-linter over the project in `tree` (its pyproject's contracts, its packages first on the path)."""
    return subprocess.run([sys.executable, "-c", LINT], cwd=tree, capture_output=True, text=True, timeout=300)


def layers() -> list[list[str]]:
    (contract,) = [c for c in CONFIG["contracts"] if c["type"] == "layers"]
    return [[m.strip() for m in re.split(r"[|:]", layer)] for layer in contract["layers"]]


def direction_table() -> str:
    """The allowed package-to-package edges, from the layers contract: each layer may import every layer below it."""
    rows = ["| package | may import |", "|---|---|"]
    stack = layers()
    for i, layer in enumerate(stack):
        below = [m.removeprefix("meshplane.") for lower in stack[i + 1 :] for m in lower]
        for module in layer:
            rows.append(f"| `{module.removeprefix('meshplane.')}` | {', '.join(f'`{b}`' for b in below) or 'no other package of meshplane'} |")
    return "\n".join(rows)


def packages() -> list[str]:
    return sorted(p.name for p in (ROOT / "meshplane").iterdir() if (p / "__init__.py").is_file())


def test_the_contracts_are_kept():
    run = lint(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(CONFIG['contracts'])} kept, 0 broken" in run.stdout


def test_every_package_is_in_a_layer():
    placed = {m for layer in layers() for m in layer}
    assert placed == {f"meshplane.{p}" for p in packages()} | {f"meshplane.{m}" for m in TOP - {"__init__"}}


@pytest.mark.parametrize(
    "module, line, contract",
    [
        ("meshplane/cloud/naming.py", "import meshplane.local.run", "meshplane's packages import only the layers below them"),
        ("meshplane/review/diff.py", "import meshplane.local.run", "meshplane's packages import only the layers below them"),
        ("components/storage.py", "import meshplane.declarations.spec", "the components never reach into the platform"),
        ("components/compute.py", "import yaml", "the components never reach into the platform"),
        ("meshplane/governance/rules/mesh_001_owner.py", "import meshplane.governance.rules.mesh_002_description", "one governance rule per file"),
        ("meshplane/declarations/yamlsrc.py", "import meshplane.declarations.loader", "no import cycle"),
        ("meshplane/export/odcs.py", "import datacontract", "datacontract-cli is a judge"),
        ("meshplane/declarations/odcs_standard.py", "import jsonschema", "contracts are judged by jsonschema-rs"),
    ],
)
def test_a_forbidden_edge_breaks_its_contract(tmp_path, module, line, contract):
    for folder in ("meshplane", "components"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    target = tmp_path / module
    target.write_text(f"{line}  # added on purpose\n" + target.read_text())
    run = lint(tmp_path)
    assert run.returncode == 1, run.stdout
    broken = [block for block in run.stdout.split("\n\n") if "BROKEN" in block]
    assert any(contract in block for block in broken), run.stdout


def test_the_direction_table_is_printed_in_the_architecture():
    assert direction_table() in (ROOT / "docs" / "architecture.md").read_text()


def test_only_the_entry_points_stay_at_the_top():
    assert {p.stem for p in (ROOT / "meshplane").glob("*.py")} == TOP


def test_each_package_says_what_it_owns_and_re_exports_nothing():
    for package in packages():
        tree = ast.parse((ROOT / "meshplane" / package / "__init__.py").read_text())
        assert ast.get_docstring(tree), package
        assert len(tree.body) == 1, f"meshplane/{package}/__init__.py holds more than its docstring"


def test_other_packages_import_only_what_each_package_names():
    graph = grimp.build_graph("meshplane", "components")
    for package in packages():
        docstring = ast.get_docstring(ast.parse((ROOT / "meshplane" / package / "__init__.py").read_text()))
        (names,) = re.findall(r"Other packages import: (.+?)\.\s*$", docstring, re.S)
        named = {f"meshplane.{package}.{n}" for n in re.findall(r"`(\w+)`", names)}
        assert all(graph.find_children(f"meshplane.{package}") >= {n} for n in named), (package, named)
        inside = f"meshplane.{package}"
        imported = {
            imported
            for imported in graph.find_descendants(inside)
            for importer in graph.find_modules_that_directly_import(imported)
            if not (importer == inside or importer.startswith(inside + "."))
        }
        reached = {".".join(m.split(".")[:3]) for m in imported}
        assert reached <= named, f"{package}: imported from outside but not named in its docstring: {sorted(reached - named)}"


def test_every_path_the_documentation_names_exists():
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    named = {(doc.name, path) for doc in documents for path in re.findall(r"\bmeshplane/[\w/]+\.py\b", doc.read_text())}
    assert len(named) > 10  # the search sees the documentation, not an empty page
    assert [f"{doc}: {path}" for doc, path in sorted(named) if not (ROOT / path).is_file()] == []
