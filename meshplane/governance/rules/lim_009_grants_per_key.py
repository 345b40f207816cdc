"""LIM-009: grants per key within KMS's quota."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from meshplane.declarations.federation import Federation
from meshplane.governance.limits import over_limit
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.usage import Usage

QUOTAS = ('kms.grants-per-key',)


def check(rows: Sequence[Usage], federation: Federation) -> Iterator[Finding]:
    return over_limit(rows, QUOTAS, 'raise it (`meshplane:quotas`)')


RULE = Rule(
    id="LIM-009",
    title="Grants per key within KMS's quota",
    rationale="Every agreement on a domain's products adds a grant on the domain's key; a hub domain's key meets the quota first.",
    severity=Severity.error,
    scope=Scope.limit,
    subject=Subject.usage,
    check=check,
)
