"""principalmapper's `local_check_authorization_full`, fed documents as AWS would read them.

principalmapper 1.1.5 decides identity, resource and key policies like AWS in every case tried
(docs/toolchain.md), except in four places, which this module corrects:
- `resource_policy=None` means "identity policies only": a resource without a policy gets an empty one;
- `"Principal": {"AWS": "*"}` is matched as an account principal, not as everyone: it is rewritten `"*"`;
- `StringNotLike` on a key the request lacks evaluates false (AWS: true, so a Deny applies): it is
  rewritten `StringNotLikeIfExists`, which principalmapper evaluates as AWS does `StringNotLike`;
- ARNs are matched case-insensitively (AWS: case-sensitively): meshplane's names are all lower case.
It needs `collections.Mapping` on Python 3.11, which this module sets before importing it.
"""

from __future__ import annotations

import collections
import collections.abc
import hashlib
from collections.abc import Mapping, Sequence
from enum import Enum
from functools import lru_cache

collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]  # principalmapper 1.1.5 predates 3.10
collections.MutableMapping = collections.abc.MutableMapping  # type: ignore[attr-defined]

from principalmapper.common import Node, Policy  # noqa: E402
from principalmapper.querying.local_policy_simulation import (  # noqa: E402
    ResourcePolicyEvalResult,
    has_matching_statement,
    resource_policy_authorization,
)
from principalmapper.util.case_insensitive_dict import CaseInsensitiveDict  # noqa: E402
from principalmapper.querying.query_interface import local_check_authorization_full  # noqa: E402

EMPTY_TRUST = {"Version": "2012-10-17", "Statement": []}
GRANTING = (ResourcePolicyEvalResult.NODE_MATCH, ResourcePolicyEvalResult.DIFF_ACCOUNT_MATCH, ResourcePolicyEvalResult.ROOT_MATCH)


class Match(str, Enum):
    """What a resource policy alone says of a request."""

    deny = "deny"  # an explicit Deny matches
    allow = "allow"  # an Allow names the principal (or everyone) and no Deny matches
    none = "none"  # neither


def node(arn: str, policies: Sequence[Mapping]) -> Node:
    """A principal (a role) with its identity policies (inline and attached alike)."""
    unique = "AROA" + hashlib.sha256(arn.encode()).hexdigest()[:16].upper()  # a role's unique ID (aws:userid)
    return Node(arn, unique, [Policy(arn, f"p{i}", normalised(p)) for i, p in enumerate(policies)],
                None, EMPTY_TRUST, None, 0, False, False, None, False, None)  # fmt: skip


def account_of(arn: str) -> str:
    return arn.split(":")[4]


def allowed(principal: Node, action: str, resource: str, context: Mapping[str, str], policy: Mapping | None, owner: str) -> bool:
    """AWS's decision for `principal` doing `action` on `resource` (owned by `owner`, governed by `policy`)."""
    return local_check_authorization_full(principal, action, resource, dict(context), normalised(policy or {"Statement": []}), owner)


def identity_allows(principal: Node, action: str, resource: str, context: Mapping[str, str]) -> bool:
    """What the principal's identity policies alone allow (as moto enforces them)."""
    return local_check_authorization_full(principal, action, resource, dict(context), None, None)


def identity_denies(principal: Node, action: str, resource: str, context: Mapping[str, str]) -> bool:
    """An explicit Deny in the principal's identity policies."""
    return has_matching_statement(principal, "Deny", action, resource, CaseInsensitiveDict(dict(context)))


def resource_says(principal: Node, owner: str, policy: Mapping | None, action: str, resource: str, context: Mapping[str, str]) -> Match:
    result = resource_policy_authorization(principal, owner, normalised(policy or {"Statement": []}), action, resource, dict(context))
    if result is ResourcePolicyEvalResult.DENY_MATCH:
        return Match.deny
    return Match.allow if result in GRANTING else Match.none


def normalised(document: Mapping) -> dict:
    return _normalised_json(_freeze(document))


@lru_cache(maxsize=4096)
def _normalised_json(frozen) -> dict:
    return _rewrite(_thaw(frozen))


def _rewrite(value):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "Principal" and isinstance(item, dict) and set(item) == {"AWS"} and item["AWS"] in ("*", ["*"]):
                out[key] = "*"
            elif key == "StringNotLike":
                out["StringNotLikeIfExists"] = _rewrite(item)
            else:
                out[key] = _rewrite(item)
        return out
    if isinstance(value, list):
        return [_rewrite(v) for v in value]
    return value


def _freeze(value):
    if isinstance(value, Mapping):
        return ("__dict__", tuple((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return ("__list__", tuple(_freeze(v) for v in value))
    return value


def _thaw(value):
    if isinstance(value, tuple) and value and value[0] == "__dict__":
        return {k: _thaw(v) for k, v in value[1]}
    if isinstance(value, tuple) and value and value[0] == "__list__":
        return [_thaw(v) for v in value[1]]
    return value
