"""The entry points: modes per environment, suppressions, locations, and `meshplane validate`."""

from __future__ import annotations

from pathlib import Path

import govkit as k
import pytest

from meshplane import cli
from meshplane.declarations.loader import load_mesh
from meshplane.declarations.problems import MeshError, blocking
from meshplane.governance.evaluate import evaluate_mesh, evaluate_resources

LISTENS = "domains/users/products/play-events.yaml"
PLAYS = "domains/podcasts/products/podcast-plays.yaml"


def suppress(*items: tuple[str, str]):
    def change(data: dict) -> None:
        data["suppressions"] = [{"rule": rule, "reason": reason} for rule, reason in items]

    return change


def latest(data: dict) -> None:
    data["job"]["image"] = "registry.daff.example/podcasts/podcast-plays:latest"


def both(*changes):
    def change(data: dict) -> None:
        for c in changes:
            c(data)

    return change


# --- modes -------------------------------------------------------------------------------------------


def test_a_clean_mesh_has_no_finding_in_any_environment():
    for env in ("dev", "staging", "prod", "local"):
        assert evaluate_mesh(k.mesh(), k.federation(), env) == []


def test_the_federation_decides_the_mode_per_environment():
    mesh = k.mesh(None, latest)
    dev, prod = evaluate_mesh(mesh, k.federation(), "dev"), evaluate_mesh(mesh, k.federation(), "prod")
    assert [str(p) for p in dev] == [
        f"{PLAYS}:23: MESH-010 warning: image 'registry.daff.example/podcasts/podcast-plays:latest' is not pinned: "
        "`latest` moves; use a digest (`@sha256:...`) or a release tag"
    ]
    assert not blocking(dev)
    assert [p.severity for p in prod] == ["error"] and blocking(prod)


def test_an_advisory_rule_made_mandatory_blocks():
    mesh = k.mesh(None, lambda d: d["output"]["columns"][0].pop("polyseme"))
    assert [p.severity for p in evaluate_mesh(mesh, k.federation(), "prod")] == ["warning"]
    strict = k.federation_with("  MESH-007: {mode: mandatory}\n")
    assert [(p.rule, p.severity) for p in evaluate_mesh(mesh, strict, "prod")] == [("MESH-007", "error")]


# --- suppressions ------------------------------------------------------------------------------------


def test_an_advisory_finding_is_suppressed_with_a_reason():
    mesh = k.mesh(None, both(lambda d: d["output"]["columns"][0].pop("polyseme"), suppress(("MESH-007", "episode ids here are the player's, not the catalogue's"))))
    assert evaluate_mesh(mesh, k.federation(), "prod") == []


def test_a_suppression_applies_to_its_own_product_only():
    mesh = k.mesh(suppress(("MESH-007", "not this product's column at all")), lambda d: d["output"]["columns"][0].pop("polyseme"))
    assert [p.rule for p in evaluate_mesh(mesh, k.federation(), "prod")] == ["MESH-007"]


def test_suppressing_a_mandatory_rule_is_an_error_and_the_finding_stands():
    mesh = k.mesh(None, both(latest, suppress(("MESH-010", "we redeploy by hand after each release"))))
    dev = evaluate_mesh(mesh, k.federation(), "dev")
    assert dev == []  # advisory in dev: suppressed
    prod = [str(p) for p in evaluate_mesh(mesh, k.federation(), "prod")]
    assert prod == [
        f"{PLAYS}:23: MESH-010 error: image 'registry.daff.example/podcasts/podcast-plays:latest' is not pinned: "
        "`latest` moves; use a digest (`@sha256:...`) or a release tag",
        f"{PLAYS}:27: error: MESH-010 (Job images are pinned) is mandatory in prod and cannot be suppressed",
    ]


def test_a_suppression_naming_an_unknown_rule_is_an_error():
    mesh = k.mesh(suppress(("MESH-001", "owner is a shared mailbox, reviewed"), ("MESH-404", "no such rule exists anywhere")))
    assert [str(p) for p in evaluate_mesh(mesh, k.federation(), "dev")] == [
        f"{LISTENS}:30: error: MESH-001 (Every product names a reachable owner) is mandatory in dev and cannot be suppressed",
        f"{LISTENS}:32: error: suppression names unknown rule 'MESH-404'",
    ]


def test_a_rule_suppressed_twice_is_an_error_at_the_second():
    reason = "episode ids here are the player's, not the catalogue's"
    mesh = k.mesh(None, both(lambda d: d["output"]["columns"][0].pop("polyseme"), suppress(("MESH-007", reason), ("MESH-007", reason))))
    assert [str(p) for p in evaluate_mesh(mesh, k.federation(), "prod")] == [
        f"{PLAYS}:28: error: suppression of MESH-007 is declared twice (first at line 26)",
    ]


