"""`meshplane status` on the emulator: fresh, stale and never-written products, alarm states, stored quality results,
and the readers they put at risk with the path, in a constant number of API calls per product."""

from __future__ import annotations

import datetime
import json

from meshplane import cli
from meshplane.compose.locate import location
from meshplane.compose.monitoring import quality_name, quality_role_arn
from meshplane.registrations.project import open_project

FAILING = "podcasts/podcast-plays"
EMPTY = "podcasts/released-episodes"
ALARMED = "users/play-events"


def _deploy_data(project, admin, other) -> tuple[dict[str, str], datetime.datetime]:
    """A bucket for every product of the local stack with one data object (the empty one aside), a failed quality
    result stored for one, and freshness alarms: one in ALARM, one never evaluated."""
    loaded = open_project(project, stack="local")
    settings = loaded.settings
    buckets = {}
    roles: set[str] = set()
    for address, declared in loaded.mesh.products.items():
        where = location(settings, declared, declared.spec.output.version)
        client = admin if where.account == settings.account_id else other
        s3 = client("s3")
        s3.create_bucket(Bucket=where.bucket)
        buckets[address] = where.bucket
        if address != EMPTY:
            s3.put_object(Bucket=where.bucket, Key="day=2026-12-07/part-0.parquet", Body=b"rows")
        s3.put_object(Bucket=where.bucket, Key="_meshplane/manifest.json", Body=b"{}")  # never counts as a write
        if address == FAILING:  # stored by the domain's quality role
            s3.put_object(Bucket=where.bucket, Key="_meshplane/quality/1/run-1.json", Body=json.dumps({"failed": True}).encode())
        # status reads each product as its domain's quality role, through the product's access point
        role = quality_role_arn(settings, declared.domain).rsplit("/", 1)[1]
        if role not in roles:
            client("iam").create_role(RoleName=role, AssumeRolePolicyDocument="{}")
            roles.add(role)
        client("s3control").create_access_point(AccountId=where.account, Name=quality_name(settings, declared, declared.spec.output.version), Bucket=where.bucket)
    cloudwatch = admin("cloudwatch")
    for address in (ALARMED, "users/profile-updates"):
        cloudwatch.put_metric_alarm(
            AlarmName=f"{buckets[address]}-freshness", MetricName="PutRequests", Namespace="AWS/S3", Statistic="Sum",
            Period=3600, EvaluationPeriods=2, Threshold=1, ComparisonOperator="LessThanThreshold",
        )  # fmt: skip
    cloudwatch.set_alarm_state(AlarmName=f"{buckets[ALARMED]}-freshness", StateValue="ALARM", StateReason="nothing written")
    return buckets, datetime.datetime.now(datetime.timezone.utc)


def _status(endpoint, at: datetime.datetime, capsys, *more) -> tuple[int, dict]:
    code = cli.main(["status", "--stack", "local", "--endpoint", endpoint, "--format", "json", "--at", at.isoformat(), *more])
    out = capsys.readouterr().out
    return code, {p["product"]: p for p in json.loads(out)["products"]} | {"_": json.loads(out)}


def test_status_tells_fresh_stale_never_written_and_failing_with_the_readers_at_risk(project, endpoint, admin, other, monkeypatch, capsys):
    monkeypatch.chdir(project)
    _, written = _deploy_data(project, admin, other)

    code, soon = _status(endpoint, written + datetime.timedelta(hours=1), capsys)
    assert code == 1  # released-episodes was never written, podcast-plays' last quality run failed
    assert soon[EMPTY]["state"] == "never written"
    assert (soon[FAILING]["state"], soon[FAILING]["quality"]) == ("fresh", "failed")
    assert soon["artists/artist-profiles"]["state"] == "fresh" and soon["artists/artist-profiles"]["quality"] == "none stored"
    assert soon[ALARMED]["alarm"] == "ALARM"
    assert soon["users/profile-updates"]["alarm"] == "not evaluated"  # the emulator never evaluates alarms
    assert soon["artists/artist-royalties"]["alarm"] == "no alarm"
    assert {"path": ["podcasts/listener-demographics", FAILING], "because": "quality failed"} in soon["podcasts/listener-demographics"]["at_risk"]
    assert {"path": ["playlists/recommended-playlists", EMPTY], "because": "never written"} in soon["playlists/recommended-playlists"]["at_risk"]
    assert soon[ALARMED]["at_risk"] == []

    code, later = _status(endpoint, written + datetime.timedelta(hours=3), capsys)  # play-events promises 2 hours
    assert later[ALARMED]["state"] == "stale" and later[ALARMED]["age_hours"] >= 3
    assert later["users/profile-updates"]["state"] == "fresh"  # promises 24
    assert {"path": ["playlists/recommended-playlists", "playlists/listener-taste", ALARMED], "because": "stale"} in (
        later["playlists/recommended-playlists"]["at_risk"]
    )
    # an AssumeRole per domain, one listing per bucket, one alarm listing per account, a read per stored quality result
    report = later["_"]
    assert report["calls"] == len({a.split("/")[0] for a in later if a != "_"}) + len(later) - 1 + 2 + 1


def test_status_before_anything_was_written_is_never_written_everywhere(project, endpoint, admin, other, monkeypatch, capsys):
    monkeypatch.chdir(project)
    _, written = _deploy_data(project, admin, other)
    code, before = _status(endpoint, written - datetime.timedelta(hours=1), capsys, "--domain", "users")
    assert code == 1
    assert sorted(k for k in before if k != "_") == ["users/play-events", "users/profile-updates"]
    assert {p["state"] for k, p in before.items() if k != "_"} == {"never written"}


def test_status_text_names_each_product_and_its_paths_at_risk(project, endpoint, admin, other, monkeypatch, capsys):
    monkeypatch.chdir(project)
    _, written = _deploy_data(project, admin, other)
    code = cli.main(["status", "--stack", "local", "--endpoint", endpoint, "--at", (written + datetime.timedelta(hours=3)).isoformat()])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert any(line.startswith("users/play-events: stale; last write ") and "promises 2 h" in line for line in lines)
    assert "  at risk: playlists/recommended-playlists <- playlists/listener-taste <- users/play-events (stale)" in lines
    assert lines[-1].startswith("status: 10 product(s) as of ") and "1.7 API calls per product read" in lines[-1]


def test_a_time_that_is_not_one_is_a_usage_error(capsys):
    try:
        cli.main(["status", "--at", "yesterday"])
    except SystemExit as exc:
        assert exc.code == 2
    assert "expected an ISO 8601 time such as 2026-12-07T12:00:00Z, got 'yesterday'" in capsys.readouterr().err


def test_a_product_its_quality_role_may_not_list_is_one_located_line(project, endpoint, admin, other, monkeypatch, capsys):
    monkeypatch.chdir(project)
    buckets, written = _deploy_data(project, admin, other)
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{buckets[FAILING]}"}
    admin("s3").put_bucket_policy(Bucket=buckets[FAILING], Policy=json.dumps({"Version": "2012-10-17", "Statement": [deny]}))
    code = cli.main(["status", "--stack", "local", "--endpoint", endpoint, "--at", written.isoformat()])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert err[1:] == ["1 problem(s) found"]  # no traceback
    assert err[0].startswith("domains/podcasts/products/podcast-plays.yaml:7: error: podcasts/podcast-plays: the domain's quality role cannot ListObjectsV2 on ")
    assert err[0].endswith(f"s3://{buckets[FAILING]}/ through its access point (AccessDenied)")
