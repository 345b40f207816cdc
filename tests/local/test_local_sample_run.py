"""What `make run` ends with, on the sample against a moto server: `up --local --data --test --status` writes every
served product's sample rows as its job role, every quality rule passes and every product is fresh; before the data,
status finds every product never written; bad rows written as a job role (nulls where none are allowed, a duplicate,
then a partition of no rows) fail `meshplane test`, naming the rules and their numbers."""

from __future__ import annotations

import dataclasses
import datetime
import re

import pytest
from localkit import ROOT

from meshplane.declarations.ids import product_id
from meshplane.declarations.resolve import resolve
from meshplane.local import sample_data, sample_rows
from meshplane.local.emulator import connect_all
from meshplane.registrations.project import open_project

pytestmark = pytest.mark.slow


def test_the_sample_ends_with_data_in_every_product_fresh_and_passing(deployed, endpoint, command, tmp_path):
    status, out, err = command("status", "--env", "local", "--endpoint", endpoint)
    assert status == 1 and "10 product(s)" in out and "10 stale, failing or never written" in out, out + err

    status, out, err = command("up", "--local", "--env", "local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"),
                               "--data", "--test", "--status")  # fmt: skip
    assert status == 0, out + err
    assert "data: 10 products written by their job roles (1,000 rows," in out
    written = [line for line in out.splitlines() if line.startswith("data: ") and line.endswith(" as its job role")]
    assert len(written) == 10 and "data: users/play-events v1: 100 rows, " in out and "/play_date=" in out
    results = re.findall(r"^  (PASSED|FAILED|NOT DECIDED|NOT EVALUATED|NO DATA) ", out, re.MULTILINE)
    assert results and set(results) <= {"PASSED", "NOT EVALUATED"}, out
    assert "PASSED        error   column played_seconds: no negative play: measured 0, expected = 0" in out
    assert "10 product(s) as of " in out and ", 0 stale, failing or never written" in out
    assert out.count(" fresh") >= 10


def test_bad_rows_written_by_the_job_role_fail_test_with_each_rule_and_its_numbers(deployed, endpoint, command):
    project = open_project(ROOT, stack="local")
    (declared,) = [p for p in sample_data.served(project) if p.address == "users/play-events"]
    port = resolve(declared.spec, "local").output
    good = sample_rows.sample(port, sample_rows.seed_of(product_id(declared.address), port.version), datetime.datetime.now(datetime.UTC))
    listener = [name for name, _ in good.columns].index("listener_id")
    nulls = [tuple(None if i == listener else v for i, v in enumerate(row)) for row in good.rows[:3]]
    rows = (*nulls, *good.rows[3:], good.rows[3])  # three nulls in a column that allows none, one row twice
    bad = dataclasses.replace(good, rows=rows, partition=(("play_date", datetime.date(2099, 1, 1)),))
    sample_data.put_as_job(project, connect_all(endpoint, project.settings), declared, bad.key(), bad.encode())

    status, out, err = command("test", "--env", "local", "--product", "users/play-events", "--endpoint", endpoint)
    assert status == 1, out + err
    assert "/play_date=2099-01-01/ (1 object(s)" in out
    assert "FAILED        error   column listener_id: nullValues: measured 3, expected = 0" in out
    assert "FAILED        error   port: duplicateValues: measured 1, expected = 0" in out
    assert "PASSED        error   port: some plays: measured 101, expected > 0" in out
    assert "test: an error rule failed in users/play-events" in err

    empty = dataclasses.replace(good, rows=(), partition=(("play_date", datetime.date(2099, 2, 1)),))  # too few rows: none
    sample_data.put_as_job(project, connect_all(endpoint, project.settings), declared, empty.key(), empty.encode())
    status, out, err = command("test", "--env", "local", "--product", "users/play-events", "--endpoint", endpoint)
    assert status == 1, out + err
    assert "/play_date=2099-02-01/ (1 object(s)" in out
    assert "FAILED        error   port: some plays: measured 0, expected > 0" in out
