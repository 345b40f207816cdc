"""MESH-015: a consumer hears that an input's producer withdrew its agreement, or has not agreed yet."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(ctx: MeshContext) -> Iterator[Finding]:
    if ctx.base is None:
        return  # no baseline: every refusal may be new, and MESH-005 reports it
    for producer, consumer in ctx.mesh.refused_inputs(ctx.federation.open_classifications):
        if ctx.base.is_new((producer, consumer)):
            continue
        declared = ctx.mesh.products[consumer]
        index = [address for address, _ in declared.reads].index(producer)
        if ctx.base.was_granted((producer, consumer)):
            message = (
                f"input {producer!r} no longer agrees to serve {consumer!r}: the read grant ends when {producer!r} deploys; "
                "drop the input or ask its owner to list you again"
            )
        else:
            message = f"input {producer!r} has not agreed to serve {consumer!r} yet: no read grant exists"
        yield at(declared, ("inputs", index), message)


RULE = Rule(
    id="MESH-015",
    title="Withdrawn and pending agreements are announced to the consumer",
    rationale=(
        "A producer may withdraw its consent at any time and must never be blocked from doing so; the consumer's job loses "
        "access at the producer's deploy, so the consumer's owners are told on the line that reads it."
    ),
    severity=Severity.warning,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
