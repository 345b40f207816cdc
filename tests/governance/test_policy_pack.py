"""The CrossGuard pack: the same rules behind `pulumi preview --policy-pack policies`.

The pack's entry point (`policies/__main__.py`) serves forever; these tests import the policy objects
from `policies/meshplane_policies.py` and call their validate functions as the policy engine would.
"""

from __future__ import annotations

from pathlib import Path

import govkit as k
import meshplane_policies as pack
import pytest
from cases import CASES, StackSubject
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from meshplane.cloud.inventory import Resource
from meshplane.cloud.quotas import DEFAULTS
from meshplane.declarations.federation import Federation
from meshplane.governance.registry import RULES, load_federation
from meshplane.governance.rule import Subject

ROOT = Path(__file__).resolve().parents[2]


def options(parent: str | None = None) -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


def resource_args(r: Resource) -> ResourceValidationArgs:
    return ResourceValidationArgs(r.type, unknown_checking_proxy(r.inputs), r.urn, r.name, options(r.parent), None)


def stack_args(resources: list[Resource], props=lambda r: r.inputs) -> StackValidationArgs:
    made: dict[str, PolicyResource] = {}
    for r in resources:
        made[r.urn] = PolicyResource(r.type, unknown_checking_proxy(props(r)), r.urn, r.name, options(r.parent), None, None, [], {})
    for r in resources:  # parents, as the engine links them
        if r.parent in made:
            made[r.urn].parent = made[r.parent]
    return StackValidationArgs(list(made.values()))


def violations(policies, resources: list[Resource], only: str | None = None) -> list[tuple[str, str, str | None]]:
    """(policy, message, urn) for every violation the pack reports over the resources."""
    found = []
    for policy in policies:
        if only is not None and policy.name != only:
            continue

        def report(message, urn=None, name=policy.name):
            found.append((name, message, urn))

        if isinstance(policy, ResourceValidationPolicy):
            for r in resources:
                policy.validate(resource_args(r), report)
        elif RULES[policy.name].subject in (Subject.stack, Subject.usage):
            policy.validate(stack_args(resources), report)
    return found


def test_one_policy_per_rule_of_the_right_kind():
    policies = pack.policies(Federation(), "prod")
    assert [p.name for p in policies] == list(RULES)
    for policy in policies:
        rule = RULES[policy.name]
        kind = ResourceValidationPolicy if rule.subject is Subject.resource else StackValidationPolicy
        assert isinstance(policy, kind)
        assert policy.description.startswith(rule.title)


def test_enforcement_follows_the_federation_per_environment():
    federation = load_federation(ROOT / "governance" / "federation.yaml")
    dev = {p.name: p.enforcement_level for p in pack.policies(federation, "dev")}
    prod = {p.name: p.enforcement_level for p in pack.policies(federation, "prod")}
    assert dev["MESH-010"] is EnforcementLevel.ADVISORY and prod["MESH-010"] is EnforcementLevel.MANDATORY
    assert dev["RES-001"] is prod["RES-001"] is EnforcementLevel.MANDATORY
    assert prod["LIM-006"] is EnforcementLevel.MANDATORY and prod["LIM-010"] is EnforcementLevel.ADVISORY


# the pack applies AWS's default quotas: a stack's raised ones are `meshplane validate`'s to apply
RESOURCE_CASES = [c for c in CASES if RULES[c.rule].subject is not Subject.mesh and getattr(c.subject(), "book", DEFAULTS) is DEFAULTS]


@pytest.mark.parametrize("case", RESOURCE_CASES, ids=[c.id for c in RESOURCE_CASES])
def test_the_pack_reports_what_the_rule_finds(case):
    subject = case.subject()
    assert isinstance(subject, StackSubject)
    found = violations(pack.policies(subject.federation, "prod"), subject.resources, only=case.rule)
    if case.compliant:
        assert found == []
    else:
        assert found and all(message.startswith(f"{case.rule}: ") for _, message, _ in found)
        # stack findings name the resource at fault; an account's count has none (validate shows the stack file's line)
        assert all(urn is not None or "of account " in message for _, message, urn in found)


def test_the_compliant_stack_passes_the_whole_pack():
    assert violations(pack.policies(Federation(), "prod"), k.compliant_stack()) == []


def test_unknown_values_during_a_preview_are_not_violations():
    stack = k.changed(k.compliant_stack(), "BucketPublicAccessBlock", lambda i: i.update(bucket=UNKNOWN_STRING_VALUE))
    stack = k.changed(stack, "bucketPolicy:BucketPolicy", lambda i: i.update(policy=UNKNOWN_STRING_VALUE))
    stack = k.changed(stack, "iam/role:Role", lambda i: i.update(assumeRolePolicy=UNKNOWN_STRING_VALUE))
    assert violations(pack.policies(Federation(), "prod"), stack) == []


def test_a_product_suppression_applies_in_the_pack():
    federation = k.federation_with("  RES-004: {environments: {dev: advisory}}\n")
    stack = k.changed(k.without(k.compliant_stack(), "BucketVersioning"), "s3/bucket:Bucket", lambda i: i.update(tags={"product": "users/play-events"}))
    mesh = k.mesh(lambda d: d.update(suppressions=[{"rule": "RES-004", "reason": "scratch data, rebuilt hourly"}]))
    assert violations(pack.policies(federation, "dev", mesh), stack) == []
    assert [name for name, _, _ in violations(pack.policies(federation, "prod", mesh), stack)] == ["RES-004"]


def test_mesh_rules_run_as_stack_policies():
    mesh = k.mesh(None, lambda d: d["job"].update(image="registry.daff.example/podcasts/podcast-plays:latest"))
    (policy,) = [p for p in pack.policies(k.federation(), "prod", mesh) if p.name == "MESH-010"]
    found = []
    policy.validate(StackValidationArgs([]), lambda message, urn=None: found.append(message))
    assert found == [
        "domains/podcasts/products/podcast-plays.yaml:23: MESH-010 error: image 'registry.daff.example/podcasts/podcast-plays:latest' "
        "is not pinned: `latest` moves; use a digest (`@sha256:...`) or a release tag"
    ]


def test_mesh_rules_without_a_mesh_are_not_applicable():
    (policy,) = [p for p in pack.policies(Federation(), "prod") if p.name == "MESH-001"]
    with pytest.raises(_NotApplicableError):
        policy.validate(StackValidationArgs([]), lambda message, urn=None: None)


def test_the_repository_pack_builds_with_the_repository_mesh(monkeypatch):
    monkeypatch.setenv(pack.ENVIRONMENT_VARIABLE, "staging")
    policies = pack.repository_policies()
    assert len(policies) == len(RULES)
    assert pack.repository_mesh() is not None
    assert {p.name: p.enforcement_level for p in policies}["MESH-009"] is EnforcementLevel.ADVISORY


def test_the_pack_files_are_complete():
    folder = ROOT / "policies"
    assert "runtime:" in (folder / "PulumiPolicy.yaml").read_text()
    requirements = (folder / "requirements.txt").read_text()
    assert "pulumi-policy==" in requirements and "pydantic==" in requirements
    main = (folder / "__main__.py").read_text()
    assert "PolicyPack(" in main and "repository_policies()" in main
