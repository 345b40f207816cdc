"""How a resource is named to a user: its product (else domain), its kind and its physical name.

`users/play-events: bucket daff-dev-users-play-events` is what an apply error, a verify finding and a note
of `up --local` start with, never a URN.
"""

from __future__ import annotations

from collections.abc import Mapping

from components import tokens
from meshplane.cloud.inventory import Resource

SHORT = {
    tokens.BUCKET: "bucket", tokens.BUCKET_OWNERSHIP: "bucket ownership", tokens.BUCKET_PUBLIC_ACCESS: "public access block",
    tokens.BUCKET_ENCRYPTION: "bucket encryption", tokens.BUCKET_VERSIONING: "bucket versioning", tokens.BUCKET_LIFECYCLE: "bucket lifecycle",
    tokens.BUCKET_POLICY: "bucket policy", tokens.ACCESS_POINT: "access point", tokens.KEY: "KMS key", tokens.KEY_ALIAS: "KMS alias",
    tokens.KEY_GRANT: "key grant", tokens.ROLE: "role", tokens.ROLE_POLICY: "inline policy", tokens.MANAGED_POLICY: "managed policy",
    tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE: "attached policies", tokens.DATABASE: "Glue database", tokens.TABLE: "Glue table",
    tokens.LF_RESOURCE: "Lake Formation location", tokens.LF_PERMISSIONS: "catalog grant",
    tokens.METRIC_ALARM: "alarm", tokens.DASHBOARD: "dashboard", tokens.TOPIC: "topic", tokens.TOPIC_POLICY: "topic policy",
    tokens.TOPIC_SUBSCRIPTION: "subscription", tokens.EVENT_RULE: "event rule", tokens.EVENT_TARGET: "event target", tokens.SCHEDULE: "schedule",
    tokens.DQ_RULESET: "quality ruleset", tokens.BUCKET_METRIC: "request metrics",
}  # fmt: skip


def owner(r: Resource) -> str:
    return r.product or r.domain or "(stack)"


def label(r: Resource, alias_of_key: Mapping[str, str]) -> str:
    """The physical name; a key has none, so its alias (`alias_of_key`: the program's key ID -> alias name)."""
    if r.type == tokens.KEY:
        return alias_of_key.get(r.id, r.name)
    if r.type == tokens.TABLE:
        return f"{r.inputs.get('databaseName')}.{r.inputs.get('name')}"
    i = r.inputs
    if r.type == tokens.TOPIC_SUBSCRIPTION:
        return f"{i.get('endpoint')} ({i.get('protocol')})"
    if r.type == tokens.EVENT_TARGET:
        return f"{i.get('rule')}/{i.get('targetId')}"
    return str(i.get("dashboardName") or i.get("bucket") or i.get("name") or i.get("roleName") or i.get("arn") or r.name)


def subject(r: Resource, alias_of_key: Mapping[str, str]) -> str:
    return f"{owner(r)}: {SHORT.get(r.type, r.type)} {label(r, alias_of_key)}"


def aliases(resources) -> dict[str, str]:
    """The program's key ID -> the alias it gives that key."""
    return {r.inputs.get("targetKeyId"): r.inputs.get("name") for r in resources if r.type == tokens.KEY_ALIAS}
