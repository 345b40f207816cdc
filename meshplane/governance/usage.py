"""How much of each quota (meshplane.cloud.quotas) the resources use: one row per quota and per thing it counts for.

The limit rules (LIM-...) and `meshplane quotas` read these rows; nothing else counts. A resource's account
is its provider's (components.providers), so the rows come out the same from the engine's inventory and
from the one built without it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from components import tokens
from components.providers import account_of_provider
from meshplane.cloud import documents
from meshplane.cloud.inventory import Resource
from meshplane.cloud.quotas import DEFAULTS, QUOTAS, Per, Quota, QuotaBook, Unit

DOCUMENT_QUOTAS = {  # type -> (input, the quota of that document)
    tokens.MANAGED_POLICY: ("policy", "iam.managed-policy-size"),
    tokens.ROLE: ("assumeRolePolicy", "iam.trust-policy-size"),
    tokens.BUCKET_POLICY: ("policy", "s3.bucket-policy-size"),
    tokens.ACCESS_POINT: ("policy", "s3.access-point-policy-size"),
    tokens.KEY: ("policy", "kms.key-policy-size"),
    tokens.ORG_POLICY: ("content", "organizations.policy-size"),
}
COUNTED = {  # type -> the per-account quota it counts against
    tokens.ROLE: "iam.roles",
    tokens.MANAGED_POLICY: "iam.managed-policies",
    tokens.BUCKET: "s3.buckets",
    tokens.ACCESS_POINT: "s3.access-points",
    tokens.KEY: "kms.keys",
    tokens.DATABASE: "glue.databases",
    tokens.TABLE: "glue.tables",
    tokens.TOPIC: "sns.topics",
    tokens.EVENT_RULE: "events.rules",
    tokens.SCHEDULE: "scheduler.schedules",
}


@dataclass(frozen=True)
class Usage:
    quota: Quota
    subject: str  # what it is counted for: "account 1234...", "role x", "key of ...", "bucket policy of ..."
    account: str
    used: int
    limit: int
    resource: Resource | None = None  # where a finding about it is shown
    where: tuple[str, int] = ("(quotas)", 1)  # where the account is declared, for a finding with no resource

    @property
    def share(self) -> float:
        return self.used / self.limit if self.limit else float("inf")

    def describe(self) -> str:
        unit = "" if self.quota.unit is Unit.count else f" {self.quota.unit.value}"
        return f"{self.quota.what} ({self.quota.id}) of {self.subject}: {self.used:,}{unit} of {self.limit:,} ({self.share:.0%})"


def usage(resources: Sequence[Resource], book: QuotaBook = DEFAULTS) -> list[Usage]:
    """Every quota's use, per account, role, key and document, for the cloud resources among `resources`."""
    cloud = [r for r in resources if r.custom and not r.is_provider and not r.type.startswith(tokens.KUBERNETES_PREFIX)]
    account = {r.urn: account_of_provider(r.provider, book.default) for r in cloud}
    rows: list[Usage] = []

    def add(quota_id: str, subject: str, acct: str, used: int, resource: Resource | None = None) -> None:
        quota = QUOTAS[quota_id]
        rows.append(Usage(quota, subject, acct, used, book.limit(quota, acct), resource, book.place(acct)))

    per_account: Counter = Counter()
    for r in cloud:
        if r.type in COUNTED:
            per_account[(COUNTED[r.type], account[r.urn])] += 1
        elif r.type == tokens.LF_PERMISSIONS and _principal_account(r) not in (None, account[r.urn]):
            per_account[("lakeformation.cross-account-grants", account[r.urn])] += 1
    targets = _organization_policies(cloud)
    for (target, _kind), attached in targets.items():  # each type counts alone; AWS's full-access one too
        per_account[("organizations.policies-per-target", target)] = max(per_account[("organizations.policies-per-target", target)], attached + 1)
    accounts = sorted(({account[r.urn] for r in cloud} | {target for target, _ in targets}) - book.partial)
    for quota in (q for q in QUOTAS.values() if q.per is Per.account):
        for acct in accounts:
            add(quota.id, f"account {acct}", acct, per_account[(quota.id, acct)])

    roles = {(account[r.urn], r.inputs.get("name")): r for r in cloud if r.type == tokens.ROLE}
    for (acct, role), items in sorted(_inline_sizes(cloud, account).items()):
        add("iam.inline-policies-per-role", f"role {role}", acct, sum(size for _, size in items), roles.get((acct, role)) or items[0][0])
    for (acct, role), arns in sorted(_attachments(cloud, account).items()):
        subject = roles.get((acct, role)) or next(r for r in cloud if role in (r.inputs.get("role"), r.inputs.get("roleName")))
        add("iam.managed-policies-per-role", f"role {role}", acct, len(arns), subject)

    keys = {r.id: r for r in cloud if r.type == tokens.KEY}
    grants: dict[str, list[Resource]] = defaultdict(list)
    for r in cloud:
        if r.type == tokens.KEY_GRANT and isinstance(r.inputs.get("keyId"), str):
            grants[r.inputs["keyId"]].append(r)
    for key_id, on_key in sorted(grants.items()):
        key = keys.get(key_id.rsplit("/", 1)[-1])  # a key's ID, or its ARN ending in it
        add("kms.grants-per-key", f"key {(key.name if key else key_id)}", account[on_key[0].urn], len(on_key), key or on_key[0])

    for r in cloud:
        if r.type not in DOCUMENT_QUOTAS:
            continue
        field, quota_id = DOCUMENT_QUOTAS[r.type]
        value = r.inputs.get(field)
        if value is None or documents.is_unknown(value):
            continue
        measured = documents.byte_size(value) if QUOTAS[quota_id].unit is Unit.bytes else documents.size(value)
        add(quota_id, f"{QUOTAS[quota_id].what} {r.name!r}", account[r.urn], measured, r)
    for r in cloud:
        for quota_id, measured in _monitor_sizes(r):
            add(quota_id, f"{QUOTAS[quota_id].what} {r.name!r}", account[r.urn], measured, r)
    return rows


