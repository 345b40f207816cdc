"""LIM-001: a managed policy fits IAM's size limit."""

from __future__ import annotations

from typing import Iterator

from components import tokens
from meshplane.federation import Federation
from meshplane.governance import documents
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.inventory import Resource


def check(resource: Resource, federation: Federation) -> Iterator[Finding]:
    if resource.type != tokens.MANAGED_POLICY:
        return
    value = resource.inputs.get("policy")
    if value is None or documents.is_unknown(value):
        return
    limit = federation.limits.managed_policy_chars
    size = documents.size(value)
    if size > limit:
        yield Finding(f"managed policy has {size:,} characters; IAM's limit is {limit:,}", resource=resource)


RULE = Rule(
    id="LIM-001",
    title="Managed policies within 6,144 characters",
    rationale="IAM rejects a larger managed policy at deploy time, after other resources changed; split the grants or narrow them before deploying.",
    severity=Severity.error,
    scope=Scope.limit,
    subject=Subject.resource,
    check=check,
)
