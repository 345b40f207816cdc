"""RES-006: no trust or bucket policy allows everyone (`*` principals)."""

from __future__ import annotations

from typing import Iterator

from meshplane.federation import Federation
from meshplane.governance import documents
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.inventory import Resource


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
            if stars:
                yield Finding(f"{label} allows every principal: {', '.join(stars)}", resource=resource)


RULE = Rule(
    id="RES-006",
    title="No `*` principals in trust and bucket policies",
    rationale="An Allow for `*` lets any AWS account in (or assume the role); grants name the principals the handshake approved, and only Deny statements may say everyone.",
    severity=Severity.error,
    scope=Scope.resource,
    subject=Subject.resource,
    check=check,
)
