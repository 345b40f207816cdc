"""Job schedules as Kubernetes reads them (robfig/cron's standard parser): five fields, each in its range, or a macro.

A field is `*`, a value or a range `a-b` (names for months and days of the week), each with an optional
`/step`, several of them separated by commas; day of month and day of week also take `?`. The same rules
are one regular expression for the JSON Schema (`PATTERN`) and a check with a message per field (`problem`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    return None


def _value(text: str, field: Field) -> int:
    return field.low + field.names.index(text.upper()) if text.upper() in field.names else int(text)
