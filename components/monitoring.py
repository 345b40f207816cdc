"""What watches a product's promises: its freshness and quality monitors per served version, and per domain the
routing of their alarms (a topic of its own, encrypted with a key of its own), the role that evaluates quality, and
one dashboard.

Freshness is watched on S3 request metrics: the version's PUTs minus the quality role's result objects (written under
`_meshplane/quality/` by `meshplane test`, which counts each in the custom metric RESULTS_METRIC, so a quality run never
passes for new data), summed per hour; the alarm fires when every hour of the promised window had none, and a window
with no data point at all is a breach (`treatMissingData: breaching`): a missing write is exactly the failure. Alarms
reach the topic through their alarm actions; failed Glue Data Quality evaluations through one EventBridge rule: one
path each.

A version's rules are two rulesets by severity: its error rules (`<bucket>-quality`), whose failed evaluation reaches
the topic, and its warning rules (`<bucket>-quality-warnings`, only when it has some), evaluated by the same schedule
(a run takes up to 10 ruleset names, https://docs.aws.amazon.com/glue/latest/webapi/API_StartDataQualityRulesetEvaluationRun.html)
and never routed: Glue publishes one "Data Quality Evaluation Results Available" event per result, that is per ruleset
(its `resultID` and `rulesetNames`, https://docs.aws.amazon.com/glue/latest/dg/data-quality-alerts.html), and the
domain's rule matches only the names ending in `-quality`. DQDL's labels (https://docs.aws.amazon.com/glue/latest/dg/dqdl.html#dqdl-labels)
would mark a rule's severity in its result (`DataQualityRuleResult.Labels`), but not in the event, whose `state` is
FAILED when any rule of the ruleset failed: a label cannot keep a warning from paging.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from components import tokens
from components.policies import QUALITY_RESULTS, RESULTS_NAMESPACE
from components.spec import Child, Ref

WRITES_FILTER = "meshplane-writes"  # the request metrics of every object of the bucket
RESULTS_METRIC = {"namespace": RESULTS_NAMESPACE, "metricName": "ResultsWritten"}  # per bucket: the result objects `test` wrote
MONITORS_PER_VERSION = 5  # the most resources that watch one served version (issue 20's budget: a product's 20, 15 before them)
ALARM_PERIOD = 3600  # seconds: one data point per hour
RULESET_RUN = "arn:aws:scheduler:::aws-sdk:glue:startDataQualityRulesetEvaluationRun"  # a Scheduler universal target
QUALITY_EVENT = {"source": "aws.glue-dataquality", "detail-type": "Data Quality Evaluation Results Available"}
ERRORS_RULESET_END = "-quality"  # a version's errors ruleset's name ends so (`naming.quality_ruleset_name`); its warnings' does not


def quality_failed(database: str) -> dict:
    """The `detail` of a failed evaluation of an errors ruleset of the domain's tables: the run failed, or a rule did
    (the sample event of a completed run reads `"state": "SUCCEEDED"` with `rulesFailed`); a warnings ruleset's result
    never matches."""
    return {"context": {"databaseName": [database]}, "rulesetNames": [{"suffix": ERRORS_RULESET_END}],
            "$or": [{"state": ["FAILED"]}, {"rulesFailed": [{"numeric": [">", 0]}]}]}  # fmt: skip


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
    ruleset: str | None  # DQDL text: the error rules (a failed evaluation reaches the domain's topic); None: none on this schedule
    database: str
    table: str
    account: str
    schedule_name: str
    schedule: str  # an EventBridge Scheduler cron expression: after the job's runs
    role_arn: str  # the domain's quality role: the schedule runs as it, and Glue evaluates as it
    enabled: bool = True  # a suspended job's rules are not evaluated
    warnings_name: str | None = None  # the warning rules' ruleset, evaluated with the other and never routed; None: no warning rule
    warnings: str | None = None
    key: str = ""  # "" for the rules evaluated after the job's runs; for rules on a schedule of their own, that schedule's key


@dataclass(frozen=True)
class PortMonitorArgs:
    freshness: FreshnessArgs | None  # None: the product promises no freshness
    quality: QualityArgs | None  # None: a version no longer served
    description: str = ""
    scheduled: tuple[QualityArgs, ...] = ()  # the rules on schedules of their own: rulesets and a schedule for each
    tags: Mapping[str, str] = field(default_factory=dict)


def freshness_alarm(args: FreshnessArgs, description: str, tags: Mapping[str, str]) -> dict:
    periods = args.window_hours

    def hourly(query: str, metric: dict) -> dict:
        return {"id": query, "metric": {**metric, "period": ALARM_PERIOD, "stat": "Sum"}, "returnData": False}

    puts = {"namespace": "AWS/S3", "metricName": "PutRequests", "dimensions": {"BucketName": args.bucket, "FilterId": WRITES_FILTER}}
    results = {**RESULTS_METRIC, "dimensions": {"BucketName": args.bucket}}

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
            hourly("writes", puts),
            hourly("results", results),
        ],
        "alarm_actions": [args.topic_arn],
        "tags": dict(tags),
    }


def port_monitor_children(args: PortMonitorArgs) -> list[Child]:
    """A version's monitors (at most five resources, MESH-016 holds its rules to them): its request metrics and freshness
    alarm, its rulesets (errors, and warnings when it has some) and the schedule that evaluates them after the job's
    runs, and for rules on a schedule of their own, their rulesets and that schedule."""
    children: list[Child] = []
    if args.freshness is not None:
        bucket = args.freshness.bucket
        children += [
            Child(tokens.BUCKET_METRIC, "writes", {"bucket": bucket, "name": WRITES_FILTER}, after=["bucket"]),
            Child(tokens.METRIC_ALARM, "freshness", freshness_alarm(args.freshness, args.description, args.tags), after=["writes"]),
        ]  # fmt: skip
    for q in (args.quality, *args.scheduled) if args.quality is not None else ():
        children += _evaluation(q, args.tags)
    return children


def _evaluation(q: QualityArgs, tags: Mapping[str, str]) -> list[Child]:
    """The rulesets of one evaluation (errors, and warnings when there are some; an own schedule's may hold warnings
    only) and the schedule that runs them, suffixed `quality[-<key>]`."""
    base = f"quality-{q.key}" if q.key else "quality"
    target = {"catalogId": q.account, "databaseName": q.database, "tableName": q.table}
    rulesets = [(base, q.ruleset_name, q.ruleset, "errors"), (f"{base}-warnings", q.warnings_name, q.warnings, "warnings, never routed")]
    made = [(suffix, name, text, what) for suffix, name, text, what in rulesets if name and text]
    names = [name for _, name, _, _ in made]
    run = {"DataSource": {"GlueTable": {"DatabaseName": q.database, "TableName": q.table, "CatalogId": q.account}},
           "Role": q.role_arn, "RulesetNames": names}  # fmt: skip
    when = "after the job's runs" if not q.key else "on its rules' own schedule"
    schedule = {
        "name": q.schedule_name,
        "description": f"Evaluates {' and '.join(names)} {when}",
        "schedule_expression": q.schedule,
        "schedule_expression_timezone": "UTC",
        "state": "ENABLED" if q.enabled else "DISABLED",
        "flexible_time_window": {"mode": "OFF"},
        "target": {"arn": RULESET_RUN, "roleArn": q.role_arn, "input": json.dumps(run, sort_keys=True)},
    }
    children = [Child(tokens.DQ_RULESET, suffix, {"name": name, "description": f"Quality rules of {q.database}.{q.table}: {what}", "ruleset": text,
                                                  "target_table": target, "tags": dict(tags)}, after=["table"])
                for suffix, name, text, what in made]  # fmt: skip
    return [*children, Child(tokens.SCHEDULE, f"{base}-schedule", schedule, after=[suffix for suffix, *_ in made])]


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
