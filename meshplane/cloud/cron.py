"""Job schedules as Kubernetes reads them (robfig/cron's standard parser): five fields, each in its range, or a macro.

A field is `*`, a value or a range `a-b` (names for months and days of the week), each with an optional
`/step`, several of them separated by commas; day of month and day of week also take `?`. The same rules
are one regular expression for the JSON Schema (`PATTERN`) and a check with a message per field (`problem`).

`period` is the longest a schedule leaves between two runs anywhere in the calendar (the bound of any freshness
promise made on it); a schedule that never runs, such as `0 0 31 2 *`, is a problem.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

MACROS = ("hourly", "daily", "weekly", "monthly")
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


@dataclass(frozen=True)
class Field:
    name: str
    low: int
    high: int
    number: str  # a regular expression of the whole numbers low..high (a leading zero allowed on one digit)
    names: tuple[str, ...] = ()  # spelled values, `low` first
    any_mark: bool = False  # `?` allowed


FIELDS = (
    Field("minute", 0, 59, "(?:[1-5][0-9]|0?[0-9])"),
    Field("hour", 0, 23, "(?:2[0-3]|1[0-9]|0?[0-9])"),
    Field("day of month", 1, 31, "(?:3[01]|[12][0-9]|0?[1-9])", any_mark=True),
    Field("month", 1, 12, "(?:1[0-2]|0?[1-9])", MONTHS),
    Field("day of week", 0, 6, "(?:0?[0-6])", DAYS, any_mark=True),
)
SEPARATOR = "[ \t]+"


def _field_pattern(f: Field) -> str:
    value = f.number
    if f.names:
        value = f"(?:{value}|{'|'.join(f.names)}|{'|'.join(n.lower() for n in f.names)})"
    atom = rf"(?:\*|{value}(?:-{value})?)(?:/[1-9][0-9]*)?"
    item = rf"(?:{atom}|\?)" if f.any_mark else atom
    return rf"{item}(?:,{item})*"


PATTERN = "^(?:@(?:" + "|".join(MACROS) + ")|" + SEPARATOR.join(_field_pattern(f) for f in FIELDS) + ")$"
_FIELDS = [re.compile(_field_pattern(f)) for f in FIELDS]


def problem(schedule: str) -> str | None:
    """What is wrong with `schedule`, naming the field and its range; None when Kubernetes takes it."""
    if schedule.startswith("@"):
        return None if schedule[1:] in MACROS else f"unknown macro {schedule!r} (known: {', '.join('@' + m for m in MACROS)})"
    if schedule != schedule.strip(" \t"):
        return f"{schedule!r} starts or ends with a space"
    parts = re.split(SEPARATOR, schedule)
    if len(parts) != len(FIELDS):
        count = f"{len(parts)} field" + ("s" if len(parts) != 1 else "")
        return f"{schedule!r} has {count}: a schedule has five (minute, hour, day of month, month, day of week) or is a macro"
    for part, field, pattern in zip(parts, FIELDS, _FIELDS):
        if not pattern.fullmatch(part):
            spelled = f" or {field.names[0]}-{field.names[-1]}" if field.names else ""
            return f"{field.name} {part!r}: expected *, a value or a range of {field.low}-{field.high}{spelled}, each with an optional /step"
        for item in part.split(","):
            bounds = item.split("/")[0].split("-")
            if len(bounds) == 2 and _value(bounds[0], field) > _value(bounds[1], field):
                return f"{field.name} {part!r}: the range {item.split('/')[0]!r} starts after it ends"
    if never_runs(times(schedule)):
        day, month = parts[2], parts[3]
        return f"{schedule!r} never runs: no month {month!r} has a day {day!r} (and the day of week does not widen it)"
    return None


def _value(text: str, field: Field) -> int:
    return field.low + field.names.index(text.upper()) if text.upper() in field.names else int(text)


# robfig/cron's descriptors, as the five fields they stand for
MACRO_FIELDS = {"hourly": "0 * * * *", "daily": "0 0 * * *", "weekly": "0 0 * * 0", "monthly": "0 0 1 * *"}
MINUTES_A_DAY = 24 * 60
# The Gregorian calendar repeats, weekdays included, every 400 years (146,097 days, 20,871 weeks). No schedule that runs
# leaves more than 8 years between runs (29 February only: 2096 to 2104), so every gap between two runs appears whole
# within one cycle and ten years more.
CYCLE_START = datetime.date(2000, 1, 1)
CYCLE_END = datetime.date(2410, 1, 1)


@dataclass(frozen=True)
class Times:
    """When a schedule runs, as robfig/cron (Kubernetes' CronJob controller) reads it, in the controller's zone (UTC)."""

    minutes: tuple[int, ...]  # minutes of the day, ascending (hour * 60 + minute)
    days: frozenset[int]  # days of the month
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 is Sunday
    days_any: bool  # the day of month field holds a `*` or `?` without a step above 1 (robfig's star bit)
    weekdays_any: bool

    def day_runs(self, day: int, weekday: int) -> bool:
        """robfig/cron's rule: when either day field is unrestricted both must match; when both are, either one may."""
        in_month, in_week = day in self.days, weekday in self.weekdays
        if self.days_any or self.weekdays_any:
            return in_month and in_week
        return in_month or in_week


LONGEST_MONTH = {2: 29, 4: 30, 6: 30, 9: 30, 11: 30}  # the others have 31 days


def never_runs(t: Times) -> bool:
    """No day of the calendar matches: only when the day of week is unrestricted (both day fields must then match) and
    every day of month named is past the longest of the months named (the 31st of February). Any restricted day of week
    runs every week; an unrestricted day of month every month."""
    if not t.weekdays_any or t.days_any:
        return False
    return min(t.days) > max(LONGEST_MONTH.get(m, 31) for m in t.months)


def times(schedule: str) -> Times:
    """The parsed schedule (one `problem` accepts)."""
    text = MACRO_FIELDS.get(schedule[1:], schedule) if schedule.startswith("@") else schedule
    parsed = [_field_values(part, field) for part, field in zip(re.split(SEPARATOR, text), FIELDS)]
    (minutes, _), (hours, _), (days, days_any), (months, _), (weekdays, weekdays_any) = parsed
    return Times(
        minutes=tuple(sorted(h * 60 + m for h in hours for m in minutes)),
        days=frozenset(days),
        months=frozenset(months),
        weekdays=frozenset(weekdays),
        days_any=days_any,
        weekdays_any=weekdays_any,
    )


def _field_values(part: str, field: Field) -> tuple[set[int], bool]:
    """The values a field names, and whether robfig sets its star bit (`*` or `?` with no step above 1)."""
    values: set[int] = set()
    star = False
    for item in part.split(","):
        span, _, step_text = item.partition("/")
        step = int(step_text) if step_text else 1
        if span in ("*", "?"):
            low, high = field.low, field.high
            star = star or step == 1
        else:
            first, _, last = span.partition("-")
            low = _value(first, field)
            high = _value(last, field) if last else (field.high if step_text else low)  # `n/step` runs to the field's end
        values.update(range(low, high + 1, step))
    return values, star


def largest_gap(schedule: str, start: datetime.date, end: datetime.date) -> int | None:
    """The longest time in minutes between two consecutive runs that both fall on the days from `start` to before `end`;
    None when fewer than two runs do."""
    t = times(schedule)
    within_day = _widest(t.minutes)
    days, day_gap = _run_days(t, start, end)
    if days == 0:
        return None
    if day_gap is None:  # one day runs
        return within_day
    across = day_gap * MINUTES_A_DAY + t.minutes[0] - t.minutes[-1]  # from the last run of one day to the first of the next
    return across if within_day is None or across > within_day else within_day


def _run_days(t: Times, start: datetime.date, end: datetime.date) -> tuple[int, int | None]:
    """How many days from `start` to before `end` the schedule runs on, and the most days from one of them to the next
    (None when fewer than two). A month's run days depend only on its first weekday and its length: each shape is worked
    out once."""
    shapes: dict[tuple[int, int], tuple[tuple[int, ...], int | None]] = {}  # (run days, most days between two of them)
    low, high = start.toordinal(), end.toordinal()
    count, gap, previous = 0, None, None
    for year in range(start.year, end.year + 1):
        for month in sorted(t.months):
            first_weekday, length = calendar.monthrange(year, month)  # Monday is 0
            shape = ((first_weekday + 1) % 7, length)  # as cron counts: Sunday is 0
            if shape not in shapes:
                runs = tuple(d for d in range(1, length + 1) if t.day_runs(d, (shape[0] + d - 1) % 7))
                shapes[shape] = runs, _widest(runs)
            base = datetime.date(year, month, 1).toordinal() - 1
            runs, inner = shapes[shape]
            if not runs or base + length < low or base + 1 >= high:
                continue
            if base + 1 < low or base + length >= high:  # the window cuts this month
                runs = tuple(d for d in runs if low <= base + d < high)
                if not runs:
                    continue
                inner = _widest(runs)
            for candidate in (inner, None if previous is None else base + runs[0] - previous):
                if candidate is not None and (gap is None or candidate > gap):
                    gap = candidate
            previous = base + runs[-1]
            count += len(runs)
    return count, gap


def _widest(values: tuple[int, ...]) -> int | None:
    return max((b - a for a, b in zip(values, values[1:])), default=None)


@lru_cache(maxsize=1024)
def period(schedule: str) -> int | None:
    """The longest time in minutes between two consecutive runs of `schedule` anywhere in the calendar (months of 28 to
    31 days, leap years, robfig's rule for the day fields); None when it never runs."""
    return largest_gap(schedule, CYCLE_START, CYCLE_END)
