"""LIM-005: a role's trust policy fits IAM's size limit."""

from __future__ import annotations

from typing import Iterator

from components import tokens
from meshplane.federation import Federation
from meshplane.governance import documents
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.inventory import Resource


def check(resource: Resource, federation: Federation) -> Iterator[Finding]:
    if resource.type != tokens.ROLE:
        return
    value = resource.inputs.get("assumeRolePolicy")
    if value is None or documents.is_unknown(value):
        return
    limit = federation.limits.trust_policy_chars
    size = documents.size(value)
    if size > limit:
        yield Finding(f"trust policy has {size:,} characters; IAM's limit is {limit:,}", resource=resource)


RULE = Rule(
    id="LIM-005",
    title="Role trust policies within 2,048 characters",
    rationale="A trust policy that names clusters one by one (IRSA) grows with the platform; EKS Pod Identity keeps it constant, and this rule keeps it so.",
    severity=Severity.error,
    scope=Scope.limit,
    subject=Subject.resource,
    check=check,
)
