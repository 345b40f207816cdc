"""What an update does to a stack's cloud resources: create, update (with the properties that change), replace, delete.

Both sides are records of the same shape (URN, type, inputs, protection, aliases): the offline inventory
of two trees for `diff`, or a deployed state (`pulumi stack export`) and the program for `plan --state`.
A resource whose URN is an alias of a new one is the same resource, renamed. Which properties force a
replacement is the providers' (their schemas' `forceNew`), written out for the types meshplane registers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from components import tokens

ALL = ("*",)  # every input: the resource cannot be updated in place
REPLACE_ON: dict[str, tuple[str, ...]] = {
    tokens.BUCKET: ("bucket", "bucketPrefix"),
    tokens.BUCKET_OWNERSHIP: ("bucket",),
    tokens.BUCKET_PUBLIC_ACCESS: ("bucket",),
    tokens.BUCKET_ENCRYPTION: ("bucket", "expectedBucketOwner"),
    tokens.BUCKET_VERSIONING: ("bucket", "expectedBucketOwner"),
    tokens.BUCKET_LIFECYCLE: ("bucket", "expectedBucketOwner"),
    tokens.BUCKET_POLICY: ("bucket",),
    tokens.ACCESS_POINT: ("name", "bucket", "accountId", "bucketAccountId", "publicAccessBlockConfiguration", "vpcConfiguration"),
    tokens.KEY: ("customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId"),
    tokens.KEY_ALIAS: ("name", "namePrefix"),
    tokens.KEY_GRANT: ALL,
    tokens.ROLE: ("name", "namePrefix", "path"),
    tokens.ROLE_POLICY: ("role", "name", "namePrefix"),
    tokens.MANAGED_POLICY: ("name", "namePrefix", "path"),
    tokens.ROLE_POLICY_ATTACHMENT: ("role", "policyArn"),
    tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE: ("roleName",),
    tokens.DATABASE: ("name", "catalogId"),
    tokens.TABLE: ("name", "databaseName", "catalogId"),
    tokens.LF_PERMISSIONS: ALL,
    tokens.LF_RESOURCE: ("arn", "roleArn"),
    tokens.POD_IDENTITY: ("clusterName", "namespace", "serviceAccount"),
}
KUBERNETES_IDENTITY = ("apiVersion", "kind", "metadata.name", "metadata.namespace")
STACK_QUALIFIER = "pulumi:pulumi:Stack$"  # the mock engine qualifies top-level types by the stack's; a real engine does not


class Action(Enum):  # not a str Enum: a member named `replace` would hide str.replace
    create = "create"
    update = "update"
    replace = "replace"
    delete = "delete"

    @property
    def sign(self) -> str:
        return {"create": "+", "update": "~", "replace": "+-", "delete": "-"}[self.value]


@dataclass(frozen=True)
class Record:
    """One resource on one side: what is compared."""

    urn: str
    type: str
    name: str
    inputs: Mapping
    protect: bool = False
    aliases: tuple[str, ...] = ()
    domain: str | None = None
    product: str | None = None


@dataclass(frozen=True)
class ResourceChange:
    action: Action
    record: Record  # the new side's, or the old one's for a delete
    properties: tuple[str, ...] = ()  # what changes (for an update or a replacement, what forces it)
    renamed_from: str | None = None  # the old URN, when an alias carried the resource over
    protected: bool = field(default=False)  # the old side is protected: a replace or delete would fail, or lose data

    @property
    def was(self) -> str:
        """The alias that carried the resource over, shortly: its earlier name, or the component it sat under ("" if none)."""
        if not self.renamed_from:
            return ""
        old_types, _, old_name = canonical(self.renamed_from).rpartition("::")
        new_types, _, new_name = canonical(self.record.urn).rpartition("::")
        if old_name != new_name:
            return f"renamed from {old_name}"
        moved = [t for t in old_types.rsplit("::", 1)[-1].split("$") if t not in new_types.rsplit("::", 1)[-1].split("$")]
        return f"moved from under {', '.join(moved)}" if moved else "carried over by an alias"

    @property
    def stateful(self) -> bool:
        return self.record.type in tokens.STATEFUL


def canonical(urn: str) -> str:
    """The URN as a real engine writes it."""
    return urn.replace(f"::{STACK_QUALIFIER}", "::", 1)


def changes(old: Iterable[Record], new: Iterable[Record]) -> list[ResourceChange]:
    """Every change from `old` to `new`, in the new side's order, deletions last."""
    before = {canonical(r.urn): r for r in old}
    found: list[ResourceChange] = []
    matched: set[str] = set()
    for record in new:
        urn = canonical(record.urn)
        previous, was = before.get(urn), urn
        if previous is None:
            was = next((canonical(a) for a in record.aliases if canonical(a) in before and canonical(a) not in matched), urn)
            previous = before.get(was)
        if previous is None:
            found.append(ResourceChange(Action.create, record))
            continue
        matched.add(was)
        differing = different(previous.inputs, record.inputs)
        renamed = was if was != urn else None
        if not differing:
            if renamed:
                found.append(ResourceChange(Action.update, record, (), renamed, previous.protect))
            continue
        forcing = forces_replacement(record.type, differing, previous.inputs, record.inputs)
        action = Action.replace if forcing else Action.update
        found.append(ResourceChange(action, record, tuple(forcing or differing), renamed, previous.protect))
    found += [ResourceChange(Action.delete, r, protected=r.protect) for urn, r in before.items() if urn not in matched]
    return found


def different(old: Mapping, new: Mapping) -> list[str]:
    """The top-level inputs whose values differ (JSON documents compared as data, not as text)."""
    return sorted(k for k in set(old) | set(new) if _value(old.get(k)) != _value(new.get(k)))


def forces_replacement(token: str, differing: list[str], old: Mapping, new: Mapping) -> list[str]:
    if token.startswith(tokens.KUBERNETES_PREFIX):
        return [p for p in KUBERNETES_IDENTITY if _path(old, p) != _path(new, p)]
    keys = REPLACE_ON.get(token, ())
    if keys == ALL:
        return differing
    return [k for k in differing if k in keys]


def _path(value: object, dotted: str) -> object:
    for key in dotted.split("."):
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _value(value):
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {k: _value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value


def counts(found: Iterable[ResourceChange]) -> dict[str, int]:
    tally = {a.value: 0 for a in Action}
    for change in found:
        tally[change.action.value] += 1
    return tally
