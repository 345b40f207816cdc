"""RES-010: Kubernetes jobs set CPU and memory requests and limits."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.cloud.inventory import Resource
from meshplane.declarations.federation import Federation
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.workloads import containers

KINDS = ("cpu", "memory")


def check(resource: Resource, federation: Federation) -> Iterator[Finding]:
    for container in containers(resource) or ():
        missing = [f"{what}.{kind}" for what, values in (("requests", container.requests), ("limits", container.limits)) for kind in KINDS if values.get(kind) in (None, "")]
        if missing:
            yield Finding(f"{container.where} does not set {', '.join(missing)}", resource=resource, field=("job", "resources"))


RULE = Rule(
    id="RES-010",
    title="Kubernetes jobs set requests and limits",
    rationale="Requests let the scheduler place the job; limits keep one product's job from starving the others that share the cluster.",
    severity=Severity.error,
    scope=Scope.resource,
    subject=Subject.resource,
    check=check,
)
