"""The sample mesh passes every mandatory rule in every environment, declarations and resources alike."""

from __future__ import annotations

from pathlib import Path

import pytest

import meshplane_policies as pack
from meshplane import tokens
from meshplane import cli
from meshplane.governance import load_federation
from meshplane.governance import RULES, Subject, evaluate_mesh, evaluate_program, evaluate_resources, program_root
from meshplane.loader import load_mesh
from meshplane.spec import Environment

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
    engine = pytest.importorskip("meshplane.engine")
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
    pytest.importorskip("meshplane.engine")
    monkeypatch.chdir(ROOT)
    assert program_root(Path("domains"), Environment.prod) == ROOT
    assert cli.main(["validate", "--env", "prod"]) == 0
    assert capsys.readouterr().err == ""


def test_evaluate_program_reports_a_broken_resource(mesh):
    """The wiring, end to end: a federation stricter than the program is reported at the product's file."""
    pytest.importorskip("meshplane.engine")
    federation = load_federation(ROOT / "governance" / "federation.yaml")
    strict = federation.model_copy(update={"limits": federation.limits.model_copy(update={"trust_policy_chars": 100})})
    problems = evaluate_program(mesh, strict, "dev", ROOT)
    assert problems and {p.rule for p in problems} == {"LIM-005"}
    assert any(p.path.endswith("domains/users/products/play-events.yaml") for p in problems)


# The independent judges (parliament, cloudsplaining, checkov) over the same resources: tests/judges/.
