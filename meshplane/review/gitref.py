"""The project at another git ref: the files a change touches, and that ref's tree checked out beside this one.

`diff --base`, `validate --base` and `stacks --changed --base` read the base through a temporary git
worktree, so the base is read by its own program (`meshplane.snapshot`) where that program can.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from meshplane.declarations.problems import MeshError, Problem


def _git(cwd: Path, *args: str) -> str:
    try:
        run = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    except FileNotFoundError:
        raise MeshError([Problem("(git)", 1, "git is not installed: --base needs it")]) from None
    if run.returncode != 0:
        message = (run.stderr.strip().splitlines() or [f"git {' '.join(args)} failed"])[-1]
        raise MeshError([Problem("(git)", 1, f"git {args[0]}: {message}")])
    return run.stdout


def repository(root: Path) -> tuple[Path, Path]:
    """(the repository's top folder, the project's folder inside it)."""
    try:
        top = Path(_git(root, "rev-parse", "--show-toplevel").strip()).resolve()
    except MeshError:
        raise MeshError([Problem(str(root), 1, "not in a git repository: --base compares with a git ref")]) from None
    return top, root.resolve().relative_to(top)


def commit_of(root: Path, ref: str) -> str:
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
    except MeshError:
        raise MeshError([Problem("--base", 1, f"{ref!r} is not a commit of this repository (fetch it first: git fetch origin {ref})")]) from None


def upstream_base(root: Path) -> tuple[str, str] | None:
    """(the merge-base of HEAD and the branch's upstream, what it is): the base of the change a checkout holds, for a check
    run without `--base`. The upstream is the branch's (`@{upstream}`), else the remote's default branch (`origin/HEAD`),
    else HEAD itself (the change is what is not committed). None outside a git checkout."""
    try:
        repository(root)
    except MeshError:
        return None
    for upstream in ("@{upstream}", "origin/HEAD"):
        try:
            name = _git(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", upstream).strip()
            commit = _git(root, "merge-base", "HEAD", name).strip()
        except MeshError:
            continue
        return commit, f"the merge-base of HEAD and {name} ({commit[:7]})"
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", "HEAD").strip(), "HEAD (no upstream branch)"
    except MeshError:
        return None  # a repository without a commit: nothing to compare with


def changed_files(root: Path, ref: str) -> list[str]:
    """Every file the working tree changes against `ref` (committed or not, and files git does not track yet but does
    not ignore), relative to the project's folder; files outside the project are left out."""
    top, inside = repository(root)
    commit = commit_of(root, ref)
    names = _git(top, "diff", "--name-only", "--no-renames", commit, "--").splitlines()
    names += _git(top, "ls-files", "--others", "--exclude-standard").splitlines()
    prefix = "" if str(inside) == "." else f"{inside.as_posix()}/"
    return sorted({n[len(prefix) :] for n in names if n.startswith(prefix)})


@contextmanager
def checkout(root: Path, ref: str) -> Iterator[Path]:
    """The project's folder as it is at `ref`, in a temporary git worktree removed afterwards."""
    top, inside = repository(root)
    commit = commit_of(root, ref)
    with tempfile.TemporaryDirectory(prefix="meshplane-base-") as tmp:
        tree = Path(tmp) / "tree"
        _git(top, "worktree", "add", "--detach", "--quiet", str(tree), commit)
        try:
            yield tree / inside
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=top, capture_output=True, timeout=120)
            subprocess.run(["git", "worktree", "prune"], cwd=top, capture_output=True, timeout=120)
