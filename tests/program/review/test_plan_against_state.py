"""`meshplane plan --state`: what `pulumi up` would do to what is deployed, from Pulumi's deployment format (version 3)
or from the local emulator's state file."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from meshplane import cli
from meshplane.declarations.problems import MeshError
from meshplane.registrations import engine
from meshplane.registrations.project import open_project
from meshplane.review import deployed
from meshplane.review.resource_changes import STACK_QUALIFIER, canonical

ROOT = Path(__file__).resolve().parents[3]
STATES = Path(__file__).resolve().parent / "states"


def test_a_hand_written_deployment_is_read_as_pulumi_writes_it():
    found = deployed.read(STATES / "prod-podcasts-v3.json")
    assert found.kubernetes
    assert [(r.type, r.name, r.protect) for r in found.records] == [
        ("aws:s3/bucket:Bucket", "podcasts/podcast-plays-bucket", True),
        ("aws:iam/rolePolicy:RolePolicy", "podcasts/podcast-plays-job-policy", False),
    ]  # the stack, providers, components and a resource pending deletion are not the program's
    assert found.records[1].inputs["policy"] == '"{\\"Version\\": \\"2012-10-17\\"}"'  # a secret in clear, unwrapped


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"version": 2, "deployment": {}}', "not a Pulumi deployment of version 3 (`pulumi stack export`), nor a local state: version 2"),
        ("[1, 2]", "not a Pulumi deployment of version 3 (`pulumi stack export`), nor a local state: version 'list'"),
        ('{"version": 3, "deployment": {"resources": [{"urn": 1}]}}', "deployment.resources[0]: a resource needs its urn and type"),
        ("{not json", "the state is not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ],
)
def test_a_state_that_is_not_one_is_a_located_error(tmp_path, text, message):
    path = tmp_path / "state.json"
    path.write_text(text)
    with pytest.raises(MeshError) as caught:
        deployed.read(path)
    assert [str(p) for p in caught.value.problems] == [f"{path}:1: error: {message}"]


def exported(evaluation: engine.Evaluation) -> dict:
    """The stack as `pulumi stack export` writes it after `pulumi up` of the same program: URNs as a real engine
    spells them, every resource with its inputs and protection."""
    resources = [{"urn": f"urn:pulumi:{evaluation.stack}::meshplane::pulumi:pulumi:Stack::meshplane-{evaluation.stack}", "custom": False, "type": "pulumi:pulumi:Stack"}]
    for r in evaluation.resources:
        entry = {"urn": canonical(r.urn), "custom": r.custom, "type": r.type, "inputs": copy.deepcopy(r.inputs), "protect": r.protect}
        if r.parent:
            entry["parent"] = canonical(r.parent)
        if r.retain_on_delete:
            entry["retainOnDelete"] = True
        resources.append(entry)
    return {"version": 3, "deployment": {"manifest": {"version": "v3.272.0"}, "resources": resources}}


@pytest.fixture(scope="module")
def prod():
    return engine.run(open_project(ROOT, stack="prod"))


def plan(tmp_path, monkeypatch, capsys, state: dict, *more: str) -> tuple[int, dict]:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state))
    monkeypatch.chdir(ROOT)
    capsys.readouterr()
    code = cli.main(["plan", "--env", "prod", "--state", str(path), "--format", "json", *more])
    return code, json.loads(capsys.readouterr().out)


def test_the_deployed_program_plans_no_change(tmp_path, monkeypatch, capsys, prod):
    state = exported(prod)
    assert all(STACK_QUALIFIER not in r["urn"] for r in state["deployment"]["resources"])
    code, found = plan(tmp_path, monkeypatch, capsys, state)
    assert code == 0 and found["counts"] == {"create": 0, "update": 0, "replace": 0, "delete": 0}
    assert [(a["state"], a["producer"], a["consumer"]) for a in found["agreements"]] == [
        ("pending", "playlists/recommended-playlists", "users"), ("pending", "podcasts/listener-demographics", "artists"),
    ]  # fmt: skip  # the producers agree; those domains read nothing of them yet


def test_create_update_replace_delete_with_the_properties_that_change(tmp_path, monkeypatch, capsys, prod):
    state = exported(prod)
    resources = state["deployment"]["resources"]
    by_name = {r["urn"].rsplit("::", 1)[-1]: r for r in resources}
    resources.remove(by_name["users/play-events-job-key-grant"])
    by_name["users/play-events-lifecycle"]["inputs"]["rules"][0]["expiration"]["days"] = 30.0
    by_name["users/play-events-table"]["inputs"]["name"] = "play_events_old"
    extra = copy.deepcopy(by_name["users/play-events-to/playlists/listener-taste/access-point"])
    extra["urn"] = extra["urn"].replace("to/playlists/listener-taste", "to/podcasts/gone")
    resources.append(extra)
    code, found = plan(tmp_path, monkeypatch, capsys, state)
    assert code == 0
    assert found["counts"] == {"create": 1, "update": 1, "replace": 1, "delete": 1}
    changes = {(c["action"], c["name"]): c for c in found["changes"]}
    assert changes[("update", "users/play-events-lifecycle")]["properties"] == ["rules"]
    replaced = changes[("replace", "users/play-events-table")]
    assert replaced["properties"] == ["name"] and replaced["protected"] is True
    assert ("delete", "users/play-events-to/podcasts/gone/access-point") in changes
    monkeypatch.chdir(ROOT)
    cli.main(["plan", "--env", "prod", "--state", str(tmp_path / "state.json")])
    text = capsys.readouterr().out
    assert "1 to create, 1 to update, 1 to replace, 1 to delete" in text
    assert "+- aws:glue:CatalogTable" in text and "[protected: pulumi up refuses it]" in text


def test_a_state_under_the_old_urns_plans_renames_not_replacements(tmp_path, monkeypatch, capsys, prod):
    state = exported(prod)
    for r in state["deployment"]["resources"]:  # as deployed before the product's sub-components were flattened
        r["urn"] = r["urn"].replace("meshplane:index:DataProduct$aws:s3/bucket:Bucket", "meshplane:index:DataProduct$meshplane:index:ProductStorage$aws:s3/bucket:Bucket")
    code, found = plan(tmp_path, monkeypatch, capsys, state)
    assert found["counts"] == {"create": 0, "update": 7, "replace": 0, "delete": 0}
    assert all(c["renamed_from"] and c["properties"] == [] for c in found["changes"])


def test_pending_agreements_show_in_the_plan(tmp_path, monkeypatch, capsys):
    import shutil

    project = tmp_path / "p"
    for name in ("Pulumi.yaml", "__main__.py", "governance", "stacks", "schemas"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "domains", project / "domains")
    plays = project / "domains/users/products/play-events.yaml"
    plays.write_text(plays.read_text().replace("consumers:\n  - playlists\n", "consumers:\n"))
    monkeypatch.chdir(project)
    assert cli.main(["plan", "--env", "staging"]) == 0
    assert "  ? refused  playlists/listener-taste reads users/play-events: the producer does not list it (no grant)" in capsys.readouterr().out


@pytest.mark.parametrize("old, new, stack, project", [("urn:pulumi:prod::", "urn:pulumi:staging::", "staging", "meshplane"),
                                                      ("::meshplane::", "::lakehouse::", "prod", "lakehouse")])  # fmt: skip
def test_a_state_of_another_stack_or_project_is_refused_at_its_first_urn(tmp_path, monkeypatch, capsys, prod, old, new, stack, project):
    path = tmp_path / "state.json"
    path.write_text(json.dumps(exported(prod), indent=2).replace(old, new))
    monkeypatch.chdir(ROOT)
    capsys.readouterr()
    assert cli.main(["plan", "--env", "prod", "--state", str(path)]) == 1
    err = capsys.readouterr().err
    (line,) = [line for line in err.splitlines() if ": error: " in line]
    urn = line.split("(its URNs say so: ", 1)[1].split(")", 1)[0]
    number = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if f'"urn": "{urn}"' in text)
    assert line.startswith(f"{path}:{number}: error: this state is of stack '{stack}' of project '{project}' (its URNs say so: urn:pulumi:{stack}::{project}::")
    assert line.endswith("not of stack 'prod' of project 'meshplane': refused, nothing is planned against it")


def test_a_damaged_local_state_entry_is_a_located_error_not_a_crash(tmp_path, monkeypatch, capsys):
    good = {"urn": "urn:pulumi:local::meshplane::aws:s3/bucket:Bucket::b", "type": "aws:s3/bucket:Bucket", "name": "b", "inputs": {}}
    state = {"stack": "local", "applied": [good, "oops", {**good, "urn": 5}, {**good, "inputs": [1]}], "not_applicable": [{**good, "name": None}]}
    path = tmp_path / "local-state.local.json"
    path.write_text(json.dumps(state, indent=2))
    monkeypatch.chdir(ROOT)
    capsys.readouterr()
    assert cli.main(["plan", "--env", "local", "--state", str(path)]) == 1
    lines = path.read_text().splitlines()
    at = [n for n, text in enumerate(lines, 1) if text in ("    {", '    "oops",')]
    assert [line for line in capsys.readouterr().err.splitlines() if ": error: " in line] == [
        f"{path}:{at[1]}: error: applied[1]: an entry must be an object, not str (run `meshplane up --local` again to write a new state)",
        f"{path}:{at[2]}: error: applied[2]: urn must be a text, found 5 (run `meshplane up --local` again to write a new state)",
        f"{path}:{at[3]}: error: applied[3]: inputs must be an object, not list (run `meshplane up --local` again to write a new state)",
        f"{path}:{at[4]}: error: not_applicable[0]: name must be a text, found null (run `meshplane up --local` again to write a new state)",
    ]
