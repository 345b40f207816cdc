"""LIM-004: managed policies per role within IAM's quota."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from meshplane.declarations.federation import Federation
from meshplane.governance.limits import over_limit
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.usage import Usage

QUOTAS = ('iam.managed-policies-per-role',)


def check(rows: Sequence[Usage], federation: Federation) -> Iterator[Finding]:
    return over_limit(rows, QUOTAS, "raise it (`meshplane:quotas`, up to AWS's maximum) or split the readers' agreements")


RULE = Rule(
    id="LIM-004",
    title="Managed policies per role within IAM's quota",
    rationale="IAM refuses the attachment past the quota (raisable on request); a role's agreements are packed into few managed policies, and a stack declares a raised quota where the account has one.",
    severity=Severity.error,
    scope=Scope.limit,
    subject=Subject.usage,
    check=check,
)
