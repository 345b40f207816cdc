"""MESH-013: consumers hear of a deprecated or draft input, and producers of a deprecation date that has passed."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.declarations.mesh import input_ref
from meshplane.declarations.spec import Deprecation, PortStatus, Product, Status
from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(ctx: MeshContext) -> Iterator[Finding]:
    for declared in ctx.mesh.products.values():
        spec = declared.spec
        if spec.status is Status.deprecated and spec.deprecation and spec.deprecation.date < ctx.today:
            yield at(declared, ("deprecation", "date"), f"deprecated until {spec.deprecation.date}, which has passed: retire it (`status: retired`)")
        for i, port in enumerate(spec.previous_outputs):
            if port.status is PortStatus.deprecated and port.deprecation.date < ctx.today and spec.status is not Status.retired:
                yield at(
                    declared,
                    ("previous_outputs", i, "deprecation", "date"),
                    f"version {port.version} was to be retired on {port.deprecation.date}, which has passed: set its `status: retired`",
                )
    for declared, i, version, producer in ctx.inputs():
        notice = _notice(ctx, producer.spec, producer.address, version)
        if notice:
            yield at(declared, ("inputs", i), notice)


def _notice(ctx: MeshContext, producer: Product, address: str, version: int) -> str | None:
    if producer.status is Status.deprecated and producer.deprecation is not None:
        instead = f"; move to {producer.deprecation.replaced_by!r}" if producer.deprecation.replaced_by else ""
        return f"input {address!r} is deprecated and {_retired(ctx, producer.deprecation)}{instead}"
    if producer.status is Status.draft:
        return f"input {address!r} is a draft: its schema may change without a new major version"
    port = next((p for p in producer.previous_outputs if p.version == version and p.status is PortStatus.deprecated), None)
    if port is not None:
        current = input_ref(address, producer.output.version)
        return f"input {input_ref(address, version)!r}: version {version} is deprecated and {_retired(ctx, port.deprecation)}; read {current!r}"
    return None


def _retired(ctx: MeshContext, deprecation: Deprecation) -> str:
    days = (deprecation.date - ctx.today).days
    return f"retired on {deprecation.date} ({days} days left)" if days >= 0 else f"was to be retired on {deprecation.date}"


RULE = Rule(
    id="MESH-013",
    title="Deprecations are announced to consumers",
    rationale=(
        "A consumer must learn that what it reads is going away while there is time to move, and a draft promises no "
        "compatibility; a deprecation date that has passed is a retirement the producer still owes."
    ),
    severity=Severity.warning,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
