"""RES-005: no IAM or bucket policy allows wildcard actions."""

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
        except documents.BadDocument as exc:
            yield Finding(f"{label} is unreadable ({exc})", resource=resource)
            continue
        if doc is None:
            continue
        for statement in documents.allows(doc):
            wild = documents.wildcard_actions(statement)
            if wild:
                sid = f" (Sid {statement['Sid']!r})" if statement.get("Sid") else ""
                yield Finding(f"{label} allows wildcard actions{sid}: {', '.join(wild)}", resource=resource)


RULE = Rule(
    id="RES-005",
    title="No wildcard actions in IAM policies",
    rationale="Least privilege: a wildcard grants actions no one reviewed, including ones AWS adds later; every allowed action is named.",
    severity=Severity.error,
    scope=Scope.resource,
    subject=Subject.resource,
    check=check,
)
