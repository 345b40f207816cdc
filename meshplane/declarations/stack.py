"""A stack's settings: what differs between environments, read from `stacks/Pulumi.<stack>.yaml`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, ValidationError, field_validator

from meshplane.cloud.aws_inputs import BUCKET_RESERVED_PREFIXES, EKS_CLUSTER_MAX, EKS_CLUSTER_PATTERN
from meshplane.cloud.quotas import QUOTAS
from meshplane.declarations.problems import MeshError, Problem
from meshplane.declarations.spec import NAME_PATTERN, Environment, Integer, Name, Spec
from meshplane.declarations.spec_errors import explain
from meshplane.declarations.stack_file import StackFile, read_stack_file, stack_file, stack_names
from meshplane.declarations.yamlsrc import Document

__all__ = ["SETTING_KEYS", "Stack", "StackSettings", "read_stack", "role_problems", "settings_from", "stack_config", "stack_file", "stack_names"]

ACCOUNT_PATTERN = r"^[0-9]{12}$"
ROLE_ARN_PATTERN = r"^arn:aws:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@/_-]+$"
ROLE_NAME_PATTERN = r"^[A-Za-z0-9+=,.@_-]{1,64}$"
DEPLOYER_ROLE = "meshplane-deployer"  # the default account's deployer outside prod, when the stack names none


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
    quotas: dict[str, Integer] = Field(default_factory=dict, description="Quotas raised in this account, by ID (`meshplane quotas` lists them).")

    model_config = {**Spec.model_config, "populate_by_name": True}

    @field_validator("quotas")
    @classmethod
    def _known(cls, value: dict[str, int]) -> dict[str, int]:
        return _known_quotas(value)


class ManagementAccount(Spec):
    """The organization's management account, where the perimeter's policies are created and attached."""

    account_id: str = Field(alias="accountId", pattern=ACCOUNT_PATTERN, description="The management account's ID.")
    role_arn: str = Field(alias="roleArn", pattern=ROLE_ARN_PATTERN, description="The role the deployment assumes there to manage the policies.")

    model_config = {**Spec.model_config, "populate_by_name": True}


class StackSettings(Spec):
    """The `meshplane:*` keys of a stack's configuration."""

    environment: Environment = Field(description="The environment the stack deploys (dev, staging, prod, local).")
    domains: tuple[Name, ...] | None = Field(default=None, description="Deploy only these domains (default: every domain).")
    exclude_domains: tuple[Name, ...] | None = Field(
        default=None,
        alias="excludeDomains",
        description="Deploy every domain but these: what other stacks of the environment deploy (one stack per domain and environment).",
    )
    account_id: str = Field(
        alias="accountId", pattern=ACCOUNT_PATTERN, description="The default AWS account: the cluster's, and every domain's not in `accounts`."
    )
    accounts: dict[Name, DomainAccount] = Field(
        default_factory=dict, description="Domains that live in an account of their own: domain -> {accountId, roleArn, quotas}."
    )
    quotas: dict[str, Integer] = Field(default_factory=dict, description="Quotas raised in the default account, by ID.")
    deployer_role_arn: str | None = Field(
        default=None,
        alias="deployerRoleArn",
        pattern=ROLE_ARN_PATTERN,
        description=f"The role that deploys the default account: it alone administers the domain keys and changes bucket policies there "
        f"(`accounts[].roleArn` names it for the other accounts). Required in prod; elsewhere `arn:aws:iam::<accountId>:role/{DEPLOYER_ROLE}`.",
    )
    break_glass_role: str = Field(
        default="meshplane-break-glass",
        alias="breakGlassRole",
        pattern=ROLE_NAME_PATTERN,
        description="The name of the role, in every account of the stack, that may administer keys, bucket policies and grants besides the "
        "deployer, for emergencies: the perimeter and the bucket policies exempt it too.",
    )
    organizations_management_account: ManagementAccount | None = Field(
        default=None,
        alias="organizationsManagementAccount",
        description="The organization's management account {accountId, roleArn}: when set, the stack creates each domain account's SCP and RCP "
        "there (`aws:organizations` policies attached to the account); otherwise `meshplane export perimeter` writes them for you to attach.",
    )
    region: str = Field(pattern=r"^[a-z]{2}(-[a-z]+)+-[0-9]$", description="The AWS region (the same as `aws:region`).")
    name_prefix: str = Field(
        alias="namePrefix",
        pattern=NAME_PATTERN,
        min_length=2,
        max_length=20,
        description="Prefix of every physical name, e.g. `daff-prod`: it starts every bucket's name, so not a prefix S3 reserves.",
    )
    cluster: str = Field(
        min_length=1, max_length=EKS_CLUSTER_MAX, pattern=EKS_CLUSTER_PATTERN, description="The EKS cluster the jobs run on (EKS's name rules)."
    )
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

    @field_validator("name_prefix")
    @classmethod
    def _bucket_prefix(cls, value: str) -> str:
        reserved = next((p for p in BUCKET_RESERVED_PREFIXES if f"{value}-".startswith(p)), None)
        if reserved:
            raise ValueError(f"{value!r} would start every bucket's name with {reserved!r}, which S3 reserves")
        return value

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

    def deployer_roles(self) -> list[tuple[tuple, str, str]]:
        """(where the stack file sets it, account, role ARN): each account's deployer role, as the settings name it."""
        default = [(("deployerRoleArn",), self.account_id, self.deployer_role_arn)] if self.deployer_role_arn else []
        return default + [(("accounts", domain, "roleArn"), placed.account_id, placed.role_arn) for domain, placed in self.accounts.items()]

    def deployer(self, account: str) -> str:
        """The role that deploys `account`: the only principal (besides the break-glass role) that administers its data."""
        named = next((a.role_arn for a in self.accounts.values() if a.account_id == account), None)
        if account == self.account_id:
            return self.deployer_role_arn or named or f"arn:aws:iam::{account}:role/{DEPLOYER_ROLE}"
        return named

    def break_glass(self, account: str) -> str:
        """The break-glass role of `account`."""
        return f"arn:aws:iam::{account}:role/{self.break_glass_role}"

    def raised(self, account: str) -> dict[str, int]:
        """The quotas the stack declares raised in `account`."""
        found = dict(self.quotas) if account == self.account_id else {}
        for placed in self.accounts.values():
            if placed.account_id == account:
                found.update(placed.quotas)
        return found


