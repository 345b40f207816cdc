"""`meshplane plan --state`: what `pulumi up` would do to what is deployed, from Pulumi's deployment format (version 3)
or from the local emulator's state file."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from statekit import exported

from meshplane import cli
from meshplane.declarations.problems import MeshError
from meshplane.registrations import engine
from meshplane.registrations.project import open_project
from meshplane.review import deployed
from meshplane.review.resource_changes import STACK_QUALIFIER

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


@pytest.mark.slow
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
    cli.main(["plan", "--env", "prod", "--state", str(tmp_path / "state.json")])
    text = capsys.readouterr().out
    assert text.count("[moved from under meshplane:index:ProductStorage]") == 7  # the alias the state matched, shortly
    assert "urn:pulumi" not in text and "alias" not in text


@pytest.mark.slow
def test_a_plan_prints_no_alias_unless_asked(monkeypatch, capsys):
    """Every product's resources carry the URNs of its former sub-components: a plan of a stack never deployed prints
    none of them, unless asked (--aliases); JSON neither."""
    monkeypatch.chdir(ROOT)
    cli.main(["plan", "--env", "prod"])
    text = capsys.readouterr().out
    assert "urn:pulumi" not in text and max(len(line) for line in text.splitlines() if not line.startswith("by type")) < 160
    cli.main(["plan", "--env", "prod", "--format", "json"])
    assert all("aliases" not in r for r in json.loads(capsys.readouterr().out)["resources"])
    cli.main(["plan", "--env", "prod", "--aliases"])
    assert capsys.readouterr().out.count("urn:pulumi:prod::meshplane::meshplane:index:DataProduct$meshplane:index:ProductStorage$") > 40
    cli.main(["plan", "--env", "prod", "--aliases", "--format", "json"])
    assert sum(bool(r["aliases"]) for r in json.loads(capsys.readouterr().out)["resources"]) > 100


def mesh_copy(tmp_path: Path) -> Path:
    """The sample project with a copy of its mesh to edit (the rest linked)."""
    import shutil

    project = tmp_path / "p"
    for name in ("Pulumi.yaml", "__main__.py", "governance", "stacks", "schemas"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "domains", project / "domains")
    return project


def test_a_plan_against_a_state_prints_only_the_aliases_it_matched(tmp_path, monkeypatch, capsys, prod):
    """A product renamed since the state was taken: each of its resources says which alias carried it over, and no other."""
    project = mesh_copy(tmp_path)
    old = project / "domains/users/products/profile-updates.yaml"
    text = old.read_text().replace("\nname: profile-updates\n", "\nname: profile-changes\n", 1) + "previous_names: [profile-updates]\n"
    (project / "domains/users/products/profile-changes.yaml").write_text(text)
    old.unlink()
    for path in project.glob("domains/*/products/*.yaml"):
        path.write_text(path.read_text().replace("users/profile-updates", "users/profile-changes"))
    (tmp_path / "state.json").write_text(json.dumps(exported(prod)))
    monkeypatch.chdir(project)
    capsys.readouterr()
    assert cli.main(["plan", "--env", "prod", "--state", str(tmp_path / "state.json")]) == 0
    text = capsys.readouterr().out
    assert "0 to create" in text and "0 to replace" in text and "0 to delete" in text
    renamed = [line for line in text.splitlines() if "[renamed from " in line]
    assert len(renamed) >= 15 and all("[renamed from users/profile-updates-" in line for line in renamed)
    assert "urn:pulumi" not in text


def test_pending_agreements_show_in_the_plan(tmp_path, monkeypatch, capsys):
    project = mesh_copy(tmp_path)
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
