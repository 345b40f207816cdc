"""MESH-005: a product reads only from producers that agree to serve it (the access handshake)."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(ctx: MeshContext) -> Iterator[Finding]:
    for producer, consumer in ctx.mesh.refused_inputs(ctx.federation.open_classifications):
        declared = ctx.mesh.products[consumer]
        index = declared.spec.inputs.index(producer)
        classification = ctx.mesh.products[producer].spec.classification.value
        yield at(
            declared,
            ("inputs", index),
            f"input {producer!r} ({classification}) does not list {consumer!r} or its domain as a consumer: "
            "no read grant exists until the producer agrees",
        )


RULE = Rule(
    id="MESH-005",
    title="Inputs only from producers that agree",
    rationale=(
        "Access is a two-sided handshake: a consumer's declaration alone grants nothing, so an unagreed input is a job "
        "that fails at run time. Advisory by default: a producer revokes a grant by dropping a consumer, and that must "
        "deploy before the consumer catches up."
    ),
    severity=Severity.warning,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
