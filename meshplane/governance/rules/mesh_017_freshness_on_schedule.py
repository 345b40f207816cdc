"""MESH-017: a product promises no fresher data than its job's schedule can give."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.governance.context import MeshContext, at
from meshplane.governance.promises import hours
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject

FRESHNESS = ("service_levels", "freshness_hours")


def check(ctx: MeshContext) -> Iterator[Finding]:
    for promise in ctx.promises.values():
        if promise.period_hours is None or promise.freshness_hours >= promise.period_hours:
            continue  # a schedule that never runs is refused where it is written
        yield at(
            promise.declared,
            FRESHNESS,
            f"freshness_hours {promise.freshness_hours:g} promises fresher data than the job's schedule in {ctx.env.value} gives: "
            f"{promise.schedule_at()} leaves up to {hours(promise.period_hours)} between two runs; promise at least "
            f"{promise.period_hours:g} or run the job more often",
        )


RULE = Rule(
    id="MESH-017",
    title="Freshness is kept on the job's schedule",
    rationale=(
        "Data is only as fresh as the job's last run: between two runs it ages by the longest gap the schedule leaves anywhere "
        "in the calendar (months of 28 to 31 days, leap years, and the day-of-month OR day-of-week rule), so a promise below "
        "that gap is broken by the schedule itself. A suspended job promises nothing."
    ),
    severity=Severity.error,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
