"""RES-008: Kubernetes jobs have a read-only root filesystem."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.cloud.inventory import Resource
from meshplane.declarations.federation import Federation
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.workloads import containers


def check(resource: Resource, federation: Federation) -> Iterator[Finding]:
    for container in containers(resource) or ():
        if container.security.get("readOnlyRootFilesystem") is not True:
            yield Finding(f"{container.where} does not set readOnlyRootFilesystem: true", resource=resource, field=("job",))


RULE = Rule(
    id="RES-008",
    title="Kubernetes jobs have a read-only root filesystem",
    rationale="A job writes its output to its bucket, not into its container: a read-only root filesystem stops run-time tampering with the image.",
    severity=Severity.error,
    scope=Scope.resource,
    subject=Subject.resource,
    check=check,
)
