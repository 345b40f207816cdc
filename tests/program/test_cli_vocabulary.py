"""One command-line vocabulary: --env an environment, --stack a stack, --domain repeatable, --format text|json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from meshplane import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sample(monkeypatch):
    monkeypatch.chdir(ROOT)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_env_naming_a_stack_still_works_with_a_warning(sample, capsys):
    code, by_env, err = run(capsys, "plan", "--env", "prod-podcasts", "--format", "json")
    assert code == 0 and "--env prod-podcasts names a stack, not an environment: write --stack prod-podcasts" in err
    code, by_stack, err = run(capsys, "plan", "--stack", "prod-podcasts", "--format", "json")
    assert code == 0 and err == "" and json.loads(by_stack) == json.loads(by_env)
    assert {r["domain"] for r in json.loads(by_stack)["resources"]} == {None, "podcasts"}


def test_a_stack_of_another_environment_than_env_is_refused(sample, capsys):
    code, _, err = run(capsys, "plan", "--stack", "prod-podcasts", "--env", "dev")
    assert code == 2
    assert err == "--env:1: error: stack 'prod-podcasts' deploys environment 'prod', not --env dev\n"


def test_a_domain_named_twice_is_a_usage_error(sample, capsys):
    code, out, _ = run(capsys, "validate", "--env", "prod", "--domain", "users", "--domain", "artists")  # each once: fine
    assert code == 0 and out.startswith("mesh around artists, users: 2 domains")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["validate", "--domain", "users", "--domain", "podcasts", "--domain", "users"])
    assert exit_.value.code == 2
    assert "--domain users is given twice" in capsys.readouterr().err


def test_json_is_an_alias_of_format_json(sample, capsys):
    _, a, _ = run(capsys, "quotas", "--env", "prod", "--json")
    _, b, _ = run(capsys, "quotas", "--env", "prod", "--format", "json")
    assert json.loads(a) == json.loads(b)


def test_a_scoped_validate_says_its_scope(sample, capsys):
    code, out, _ = run(capsys, "validate", "--stack", "prod-podcasts", "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["stack"] == "prod-podcasts" and report["domains"] == ["podcasts"] and report["findings"] == []
    assert report["products"] == 3 and 0 < report["resources"]
    code, out, _ = run(capsys, "validate", "--env", "prod", "--domain", "users")  # its account holds every domain: all composed
    assert code == 0 and out.startswith("mesh around users: 1 domains, 2 products") and "account-wide" not in out
    code, out, _ = run(capsys, "validate", "--env", "local", "--domain", "artists")  # an account of its own, brokers in the cluster's
    assert code == 0 and "the account-wide quotas of 123456789012 are the whole environment's run's" in out


def test_a_broken_mesh_in_json_prints_its_problems_on_stdout(tmp_path, monkeypatch, capsys):
    import shutil

    for name in ("Pulumi.yaml", "governance", "stacks"):
        (tmp_path / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "domains", tmp_path / "domains")
    broken = tmp_path / "domains" / "users" / "products" / "play-events.yaml"
    broken.write_text(broken.read_text() + "colour: blue\n")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "validate", "--env", "prod", "--format", "json")
    assert code == 1
    problems = json.loads(out)["problems"]
    assert ("domains/users/products/play-events.yaml", "error", "unknown key 'colour'") in [(p["path"], p["severity"], p["message"]) for p in problems]
    assert [f"{p['path']}:{p['line']}: error: {p['message']}" for p in problems] == err.splitlines()[:-1]
