"""MESH-011: column and partition names follow the mesh's naming convention (snake_case, bounded length)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(ctx: MeshContext) -> Iterator[Finding]:
    naming = ctx.federation.naming
    pattern = re.compile(naming.column_pattern)
    for declared, product in ctx.products():
        for part in ("columns", "partitions"):
            for i, column in enumerate(getattr(product.output, part)):
                where = ("output", part, i, "name")
                if not pattern.match(column.name):
                    yield at(declared, where, f"column {column.name!r} is not snake_case ({naming.column_pattern})")
                if len(column.name) > naming.column_name_max:
                    yield at(declared, where, f"column {column.name!r} is longer than {naming.column_name_max} characters")


RULE = Rule(
    id="MESH-011",
    title="Columns follow the naming convention",
    rationale="One convention across domains lets consumers guess names, keeps SQL engines from quoting, and keeps catalog names within engines' limits.",
    severity=Severity.error,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
