"""One snapshot of each clean git tree per test process: `meshplane.snapshot`'s subprocess (the base's own program,
about a CPU second each) runs once for a tree, env and stacks, and its JSON is read again by the later tests.

Only a checkout whose files are exactly a committed tree (`git status --porcelain --ignored` empty) is shared, under
the git object id of its project folder: the same id is the same files, program included, so the subprocess would
print the same JSON. A working tree with edits, untracked or ignored files runs its program every time.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from meshplane import snapshot

_TAKEN: dict[tuple, str] = {}
_RUN = snapshot._run


def tree_id(tree: Path) -> str | None:
    """The git object id of the project folder `tree` when its checkout holds exactly that committed tree, else None."""

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=tree, capture_output=True, text=True, timeout=120)

    status = git("status", "--porcelain", "--ignored", "--untracked-files=all")
    if status.returncode != 0 or status.stdout.strip():
        return None
    found = git("rev-parse", "HEAD:./")
    return found.stdout.strip() if found.returncode == 0 else None


def shared_run(tree: Path, env: str, stacks, what: str) -> dict:
    key = tree_id(tree)
    if key is None:
        return _RUN(tree, env, stacks, what)
    key = (key, env, tuple(stacks), what)
    if key not in _TAKEN:
        _TAKEN[key] = json.dumps(_RUN(tree, env, stacks, what))
    return json.loads(_TAKEN[key])  # a fresh copy, as the subprocess's output is


def share_snapshots(monkeypatch) -> None:
    monkeypatch.setattr(snapshot, "_run", shared_run)
