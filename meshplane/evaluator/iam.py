"""principalmapper's `local_check_authorization_full`, fed documents as AWS would read them.

principalmapper 1.1.5 decides identity, resource and key policies like AWS in every case tried
(docs/toolchain.md), except in four places, which this module corrects:
- `resource_policy=None` means "identity policies only": a resource without a policy gets an empty one;
- `"Principal": {"AWS": "*"}` is matched as an account principal, not as everyone: it is rewritten `"*"`;
- `StringNotLike` on a key the request lacks evaluates false (AWS: true, so a Deny applies): it is
  rewritten `StringNotLikeIfExists`, which principalmapper evaluates as AWS does `StringNotLike`;
- ARNs are matched case-insensitively (AWS: case-sensitively): meshplane's names are all lower case.
It needs `collections.Mapping` on Python 3.11, which this module sets before importing it. Before any
principalmapper evaluation, `screen` rules out in microseconds what no Allow statement could match.
"""

from __future__ import annotations

import collections
import collections.abc
import functools
import hashlib
from collections.abc import Mapping, Sequence
from enum import Enum
from functools import lru_cache

collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]  # principalmapper 1.1.5 predates 3.10
collections.MutableMapping = collections.abc.MutableMapping  # type: ignore[attr-defined]

from principalmapper.common import Node, Policy  # noqa: E402
from principalmapper.querying import local_policy_simulation  # noqa: E402
from principalmapper.querying.local_policy_simulation import (  # noqa: E402
    ResourcePolicyEvalResult,
    has_matching_statement,
    resource_policy_authorization,
)
from principalmapper.util.case_insensitive_dict import CaseInsensitiveDict  # noqa: E402
from principalmapper.querying.query_interface import local_check_authorization_full  # noqa: E402

from meshplane.evaluator import screen  # noqa: E402

_expanding = local_policy_simulation._matches_after_expansion


def _matches_after_expansion(string_to_check: str, string_to_check_against: str, condition_keys=None) -> bool:
    """principalmapper's own, which substitutes every context key into every pattern it matches (most of its time):
    a pattern without a policy variable (`${`) is matched as it is, the same answer."""
    if "${" not in string_to_check_against:
        return local_policy_simulation._compose_pattern(string_to_check_against).match(string_to_check) is not None
    return _expanding(string_to_check, string_to_check_against, condition_keys)


local_policy_simulation._matches_after_expansion = _matches_after_expansion
# its patterns are compiled in a cache of 2,048: a mesh's ARNs are more, and compiling them again was a tenth of its time
local_policy_simulation._compose_pattern = functools.lru_cache(maxsize=None)(local_policy_simulation._compose_pattern.__wrapped__)

EMPTY_TRUST = {"Version": "2012-10-17", "Statement": []}
NO_POLICY = {"Statement": []}  # a resource without a policy: "identity only"
GRANTING = (ResourcePolicyEvalResult.NODE_MATCH, ResourcePolicyEvalResult.DIFF_ACCOUNT_MATCH, ResourcePolicyEvalResult.ROOT_MATCH)


class Match(str, Enum):
    """What a resource policy alone says of a request."""

    deny = "deny"  # an explicit Deny matches
    allow = "allow"  # an Allow names the principal (or everyone) and no Deny matches
    none = "none"  # neither


def node(arn: str, policies: Sequence[Mapping]) -> Node:
    """A principal (a role) with its identity policies (inline and attached alike)."""
    unique = "AROA" + hashlib.sha256(arn.encode()).hexdigest()[:16].upper()  # a role's unique ID (aws:userid)
    found = Node(arn, unique, [Policy(arn, f"p{i}", normalised(p)) for i, p in enumerate(policies)],
                 None, EMPTY_TRUST, None, 0, False, False, None, False, None)  # fmt: skip
    found.screen = screen.Statements(policies)  # type: ignore[attr-defined]
    return found


def _identity_may_allow(principal: Node, action: str, resource: str, context: Mapping[str, str]) -> bool:
    statements = getattr(principal, "screen", None)
    return statements is None or statements.may_allow(action, resource, principal.arn, context)


def account_of(arn: str) -> str:
    return arn.split(":")[4]


def allowed(principal: Node, action: str, resource: str, context: Mapping[str, str], policy: Mapping | None, owner: str) -> bool:
    """AWS's decision for `principal` doing `action` on `resource` (owned by `owner`, governed by `policy`)."""
    if not _identity_may_allow(principal, action, resource, context) and not screen.resource_policy(policy)[1].may_allow(action, resource, principal.arn, context):
        return False  # no identity Allow could match, nor a resource policy's naming the principal itself
    return local_check_authorization_full(principal, action, resource, dict(context), normalised(policy or NO_POLICY), owner)


def identity_allows(principal: Node, action: str, resource: str, context: Mapping[str, str]) -> bool:
    """What the principal's identity policies alone allow (as moto enforces them)."""
    if not _identity_may_allow(principal, action, resource, context):
        return False
    return local_check_authorization_full(principal, action, resource, dict(context), None, None)


def identity_denies(principal: Node, action: str, resource: str, context: Mapping[str, str]) -> bool:
    """An explicit Deny in the principal's identity policies."""
    return has_matching_statement(principal, "Deny", action, resource, CaseInsensitiveDict(dict(context)))


def resource_says(principal: Node, owner: str, policy: Mapping | None, action: str, resource: str, context: Mapping[str, str]) -> Match:
    result = resource_policy_authorization(principal, owner, normalised(policy or NO_POLICY), action, resource, dict(context))
    if result is ResourcePolicyEvalResult.DENY_MATCH:
        return Match.deny
    return Match.allow if result in GRANTING else Match.none


def resource_allows(principal: Node, owner: str, policy: Mapping | None, action: str, resource: str, context: Mapping[str, str]) -> bool:
    """`resource_says(...) is Match.allow`, screened first."""
    if not screen.resource_policy(policy)[0].may_allow(action, resource, principal.arn, context):
        return False
    return resource_says(principal, owner, policy, action, resource, context) is Match.allow


_NORMALISED: dict[int, tuple[Mapping, dict]] = {}  # id(document) -> (the document, its normalised form)


def normalised(document: Mapping) -> dict:
    found = _NORMALISED.get(id(document))
    if found is None or found[0] is not document:
        found = (document, _normalised_json(_freeze(document)))
        _NORMALISED[id(document)] = found
    return found[1]


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