SETTING_KEYS = [field.alias or name for name, field in StackSettings.model_fields.items()]
JSON_KEYS = {"domains", "excludeDomains", "accounts", "quotas", "organizationsManagementAccount"}  # the CLI hands objects over as JSON
BOOL_KEYS = {field.alias or name for name, field in StackSettings.model_fields.items() if field.annotation is bool}
LIST_KEYS = ("domains", "excludeDomains")


@dataclass(frozen=True)
class Stack:
    """One stack of the project: its name, its config as the Pulumi CLI hands it to the program, its settings, and
    where its file sets each of them."""

    name: str
    config: dict[str, str]
    settings: StackSettings
    source: StackFile | None = None

    @property
    def file(self) -> str:
        return stack_file(self.name)

    def line_of(self, key: str, *inside: str | int) -> int:
        """The line of the stack file that sets `meshplane:<key>` (1 when it does not)."""
        return self.source.line_of(f"meshplane:{key}", *inside) if self.source else 1


def read_stack(root: Path, name: str, overrides: dict[str, str] | None = None) -> Stack:
    """The stack `name` of the project at `root` (its config, with `overrides`), validated; MeshError otherwise."""
    source = read_stack_file(root, name, SETTING_KEYS)
    config = {**source.config, **(overrides or {})}
    if overrides and "meshplane:domains" in overrides and "meshplane:excludeDomains" in source.config:
        config.pop("meshplane:excludeDomains")  # narrowed to some domains: of those the stack deploys
        left_out = _listed(source.config["meshplane:excludeDomains"])
        clash = [d for d in _listed(overrides["meshplane:domains"]) if d in left_out]
        if clash:
            line = source.line_of("meshplane:excludeDomains")
            raise MeshError([Problem(source.path, line, f"stack {name!r} leaves domain {d!r} out (meshplane:excludeDomains): another stack deploys it")
                             for d in clash])  # fmt: skip
    settings = settings_from(lambda key: config.get(f"meshplane:{key}"), source)
    return Stack(name, config, settings, source)


def _listed(raw: str) -> list[str]:
    try:
        value = json.loads(raw)
    except ValueError:
        return []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def stack_config(root: Path, stack: str) -> dict[str, str]:
    """A stack file's config as the Pulumi CLI hands it to the program: `ns:key` -> string (objects as JSON)."""
    return read_stack_file(root, stack, SETTING_KEYS).config


