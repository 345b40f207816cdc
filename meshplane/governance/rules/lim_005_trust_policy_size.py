"""LIM-005: role trust policies within IAM's size limit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from meshplane.declarations.federation import Federation
from meshplane.governance.limits import over_limit
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.usage import Usage

QUOTAS = ('iam.trust-policy-size',)


def check(rows: Sequence[Usage], federation: Federation) -> Iterator[Finding]:
    return over_limit(rows, QUOTAS)


RULE = Rule(
    id="LIM-005",
    title="Role trust policies within IAM's size limit",
    rationale="A trust policy that names clusters one by one (IRSA) grows with the platform; EKS Pod Identity keeps it constant, and this rule keeps it so.",
    severity=Severity.error,
    scope=Scope.limit,
    subject=Subject.usage,
    check=check,
)
