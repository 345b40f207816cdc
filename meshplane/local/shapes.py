"""Pulumi's inputs in the shapes AWS's APIs take and answer, and the listings both the appliers and the readers make."""

from __future__ import annotations

from meshplane.cloud.inventory import whole

FREE_MAPS = frozenset({"parameters", "tags"})  # user data: their keys are not API field names
RENAMES = {"id": "ID", "kmsMasterKeyId": "KMSMasterKeyID", "sseAlgorithm": "SSEAlgorithm", "serDeInfo": "SerdeInfo"}


def shape(value, renames: dict[str, str] = RENAMES):
    """Pulumi's camelCase inputs as AWS API shapes: PascalCase keys, whole numbers as ints; user maps as they are."""
    if isinstance(value, dict):
        return {
            renames.get(k, k[:1].upper() + k[1:]): (dict(v) if k in FREE_MAPS else shape(v, renames)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [shape(v, renames) for v in value]
    return whole(value)


def lf_table(inputs: dict) -> dict:
    """The Lake Formation resource of a permission on a table (or every table of a database)."""
    table = inputs["table"]
    found = {"CatalogId": table["catalogId"], "DatabaseName": table["databaseName"]}
    return {"Table": {**found, **({"TableWildcard": {}} if table.get("wildcard") else {"Name": table["name"]})}}


def list_grants(kms, key: str) -> list[dict]:
    return [g for page in kms.get_paginator("list_grants").paginate(KeyId=key) for g in page["Grants"]]


def iam_tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


def listed_tags(pages) -> dict[str, str]:
    return {t["Key"]: t["Value"] for page in pages for t in page.get("Tags", [])}


def alarm_request(inputs: dict) -> dict:
    """A metric alarm's PutMetricAlarm arguments, from the program's inputs."""

    def query(q: dict) -> dict:
        found = {k: v for k, v in (("Id", q["id"]), ("Expression", q.get("expression")), ("Label", q.get("label"))) if v is not None}
        if q.get("metric"):
            m = q["metric"]
            dimensions = [{"Name": k, "Value": v} for k, v in sorted((m.get("dimensions") or {}).items())]
            found["MetricStat"] = {"Metric": {"Namespace": m["namespace"], "MetricName": m["metricName"], "Dimensions": dimensions},
                                   "Period": whole(m["period"]), "Stat": m["stat"]}  # fmt: skip
        return {**found, "ReturnData": bool(q.get("returnData"))}

    return {
        "AlarmName": inputs["name"],
        "AlarmDescription": inputs.get("alarmDescription", ""),
        "ComparisonOperator": inputs["comparisonOperator"],
        "Threshold": float(inputs["threshold"]),
        "EvaluationPeriods": whole(inputs["evaluationPeriods"]),
        "DatapointsToAlarm": whole(inputs.get("datapointsToAlarm") or inputs["evaluationPeriods"]),
        "TreatMissingData": inputs.get("treatMissingData", "missing"),
        "AlarmActions": list(inputs.get("alarmActions") or ()),
        "Metrics": [query(q) for q in inputs.get("metricQueries") or ()],
    }


def schedule_request(inputs: dict) -> dict:
    target = inputs["target"]
    return {
        "Name": inputs["name"],
        "ScheduleExpression": inputs["scheduleExpression"],
        "ScheduleExpressionTimezone": inputs.get("scheduleExpressionTimezone", "UTC"),
        "State": inputs.get("state", "ENABLED"),
        "Description": inputs.get("description", ""),
        "FlexibleTimeWindow": {"Mode": inputs["flexibleTimeWindow"]["mode"]},
        "Target": {"Arn": target["arn"], "RoleArn": target["roleArn"], **({"Input": target["input"]} if target.get("input") else {})},
    }
