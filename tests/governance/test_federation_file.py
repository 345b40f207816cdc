"""The federation's data file: validated like the domain files, every rule ID known, every field described."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from meshplane.declarations.federation import Federation
from meshplane.declarations.problems import MeshError, Severity
from meshplane.declarations.spec import Classification, Environment
from meshplane.governance.registry import RULES, load_federation
from meshplane.reports.schema import schema_texts

ROOT = Path(__file__).resolve().parents[2]
MODELINE = "# yaml-language-server: $schema=../schemas/federation.schema.json\n"


def errors_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "governance" / "federation.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(MODELINE + text)
    with pytest.raises(MeshError) as exc:
        load_federation(path)
    return [str(p) for p in exc.value.problems]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_the_repository_file_loads_and_names_only_known_rules():
    federation = load_federation(ROOT / "governance" / "federation.yaml")
    assert set(federation.rules) <= set(RULES)
    assert federation.vocabulary["listener_id"].type == "string"
    assert federation.policy_for(Classification.confidential).retention.max_days == 1095
    assert federation.severity_of("MESH-010", Environment.dev, Severity.error) is Severity.warning
    assert federation.severity_of("MESH-010", Environment.prod, Severity.error) is Severity.error
    assert federation.source.line_of(("rules", "MESH-010")) > 1


def test_an_unknown_key_is_a_path_line_error(tmp_path):
    assert errors_of(tmp_path, "open_to_mesh: [public]\nnaming:\n  column_patern: x\n") == [
        "governance/federation.yaml:4: error: unknown key 'naming.column_patern' (did you mean 'column_pattern'?)"
    ]


def test_an_unknown_rule_id_is_a_path_line_error(tmp_path):
    assert errors_of(tmp_path, "rules:\n  MESH-001: {mode: advisory}\n  MESH-999: {mode: advisory}\n  RES-042:\n    mode: mandatory\n") == [
        "governance/federation.yaml:4: error: unknown rule ID 'MESH-999' (see `meshplane.governance`)",
        "governance/federation.yaml:5: error: unknown rule ID 'RES-042' (see `meshplane.governance`)",
    ]


def test_a_malformed_rule_id_and_an_unknown_mode_are_path_line_errors(tmp_path):
    errors = errors_of(tmp_path, "rules:\n  mesh-1: {mode: advisory}\n  MESH-002:\n    environments: {prod: optional}\n")
    assert errors[0].startswith("governance/federation.yaml:3: error: rules.mesh-1.[key]: String should match pattern")
    assert errors[1] == "governance/federation.yaml:5: error: rules.MESH-002.environments.prod: expected 'mandatory' or 'advisory', got 'optional'"


VALUE_PAIRS = {  # a line the federation's file takes, the same setting as it must not be written, what is said at line 2
    "noncurrent days as a YAML 1.1 word": ("noncurrent_version_days: 7", "noncurrent_version_days: on",
                                           "noncurrent_version_days: expected an integer, got the text 'on'"),
    "noncurrent days as a fraction": ("noncurrent_version_days: 30", "noncurrent_version_days: 1.5",
                                      "noncurrent_version_days: expected an integer, got 1.5"),
    "noncurrent days as a boolean": ("noncurrent_version_days: 1", "noncurrent_version_days: true",
                                     "noncurrent_version_days: expected an integer, got true"),
    "noncurrent days out of range": ("noncurrent_version_days: 365", "noncurrent_version_days: 0",
                                     "noncurrent_version_days: Input should be greater than or equal to 1"),
    "noncurrent days beyond a year": ("noncurrent_version_days: 365", "noncurrent_version_days: 366",
                                      "noncurrent_version_days: Input should be less than or equal to 365"),
    "headroom as a YAML 1.1 word": ("headroom: 0.5", "headroom: yes", "headroom: expected a number, got the text 'yes'"),
    "a column pattern that is no regular expression": ('naming: {column_pattern: "^[a-z_]+$"}', 'naming: {column_pattern: "^[a-z(("}',
                                                       "naming.column_pattern: not a regular expression: unterminated character set at position 1"),
    "a tag pattern that is no regular expression": ('images: {immutable_tag_pattern: "^v[0-9]+$"}', 'images: {immutable_tag_pattern: "^v(?P<x"}',
                                                    "images.immutable_tag_pattern: not a regular expression: missing >, unterminated name at position 6"),
}


@pytest.mark.parametrize("good, bad, message", VALUE_PAIRS.values(), ids=VALUE_PAIRS.keys())
def test_each_setting_takes_its_type_only_and_says_so_at_its_line(tmp_path, good, bad, message):
    path = tmp_path / "governance" / "federation.yaml"
    path.parent.mkdir()
    path.write_text(f"{MODELINE}{good}\n")
    load_federation(path)
    assert errors_of(tmp_path, f"{bad}\n") == [f"governance/federation.yaml:2: error: {message}"]


def test_noncurrent_versions_go_a_week_after_they_stop_being_current_unless_the_federation_says_otherwise(tmp_path):
    assert Federation().noncurrent_version_days == 7
    assert load_federation(ROOT / "governance" / "federation.yaml").noncurrent_version_days == 7


def test_retention_bounds_must_be_ordered(tmp_path):
    errors = errors_of(tmp_path, "classifications:\n  restricted:\n    retention: {min_days: 30, max_days: 7}\n")
    assert errors == ["governance/federation.yaml:4: error: classifications.restricted.retention: min_days (30) exceeds max_days (7)"]


def test_a_polyseme_needs_a_known_type(tmp_path):
    errors = errors_of(tmp_path, "vocabulary:\n  listener_id: {type: uuid, description: x}\n")
    assert errors[0].startswith("governance/federation.yaml:3: error: vocabulary.listener_id.type: expected a column type: string, int, ")


def test_no_file_means_the_defaults(tmp_path):
    federation = load_federation(tmp_path / "nowhere.yaml")
    assert federation == Federation()
    assert federation.source is None
    assert federation.headroom == 0.8


def test_the_committed_schema_is_the_generated_one():
    assert (ROOT / "schemas" / "federation.schema.json").read_text() == schema_texts()["federation.schema.json"]


def _models(model: type[BaseModel], seen: set) -> list[type[BaseModel]]:
    if model in seen:
        return []
    seen.add(model)
    found = [model]
    for field in model.model_fields.values():
        for arg in _types(field.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                found += _models(arg, seen)
    return found


def _types(annotation) -> list:
    args = getattr(annotation, "__args__", ())
    return [annotation, *[t for a in args for t in _types(a)]]


def test_every_field_is_described():
    for model in _models(Federation, set()):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"
