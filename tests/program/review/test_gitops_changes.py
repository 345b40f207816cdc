"""What a change does, on throw-away git repositories holding this project: for each kind of change, the stacks
`stacks --changed` lists, the classes `diff --base` gives and the exit status."""

from __future__ import annotations

import pytest
from gitkit import commit, diff, edit, git, kinds, meshplane, repository, stacks

PLAYS = "domains/users/products/play-events.yaml"
ROYALTIES = "domains/artists/products/artist-royalties.yaml"
PODCAST_PLAYS = "domains/podcasts/products/podcast-plays.yaml"
EVERY_ENVIRONMENT = ["dev", "local", "prod", "staging"]
DEVICE = (  # the device column, with its quality rule
    "    - name: device\n      type: string\n      description: Device family (mobile, desktop, speaker, car).\n      quality:\n"
    "        - metric: invalidValues\n          arguments: {validValues: [mobile, desktop, speaker, car]}\n          mustBeLessThan: 1\n"
    "          unit: percent\n          severity: warning\n"
)


@pytest.fixture
def repo(tmp_path):
    return repository(tmp_path)


def names(found: dict) -> list[str]:
    return sorted(s["stack"] for s in found["stacks"])


def domains_of(found: dict, stack: str) -> list[str]:
    return next(s["domains"] for s in found["stacks"] if s["stack"] == stack)


def test_a_column_added_is_compatible_and_touches_the_producers_stacks_only(repo, monkeypatch, capsys):
    edit(repo, PLAYS, DEVICE, DEVICE + "    - {name: session_id, type: string, description: The listening session.}\n")
    found = stacks(repo, monkeypatch, capsys, "--base", "main")
    assert names(found) == EVERY_ENVIRONMENT and all(s["domains"] == ["users"] for s in found["stacks"])
    code, changes = diff(repo, monkeypatch, capsys)
    assert code == 0
    assert kinds(changes, "users/play-events") == [("column-added", "note")]
    assert changes["resources"]["counts"] == {"create": 0, "update": 1, "replace": 0, "delete": 0}
    assert changes["base_read_by"] == "own"


@pytest.mark.slow
def test_a_column_retyped_breaks_its_consumers_and_fails(repo, monkeypatch, capsys):
    edit(repo, PLAYS, "    - name: played_seconds\n      type: int\n", "    - name: played_seconds\n      type: bigint\n")
    code, changes = diff(repo, monkeypatch, capsys)
    assert code == 1
    (change,) = changes["products"]["users/play-events"]
    assert (change["kind"], change["severity"], change["consumers"]) == ("column-retyped", "error", ["artists/artist-royalties", "playlists/listener-taste"])
    code, out, _ = meshplane(repo, monkeypatch, capsys, "diff", "--base", "main", "--format", "github")
    assert code == 1 and out.startswith(f"::error file={PLAYS},line=")


@pytest.mark.slow
def test_a_column_removed_fails_unless_published_as_a_new_major_version(repo, monkeypatch, capsys):
    edit(repo, PLAYS, DEVICE, "")
    code, changes = diff(repo, monkeypatch, capsys)
    assert code == 1 and kinds(changes, "users/play-events") == [("column-removed", "error")]
    # the same change as version 2, version 1 kept beside it with a deprecation date
    text, before = (repo / PLAYS).read_text(), git(repo, "show", f"main:{PLAYS}")
    v1 = before[before.index("  columns:\n") : before.index("consumers:\n")]
    text = text.replace("output:\n", "output:\n  version: 2\n", 1)
    text += "previous_outputs:\n  - version: 1\n    deprecation: {date: 2031-01-01}\n" + "".join(f"  {line}\n" for line in v1.splitlines())
    (repo / PLAYS).write_text(text)
    code, changes = diff(repo, monkeypatch, capsys)
    assert code == 0, changes["findings"]
    assert kinds(changes, "users/play-events") == [("version-deprecated", "note"), ("version-added", "note")]
    created = {c["name"] for c in changes["resources"]["changes"] if c["action"] == "create"}
    assert {"users/play-events-v2/bucket", "users/play-events-v2/table"} <= created
    assert not [c for c in changes["resources"]["changes"] if c["action"] in ("replace", "delete")]


