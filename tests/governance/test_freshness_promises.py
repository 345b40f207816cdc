"""Freshness and availability against the schedule and the lineage (MESH-017 to MESH-021), through `validate`."""

from __future__ import annotations

import govkit as k
from test_evaluate import PLAYS, write_mesh

from meshplane import cli
from meshplane.cloud.quotas import QUOTAS
from meshplane.declarations.problems import Severity
from meshplane.governance.baseline import Baseline
from meshplane.governance.evaluate import evaluate_mesh

LISTENS = "domains/users/products/play-events.yaml"


def _validate(tmp_path, monkeypatch, capsys, listens: dict, plays: dict) -> tuple[int, list[str]]:
    monkeypatch.chdir(tmp_path)
    write_mesh(tmp_path, ("users", listens), ("podcasts", plays))
    code = cli.main(["validate", "--env", "prod"])
    return code, capsys.readouterr().err.splitlines()


def _line(text: str, key: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.strip().startswith(key))


def test_a_daily_job_promising_one_hour_is_refused_at_its_line(tmp_path, monkeypatch, capsys):
    listens = k.listens()
    listens["service_levels"]["freshness_hours"] = 1  # on the default schedule, daily at 03:00
    code, err = _validate(tmp_path, monkeypatch, capsys, listens, k.plays())
    text = k.product_text(listens)
    assert code == 1
    assert err[0] == (
        f"{LISTENS}:{_line(text, 'freshness_hours')}: MESH-017 error: freshness_hours 1 promises fresher data than the job's "
        "schedule in prod gives: '0 3 * * *' (the default) leaves up to 24 h between two runs; "
        "promise at least 24 or run the job more often"
    )


def test_a_product_fresher_than_its_inputs_is_refused_naming_them_and_the_numbers(tmp_path, monkeypatch, capsys):
    plays = k.plays()
    plays["service_levels"]["freshness_hours"] = 30
    plays["job"]["schedule"] = "0 */12 * * *"
    code, err = _validate(tmp_path, monkeypatch, capsys, k.listens(), plays)
    text = k.product_text(plays)
    assert code == 1
    assert err == [
        f"{PLAYS}:{_line(text, 'freshness_hours')}: MESH-018 error: freshness_hours 30 promises fresher data than its inputs "
        f"allow in prod: users/play-events promises 24 h; with up to 12 h between runs of '0 */12 * * *' (line "
        f"{_line(text, 'schedule')}) the data can be 24 + 12 = 36 h old; promise at least 36, or run the job more often",
        "1 governance finding(s): 1 mandatory, 0 advisory",
    ]


def test_a_producers_looser_promise_is_the_consumers_warning_given_a_base():
    listens = k.listens()
    listens["service_levels"]["freshness_hours"] = 30
    mesh = k.build_mesh(("users", listens), ("podcasts", k.plays()))
    fed = k.federation()
    base = Baseline.of(k.mesh(), fed.open_classifications)
    [warning] = evaluate_mesh(mesh, fed, "prod", base)
    assert (warning.rule, warning.severity, warning.path) == ("MESH-019", Severity.warning, PLAYS)
    assert "input 'users/play-events' now promises 30 h (was 24 h)" in warning.message and "54 h old" in warning.message
    [error] = evaluate_mesh(mesh, fed, "prod")  # no base: nobody can tell whose change it is
    assert (error.rule, error.severity) == ("MESH-018", Severity.error)


def test_a_suspended_job_promises_nothing(tmp_path, monkeypatch, capsys):
    plays = k.plays()
    plays["service_levels"]["freshness_hours"] = 1
    plays["job"]["suspended"] = True
    assert _validate(tmp_path, monkeypatch, capsys, k.listens(), plays) == (0, [])


def test_a_schedule_that_never_runs_is_refused_at_its_line(tmp_path, monkeypatch, capsys):
    plays = k.plays()
    plays["job"]["schedule"] = "0 0 31 2 *"
    code, err = _validate(tmp_path, monkeypatch, capsys, k.listens(), plays)
    assert code == 1
    assert err[0] == (
        f"{PLAYS}:{_line(k.product_text(plays), 'schedule')}: error: job.schedule: '0 0 31 2 *' never runs: no month '2' has "
        "a day '31' (and the day of week does not widen it)"
    )


def test_a_promise_beyond_what_an_alarm_watches_is_refused_with_the_quotas_page(tmp_path, monkeypatch, capsys):
    plays = k.plays()
    plays["job"]["schedule"] = "0 0 * * 0"
    plays["service_levels"]["freshness_hours"] = 200
    code, err = _validate(tmp_path, monkeypatch, capsys, k.listens(), plays)
    row = QUOTAS["cloudwatch.alarm-evaluation-range"]
    assert (row.default, row.unit.value, row.adjustable) == (7 * 24 * 3600, "seconds", False)
    assert code == 1
    assert err[0].endswith(
        "MESH-021 error: freshness_hours 200 is beyond what a CloudWatch alarm can watch: it evaluates at most 168 hours "
        f"(cloudwatch.alarm-evaluation-range, {row.source}); promise at most 168 and run the job at least that often"
    )
    assert row.source == "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"


def test_the_baseline_of_a_snapshot_knows_each_products_promise():
    snapshot = {
        "products": {
            "users/play-events": {"spec": {"service_levels": {"freshness_hours": 2, "availability": 99.9}}},
            "users/profile-updates": {"spec": {"service_levels": None}},
        }
    }
    assert Baseline.of_snapshot(snapshot).freshness == {"users/play-events": 2}
