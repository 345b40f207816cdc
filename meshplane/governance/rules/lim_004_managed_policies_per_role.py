"""LIM-004: a role has no more managed policies attached than IAM allows."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator, Sequence

from components import tokens
from meshplane.federation import Federation
from meshplane.governance import documents
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.inventory import Resource


def attachments(resources: Sequence[Resource]) -> dict[str, set[str]]:
    """Role name -> the ARNs of the managed policies attached to it, however they are attached."""
    attached: dict[str, set[str]] = defaultdict(set)

    def add(role: object, arns: object) -> None:
        if isinstance(role, str) and not documents.is_unknown(role):
            attached[role].update(str(a) for a in documents.as_list(arns))

    for r in resources:
        if r.type == tokens.ROLE:
            add(r.inputs.get("name"), r.inputs.get("managedPolicyArns"))
        elif r.type == tokens.ROLE_POLICY_ATTACHMENT:
            add(r.inputs.get("role"), r.inputs.get("policyArn"))
        elif r.type == tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE:
            add(r.inputs.get("roleName"), r.inputs.get("policyArns"))
    return attached


def check(resources: Sequence[Resource], federation: Federation) -> Iterator[Finding]:
    limit = federation.limits.managed_policies_per_role
    roles = {r.inputs.get("name"): r for r in resources if r.type == tokens.ROLE}
    for role, arns in sorted(attachments(resources).items()):
        if len(arns) > limit:
            subject = roles.get(role)
            if subject is None:
                subject = next(r for r in resources if role in (r.inputs.get("role"), r.inputs.get("roleName")))
            yield Finding(f"role {role!r} has {len(arns)} managed policies attached; IAM's limit is {limit}", resource=subject)


RULE = Rule(
    id="LIM-004",
    title="At most 10 managed policies per role",
    rationale="IAM refuses the eleventh attachment (25 after a quota increase); grants that attach a managed policy per input hit it on the first busy consumer.",
    severity=Severity.error,
    scope=Scope.limit,
    subject=Subject.stack,
    check=check,
)
