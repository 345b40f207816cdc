"""What a version's quality ruleset says and when it is evaluated: pure functions of the declarations.

The rulesets are DQDL (https://docs.aws.amazon.com/glue/latest/dg/dqdl.html): the port's declared quality rules and its
columns' (`nullable: false` included), as `meshplane.cloud.dqdl.ruleset` translates them, one ruleset per severity:
the errors' (a port that declares no error rule DQDL can evaluate is `RowCount > 0`, RowCount with the `>` operator:
something was written, since a ruleset holds at least one rule) and, when there are some, the warnings'. Only the
errors ruleset's failed evaluations reach the domain's topic (`components.monitoring`).

Rules with a `schedule` of their own are evaluated on it (`rule_schedule`), the others an hour after each run of the
job (EventBridge Scheduler's cron, in UTC: six fields, days of the week 1-7 from Sunday, `?` in one of the day fields;
https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html).
"""

from __future__ import annotations

from meshplane.cloud import cron, dqdl
from meshplane.declarations.spec import OutputPort, QualitySeverity

def ruleset_text(port: OutputPort, schedule: str | None = None) -> str | None:
    """The DQDL ruleset of one version of the port's error rules (whose failed evaluation reaches the domain's topic)
    evaluated after the job's runs (`schedule` None) or on a schedule of their own; None when a schedule of their own
    has no error rule."""
    columns = [*port.columns, *port.partitions]
    if dqdl.rules(port.quality, columns, QualitySeverity.error.value, schedule):
        return dqdl.ruleset(port.quality, columns, QualitySeverity.error.value, schedule)
    return "Rules = [\n    RowCount > 0\n]" if schedule is None else None


def warnings_text(port: OutputPort, schedule: str | None = None) -> str | None:
    """The DQDL ruleset of one version of the port's warning rules (evaluated with the errors, never routed to the
    topic), or None when it has no warning rule DQDL can evaluate on that schedule."""
    columns = [*port.columns, *port.partitions]
    found = dqdl.rules(port.quality, columns, QualitySeverity.warning.value, schedule)
    return dqdl.ruleset(port.quality, columns, QualitySeverity.warning.value, schedule) if found else None


def own_schedules(port: OutputPort) -> list[str]:
    """The schedules of their own the version's measured rules name (ODCS's `schedule`), each once."""
    return dqdl.schedules(port.quality, [*port.columns, *port.partitions])


def _listed(values: list[int] | tuple[int, ...], low: int, high: int) -> str:
    """A field's values, `*` when they are every value from low to high."""
    return "*" if list(values) == list(range(low, high + 1)) else ",".join(str(v) for v in values)


def rule_schedule(cron_text: str) -> str:
    """The EventBridge Scheduler expression of a rule's own schedule (Kubernetes' five fields or a macro, as robfig/cron
    reads it): the same minutes, hours, days and months; days chosen by both day fields (which cron ORs) are every day,
    never fewer runs."""
    t = cron.times(cron_text.strip())
    days_of_month = None if t.days_any else sorted(t.days)
    days_of_week = None if t.weekdays_any else sorted(t.weekdays)
    if days_of_month is not None and days_of_week is not None:
        days_of_month = days_of_week = None
    day = _listed(days_of_month, 1, 31) if days_of_month is not None else ("?" if days_of_week is not None else "*")
    week = ",".join(str(d + 1) for d in days_of_week) if days_of_week is not None else "?"
    minutes, hours = sorted({m % 60 for m in t.minutes}), sorted({m // 60 for m in t.minutes})
    return f"cron({_listed(minutes, 0, 59)} {_listed(hours, 0, 23)} {day} {_listed(sorted(t.months), 1, 12)} {week} *)"


def evaluation_schedule(job_cron: str) -> str:
    """The EventBridge Scheduler expression that evaluates the rules an hour after each run of the job (`job_cron`,
    Kubernetes' five fields or a macro, read by `cron.times` as robfig/cron reads it). An hourly job's rules are
    evaluated half an hour after each run. Where one expression cannot say exactly "an hour later" (a run at 23h on
    chosen days, or days chosen by both day fields, which Kubernetes ORs and EventBridge cannot), it evaluates on a
    superset of those days: never fewer runs."""
    t = cron.times(job_cron.strip())
    hours = sorted({m // 60 for m in t.minutes})
    minutes = sorted({m % 60 for m in t.minutes})
    days_of_month = None if t.days_any else sorted(t.days)
    days_of_week = None if t.weekdays_any else sorted(t.weekdays)
    if len(hours) == 24:
        if len(minutes) == 1:
            minutes = [(minutes[0] + 30) % 60]
        shifted = "*"
    else:
        shifted = _listed(sorted({(h + 1) % 24 for h in hours}), 0, 23)
        if 23 in hours:  # the evaluation of a run at 23h falls on the next day
            if days_of_week is not None:
                days_of_week = sorted({*((d + 1) % 7 for d in days_of_week), *(days_of_week if len(hours) > 1 else ())})
            if days_of_month is not None:
                days_of_month = sorted({*(d % 31 + 1 for d in days_of_month), *(days_of_month if len(hours) > 1 else ())})
    if days_of_month is not None and days_of_week is not None:
        days_of_month = days_of_week = None  # Kubernetes runs on either: evaluate every day
    day = _listed(days_of_month, 1, 31) if days_of_month is not None else ("?" if days_of_week is not None else "*")
    week = ",".join(str(d + 1) for d in days_of_week) if days_of_week is not None else "?"
    return f"cron({_listed(minutes, 0, 59)} {shifted} {day} {_listed(sorted(t.months), 1, 12)} {week} *)"
