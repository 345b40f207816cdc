"""The monitors in the emulator: `up --local` applies the alarms, topics (policy, key, subscription), the failed-quality
rule and its target, the schedules, dashboards and quality roles, and says loudly what it cannot apply (the Glue Data
Quality rulesets, the S3 request metrics), recording it in the state file; `verify` reads every monitor property back,
a tampered one is a located finding, and the next `up --local` repairs it. The tests that only read share one
deployment (localkit.deployed_once).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from localkit import ROOT, Deployment, deployed_once, deployments  # noqa: F401 (fixtures)

from meshplane.local.emulator import connect

pytestmark = pytest.mark.slow

A = "123456789012"  # users and podcasts
PLAYS = "daff-local-users-play-events"
ALARM = f"{PLAYS}-freshness"
TOPIC = f"arn:aws:sns:us-east-1:{A}:daff-local-users-alerts"
USERS = "domains/users/domain.yaml:1: error: users: "
PLAYS_FILE = "domains/users/products/play-events.yaml:1: error: users/play-events: "


def errors(text: str) -> list[str]:
    return [line for line in text.splitlines() if ": error: " in line]


def clients(deployment: Deployment):
    """boto3 clients of the shared deployment's default account (the conftest's `admin` empties the emulator first)."""
    return connect(deployment.endpoint, "us-east-1", A).client


def test_the_monitors_are_applied_read_back_and_what_moto_cannot_hold_is_said(deployed_once):
    admin, deployed = clients(deployed_once), deployed_once.out
    alarm = admin("cloudwatch").describe_alarms(AlarmNames=[ALARM])["MetricAlarms"][0]
    assert (alarm["TreatMissingData"], alarm["ComparisonOperator"], alarm["Threshold"]) == ("breaching", "LessThanOrEqualToThreshold", 0.0)
    assert alarm["AlarmActions"] == [TOPIC]  # alarms reach the topic by their actions, and by nothing else
    assert alarm["EvaluationPeriods"] == alarm["DatapointsToAlarm"] == 2  # users/play-events promises 2 hours: every hour of them empty
    topic = admin("sns").get_topic_attributes(TopicArn=TOPIC)["Attributes"]
    assert topic["KmsMasterKeyId"] == "alias/daff-local-users-alerts"
    publishers = {s["Sid"]: s["Principal"] for s in json.loads(topic["Policy"])["Statement"] if "sns:Publish" in json.dumps(s["Action"])}
    assert publishers == {"AlarmsPublish": {"Service": "cloudwatch.amazonaws.com"}, "FailedEvaluationsPublish": {"Service": "events.amazonaws.com"}}
    subscriptions = admin("sns").list_subscriptions_by_topic(TopicArn=TOPIC)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("email", "users-data@daff.example")]
    rule = admin("events").describe_rule(Name="daff-local-users-quality-failures")
    detail = json.loads(rule["EventPattern"])["detail"]
    assert detail["rulesetNames"] == [{"suffix": "-quality"}]  # the errors rulesets only: a failed warning never pages
    assert detail["$or"] == [{"state": ["FAILED"]}, {"rulesFailed": [{"numeric": [">", 0]}]}]
    assert [t["Arn"] for t in admin("events").list_targets_by_rule(Rule="daff-local-users-quality-failures")["Targets"]] == [TOPIC]
    schedule = admin("scheduler").get_schedule(Name=f"{PLAYS}-quality")
    assert schedule["ScheduleExpression"] == "cron(30 * * * ? *)"  # an hourly job's rules, half an hour after each run
    assert schedule["Target"]["RoleArn"] == f"arn:aws:iam::{A}:role/daff-local-users-quality"
    assert json.loads(schedule["Target"]["Input"])["RulesetNames"] == [f"{PLAYS}-quality", f"{PLAYS}-quality-warnings"]
    body = json.loads(admin("cloudwatch").get_dashboard(DashboardName="daff-local-users")["DashboardBody"])
    assert {w["properties"]["title"] for w in body["widgets"]} >= {"users/play-events: freshness", "users/play-events: quality rules passed and failed"}
    assert admin("iam").get_role(RoleName="daff-local-users-quality")["Role"]["Arn"].endswith(":role/daff-local-users-quality")

    assert "NOT APPLIED: 12 x aws:glue/dataQualityRuleset:DataQualityRuleset: " in deployed  # two products have warnings
    assert "NOT APPLIED: 10 x aws:s3/bucketMetric:BucketMetric: " in deployed
    state_file = next(line for line in deployed.splitlines() if "x aws:glue/dataQualityRuleset" in line).rsplit("recorded in ", 1)[1]
    recorded = json.loads(Path(state_file).read_text())["not_applicable"]
    rulesets = [r for r in recorded if r["type"] == "aws:glue/dataQualityRuleset:DataQualityRuleset"]
    assert len(rulesets) == 12 and all(r["status"] == "not applicable to the emulator" for r in rulesets)
    assert next(r for r in rulesets if r["name"] == "users/play-events-quality")["program_inputs"]["ruleset"].startswith("Rules = [")


def test_an_unconfirmed_email_subscription_is_not_drift(deployed_once, command, monkeypatch):
    monkeypatch.chdir(ROOT)
    admin, endpoint = clients(deployed_once), deployed_once.endpoint
    subscription = admin("sns").list_subscriptions_by_topic(TopicArn=TOPIC)["Subscriptions"][0]
    assert subscription["Endpoint"] == "users-data@daff.example"  # its ARN is AWS's (PendingConfirmation until its reader confirms)
    status, out, err = command("verify", "--env", "local", "--endpoint", endpoint)
    assert (status, errors(err)) == (0, []), err


def test_a_tampered_alarm_topic_policy_and_schedule_are_found_then_repaired(deployed, endpoint, admin, command, tmp_path):
    cw, sns = admin("cloudwatch"), admin("sns")
    alarm = cw.describe_alarms(AlarmNames=[ALARM])["MetricAlarms"][0]
    kept = {k: alarm[k] for k in ("AlarmDescription", "ComparisonOperator", "EvaluationPeriods", "DatapointsToAlarm", "TreatMissingData", "AlarmActions", "Metrics")}
    cw.put_metric_alarm(AlarmName=ALARM, **kept, Threshold=5.0)
    cw.tag_resource(ResourceARN=alarm["AlarmArn"], Tags=[{"Key": "owner", "Value": "someone-else@example.com"}])
    policy = json.loads(sns.get_topic_attributes(TopicArn=TOPIC)["Attributes"]["Policy"])
    policy["Statement"].append({"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": TOPIC})
    sns.set_topic_attributes(TopicArn=TOPIC, AttributeName="Policy", AttributeValue=json.dumps(policy))
    sns.set_topic_attributes(TopicArn=TOPIC, AttributeName="KmsMasterKeyId", AttributeValue="alias/aws/sns")
    admin("events").remove_targets(Rule="daff-local-users-quality-failures", Ids=["alerts"])

    status, out, err = command("verify", "--env", "local", "--endpoint", endpoint)
    assert status == 1
    found = errors(err)
    assert f"{PLAYS_FILE}alarm {ALARM}: Threshold is 5.0, declared 0.0" in found
    assert any(f.startswith(f"{PLAYS_FILE}alarm {ALARM}: tags.owner is 'someone-else@example.com', declared ") for f in found), found
    assert any(f.startswith(f"{USERS}topic policy {TOPIC}: policy.Statement[Anyone] is ") and f.endswith("declared absent") for f in found), found
    assert f"{USERS}topic daff-local-users-alerts: key is 'alias/aws/sns', declared 'alias/daff-local-users-alerts'" in found
    assert f"{USERS}event target daff-local-users-quality-failures/alerts: is missing" in found
    assert len(found) == 5, "\n".join(found)

    status, out, err = command("up", "--local", "--env", "local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 0, err
    assert any(line.startswith(f"  updated users/play-events: alarm {ALARM}: Threshold is 5.0, declared 0.0; tags.owner is ") for line in out.splitlines()), out
    status, out, err = command("verify", "--env", "local", "--endpoint", endpoint)
    assert (status, errors(err)) == (0, []), err
    assert cw.describe_alarms(AlarmNames=[ALARM])["MetricAlarms"][0]["Threshold"] == 0.0
    tags = {t["Key"]: t["Value"] for t in cw.list_tags_for_resource(ResourceARN=alarm["AlarmArn"])["Tags"]}
    assert tags.get("owner") != "someone-else@example.com", tags
