"""`meshplane test` against the emulator: a product's rules on the objects of its bucket, each rule with its measure,
exit 1 on a failed error rule, the result stored beside the data; a product it cannot name is a usage error.

It acts as the domain's quality role (assumed, through the access point made for it), on data the product's own job
role wrote to the deployed bucket: the emulator judges the bucket and access point policies' conditions."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import duckdb
from localkit import ROOT

from meshplane.compose.locate import location
from meshplane.compose.monitoring import quality_name
from meshplane.local.emulator import connect
from meshplane.registrations.project import open_project


def bucket_of(address: str) -> str:
    project = open_project(ROOT, stack="local")
    declared = project.mesh.products[address]
    return location(project.settings, declared, declared.spec.output.version).bucket


def parquet(select: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "part.parquet"
        duckdb.sql(f"COPY ({select}) TO '{target}' (FORMAT parquet)")
        return target.read_bytes()


ROWS = ("SELECT * FROM (VALUES {rows}) AS t(listener_id, track_id, artist_id, played_at, played_seconds, device)")


JOB = "arn:aws:iam::123456789012:role/daff-local-users-play-events-job"


def as_job(endpoint: str):
    aws = connect(endpoint, "us-east-1", "123456789012")
    return aws.as_credentials(aws.client("sts").assume_role(RoleArn=JOB, RoleSessionName="job")["Credentials"]).client("s3")


def test_bad_data_fails_with_each_rule_and_its_numbers(deployed, endpoint, command):
    bucket, job = bucket_of("users/play-events"), as_job(endpoint)
    rows = ("(NULL, 't1', 'a1', TIMESTAMP '2026-12-07 10:00:00', 30, 'mobile'), ('l2', 't1', 'a1', TIMESTAMP '2026-12-07 10:00:00', -4, 'tram'), "
            "('l2', 't1', 'a1', TIMESTAMP '2026-12-07 10:00:00', -4, 'tram')")  # fmt: skip
    job.put_object(Bucket=bucket, Key="play_date=2026-12-07/part.parquet", Body=parquet(ROWS.format(rows=rows)))
    status, out, err = command("test", "--env", "local", "--product", "users/play-events", "--endpoint", endpoint)
    assert status == 1, err
    assert "FAILED        error   column listener_id: nullValues: measured 1, expected = 0" in out
    assert "FAILED        error   port: duplicateValues: measured 1, expected = 0" in out
    assert "FAILED        error   column played_seconds: no negative play: measured 2, expected = 0" in out
    assert "PASSED        error   port: some plays: measured 3, expected > 0" in out
    assert "test: an error rule failed in users/play-events" in err
    stored = job.list_objects_v2(Bucket=bucket, Prefix="_meshplane/quality/1/")["Contents"]  # written by the quality role
    assert json.loads(job.get_object(Bucket=bucket, Key=stored[0]["Key"])["Body"].read())["failed"] is True

    good = "('l1', 't1', 'a1', TIMESTAMP '2026-12-07 11:00:00', 30, 'mobile')"
    job.put_object(Bucket=bucket, Key="play_date=2026-12-08/part.parquet", Body=parquet(ROWS.format(rows=good)))
    status, out, err = command("test", "--env", "local", "--product", "play-events", "--endpoint", endpoint, "--format", "junit")
    assert status == 0, out
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="meshplane test" tests="5" failures="0" skipped="0">')


def test_an_unknown_product_is_a_usage_error_and_an_undeployed_one_a_problem(endpoint, command, monkeypatch):
    monkeypatch.chdir(ROOT)
    status, _, err = command("test", "--env", "local", "--product", "users/play-event", "--endpoint", endpoint)
    assert (status, err.splitlines()[0]) == (2, "--product:1: error: 'users/play-event' is no served product of stack local (did you mean "
                                                 "'users/play-events'?)")  # fmt: skip
    status, _, err = command("test", "--env", "local", "--product", "users/play-events", "--endpoint", endpoint)
    assert status == 1
    assert f"users/play-events: cannot read s3://{bucket_of('users/play-events')}/ (NoSuchAccessPoint): is the stack deployed?" in err


def test_a_quality_role_that_cannot_read_fails_in_one_located_line(deployed, endpoint, admin, command):
    """The run proves the role's access: with its access point's policy naming another principal, its first call, the
    listing through the access point, is refused (the emulator judges listings as AWS does)."""
    as_job(endpoint).put_object(Bucket=bucket_of("users/play-events"), Key="play_date=2026-12-07/part.parquet",
                                Body=parquet(ROWS.format(rows="('l1', 't1', 'a1', TIMESTAMP '2026-12-07 11:00:00', 30, 'mobile')")))  # fmt: skip
    project = open_project(ROOT, stack="local")
    point = quality_name(project.settings, project.mesh.products["users/play-events"], 1)
    policy = admin("s3control").get_access_point_policy(AccountId="123456789012", Name=point)["Policy"]
    admin("s3control").put_access_point_policy(AccountId="123456789012", Name=point, Policy=policy.replace("daff-local-users-quality", "daff-local-users-other"))
    status, out, err = command("test", "--env", "local", "--product", "users/play-events", "--endpoint", endpoint)
    assert (status, out) == (1, "")
    line = project.mesh.products["users/play-events"].source.line_of(("output",))
    assert err.splitlines() == [
        f"domains/users/products/play-events.yaml:{line}: error: users/play-events: the domain's quality role cannot ListObjectsV2 on "
        f"s3://{bucket_of('users/play-events')}/ through its access point (AccessDenied)",
        "1 problem(s) found",
    ]
