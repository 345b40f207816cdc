"""MESH-018: a product promises no fresher data than its inputs' freshness plus its job's schedule allow."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.governance.context import MeshContext, at
from meshplane.governance.promises import hours, producers_change, too_stale
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject

FRESHNESS = ("service_levels", "freshness_hours")


def check(ctx: MeshContext) -> Iterator[Finding]:
    for consumer in ctx.promises.values():
        own = [p for p in too_stale(ctx.promises, ctx.agreed_inputs.get(consumer.address, []), consumer) if not producers_change(ctx.base, p, consumer)]
        if not own:
            continue
        worst = max(p.freshness_hours for p in own)
        named = ", ".join(f"{p.address} promises {hours(p.freshness_hours)}" for p in own)
        need = worst + consumer.period_hours
        yield at(
            consumer.declared,
            FRESHNESS,
            f"freshness_hours {consumer.freshness_hours:g} promises fresher data than its inputs allow in {ctx.env.value}: {named}; "
            f"with up to {hours(consumer.period_hours)} between runs of {consumer.schedule_at()} the data can be "
            f"{worst:g} + {consumer.period_hours:g} = {hours(need)} old; promise at least {need:g}, or run the job more often",
        )


RULE = Rule(
    id="MESH-018",
    title="Freshness is kept along lineage",
    rationale=(
        "A product built from its inputs is at most as fresh as the stalest input it may read plus the time until its own "
        "next run; a consumer promising better passes on a promise its producers never made. When the cause is a producer's "
        "change, MESH-019 tells the consumer instead."
    ),
    severity=Severity.error,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
