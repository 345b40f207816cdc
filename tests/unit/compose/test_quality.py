"""What a version's quality ruleset says, when it is evaluated, and what its freshness alarm watches: pure functions."""

from __future__ import annotations

import pytest

from components.monitoring import FreshnessArgs, freshness_alarm
from meshplane.cloud import naming
from meshplane.compose.monitoring import alarm_hours
from meshplane.compose.quality import evaluation_schedule, ruleset_text
from meshplane.declarations.spec import OutputPort


def port(*columns: dict) -> OutputPort:
    return OutputPort.model_validate({"format": "parquet", "columns": [{"description": "A column.", **c} for c in columns]})


def test_each_column_that_promises_a_value_is_complete():
    text = ruleset_text(port({"name": "id", "type": "string", "nullable": False}, {"name": "note", "type": "string"},
                             {"name": "at", "type": "timestamp", "nullable": False}))  # fmt: skip
    assert text == 'Rules = [\n    IsComplete "id",\n    IsComplete "at"\n]'


def test_a_port_that_promises_no_value_is_at_least_written():
    assert ruleset_text(port({"name": "note", "type": "string"})) == "Rules = [\n    RowCount > 0\n]"


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
    assert queries["results"]["metric"]["dimensions"] == {"BucketName": "b", "FilterId": "meshplane-quality-writes"}


def test_a_promise_past_what_cloudwatch_evaluates_is_watched_over_seven_days():
    assert alarm_hours(168) == 168 and alarm_hours(720) == 168 and alarm_hours(0.5) == 1
