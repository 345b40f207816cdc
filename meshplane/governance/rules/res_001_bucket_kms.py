"""RES-001: every bucket is encrypted with a KMS key, with S3 bucket keys on."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from meshplane.cloud.inventory import Resource
from meshplane.declarations.federation import Federation
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.storage import ENCRYPTION_TYPES, bucket_name, buckets, companions_of


def compliant_rule(rule: object) -> bool:
    if not isinstance(rule, Mapping):
        return False
    default = rule.get("applyServerSideEncryptionByDefault")
    return (
        isinstance(default, Mapping)
        and default.get("sseAlgorithm") == "aws:kms"
        and rule.get("bucketKeyEnabled") is True
    )


def check(resources: Sequence[Resource], federation: Federation) -> Iterator[Finding]:
    for bucket in buckets(resources):
        configs = companions_of(bucket, resources, ENCRYPTION_TYPES)
        name = bucket_name(bucket) or bucket.name
        if not configs:
            yield Finding(f"bucket {name!r} has no server-side encryption configuration", resource=bucket)
        for config in configs:
            if not any(compliant_rule(r) for r in config.inputs.get("rules") or ()):
                yield Finding(
                    f"bucket {name!r}: encryption is not SSE-KMS with bucket keys "
                    "(rules[].applyServerSideEncryptionByDefault.sseAlgorithm 'aws:kms', bucketKeyEnabled true)",
                    resource=config,
                )


RULE = Rule(
    id="RES-001",
    title="Buckets are KMS-encrypted with bucket keys",
    rationale="A domain's own KMS key puts reading the data under the key policy as well as IAM, and leaves an audit trail; bucket keys keep KMS request costs flat.",
    severity=Severity.error,
    scope=Scope.resource,
    subject=Subject.stack,
    check=check,
)
