"""A withdrawal is the consumer's warning everywhere: a producer withdrawing its agreement never fails its consumer's own
check, with or without `--base`, in a git checkout or outside one; an input a change adds without agreement stays
the mandatory error in prod (the pull request's `--base` run is the gate, and so is the check without it)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from gitkit import commit, edit, git, meshplane, repository

PLAYS = "domains/users/products/play-events.yaml"
ROYALTIES = "domains/artists/products/artist-royalties.yaml"
PODCAST_PLAYS = "domains/podcasts/products/podcast-plays.yaml"
WITHDRAWN = ("consumers:\n  - playlists\n  - artists/artist-royalties\n", "consumers:\n  - playlists\n")


@pytest.fixture
def origin(tmp_path):
    """The team's repository: users/play-events withdraws artists/artist-royalties on main, merged."""
    root = repository(tmp_path)
    edit(root, PLAYS, *WITHDRAWN)
    commit(root, "users withdraws its agreement with artists/artist-royalties")
    return root


@pytest.fixture
def checkout(origin, tmp_path):
    """The artists team's checkout: a branch of origin/main (its upstream), with a change of their own."""
    root = tmp_path / "artists"
    git(tmp_path, "clone", "-q", str(origin), str(root))
    git(root, "checkout", "-q", "-b", "artists-retention", "origin/main")
    edit(root, ROYALTIES, "retention_days: 3650", "retention_days: 3600")
    return root


def validate(root: Path, monkeypatch, capsys, *args: str) -> tuple[int, dict, str]:
    code, out, err = meshplane(root, monkeypatch, capsys, "validate", "--env", "prod", "--format", "json", *args)
    assert "Traceback" not in err
    return code, json.loads(out), err


def rules(found: dict) -> list[tuple[str, str, str, int]]:
    return [(f["rule"], f["severity"], f["path"], f["line"]) for f in found["findings"]]


def producer_line(root: Path) -> int:
    return (root / PLAYS).read_text().splitlines().index("consumers:") + 1


@pytest.mark.slow
def test_the_consumers_own_check_warns_of_a_withdrawal_already_on_main(checkout, monkeypatch, capsys):
    for scope in ((), ("--domain", "artists")):
        code, found, err = validate(checkout, monkeypatch, capsys, *scope)
        assert code == 0, err
        assert rules(found) == [("MESH-015", "warning", ROYALTIES, 34)]
        assert f"({PLAYS}:{producer_line(checkout)})" in found["findings"][0]["message"]
        assert found["base"].startswith("the merge-base of HEAD and origin/main (")


def test_the_pull_requests_gate_warns_of_it_too(checkout, monkeypatch, capsys):
    code, found, _ = validate(checkout, monkeypatch, capsys, "--base", "origin/main")
    assert code == 0 and rules(found) == [("MESH-015", "warning", ROYALTIES, 34)] and found["base"] == "origin/main"


@pytest.mark.slow
def test_an_input_the_consumers_change_adds_without_agreement_stays_the_mandatory_error(origin, checkout, monkeypatch, capsys):
    edit(checkout, PODCAST_PLAYS, "consumers:\n", "inputs:\n  - users/play-events\nconsumers:\n")
    for base in ((), ("--base", "origin/main")):  # the check before the pull request, and the pull request's gate
        code, found, _ = validate(checkout, monkeypatch, capsys, *base)
        assert code == 1
        assert ("MESH-005", "error", PODCAST_PLAYS, 30) in rules(found) and ("MESH-015", "warning", ROYALTIES, 34) in rules(found)
    commit(checkout, "the change")
    git(origin, "pull", "-q", "--ff-only", str(checkout), "artists-retention")  # merged on main
    git(checkout, "fetch", "-q")
    code, found, _ = validate(checkout, monkeypatch, capsys)  # once merged, the refusal stands and warns
    assert code == 0 and ("MESH-015", "warning", PODCAST_PLAYS, 30) in rules(found)


@pytest.mark.slow
def test_a_branch_made_before_the_withdrawal_is_told_once_it_takes_main(origin, tmp_path, monkeypatch, capsys):
    root = tmp_path / "early"
    git(tmp_path, "clone", "-q", str(origin), str(root))
    git(root, "checkout", "-q", "-b", "early", "origin/main~1")  # before the withdrawal
    git(root, "branch", "-q", "--set-upstream-to", "origin/main")
    code, found, _ = validate(root, monkeypatch, capsys)
    assert code == 0 and found["findings"] == [] and found["base"] is None  # nothing refused in its tree: no baseline read
    git(root, "merge", "-q", "--ff-only", "origin/main")
    code, found, _ = validate(root, monkeypatch, capsys)
    assert code == 0 and rules(found) == [("MESH-015", "warning", ROYALTIES, 34)]


def test_outside_a_git_checkout_a_refused_input_warns_naming_the_producers_line(checkout, tmp_path, monkeypatch, capsys):
    plain = tmp_path / "plain"
    shutil.copytree(checkout, plain, ignore=shutil.ignore_patterns(".git"))
    edit(plain, PODCAST_PLAYS, "consumers:\n", "inputs:\n  - users/play-events\nconsumers:\n")
    code, found, err = validate(plain, monkeypatch, capsys)
    assert code == 0 and found["base"] is None
    assert rules(found) == [("MESH-015", "warning", ROYALTIES, 34), ("MESH-015", "warning", PODCAST_PLAYS, 30)]
    assert all("does not list" in f["message"] and f"({PLAYS}:{producer_line(plain)})" in f["message"] for f in found["findings"])
    code, out, _ = meshplane(plain, monkeypatch, capsys, "validate", "--env", "prod")
    assert code == 0


def test_without_an_upstream_the_change_is_what_is_not_committed(origin, monkeypatch, capsys):
    edit(origin, PODCAST_PLAYS, "consumers:\n", "inputs:\n  - users/play-events\nconsumers:\n")
    code, found, _ = validate(origin, monkeypatch, capsys)
    assert code == 1 and found["base"] == "HEAD (no upstream branch)"
    assert sorted(r[:2] for r in rules(found)) == [("MESH-005", "error"), ("MESH-015", "warning")]
