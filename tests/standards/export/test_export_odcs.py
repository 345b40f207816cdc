"""ODCS v3.2.0 contracts: one per output port, valid against the package's JSON Schema, naming what the program provisions."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import jsonschema_rs
import pytest
import yaml
from standardskit import BIG_PRODUCTS, REPO
from open_data_contract_standard.model import OpenDataContractStandard

from meshplane import cli
from meshplane.compose.stack_plan import compose
from meshplane.declarations.resolve import resolve
from meshplane.declarations.spec import Environment
from meshplane.declarations.stack import read_stack
from meshplane.export.files import write_documents
from meshplane.export.odcs import contracts

LOGICAL = {"string": "string", "int": "integer", "bigint": "integer", "double": "number", "boolean": "boolean",
           "date": "date", "timestamp": "timestamp", "decimal(18,2)": "number"}  # fmt: skip


@pytest.fixture(scope="module")
def schema() -> dict:
    """The JSON Schema `open-data-contract-standard` 3.2.0 ships, read here independently of meshplane.declarations.odcs_standard."""
    return json.loads(resources.files("open_data_contract_standard").joinpath("schema.json").read_text())


@pytest.fixture(scope="module")
def validator(schema) -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def errors(validator, document: dict) -> list[str]:
    return sorted(f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document))


@pytest.mark.parametrize("stack", ["prod", "dev", "staging", "local", "prod-podcasts"])
def test_every_sample_contract_written_to_disk_validates(mesh, validator, tmp_path, stack):
    documents = contracts(mesh, read_stack(REPO, stack).settings)
    assert documents, "a stack with no contract tests nothing"
    for path in write_documents(tmp_path, documents, "odcs"):
        document = yaml.safe_load(path.read_text())
        assert errors(validator, document) == [], path
        assert OpenDataContractStandard.model_validate(document).id == document["id"]


def test_one_contract_per_product_the_stacks_deploy(mesh, prod):
    assert list(contracts(mesh, *prod)) == list(mesh.products)
    assert [a for a in contracts(mesh, prod[0])] == [a for a in mesh.products if not a.startswith("podcasts/")]
    podcasts_only = contracts(mesh, read_stack(REPO, "prod-podcasts").settings)
    assert list(podcasts_only) == [p.address for p in mesh.products_of("podcasts")]
    assert {c["id"] for c in podcasts_only.values()} == {f"podcasts.{p.spec.name}.output" for p in mesh.products_of("podcasts")}
    assert {(c["version"], c["status"], c["apiVersion"]) for c in podcasts_only.values()} == {("1.0.0", "active", "v3.2.0")}


@pytest.mark.parametrize("stack", ["prod", "dev", "local"])  # local: artists and playlists live in an account of their own
def test_servers_name_the_bucket_and_table_the_program_provisions(mesh, federation, stack):
    settings = read_stack(REPO, stack).settings
    plan = dict(compose(mesh, settings, federation).products)
    for address, contract in contracts(mesh, settings).items():
        catalog = plan[address].catalog
        s3, glue = contract["servers"]
        assert (s3["type"], s3["environment"], s3["location"]) == ("s3", stack, catalog.location)
        account = settings.account_of(mesh.products[address].domain)
        assert (glue["type"], glue["account"], glue["database"], glue["location"]) == ("glue", account, catalog.database, catalog.location)
        assert {"property": "table", "value": catalog.table} in glue["customProperties"]
        assert contract["schema"][0]["physicalName"] == catalog.table


def test_the_local_stacks_contracts_point_at_its_emulator(mesh):
    s3, _ = contracts(mesh, read_stack(REPO, "local").settings)["users/play-events"]["servers"]
    assert (s3["location"], s3["endpointUrl"]) == ("s3://daff-local-users-play-events/", "http://127.0.0.1:5000")
    assert "endpointUrl" not in contracts(mesh, read_stack(REPO, "prod").settings)["users/play-events"]["servers"][0]


def test_a_renamed_product_is_read_where_its_data_stayed(mesh, prod):
    renamed = contracts(mesh, *prod)["playlists/listener-taste"]
    assert renamed["servers"][0]["location"] == "s3://daff-prod-playlists-taste-profiles/"
    assert renamed["schema"][0]["name"] == "listener_taste"
    assert renamed["schema"][0]["physicalName"] == "taste_profiles"


def test_the_schema_has_logical_and_physical_types_and_the_classification(mesh, prod):
    for address, contract in contracts(mesh, *prod).items():
        spec = mesh.products[address].spec
        properties = contract["schema"][0]["properties"]
        declared = [*spec.output.columns, *spec.output.partitions]
        assert [p["name"] for p in properties] == [c.name for c in declared]
        for prop, column in zip(properties, declared):
            assert (prop["logicalType"], prop["physicalType"]) == (LOGICAL[column.type], column.type)
            assert prop["classification"] == spec.classification.value
            assert prop["description"] == column.description
            custom = {c["property"]: c["value"] for c in prop.get("customProperties", [])}
            assert custom.get("pii", False) == column.pii
            assert custom.get("polyseme") == column.polyseme
        partitions = [(p["name"], p["partitionKeyPosition"]) for p in properties if p.get("partitioned")]
        assert partitions == [(c.name, i) for i, c in enumerate(spec.output.partitions, 1)]
        assert spec.classification.value in contract["tags"]


def test_service_levels_follow_the_environment(mesh, prod, dev):
    for settings in (prod[0], dev):
        levels = {s["property"]: s for s in contracts(mesh, settings)["users/play-events"]["slaProperties"]}
        product = resolve(mesh.products["users/play-events"].spec, settings.environment)
        assert levels["latency"]["value"] == 2 and levels["latency"]["unit"] == "h"
        assert levels["latency"]["schedule"] == "@hourly"
        assert levels["availability"]["value"] == 99.9
        assert (levels["retention"]["value"], levels["retention"]["unit"]) == (product.retention_days, "d")
    assert resolve(mesh.products["users/play-events"].spec, Environment.dev).retention_days == 3


def test_team_and_support_name_the_owner_and_the_domain(mesh, prod):
    contract = contracts(mesh, *prod)["podcasts/listener-demographics"]
    domain = mesh.domains["podcasts"].spec
    assert contract["team"]["name"] == domain.team
    assert {"username": "podcasts-data@daff.example", "role": "owner"} in contract["team"]["members"]
    assert {s["url"] for s in contract["support"]} == {f"mailto:{domain.contact}"}


def test_every_contract_of_the_1000_product_mesh_validates(big_mesh, prod, schema):
    validator = jsonschema_rs.validator_for(schema)  # a second implementation, and ~500x faster than jsonschema's here
    assert not validator.is_valid({**contracts(big_mesh, prod[0])["domain-00/product-0000"], "colour": "blue"})
    documents = contracts(big_mesh, prod[0])
    assert len(documents) == BIG_PRODUCTS
    invalid = {a: [e.message for e in validator.iter_errors(d)] for a, d in documents.items() if not validator.is_valid(d)}
    assert invalid == {}


def test_the_command_writes_one_file_per_product(tmp_path, monkeypatch, capsys, mesh):
    monkeypatch.chdir(REPO)
    assert cli.main(["export", "odcs", "--env", "staging", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out == f"wrote {len(mesh.products)} ODCS documents into {tmp_path}\n"
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.yaml"))
    assert written == sorted(f"{a}.odcs.yaml" for a in mesh.products)
    assert yaml.safe_load((tmp_path / "users/play-events.odcs.yaml").read_text())["servers"][0]["environment"] == "staging"


def test_an_unknown_stack_is_one_located_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    assert cli.main(["export", "odcs", "--env", "qa", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "--env:1: error: no environment or stack 'qa' (known: dev, local, prod, prod-podcasts, staging)",
    ]  # the command line's: a usage error, located at the option
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_standard_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["export", "dcs"])
    assert exit.value.code == 2
    assert "invalid choice: 'dcs'" in capsys.readouterr().err
