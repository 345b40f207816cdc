"""LIM-011: the perimeter's SCPs and RCPs within AWS Organizations' limits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from meshplane.declarations.federation import Federation
from meshplane.governance.limits import over_limit
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject
from meshplane.governance.usage import Usage

QUOTAS = ('organizations.policy-size', 'organizations.policies-per-target')


def check(rows: Sequence[Usage], federation: Federation) -> Iterator[Finding]:
    return over_limit(rows, QUOTAS, 'shorten the deployer and break-glass roles\' paths, or detach a policy the organization attaches to the account')


RULE = Rule(
    id="LIM-011",
    title="Organization policies within AWS Organizations' limits",
    rationale="An SCP or RCP longer than AWS allows, or one policy too many on an account, is refused when the perimeter is attached, "
    "and the account's data stays open to its own administrators until it is.",
    severity=Severity.error,
    scope=Scope.limit,
    subject=Subject.usage,
    check=check,
)
