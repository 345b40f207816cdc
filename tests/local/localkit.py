"""The local tier's helpers: the repository (the sample project) and the files a copy of the project holds, and the
sample deployed once for a module. Test modules import from here, never from `conftest`: another tier's conftest may be
the one Python knows by that name."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the repository: the sample project

PROJECT_FILES = ("Pulumi.yaml", "__main__.py", "domains", "governance", "stacks", "schemas")


@pytest.fixture(scope="module")
def deployed_once(emulator, tmp_path_factory) -> str:
    """The local stack provisioned once (`meshplane up --local --endpoint`) for the tests of a module that read it and
    undo what they change: its endpoint. A deployment is about 4 CPU seconds; `deployed` makes one per test.

    Tests taking it must not take `endpoint` (nor `admin`, `other`), which empty the emulator first."""
    from meshplane import cli
    from meshplane.local.emulator import reset

    reset(emulator.endpoint)
    out, err = io.StringIO(), io.StringIO()
    manifests = tmp_path_factory.mktemp("deployed-once") / "manifests"
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(["up", "--local", "--env", "local", "--endpoint", emulator.endpoint, "--out", str(manifests)])
    assert status == 0, err.getvalue()
    return emulator.endpoint
