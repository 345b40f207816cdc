"""Helpers for the component tests: an isolated mock run, a temporary project, readers for what was registered.

A mock run is the engine's own (`meshplane.registrations.engine.mock_run`), so a test that registers components on its
own never sees another test's resources.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pulumi

from meshplane.cloud.inventory import Resource
from meshplane.registrations.engine import Cloud, Recorder, inventory, mock_run, plain

ROOT = Path(__file__).resolve().parents[2]  # the repository: the sample project


class OutputsRecorder(Recorder):
    """Also keeps what each component hands to `register_outputs` (the mock monitor drops it)."""

    def __init__(self, cloud: Cloud):
        super().__init__(cloud)
        self.component_outputs: dict[str, dict] = {}

    def RegisterResourceOutputs(self, request):
        self.component_outputs[request.urn] = plain(pulumi.runtime.rpc.deserialize_properties(request.outputs))
        return super().RegisterResourceOutputs(request)


@dataclass
class Run:
    resources: list[Resource]
    component_outputs: dict[str, dict] = field(default_factory=dict)
    value: object = None  # what the program returned, resolved

    def custom(self) -> list[Resource]:
        return [r for r in self.resources if r.custom and not r.is_provider]

    def outputs_of(self, resource: Resource) -> dict:
        return self.component_outputs.get(resource.urn, {})


def run(program: Callable[[], object], *, stack: str = "test", config: dict[str, str] | None = None,
        account: str = "123456789012", region: str = "eu-west-1") -> Run:
    """Run `program` (which registers resources) alone under the mock engine; what it registered, in order."""
    recorder, value = mock_run(program, stack, dict(config or {}), Cloud(account=account, region=region), OutputsRecorder)
    return Run(resources=inventory(recorder), component_outputs=recorder.component_outputs, value=plain(value))


def project_copy(tmp_path: Path, root: Path = ROOT) -> Path:
    """A project folder the engine can evaluate: the real program, stacks and governance, a copy of `domains/` to edit."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("__main__.py", "Pulumi.yaml", "governance", "stacks", "schemas"):
        if (root / name).exists():
            (project / name).symlink_to(root / name)
    shutil.copytree(root / "domains", project / "domains")
    return project


def edit(path: Path, old: str, new: str) -> None:
    """Replace exactly one occurrence of `old` in a YAML file of a temporary mesh."""
    text = path.read_text()
    assert text.count(old) == 1, f"{path}: {old!r} occurs {text.count(old)} times"
    path.write_text(text.replace(old, new))


def of_type(resources: Iterable[Resource], token: str) -> list[Resource]:
    return [r for r in resources if r.type == token]


def one(resources: Iterable[Resource], token: str | None = None, product: str | None = None, name: str | None = None) -> Resource:
    found = [r for r in resources if token in (None, r.type) and (product is None or r.product == product) and (name is None or r.name == name)]
    assert len(found) == 1, f"expected one {token} (product={product}, name={name}), found {[r.name for r in found]}"
    return found[0]


def document(resource: Resource, key: str = "policy") -> dict:
    """A policy input as data (components build it with `json.dumps`)."""
    return json.loads(resource.inputs[key])


def provider_name(resource: Resource) -> str | None:
    """`urn:...:pulumi:providers:aws::aws::aws-id` -> `aws`: the explicit provider's logical name."""
    if not resource.provider:
        return None
    urn = resource.provider.rsplit("::", 1)[0]
    return urn.rsplit("::", 1)[-1]


_QUANTITY = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")
_FACTORS = {None: 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


def quantity(text: str | int | float) -> float:
    """A Kubernetes quantity as a number ("500m" -> 0.5, "2Gi" -> 2147483648)."""
    if isinstance(text, (int, float)):
        return float(text)
    match = _QUANTITY.match(text)
    assert match, f"not a Kubernetes quantity: {text!r}"
    return float(match.group(1)) * _FACTORS[match.group(2)]

