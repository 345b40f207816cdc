"""MESH-002: the product and every column are described well enough to be discovered and understood."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(ctx: MeshContext) -> Iterator[Finding]:
    naming = ctx.federation.naming
    for declared, product in ctx.products():
        text = product.description.strip()
        if len(text) < naming.product_description_min:
            yield at(
                declared,
                ("description",),
                f"description has {len(text)} characters; say what the product offers and to whom "
                f"(at least {naming.product_description_min})",
            )
        for part in ("columns", "partitions"):
            for i, column in enumerate(getattr(product.output, part)):
                size = len(column.description.strip())
                if size < naming.column_description_min:
                    yield at(
                        declared,
                        ("output", part, i, "description"),
                        f"column {column.name!r}: description has {size} characters (at least {naming.column_description_min})",
                    )


RULE = Rule(
    id="MESH-002",
    title="Products and columns are described",
    rationale="Data as a product: a product is discoverable and understandable only if it says what it offers, to whom, and what each column holds.",
    severity=Severity.error,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
