"""MESH-020: a product promises no higher availability than its least available input."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(ctx: MeshContext) -> Iterator[Finding]:
    for consumer in ctx.promises.values():
        inputs = [ctx.promises[a] for a in ctx.agreed_inputs.get(consumer.address, ()) if a in ctx.promises]
        if not inputs:
            continue
        lowest = min(p.availability for p in inputs)
        if consumer.availability <= lowest:
            continue
        named = ", ".join(f"{p.address} {p.availability:g}%" for p in inputs if p.availability == lowest)
        yield at(
            consumer.declared,
            ("service_levels", "availability"),
            f"availability {consumer.availability:g}% is above its least available input's ({named}): "
            f"when that input is down this product cannot be rebuilt; promise at most {lowest:g}% or say why it holds",
        )


RULE = Rule(
    id="MESH-020",
    title="Availability is no higher than the inputs'",
    rationale=(
        "A product rebuilt from its inputs can be served from its last output while an input is down, so a higher "
        "availability may hold; it is advisory, and a product that relies on its own copy suppresses it with the reason."
    ),
    severity=Severity.warning,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
