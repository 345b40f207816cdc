"""LIM-003: bucket policies within S3's size limit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from meshplane.declarations.federation import Federation
from meshplane.governance.limits import over_limit
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.usage import Usage

QUOTAS = ('s3.bucket-policy-size',)


def check(rows: Sequence[Usage], federation: Federation) -> Iterator[Finding]:
    return over_limit(rows, QUOTAS)


RULE = Rule(
    id="LIM-003",
    title="Bucket policies within S3's size limit",
    rationale="A bucket policy that names its readers grows with every agreement until S3 refuses it; the producer's consent lives in access points, one per agreement, so the bucket policy stays constant.",
    severity=Severity.error,
    scope=Scope.limit,
    subject=Subject.usage,
    check=check,
)
