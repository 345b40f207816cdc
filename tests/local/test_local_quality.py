"""`meshplane test`'s evaluation: a port's rules measured by DuckDB on the objects read from S3 (moto), within a read
bound, with what a sample cannot tell "not decided", and the result stored beside the data."""

from __future__ import annotations

import datetime
import json
import tempfile
from pathlib import Path

import boto3
import duckdb
import pytest
from moto import mock_aws

from meshplane.declarations.spec import OutputPort, QualityRule
from meshplane.local import quality

BUCKET = "daff-local-users-play-events"
PORT = OutputPort.model_validate({
    "columns": [
        {"name": "listener_id", "type": "string", "description": "Listener.", "nullable": False},
        {"name": "device", "type": "string", "description": "Device.", "quality": [
            {"metric": "invalidValues", "arguments": {"validValues": ["mobile", "car"]}, "mustBeLessThan": 10, "unit": "percent"}]},
        {"name": "played_seconds", "type": "int", "description": "Seconds.", "quality": [
            {"type": "sql", "query": "SELECT COUNT(*) FROM ${table} WHERE ${column} < 0", "mustBe": 0, "name": "no negative play"}]},
    ],
    "partitions": [{"name": "play_date", "type": "date", "description": "Day."}],
    "quality": [
        {"metric": "rowCount", "mustBeGreaterOrEqualTo": 3, "name": "enough plays"},
        {"metric": "duplicateValues", "arguments": {"properties": ["listener_id", "played_seconds"]}, "mustBe": 0},
        {"type": "text", "description": "Reconciled by hand."},
    ],
})  # fmt: skip


def parquet(rows: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "part.parquet"
        duckdb.sql(f"COPY (SELECT * FROM (VALUES {rows}) AS t(listener_id, device, played_seconds)) TO '{target}' (FORMAT parquet)")
        return target.read_bytes()


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-1")
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        yield client


def outcomes(report: quality.Report) -> dict[str, tuple[str, float | None]]:
    return {f"{c.where}: {c.rule}": (c.outcome.value, c.value) for c in report.checked}


GOOD = "('a', 'mobile', 30), ('b', 'car', 40), ('c', 'mobile', 50)"


def test_good_data_passes_and_each_rule_says_its_measure(s3):
    s3.put_object(Bucket=BUCKET, Key="play_date=2026-12-06/part.parquet", Body=parquet("(NULL, 'mobile', -1)"))  # older: out of scope
    s3.put_object(Bucket=BUCKET, Key="play_date=2026-12-07/part.parquet", Body=parquet(GOOD))
    report = quality.run(s3, "users/play-events", 1, PORT, BUCKET)
    assert report.scope.prefix == "play_date=2026-12-07/" and not report.scope.sampled
    assert outcomes(report) == {
        "port: enough plays": ("passed", 3.0),
        "port: duplicateValues": ("passed", 0.0),
        "port: Reconciled by hand.": ("not evaluated", None),
        "column listener_id: listener_id is never null (nullable: false)": ("passed", 0.0),
        "column device: invalidValues": ("passed", 0.0),
        "column played_seconds: no negative play": ("passed", 0.0),
    }
    assert not report.failed
    (stored,) = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="_meshplane/quality/1/")["Contents"]]
    assert json.loads(s3.get_object(Bucket=BUCKET, Key=stored)["Body"].read())["rules"][0]["outcome"] == "passed"


def test_bad_data_fails_naming_the_rule_and_the_numbers(s3):
    bad = "(NULL, 'mobile', 30), ('b', 'tram', -5), ('b', 'tram', -5)"
    s3.put_object(Bucket=BUCKET, Key="play_date=2026-12-07/part.parquet", Body=parquet(bad))
    report = quality.run(s3, "users/play-events", 1, PORT, BUCKET)
    assert report.failed
    found = outcomes(report)
    assert found["column listener_id: listener_id is never null (nullable: false)"] == ("failed", 1.0)
    assert found["port: duplicateValues"] == ("failed", 1.0)
    assert found["column played_seconds: no negative play"] == ("failed", 2.0)
    assert found["column device: invalidValues"][0] == "failed" and found["column device: invalidValues"][1] == pytest.approx(66.666, abs=0.01)
    assert "FAILED        error   column played_seconds: no negative play: measured 2, expected = 0" in quality.text([report])
    assert '<failure message="measured 2.0, expected = 0"/>' in quality.junit([report])


def test_too_few_rows_fail(s3):
    s3.put_object(Bucket=BUCKET, Key="play_date=2026-12-07/part.parquet", Body=parquet("('a', 'car', 1)"))
    assert outcomes(quality.run(s3, "users/play-events", 1, PORT, BUCKET))["port: enough plays"] == ("failed", 1.0)


def test_a_sample_decides_percentages_only(s3):
    for i in range(3):
        s3.put_object(Bucket=BUCKET, Key=f"play_date=2026-12-07/part-{i}.parquet", Body=parquet(GOOD))
    report = quality.run(s3, "users/play-events", 1, PORT, BUCKET, bound=1)  # one object: the first is always read
    assert report.scope.sampled and len(report.scope.keys) == 1
    found = outcomes(report)
    assert found["port: enough plays"] == ("not decided", 3.0)
    assert found["port: duplicateValues"][0] == "not decided"
    assert found["column device: invalidValues"] == ("passed", 0.0)
    assert not report.failed


