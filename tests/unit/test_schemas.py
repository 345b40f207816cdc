"""The JSON Schemas: committed = generated, every declaration points at its schema and validates against it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from meshplane.declarations.loader import MODELINE, SpecError, parse_spec
from meshplane.declarations.spec import Product
from meshplane.declarations.yamlsrc import parse
from meshplane.governance.registry import load_federation
from meshplane.reports.schema import schema_texts

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "schemas"
DECLARATIONS = sorted([*(REPO / "domains").rglob("*.yaml"), *(REPO / "governance").rglob("*.yaml")])
IDS = [str(p.relative_to(REPO)) for p in DECLARATIONS]


def schema_kind(path: Path) -> str:
    if path.parent.name == "products":
        return "product"
    return path.stem  # domain.yaml, federation.yaml


def validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / name).read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


GENERATED = schema_texts(load_federation(REPO / "governance" / "federation.yaml"))


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_committed_schemas_match_the_models_and_the_federation(name):
    committed = SCHEMAS / name
    assert committed.is_file(), f"{name} is missing: run `meshplane schema`"
    assert committed.read_text() == GENERATED[name], f"schemas/{name} drifted from the models or the federation: run `meshplane schema`"


def test_no_stale_schema_files():
    assert sorted(p.name for p in SCHEMAS.glob("*.json")) == sorted(GENERATED)


def test_the_sample_has_declarations():
    assert len(DECLARATIONS) >= 13


@pytest.mark.parametrize("path", DECLARATIONS, ids=IDS)
def test_every_declaration_opens_with_a_modeline_to_its_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(MODELINE), f"{path}: first line is {first!r}"
    target = (path.parent / first.removeprefix(MODELINE).strip()).resolve()
    assert target.is_file(), f"{path}: the modeline points at {target}, which does not exist"
    assert target == (SCHEMAS / f"{schema_kind(path)}.schema.json").resolve()


@pytest.mark.parametrize("path", DECLARATIONS, ids=IDS)
def test_every_declaration_validates_against_its_json_schema(path):
    data = parse(path.read_bytes()).data  # the project's own YAML reading, not another parser's idea of YAML
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(f"{schema_kind(path)}.schema.json").iter_errors(data)]
    assert errors == []


EDITOR_CASES = {  # the lines appended to the template (from line 16), and what the loader says of them
    "unknown key": ("colour: blue\n", [(16, "unknown key 'colour'")]),
    "bad enum": ("environments:\n  qa: {replicas: 2}\n", [(17, "environments: unknown key 'qa': expected 'dev', 'staging', 'prod' or 'local'")]),
    "fixed field overridden": ("environments:\n  prod: {classification: public}\n", [(17, "unknown key 'environments.prod.classification'")]),
    "wrong type": ("retention_days: forever\n", [(16, "retention_days: expected an integer, got the text 'forever'")]),
    "yaml 1.1 word": ("retention_days: on\n", [(16, "retention_days: expected an integer, got the text 'on'")]),
    "out of range": ("retention_days: 0\n", [(16, "retention_days: Input should be greater than or equal to 1")]),
}


@pytest.mark.parametrize("extra, expected", EDITOR_CASES.values(), ids=EDITOR_CASES.keys())
def test_the_editor_and_the_loader_refuse_the_same_mistakes(extra, expected):
    from meshkit import product_text

    raw = (product_text("play-events") + extra).encode()
    assert parse_spec(product_text("play-events").encode(), Product)  # the template itself is fine
    assert not validator("product.schema.json").is_valid(parse(raw).data)
    with pytest.raises(SpecError) as error:
        parse_spec(raw, Product)
    assert error.value.items == expected
