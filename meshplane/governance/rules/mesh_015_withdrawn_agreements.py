"""MESH-015: a consumer hears that an input's producer withdrew its agreement, or has not agreed yet."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(ctx: MeshContext) -> Iterator[Finding]:
    for producer, consumer in ctx.mesh.refused_inputs(ctx.federation.open_classifications):
        if ctx.base is not None and ctx.base.is_new((producer, consumer)):
            continue  # the change adds it: MESH-005's
        declared = ctx.mesh.products[consumer]
        index = [address for address, _ in declared.reads].index(producer)
        source = ctx.mesh.products[producer].source  # where the producer decides: its consumers' line, else its name's
        where = f"{source.path}:{source.lines.get(('consumers',)) or source.line_of(('name',))}"
        if ctx.base is not None and ctx.base.was_granted((producer, consumer)):
            message = (
                f"input {producer!r} no longer lists {consumer!r} or its domain as a consumer ({where}): the read grant ends when "
                f"{producer!r} deploys; drop the input or ask its owner to list you again"
            )
        else:  # refused before the change, or no baseline to tell
            message = (
                f"input {producer!r} does not list {consumer!r} or its domain as a consumer ({where}): no read grant exists; "
                "ask its owner to list you, or drop the input"
            )
        yield at(declared, ("inputs", index), message)


RULE = Rule(
    id="MESH-015",
    title="Withdrawn and pending agreements are announced to the consumer",
    rationale=(
        "A producer may withdraw its consent at any time and must never be blocked from doing so, nor may its consumers' own "
        "checks fail for it; the consumer's job loses access at the producer's deploy, so the consumer's owners are told on the "
        "line that reads it. Without a baseline to tell a withdrawal from a new input, a refusal is this warning, naming the "
        "producer's line."
    ),
    severity=Severity.warning,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
