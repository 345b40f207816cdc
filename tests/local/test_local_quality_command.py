"""`meshplane test` against the emulator: a product's rules on the objects of its bucket, each rule with its measure,
exit 1 on a failed error rule, the result stored beside the data; a product it cannot name is a usage error.

The deployed bucket's policy Denies object calls whose conditions moto cannot judge (NOTES: a conditional Deny always
applies in moto), so the bucket here is created bare, with the name the stack gives it."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import duckdb
from localkit import ROOT

from meshplane.compose.locate import location
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


def test_bad_data_fails_with_each_rule_and_its_numbers(endpoint, admin, command, monkeypatch):
    monkeypatch.chdir(ROOT)
    bucket = bucket_of("users/play-events")
    admin("s3").create_bucket(Bucket=bucket)
    rows = ("(NULL, 't1', 'a1', TIMESTAMP '2026-12-07 10:00:00', 30, 'mobile'), ('l2', 't1', 'a1', TIMESTAMP '2026-12-07 10:00:00', -4, 'tram'), "
            "('l2', 't1', 'a1', TIMESTAMP '2026-12-07 10:00:00', -4, 'tram')")  # fmt: skip
    admin("s3").put_object(Bucket=bucket, Key="play_date=2026-12-07/part.parquet", Body=parquet(ROWS.format(rows=rows)))
    status, out, err = command("test", "--env", "local", "--product", "users/play-events", "--endpoint", endpoint)
    assert status == 1, err
    assert "FAILED        error   column listener_id: nullValues: measured 1, expected = 0" in out
    assert "FAILED        error   port: duplicateValues: measured 1, expected = 0" in out
    assert "FAILED        error   column played_seconds: no negative play: measured 2, expected = 0" in out
    assert "PASSED        error   port: some plays: measured 3, expected > 0" in out
    assert "test: an error rule failed in users/play-events" in err
    stored = admin("s3").list_objects_v2(Bucket=bucket, Prefix="_meshplane/quality/1/")["Contents"]
    assert json.loads(admin("s3").get_object(Bucket=bucket, Key=stored[0]["Key"])["Body"].read())["failed"] is True

    good = "('l1', 't1', 'a1', TIMESTAMP '2026-12-07 11:00:00', 30, 'mobile')"
    admin("s3").put_object(Bucket=bucket, Key="play_date=2026-12-08/part.parquet", Body=parquet(ROWS.format(rows=good)))
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
    assert f"users/play-events: cannot read s3://{bucket_of('users/play-events')}/ (NoSuchBucket): is the stack deployed?" in err
