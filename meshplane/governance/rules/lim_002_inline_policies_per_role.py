"""LIM-002: inline policies within the role's aggregate size limit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from meshplane.declarations.federation import Federation
from meshplane.governance.limits import over_limit
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.usage import Usage

QUOTAS = ('iam.inline-policies-per-role',)


def check(rows: Sequence[Usage], federation: Federation) -> Iterator[Finding]:
    return over_limit(rows, QUOTAS)


RULE = Rule(
    id="LIM-002",
    title="Inline policies within the role's aggregate size limit",
    rationale="All inline policies of a role share one size limit; grants written as inline policies met it on the first busy consumer (data.all's users did: dataall#553), so agreements go to managed policies.",
    severity=Severity.error,
    scope=Scope.limit,
    subject=Subject.usage,
    check=check,
)
