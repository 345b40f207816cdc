"""LIM-012: monitors within CloudWatch's and Glue Data Quality's limits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from meshplane.declarations.federation import Federation
from meshplane.governance.limits import over_limit
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.usage import Usage

QUOTAS = ("cloudwatch.alarm-metrics", "cloudwatch.dashboard-widgets", "glue.dq-ruleset-size")


def check(rows: Sequence[Usage], federation: Federation) -> Iterator[Finding]:
    return over_limit(rows, QUOTAS, "CloudWatch and Glue refuse it: fewer rules, or a domain split in two")


RULE = Rule(
    id="LIM-012",
    title="Monitors within CloudWatch's and Glue Data Quality's limits",
    rationale="A metric math alarm reads a bounded number of metrics, a domain's dashboard holds a bounded number "
    "of widgets, and a ruleset a bounded text: past them the deploy fails, after other resources changed.",
    severity=Severity.error,
    scope=Scope.limit,
    subject=Subject.usage,
    check=check,
)
