"""MESH-001: every product names an owner that can be reached."""

from __future__ import annotations

import re
from collections.abc import Iterator

from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check(ctx: MeshContext) -> Iterator[Finding]:
    for declared, product in ctx.products():
        owner = product.owner.strip()
        if not owner:
            yield at(declared, ("owner",), "the product has no owner")
        elif not EMAIL.match(owner):
            yield at(declared, ("owner",), f"owner {owner!r} is not an e-mail address its consumers can write to")


RULE = Rule(
    id="MESH-001",
    title="Every product names a reachable owner",
    rationale="Domain ownership: a product without an accountable, reachable owner cannot answer its consumers, fix its data or agree to new grants.",
    severity=Severity.error,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
