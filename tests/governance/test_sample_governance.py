"""The sample mesh passes every mandatory rule in every environment, declarations and resources alike."""

from __future__ import annotations

from pathlib import Path

import meshplane_policies as pack
import pytest

from components import tokens
from meshplane import cli
from meshplane.declarations.loader import load_mesh
from meshplane.governance.evaluate import evaluate_mesh, evaluate_resources
from meshplane.governance.registry import RULES, load_federation
from meshplane.governance.rule import Subject
from meshplane.registrations.project import open_project

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = ("dev", "staging", "prod")


@pytest.fixture(scope="module")
def federation():
    return load_federation(ROOT / "governance" / "federation.yaml")


@pytest.fixture(scope="module")
def mesh():
    return load_mesh(ROOT / "domains")


@pytest.mark.parametrize("env", [*ENVIRONMENTS, "local"])
def test_the_sample_mesh_has_no_finding(mesh, federation, env):
    assert [str(p) for p in evaluate_mesh(mesh, federation, env)] == []


# --- the resources of the real program, under the mock engine ----------------------------------------


@pytest.fixture(scope="module", params=["dev", "prod"])
def evaluation(request):
    engine = pytest.importorskip("meshplane.registrations.engine")
    return request.param, engine.evaluate(request.param)


def test_the_program_resources_pass_every_rule(evaluation, mesh, federation):
    env, result = evaluation
    assert [str(p) for p in evaluate_resources(result.resources, federation, env, mesh)] == []
    assert any(r.type == tokens.BUCKET for r in result.resources)  # the rules had something to check


def test_the_policy_pack_passes_the_program_resources(evaluation, mesh, federation):
    from test_policy_pack import stack_args, violations

    env, result = evaluation
    resources = [r for r in result.resources if r.custom and not r.is_provider]
    policies = pack.policies(federation, env, mesh)
    assert violations(policies, resources) == []
    # stack policies see outputs in a real run: the mock cloud's answers, IDs and ARNs included
    found = []
    for policy in policies:
        if RULES[policy.name].subject is Subject.stack:
            policy.validate(stack_args(resources, props=lambda r: r.outputs or r.inputs), lambda m, urn=None: found.append(m))
    assert found == []


def test_validate_runs_the_resource_rules_on_the_sample(monkeypatch, capsys):
    pytest.importorskip("meshplane.registrations.engine")
    monkeypatch.chdir(ROOT / "domains" / "users")  # any folder of the project: its root is found above
    assert cli.main(["validate", "--env", "prod"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and "(mesh, resource and limit rules over " in out


def test_validate_reports_a_broken_resource(tmp_path, capsys):
    """The wiring, end to end: a federation stricter than the program is reported at the product's file."""
    strict = (ROOT / "governance" / "federation.yaml").read_text().replace("headroom: 0.8", "headroom: 0.05")
    strict = strict.replace("rules:\n", "rules:\n  LIM-010: {mode: mandatory}\n")
    (tmp_path / "strict.yaml").write_text(strict)
    assert cli.main(["--federation", str(tmp_path / "strict.yaml"), "validate", "--env", "dev"]) == 1
    problems = [line for line in capsys.readouterr().err.splitlines() if ": LIM-" in line]
    assert problems and all(" LIM-010 error: " in line for line in problems)
    assert any(line.startswith("domains/users/products/play-events.yaml:") and "bucket policy" in line for line in problems)


# The independent judges (parliament, cloudsplaining, checkov) over the same resources: tests/judges/.
