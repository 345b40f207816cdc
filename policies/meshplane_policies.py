"""The CrossGuard policies: every meshplane governance rule, wrapped for `pulumi preview --policy-pack`.

Each policy converts what the engine hands it (type, properties, URN, name) into a
`meshplane.cloud.inventory.Resource` and calls the same rule function `meshplane validate` calls; the
federation's file decides, per environment, whether a violation is mandatory or advisory.
Resource and limit rules become resource or stack policies; the mesh rules run as stack policies
over the repository's `domains/`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the pack runs from its own folder, with meshplane one folder up
    sys.path.insert(0, str(ROOT))

from pulumi_policy import (  # noqa: E402
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy import (
    Severity as PolicySeverity,
)
from pulumi_policy.policy import Policy  # noqa: E402

from meshplane.cloud.inventory import Resource  # noqa: E402
from meshplane.declarations.federation import Federation  # noqa: E402
from meshplane.declarations.loader import load_mesh  # noqa: E402
from meshplane.declarations.mesh import Mesh  # noqa: E402
from meshplane.declarations.problems import MeshError, Problem, Severity  # noqa: E402
from meshplane.declarations.spec import Environment  # noqa: E402
from meshplane.governance.baseline import Baseline  # noqa: E402
from meshplane.governance.evaluate import evaluate_mesh, is_suppressed, severity_of, with_product  # noqa: E402  # noqa: E402
from meshplane.governance.registry import RULES, load_federation  # noqa: E402
from meshplane.governance.rule import Rule, Subject  # noqa: E402
from meshplane.governance.usage import usage  # noqa: E402

PACK_NAME = "meshplane"
ENVIRONMENT_VARIABLE = "MESHPLANE_ENVIRONMENT"
ENFORCEMENT = {Severity.error: EnforcementLevel.MANDATORY, Severity.warning: EnforcementLevel.ADVISORY}
POLICY_SEVERITY = {Severity.error: PolicySeverity.HIGH, Severity.warning: PolicySeverity.MEDIUM}


def environment() -> Environment:
    """The stack's environment, from MESHPLANE_ENVIRONMENT; prod (the strictest modes) when unset."""
    return Environment(os.environ.get(ENVIRONMENT_VARIABLE, "prod"))


@lru_cache(maxsize=1)
def repository_mesh() -> Mesh | None:
    """The repository's mesh, for suppressions and the mesh rules; None when it does not load."""
    try:
        return load_mesh(ROOT / "domains")
    except MeshError:
        return None


# --- from what the engine hands a policy to an inventory record -----------------------------------


def plain(value: object) -> object:
    """Properties as plain data: the policy SDK's proxies unwrapped, unknown values kept as its sentinels."""
    if isinstance(value, Mapping):
        target = _target(value)
        return {k: plain(v) for k, v in target.items()}
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return [plain(v) for v in _target(value)]
    return value


def _target(proxy):
    # pulumi_policy's proxies raise on unknown values when read; their raw container is at "__target"
    if type(proxy).__name__ in ("_DictProxy", "_ListProxy"):
        return proxy["__target"]
    return proxy


def product_of(props: Mapping) -> str | None:
    """The product a resource belongs to, from its tags (AWS) or labels (Kubernetes), when they say."""
    tags = props.get("tags")
    if isinstance(tags, Mapping) and isinstance(tags.get("product"), str) and "/" in tags["product"]:
        return tags["product"]
    metadata = props.get("metadata")
    labels = metadata.get("labels") if isinstance(metadata, Mapping) else None
    if isinstance(labels, Mapping) and labels.get("meshplane.io/domain") and labels.get("meshplane.io/product"):
        return f"{labels['meshplane.io/domain']}/{labels['meshplane.io/product']}"
    return None


def to_resource(resource_type: str, props: Mapping, urn: str, name: str, parent: str | None = None) -> Resource:
    inputs = plain(props)
    product = product_of(inputs)
    return Resource(
        urn=urn,
        type=resource_type,
        name=name,
        inputs=inputs,
        parent=parent,
        custom=not resource_type.startswith("meshplane:"),
        domain=product.split("/")[0] if product else None,
        product=product,
    )


