"""What a version's quality ruleset says, when it is evaluated, and what its freshness alarm watches: pure functions."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.monitoring import FreshnessArgs, PortMonitorArgs, QualityArgs, freshness_alarm, port_monitor_children, quality_failed
from meshplane.cloud import cron, dqdl, naming
from meshplane.compose.monitoring import alarm_hours
from meshplane.compose.quality import evaluation_schedule, own_schedules, rule_schedule, ruleset_text, warnings_text
from meshplane.declarations.spec import OutputPort


def port(*columns: dict) -> OutputPort:
    return OutputPort.model_validate({"format": "parquet", "columns": [{"description": "A column.", **c} for c in columns]})


def test_each_column_that_promises_a_value_is_complete():
    text = ruleset_text(port({"name": "id", "type": "string", "nullable": False}, {"name": "note", "type": "string"},
                             {"name": "at", "type": "timestamp", "nullable": False}))  # fmt: skip
    assert text == 'Rules = [\n    IsComplete "id",\n    IsComplete "at"\n]'


def test_a_port_that_promises_no_value_is_at_least_written():
    assert ruleset_text(port({"name": "note", "type": "string"})) == "Rules = [\n    RowCount > 0\n]"
    assert warnings_text(port({"name": "note", "type": "string"})) is None


def test_warning_rules_are_a_ruleset_of_their_own_and_errors_another():
    """A failed warning must not page the owner: Glue publishes one event per ruleset's result, with its state and
    ruleset name, so the warnings are a ruleset the domain's routing never matches."""
    both = port({"name": "id", "type": "string", "nullable": False, "quality": [
                    {"metric": "duplicateValues", "mustBe": 0},
                    {"metric": "invalidValues", "arguments": {"pattern": "^u"}, "mustBeLessThan": 5, "unit": "percent", "severity": "warning"}]},
                {"name": "note", "type": "string", "quality": [{"metric": "nullValues", "mustBeLessThan": 10, "unit": "percent", "severity": "warning"},
                                                               {"type": "text", "description": "Read by people.", "severity": "warning"}]})  # fmt: skip
    errors, warnings = ruleset_text(both), warnings_text(both)
    assert errors == 'Rules = [\n    IsComplete "id",\n    IsUnique "id"\n]'
    assert warnings == 'Rules = [\n    ColumnValues "id" matches "^u" with threshold > 0.95,\n    Completeness "note" > 0.9\n]'
    assert [r.rule_type for r in dqdl.parse(errors)] == ["IsComplete", "IsUnique"]
    assert [r.rule_type for r in dqdl.parse(warnings)] == ["ColumnValues", "Completeness"]
    only = port({"name": "note", "type": "string", "quality": [{"metric": "nullValues", "mustBe": 0, "severity": "warning"}]})
    assert (ruleset_text(only), warnings_text(only)) == ("Rules = [\n    RowCount > 0\n]", 'Rules = [\n    IsComplete "note"\n]')


def test_the_schedule_evaluates_both_rulesets_and_only_the_errors_reach_the_topic():
    quality = QualityArgs("b-quality", "Rules = [ RowCount > 0 ]", "db", "t", "1", "b-quality", "cron(0 3 * * ? *)", "arn:aws:iam::1:role/q",
                          warnings_name="b-quality-warnings", warnings='Rules = [ IsComplete "x" ]')  # fmt: skip
    children = {c.suffix: c for c in port_monitor_children(PortMonitorArgs(None, quality))}
    assert sorted(children) == ["quality", "quality-schedule", "quality-warnings"]
    assert json.loads(children["quality-schedule"].props["target"]["input"])["RulesetNames"] == ["b-quality", "b-quality-warnings"]
    assert children["quality-warnings"].props["ruleset"] == 'Rules = [ IsComplete "x" ]'
    pattern = quality_failed("db")
    failed = {"context": {"databaseName": "db"}, "resultID": "r", "state": "SUCCEEDED", "rulesFailed": 1}
    assert _matches(pattern, {**failed, "rulesetNames": [naming.quality_ruleset_name("b")]})
    assert not _matches(pattern, {**failed, "rulesetNames": [naming.quality_warnings_ruleset_name("b")]})  # a warning never pages
    assert not _matches(pattern, {**failed, "rulesetNames": ["b-quality"], "rulesFailed": 0})  # all passed
    assert _matches(pattern, {**failed, "rulesetNames": ["b-quality"], "rulesFailed": 0, "state": "FAILED"})  # the run itself failed
    assert not _matches(pattern, {**failed, "rulesetNames": ["b-quality"], "context": {"databaseName": "other"}})


