"""MESH-003: a product with a PII column is classified confidential or above."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(ctx: MeshContext) -> Iterator[Finding]:
    least = ctx.federation.pii_min_classification
    for declared, product in ctx.products():
        if product.classification.rank >= least.rank:
            continue
        for part in ("columns", "partitions"):
            for i, column in enumerate(getattr(product.output, part)):
                if column.holds_pii:
                    yield at(
                        declared,
                        ("output", part, i, "pii"),
                        f"column {column.name!r} holds personal data but the product is {product.classification.value}; "
                        f"classify it {least.value} or above, or drop the column",
                    )


RULE = Rule(
    id="MESH-003",
    title="PII requires classification confidential or above",
    rationale="Personal data must never be readable mesh-wide: its classification decides who may read it, how long it is kept and how it is protected.",
    severity=Severity.error,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
