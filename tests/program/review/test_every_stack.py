"""Every stack, exactly: `stacks --changed` selects the stacks whose resources a change changes, no more, no fewer.

On the sample, prod deploys every domain but podcasts (`excludeDomains`) and prod-podcasts deploys podcasts alone.
For one edit of each kind of file (a domain's, a product's, a contract's, a stack's), the stacks selected are those
whose `diff --base` shows a resource change; `diff --env ENV` covers every stack of the environment. A platform file
selects every stack, whatever its resources.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from gitkit import commit, diff, edit, meshplane, repository, stacks

PODCAST_PLAYS = "domains/podcasts/products/podcast-plays.yaml"
CONTRACT = "domains/podcasts/contracts/podcast-plays.odcs.yaml"
ENVIRONMENTS = ("dev", "local", "prod", "staging")
EVERY_STACK = ["dev", "local", "prod", "prod-podcasts", "staging"]


@pytest.fixture
def repo(tmp_path):
    return repository(tmp_path)


def selected(root: Path, monkeypatch, capsys) -> list[str]:
    return sorted(s["stack"] for s in stacks(root, monkeypatch, capsys, "--base", "main")["stacks"])


def changed(root: Path, monkeypatch, capsys) -> list[str]:
    """The stacks whose resources `diff --base main --env ENV` shows changing, over every environment."""
    found = []
    for env in ENVIRONMENTS:
        _, report = diff(root, monkeypatch, capsys, "--env", env)
        assert set(report["stacks"]) == {s for s in EVERY_STACK if s.split("-")[0] == env}, report["stacks"]
        found += [name for name, tally in report["resources"]["stacks"].items() if sum(tally.values())]
    return sorted(found)


def with_a_contract(root: Path, monkeypatch, capsys) -> None:
    """podcasts/podcast-plays takes its schema from an ODCS contract (its own, as `export odcs` writes it), committed."""
    assert meshplane(root, monkeypatch, capsys, "export", "odcs", "--out", str(root / "out" / "odcs"))[0] == 0
    (root / CONTRACT).parent.mkdir()
    (root / CONTRACT).write_text((root / "out/odcs/podcasts/podcast-plays.odcs.yaml").read_text())
    text = (root / PODCAST_PLAYS).read_text()
    start, end = text.index("output:\n") + len("output:\n"), text.index("consumers:\n")  # the rules go with the schema
    (root / PODCAST_PLAYS).write_text(text[:start] + "  contract: contracts/podcast-plays.odcs.yaml\n" + text[end:])
    (root / ".gitignore").write_text("out/\n")
    commit(root, "podcast-plays from its contract")


EDITS = {
    "domain": ("domains/podcasts/domain.yaml", "contact: podcasts-data@daff.example", "contact: podcasts-team@daff.example"),
    "product": (PODCAST_PLAYS, "retention_days: 365", "retention_days: 400"),
    "contract": (CONTRACT, "description: Seconds listened.", "description: Seconds listened, rounded down."),
    "stack": ("stacks/Pulumi.prod-podcasts.yaml", "meshplane:cluster: daff-prod-data", "meshplane:cluster: daff-prod-data-2"),
    "a consumer's product": ("domains/artists/products/artist-royalties.yaml", "inputs:\n", "inputs:\n  - podcasts/released-episodes\n"),
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", EDITS)
def test_the_stacks_selected_are_exactly_those_whose_resources_change(kind, repo, monkeypatch, capsys):
    if kind == "contract":
        with_a_contract(repo, monkeypatch, capsys)
    edit(repo, *EDITS[kind])
    found = selected(repo, monkeypatch, capsys)
    assert found == changed(repo, monkeypatch, capsys)
    assert found  # each edit changes something somewhere
    if kind in ("domain", "product", "contract"):  # podcasts' own files: never prod, which leaves podcasts out
        assert "prod" not in found and "prod-podcasts" in found


@pytest.mark.slow
def test_a_platform_file_selects_every_stack(repo, monkeypatch, capsys):
    edit(repo, "components/compute.py", '"successfulJobsHistoryLimit": 3', '"successfulJobsHistoryLimit": 4')
    assert selected(repo, monkeypatch, capsys) == EVERY_STACK == changed(repo, monkeypatch, capsys)
    edit(repo, "components/compute.py", '"successfulJobsHistoryLimit": 4', '"successfulJobsHistoryLimit": 3  # kept')
    assert selected(repo, monkeypatch, capsys) == EVERY_STACK  # the program changed: every stack is previewed, whatever it shows


def test_every_stack_lists_what_each_deploys(repo, monkeypatch, capsys):
    code, out, _ = meshplane(repo, monkeypatch, capsys, "stacks", "--format", "json")
    deploys = {s["stack"]: s["domains"] for s in __import__("json").loads(out)["stacks"]}
    assert deploys["prod"] == ["artists", "playlists", "users"] and deploys["prod-podcasts"] == ["podcasts"]


def test_the_diff_of_an_environment_shows_a_change_only_its_domains_stack_makes(repo, monkeypatch, capsys):
    """The pull request's comment (`diff --env prod`) shows a podcasts change, which only prod-podcasts deploys."""
    edit(repo, *EDITS["product"])
    code, out, _ = meshplane(repo, monkeypatch, capsys, "diff", "--base", "main", "--env", "prod")
    assert code == 0
    assert "stacks prod, prod-podcasts" in out.splitlines()[0]
    assert "resources of stack prod: 0 to create, 0 to update, 0 to replace, 0 to delete" in out
    assert "resources of stack prod-podcasts: 0 to create, 2 to update, 0 to replace, 0 to delete" in out