def _matches(pattern: dict, detail: dict) -> bool:
    """EventBridge's matching of the parts of an event pattern used here (equality, suffix, numeric >, $or), as its
    content-filtering guide describes: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html"""
    for key, wanted in pattern.items():
        if key == "$or":
            if not any(_matches(branch, detail) for branch in wanted):
                return False
            continue
        got = detail.get(key)
        if isinstance(wanted, dict):
            if not isinstance(got, dict) or not _matches(wanted, got):
                return False
            continue
        values = got if isinstance(got, list) else [got]

        def one(w: object, v: object) -> bool:
            if isinstance(w, dict) and "suffix" in w:
                return isinstance(v, str) and v.endswith(w["suffix"])
            if isinstance(w, dict) and "numeric" in w:
                return isinstance(v, (int, float)) and v > w["numeric"][1]
            return w == v

        if not any(one(w, v) for w in wanted for v in values):
            return False
    return True


@pytest.mark.parametrize(
    "job, evaluation",
    [
        ("0 2 * * *", "cron(0 3 * * ? *)"),  # daily: an hour later
        ("15 */6 * * *", "cron(15 1,7,13,19 * * ? *)"),  # every 6 hours, each run followed
        ("@hourly", "cron(30 * * * ? *)"),  # hourly: half an hour after each run
        ("0 4 * * 1", "cron(0 5 ? * 2 *)"),  # weekly on Monday: EventBridge counts days from Sunday = 1
        ("30 23 * * 5", "cron(30 0 ? * 7 *)"),  # Friday 23:30: evaluated on Saturday
        ("0 6 2 * *", "cron(0 7 2 * ? *)"),  # monthly
        ("0 23 31 * *", "cron(0 0 1 * ? *)"),  # the 31st at 23h: the 1st
        ("0 1 1 * 1", "cron(0 2 * * ? *)"),  # both day fields (Kubernetes ORs them): every day, never fewer runs
        ("0 22,23 * * SUN", "cron(0 0,23 ? * 1,2 *)"),  # a run at 23h among others: a superset of the days
    ],
)
def test_the_rules_are_evaluated_after_each_run_of_the_job(job, evaluation):
    assert evaluation_schedule(job) == evaluation


def test_the_freshness_alarm_breaches_on_missing_data_and_watches_the_promise():
    args = FreshnessArgs("b", naming.freshness_alarm_name("b"), 24.5, "arn:aws:sns:r:1:t", alarm_hours(24.5))
    alarm = freshness_alarm(args, "data product d/p", {})
    assert alarm["name"] == "b-freshness"
    assert alarm["treat_missing_data"] == "breaching"  # a missing write is exactly the failure
    assert (alarm["evaluation_periods"], alarm["datapoints_to_alarm"], alarm["threshold"]) == (25, 25, 0)
    assert alarm["alarm_actions"] == ["arn:aws:sns:r:1:t"]
    queries = {q["id"]: q for q in alarm["metric_queries"]}
    assert queries["data"]["expression"] == "writes - FILL(results, 0)"  # the quality role's results never pass for new data
    assert queries["writes"]["metric"]["dimensions"] == {"BucketName": "b", "FilterId": "meshplane-writes"}
    assert (queries["results"]["metric"]["namespace"], queries["results"]["metric"]["metricName"]) == ("meshplane/quality", "ResultsWritten")
    assert queries["results"]["metric"]["dimensions"] == {"BucketName": "b"}  # what `meshplane test` counts as it stores a result


def test_a_promise_past_what_cloudwatch_evaluates_is_watched_over_seven_days():
    assert alarm_hours(168) == 168 and alarm_hours(720) == 168 and alarm_hours(0.5) == 1


# --- evaluation_schedule reads the job's cron with cron.times: the same expressions as the expander it replaced ---------

_MACROS = {"@hourly": "0 * * * *", "@daily": "0 0 * * *", "@weekly": "0 0 * * 0", "@monthly": "0 0 1 * *"}


