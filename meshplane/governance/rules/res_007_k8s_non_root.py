"""RES-007: Kubernetes jobs run as a non-root user."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.cloud.inventory import Resource
from meshplane.declarations.federation import Federation
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.workloads import containers


def check(resource: Resource, federation: Federation) -> Iterator[Finding]:
    for container in containers(resource) or ():
        user = container.effective("runAsUser")
        if user is not None and not isinstance(user, bool) and float(user) == 0:
            yield Finding(f"{container.where} runs as user 0 (root)", resource=resource, field=("job",))
        elif container.effective("runAsNonRoot") is not True:
            yield Finding(f"{container.where} does not set runAsNonRoot: true", resource=resource, field=("job",))


RULE = Rule(
    id="RES-007",
    title="Kubernetes jobs run as non-root",
    rationale="A container running as root turns any escape or vulnerability into root on the node; the job's image runs as an unprivileged user.",
    severity=Severity.error,
    scope=Scope.resource,
    subject=Subject.resource,
    check=check,
)
