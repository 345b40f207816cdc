"""MESH-009: a product states its service levels (freshness, availability) and the quality rules the federation requires."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.declarations.spec import Product, Status
from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(ctx: MeshContext) -> Iterator[Finding]:
    standard = ctx.federation.quality.get(ctx.env)
    required = [m.value for m in standard.required_metrics] if standard is not None else []
    where = f"{ctx.federation.source.path}:{ctx.federation.source.line_of(('quality', ctx.env.value))}" if required and ctx.federation.source else "the federation"
    for declared, product in ctx.products():
        if product.service_levels is None:
            yield at(declared, ("name",), "no service_levels: state freshness_hours and availability for consumers to rely on")
        if product.status is not Status.active:
            continue
        missing = [m for m in required if m not in declared_metrics(product)]
        if missing:
            yield at(
                declared,
                ("output",),
                f"no {', '.join(missing)} quality rule: the federation requires {' and '.join(required)} of every active product "
                f"in {ctx.env.value} ({where}); declare it in `output.quality` or on a column's `quality`",
            )


def declared_metrics(product: Product) -> set[str]:
    """The library metrics of the rules on the port and on its columns."""
    port = product.output
    rules = [*getattr(port, "quality", ()), *(r for c in port.columns for r in getattr(c, "quality", ()))]
    return {getattr(metric, "value", metric) for metric in (getattr(r, "metric", None) for r in rules) if metric is not None}


RULE = Rule(
    id="MESH-009",
    title="Service levels are stated",
    rationale=(
        "Data as a product is trustworthy only with stated objectives consumers can build on, and quality rules that measure "
        "it; production products must state them, with the quality metrics the federation requires in the environment."
    ),
    severity=Severity.error,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
