"""MESH-007: a column named like a shared identifier declares it as its polyseme."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(ctx: MeshContext) -> Iterator[Finding]:
    vocabulary = ctx.federation.vocabulary
    for declared, product in ctx.products():
        for part in ("columns", "partitions"):
            for i, column in enumerate(getattr(product.output, part)):
                if column.polyseme is None and column.name in vocabulary:
                    yield at(
                        declared,
                        ("output", part, i, "name"),
                        f"column {column.name!r} has a shared identifier's name: declare `polyseme: {column.name}` "
                        "or rename the column",
                    )


RULE = Rule(
    id="MESH-007",
    title="Columns named like a polyseme declare it",
    rationale="A column that looks like a shared identifier but does not say so misleads joins across domains and escapes the vocabulary's type check.",
    severity=Severity.warning,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
