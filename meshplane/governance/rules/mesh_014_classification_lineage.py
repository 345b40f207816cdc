"""MESH-014: classification flows along lineage: a product is classified at least as its inputs, unless it says why not."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(ctx: MeshContext) -> Iterator[Finding]:
    personal = ctx.federation.pii_min_classification
    reported: set[str] = set()
    for declared, _, _, upstream in ctx.inputs():
        product = ctx.resolved[declared.address]
        if product.declassification is not None or declared.address in reported:
            continue
        source = upstream.spec
        holds_pii = any(c.holds_pii for port in (source.output, *source.previous_outputs) for c in (*port.columns, *port.partitions))
        floor = personal if holds_pii and personal.rank > source.classification.rank else source.classification
        if product.classification.rank < floor.rank:
            reported.add(declared.address)  # once per product: its classification line
            why = f"{source.classification.value}{', with personal data' if holds_pii else ''}"
            yield at(
                declared,
                ("classification",),
                f"classified {product.classification.value} but reads {upstream.address!r} ({why}): classify it {floor.value} or above, "
                "or state a `declassification` reason",
            )


RULE = Rule(
    id="MESH-014",
    title="Classification flows along lineage",
    rationale=(
        "Data derived from confidential or personal inputs is as sensitive as they are until someone removes what made them "
        "so; lowering the classification is a decision to state and review, not an accident of a new product file."
    ),
    severity=Severity.error,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
