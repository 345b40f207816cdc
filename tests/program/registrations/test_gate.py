"""The program provisions nothing while the mesh has a problem or a mandatory governance finding stands."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from components import tokens
from meshplane.declarations.problems import MeshError
from meshplane.registrations import engine

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("__main__.py", "Pulumi.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("domains", "governance", "stacks"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def registrations(monkeypatch) -> list[str]:
    seen: list[str] = []
    original = engine.Recorder.RegisterResource

    def record(self, request):
        seen.append(request.type)
        return original(self, request)

    monkeypatch.setattr(engine.Recorder, "RegisterResource", record)
    return seen


def test_the_sample_registers_resources(project, registrations):
    assert len(engine.evaluate("dev", root=project).custom()) > 100
    assert tokens.BUCKET in registrations


def test_a_mandatory_finding_registers_nothing(project, registrations):
    path = project / "domains/users/products/profile-updates.yaml"
    path.write_text(path.read_text().replace("classification: restricted", "classification: public"))
    with pytest.raises(MeshError) as caught:
        engine.evaluate("prod", root=project)
    assert {p.rule for p in caught.value.problems} == {"MESH-003"}
    assert all(p.path == "domains/users/products/profile-updates.yaml" for p in caught.value.problems)
    assert [t for t in registrations if t != "pulumi:pulumi:Stack"] == []


def test_an_unresolved_input_registers_nothing(project, registrations):
    path = project / "domains/podcasts/products/listener-demographics.yaml"
    path.write_text(path.read_text().replace("- users/profile-updates", "- users/profile-changes"))
    with pytest.raises(MeshError) as caught:
        engine.evaluate("dev", root=project)
    assert [str(p) for p in caught.value.problems] == [
        "domains/podcasts/products/listener-demographics.yaml:32: error: input 'users/profile-changes' does not resolve to a product"
    ]
    assert [t for t in registrations if t != "pulumi:pulumi:Stack"] == []


def test_a_bad_stack_setting_registers_nothing(project, registrations):
    with pytest.raises(MeshError) as caught:
        engine.evaluate("dev", {"meshplane:accountId": "12345"}, root=project)
    assert "stacks/Pulumi.dev.yaml:4: error: meshplane:accountId" in str(caught.value)
    assert [t for t in registrations if t != "pulumi:pulumi:Stack"] == []


def test_an_unknown_domain_in_scope_registers_nothing(project, registrations):
    with pytest.raises(MeshError, match="stacks/Pulumi.prod.yaml:1: error: meshplane:domains: 'radio' is not a domain of the mesh"):
        engine.evaluate("prod", {"meshplane:domains": '["radio"]'}, root=project)
    assert [t for t in registrations if t != "pulumi:pulumi:Stack"] == []
