"""What a version's quality ruleset says and when it is evaluated: pure functions of the declarations.

The ruleset is DQDL (https://docs.aws.amazon.com/glue/latest/dg/dqdl.html): the port's declared quality rules and its
columns' (`nullable: false` included), as `meshplane.cloud.dqdl.ruleset` translates them; a port that declares no
rule DQDL can evaluate is `RowCount > 0` (RowCount with the `>` operator: something was written), since a ruleset
holds at least one rule.

The evaluation runs an hour after each run of the job (EventBridge Scheduler's cron, in UTC: six fields, days of the
week 1-7 from Sunday, `?` in one of the day fields; https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html).
"""

from __future__ import annotations

from meshplane.cloud import dqdl
from meshplane.cloud.cron import DAYS
from meshplane.declarations.spec import OutputPort

MACROS = {"@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0", "@monthly": "0 0 1 * *",
          "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *"}  # fmt: skip


def ruleset_text(port: OutputPort) -> str:
    """The DQDL ruleset of one version of the port."""
    found = dqdl.rules(port.quality, [*port.columns, *port.partitions])
    return dqdl.ruleset(port.quality, [*port.columns, *port.partitions]) if found else "Rules = [\n    RowCount > 0\n]"


def _expand(text: str, low: int, high: int, names: tuple[str, ...] = ()) -> list[int]:
    """The values a cron field takes (`*`, `a`, `a-b`, each with `/step`, separated by commas; names where the field has them)."""

    def value(token: str) -> int:
        return names.index(token.upper()) + low if token.upper() in names else int(token)

    found: set[int] = set()
    for item in text.split(","):
        span, _, step = item.partition("/")
        if span in ("*", "?"):
            start, end = low, high
        elif "-" in span:
            start, end = (value(v) for v in span.split("-", 1))
        else:
            start = value(span)
            end = high if step else start
        found.update(range(start, end + 1, int(step) if step else 1))
    return sorted(found)


def _listed(values: list[int]) -> str:
    return ",".join(str(v) for v in values)


def evaluation_schedule(job_cron: str) -> str:
    """The EventBridge Scheduler expression that evaluates the rules an hour after each run of the job (`job_cron`,
    Kubernetes' five fields or a macro). An hourly job's rules are evaluated half an hour after each run. Where one
    expression cannot say exactly "an hour later" (a run at 23h on chosen days, or days chosen by both day fields,
    which Kubernetes ORs and EventBridge cannot), it evaluates on a superset of those days: never fewer runs."""
    minute, hour, dom, month, dow = MACROS.get(job_cron.strip(), job_cron).split()
    hours = _expand(hour, 0, 23)
    days_of_month = None if dom in ("*", "?") else _expand(dom, 1, 31)
    days_of_week = None if dow in ("*", "?") else _expand(dow, 0, 6, DAYS)
    if len(hours) == 24:
        if minute.isdigit():
            minute = str((int(minute) + 30) % 60)
        shifted = "*"
    else:
        shifted = _listed(sorted({(h + 1) % 24 for h in hours}))
        if 23 in hours:  # the evaluation of a run at 23h falls on the next day
            if days_of_week is not None:
                days_of_week = sorted({*((d + 1) % 7 for d in days_of_week), *(days_of_week if len(hours) > 1 else ())})
            if days_of_month is not None:
                days_of_month = sorted({*(d % 31 + 1 for d in days_of_month), *(days_of_month if len(hours) > 1 else ())})
    if days_of_month is not None and days_of_week is not None:
        days_of_month = days_of_week = None  # Kubernetes runs on either: evaluate every day
    day = _listed(days_of_month) if days_of_month is not None else ("?" if days_of_week is not None else "*")
    week = _listed([d + 1 for d in days_of_week]) if days_of_week is not None else "?"
    return f"cron({minute} {shifted} {day} {month} {week} *)"
