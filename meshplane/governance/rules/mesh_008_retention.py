"""MESH-008: retention lies within the bounds the federation sets for the product's classification."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(ctx: MeshContext) -> Iterator[Finding]:
    for declared, product in ctx.products():
        bounds = ctx.federation.policy_for(product.classification).retention
        days = product.retention_days
        if not bounds.min_days <= days <= bounds.max_days:
            yield at(
                declared,
                ctx.override_path(declared, "retention_days"),
                f"retention {days} days in {ctx.env.value} is outside the {product.classification.value} bounds "
                f"({bounds.min_days} to {bounds.max_days} days)",
            )


RULE = Rule(
    id="MESH-008",
    title="Retention within the classification's bounds",
    rationale="Keeping sensitive data longer than needed multiplies the harm of a breach; keeping it too briefly breaks consumers' and auditors' needs.",
    severity=Severity.error,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
