"""The JSON Schema says what governance will say of one product file: for every compliant and non-compliant case of
the rules of one file, the schema an editor uses accepts and refuses what the rule does, wherever the federation
makes the rule mandatory in every environment."""

from __future__ import annotations

import jsonschema
import pytest
from cases import CASES, Case, MeshSubject

from meshplane.governance.registry import RULES
from meshplane.governance.schema_governance import FILE_RULES, mandatory_everywhere, product_schema

FILE_CASES = [c for c in CASES if c.rule in FILE_RULES]


def refused(subject: MeshSubject) -> list[str]:
    """What the schema says of each product file of the case's mesh."""
    schema = product_schema(subject.federation)
    validator = jsonschema.Draft202012Validator(schema)
    found = []
    for declared in subject.mesh.products.values():
        data = declared.spec.model_dump(mode="json", by_alias=True, exclude_unset=True)
        found += [f"{declared.address}: {'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
    return found


def test_every_rule_of_one_file_has_cases():
    assert {c.rule for c in FILE_CASES} == set(FILE_RULES)
    assert all(RULES[r].scope.value == "mesh" for r in FILE_RULES)


@pytest.mark.parametrize("case", FILE_CASES, ids=[c.id for c in FILE_CASES])
def test_the_schema_accepts_and_refuses_what_the_rule_does(case: Case):
    subject = case.subject()
    found = refused(subject)
    if case.compliant or case.rule not in mandatory_everywhere(subject.federation):
        assert found == [], found
    else:
        assert found, f"{case.id}: governance refuses it, the schema does not"


def test_a_rule_made_advisory_somewhere_leaves_the_schema():
    from govkit import federation_with

    strict = product_schema(federation_with(""))
    relaxed = product_schema(federation_with("  MESH-008:\n    environments: {dev: advisory}\n"))
    assert "allOf" in strict and all("retention_days" not in str(rule) for rule in relaxed.get("allOf", ()))