def test_a_suppression_without_a_reason_is_a_path_line_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    listens = k.listens()
    listens["suppressions"] = [{"rule": "MESH-007"}, {"rule": "MESH-007", "reason": "short"}]
    for domain, data in (("users", listens),):
        folder = tmp_path / "domains" / domain
        (folder / "products").mkdir(parents=True)
        (folder / "domain.yaml").write_text(
            "# yaml-language-server: $schema=../../schemas/domain.schema.json\n"
            f"name: {domain}\ndescription: The {domain} domain.\nteam: T\ncontact: t@daff.example\n"
        )
        (folder / "products" / f"{data['name']}.yaml").write_text(k.product_text(data))
    with pytest.raises(MeshError) as exc:
        load_mesh(tmp_path / "domains")
    assert [str(p) for p in exc.value.problems] == [
        f"{LISTENS}:30: error: missing required key 'suppressions.0.reason'",
        f"{LISTENS}:32: error: suppressions.1.reason: String should have at least 10 characters",
    ]


# --- resources ---------------------------------------------------------------------------------------


def test_resource_findings_point_at_the_owning_product():
    mesh = k.mesh()
    stack = k.changed(k.compliant_stack(), "batch/v1:CronJob", lambda i: i["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["securityContext"].update(readOnlyRootFilesystem=False))
    stack = k.without(stack, "BucketVersioning")
    assert [str(p) for p in evaluate_resources(stack, k.federation(), "prod", mesh)] == [
        f"{LISTENS}:1: RES-004 error: aws:s3/bucket:Bucket 'users/play-events-bucket': bucket 'daff-dev-users-play-events' has no versioning configuration",
        f"{LISTENS}:27: RES-008 error: kubernetes:batch/v1:CronJob 'users/play-events-job': container 'job' does not set readOnlyRootFilesystem: true",
    ]


def test_without_a_mesh_resource_findings_point_at_the_urn():
    stack = k.without(k.compliant_stack(), "BucketVersioning")
    (problem,) = evaluate_resources(stack, k.federation(), "prod")
    assert problem.path.startswith("urn:pulumi:") and problem.path.endswith("::users/play-events-bucket")


def test_a_product_suppresses_an_advisory_resource_finding():
    fed = k.federation_with("  RES-004: {environments: {dev: advisory}}\n")
    stack = k.without(k.compliant_stack(), "BucketVersioning")
    mesh = k.mesh(suppress(("RES-004", "scratch data, rebuilt from the source each hour")))
    assert evaluate_resources(stack, fed, "dev", mesh) == []
    assert [p.rule for p in evaluate_resources(stack, fed, "prod", mesh)] == ["RES-004"]
    assert [str(p) for p in evaluate_mesh(mesh, fed, "prod")] == [
        f"{LISTENS}:30: error: RES-004 (Buckets are versioned) is mandatory in prod and cannot be suppressed"
    ]


def test_the_platform_defaults_are_compliant():
    assert evaluate_resources(k.compliant_stack(), k.federation(), "prod", k.mesh()) == []


# --- meshplane validate ------------------------------------------------------------------------------


def write_mesh(root: Path, *products: tuple[str, dict]) -> None:
    (root / "Pulumi.yaml").write_text("name: meshplane\nruntime: python\n")
    for domain, data in products:
        folder = root / "domains" / domain
        (folder / "products").mkdir(parents=True, exist_ok=True)
        (folder / "domain.yaml").write_text(
            "# yaml-language-server: $schema=../../schemas/domain.schema.json\n"
            f"name: {domain}\ndescription: The {domain} domain.\nteam: T\ncontact: t@daff.example\n"
        )
        (folder / "products" / f"{data['name']}.yaml").write_text(k.product_text(data))
    (root / "governance").mkdir(exist_ok=True)
    (root / "governance" / "federation.yaml").write_text(k.FEDERATION_TEXT)


def test_validate_prints_findings_and_exits_1_on_a_mandatory_one(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    plays = k.plays()
    latest(plays)
    write_mesh(tmp_path, ("users", k.listens()), ("podcasts", plays))
    assert cli.main(["validate", "--env", "dev"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{PLAYS}:23: MESH-010 warning: image 'registry.daff.example/podcasts/podcast-plays:latest' is not pinned: "
        "`latest` moves; use a digest (`@sha256:...`) or a release tag",
        "1 governance finding(s): 0 mandatory, 1 advisory",
    ]
    assert cli.main(["validate", "--env", "prod"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("mesh: 2 domains, 2 products")
    assert err.splitlines()[0].startswith(f"{PLAYS}:23: MESH-010 error: ")


def test_validate_of_a_compliant_mesh_exits_0_quietly(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_mesh(tmp_path, ("users", k.listens()), ("podcasts", k.plays()))
    assert cli.main(["validate", "--env", "prod"]) == 0
    assert capsys.readouterr().err == ""
