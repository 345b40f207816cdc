"""A mesh with a problem provisions nothing: the emulator sees no bucket, no role, no key."""

from __future__ import annotations

from pathlib import Path

import pytest

from meshplane import cli
from meshplane.declarations.problems import MeshError, Problem, Severity
from meshplane.local import up
from meshplane.registrations.project import open_project

ROOT = Path(__file__).resolve().parents[2]  # the repository: the sample project

pytestmark = pytest.mark.slow


def nothing_provisioned(admin) -> bool:
    return (
        admin("s3").list_buckets()["Buckets"] == []
        and admin("iam").list_roles()["Roles"] == []
        and admin("kms").list_keys()["Keys"] == []
        and admin("glue").get_databases()["DatabaseList"] == []
    )


def test_an_unresolved_input_provisions_nothing(project, endpoint, admin, capsys, monkeypatch):
    product = project / "domains/artists/products/artist-royalties.yaml"
    product.write_text(product.read_text().replace("  - users/play-events\n", "  - users/play-evnts\n"))
    monkeypatch.chdir(project)  # the CLI works on the project it is run in
    status = cli.main(["up", "--local", "--endpoint", endpoint, "--out", str(project / "out/manifests")])
    err = capsys.readouterr().err
    assert status == 1
    assert "domains/artists/products/artist-royalties.yaml:" in err and "'users/play-evnts' does not resolve to a product" in err
    assert nothing_provisioned(admin)
    assert not (project / "out").exists()


def test_a_mandatory_governance_finding_provisions_nothing(project, endpoint, admin, tmp_path):
    product = project / "domains/users/products/play-events.yaml"  # confidential: at most 1095 days (MESH-008)
    product.write_text(product.read_text().replace("retention_days: 400\n", "retention_days: 2000\n"))
    with pytest.raises(MeshError) as raised:
        up.up(open_project(project, stack="local"), endpoint, tmp_path / "manifests", echo=lambda line: None)
    assert any(p.rule == "MESH-008" and p.severity == "error" for p in raised.value.problems)
    assert nothing_provisioned(admin)


def test_the_gate_refuses_before_the_emulator_sees_a_request(endpoint, admin, tmp_path):
    def gate(project, evaluation):
        return [Problem("domains/users/products/play-events.yaml", 1, "bucket without TLS-only policy", Severity.error, "RES-003"),
                Problem("domains/users/products/play-events.yaml", 1, "an advisory", Severity.warning, "MESH-009")]

    with pytest.raises(MeshError) as raised:
        up.up(open_project(ROOT, stack="local"), endpoint, tmp_path / "manifests", gate=gate, echo=lambda line: None)
    assert [p.rule for p in raised.value.problems if p.rule] == ["RES-003"]
    assert nothing_provisioned(admin)


def test_an_unwritable_out_provisions_nothing(endpoint, admin, tmp_path, capsys, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    monkeypatch.chdir(ROOT)
    status = cli.main(["up", "--local", "--endpoint", endpoint, "--out", str(blocker / "manifests")])
    assert status == 1 and "--out:1: error: cannot write the manifests to " in capsys.readouterr().err
    assert nothing_provisioned(admin)


def test_the_gate_honours_the_quotas_the_stack_declares_raised(local_evaluation, monkeypatch):
    """As `validate`: a stack whose account holds more roles than AWS's default, with the quota declared raised, is
    not refused (a default of 5 roles stands in for a mesh of 1,000 products in one account)."""
    import dataclasses
    import json

    from meshplane.cloud import quotas

    monkeypatch.setitem(quotas.QUOTAS, "iam.roles", dataclasses.replace(quotas.QUOTAS["iam.roles"], default=5))
    refused = up.governance_gate(open_project(ROOT, stack="local"), local_evaluation)
    assert [p.rule for p in refused] == ["LIM-006", "LIM-006"] and all("IAM roles" in p.message for p in refused)  # both accounts
    raised = open_project(ROOT, stack="local", overrides={"meshplane:quotas": json.dumps({"iam.roles": 100})})  # the default account's
    [left] = up.governance_gate(raised, local_evaluation)
    assert "IAM roles" in left.message and "210987654321" in str(left)
