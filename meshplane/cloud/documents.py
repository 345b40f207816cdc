"""Reading IAM policy documents out of resource inputs (JSON strings or already-parsed mappings)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache

from components import tokens

# The policy pack's sentinels for values not known during preview (pulumi_policy.proxy).
UNKNOWN_SENTINELS = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "030794c1-ac77-496b-92df-f27374a8bd58",
        "e48ece36-62e2-4504-bad9-02848725956a",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    }
)


def is_unknown(value: object) -> bool:
    return isinstance(value, str) and value in UNKNOWN_SENTINELS


class BadDocument(ValueError):
    """The value is not a policy document."""


def parse(value: object) -> dict | None:
    """The document as a mapping; None when absent or unknown; BadDocument when unreadable."""
    if value is None or value == "" or is_unknown(value):
        return None
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str):
        try:
            doc = _decoded(value)
        except json.JSONDecodeError as exc:
            raise BadDocument(f"not JSON: {exc.msg} at character {exc.pos}") from None
        if not isinstance(doc, dict):
            raise BadDocument("not a JSON object")
        return doc
    raise BadDocument(f"a {type(value).__name__}, not a JSON document")


@lru_cache(maxsize=64)  # the rules read a resource's documents one after another: each is decoded once
def _decoded(text: str) -> object:
    return json.loads(text)


def statements(doc: Mapping) -> list[dict]:
    raw = doc.get("Statement", [])
    items = raw if isinstance(raw, list) else [raw]
    return [s for s in items if isinstance(s, Mapping)]


def as_list(value: object) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def allows(doc: Mapping) -> Iterator[dict]:
    """The Allow statements: only they grant; a wildcard in a Deny narrows access."""
    return (s for s in statements(doc) if s.get("Effect") == "Allow")


def wildcard_actions(statement: Mapping) -> list[str]:
    """Actions of an Allow statement that match more than they name (`*`, `s3:*`, `s3:Get*`), or NotAction."""
    found = [a for a in as_list(statement.get("Action")) if isinstance(a, str) and "*" in a]
    if "NotAction" in statement:
        found.append("NotAction " + ",".join(str(a) for a in as_list(statement["NotAction"])))
    return found


def star_principals(statement: Mapping) -> list[str]:
    """Principals of a statement that name everyone: `"*"` or `{"AWS": "*"}` (any key), or NotPrincipal."""
    found = []
    principal = statement.get("Principal")
    if principal == "*":
        found.append('"*"')
    elif isinstance(principal, Mapping):
        for key, value in principal.items():
            if "*" in as_list(value):
                found.append(f'{{"{key}": "*"}}')
    if "NotPrincipal" in statement:
        found.append("NotPrincipal")
    return found


# Condition keys that pin a `*` principal to fixed principals or accounts, as S3's block-public-access analysis reads
# them (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html): a statement
# limited by one of them, to values without wildcards (an access point ARN may wildcard only its name), is not public.
PINNING_KEYS = {
    "aws:principalarn": ("ArnEquals", "StringEquals"),
    "aws:principalaccount": ("StringEquals",),
    "aws:sourceaccount": ("StringEquals",),
    "kms:calleraccount": ("StringEquals",),
    "s3:dataaccesspointaccount": ("StringEquals",),
    "s3:dataaccesspointarn": ("StringEquals", "StringLike", "ArnEquals", "ArnLike"),
}


def pinned(statement: Mapping) -> bool:
    """True when a condition of the statement limits who it applies to to fixed principals or accounts."""
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    for operator, block in condition.items():
        if not isinstance(block, Mapping):
            continue
        for key, values in block.items():
            values = as_list(values)
            if operator not in PINNING_KEYS.get(str(key).lower(), ()) or not values:
                continue
            if str(key).lower() == "s3:dataaccesspointarn":
                if all(isinstance(v, str) and "*" not in v.split(":accesspoint/")[0] for v in values):
                    return True
            elif all(isinstance(v, str) and "*" not in v and "?" not in v for v in values):
                return True
    return False


_SPACE_OR_ESCAPE = re.compile(r"[\s\\]")


def size(value: object) -> int:
    """The document's length as IAM counts it: characters of the minified JSON (whitespace between tokens not counted)."""
    if isinstance(value, str):
        if not _SPACE_OR_ESCAPE.search(value):  # written minified, as the components write theirs: nothing to strip
            return len(value)
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return len("".join(value.split()))
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False))


def byte_size(value: object) -> int:
    """Bytes of the document as written (S3 measures a bucket policy in bytes)."""
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    return len(json.dumps(value, separators=(",", ":")).encode("utf-8"))




def policy_documents(resource_type: str, inputs: Mapping) -> list[tuple[str, object]]:
    """(label, document) for every policy document a resource carries, as written in its inputs."""
    if resource_type == tokens.ROLE:
        found: list[tuple[str, object]] = [("trust policy", inputs.get("assumeRolePolicy"))]
        for item in inputs.get("inlinePolicies") or ():
            if isinstance(item, Mapping):
                found.append((f"inline policy {item.get('name', '?')!r}", item.get("policy")))
        return found
    if resource_type == tokens.ROLE_POLICY:
        return [(f"inline policy {inputs.get('name', '?')!r}", inputs.get("policy"))]
    if resource_type == tokens.MANAGED_POLICY:
        return [("managed policy", inputs.get("policy"))]
    if resource_type == tokens.BUCKET_POLICY:
        return [("bucket policy", inputs.get("policy"))]
    if resource_type == tokens.ACCESS_POINT:
        return [("access point policy", inputs.get("policy"))]
    if resource_type == tokens.KEY:
        return [("key policy", inputs.get("policy"))]
    return []
