"""LIM-002: the inline policies of one role fit IAM's total size limit."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator, Mapping, Sequence

from components import tokens
from meshplane.federation import Federation
from meshplane.governance import documents
from meshplane.inventory import Resource
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def inline_sizes(resources: Sequence[Resource]) -> dict[str, list[tuple[Resource, int]]]:
    """Role name -> (resource carrying an inline policy, its size), from roles' inlinePolicies and RolePolicy resources."""
    sizes: dict[str, list[tuple[Resource, int]]] = defaultdict(list)
    for r in resources:
        if r.type == tokens.ROLE and isinstance(r.inputs.get("name"), str):
            for item in r.inputs.get("inlinePolicies") or ():
                if isinstance(item, Mapping) and item.get("policy") and not documents.is_unknown(item.get("policy")):
                    sizes[r.inputs["name"]].append((r, documents.size(item["policy"])))
        elif r.type == tokens.ROLE_POLICY:
            role, policy = r.inputs.get("role"), r.inputs.get("policy")
            if isinstance(role, str) and not documents.is_unknown(role) and policy and not documents.is_unknown(policy):
                sizes[role].append((r, documents.size(policy)))
    return sizes


def check(resources: Sequence[Resource], federation: Federation) -> Iterator[Finding]:
    limit = federation.limits.inline_policies_per_role_chars
    roles = {r.inputs.get("name"): r for r in resources if r.type == tokens.ROLE}
    for role, items in sorted(inline_sizes(resources).items()):
        total = sum(size for _, size in items)
        if total > limit:
            subject = roles.get(role) or items[0][0]
            yield Finding(
                f"role {role!r} has {len(items)} inline policies totalling {total:,} characters; IAM's limit is {limit:,}",
                resource=subject,
            )


RULE = Rule(
    id="LIM-002",
    title="Inline policies within 10,240 characters per role",
    rationale="Grants accumulate on a consumer's job role as it reads more inputs; IAM rejects the grant that crosses the total, so the mesh must see it coming.",
    severity=Severity.error,
    scope=Scope.limit,
    subject=Subject.stack,
    check=check,
)
