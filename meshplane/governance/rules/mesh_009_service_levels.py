"""MESH-009: a product states its service levels (freshness, availability)."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(ctx: MeshContext) -> Iterator[Finding]:
    for declared, product in ctx.products():
        if product.service_levels is None:
            yield at(declared, ("name",), "no service_levels: state freshness_hours and availability for consumers to rely on")


RULE = Rule(
    id="MESH-009",
    title="Service levels are stated",
    rationale="Data as a product is trustworthy only with stated objectives consumers can build on; production products must state them.",
    severity=Severity.error,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