def _organization_policies(cloud: Sequence[Resource]) -> Counter:
    """(target account, policy type) -> the perimeter's policies attached to it."""
    kinds = {r.id: r.inputs.get("type") for r in cloud if r.type == tokens.ORG_POLICY}
    return Counter((r.inputs.get("targetId"), kinds.get(r.inputs.get("policyId"))) for r in cloud if r.type == tokens.ORG_POLICY_ATTACHMENT)


def _monitor_sizes(r: Resource) -> list[tuple[str, int]]:
    """(quota, what the resource uses of it) for a metric math alarm (its metrics), a dashboard (its widgets) and a Glue
    Data Quality ruleset (its characters). An alarm's evaluation range is held where the alarm is composed
    (`meshplane.compose.monitoring.alarm_hours`), a longer promise being governance's finding."""
    i = r.inputs
    if r.type == tokens.METRIC_ALARM:
        queries = [q for q in i.get("metricQueries") or () if isinstance(q, Mapping)]
        return [("cloudwatch.alarm-metrics", sum(1 for q in queries if q.get("metric")))] if queries else []
    if r.type == tokens.DASHBOARD and isinstance(i.get("dashboardBody"), str) and not documents.is_unknown(i["dashboardBody"]):
        return [("cloudwatch.dashboard-widgets", len((documents.parse(i["dashboardBody"]) or {}).get("widgets") or ()))]
    if r.type == tokens.DQ_RULESET and isinstance(i.get("ruleset"), str):
        return [("glue.dq-ruleset-size", len(i["ruleset"]))]
    return []


def _principal_account(r: Resource) -> str | None:
    principal = r.inputs.get("principal")
    parts = principal.split(":") if isinstance(principal, str) else []
    return parts[4] if len(parts) > 4 and parts[0] == "arn" else None


def _inline_sizes(cloud: Sequence[Resource], account: Mapping[str, str]) -> dict[tuple[str, str], list[tuple[Resource, int]]]:
    """(account, role name) -> (resource carrying an inline policy, its size), from roles' inlinePolicies and RolePolicy resources."""
    sizes: dict[tuple[str, str], list[tuple[Resource, int]]] = defaultdict(list)
    for r in cloud:
        if r.type == tokens.ROLE and isinstance(r.inputs.get("name"), str):
            for item in r.inputs.get("inlinePolicies") or ():
                if isinstance(item, Mapping) and item.get("policy") and not documents.is_unknown(item.get("policy")):
                    sizes[(account[r.urn], r.inputs["name"])].append((r, documents.size(item["policy"])))
        elif r.type == tokens.ROLE_POLICY:
            role, policy = r.inputs.get("role"), r.inputs.get("policy")
            if isinstance(role, str) and not documents.is_unknown(role) and policy and not documents.is_unknown(policy):
                sizes[(account[r.urn], role)].append((r, documents.size(policy)))
    return sizes


def _attachments(cloud: Sequence[Resource], account: Mapping[str, str]) -> dict[tuple[str, str], set[str]]:
    """(account, role name) -> the ARNs of the managed policies attached to it, however they are attached."""
    attached: dict[tuple[str, str], set[str]] = defaultdict(set)

    def add(r: Resource, role: object, arns: object) -> None:
        if isinstance(role, str) and not documents.is_unknown(role):
            attached[(account[r.urn], role)].update(str(a) for a in documents.as_list(arns))

    for r in cloud:
        if r.type == tokens.ROLE:
            add(r, r.inputs.get("name"), r.inputs.get("managedPolicyArns"))
        elif r.type == tokens.ROLE_POLICY_ATTACHMENT:
            add(r, r.inputs.get("role"), r.inputs.get("policyArn"))
        elif r.type == tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE:
            add(r, r.inputs.get("roleName"), r.inputs.get("policyArns"))
    return attached