def _replaced_expand(text: str, low: int, high: int, names: tuple[str, ...] = ()) -> list[int]:
    """The field expander meshplane.compose.quality had (at 7e2938f), kept here as the oracle of the replacement."""

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


def _replaced_schedule(job_cron: str) -> str:
    """evaluation_schedule as it was (at 7e2938f): the oracle."""
    minute, hour, dom, month, dow = _MACROS.get(job_cron.strip(), job_cron).split()
    hours = _replaced_expand(hour, 0, 23)
    days_of_month = None if dom in ("*", "?") else _replaced_expand(dom, 1, 31)
    days_of_week = None if dow in ("*", "?") else _replaced_expand(dow, 0, 6, cron.DAYS)
    if len(hours) == 24:
        if minute.isdigit():
            minute = str((int(minute) + 30) % 60)
        shifted = "*"
    else:
        shifted = ",".join(str(v) for v in sorted({(h + 1) % 24 for h in hours}))
        if 23 in hours:
            if days_of_week is not None:
                days_of_week = sorted({*((d + 1) % 7 for d in days_of_week), *(days_of_week if len(hours) > 1 else ())})
            if days_of_month is not None:
                days_of_month = sorted({*(d % 31 + 1 for d in days_of_month), *(days_of_month if len(hours) > 1 else ())})
    if days_of_month is not None and days_of_week is not None:
        days_of_month = days_of_week = None
    day = ",".join(map(str, days_of_month)) if days_of_month is not None else ("?" if days_of_week is not None else "*")
    week = ",".join(str(d + 1) for d in days_of_week) if days_of_week is not None else "?"
    return f"cron({minute} {shifted} {day} {month} {week} *)"


def _meaning(expression: str) -> tuple:
    """What an EventBridge cron expression says, field by field: the values each takes (`*` and `?` as every value; the
    minute and month fields may hold steps and names, as the replaced function copied them from the job's cron)."""
    minute, hour, day, month, week, year = expression.removeprefix("cron(").removesuffix(")").split()
    spans = {"hour": (0, 23), "day": (1, 31), "week": (1, 7)}

    def listed(text: str, name: str) -> frozenset[int]:
        low, high = spans[name]
        return frozenset(range(low, high + 1)) if text in ("*", "?") else frozenset(int(v) for v in text.split(","))

    return (frozenset(cron._field_values(minute, cron.FIELDS[0])[0]), listed(hour, "hour"), day == "?", listed(day, "day"),
            frozenset(cron._field_values(month, cron.FIELDS[3])[0]), week == "?", listed(week, "week"), year)  # fmt: skip


PINNED = ["0 2 * * *", "15 */6 * * *", "@hourly", "0 4 * * 1", "30 23 * * 5", "0 6 2 * *", "0 23 31 * *", "0 1 1 * 1", "0 22,23 * * SUN"]


@pytest.mark.parametrize("job", PINNED)
def test_the_schedule_read_by_cron_times_is_the_one_the_replaced_expander_wrote(job):
    assert evaluation_schedule(job) == _replaced_schedule(job)


# robfig's star bit: `*/1` in a day field is unrestricted (cron.times), where the replaced expander took it for a list
# of every day; the day fields are drawn here without it, and the difference is pinned below.
_minute = st.sampled_from(["0", "7", "59", "*", "*/15", "5,35", "0-10/5", "50/3", "*/1"])
_hour = st.sampled_from(["0", "1", "22", "23", "*", "*/6", "1-3", "12/5", "22,23", "0,23", "*/1"])
_day = st.sampled_from(["*", "?", "1", "28", "31", "15-31/8", "*/2", "28-31", "1,15", "29/2"])
_month = st.sampled_from(["*", "2", "FEB", "feb-mar", "1-3", "2,4,6", "*/3", "11-12", "2/12"])
_weekday = st.sampled_from(["*", "?", "0", "MON", "1-5", "SAT,SUN", "*/2", "5/1", "wed", "6"])
_crons = st.tuples(_minute, _hour, _day, _month, _weekday).map(" ".join) | st.sampled_from(sorted(_MACROS))


@settings(max_examples=300, deadline=None, database=None)
@given(_crons)
def test_every_generated_cron_is_evaluated_when_the_replaced_expander_said(job):
    assert _meaning(evaluation_schedule(job)) == _meaning(_replaced_schedule(job)), job


