"""RES-003: every bucket's policy denies requests not made over TLS."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from meshplane.cloud import documents
from meshplane.cloud.inventory import Resource
from meshplane.declarations.federation import Federation
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.storage import POLICY_TYPES, bucket_name, buckets, companions_of


def denies_plain_http(statement: Mapping) -> bool:
    """A Deny for everyone, on every S3 action, when aws:SecureTransport is false."""
    if statement.get("Effect") != "Deny" or not documents.star_principals(statement):
        return False
    if not {"s3:*", "*"} & set(documents.as_list(statement.get("Action"))):
        return False
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    for operator in ("Bool", "BoolIfExists"):
        block = condition.get(operator)
        if isinstance(block, Mapping):
            values = documents.as_list(block.get("aws:SecureTransport"))
            if values and all(str(v).lower() == "false" for v in values):
                return True
    return False


def check(resources: Sequence[Resource], federation: Federation) -> Iterator[Finding]:
    for bucket in buckets(resources):
        policies = companions_of(bucket, resources, POLICY_TYPES)
        name = bucket_name(bucket) or bucket.name
        if not policies:
            yield Finding(f"bucket {name!r} has no bucket policy, so plain-HTTP requests are not denied", resource=bucket)
        for policy in policies:
            try:
                doc = documents.parse(policy.inputs.get("policy"))
            except documents.BadDocument as exc:
                yield Finding(f"bucket {name!r}: policy is unreadable ({exc})", resource=policy)
                continue
            if doc is None:
                continue  # not known yet (preview)
            if not any(denies_plain_http(s) for s in documents.statements(doc)):
                yield Finding(
                    f"bucket {name!r}: policy has no Deny of s3:* for every principal when aws:SecureTransport is false",
                    resource=policy,
                )


RULE = Rule(
    id="RES-003",
    title="Buckets accept TLS only",
    rationale="Data in transit is encrypted: a bucket policy that denies non-TLS requests holds for every client, whatever SDK or endpoint it uses.",
    severity=Severity.error,
    scope=Scope.resource,
    subject=Subject.stack,
    check=check,
)
