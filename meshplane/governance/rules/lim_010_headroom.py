"""LIM-010: headroom below every limit (the federation's share of each quota and document size)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from meshplane.declarations.federation import Federation
from meshplane.governance.limits import past_headroom
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.usage import Usage


def check(rows: Sequence[Usage], federation: Federation) -> Iterator[Finding]:
    return past_headroom(rows, federation.headroom)


RULE = Rule(
    id="LIM-010",
    title="Headroom below every limit",
    rationale="A limit met in production is an outage; the federation keeps a share of every quota and document size free, so growth shows in review long before it fails a deploy.",
    severity=Severity.warning,
    scope=Scope.limit,
    subject=Subject.usage,
    check=check,
)