def test_nothing_written_is_no_data(s3):
    report = quality.run(s3, "users/play-events", 1, PORT, BUCKET, store=False)
    assert {c.outcome.value for c in report.checked} == {"no data", "not evaluated"}
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)


def test_no_rule_reads_a_file_even_one_the_declarations_would_have_refused(tmp_path):
    (tmp_path / "data.parquet").write_bytes(parquet(GOOD))
    (tmp_path / "secret.parquet").write_bytes(parquet(GOOD))
    query = f"SELECT COUNT(*) FROM read_parquet('{tmp_path / 'secret.parquet'}')"
    sneaky = QualityRule.model_construct(**{**QualityRule(type="sql", query="SELECT 1 FROM ${table}", mustBe=3).__dict__, "query": query})
    port = OutputPort.model_construct(**{**PORT.__dict__, "quality": (sneaky,), "columns": PORT.columns[:1], "partitions": ()})
    checked = {c.rule: c for c in quality.evaluate(port, [tmp_path / "data.parquet"], sampled=False)}
    assert checked[f"sql: {query}"].outcome.value == "failed"
    assert "Permission Error" in checked[f"sql: {query}"].note


def test_a_sql_rule_compares_its_value_with_a_string_or_a_boolean(tmp_path):
    port = OutputPort.model_validate({
        "columns": [{"name": "device", "type": "string", "description": "Device.", "quality": [
            {"type": "sql", "query": "SELECT MAX(${column}) FROM ${table}", "mustBe": "mobile", "name": "last device"},
            {"type": "sql", "query": "SELECT MIN(${column}) FROM ${table}", "mustNotBe": "car", "name": "first device"}]}],
        "quality": [{"type": "sql", "query": "SELECT BOOL_AND(device IS NOT NULL) FROM ${table}", "mustBe": True, "name": "all known"}],
    })  # fmt: skip
    target = tmp_path / "part.parquet"
    duckdb.sql(f"COPY (SELECT * FROM (VALUES ('car'), ('mobile'), (NULL)) AS t(device)) TO '{target}' (FORMAT parquet)")
    checked = {c.rule: c for c in quality.evaluate(port, [target], sampled=False)}
    assert {name: (c.outcome.value, c.value) for name, c in checked.items()} == {
        "all known": ("failed", 0.0), "last device": ("passed", 1.0), "first device": ("failed", 1.0)}
    assert checked["last device"].expected == "= 'mobile' (1 when the query's value is 'mobile')"


def test_each_stored_result_is_counted_for_the_freshness_alarm_to_take_off_the_writes(s3):
    """The alarm watches the bucket's PUTs minus the results `test` stored (components.monitoring.freshness_alarm): each
    stored result adds 1 to RESULTS_METRIC for its bucket; a run that stores nothing counts nothing."""
    cloudwatch = boto3.client("cloudwatch", region_name="eu-west-1")
    s3.put_object(Bucket=BUCKET, Key="play_date=2026-12-07/part.parquet", Body=parquet(GOOD))
    quality.run(s3, "users/play-events", 1, PORT, BUCKET, cloudwatch=cloudwatch)
    quality.run(s3, "users/play-events", 1, PORT, BUCKET, store=False, cloudwatch=cloudwatch)
    (metric,) = cloudwatch.list_metrics(Namespace="meshplane/quality")["Metrics"]
    assert (metric["MetricName"], metric["Dimensions"]) == ("ResultsWritten", [{"Name": "BucketName", "Value": BUCKET}])
    now = datetime.datetime.now(datetime.UTC)
    (point,) = cloudwatch.get_metric_statistics(Namespace="meshplane/quality", MetricName="ResultsWritten", Statistics=["Sum"], Period=3600,
                                                Dimensions=metric["Dimensions"], StartTime=now - datetime.timedelta(hours=1),
                                                EndTime=now + datetime.timedelta(minutes=1))["Datapoints"]  # fmt: skip
    assert point["Sum"] == 1


def test_a_partition_keys_rules_are_measured_on_the_keys_folders_and_no_key_leaves_the_folder(s3):
    keyed = PORT.model_copy(update={"partitions": (OutputPort.model_validate({"columns": [{
        "name": "play_date", "type": "date", "description": "Day.", "nullable": False,
        "quality": [{"metric": "invalidValues", "arguments": {"validValues": ["2026-12-07"]}, "mustBe": 0}]}]}).columns[0],)})  # fmt: skip
    s3.put_object(Bucket=BUCKET, Key="play_date=2026-12-07/part.parquet", Body=parquet(GOOD))
    found = outcomes(quality.run(s3, "users/play-events", 1, keyed, BUCKET))
    assert found["column play_date: invalidValues"] == ("passed", 0.0)
    assert found["column play_date: play_date is never null (nullable: false)"] == ("passed", 0.0)
    s3.put_object(Bucket=BUCKET, Key="play_date=2026-12-08/../../../escape/part.parquet", Body=parquet(GOOD))
    found = outcomes(quality.run(s3, "users/play-events", 1, keyed, BUCKET))
    assert found["column play_date: invalidValues"] == ("failed", 3.0)  # the newest partition, read from its own folder
