"""The local tier's helpers: the repository (the sample project) and the files a copy of the project holds, and the
sample deployed once for a module. Test modules import from here, never from `conftest`: another tier's conftest may be
the one Python knows by that name."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the repository: the sample project

PROJECT_FILES = ("Pulumi.yaml", "__main__.py", "domains", "governance", "stacks", "schemas")


@dataclass(frozen=True)
class Deployment:
    endpoint: str
    out: str  # what `up` printed
    folder: Path  # its state and registrations; the manifests in folder / "manifests"
    key: str  # users' key: a new deployment (after a test emptied the emulator) has another


class Deployments:
    """The sample deployed once for a module's tests, and again only when a test in between emptied the emulator."""

    def __init__(self, endpoint: str, folders: pytest.TempPathFactory):
        self.endpoint, self.folders, self.last = endpoint, folders, None

    def holds(self, deployment: Deployment) -> bool:
        from botocore.exceptions import ClientError

        from meshplane.local.emulator import connect

        try:
            kms = connect(self.endpoint, "us-east-1", "123456789012").client("kms")
            return kms.describe_key(KeyId="alias/daff-local-users")["KeyMetadata"]["Arn"] == deployment.key
        except ClientError:
            return False

    def current(self) -> Deployment:
        if self.last is None or not self.holds(self.last):
            self.last = self.deploy()
        return self.last

    def deploy(self) -> Deployment:
        from meshplane import cli
        from meshplane.local.emulator import connect, reset

        reset(self.endpoint)
        out, err = io.StringIO(), io.StringIO()
        folder = self.folders.mktemp("deployed-once")
        with contextlib.chdir(ROOT), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = cli.main(["up", "--local", "--env", "local", "--endpoint", self.endpoint, "--out", str(folder / "manifests")])
        assert status == 0, err.getvalue()
        key = connect(self.endpoint, "us-east-1", "123456789012").client("kms").describe_key(KeyId="alias/daff-local-users")
        return Deployment(self.endpoint, out.getvalue(), folder, key["KeyMetadata"]["Arn"])


@pytest.fixture(scope="module")
def deployments(emulator, tmp_path_factory) -> Deployments:
    return Deployments(emulator.endpoint, tmp_path_factory)


@pytest.fixture
def deployed_once(deployments) -> Deployment:
    """The local stack provisioned (`meshplane up --local --endpoint`) once for the tests of a module that read it and
    undo what they change. A deployment is about 4 CPU seconds; `deployed` makes one per test.

    Tests taking it must not take `endpoint` (nor `admin`, `other`), which empty the emulator first; a test of the module
    that does so in between costs a deployment more, never a stale one."""
    return deployments.current()
