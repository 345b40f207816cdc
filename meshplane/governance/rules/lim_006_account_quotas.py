"""LIM-006: accounts within their quotas."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from meshplane.declarations.federation import Federation
from meshplane.governance.limits import over_limit
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.usage import Usage

QUOTAS = ('iam.roles', 'iam.managed-policies', 's3.buckets', 's3.access-points', 'kms.keys', 'glue.databases', 'glue.tables', 'lakeformation.cross-account-grants', 'sns.topics', 'events.rules', 'scheduler.schedules')


def check(rows: Sequence[Usage], federation: Federation) -> Iterator[Finding]:
    return over_limit(rows, QUOTAS, 'raise the quota (`meshplane:quotas`, where AWS allows) or place domains in accounts of their own (`meshplane:accounts`)')


RULE = Rule(
    id="LIM-006",
    title="Accounts within their quotas",
    rationale="Roles, managed policies, buckets, access points, keys, tables, cross-account grants, topics, rules and schedules are counted per account; a deploy fails on the one that crosses the quota, after other resources changed.",
    severity=Severity.error,
    scope=Scope.limit,
    subject=Subject.usage,
    check=check,
)
