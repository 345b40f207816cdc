"""AWS's own input rules, as data and pure checks: what a call would refuse at apply time, said before it.

Each check returns the problem with a value as one sentence naming the limit (None: the value is fine).
The declarations' fields carry the same rules (`meshplane.declarations.spec`), so an editor flags them first; the checks
run again over every resource a stack composes (`input_problems`), where values from several fields meet.

Sources: S3 general purpose bucket naming rules; IAM quotas and name requirements; the tagging
restrictions every service shares; the Glue API's `TableInput`, `DatabaseInput` and `Column` shapes; the
S3 Control `CreateAccessPoint` name rules; KMS `CreateAlias`; Kubernetes object names (DNS-1123).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from components import tokens
from meshplane.cloud.inventory import Resource

# tags: every service
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
TAG_CHARACTERS = r"A-Za-z0-9 _.:/=+@-"  # what every service takes: some take letters of any script, some do not
TAG_VALUE_PATTERN = f"^[{TAG_CHARACTERS}]*$"
TAG_RESERVED_PREFIX = "aws:"

# S3 bucket names
BUCKET_MIN, BUCKET_MAX = 3, 63
BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")

# IAM
IAM_ROLE_MAX = 64
IAM_POLICY_MAX = 128
IAM_PATH_MAX = 512
IAM_DESCRIPTION_MAX = 1000

# Glue
GLUE_NAME_MAX = 255
GLUE_DESCRIPTION_MAX = 2048  # a table's or a database's
GLUE_COMMENT_MAX = 255  # a column's
GLUE_TYPE_MAX = 131072  # a column's type: a struct spells every field
GLUE_PARAMETER_KEY_MAX, GLUE_PARAMETER_VALUE_MAX = 255, 512000  # a column's parameters (what its contract says of it)
GLUE_SINGLE_LINE = r"^[^\u0000-\u0008\u000A-\u001F]*$"  # Glue's single-line strings: no control character but tab

# KMS, S3 access points, Kubernetes
KMS_ALIAS_MAX = 256
KMS_DESCRIPTION_MAX = 8192
ACCESS_POINT_MIN, ACCESS_POINT_MAX = 3, 50
DNS_LABEL_MAX = 63
CRONJOB_NAME_MAX = 52  # a CronJob's Jobs add 11 characters to its name, and a Job's name is a label

EKS_CLUSTER_PATTERN = r"^[0-9A-Za-z][A-Za-z0-9_-]*$"
EKS_CLUSTER_MAX = 100
EMAIL_PATTERN = r"^[A-Za-z0-9._+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
EMAIL_MAX = 254

_TAG = re.compile(f"^[{TAG_CHARACTERS}]*$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")
_IP = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
_IAM_NAME = re.compile(r"^[\w+=,.@-]+$")
_IAM_PATH = re.compile(r"^/(?:[\x21-\x7e]*/)?$")
_KMS_ALIAS = re.compile(r"^alias/[a-zA-Z0-9/_-]+$")
_ACCESS_POINT = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_DNS_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_SINGLE_LINE = re.compile(GLUE_SINGLE_LINE)


def tag_problem(key: str, value: str) -> str | None:
    if not 1 <= len(key) <= TAG_KEY_MAX:
        return f"tag key {key[:40]!r} is {len(key)} characters: AWS allows 1 to {TAG_KEY_MAX}"
    if len(value) > TAG_VALUE_MAX:
        return f"tag {key!r} is {len(value)} characters: AWS allows a tag value {TAG_VALUE_MAX}"
    for what, text in (("key", key), ("value", value)):
        if not _TAG.match(text):
            bad = sorted({c for c in text if not re.match(f"[{TAG_CHARACTERS}]", c)})
            return f"tag {key!r}: its {what} holds {''.join(bad)!r}: AWS allows letters, digits, spaces and . : / = + - @ in tags"
        if text.lower().startswith(TAG_RESERVED_PREFIX):
            return f"tag {key!r}: a {what} starting with 'aws:' is reserved for AWS"
    return None


def bucket_problem(name: str) -> str | None:
    if not BUCKET_MIN <= len(name) <= BUCKET_MAX:
        return f"S3 bucket name {name!r} is {len(name)} characters: S3 allows {BUCKET_MIN} to {BUCKET_MAX}"
    if not _BUCKET.match(name) or ".." in name or _IP.match(name):
        return f"S3 bucket name {name!r}: S3 allows lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit"
    for prefix in BUCKET_RESERVED_PREFIXES:
        if name.startswith(prefix):
            return f"S3 bucket name {name!r} starts with {prefix!r}, which S3 reserves"
    for suffix in BUCKET_RESERVED_SUFFIXES:
        if name.endswith(suffix):
            return f"S3 bucket name {name!r} ends with {suffix!r}, which S3 reserves"
    return None


def iam_name_problem(what: str, name: str, limit: int) -> str | None:
    if not 1 <= len(name) <= limit:
        return f"IAM {what} name {name!r} is {len(name)} characters: IAM allows 1 to {limit}"
    if not _IAM_NAME.match(name):
        return f"IAM {what} name {name!r}: IAM allows letters, digits and + = , . @ _ -"
    return None


def iam_path_problem(path: str) -> str | None:
    if len(path) > IAM_PATH_MAX or not _IAM_PATH.match(path):
        return f"IAM path {path[:60]!r}: IAM allows '/' or '/.../' of printable characters, {IAM_PATH_MAX} at most"
    return None


def text_problem(what: str, text: str, limit: int, single_line: bool = False) -> str | None:
    if len(text) > limit:
        return f"{what} is {len(text)} characters: AWS allows {limit}"
    if single_line and not _SINGLE_LINE.match(text):
        return f"{what} holds a line break or a control character: AWS allows one line"
    return None


def kms_alias_problem(name: str) -> str | None:
    if len(name) > KMS_ALIAS_MAX or not _KMS_ALIAS.match(name) or name.startswith("alias/aws/"):
        return f"KMS alias {name!r}: KMS allows 'alias/' and letters, digits, / _ -, {KMS_ALIAS_MAX} characters at most, not 'alias/aws/'"
    return None


def access_point_problem(name: str) -> str | None:
    if not ACCESS_POINT_MIN <= len(name) <= ACCESS_POINT_MAX or not _ACCESS_POINT.match(name):
        return f"S3 access point name {name!r}: S3 allows {ACCESS_POINT_MIN} to {ACCESS_POINT_MAX} lowercase letters, digits and hyphens"
    return None


def k8s_name_problem(kind: str, name: str, limit: int = DNS_LABEL_MAX) -> str | None:
    if len(name) > limit or not _DNS_LABEL.match(name):
        return f"Kubernetes {kind} name {name!r}: a DNS-1123 label, lowercase letters, digits and '-', {limit} characters at most"
    return None


@dataclass(frozen=True)
class InputProblem:
    resource: Resource
    message: str


def input_problems(resources: Iterable[Resource]) -> Iterator[InputProblem]:
    """AWS's and Kubernetes' input rules over every resource a stack registers."""
    for r in resources:
        if not r.custom or r.is_provider:
            continue
        for message in _resource_problems(r):
            yield InputProblem(r, message)


def _resource_problems(r: Resource) -> Iterator[str]:
    i = r.inputs
    tags = i.get("tags")
    if isinstance(tags, Mapping):
        yield from filter(None, (tag_problem(str(k), str(v)) for k, v in tags.items()))
    checks = {
        tokens.BUCKET: lambda: [bucket_problem(i["bucket"])],
        tokens.ROLE: lambda: [iam_name_problem("role", i["name"], IAM_ROLE_MAX), iam_path_problem(i.get("path", "/")),
                              text_problem("IAM role description", i.get("description", ""), IAM_DESCRIPTION_MAX)],
        tokens.ROLE_POLICY: lambda: [iam_name_problem("policy", i["name"], IAM_POLICY_MAX)],
        tokens.MANAGED_POLICY: lambda: [iam_name_problem("policy", i["name"], IAM_POLICY_MAX), iam_path_problem(i.get("path", "/"))],
        tokens.KEY: lambda: [text_problem("KMS key description", i.get("description", ""), KMS_DESCRIPTION_MAX)],
        tokens.KEY_ALIAS: lambda: [kms_alias_problem(i["name"])],
        tokens.ACCESS_POINT: lambda: [access_point_problem(i["name"])],
        tokens.DATABASE: lambda: [text_problem("Glue database name", i["name"], GLUE_NAME_MAX, True),
                                  text_problem("Glue database description", i.get("description", ""), GLUE_DESCRIPTION_MAX)],
        tokens.TABLE: lambda: _table_problems(i),
        tokens.NAMESPACE: lambda: [k8s_name_problem("Namespace", i["metadata"]["name"])],
        tokens.SERVICE_ACCOUNT: lambda: [k8s_name_problem("ServiceAccount", i["metadata"]["name"])],
        tokens.CRONJOB: lambda: [k8s_name_problem("CronJob", i["metadata"]["name"], CRONJOB_NAME_MAX)],
        tokens.SCHEDULED_SPARK_APPLICATION: lambda: [k8s_name_problem("ScheduledSparkApplication", i["metadata"]["name"])],
    }.get(r.type)  # fmt: skip
    if checks is not None:
        yield from filter(None, checks())


def _table_problems(i: Mapping) -> list[str | None]:
    columns = [*(i.get("storageDescriptor") or {}).get("columns", ()), *(i.get("partitionKeys") or ())]
    found = [text_problem("Glue table name", i["name"], GLUE_NAME_MAX, True), text_problem("Glue table description", i.get("description", ""), GLUE_DESCRIPTION_MAX)]
    for c in columns:
        found.append(text_problem(f"Glue comment of column {c['name']!r}", c.get("comment", ""), GLUE_COMMENT_MAX, True))
        found.append(text_problem(f"Glue type of column {c['name']!r}", c.get("type", ""), GLUE_TYPE_MAX, True))
        for key, value in (c.get("parameters") or {}).items():
            found.append(text_problem(f"Glue parameter {key[:60]!r} of column {c['name']!r}", key, GLUE_PARAMETER_KEY_MAX, True))
            found.append(text_problem(f"Glue parameter {key[:60]!r} of column {c['name']!r}: its value", value, GLUE_PARAMETER_VALUE_MAX))
    return found
