"""LIM-006: the mesh's projected use of each per-account quota stays below the federation's warning share."""

from __future__ import annotations

from typing import Iterator

from meshplane.federation import Counts
from meshplane.governance.context import MeshContext, at_federation
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def projection(ctx: MeshContext) -> Counts:
    """What the whole mesh provisions in one environment's account."""
    quotas = ctx.federation.quotas
    products = len(ctx.mesh.products)
    domains = len(ctx.mesh.domains)
    grants = len(ctx.mesh.grants(ctx.federation.open_classifications))
    return Counts(
        **{
            name: products * getattr(quotas.per_product, name)
            + domains * getattr(quotas.per_domain, name)
            + grants * getattr(quotas.per_grant, name)
            for name in Counts.model_fields
        }
    )


def check(ctx: MeshContext) -> Iterator[Finding]:
    quotas = ctx.federation.quotas
    projected = projection(ctx)
    for name in Counts.model_fields:
        used, quota = getattr(projected, name), getattr(quotas.account, name)
        if quota and used >= quotas.warn_at * quota:
            yield at_federation(
                ctx.federation,
                ("quotas", "account", name),
                f"the mesh projects {used:,} {name.replace('_', ' ')} in the {ctx.env.value} account, "
                f"{used / quota:.0%} of the quota of {quota:,} (warning at {quotas.warn_at:.0%}): "
                "request a quota increase or split the account",
            )


RULE = Rule(
    id="LIM-006",
    title="Per-account quotas projected ahead of time",
    rationale="A mesh grows one product at a time until a deploy fails on an account quota; projecting every environment's use from the declarations warns while there is time to act.",
    severity=Severity.warning,
    scope=Scope.limit,
    subject=Subject.mesh,
    check=check,
)
