"""A product's job identity: its role (EKS Pod Identity), its own policy, the slots of its agreements, its key grant.

The job reads each input through the access point its producer made for it; the access points it may
use (its side of each agreement) are packed into managed policies, a few agreements each, so one new
agreement changes one slot and no role runs out of policy space (meshplane.compose.packing).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from components import tokens
from components.spec import Child, Ref

FORMER_PARENT = "meshplane:index:ProductAccess"
POLICY_PATH = "/meshplane/"


@dataclass(frozen=True)
class PolicySlot:
    """One managed policy holding some of a role's agreements."""

    name: str
    document: Mapping


@dataclass(frozen=True)
class KeyGrant:
    """Use of a domain key, granted to one principal, for one bucket's data (its encryption context)."""

    name: str
    grantee: str  # role ARN
    operations: Sequence[str]
    context: Mapping[str, str]


@dataclass(frozen=True)
class ProductAccessArgs:
    role_name: str
    account: str
    description: str
    trust: Mapping  # the role's trust policy
    policy: Mapping  # the job's own inline policy: its product, and keys of other accounts through S3
    slots: Sequence[PolicySlot] = ()
    key_grants: Sequence[tuple[str, KeyGrant]] = ()  # (suffix, grant) on the domain's key, one per served port of its own
    tags: Mapping[str, str] = field(default_factory=dict)


def managed_policy_arn(account: str, name: str) -> str:
    return f"arn:aws:iam::{account}:policy{POLICY_PATH}{name}"


def slot_children(prefix: str, role_suffix: str, role_name: str, account: str, slots: Sequence[PolicySlot], tags: Mapping[str, str]) -> list[Child]:
    """A role's slots as managed policies, and one exclusive attachment: an undeclared policy attached by hand is detached."""
    children = [
        Child(
            tokens.MANAGED_POLICY,
            f"{prefix}/{slot.name.removeprefix(role_name + '-')}",
            {"name": slot.name, "path": POLICY_PATH, "policy": json.dumps(slot.document), "tags": dict(tags)},
        )
        for slot in slots
    ]
    if slots:
        arns = sorted(managed_policy_arn(account, s.name) for s in slots)
        attach = {"role_name": role_name, "policy_arns": arns}
        children.append(Child(tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE, f"{prefix}/attached", attach, after=[role_suffix, *(c.suffix for c in children)]))
    return children


def key_grant_child(suffix: str, grant: KeyGrant, after: Sequence[str] = (), renamed: Sequence[str] = ()) -> Child:
    return Child(
        tokens.KEY_GRANT,
        suffix,
        {
            "name": grant.name,
            "key_id": Ref("key", "arn", scope="domain"),
            "grantee_principal": grant.grantee,
            "operations": list(grant.operations),
            "constraints": [{"encryptionContextSubset": dict(grant.context)}],
        },
        after=list(after),
        renamed=list(renamed),
    )


def access_children(args: ProductAccessArgs) -> list[Child]:
    children = [
        Child(
            tokens.ROLE,
            "job-role",
            {"name": args.role_name, "assume_role_policy": json.dumps(args.trust), "description": args.description, "tags": dict(args.tags)},
        ),
        Child(tokens.ROLE_POLICY, "job-policy", {"role": args.role_name, "name": "write-own-product", "policy": json.dumps(args.policy)}, after=["job-role"]),
        *slot_children("job-reads", "job-role", args.role_name, args.account, args.slots, args.tags),
    ]
    children += [key_grant_child(suffix, grant, after=["job-role"]) for suffix, grant in args.key_grants]
    return children
