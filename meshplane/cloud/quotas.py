"""Every AWS limit a mesh meets, in one table: what it counts, per what, its default, whether and how far AWS
raises it, and where AWS says so. Governance projects each account's use against it before anything is
applied (LIM rules), `meshplane quotas` prints it, and a stack declares the quotas an account had raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Per(str, Enum):
    """What one quota is counted for."""

    account = "account"  # per account (and region, for regional services)
    role = "role"  # per IAM role
    key = "key"  # per KMS key
    document = "document"  # per policy document
    alarm = "alarm"  # per CloudWatch alarm


class Unit(str, Enum):
    count = "count"
    characters = "characters"  # IAM: characters of the minified JSON (whitespace not counted)
    bytes = "bytes"
    seconds = "seconds"


@dataclass(frozen=True)
class Quota:
    id: str
    what: str
    per: Per
    default: int
    unit: Unit = Unit.count
    maximum: int | None = None  # how far AWS raises it on request (None: raisable, no ceiling published)
    adjustable: bool = True
    source: str = ""

    def allows(self, value: int) -> bool:
        """Whether a stack may declare `value` as this quota raised."""
        if value < self.default:
            return False
        return value == self.default or (self.adjustable and (self.maximum is None or value <= self.maximum))


IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
S3_AP = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-restrictions-limitations.html"
KMS_QUOTAS = "https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html"
GLUE_QUOTAS = "https://docs.aws.amazon.com/general/latest/gr/glue.html"
CLOUDWATCH_QUOTAS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html"
ALARM_API = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"
SNS_QUOTAS = "https://docs.aws.amazon.com/general/latest/gr/sns.html"
EVENTBRIDGE_QUOTAS = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html"
SCHEDULER_QUOTAS = "https://docs.aws.amazon.com/scheduler/latest/UserGuide/scheduler-quotas.html"
DQ_RULESET_API = "https://docs.aws.amazon.com/glue/latest/webapi/API_CreateDataQualityRuleset.html"
LF_NOTES = "https://docs.aws.amazon.com/lake-formation/latest/dg/cross-account-notes.html"
ORG_LIMITS = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html"
PUT_METRIC_ALARM = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"

TABLE: tuple[Quota, ...] = (
    # counted per account
    Quota("iam.roles", "IAM roles", Per.account, 1_000, maximum=5_000, source=IAM_QUOTAS),
    Quota("iam.managed-policies", "customer managed policies", Per.account, 1_500, maximum=5_000, source=IAM_QUOTAS),
    Quota("s3.buckets", "S3 general purpose buckets", Per.account, 10_000, source="https://docs.aws.amazon.com/AmazonS3/latest/userguide/BucketRestrictions.html"),
    Quota("s3.access-points", "S3 access points (per region)", Per.account, 10_000, source=S3_AP),
    Quota("kms.keys", "KMS customer managed keys (per region)", Per.account, 100_000, source=KMS_QUOTAS),
    Quota("glue.databases", "Glue databases", Per.account, 10_000, source=GLUE_QUOTAS),
    Quota("glue.tables", "Glue tables", Per.account, 1_000_000, source=GLUE_QUOTAS),
    Quota("sns.topics", "SNS standard topics (per region)", Per.account, 100_000, source=SNS_QUOTAS),
    Quota("events.rules", "EventBridge rules on the default event bus (per region)", Per.account, 300, source=EVENTBRIDGE_QUOTAS),
    Quota("scheduler.schedules", "EventBridge Scheduler schedules (per region)", Per.account, 1_000_000, source=SCHEDULER_QUOTAS),
    Quota("lakeformation.cross-account-grants", "Lake Formation cross-account grants (named resources, through RAM)", Per.account, 1_600, source=LF_NOTES),
    Quota("organizations.policies-per-target", "SCPs, and RCPs, attached to one root, OU or account (each type; AWS's full-access policy counts)",
          Per.account, 5, adjustable=False, source=ORG_LIMITS),
    # counted per role and per key
    Quota("iam.managed-policies-per-role", "managed policies attached to a role", Per.role, 10, maximum=20, source=IAM_QUOTAS),
    Quota("iam.inline-policies-per-role", "inline policies of a role, together", Per.role, 10_240, Unit.characters, adjustable=False, source=IAM_QUOTAS),
    Quota("kms.grants-per-key", "grants on one KMS key", Per.key, 50_000, source=KMS_QUOTAS),
    # documents
    Quota("iam.managed-policy-size", "a managed policy", Per.document, 6_144, Unit.characters, adjustable=False, source=IAM_QUOTAS),
    Quota("iam.trust-policy-size", "a role trust policy", Per.document, 2_048, Unit.characters, maximum=4_096, source=IAM_QUOTAS),
    Quota("s3.bucket-policy-size", "a bucket policy", Per.document, 20_480, Unit.bytes, adjustable=False,
          source="https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html"),
    Quota("s3.access-point-policy-size", "an access point policy", Per.document, 20_480, Unit.bytes, adjustable=False, source=S3_AP),
    Quota("cloudwatch.alarm-metrics", "metrics of a metric math alarm", Per.document, 10, adjustable=False, source=CLOUDWATCH_QUOTAS),
    Quota("cloudwatch.alarm-window", "an alarm's evaluation range (period x evaluation periods)", Per.document, 604_800, Unit.seconds,
          adjustable=False, source=ALARM_API),
    Quota("cloudwatch.dashboard-widgets", "widgets of a dashboard", Per.document, 500, adjustable=False, source=CLOUDWATCH_QUOTAS),
    Quota("glue.dq-ruleset-size", "a Glue Data Quality ruleset (DQDL)", Per.document, 65_536, Unit.characters, adjustable=False, source=DQ_RULESET_API),
    Quota("kms.key-policy-size", "a key policy", Per.document, 32_768, Unit.bytes, adjustable=False,
          source="https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html"),
    Quota("organizations.policy-size", "an SCP or RCP", Per.document, 5_120, Unit.characters, adjustable=False, source=ORG_LIMITS),
    # alarms: "Period multiplied by EvaluationPeriods can't be more than 604,800 seconds" (a freshness alarm watches a
    # product's freshness_hours, so no promise beyond seven days can be watched; MESH-021)
    Quota("cloudwatch.alarm-evaluation-range", "an alarm's evaluation range (period x evaluation periods)", Per.alarm, 604_800,
          Unit.seconds, adjustable=False, source=PUT_METRIC_ALARM),
)  # fmt: skip

QUOTAS: dict[str, Quota] = {q.id: q for q in TABLE}


@dataclass(frozen=True)
class QuotaBook:
    """Each account's quotas: AWS's defaults, unless the stack declares one raised (`meshplane:quotas`)."""

    raised: dict[str, dict[str, int]]  # account -> quota ID -> the raised value
    places: dict[str, tuple[str, int]]  # account -> where the stack declares it (file, line)
    default: str = "the stack's account"  # the account of a resource whose provider does not say
    partial: frozenset[str] = frozenset()  # accounts a scoped run sees only part of: their account-wide use is the whole run's

    def limit(self, quota: Quota, account: str) -> int:
        return self.raised.get(account, {}).get(quota.id, quota.default)

    def place(self, account: str) -> tuple[str, int]:
        return self.places.get(account, ("(quotas: AWS defaults)", 1))


DEFAULTS = QuotaBook({}, {})
