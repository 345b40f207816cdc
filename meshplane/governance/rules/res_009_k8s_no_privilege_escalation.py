"""RES-009: Kubernetes jobs cannot escalate privileges."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.cloud.inventory import Resource
from meshplane.declarations.federation import Federation
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.workloads import containers


def check(resource: Resource, federation: Federation) -> Iterator[Finding]:
    for container in containers(resource) or ():
        if container.security.get("allowPrivilegeEscalation") is not False:
            yield Finding(f"{container.where} does not set allowPrivilegeEscalation: false", resource=resource, field=("job",))
        if container.security.get("privileged") is True:
            yield Finding(f"{container.where} is privileged", resource=resource, field=("job",))


RULE = Rule(
    id="RES-009",
    title="Kubernetes jobs cannot escalate privileges",
    rationale="Privilege escalation (setuid binaries, privileged mode) lets a compromised job gain more than it started with; Kubernetes allows it unless told not to.",
    severity=Severity.error,
    scope=Scope.resource,
    subject=Subject.resource,
    check=check,
)
