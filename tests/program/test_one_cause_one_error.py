"""One cause, one error, at its line: each mistake a team makes on a copy of the sample is one located line (or one per
repeat), never a second error blamed on a file that did nothing wrong, never a line of a file nobody named.

The command line's own mistakes (`--env`, `--stack`, `--domain`) are usage errors located at the option, with a
did-you-mean, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitkit import ROOT, meshplane, project_copy

PLAYS = "domains/users/products/play-events.yaml"


@pytest.fixture
def copy(tmp_path) -> Path:
    return project_copy(tmp_path / "project")


def errors(root: Path, monkeypatch, capsys, *args: str) -> tuple[int, list[str]]:
    """The command's exit status and its stderr, which must be located lines (and their count) only."""
    code, _, err = meshplane(root, monkeypatch, capsys, *args)
    lines = err.splitlines()
    assert "Traceback" not in err and all(": error: " in line or line.endswith("problem(s) found") for line in lines), lines
    return code, [line for line in lines if ": error: " in line]


def test_a_name_that_differs_from_its_file_is_one_error_not_its_consumers(copy, monkeypatch, capsys):
    (copy / PLAYS).write_text((copy / PLAYS).read_text().replace("\nname: play-events\n", "\nname: play-event\n"))
    expected = [f"{PLAYS}:2: error: product name 'play-event' differs from its file name 'play-events'"]
    for scope in ((), ("--domain", "artists"), ("--domain", "users")):  # its consumers' own runs too
        assert errors(copy, monkeypatch, capsys, "validate", "--env", "prod", *scope) == (1, expected)


def test_a_copied_file_blames_the_copy_only(copy, monkeypatch, capsys):
    (copy / "domains/users/products/play-events-copy.yaml").write_text((copy / PLAYS).read_text())
    assert errors(copy, monkeypatch, capsys, "validate", "--env", "prod") == (
        1,
        ["domains/users/products/play-events-copy.yaml:2: error: product name 'play-events' differs from its file name 'play-events-copy'"],
    )


def test_each_repeated_column_is_reported_at_its_own_line(copy, monkeypatch, capsys):
    text = (copy / PLAYS).read_text().replace("    - name: device\n", "    - name: track_id\n").replace("    - name: play_date\n", "    - name: listener_id\n")
    (copy / PLAYS).write_text(text)
    assert errors(copy, monkeypatch, capsys, "validate", "--env", "prod") == (1, [
        f"{PLAYS}:36: error: output.columns.5.name: column 'track_id' is declared twice in this port (first as its column 2)",
        f"{PLAYS}:46: error: output.partitions.0.name: column 'listener_id' is declared twice in this port (first as its column 1)",
    ])  # fmt: skip


def test_a_yaml_file_in_capitals_is_refused_at_its_path_and_nothing_else(copy, monkeypatch, capsys):
    (copy / PLAYS).rename(copy / "domains/users/products/play-events.YAML")
    (copy / "stacks/Pulumi.staging.yaml").rename(copy / "stacks/Pulumi.staging.yml")
    assert errors(copy, monkeypatch, capsys, "validate", "--env", "prod") == (1, [
        "domains/users/products/play-events.YAML:1: error: a YAML file's extension is written in lower case: rename it play-events.yaml (a .YAML file is not read)",
        "stacks/Pulumi.staging.yml:1: error: the Pulumi CLI reads a stack's file as stacks/Pulumi.<stack>.yaml: rename it Pulumi.staging.yaml",
    ])  # fmt: skip  # its consumers, which read users/play-events, are not blamed
    (copy / "governance/federation.yaml").rename(copy / "governance/federation.YAML")
    code, found = errors(copy, monkeypatch, capsys, "graph")  # every problem in one run, the federation's too
    assert code == 1 and len(found) == 3
    assert found[1] == "governance/federation.YAML:1: error: the federation's file is read as federation.yaml: rename it (its decisions are not read)"


COMMAND_LINES = {
    "an unknown domain": (("validate", "--env", "prod", "--domain", "userz"),
                          "--domain:1: error: 'userz' is not a domain of the mesh (did you mean 'users'?) (known: artists, playlists, podcasts, users)"),
    "an unknown environment": (("plan", "--env", "prd"), "--env:1: error: 'prd' is not an environment (did you mean 'prod'?): dev, staging, prod, local"),
    "an unknown environment to diff": (("diff", "--base", "HEAD", "--env", "prd"),
                                       "--env:1: error: 'prd' is not an environment (did you mean 'prod'?): dev, staging, prod, local"),
    "an unknown stack": (("quotas", "--stack", "prod-podcast"),
                         "--stack:1: error: no stack 'prod-podcast' (did you mean 'prod-podcasts'?) (known: dev, local, prod, prod-podcasts, staging)"),
    "a stack of another environment": (("plan", "--env", "dev", "--stack", "prod-podcasts"),
                                       "--env:1: error: stack 'prod-podcasts' deploys environment 'prod', not --env dev"),
    "a domain the stack leaves out": (("validate", "--stack", "prod", "--domain", "podcasts"),
                                      "--domain:1: error: stack 'prod' does not deploy domain 'podcasts': stack 'prod-podcasts' does (--stack prod-podcasts)"),
    "domains of two stacks": (("quotas", "--env", "prod", "--domain", "podcasts", "--domain", "users"),
                              "--domain:1: error: the domains are deployed by different stacks of environment prod (podcasts by prod-podcasts, "
                              "users by prod): name the domains of one stack"),
    "an unknown environment to export": (("export", "odcs", "--env", "prd"),
                                         "--env:1: error: no environment or stack 'prd' (did you mean 'prod'?) (known: dev, local, prod, prod-podcasts, staging)"),
}  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("argv, expected", COMMAND_LINES.values(), ids=COMMAND_LINES.keys())
def test_a_command_lines_mistake_is_located_at_its_option(argv, expected, monkeypatch, capsys):
    code, out, err = meshplane(ROOT, monkeypatch, capsys, *argv)
    assert (code, err) == (2, expected + "\n") and out == ""


def test_an_environments_domain_is_found_in_the_stack_that_deploys_it(monkeypatch, capsys):
    """The README's check before a pull request, for podcasts: prod's podcasts deploy in prod-podcasts."""
    code, out, err = meshplane(ROOT, monkeypatch, capsys, "validate", "--env", "prod", "--domain", "podcasts", "--format", "json")
    assert code == 0, err
    assert __import__("json").loads(out)["stack"] == "prod-podcasts"
