"""Every rule: its record, and its compliant and non-compliant cases (tests/governance/cases.py)."""

from __future__ import annotations

import copy
import inspect
import re
from pathlib import Path

import pytest
from cases import CASES, MeshSubject, run

from meshplane.declarations.problems import Severity
from meshplane.governance import rules as rules_package
from meshplane.governance.registry import RULES
from meshplane.governance.rule import Scope, Subject

PREFIX = {Scope.mesh: "MESH", Scope.resource: "RES", Scope.limit: "LIM"}


def test_the_rule_ids_are_stable():
    """IDs are referenced by suppressions and the federation's file: never renumber, only add."""
    assert list(RULES) == [
        *(f"LIM-{i:03d}" for i in range(1, 13)),
        *(f"MESH-{i:03d}" for i in range(1, 22)),
        *(f"RES-{i:03d}" for i in range(1, 11)),
    ]


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_every_rule_has_an_id_a_title_a_rationale_and_its_own_file(rule):
    assert re.fullmatch(rf"{PREFIX[rule.scope]}-[0-9]{{3}}", rule.id)
    assert rule.title and not rule.title.endswith(".")
    assert len(rule.rationale) >= 60 and rule.rationale.endswith(".")
    assert isinstance(rule.severity, Severity) and isinstance(rule.subject, Subject)
    module = inspect.getmodule(rule.check)
    assert Path(module.__file__).parent == Path(rules_package.__file__).parent
    assert Path(module.__file__).stem.startswith(rule.id.lower().replace("-", "_") + "_")
    assert module.__doc__.startswith(f"{rule.id}: ")


@pytest.mark.parametrize("rule_id", list(RULES))
def test_every_rule_has_a_compliant_and_a_non_compliant_case(rule_id):
    kinds = {case.compliant for case in CASES if case.rule == rule_id}
    assert kinds == {True, False}


def test_every_case_names_a_registered_rule():
    assert {case.rule for case in CASES} <= set(RULES)
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case):
    subject = case.subject()
    findings = run(case.rule, subject)
    if case.compliant:
        assert findings == []
        return
    assert findings, f"{case.rule} found nothing"
    first = findings[0]
    assert first.message
    if case.where is not None:
        path, yaml_path = case.where
        assert first.path == path
        assert isinstance(subject, MeshSubject)
        expected = _line(subject, path, yaml_path)
        assert first.line == expected
    if RULES[case.rule].subject is not Subject.mesh:
        assert first.resource is not None or (first.path and first.line), "a finding shows a resource or a stack file's line"
        if case.culprit is not None:
            assert first.resource.type == case.culprit


def _line(subject: MeshSubject, path: str, yaml_path: tuple) -> int:
    if path == "governance/federation.yaml":
        return subject.federation.source.line_of(yaml_path)
    product = next(p for p in subject.mesh.products.values() if p.source.path == path)
    line = product.source.lines.get(yaml_path)
    assert line is not None, f"{yaml_path} is not written in {path}"  # the rule points at a key the file has
    return line


@pytest.mark.slow
def test_rules_are_pure():
    """The same subject gives the same findings, and the subject is left as it was."""
    for case in CASES:
        subject = case.subject()
        before = _snapshot(subject)
        assert run(case.rule, subject) == run(case.rule, subject)
        assert _snapshot(subject) == before


def _snapshot(subject) -> object:
    if isinstance(subject, MeshSubject):
        return repr(subject)
    return copy.deepcopy([(r.urn, r.inputs) for r in subject.resources])
