"""MESH-004: confidential and restricted products are read only by consumers they list, never mesh-wide."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.declarations.mesh import Via
from meshplane.governance.context import MeshContext, at, at_federation
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(ctx: MeshContext) -> Iterator[Finding]:
    threshold = ctx.federation.explicit_consumers_from
    for i, classification in enumerate(ctx.federation.open_to_mesh):
        if classification.rank >= threshold.rank:
            yield at_federation(
                ctx.federation,
                ("open_to_mesh", i),
                f"open_to_mesh opens {classification.value} products to every mesh member; "
                f"from {threshold.value} up, producers list their consumers",
            )
    for grant in ctx.mesh.grants(ctx.federation.open_classifications):
        producer = ctx.mesh.products[grant.producer]
        classification = producer.spec.classification
        if grant.via is Via.mesh and classification.rank >= threshold.rank:
            yield at(
                producer,
                ("consumers",) if producer.spec.consumers else ("classification",),
                f"{grant.consumer!r} reads this {classification.value} product through mesh-wide access; "
                f"list {grant.consumer!r} or its domain in `consumers`",
            )


RULE = Rule(
    id="MESH-004",
    title="Confidential and restricted products list their consumers",
    rationale="Access to sensitive data is a decision the producing domain makes per consumer, never a default of the mesh, whatever the federation's file says.",
    severity=Severity.error,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
