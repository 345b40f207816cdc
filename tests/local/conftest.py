"""Fixtures for the local cloud tests: one moto server on 127.0.0.1 for the session, emptied before each test.

moto keeps its state per process, so every test starts from `reset` (an empty cloud, IAM enforcement off).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from localkit import PROJECT_FILES, ROOT

from meshplane import cli
from meshplane.local.emulator import Emulator, enforcement, reset


@pytest.fixture(scope="session")
def emulator():
    with Emulator() as running:
        yield running


@pytest.fixture
def endpoint(emulator) -> str:
    reset(emulator.endpoint)
    yield emulator.endpoint
    with enforcement(emulator.endpoint):  # whatever a failing test left on, it ends off
        pass


@pytest.fixture
def admin(endpoint):
    """boto3 clients of the local stack's account in the emulator (moto's default account)."""
    from meshplane.local.emulator import connect

    return connect(endpoint, "us-east-1", "123456789012").client


@pytest.fixture
def other(endpoint):
    """boto3 clients of the local stack's second account (artists and playlists live there)."""
    from meshplane.local.emulator import connect

    aws = connect(endpoint, "us-east-1", "210987654321", "arn:aws:iam::210987654321:role/meshplane-deployer")
    return aws.client


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project (program, mesh, governance, stacks) to break without touching the real one."""
    root = tmp_path / "project"
    root.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.is_file():
            shutil.copy(source, root / name)
    return root


@pytest.fixture(scope="session")
def local_evaluation():
    from meshplane.registrations.engine import evaluate

    return evaluate("local")


@pytest.fixture(scope="session")
def prod():
    """The prod environment's registrations, under the mock engine: prod as one stack of every domain (podcasts, which
    deploys alone in prod-podcasts, included), as the program before that split registered it."""
    from meshplane.registrations.engine import evaluate
    from meshplane.registrations.project import open_project

    # a stack of every domain would overlap prod-podcasts: run on the project as loaded, past the stacks' check
    return evaluate("prod", {"meshplane:excludeDomains": "null"}, project=open_project(ROOT))


@pytest.fixture
def command(capsys):
    """Run a meshplane command in this process: (exit status, stdout, stderr)."""

    def run(*argv: str) -> tuple[int, str, str]:
        status = cli.main(list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture
def deployed(endpoint, tmp_path, command, monkeypatch):
    """The local stack, provisioned with `meshplane up --local --endpoint` (its output)."""
    monkeypatch.chdir(ROOT)
    status, out, err = command("up", "--local", "--env", "local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 0, err
    return out
