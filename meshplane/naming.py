"""Deterministic physical names: no random suffixes, within AWS limits in every environment.

Every name is a pure function of the stack's prefix, the domain and the product's identity (its
oldest name, so a rename keeps the data). Where a name would pass its limit, it is cut and a stable
8-character hash of the full name is appended, so two long names never collide.
"""

from __future__ import annotations

import hashlib
import re

S3_BUCKET_MAX = 63
IAM_ROLE_MAX = 64
KMS_ALIAS_MAX = 256
GLUE_NAME_MAX = 255
K8S_NAME_MAX = 63


def fit(name: str, limit: int, sep: str = "-") -> str:
    """`name` itself when it fits, else its head and a stable hash of the whole, `limit` long at most."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    head = name[: limit - len(digest) - 1].rstrip(sep)
    return f"{head}{sep}{digest}"


def bucket_name(prefix: str, domain: str, identity: str) -> str:
    return fit(f"{prefix}-{domain}-{identity}", S3_BUCKET_MAX)


def bucket_arn(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"


def job_role_name(prefix: str, domain: str, identity: str) -> str:
    return fit(f"{prefix}-{domain}-{identity}-job", IAM_ROLE_MAX)


def reader_role_name(prefix: str, domain: str) -> str:
    return fit(f"{prefix}-{domain}-readers", IAM_ROLE_MAX)


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


def _snake(name: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", name.lower())
