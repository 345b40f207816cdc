"""MESH-006: a column declaring a polyseme uses the vocabulary's name and type."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(ctx: MeshContext) -> Iterator[Finding]:
    vocabulary = ctx.federation.vocabulary
    for declared, product in ctx.products():
        for part in ("columns", "partitions"):
            for i, column in enumerate(getattr(product.output, part)):
                if column.polyseme is None:
                    continue
                where = ("output", part, i)
                entry = vocabulary.get(column.polyseme)
                if entry is None:
                    known = ", ".join(sorted(vocabulary)) or "none"
                    yield at(declared, (*where, "polyseme"), f"polyseme {column.polyseme!r} is not in the federation's vocabulary (known: {known})")
                    continue
                if column.name != column.polyseme:
                    yield at(declared, (*where, "name"), f"column {column.name!r} carries polyseme {column.polyseme!r}: name it {column.polyseme!r}")
                if column.type != entry.type:
                    yield at(
                        declared,
                        (*where, "type"),
                        f"column {column.name!r} carries polyseme {column.polyseme!r}, which is {entry.type}, not {column.type}",
                    )


RULE = Rule(
    id="MESH-006",
    title="Polysemes use the vocabulary's name and type",
    rationale="Shared identifiers are what make products joinable across domains; one name and one type per identifier, decided by the federation.",
    severity=Severity.error,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
