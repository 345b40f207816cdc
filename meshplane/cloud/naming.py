"""Deterministic physical names: no random suffixes, within AWS limits in every environment.

Every name is a pure function of the stack's prefix, the domain and the product's identity (its
oldest name, so a rename keeps the data). Where a name would pass its limit, it is cut and a stable
8-character hash of the full name is appended, so two long names never collide.
"""

from __future__ import annotations

import hashlib
import re

S3_BUCKET_MAX = 63
S3_ACCESS_POINT_MAX = 50
IAM_ROLE_MAX = 64
KMS_ALIAS_MAX = 256
GLUE_NAME_MAX = 255
K8S_NAME_MAX = 63
ALARM_NAME_MAX = 255
SNS_TOPIC_MAX = 256
EVENT_RULE_MAX = 64
SCHEDULE_MAX = 64
RULESET_MAX = 255
DASHBOARD_MAX = 255


def digest(text: str, length: int = 8) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def fit(name: str, limit: int, sep: str = "-") -> str:
    """`name` itself when it fits, else its head and a stable hash of the whole, `limit` long at most."""
    if len(name) <= limit:
        return name
    tail = digest(name)
    head = name[: limit - len(tail) - 1].rstrip(sep)
    return f"{head}{sep}{tail}"


def port_identity(identity: str, version: int) -> str:
    """What one major version of a product's output port is named after: the product's identity for version 1 (so
    existing names never change), else the identity and the version after a double hyphen, which no product name has."""
    return identity if version == 1 else f"{identity}--v{version}"


def bucket_name(prefix: str, domain: str, identity: str) -> str:
    return fit(f"{prefix}-{domain}-{identity}", S3_BUCKET_MAX)


def job_role_name(prefix: str, domain: str, identity: str) -> str:
    return fit(f"{prefix}-{domain}-{identity}-job", IAM_ROLE_MAX)


def reader_role_name(prefix: str, domain: str) -> str:
    return fit(f"{prefix}-{domain}-readers", IAM_ROLE_MAX)


def broker_role_name(prefix: str, domain: str) -> str:
    """The role EKS Pod Identity assumes in the cluster's account for a domain that lives in another account."""
    return fit(f"{prefix}-{domain}-pods", IAM_ROLE_MAX)


def lakeformation_role_name(prefix: str, domain: str) -> str:
    return fit(f"{prefix}-{domain}-lakeformation", IAM_ROLE_MAX)


def quality_role_name(prefix: str, domain: str) -> str:
    """The role that evaluates a domain's quality rules (EventBridge Scheduler, Glue Data Quality, `meshplane test`)."""
    return fit(f"{prefix}-{domain}-quality", IAM_ROLE_MAX)


QUALITY_CONSUMER = "quality role"  # what a domain's quality role reads as, beside its products (no product is named so)


def freshness_alarm_name(bucket: str) -> str:
    """The CloudWatch alarm watching one version's writes: `<that version's bucket name>-freshness` (`status` reads it)."""
    return fit(f"{bucket}-freshness", ALARM_NAME_MAX)


def schedule_key(schedule: str) -> str:
    """A rule's own schedule as a short key of the names of what evaluates it (the same schedule, the same key)."""
    return digest(" ".join(schedule.split()), 6)


def _evaluated(bucket: str, key: str) -> str:
    return f"{bucket}-{key}-quality" if key else f"{bucket}-quality"


def quality_ruleset_name(bucket: str, key: str = "") -> str:
    """The ruleset of a version's error rules evaluated after the job's runs (`<bucket>-quality`), or on a schedule of
    their own (`<bucket>-<key>-quality`): every errors ruleset's name ends in `-quality`, the domain's routing's match."""
    return fit(_evaluated(bucket, key), RULESET_MAX)


def quality_warnings_ruleset_name(bucket: str, key: str = "") -> str:
    """The ruleset of a version's warning rules: the errors' name and `-warnings` (the domain's routing tells them apart
    by the errors' `-quality` ending)."""
    return fit(f"{_evaluated(bucket, key)}-warnings", RULESET_MAX)


def quality_schedule_name(bucket: str, key: str = "") -> str:
    return fit(_evaluated(bucket, key), SCHEDULE_MAX)


def alerts_topic_name(prefix: str, domain: str) -> str:
    return fit(f"{prefix}-{domain}-alerts", SNS_TOPIC_MAX)


def alerts_key_alias(prefix: str, domain: str) -> str:
    """The alias of the key that encrypts the domain's alerts topic (the data key refuses use outside S3)."""
    return fit(f"alias/{prefix}-{domain}-alerts", KMS_ALIAS_MAX)


def quality_failures_rule_name(prefix: str, domain: str) -> str:
    return fit(f"{prefix}-{domain}-quality-failures", EVENT_RULE_MAX)


def dashboard_name(prefix: str, domain: str) -> str:
    return fit(f"{prefix}-{domain}", DASHBOARD_MAX)


def slot_name(role: str, bits: str) -> str:
    """A role's managed policy holding the agreements whose hash starts with `bits` (meshplane.compose.packing)."""
    return f"{role}-reads" + (f"-{bits}" if bits else "")


def access_point_prefix(prefix: str, domain: str, identity: str) -> str:
    """What every access point of one product starts with: equal length for every product of a stack, so no
    product's prefix is the start of another's, and the bucket policy can name them all with one pattern."""
    return f"{prefix}-{digest(f'{domain}/{identity}', 10)}"


def access_point_name(prefix: str, producer: tuple[str, str], consumer: tuple[str, str]) -> str:
    """One agreement's access point (and key grant): the producer's and the consumer's (domain, identity), hashed
    (an access point's name is public in DNS, 50 characters at most, unique per account and region)."""
    return f"{access_point_prefix(prefix, *producer)}-{digest('/'.join(consumer), 10)}"


def role_arn(account: str, role: str) -> str:
    return f"arn:aws:iam::{account}:role/{role}"


def key_alias(prefix: str, domain: str) -> str:
    return fit(f"alias/{prefix}-{domain}", KMS_ALIAS_MAX)


def glue_database(prefix: str, domain: str) -> str:
    return fit(_snake(f"{prefix}_{domain}"), GLUE_NAME_MAX, sep="_")


def glue_table(identity: str) -> str:
    return fit(_snake(identity), GLUE_NAME_MAX, sep="_")


def k8s_name(name: str) -> str:
    return fit(name, K8S_NAME_MAX)


JOB_KINDS = ("ServiceAccount", "CronJob", "ScheduledSparkApplication")  # a product's Kubernetes objects


def manifest_file(kind: str, namespace: str, name: str) -> str:
    """The file an object's manifest is written to: `<kind>-<namespace>-<name>.yaml`, lower case."""
    return "-".join(p for p in (kind, namespace, name) if p).lower() + ".yaml"


def _snake(name: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", name.lower())
