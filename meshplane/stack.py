"""A stack's settings: what differs between environments, read from `stacks/Pulumi.<stack>.yaml`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml is in PyYAML's wheels
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]
from pydantic import Field, ValidationError, field_validator

from meshplane.problems import MeshError, Problem
from meshplane.quotas import QUOTAS
from meshplane.spec import Environment, Name, Spec

ACCOUNT_PATTERN = r"^[0-9]{12}$"
ROLE_ARN_PATTERN = r"^arn:aws:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@/_-]+$"


def _known_quotas(value: dict[str, int]) -> dict[str, int]:
    wrong = []
    for quota_id, raised in value.items():
        quota = QUOTAS.get(quota_id)
        if quota is None:
            wrong.append(f"unknown quota {quota_id!r} (known: {', '.join(sorted(QUOTAS))})")
        elif not quota.allows(raised):
            if not quota.adjustable:
                why = f"it is {quota.default:,} and AWS does not raise it"
            elif raised < quota.default:
                why = f"it is {quota.default:,} by default, and a stack declares only raised quotas"
            else:
                why = f"it is {quota.default:,} by default and at most {quota.maximum:,}"
            wrong.append(f"quota {quota_id!r} cannot be {raised:,}: {why}")
    if wrong:
        raise ValueError("; ".join(wrong))
    return value


class DomainAccount(Spec):
    """An AWS account some domains live in, and how the deployment reaches it."""

    account_id: str = Field(alias="accountId", pattern=ACCOUNT_PATTERN, description="The account's ID.")
    role_arn: str = Field(alias="roleArn", pattern=ROLE_ARN_PATTERN, description="The role the deployment assumes in the account.")
    quotas: dict[str, int] = Field(default_factory=dict, description="Quotas raised in this account, by ID (`meshplane quotas` lists them).")

    model_config = {**Spec.model_config, "populate_by_name": True}

    @field_validator("quotas")
    @classmethod
    def _known(cls, value: dict[str, int]) -> dict[str, int]:
        return _known_quotas(value)


class StackSettings(Spec):
    """The `meshplane:*` keys of a stack's configuration."""

    environment: Environment = Field(description="The environment the stack deploys (dev, staging, prod, local).")
    domains: tuple[Name, ...] | None = Field(default=None, description="Deploy only these domains (default: every domain).")
    account_id: str = Field(
        alias="accountId", pattern=ACCOUNT_PATTERN, description="The default AWS account: the cluster's, and every domain's not in `accounts`."
    )
    accounts: dict[Name, DomainAccount] = Field(
        default_factory=dict, description="Domains that live in an account of their own: domain -> {accountId, roleArn, quotas}."
    )
    quotas: dict[str, int] = Field(default_factory=dict, description="Quotas raised in the default account, by ID.")
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

    @field_validator("quotas")
    @classmethod
    def _known(cls, value: dict[str, int]) -> dict[str, int]:
        return _known_quotas(value)

    def account_of(self, domain: str) -> str:
        """The AWS account a domain's data lives in."""
        placed = self.accounts.get(domain)
        return placed.account_id if placed else self.account_id

    def all_accounts(self) -> list[str]:
        """The default account first, then the others in order."""
        return [self.account_id, *sorted({a.account_id for a in self.accounts.values()} - {self.account_id})]

    def role_of(self, account: str) -> str | None:
        """The role the deployment assumes in `account` (None: the default account, reached directly)."""
        return next((a.role_arn for a in self.accounts.values() if a.account_id == account and account != self.account_id), None)

    def raised(self, account: str) -> dict[str, int]:
        """The quotas the stack declares raised in `account`."""
        found = dict(self.quotas) if account == self.account_id else {}
        for placed in self.accounts.values():
            if placed.account_id == account:
                found.update(placed.quotas)
        return found


SETTING_KEYS = [field.alias or name for name, field in StackSettings.model_fields.items()]
JSON_KEYS = {"domains", "accounts", "quotas"}  # the CLI hands objects over as JSON; booleans and numbers pydantic reads from text


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


def stack_names(root: Path) -> list[str]:
    """The stacks of the project at `root`, by name."""
    folder = (root / stack_file("any")).parent
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in folder.glob("Pulumi.*.yaml"))


def read_stack(root: Path, name: str, overrides: dict[str, str] | None = None) -> Stack:
    """The stack `name` of the project at `root` (its config, with `overrides`), validated; MeshError otherwise."""
    config = {**stack_config(root, name), **(overrides or {})}
    settings = settings_from(lambda key: config.get(f"meshplane:{key}"), stack_file(name), root)
    return Stack(name, config, settings)


def stack_config(root: Path, stack: str) -> dict[str, str]:
    """A stack file's config as the Pulumi CLI hands it to the program: `ns:key` -> string (objects as JSON)."""
    path = root / stack_file(stack)
    if not path.is_file():
        raise MeshError([Problem(stack_file(stack), 1, f"no stack {stack!r} (known: {', '.join(stack_names(root))})")])
    data = yaml.load(path.read_text(), Loader=_Loader) or {}
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
            values[key] = json.loads(raw) if key in JSON_KEYS else raw
        except ValueError:
            errors.append((key, f"meshplane:{key}: not JSON: {raw!r}"))
    try:
        settings = StackSettings.model_validate(values)
    except ValidationError as exc:
        errors += [_explain(e) for e in exc.errors()]
    if errors:
        lines = key_lines(root / stack_file)
        raise MeshError([Problem(stack_file, lines.get(key, 1), message) for key, message in errors])
    return settings


def _explain(error: dict) -> tuple[str, str]:
    where = ".".join(str(p) for p in error["loc"])
    return str(error["loc"][0]) if error["loc"] else "", f"meshplane:{where}: {'missing' if error['type'] == 'missing' else error['msg']}"


def key_lines(path: Path) -> dict[str, int]:
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
