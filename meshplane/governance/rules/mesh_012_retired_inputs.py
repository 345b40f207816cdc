"""MESH-012: no product reads a retired product, or a retired version of a product's output port."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.declarations.mesh import input_ref
from meshplane.declarations.spec import PortStatus, Status
from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(ctx: MeshContext) -> Iterator[Finding]:
    for declared, i, version, producer in ctx.inputs():
        spec, address = producer.spec, producer.address
        if spec.status is Status.retired:
            when = f" on {spec.deprecation.date}" if spec.deprecation else ""
            move = f"; move to {spec.deprecation.replaced_by!r}" if spec.deprecation and spec.deprecation.replaced_by else ""
            yield at(declared, ("inputs", i), f"input {address!r} was retired{when}: it is no longer served{move}")
            continue
        port = next((p for p in spec.previous_outputs if p.version == version), None)
        if port is not None and port.status is PortStatus.retired:
            yield at(
                declared,
                ("inputs", i),
                f"input {input_ref(address, version)!r}: version {version} was retired on {port.deprecation.date}; "
                f"read {input_ref(address, spec.output.version)!r}",
            )


RULE = Rule(
    id="MESH-012",
    title="No inputs from retired products or port versions",
    rationale="A retired product or port version has no grants and no job: a consumer still reading it would fail at run time.",
    severity=Severity.error,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
