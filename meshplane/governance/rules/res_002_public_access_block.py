"""RES-002: every bucket blocks all public access (all four flags)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from meshplane.cloud.inventory import Resource
from meshplane.declarations.federation import Federation
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.storage import PUBLIC_ACCESS_BLOCK_TYPES, bucket_name, buckets, companions_of

FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def check(resources: Sequence[Resource], federation: Federation) -> Iterator[Finding]:
    for bucket in buckets(resources):
        blocks = companions_of(bucket, resources, PUBLIC_ACCESS_BLOCK_TYPES)
        name = bucket_name(bucket) or bucket.name
        if not blocks:
            yield Finding(f"bucket {name!r} has no public access block", resource=bucket)
        for block in blocks:
            off = [flag for flag in FLAGS if block.inputs.get(flag) is not True]
            if off:
                yield Finding(f"bucket {name!r}: public access block leaves {', '.join(off)} off", resource=block)


RULE = Rule(
    id="RES-002",
    title="Buckets block all public access",
    rationale="No data product is published by making its bucket public: every read goes through a grant, so a public ACL or policy is always a mistake.",
    severity=Severity.error,
    scope=Scope.resource,
    subject=Subject.stack,
    check=check,
)