def test_a_grant_added_touches_both_partners_stacks(repo, monkeypatch, capsys):
    edit(repo, ROYALTIES, "inputs:\n", "inputs:\n  - podcasts/released-episodes\n")
    found = stacks(repo, monkeypatch, capsys, "--base", "main")
    assert names(found) == [*EVERY_ENVIRONMENT[:2], "prod", "prod-podcasts", "staging"]
    assert domains_of(found, "prod") == ["artists"] and domains_of(found, "prod-podcasts") == ["podcasts"]  # prod leaves podcasts out
    prod = {s["stack"]: s["wave"] for s in found["stacks"]}
    assert prod["prod"] >= 1 and prod["prod-podcasts"] >= 1
    code, changes = diff(repo, monkeypatch, capsys)
    assert code == 0
    assert [(g["change"], g["consumer"], g["producer"]) for g in changes["grants"]] == [("added", "artists/artist-royalties", "podcasts/released-episodes")]


def test_a_grant_withdrawn_by_the_producer_warns_the_consumer_and_never_blocks(repo, monkeypatch, capsys):
    edit(repo, PLAYS, "consumers:\n  - playlists\n", "consumers:\n")
    found = stacks(repo, monkeypatch, capsys, "--base", "main")
    assert domains_of(found, "prod") == ["playlists", "users"]
    code, changes = diff(repo, monkeypatch, capsys)
    assert code == 0
    assert [(g["change"], g["severity"]) for g in changes["grants"]] == [("withdrawn", "warning")]
    code, out, _ = meshplane(repo, monkeypatch, capsys, "validate", "--env", "prod", "--base", "main", "--format", "json")
    assert code == 0 and [f["rule"] for f in __import__("json").loads(out)["findings"]] == ["MESH-015"]


@pytest.mark.slow
def test_an_input_the_change_adds_without_agreement_fails_in_prod_only(repo, monkeypatch, capsys):
    edit(repo, PODCAST_PLAYS, "consumers:\n", "inputs:\n  - users/play-events\nconsumers:\n")
    code, changes = diff(repo, monkeypatch, capsys)
    assert code == 1 and [(g["change"], g["severity"]) for g in changes["grants"]] == [("refused", "error")]
    assert meshplane(repo, monkeypatch, capsys, "validate", "--env", "prod", "--base", "main")[0] == 1
    assert meshplane(repo, monkeypatch, capsys, "validate", "--env", "staging", "--base", "main")[0] == 0
    commit(repo)  # merged: the refusal now stands, and a later change is not blocked by it
    assert meshplane(repo, monkeypatch, capsys, "validate", "--env", "prod", "--base", "main")[0] == 0


@pytest.mark.slow
def test_a_component_edited_touches_every_stack_and_shows_in_the_resources(repo, monkeypatch, capsys):
    edit(repo, "components/storage.py", '"abortIncompleteMultipartUpload": {"daysAfterInitiation": 7}', '"abortIncompleteMultipartUpload": {"daysAfterInitiation": 3}')
    found = stacks(repo, monkeypatch, capsys, "--base", "main")
    assert names(found) == ["dev", "local", "prod", "prod-podcasts", "staging"] and found["platform"] == ["components/storage.py"]
    code, changes = diff(repo, monkeypatch, capsys)
    assert code == 0 and changes["products"] == {}
    updated = {c["type"] for c in changes["resources"]["changes"]}
    assert updated == {"aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"} and changes["resources"]["counts"]["update"] == 10
    assert {s: c["update"] for s, c in changes["resources"]["stacks"].items()} == {"prod": 7, "prod-podcasts": 3}  # every stack of prod


@pytest.mark.slow
def test_a_stack_file_edited_touches_that_stack_and_a_protected_replacement_fails(repo, monkeypatch, capsys):
    edit(repo, "stacks/Pulumi.prod-podcasts.yaml", "meshplane:cluster: daff-prod-data", "meshplane:cluster: daff-prod-data-2")
    assert names(stacks(repo, monkeypatch, capsys, "--base", "main")) == ["prod-podcasts"]
    edit(repo, "stacks/Pulumi.prod.yaml", "meshplane:namePrefix: daff-prod", "meshplane:namePrefix: daff-prd")
    assert names(stacks(repo, monkeypatch, capsys, "--base", "main")) == ["prod", "prod-podcasts"]
    code, changes = diff(repo, monkeypatch, capsys)
    assert code == 1
    protected = [f for f in changes["findings"] if f["rule"] == "protected-data"]
    assert len(protected) >= 10 and all("is protected and would be replaced" in f["message"] for f in protected)


