"""A stack's settings: what differs between environments, read from `stacks/Pulumi.<stack>.yaml`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml
from pydantic import Field, ValidationError

from meshplane.problems import MeshError, Problem
from meshplane.spec import Environment, Name, Spec


class StackSettings(Spec):
    """The `meshplane:*` keys of a stack's configuration."""

    environment: Environment = Field(description="The environment the stack deploys (dev, staging, prod, local).")
    domains: tuple[Name, ...] | None = Field(default=None, description="Deploy only these domains (default: every domain).")
    account_id: str = Field(alias="accountId", pattern=r"^[0-9]{12}$", description="The AWS account every name and ARN is derived in.")
    region: str = Field(pattern=r"^[a-z]{2}(-[a-z]+)+-[0-9]$", description="The AWS region (the same as `aws:region`).")
    name_prefix: str = Field(alias="namePrefix", pattern=r"^[a-z][a-z0-9-]{1,19}$", description="Prefix of every physical name, e.g. `daff-prod`.")
    cluster: str = Field(min_length=1, max_length=100, description="The EKS cluster the jobs run on.")
    protect_data: bool = Field(
        default=True, alias="protectData", description="The environment keeps data: stateful resources are protected and retained."
    )
    allow_data_destruction: bool = Field(
        default=False,
        alias="allowDataDestruction",
        description="First key for destroying data; a product's `destroy_data` is the second.",
    )
    aws_endpoint: str | None = Field(
        default=None,
        alias="awsEndpoint",
        pattern=r"^https?://[^/\s]+/?$",
        description="A local AWS emulator (moto, LocalStack) every AWS service is reached at, instead of AWS.",
    )
    kube_context: str | None = Field(default=None, alias="kubeContext", description="The kubeconfig context (default: the current one).")
    render_manifests: str | None = Field(
        default=None, alias="renderManifests", description="Write the Kubernetes manifests to this folder instead of applying them."
    )

    model_config = {**Spec.model_config, "populate_by_name": True}


SETTING_KEYS = [field.alias or name for name, field in StackSettings.model_fields.items()]
LIST_KEYS = {"domains"}  # the CLI hands lists over as JSON; booleans and numbers pydantic reads from text


@dataclass(frozen=True)
class Stack:
    """One stack of the project: its name, its config as the Pulumi CLI hands it to the program, its settings."""

    name: str
    config: dict[str, str]
    settings: StackSettings

    @property
    def file(self) -> str:
        return stack_file(self.name)


def stack_file(stack: str) -> str:
    """The stack's configuration file, relative to the project (`stackConfigDir` in Pulumi.yaml)."""
    return f"stacks/Pulumi.{stack}.yaml"


def read_stack(root: Path, name: str, overrides: dict[str, str] | None = None) -> Stack:
    """The stack `name` of the project at `root` (its config, with `overrides`), validated; MeshError otherwise."""
    config = {**stack_config(root, name), **(overrides or {})}
    settings = settings_from(lambda key: config.get(f"meshplane:{key}"), stack_file(name), root)
    return Stack(name, config, settings)


def stack_config(root: Path, stack: str) -> dict[str, str]:
    """A stack file's config as the Pulumi CLI hands it to the program: `ns:key` -> string (objects as JSON)."""
    path = root / stack_file(stack)
    if not path.is_file():
        known = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in path.parent.glob("Pulumi.*.yaml"))
        raise MeshError([Problem(stack_file(stack), 1, f"no stack {stack!r} (known: {', '.join(known)})")])
    data = yaml.safe_load(path.read_text()) or {}
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in (data.get("config") or {}).items()}


def settings_from(get_config: Callable[[str], str | None], stack_file: str, root: Path = Path(".")) -> StackSettings:
    """Settings from a `pulumi.Config`-like getter (`get(key) -> str | None`); errors point at the line of
    `stack_file` (relative to the project `root`) that sets the key."""
    values: dict[str, object] = {}
    errors: list[tuple[str, str]] = []  # (key, message)
    for key in SETTING_KEYS:
        raw = get_config(key)
        if raw is None:
            continue
        try:
            values[key] = json.loads(raw) if key in LIST_KEYS else raw
        except ValueError:
            errors.append((key, f"meshplane:{key}: not a list: {raw!r}"))
    try:
        settings = StackSettings.model_validate(values)
    except ValidationError as exc:
        errors += [_explain(e) for e in exc.errors()]
    if errors:
        lines = _key_lines(root / stack_file)
        raise MeshError([Problem(stack_file, lines.get(key, 1), message) for key, message in errors])
    return settings


def _explain(error: dict) -> tuple[str, str]:
    where = ".".join(str(p) for p in error["loc"])
    return str(error["loc"][0]) if error["loc"] else "", f"meshplane:{where}: {'missing' if error['type'] == 'missing' else error['msg']}"


def _key_lines(path: Path) -> dict[str, int]:
    """`meshplane:<key>` -> the line of the stack file that sets it."""
    try:
        text = path.read_text()
    except OSError:
        return {}
    found = {}
    for number, line in enumerate(text.splitlines(), 1):
        key, sep, _ = line.strip().partition(":")
        if key == "meshplane" and sep:
            found.setdefault(line.strip().split(":")[1], number)
    return found
