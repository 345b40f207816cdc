"""The longest gap between two runs of a schedule (`cron.period`), judged against every minute of a window.

The oracle reads the five fields on its own, as robfig/cron v3's parser does (`getRange`: `*` and `?` set the star
bit unless a step above 1 follows; `n/step` runs to the field's end; `dayMatches`: both day fields must match when
either has the star bit, either one when both are restricted), and marks every minute of four years (2024 is a leap
year) that runs.
"""

from __future__ import annotations

import datetime
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meshplane.cloud import cron

START, END = datetime.date(2024, 1, 1), datetime.date(2028, 1, 1)
NAMES = {**{m: i + 1 for i, m in enumerate(cron.MONTHS)}, **{d: i for i, d in enumerate(cron.DAYS)}}
BOUNDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))


def _minutes() -> dict[str, np.ndarray]:
    first = np.datetime64(START.isoformat(), "m")
    stamps = first + np.arange(int((np.datetime64(END.isoformat(), "m") - first).astype(int)))
    days = stamps.astype("datetime64[D]")
    months = stamps.astype("datetime64[M]")
    return {
        "minute": (stamps - stamps.astype("datetime64[h]")).astype(int),
        "hour": (stamps.astype("datetime64[h]") - days).astype(int),
        "day": (days - months).astype(int) + 1,
        "month": (months - stamps.astype("datetime64[Y]")).astype(int) + 1,
        "weekday": ((days.astype(int) + 4) % 7),  # 1970-01-01 was a Thursday; Sunday is 0
    }


MINUTES = _minutes()


def _field(text: str, low: int, high: int) -> tuple[set[int], bool]:
    values, star = set(), False
    for item in text.split(","):
        span, step = (item.split("/") + ["1"])[:2] if "/" in item else (item, None)
        n = int(step) if step else 1
        if span in ("*", "?"):
            a, b = low, high
            star |= n <= 1
        else:
            ends = [NAMES.get(e.upper(), None) if not e.isdigit() else int(e) for e in span.split("-")]
            a, b = ends[0], ends[-1] if len(ends) == 2 else (high if step else ends[0])
        values |= set(range(a, b + 1, n))
    return values, star


def brute_force_gap(schedule: str) -> int | None:
    fields = re.split(r"[ \t]+", cron.MACRO_FIELDS.get(schedule[1:], schedule) if schedule.startswith("@") else schedule)
    (mi, _), (ho, _), (dom, dom_star), (mo, _), (dow, dow_star) = (_field(f, *b) for f, b in zip(fields, BOUNDS))
    in_month = np.isin(MINUTES["day"], list(dom))
    in_week = np.isin(MINUTES["weekday"], list(dow))
    days = (in_month & in_week) if (dom_star or dow_star) else (in_month | in_week)
    runs = np.flatnonzero(
        np.isin(MINUTES["minute"], list(mi)) & np.isin(MINUTES["hour"], list(ho)) & np.isin(MINUTES["month"], list(mo)) & days
    )
    return int(np.diff(runs).max()) if len(runs) > 1 else None


minute = st.sampled_from(["0", "7", "*", "*/15", "5,35", "0-10/5", "50/3", "*/1"])
hour = st.sampled_from(["0", "23", "*", "*/6", "1-3", "12/5"])
day = st.sampled_from(["*", "?", "1", "28", "29", "30", "31", "15-31/8", "*/2", "28-31", "31/1", "1,15", "29/2", "*/1"])
month = st.sampled_from(["*", "2", "FEB", "feb-mar", "1-3", "2,4,6", "*/3", "11-12", "4,6,9,11", "2/12"])
weekday = st.sampled_from(["*", "?", "0", "MON", "1-5", "SAT,SUN", "*/2", "5/1", "wed", "*/1", "6"])
schedules = st.tuples(minute, hour, day, month, weekday).map(" ".join) | st.sampled_from(["@hourly", "@daily", "@weekly", "@monthly"])


@pytest.mark.slow
@settings(max_examples=120, deadline=None, database=None)
@given(schedules)
def test_the_largest_gap_is_every_minutes_verdict(schedule):
    assert cron.problem(schedule) is None or "never runs" in cron.problem(schedule)
    assert cron.largest_gap(schedule, START, END) == brute_force_gap(schedule)
    whole = cron.period(schedule)
    assert (whole is None) == ("never runs" in (cron.problem(schedule) or ""))  # the quick check and the calendar agree
    if whole is None:  # never runs, in any year
        assert brute_force_gap(schedule) is None and "never runs" in cron.problem(schedule)
    else:
        window = cron.largest_gap(schedule, START, END)
        assert window is None or whole >= window


@pytest.mark.parametrize(
    ("schedule", "hours"),
    [
        ("@hourly", 1),
        ("15 */6 * * *", 6),  # 18:15 to 00:15
        ("0 3 * * *", 24),
        ("0 4 * * 1,4", 96),  # Thursday to Monday
        ("@weekly", 168),
        ("0 6 2 * *", 31 * 24),  # the months of 31 days
        ("0 0 31 * *", 61 * 24),  # 31 July to 31 August is 31 days, 31 May to 31 July 61
        ("0 0 29 2 *", (8 * 365 + 1) * 24),  # 2096 to 2104: 2100 is no leap year
        ("0 0 13 * 5", 7 * 24),  # both restricted: the 13th OR every Friday
        ("0 0 */2 * 5", 2 * 24),  # `*/2` clears the star bit: odd days OR Fridays (AND would leave weeks between runs)
        ("0 0 * 2 1", (365 - 15) * 24),  # `*` day of month: Mondays in February only, the last one to the next year's first
    ],
)
def test_a_schedules_period_over_the_whole_calendar(schedule, hours):
    assert cron.period(schedule) == hours * 60


def test_the_calendar_repeats_every_400_years_so_the_window_sees_every_gap():
    assert (datetime.date(2400, 1, 1) - datetime.date(2000, 1, 1)).days % 7 == 0
    assert cron.period("0 0 29 2 *") == cron.largest_gap("0 0 29 2 *", datetime.date(2090, 1, 1), datetime.date(2110, 1, 1))


@pytest.mark.parametrize("schedule", ["0 0 31 2 *", "0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 30,31 FEB ?"])
def test_a_schedule_that_never_runs_is_a_problem(schedule):
    assert cron.period(schedule) is None
    assert "never runs" in cron.problem(schedule)


def test_the_day_of_week_widens_a_day_that_never_comes():
    assert cron.problem("0 0 31 2 MON") is None  # robfig ORs the two day fields when both are restricted
    assert cron.period("0 0 31 2 MON") > 0
