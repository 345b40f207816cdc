"""RES-006: no trust or resource policy allows everyone (a `*` principal no condition pins)."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.cloud import documents
from meshplane.cloud.inventory import Resource
from meshplane.declarations.federation import Federation
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(resource: Resource, federation: Federation) -> Iterator[Finding]:
    for label, value in documents.policy_documents(resource.type, resource.inputs):
        try:
            doc = documents.parse(value)
        except documents.BadDocument:
            continue  # RES-005 reports unreadable documents
        if doc is None:
            continue
        for statement in documents.allows(doc):
            stars = documents.star_principals(statement)
            if stars and not documents.pinned(statement):
                yield Finding(
                    f"{label} allows every principal: {', '.join(stars)}, with no condition pinning it to fixed principals, accounts or access points",
                    resource=resource,
                )


RULE = Rule(
    id="RES-006",
    title="No public `*` principals in trust and resource policies",
    rationale="An Allow for `*` lets any AWS account in (or assume the role) unless a condition pins it to fixed principals, accounts or access points, as S3's public-access analysis requires; agreements name the principals the handshake approved.",
    severity=Severity.error,
    scope=Scope.resource,
    subject=Subject.resource,
    check=check,
)
