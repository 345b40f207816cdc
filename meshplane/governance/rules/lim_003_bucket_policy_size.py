"""LIM-003: a bucket policy fits S3's 20 KB limit."""

from __future__ import annotations

from typing import Iterator

from components import tokens
from meshplane.federation import Federation
from meshplane.governance import documents
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.inventory import Resource


def check(resource: Resource, federation: Federation) -> Iterator[Finding]:
    if resource.type != tokens.BUCKET_POLICY:
        return
    value = resource.inputs.get("policy")
    if value is None or documents.is_unknown(value):
        return
    limit = federation.limits.bucket_policy_bytes
    size = documents.byte_size(value)
    if size > limit:
        yield Finding(f"bucket policy has {size:,} bytes; S3's limit is {limit:,}", resource=resource)


RULE = Rule(
    id="LIM-003",
    title="Bucket policies within 20 KB",
    rationale="A producer's bucket policy grows with every consumer it allowlists; S3 rejects it past 20 KB, so widely read products must grant through domains, not products.",
    severity=Severity.error,
    scope=Scope.limit,
    subject=Subject.resource,
    check=check,
)
