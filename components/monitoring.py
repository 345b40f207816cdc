"""What watches a product's promises: its freshness and quality monitors per served version, and per domain the
routing of their alarms (a topic of its own, encrypted with a key of its own), the role that evaluates quality, and
one dashboard.

Freshness is watched on S3 request metrics: the version's PUTs minus the quality role's result objects (written under
`_meshplane/quality/`, so a quality run never passes for new data), summed per hour; the alarm fires when every hour of
the promised window had none, and a window with no data point at all is a breach (`treatMissingData: breaching`): a
missing write is exactly the failure. Alarms reach the topic through their alarm actions; failed Glue Data Quality
evaluations through one EventBridge rule: one path each.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from components import tokens
from components.policies import QUALITY_RESULTS
from components.spec import Child, Ref

WRITES_FILTER = "meshplane-writes"  # the request metrics of every object of the bucket
QUALITY_WRITES_FILTER = "meshplane-quality-writes"  # the request metrics of the quality results alone
ALARM_PERIOD = 3600  # seconds: one data point per hour
RULESET_RUN = "arn:aws:scheduler:::aws-sdk:glue:startDataQualityRulesetEvaluationRun"  # a Scheduler universal target
QUALITY_EVENT = {"source": "aws.glue-dataquality", "detail-type": "Data Quality Evaluation Results Available"}


@dataclass(frozen=True)
class FreshnessArgs:
    bucket: str
    alarm_name: str
    hours: float  # the promise: something new written within this many hours
    topic_arn: str
    window_hours: int  # what the alarm looks at: the promise, within the longest range CloudWatch evaluates


@dataclass(frozen=True)
class QualityArgs:
    ruleset_name: str
    ruleset: str  # DQDL text
    database: str
    table: str
    account: str
    schedule_name: str
    schedule: str  # an EventBridge Scheduler cron expression: after the job's runs
    role_arn: str  # the domain's quality role: the schedule runs as it, and Glue evaluates as it
    enabled: bool = True  # a suspended job's rules are not evaluated


@dataclass(frozen=True)
class PortMonitorArgs:
    freshness: FreshnessArgs | None  # None: the product promises no freshness
    quality: QualityArgs | None  # None: a version no longer served
    description: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)


def freshness_alarm(args: FreshnessArgs, description: str, tags: Mapping[str, str]) -> dict:
    periods = args.window_hours

    def puts(query: str, filter_id: str) -> dict:
        dimensions = {"BucketName": args.bucket, "FilterId": filter_id}
        metric = {"namespace": "AWS/S3", "metricName": "PutRequests", "dimensions": dimensions, "period": ALARM_PERIOD, "stat": "Sum"}
        return {"id": query, "metric": metric, "returnData": False}

    return {
        "name": args.alarm_name,
        "alarm_description": f"Nothing new written to {args.bucket} within {args.hours:g} hours: {description}"[:1024],
        "comparison_operator": "LessThanOrEqualToThreshold",
        "threshold": 0,
        "evaluation_periods": periods,
        "datapoints_to_alarm": periods,
        "treat_missing_data": "breaching",
        "metric_queries": [
            {"id": "data", "expression": "writes - FILL(results, 0)", "label": "objects written, quality results excepted", "returnData": True},
            puts("writes", WRITES_FILTER),
            puts("results", QUALITY_WRITES_FILTER),
        ],
        "alarm_actions": [args.topic_arn],
        "tags": dict(tags),
    }


def port_monitor_children(args: PortMonitorArgs) -> list[Child]:
    """A version's monitors (at most five resources): its request metrics and freshness alarm, its ruleset and the
    schedule that evaluates it."""
    children: list[Child] = []
    if args.freshness is not None:
        bucket = args.freshness.bucket
        children += [
            Child(tokens.BUCKET_METRIC, "writes", {"bucket": bucket, "name": WRITES_FILTER}, after=["bucket"]),
            Child(tokens.BUCKET_METRIC, "quality-writes", {"bucket": bucket, "name": QUALITY_WRITES_FILTER, "filter": {"prefix": QUALITY_RESULTS}},
                  after=["bucket"]),
            Child(tokens.METRIC_ALARM, "freshness", freshness_alarm(args.freshness, args.description, args.tags), after=["writes", "quality-writes"]),
        ]  # fmt: skip
    if args.quality is not None:
        q = args.quality
        ruleset = {
            "name": q.ruleset_name,
            "description": f"Quality rules of {q.database}.{q.table}",
            "ruleset": q.ruleset,
            "target_table": {"catalogId": q.account, "databaseName": q.database, "tableName": q.table},
            "tags": dict(args.tags),
        }
        run = {"DataSource": {"GlueTable": {"DatabaseName": q.database, "TableName": q.table, "CatalogId": q.account}},
               "Role": q.role_arn, "RulesetNames": [q.ruleset_name]}  # fmt: skip
        schedule = {
            "name": q.schedule_name,
            "description": f"Evaluates {q.ruleset_name} after the job's runs",
            "schedule_expression": q.schedule,
            "schedule_expression_timezone": "UTC",
            "state": "ENABLED" if q.enabled else "DISABLED",
            "flexible_time_window": {"mode": "OFF"},
            "target": {"arn": RULESET_RUN, "roleArn": q.role_arn, "input": json.dumps(run, sort_keys=True)},
        }
        children += [
            Child(tokens.DQ_RULESET, "quality", ruleset, after=["table"]),
            Child(tokens.SCHEDULE, "quality-schedule", schedule, after=["quality"]),
        ]
    return children


# the domain's --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardEntry:
    """One product on its domain's dashboard: its current version's freshness alarm (if it promises freshness) and ruleset."""

    address: str
    alarm_arn: str | None
    ruleset_name: str | None
    region: str


@dataclass(frozen=True)
class DomainMonitoringArgs:
    quality_role: str
    quality_trust: Mapping  # who may assume the quality role: the scheduler, Glue, and the deployer for `meshplane test`
    quality_policy: Mapping
    alerts_key_alias: str
    alerts_key_policy: Mapping
    topic_name: str
    topic_arn: str
    topic_policy: Mapping
    contact: str  # e-mail
    failures_rule: str
    failures_pattern: Mapping
    dashboard_name: str
    dashboard: Sequence[DashboardEntry] = ()
    tags: Mapping[str, str] = field(default_factory=dict)


ALERTS_KEY_TAG = ("meshplane-key", "alerts")  # tells the alerts key from the domain's data key (both carry its marker)


def dashboard_body(entries: Sequence[DashboardEntry]) -> dict:
    """Two widgets a product, side by side: its freshness alarm, and its rules passed and failed."""
    widgets = []
    for row, e in enumerate(entries):
        if e.alarm_arn:
            widgets.append({"type": "alarm", "x": 0, "y": row * 6, "width": 12, "height": 6,
                            "properties": {"title": f"{e.address}: freshness", "alarms": [e.alarm_arn]}})  # fmt: skip
        if e.ruleset_name:
            search = f"SEARCH('{{\"Glue Data Quality\"}} \"{e.ruleset_name}\"', 'Sum', 86400)"
            widgets.append({"type": "metric", "x": 12, "y": row * 6, "width": 12, "height": 6,
                            "properties": {"title": f"{e.address}: quality rules passed and failed", "region": e.region,
                                           "view": "timeSeries", "stat": "Sum", "period": 86400,
                                           "metrics": [[{"expression": search, "id": "rules", "label": "rules"}]]}})  # fmt: skip
    if not widgets:
        widgets.append({"type": "text", "x": 0, "y": 0, "width": 24, "height": 2, "properties": {"markdown": "No product of this domain is served."}})
    return {"widgets": widgets}


def domain_monitoring_children(args: DomainMonitoringArgs) -> list[Child]:
    tags = dict(args.tags)
    key = {
        "description": f"Alerts of the domain's products ({args.topic_name}): usable by CloudWatch and EventBridge",
        "enable_key_rotation": True,
        "deletion_window_in_days": 30,
        "policy": json.dumps(args.alerts_key_policy),
        "tags": {**tags, ALERTS_KEY_TAG[0]: ALERTS_KEY_TAG[1]},
    }
    role = {"name": args.quality_role, "assume_role_policy": json.dumps(args.quality_trust),
            "description": "Evaluates the domain's quality rules: reads its products, writes results under " + QUALITY_RESULTS, "tags": tags}  # fmt: skip
    topic = {"name": args.topic_name, "kms_master_key_id": args.alerts_key_alias, "tags": tags}
    rule = {"name": args.failures_rule, "description": "Failed Glue Data Quality evaluations of the domain's products",
            "event_pattern": json.dumps(args.failures_pattern, sort_keys=True), "tags": tags}  # fmt: skip
    return [
        Child(tokens.ROLE, "quality", role),
        Child(tokens.ROLE_POLICY, "quality-policy", {"role": args.quality_role, "name": "evaluate-quality", "policy": json.dumps(args.quality_policy)},
              after=["quality"]),
        Child(tokens.KEY, "alerts-key", key, stateful=True),  # a key, guarded like every key: what it encrypted stays readable
        Child(tokens.KEY_ALIAS, "alerts-key-alias", {"name": args.alerts_key_alias, "target_key_id": Ref("alerts-key", "key_id")}),
        Child(tokens.TOPIC, "alerts", topic, after=["alerts-key-alias"]),
        Child(tokens.TOPIC_POLICY, "alerts-policy", {"arn": args.topic_arn, "policy": json.dumps(args.topic_policy)}, after=["alerts"]),
        Child(tokens.TOPIC_SUBSCRIPTION, "alerts-contact", {"topic": args.topic_arn, "protocol": "email", "endpoint": args.contact}, after=["alerts"]),
        Child(tokens.EVENT_RULE, "quality-failures", rule),
        Child(tokens.EVENT_TARGET, "quality-failures-alerts", {"rule": args.failures_rule, "target_id": "alerts", "arn": args.topic_arn},
              after=["quality-failures", "alerts-policy"]),
        Child(tokens.DASHBOARD, "dashboard", {"dashboard_name": args.dashboard_name, "dashboard_body": json.dumps(dashboard_body(args.dashboard))}),
    ]  # fmt: skip
