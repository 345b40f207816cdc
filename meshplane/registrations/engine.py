"""Run the real `__main__.py` in-process under Pulumi's mock engine and record what it registers.

This is how meshplane previews offline (`meshplane plan`), checks resources against governance, and
feeds `up --local`: the same program, the same components, no Pulumi CLI and no cloud account.
"""

from __future__ import annotations

import asyncio
import os
import runpy
import sys
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
from pulumi.runtime import mocks, rpc
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from components.domain import DataDomain
from components.product import DataProduct
from components.providers import account_of_provider
from meshplane.cloud.inventory import Resource
from meshplane.declarations.problems import MeshError, Problem
from meshplane.declarations.stack import read_stack
from meshplane.registrations import heap
from meshplane.registrations.mockcloud import mock_state
from meshplane.registrations.program import preloaded
from meshplane.registrations.project import Project, find_root

PROJECT = "meshplane"


@dataclass
class Evaluation:
    stack: str
    resources: list[Resource]
    outputs: dict = field(default_factory=dict)

    def custom(self) -> list[Resource]:
        """The cloud resources (no components, no providers)."""
        return [r for r in self.resources if r.custom and not r.is_provider]


class Cloud(mocks.Mocks):
    """Answers like the cloud would, deterministically: IDs and ARNs derived from the inputs."""

    def __init__(self, account: str, region: str):
        self.account = account
        self.region = region

    def new_resource(self, args: mocks.MockResourceArgs):
        account = account_of_provider(args.provider, self.account)
        return mock_state(args.typ, args.name, dict(args.inputs), account, self.region)

    def call(self, args: mocks.MockCallArgs):
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": self.account, "arn": f"arn:aws:iam::{self.account}:root", "userId": "mock"}, []
        return {}, []


class Recorder(mocks.MockMonitor):
    """Keeps what `MockResourceArgs` drops: parent, provider, protect, retainOnDelete, aliases."""

    def __init__(self, cloud: Cloud):
        super().__init__(cloud)
        self.requests: dict[str, object] = {}
        self.order: list[str] = []

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            self.requests[response.urn] = request
            self.order.append(response.urn)
        return response



def run(project: Project) -> Evaluation:
    """Run the program for the project's stack under mocks, on the project as the command loaded it."""
    return evaluate(project.stack.name, project.stack.config, project.root, project)


def evaluate(stack: str, overrides: dict[str, str] | None = None, root: Path | None = None, project: Project | None = None) -> Evaluation:
    """Run the program for `stack` (its config plus `overrides`) under mocks; every registered resource, in order.

    `root`: the project's folder (default: the project's, else the one around the working directory, never this
    package's). With `project`, the program composes that project's mesh and federation instead of loading them again."""
    root = root if root is not None else project.root if project is not None else find_root()
    config = project.stack.config if project is not None and project.stack is not None else read_stack(root, stack, overrides).config
    cloud = Cloud(account=config.get("meshplane:accountId", "123456789012"), region=config.get("meshplane:region", "us-east-1"))

    def program() -> dict:
        runpy.run_path(str(root / "__main__.py"), run_name="__main__")
        return dict(runtime_settings.get_root_resource().outputs)  # what it exported

    with _isolated(root), heap.suspended(), preloaded(project) if project is not None else nullcontext():
        try:
            recorder, outputs = mock_run(program, stack, config, cloud)
        except pulumi.RunError as exc:
            raise MeshError(getattr(exc, "problems", None) or [Problem("__main__.py", 1, str(exc))]) from None
    return Evaluation(stack=stack, resources=inventory(recorder), outputs=plain(outputs or {}))


def mock_run(program: Callable[[], object], stack: str, config: dict[str, str], cloud: Cloud, monitor: type[Recorder] = Recorder) -> tuple[Recorder, object]:
    """Run `program` (which registers resources) alone under Pulumi's mock engine: a fresh event loop, the runtime's
    options reset, the config set, a new monitor (docs/toolchain.md). Its monitor, and what it returned, resolved."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    returned: list[object] = []
    try:
        runtime_settings.reset_options(project=PROJECT, stack=stack, preview=False)
        set_all_config(dict(config))
        recorder = monitor(cloud)
        mocks.set_mocks(cloud, project=PROJECT, stack=stack, preview=False, monitor=recorder)
        _sync_await(run_pulumi_func(lambda: returned.append(program())))
        value = returned[0] if returned else None
        if value is not None:
            value = _sync_await(pulumi.Output.from_input(value).future())
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    return recorder, value


@contextmanager
def _isolated(root: Path):
    """The program reads `domains/` relative to the project root, as under the Pulumi CLI."""
    cwd = os.getcwd()
    added = str(root) not in sys.path
    if added:
        sys.path.insert(0, str(root))
    os.chdir(root)
    try:
        yield
    finally:
        os.chdir(cwd)
        if added:
            sys.path.remove(str(root))


def inventory(recorder: Recorder) -> list[Resource]:
    registered = recorder.get_registered_resources()
    names = {urn: (req.type, req.name, req.parent) for urn, req in recorder.requests.items()}
    result = []
    for urn in recorder.order:
        req = recorder.requests[urn]
        domain, product = _owner(urn, names)
        state = registered.get(urn)
        result.append(
            Resource(
                urn=urn,
                type=req.type,
                name=req.name,
                inputs=plain(pulumi.runtime.rpc.deserialize_properties(req.object)),
                parent=req.parent or None,
                provider=req.provider or None,
                protect=bool(req.protect),
                retain_on_delete=bool(req.retainOnDelete),
                aliases=tuple(a.urn or a.spec.name for a in req.aliases if a.urn or a.spec.name),  # renames, not type aliases
                custom=bool(req.custom),
                domain=domain,
                product=product,
                id=state.id if state else None,
                outputs=plain(state.state) if state else {},
            )
        )
    return result


def _owner(urn: str, names: dict[str, tuple[str, str, str]]) -> tuple[str | None, str | None]:
    while urn in names:
        typ, name, parent = names[urn]
        if typ == DataProduct.TOKEN:
            return name.split("/")[0], name
        if typ == DataDomain.TOKEN:
            return name, None
        urn = parent
    return None, None


def plain(value):
    """Inputs as plain JSON-like data (Pulumi's unknowns and secrets unwrapped)."""
    if isinstance(value, dict) and value.get(rpc._special_sig_key) == rpc._special_secret_sig:
        return plain(value["value"])
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value

