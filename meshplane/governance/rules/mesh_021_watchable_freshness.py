"""MESH-021: a freshness promise is one the freshness alarm can watch."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.cloud.quotas import QUOTAS
from meshplane.declarations.spec import Status
from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject

RANGE = QUOTAS["cloudwatch.alarm-evaluation-range"]


def check(ctx: MeshContext) -> Iterator[Finding]:
    limit = RANGE.default / 3600
    for declared, product in ctx.products():
        levels = product.service_levels
        if levels is None or levels.freshness_hours <= limit or product.status is Status.retired:
            continue  # a retired product is watched no more
        yield at(
            declared,
            ("service_levels", "freshness_hours"),
            f"freshness_hours {levels.freshness_hours:g} is beyond what a CloudWatch alarm can watch: it evaluates at most "
            f"{limit:g} hours ({RANGE.id}, {RANGE.source}); promise at most {limit:g} and run the job at least that often",
        )


RULE = Rule(
    id="MESH-021",
    title="Freshness is within what its alarm can watch",
    rationale=(
        "A promise nobody watches is paper: a product's freshness alarm fires when nothing new was written within "
        "freshness_hours, and CloudWatch evaluates an alarm over seven days at most (period x evaluation periods), so a "
        "longer promise could be broken without anyone hearing of it."
    ),
    severity=Severity.error,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
