"""RES-004: every bucket keeps object versions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from meshplane.cloud.inventory import Resource
from meshplane.declarations.federation import Federation
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.storage import VERSIONING_TYPES, bucket_name, buckets, companions_of


def check(resources: Sequence[Resource], federation: Federation) -> Iterator[Finding]:
    for bucket in buckets(resources):
        configs = companions_of(bucket, resources, VERSIONING_TYPES)
        name = bucket_name(bucket) or bucket.name
        if not configs:
            yield Finding(f"bucket {name!r} has no versioning configuration", resource=bucket)
        for config in configs:
            settings = config.inputs.get("versioningConfiguration")
            status = settings.get("status") if isinstance(settings, Mapping) else None
            if status != "Enabled":
                yield Finding(f"bucket {name!r}: versioning status is {status!r}, not 'Enabled'", resource=config)


RULE = Rule(
    id="RES-004",
    title="Buckets are versioned",
    rationale="A faulty job run or a deletion must be recoverable: versions keep the previous state of every object until the lifecycle expires it.",
    severity=Severity.error,
    scope=Scope.resource,
    subject=Subject.stack,
    check=check,
)
