"""`diff --base` reads the base with the base's own program, across the move of meshplane's modules into packages:
`python -m meshplane.snapshot` is the interface between versions, and only its path stays fixed."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from meshplane import cli, snapshot

ROOT = Path(__file__).resolve().parents[3]
FLAT = "4047758"  # the last commit with every module at the top of meshplane/ (meshplane/engine.py, ...)


def test_a_base_from_before_the_layout_is_read_by_its_own_program(capsys, monkeypatch):
    flat = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{FLAT}:meshplane/engine.py"], capture_output=True)
    assert flat.returncode == 0, f"{FLAT} is not in this clone's history (a clone with history is needed)"
    monkeypatch.chdir(ROOT)
    monkeypatch.setitem(os.environ, "PYTHONPATH", "")  # the base's program, not this one, takes the base's snapshot
    base = snapshot.of_ref(ROOT, FLAT, "prod", ["prod", "prod-podcasts"])
    assert base["program"] == "own"
    assert len(base["products"]) == 10  # the sample, as the flat program composed it
    # a program that takes one stack a run is run once per stack
    assert len(base["stacks"]["prod"]) > 100 and 0 < len(base["stacks"]["prod-podcasts"]) < len(base["stacks"]["prod"])
    status = cli.main(["diff", "--base", FLAT, "--env", "prod", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert status in (0, 1) and report["base_read_by"] == "own"
