"""MESH-005: a change adds an input only from a producer that agrees to serve it (the access handshake)."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.declarations.spec import Environment
from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(ctx: MeshContext) -> Iterator[Finding]:
    if ctx.base is None:
        return  # no baseline: whether the change adds the input is unknown, and the consumer is warned (MESH-015)
    for producer, consumer in ctx.mesh.refused_inputs(ctx.federation.open_classifications):
        if not ctx.base.is_new((producer, consumer)):
            continue  # declared before this change: a withdrawal or a pending agreement (MESH-015)
        declared = ctx.mesh.products[consumer]
        index = [address for address, _ in declared.reads].index(producer)
        classification = ctx.mesh.products[producer].spec.classification.value
        yield at(
            declared,
            ("inputs", index),
            f"input {producer!r} ({classification}) does not list {consumer!r} or its domain as a consumer: "
            "no read grant exists until the producer agrees (in this change or before it)",
        )


RULE = Rule(
    id="MESH-005",
    title="Inputs only from producers that agree",
    rationale=(
        "Access is a two-sided handshake: a consumer's declaration alone grants nothing, so an unagreed input is a job "
        "that fails at run time with AccessDenied. Mandatory in production, where the pipeline must refuse the change that "
        "adds it (judged against the change's base: `validate --base REF`, or the merge-base with the upstream branch); a "
        "producer withdrawing an agreement is never blocked, nor is its consumer's own check (MESH-015 warns the consumer instead)."
    ),
    severity=Severity.warning,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
    environments={Environment.prod: Severity.error},
)
