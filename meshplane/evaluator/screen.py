"""A necessary condition for an Allow, checked before principalmapper so that the cells nothing could allow cost
microseconds instead of a full policy evaluation.

principalmapper allows a request only when no Deny matches and either an identity policy's Allow statement
matches the action and the resource, or a resource policy's Allow statement names the principal itself
(`NODE_MATCH`: a same-account resource policy naming the role, or everyone, grants without IAM). So a request
for which no Allow statement of the principal's policies could match its action and resource, and no Allow
statement of the resource's policy could match it and name more than account principals, is denied: that is
the screen. Of the conditions it reads only the plain `StringEquals`, `StringLike`, `ArnEquals` and `ArnLike` on
`aws:PrincipalArn` (against the principal's ARN) and on the service keys (`s3:`, `kms:`: principalmapper
infers none of them) against the request's context: a statement none of whose values could match cannot match
(a missing key never matches those operators). Anything the screen cannot rule out (a `NotAction`, a
`NotResource`, a policy variable, a principal other than an account root, any other condition) goes to
principalmapper, which decides; the screen never says yes. Patterns match as wildcards and without case (a
superset of what each operator matches).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

ACCOUNT_ROOT = re.compile(r"^(arn:aws[a-z-]*:iam::)?\d{12}(:root)?$")


def _listed(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


class Patterns:
    """What any of some IAM wildcard patterns (`*`, `?`) matches, without case: the exact ones in a set, those ending
    in their only `*` as prefixes, the rest in one regular expression (compiling every ARN of a slot was slow)."""

    def __init__(self, patterns: list[str]):
        self.anything = any("${" in p or p == "*" for p in patterns)  # a policy variable: anything, principalmapper decides
        lowered = [p.lower() for p in patterns]
        self.exact = {p for p in lowered if "*" not in p and "?" not in p}
        self.prefixes = tuple(p[:-1] for p in lowered if p.endswith("*") and "*" not in p[:-1] and "?" not in p)
        rest = [p for p in lowered if p not in self.exact and not (p.endswith("*") and p[:-1] in self.prefixes)]
        parts = ["".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in p) for p in rest]
        self.regex = re.compile("^(?:" + "|".join(parts) + ")$", re.DOTALL) if parts else None

    def match(self, value: str) -> bool:
        if self.anything:
            return True
        value = value.lower()
        return value in self.exact or value.startswith(self.prefixes) or (self.regex is not None and self.regex.match(value) is not None)


ANYTHING = Patterns(["*"])


def _pattern(patterns: list[str]) -> Patterns:
    return Patterns(patterns)


OPERATORS = {"stringequals", "stringlike", "arnequals", "arnlike"}
SCREENED_KEYS = ("aws:principalarn", "s3:", "kms:")


def _conditions(statement: Mapping) -> tuple[tuple[str, Patterns], ...]:
    """The conditions of a statement the screen reads: (lower-case key, pattern of its values)."""
    found = []
    for operator, tests in (statement.get("Condition") or {}).items():
        if operator.lower() not in OPERATORS or not isinstance(tests, Mapping):
            continue
        for key, values in tests.items():
            if key.lower() == SCREENED_KEYS[0] or key.lower().startswith(SCREENED_KEYS[1:]):
                found.append((key.lower(), _pattern(_listed(values))))
    return tuple(found)


class Statements:
    """The Allow statements of some policies, as (action, resource) patterns and the conditions the screen reads."""

    def __init__(self, policies: Sequence[Mapping], node_match_only: bool = False):
        self.allows: list[tuple[Patterns, Patterns, tuple[tuple[str, Patterns], ...]]] = []
        for policy in policies:
            statements = policy.get("Statement", [])
            for statement in [statements] if isinstance(statements, Mapping) else statements:
                if statement.get("Effect") != "Allow":
                    continue
                if node_match_only and not _may_name_a_principal(statement):
                    continue
                actions = ANYTHING if "NotAction" in statement else _pattern(_listed(statement.get("Action")))
                resources = ANYTHING if "NotResource" in statement or "Resource" not in statement else _pattern(_listed(statement.get("Resource")))
                self.allows.append((actions, resources, _conditions(statement)))

    def may_allow(self, action: str, resource: str, principal: str, context: Mapping[str, str]) -> bool:
        """Whether an Allow statement could match `principal` doing `action` on `resource` in `context`."""
        return any(a.match(action) and r.match(resource) and _may_hold(c, principal, context) for a, r, c in self.allows)


def _may_hold(conditions: tuple[tuple[str, Patterns], ...], principal: str, context: Mapping[str, str]) -> bool:
    if not conditions:
        return True
    lowered = {k.lower(): v for k, v in context.items()}
    for key, pattern in conditions:
        value = principal if key == "aws:principalarn" else lowered.get(key)
        if value is None:
            return False  # these operators never match a key the request lacks
        if isinstance(value, str) and not pattern.match(value):
            return False
    return True


def _may_name_a_principal(statement: Mapping) -> bool:
    """Whether a resource policy's statement could name a principal itself, not only accounts (which delegate to IAM)."""
    if "NotPrincipal" in statement:
        return True
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping) or set(principal) != {"AWS"}:
        return True  # "*", a service, a federated principal: principalmapper decides
    return not all(ACCOUNT_ROOT.match(p) for p in _listed(principal["AWS"]))


_RESOURCE: dict[int, tuple[object, Statements, Statements]] = {}  # id(policy) -> (the policy, its Allows, those naming principals)


def resource_policy(policy: Mapping | None) -> tuple[Statements, Statements]:
    """A resource policy's Allow statements, and those that could name a principal itself (kept by the policy's
    identity: the evaluator reads each policy once and asks about it many times)."""
    if policy is None:
        return _EMPTY
    found = _RESOURCE.get(id(policy))
    if found is None or found[0] is not policy:
        found = (policy, Statements([policy]), Statements([policy], node_match_only=True))
        _RESOURCE[id(policy)] = found
    return found[1], found[2]


_EMPTY = (Statements([]), Statements([]))
