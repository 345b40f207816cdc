"""The program's registrations kept beside a local deployment: used again only while nothing the program reads has
changed, never after a change to a declaration, a stack setting, the federation or the program's code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from meshplane.registrations import engine, memo
from meshplane.registrations.project import open_project

ROOT = Path(__file__).resolve().parents[3]
PROJECT_FILES = ("Pulumi.yaml", "__main__.py", "domains", "governance", "stacks")
PLAYS = "domains/users/products/play-events.yaml"


@pytest.fixture
def copy(tmp_path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    for name in PROJECT_FILES:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, root / name)
    return root


def key_of(root: Path, stack: str = "local") -> str:
    return memo.key(open_project(root, stack=stack))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def key_in_a_process(root: Path, seed: str) -> str:
    code = f"from meshplane.registrations import memo, project; print(memo.key(project.open_project({str(root)!r}, stack='local')))"
    return subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True, check=True).stdout.strip()


def test_the_key_is_the_same_in_every_process_and_follows_every_input(copy):
    unchanged = key_of(copy)
    assert key_in_a_process(copy, "1") == key_in_a_process(copy, "2") == unchanged  # sets sorted: not the hash seed's order
    edit(copy / PLAYS, "\nname: play-events", "\n# a comment changes nothing the program reads\nname: play-events")
    assert key_of(copy) == unchanged
    changes = {
        "a column's description": (PLAYS, "description: Pseudonymous listener identifier", "description: The pseudonymous listener"),
        "a stack setting": ("stacks/Pulumi.local.yaml", "meshplane:namePrefix: daff", "meshplane:namePrefix: daffy"),
        "the federation": ("governance/federation.yaml", "noncurrent_version_days: 7", "noncurrent_version_days: 8"),
        "the program": ("__main__.py", 'pulumi.export("environment"', 'pulumi.export("the environment"'),
    }
    seen = {unchanged}
    for what, (path, old, new) in changes.items():
        edit(copy / path, old, new)
        changed = key_of(copy)
        assert changed not in seen, what
        seen.add(changed)
    assert key_of(copy, "dev") not in seen  # another stack of the same files


def test_kept_registrations_are_the_programs_own_and_another_key_reads_none(copy, tmp_path):
    project = open_project(copy, stack="local")
    ran: list[str] = []

    def run(p):
        ran.append(p.stack.name)
        return engine.run(p)

    first, kept, digest = memo.evaluate(project, tmp_path / "state", run)
    assert (kept, ran, digest) == (False, ["local"], memo.key(project))
    again, kept, same = memo.evaluate(open_project(copy, stack="local"), tmp_path / "state", run)
    assert (kept, ran, same) == (True, ["local"], digest)  # not run a second time
    assert again.resources == first.resources and again.outputs == first.outputs and again.stack == first.stack
    edit(copy / PLAYS, "retention_days: 400", "retention_days: 401")
    changed, kept, other = memo.evaluate(open_project(copy, stack="local"), tmp_path / "state", run)
    assert (kept, ran) == (False, ["local", "local"]) and other != digest
    assert changed.resources != first.resources
    assert memo.recall(memo.memo_path(tmp_path / "state", "local"), "another key") is None
    memo.memo_path(tmp_path / "state", "local").write_text("{not json")
    assert memo.recall(memo.memo_path(tmp_path / "state", "local"), memo.key(project)) is None


def test_a_value_without_a_canonical_form_makes_no_key():
    with pytest.raises(memo.Unkeyed):
        memo.canonical({"x": object()})
    assert memo.canonical({"b": {2, 1}, "a": (1,)}) == {"mapping": [["b", {"set": [1, 2]}], ["a", [1]]]}