@pytest.mark.slow
def test_named_files_give_the_partners_the_working_tree_declares(repo, monkeypatch, capsys):
    found = stacks(repo, monkeypatch, capsys, PLAYS)
    assert domains_of(found, "prod") == ["artists", "playlists", "users"] and found["complete"] is False
    assert domains_of(found, "prod-podcasts") == ["podcasts"]
    assert stacks(repo, monkeypatch, capsys, "README.md")["stacks"] == []


@pytest.mark.slow
def test_consumers_deploy_before_producers_and_a_cycle_converges(repo, monkeypatch, capsys):
    podcasts = (repo / "stacks" / "Pulumi.prod-podcasts.yaml").read_text()
    for domain in ("users", "playlists", "artists"):
        (repo / "stacks" / f"Pulumi.prod-{domain}.yaml").write_text(podcasts.replace('["podcasts"]', f'["{domain}"]'))
    commit(repo, "a stack per domain")
    edit(repo, "domains/playlists/products/recommended-playlists.yaml", "inputs:\n", "inputs:\n  - users/play-events\n")
    found = stacks(repo, monkeypatch, capsys, "--base", "main")
    waves = {s["stack"]: s["wave"] for s in found["stacks"]}
    assert waves["prod-playlists"] < waves["prod-users"]  # the consumer's new principal exists before the producer grants it
    assert found["converge"] is None and found["waves"][0][0] in ("dev", "local", "prod", "prod-playlists", "staging")
    edit(repo, "domains/users/products/profile-updates.yaml", "consumers:\n", "inputs:\n  - playlists/playlist-catalog\nconsumers:\n")
    found = stacks(repo, monkeypatch, capsys, "--base", "main")
    users = next(s for s in found["stacks"] if s["stack"] == "prod-users")
    assert "prod-playlists" in users["converges_with"] and found["converge"].startswith("stacks of one wave")
    waves = {s["stack"]: s["wave"] for s in found["stacks"]}
    assert waves["prod-users"] == waves["prod-playlists"]


@pytest.mark.slow
def test_a_ref_that_is_not_there_is_one_located_line(repo, monkeypatch, capsys):
    code, out, err = meshplane(repo, monkeypatch, capsys, "diff", "--base", "no-such-branch")
    assert code == 1 and "Traceback" not in err
    assert err.splitlines()[0] == "--base:1: error: 'no-such-branch' is not a commit of this repository (fetch it first: git fetch origin no-such-branch)"
    code, out, err = meshplane(repo, monkeypatch, capsys, "stacks", "--changed", "--base", "no-such-branch")
    assert code == 1 and err.splitlines()[0].startswith("--base:1: error:")
    code, out, err = meshplane(repo, monkeypatch, capsys, "stacks", "--base", "main")
    assert code == 2 and "go with --changed" in err


def test_a_broken_working_tree_reports_its_problems_in_sarif(repo, monkeypatch, capsys):
    import json

    edit(repo, PLAYS, "kind: source-aligned", "kind: sourced")
    code, out, _ = meshplane(repo, monkeypatch, capsys, "diff", "--base", "main", "--format", "sarif")
    assert code == 1
    results = json.loads(out)["runs"][0]["results"]
    where = {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results}
    assert (PLAYS, 5) in where and {r["level"] for r in results} == {"error"}


@pytest.mark.slow
def test_a_producer_agreeing_to_serve_a_domain_that_does_not_read_it_yet_is_pending(repo, monkeypatch, capsys):
    edit(repo, PLAYS, "consumers:\n  - playlists\n", "consumers:\n  - playlists\n  - podcasts\n")
    code, changes = diff(repo, monkeypatch, capsys)
    assert code == 0
    assert [(g["change"], g["producer"], g["consumer"]) for g in changes["grants"]] == [("pending", "users/play-events", "podcasts")]
    (finding,) = [f for f in changes["findings"] if f["rule"] == "grant-pending"]
    assert (finding["path"], finding["line"]) == (PLAYS, 57)
    assert stacks(repo, monkeypatch, capsys, "--base", "main")["stacks"] == []  # nothing is provisioned for it yet
