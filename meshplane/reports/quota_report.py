"""`meshplane quotas`: each account's use of every AWS limit, the tightest first."""

from __future__ import annotations

from meshplane.cloud.quotas import Per
from meshplane.governance.usage import Usage


def tightest(rows: list[Usage]) -> list[Usage]:
    """Per account and quota, the row nearest its limit (the busiest role, key or document), tightest first."""
    best: dict[tuple[str, str], Usage] = {}
    for row in rows:
        key = (row.account, row.quota.id)
        if key not in best or row.share > best[key].share:
            best[key] = row
    return sorted(best.values(), key=lambda r: (-r.share, r.account, r.quota.id))


def render(stack: str, rows: list[Usage], headroom: float) -> str:
    lines = [f"quotas of stack {stack}, per account, tightest first (headroom {headroom:.0%}; `!` past it, `!!` over the limit)"]
    accounts = sorted({r.account for r in rows})
    for account in accounts:
        lines.append(f"account {account}")
        for row in (r for r in tightest(rows) if r.account == account):
            mark = "!!" if row.used > row.limit else "! " if row.share >= headroom else "  "
            subject = "" if row.quota.per is Per.account else f"  {row.subject}"
            lines.append(f"  {mark} {row.share:>5.0%}  {row.used:>10,} / {row.limit:<10,} {row.quota.id}{subject}")
    return "\n".join(lines)


def as_json(stack: str, rows: list[Usage]) -> dict:
    return {
        "stack": stack,
        "quotas": [
            {"account": r.account, "quota": r.quota.id, "what": r.quota.what, "per": r.quota.per.value, "subject": r.subject,
             "used": r.used, "limit": r.limit, "default": r.quota.default, "unit": r.quota.unit.value, "share": round(r.share, 4)}
            for r in tightest(rows)
        ],
    }  # fmt: skip
