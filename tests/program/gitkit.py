"""Throw-away git repositories holding a copy of this project (its program and its sample mesh), for the tests of
what a change does: `meshplane stacks --changed`, `diff --base`, `validate --base`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from meshplane import cli

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ("Pulumi.yaml", "__main__.py", "pyproject.toml", "components", "meshplane", "governance", "policies", "stacks", "domains", "schemas")


def git(root: Path, *args: str) -> str:
    run = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args], cwd=root, capture_output=True, text=True, check=True)
    return run.stdout


def project_copy(root: Path) -> Path:
    """A copy of this project as it is (caches and outputs left out) at `root`."""
    root.mkdir(exist_ok=True)
    for name in PROJECT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        else:
            shutil.copy2(source, root / name)
    return root


def repository(tmp: Path) -> Path:
    """A git repository whose one commit is this project as it is (caches and outputs left out)."""
    root = project_copy(tmp / "repo")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return root


def edit(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text()
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    file.write_text(text.replace(old, new))


def commit(root: Path, message: str = "change") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def meshplane(root: Path, monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Run a command in the repository, in-process: (exit status, stdout, stderr)."""
    monkeypatch.chdir(root)
    capsys.readouterr()
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def stacks(root: Path, monkeypatch, capsys, *args: str) -> dict:
    code, out, err = meshplane(root, monkeypatch, capsys, "stacks", "--changed", "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)


def diff(root: Path, monkeypatch, capsys, *args: str) -> tuple[int, dict]:
    """`diff --base main` in JSON, for prod (the pull request's) unless `args` name an environment or stack."""
    env = () if "--env" in args or "--stack" in args else ("--env", "prod")
    code, out, err = meshplane(root, monkeypatch, capsys, "diff", "--base", "main", "--format", "json", *env, *args)
    assert "Traceback" not in err, err
    return code, json.loads(out)


def kinds(found: dict, product: str) -> list[tuple[str, str]]:
    return [(c["kind"], c["severity"]) for c in found["products"].get(product, [])]
