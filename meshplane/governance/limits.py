"""What the limit rules (LIM-...) share: the rows of a quota over its limit, or past the federation's headroom."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from meshplane.governance.rule import Finding
from meshplane.governance.usage import Usage


def _finding(row: Usage, message: str) -> Finding:
    if row.resource is None:  # an account's count: shown where the stack declares the account
        return Finding(message, path=row.where[0], line=row.where[1])
    return Finding(message, resource=row.resource)


def over_limit(rows: Sequence[Usage], quotas: Iterable[str], advice: str = "") -> Iterator[Finding]:
    """A finding per row of `quotas` over its limit: AWS refuses what crosses it."""
    wanted = set(quotas)
    for row in rows:
        if row.quota.id in wanted and row.used > row.limit:
            yield _finding(row, f"{row.describe()}: over the limit{'; ' + advice if advice else ''}")


def past_headroom(rows: Sequence[Usage], share: float) -> Iterator[Finding]:
    """A finding per row past `share` of its limit but not over it (over it is the other rules' error)."""
    for row in rows:
        if share * row.limit <= row.used <= row.limit:
            yield _finding(row, f"{row.describe()}: past the federation's headroom of {share:.0%}")