def test_a_day_field_of_every_day_by_step_is_unrestricted_as_robfig_reads_it():
    """`*/1` sets robfig's star bit: the job runs on Mondays only, so its rules are evaluated on Mondays only (the
    replaced expander evaluated them every day)."""
    assert evaluation_schedule("0 1 */1 * MON") == "cron(0 2 ? * 2 *)"
    assert _replaced_schedule("0 1 */1 * MON") == "cron(0 2 * * ? *)"


# --- rules on a schedule of their own (ODCS's `schedule`) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "own, expression",
    [
        ("0 6 1 * *", "cron(0 6 1 * ? *)"),  # monthly, at its own time: no shift
        ("*/15 * * * *", "cron(0,15,30,45 * * * ? *)"),
        ("30 23 * * FRI", "cron(30 23 ? * 6 *)"),  # EventBridge counts days from Sunday = 1
        ("@weekly", "cron(0 0 ? * 1 *)"),
        ("0 1 1 * 1", "cron(0 1 * * ? *)"),  # both day fields (cron ORs them): every day, never fewer runs
        ("0 2 */1 * MON", "cron(0 2 ? * 2 *)"),  # robfig's star bit: Mondays only
    ],
)
def test_a_rule_on_its_own_schedule_is_evaluated_at_its_times(own, expression):
    assert rule_schedule(own) == expression


def test_rules_on_their_own_schedule_are_rulesets_of_their_own():
    """A Glue Data Quality run evaluates whole rulesets, so each schedule of their own is its rulesets (per severity)
    and a schedule; the other rules stay with the job's."""
    monthly = "0 6 1 * *"
    p = port({"name": "id", "type": "string", "nullable": False, "quality": [
        {"metric": "duplicateValues", "mustBe": 0, "schedule": monthly},
        {"metric": "invalidValues", "arguments": {"pattern": "^u"}, "mustBe": 0, "schedule": monthly, "severity": "warning"},
        {"type": "text", "description": "Looked at monthly.", "schedule": monthly}]})  # fmt: skip
    assert own_schedules(p) == [monthly]
    assert ruleset_text(p) == 'Rules = [\n    IsComplete "id"\n]' and warnings_text(p) is None
    assert ruleset_text(p, monthly) == 'Rules = [\n    IsUnique "id"\n]'
    assert warnings_text(p, monthly) == 'Rules = [\n    ColumnValues "id" matches "^u"\n]'
    assert [r.rule_type for r in dqdl.parse(ruleset_text(p, monthly) or "")] == ["IsUnique"]
    job = QualityArgs(naming.quality_ruleset_name("b"), ruleset_text(p), "db", "t", "1", naming.quality_schedule_name("b"),
                      evaluation_schedule("0 2 * * *"), "arn:aws:iam::1:role/q")  # fmt: skip
    key = naming.schedule_key(monthly)
    own = QualityArgs(naming.quality_ruleset_name("b", key), ruleset_text(p, monthly), "db", "t", "1", naming.quality_schedule_name("b", key),
                      rule_schedule(monthly), "arn:aws:iam::1:role/q", key=key,
                      warnings_name=naming.quality_warnings_ruleset_name("b", key), warnings=warnings_text(p, monthly))  # fmt: skip
    children = {c.suffix: c for c in port_monitor_children(PortMonitorArgs(None, job, scheduled=(own,)))}
    assert sorted(children) == ["quality", f"quality-{key}", f"quality-{key}-schedule", f"quality-{key}-warnings", "quality-schedule"]
    run = json.loads(children[f"quality-{key}-schedule"].props["target"]["input"])
    assert run["RulesetNames"] == [f"b-{key}-quality", f"b-{key}-quality-warnings"]
    assert children[f"quality-{key}-schedule"].props["schedule_expression"] == "cron(0 6 1 * ? *)"
    assert json.loads(children["quality-schedule"].props["target"]["input"])["RulesetNames"] == ["b-quality"]
    failed = {"context": {"databaseName": "db"}, "state": "SUCCEEDED", "rulesFailed": 1}
    assert _matches(quality_failed("db"), {**failed, "rulesetNames": [f"b-{key}-quality"]})  # its errors page
    assert not _matches(quality_failed("db"), {**failed, "rulesetNames": [f"b-{key}-quality-warnings"]})  # its warnings do not
