"""Run the rules, apply the federation's modes and the products' suppressions, and locate every finding."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from meshplane.cloud.inventory import Resource
from meshplane.cloud.quotas import DEFAULTS, QuotaBook
from meshplane.declarations.federation import Federation
from meshplane.declarations.mesh import Mesh
from meshplane.declarations.problems import Problem, Severity
from meshplane.declarations.spec import Environment
from meshplane.governance.baseline import Baseline
from meshplane.governance.context import MeshContext
from meshplane.governance.registry import RULES, rules_for
from meshplane.governance.rule import Finding, Rule, Subject
from meshplane.governance.usage import usage


def severity_of(rule: Rule, federation: Federation, env: Environment) -> Severity:
    """The rule's severity in `env`, as the federation decides."""
    return federation.severity_of(rule.id, env, rule.severity_in(env))


def mesh_findings(mesh: Mesh, federation: Federation, env: Environment, base: Baseline | None = None) -> list[tuple[Rule, Finding]]:
    ctx = MeshContext(mesh=mesh, federation=federation, env=env, base=base)
    return [(rule, finding) for rule in rules_for(Subject.mesh) for finding in rule.check(ctx) if mesh.answers_for(finding.product)]


def resource_findings(resources: Sequence[Resource], federation: Federation, book: QuotaBook = DEFAULTS) -> list[tuple[Rule, Finding]]:
    checked = [r for r in resources if not r.is_provider and r.custom]
    found: list[tuple[Rule, Finding]] = []
    per_resource = rules_for(Subject.resource)
    for r in checked:  # a resource's rules one after another: its documents are decoded once
        found.extend((rule, f) for rule in per_resource for f in rule.check(r, federation))
    for rule in rules_for(Subject.stack):
        found.extend((rule, f) for f in rule.check(checked, federation))
    rows = usage(resources, book)
    for rule in rules_for(Subject.usage):
        found.extend((rule, f) for f in rule.check(rows, federation))
    return found


def is_suppressed(rule: Rule, finding: Finding, mesh: Mesh | None, severity: Severity) -> bool:
    """An advisory finding the owning product suppresses; a mandatory one (one that blocks) always stands."""
    if severity.blocks or mesh is None or finding.product not in mesh.products:
        return False
    return any(s.rule == rule.id for s in mesh.products[finding.product].spec.suppressions)


def suppression_problems(mesh: Mesh, federation: Federation, env: Environment) -> list[Problem]:
    """Suppressions that name no rule, or a rule mandatory in `env`: each a `path:line` error."""
    problems = []
    for declared in (p for p in mesh.products.values() if mesh.answers_for(p.address)):
        first: dict[str, int] = {}
        for i, suppression in enumerate(declared.spec.suppressions):
            line = declared.source.line_of(("suppressions", i, "rule"))
            rule = RULES.get(suppression.rule)
            if suppression.rule in first:
                problems.append(Problem(declared.source.path, line, f"suppression of {suppression.rule} is declared twice (first at line {first[suppression.rule]})"))
                continue
            first[suppression.rule] = line
            if rule is None:
                problems.append(Problem(declared.source.path, line, f"suppression names unknown rule {suppression.rule!r}"))
            elif severity_of(rule, federation, env).blocks:
                problems.append(
                    Problem(
                        declared.source.path,
                        line,
                        f"{rule.id} ({rule.title}) is mandatory in {env.value} and cannot be suppressed",
                    )
                )
    return problems


def judge(
    findings: Iterable[tuple[Rule, Finding]], federation: Federation, env: Environment, mesh: Mesh | None
) -> list[Problem]:
    """The findings that stand, as problems: mandatory ones are errors, advisory ones warnings."""
    problems = []
    for rule, finding in findings:
        severity = severity_of(rule, federation, env)
        if is_suppressed(rule, finding, mesh, severity):
            continue
        path, line = locate(finding, mesh)
        message = finding.message
        if finding.resource is not None:
            message = f"{finding.resource.type} {finding.resource.name!r}: {message}"
        problems.append(Problem(path, line, message, severity, rule.id))
    return problems


def locate(finding: Finding, mesh: Mesh | None) -> tuple[str, int]:
    """A finding's file and line: its own, else the owning product's file, else the domain's, else the URN."""
    if finding.path is not None:
        return finding.path, finding.line
    resource = finding.resource
    if resource is None:
        return "(mesh)", 1
    declared = mesh.declaration(resource.product, resource.domain, finding.field) if mesh is not None else None
    return declared or (resource.urn, 1)


def with_product(finding: Finding) -> Finding:
    """Resource findings take the resource's product, so that product's suppressions apply."""
    if finding.resource is not None and finding.product is None and finding.resource.product:
        return replace(finding, product=finding.resource.product)
    return finding


def evaluate_mesh(mesh: Mesh, federation: Federation, env: Environment | str, base: Baseline | None = None) -> list[Problem]:
    """Every mesh rule's standing finding, plus invalid suppressions and the declarations' own warnings, as sorted problems.

    `base` is the mesh before the change under review (`meshplane.governance.baseline`); without it every refused input counts
    as one the change adds."""
    env = Environment(env)
    problems = judge(mesh_findings(mesh, federation, env, base), federation, env, mesh)
    problems.extend(suppression_problems(mesh, federation, env))
    problems.extend(mesh.notices)
    return sorted(problems)


def evaluate_resources(
    resources: Sequence[Resource], federation: Federation, env: Environment | str, mesh: Mesh | None = None, book: QuotaBook = DEFAULTS
) -> list[Problem]:
    """Every resource and limit rule's standing finding over the registered resources, as sorted problems.

    With `mesh`, findings are located in the owning product's file and its suppressions apply (a mesh read around
    some domains answers for theirs only); `book` holds the quotas the stack declares raised (AWS's defaults otherwise).
    """
    env = Environment(env)
    findings = [(rule, with_product(f)) for rule, f in resource_findings(resources, federation, book) if answered(f, mesh)]
    return sorted(judge(findings, federation, env, mesh))


def answered(finding: Finding, mesh: Mesh | None) -> bool:
    """A finding about a resource of a domain a scoped mesh does not answer for is that domain's own run's."""
    resource = finding.resource
    return mesh is None or resource is None or mesh.answers_for(resource.product or resource.domain)