def settings_from(get_config: Callable[[str], str | None], source: StackFile | str, root: Path = Path(".")) -> StackSettings:
    """Settings from a `pulumi.Config`-like getter (`get(key) -> str | None`); every problem at the line of the stack
    file that sets it (`source`: the file read, or its path relative to the project `root`, read for the lines only).

    As the Pulumi CLI does, a boolean is only `true` or `false`; objects are JSON."""
    if isinstance(source, str):
        source = _checked(root, source)
    values: dict[str, object] = {}
    errors: list[tuple[tuple, str]] = []  # (where, message)
    for key in SETTING_KEYS:
        raw = get_config(key)
        if raw is None:
            continue
        if key in BOOL_KEYS:
            if raw not in ("true", "false"):
                errors.append(((key,), f"meshplane:{key}: expected true or false, got {raw!r}"))
                continue
            values[key] = raw == "true"
        elif key in JSON_KEYS:
            try:
                values[key] = json.loads(raw)
            except ValueError:
                errors.append(((key,), f"meshplane:{key}: not JSON: {raw!r}"))
        else:
            values[key] = raw
    errors += _scope_problems(values)
    if values.get("environment") == "prod" and "deployerRoleArn" not in values:
        errors.append((("environment",), "meshplane:deployerRoleArn: required in prod: the role that deploys the default account, the only one "
                                         "that administers its keys and bucket policies (e.g. arn:aws:iam::<accountId>:role/meshplane-deployer)"))
    problems = [Problem(source.path, source.line_of(f"meshplane:{where[0]}", *where[1:]), message) for where, message in errors]
    try:
        settings = StackSettings.model_validate(values)
    except ValidationError as exc:
        doc = Document(values, {(k[0].removeprefix("meshplane:"), *k[1:]): n for k, n in source.lines.items()})
        problems += [Problem(source.path, *explain(e, doc, StackSettings, prefix="meshplane:")) for e in exc.errors(include_url=False)]
    if problems:
        raise MeshError(problems)
    return settings


def role_problems(settings: StackSettings) -> list[tuple[tuple, str]]:
    """(where in the stack file, message): each deployer role is in the account it deploys, and one account has one
    deployer role."""
    found: list[tuple[tuple, str]] = []
    first: dict[str, tuple[tuple, str]] = {}  # account -> (where, role)
    for where, account, role in settings.deployer_roles():
        key = "meshplane:" + ".".join(str(w) for w in where)
        in_account = role.split(":")[4]
        if in_account != account:
            found.append((where, f"{key}: role {role!r} is in account {in_account}, not in {account}, the account it deploys"))
            continue
        earlier = first.setdefault(account, (where, role))
        if earlier[1] != role:
            named = "meshplane:" + ".".join(str(w) for w in earlier[0])
            found.append((where, f"{key}: account {account} is deployed by {earlier[1]!r} ({named}): one account has one deployer role"))
    management = settings.organizations_management_account
    if management is not None:
        key = "meshplane:organizationsManagementAccount"
        if management.role_arn.split(":")[4] != management.account_id:
            found.append((("organizationsManagementAccount", "roleArn"), f"{key}.roleArn: role {management.role_arn!r} is in account "
                                                                          f"{management.role_arn.split(':')[4]}, not in {management.account_id}"))
        if management.account_id in settings.all_accounts():
            found.append((("organizationsManagementAccount", "accountId"), f"{key}.accountId: account {management.account_id} holds the stack's "
                                                                           "domains or cluster, and no SCP or RCP binds a management account"))
    return found


def _scope_problems(values: dict[str, object]) -> list[tuple[tuple, str]]:
    """A stack deploys a list of domains or every domain but some; each list says something, and names a domain once."""
    found: list[tuple[tuple, str]] = []
    for key in LIST_KEYS:
        listed = values.get(key)
        if not isinstance(listed, list):
            continue  # not a list: the model says so
        if not listed:
            why = "deploys nothing: name the domains, or leave the key out for every domain" if key == "domains" else "leaves nothing out: remove the key"
            found.append(((key,), f"meshplane:{key}: an empty list {why}"))
        first: dict[str, int] = {}
        for i, domain in enumerate(listed):
            if not isinstance(domain, str):
                continue  # not a name: the model says so at its item
            if domain in first:
                found.append(((key, i), f"meshplane:{key}: domain {domain!r} is listed twice (first as item {first[domain] + 1})"))
            first.setdefault(domain, i)
    if values.get("domains") is not None and values.get("excludeDomains") is not None:
        found.append((("excludeDomains",), "meshplane:excludeDomains: a stack deploys meshplane:domains, or every domain but meshplane:excludeDomains, not both"))
    return found


def _checked(root: Path, path: str) -> StackFile:
    """The stack file at `path`, checked as a command checks it (the Pulumi CLI, which read its config, does not know
    meshplane's keys), for its problems and its lines."""
    return read_stack_file(root, Path(path).name.removeprefix("Pulumi.").removesuffix(".yaml"), SETTING_KEYS)
