"""LIM-008: key policies within KMS's size limit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from meshplane.declarations.federation import Federation
from meshplane.governance.limits import over_limit
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.usage import Usage

QUOTAS = ('kms.key-policy-size',)


def check(rows: Sequence[Usage], federation: Federation) -> Iterator[Finding]:
    return over_limit(rows, QUOTAS)


RULE = Rule(
    id="LIM-008",
    title="Key policies within KMS's size limit",
    rationale="A key policy that lists readers grows with every agreement until KMS refuses it (the limit is fixed); agreements decrypt through grants, so the key policy stays constant.",
    severity=Severity.error,
    scope=Scope.limit,
    subject=Subject.usage,
    check=check,
)
