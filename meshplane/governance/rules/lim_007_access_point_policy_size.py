"""LIM-007: access point policies within S3's size limit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from meshplane.declarations.federation import Federation
from meshplane.governance.limits import over_limit
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.usage import Usage

QUOTAS = ('s3.access-point-policy-size',)


def check(rows: Sequence[Usage], federation: Federation) -> Iterator[Finding]:
    return over_limit(rows, QUOTAS)


RULE = Rule(
    id="LIM-007",
    title="Access point policies within S3's size limit",
    rationale="Each agreement's access point policy names the one consumer it serves and stays small; this rule keeps it so.",
    severity=Severity.error,
    scope=Scope.limit,
    subject=Subject.usage,
    check=check,
)