def from_resource_args(args: ResourceValidationArgs) -> Resource:
    parent = getattr(getattr(args, "opts", None), "parent", None)
    return to_resource(args.resource_type, args.props, args.urn, args.name, parent)


def from_stack_args(args: StackValidationArgs) -> list[Resource]:
    return [to_resource(r.resource_type, r.props, r.urn, r.name, _parent_urn(r)) for r in args.resources]


def _parent_urn(r) -> str | None:
    parent = getattr(getattr(r, "opts", None), "parent", None)
    if parent:
        return parent
    return r.parent.urn if getattr(r, "parent", None) is not None else None


# --- policies ---------------------------------------------------------------------------------------


def _report(rule: Rule, findings, severity: Severity, mesh: Mesh | None, report_violation: ReportViolation) -> None:
    for finding in findings:
        finding = with_product(finding)
        if is_suppressed(rule, finding, mesh, severity):
            continue
        urn = finding.resource.urn if finding.resource is not None else None
        report_violation(f"{rule.id}: {finding.message}", urn)


def resource_validation(rule: Rule, federation: Federation, severity: Severity, mesh: Mesh | None) -> Callable:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        _report(rule, rule.check(from_resource_args(args), federation), severity, mesh, report_violation)

    return validate


def stack_validation(rule: Rule, federation: Federation, severity: Severity, mesh: Mesh | None) -> Callable:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = [r for r in from_stack_args(args) if r.custom and not r.is_provider]
        _report(rule, rule.check(resources, federation), severity, mesh, report_violation)

    return validate


def usage_validation(rule: Rule, federation: Federation, severity: Severity, mesh: Mesh | None) -> Callable:
    """A limit rule over the quotas' use: AWS's default quotas (a stack's raised ones are `meshplane validate`'s to apply)."""

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        _report(rule, rule.check(usage(from_stack_args(args)), federation), severity, mesh, report_violation)

    return validate


def mesh_validation(rule: Rule, mesh_problems: Callable[[], list[Problem] | None]) -> Callable:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        problems = mesh_problems()
        if problems is None:
            args.not_applicable(f"no loadable mesh under {ROOT / 'domains'}")
            return
        for problem in problems:
            if problem.rule == rule.id:
                report_violation(str(problem), None)

    return validate


def build_policy(rule: Rule, federation: Federation, env: Environment, mesh: Mesh | None, mesh_problems) -> Policy:
    severity = severity_of(rule, federation, env)
    common = dict(
        name=rule.id,
        description=f"{rule.title}. {rule.rationale}",
        enforcement_level=ENFORCEMENT[severity],
        display_name=rule.title,
        severity=POLICY_SEVERITY[severity],
        tags=[rule.scope.value],
    )
    if rule.subject is Subject.resource:
        return ResourceValidationPolicy(validate=resource_validation(rule, federation, severity, mesh), **common)
    if rule.subject is Subject.stack:
        return StackValidationPolicy(validate=stack_validation(rule, federation, severity, mesh), **common)
    if rule.subject is Subject.usage:
        return StackValidationPolicy(validate=usage_validation(rule, federation, severity, mesh), **common)
    return StackValidationPolicy(validate=mesh_validation(rule, mesh_problems), **common)


def policies(federation: Federation, env: Environment | str, mesh: Mesh | None = None) -> list[Policy]:
    """One policy per governance rule, with the severities `federation` sets for `env`.

    `mesh` gives the products' suppressions and the mesh rules' subject; without it, no finding is
    suppressed and the mesh rules report "not applicable".
    """
    env = Environment(env)

    @lru_cache(maxsize=1)
    def mesh_problems() -> list[Problem] | None:
        if mesh is None:
            return None
        merged = Baseline.of(mesh, federation.open_classifications)  # deploying: the change was reviewed and merged
        return evaluate_mesh(mesh, federation, env, merged)

    return [build_policy(rule, federation, env, mesh, mesh_problems) for rule in RULES.values()]


def repository_policies() -> list[Policy]:
    """The pack as `pulumi preview --policy-pack policies` runs it: the repository's federation file and mesh."""
    federation = load_federation(ROOT / "governance" / "federation.yaml")
    return policies(federation, environment(), repository_mesh())
