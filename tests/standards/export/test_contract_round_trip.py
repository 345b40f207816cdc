"""A port taken from a contract exports that contract: identical but for what meshplane states, valid ODCS v3.2.0,
and what the contract says of a column used where meshplane has a place for it (Glue column parameters)."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema_rs
import pytest
import yaml
from standardskit import REPO
from contractkit import LATER, VERSIONS, document, full_range, product
from meshkit import CONTRACT, MeshFiles, edit, with_contract
from open_data_contract_standard.model import OpenDataContractStandard

from meshplane.compose.stack_plan import compose
from meshplane.declarations.deployments import read_stacks
from meshplane.declarations.federation import Federation
from meshplane.declarations.mesh import Mesh
from meshplane.export.files import write_documents
from meshplane.export.odcs import contracts
from meshplane.export.odps import descriptors

MESHPLANES = ("meshplaneAddress", "kind", "dataClassification", "inputs", "consumers", "deprecationDate", "replacedBy")


@pytest.fixture(scope="module")
def ods() -> jsonschema_rs.Validator:
    """The JSON Schema `open-data-contract-standard` 3.2.0 ships: the exports' judge, apart from the import's."""
    return jsonschema_rs.validator_for(json.loads(resources.files("open_data_contract_standard").joinpath("schema.json").read_text()))


@pytest.fixture(scope="module")
def stacks():
    return read_stacks(REPO)


def loaded(mesh_files: MeshFiles, contract: str, text: str | None = None) -> Mesh:
    mesh_files.product("users", "alpha", product() if text is None else text)
    mesh_files.write("users/contracts/alpha.odcs.yaml", contract)
    return mesh_files.load()


def differences(a: object, b: object, path: tuple = ()) -> list[tuple]:
    """The paths where two documents differ (a key on one side only, a list of another length, a value)."""
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in [*a, *(k for k in b if k not in a)]:
            found += [(*path, key)] if key not in a or key not in b else differences(a[key], b[key], (*path, key))
        return found
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [p for i, (x, y) in enumerate(zip(a, b)) for p in differences(x, y, (*path, i))]
    return [] if a == b else [path]


@pytest.mark.parametrize("api_version", VERSIONS)
def test_the_full_range_contract_comes_back_identical_but_for_what_meshplane_states(mesh_files, stacks, ods, api_version):
    original = document(full_range(api_version))
    exported = contracts(loaded(mesh_files, full_range(api_version)), stacks["dev"])["users/alpha"]
    found = differences(original, exported)
    stated = {"apiVersion", "id", "name", "domain", "servers", "team", "support", "customProperties"}  # README's list
    assert {p[0] for p in found} <= stated, [p for p in found if p[0] not in stated]
    assert {p[0] for p in found} == {"id", "name", "domain", "servers", "team", "support", "customProperties"} | (
        set() if api_version == "v3.2.0" else {"apiVersion"}
    )
    assert [c for c in exported["customProperties"] if c["property"] not in MESHPLANES] == original["customProperties"]
    assert exported["schema"][0]["physicalName"] == "alpha"  # the Glue table, as the contract says
    assert (exported["apiVersion"], exported["id"], exported["domain"]) == ("v3.2.0", "users.alpha.output", "users")
    assert [s["type"] for s in exported["servers"]] == ["s3", "glue"]
    assert list(ods.iter_errors(exported)) == []
    assert OpenDataContractStandard.model_validate(exported).version == "1.4.2"
    # the quality arrays come back unchanged, and the rules meshplane evaluates are the port's (issue 20)
    assert [exported["schema"][0]["quality"], [p.get("quality") for p in exported["schema"][0]["properties"]]] == [
        original["schema"][0]["quality"], [p.get("quality") for p in original["schema"][0]["properties"]]]
    port = loaded(mesh_files, full_range(api_version)).products["users/alpha"].spec.output
    ported = [(r.type.value, r.metric and r.metric.value) for r in (*port.quality, *(r for c in (*port.columns, *port.partitions) for r in c.quality))]
    assert ported == [("sql", None), ("text", None), *([("library", "rowCount"), ("library", "duplicateValues")] if api_version in LATER else []),
                      ("custom", None), *([("library", "invalidValues"), ("library", "nullValues")] if api_version in LATER else [])]


def test_an_exported_contract_imports_back_to_the_same_port_and_the_same_export(mesh_files, tmp_path, stacks):
    first = loaded(mesh_files, full_range())
    exported = contracts(first, stacks["dev"])["users/alpha"]
    (tmp_path / "again").mkdir()
    again = MeshFiles(tmp_path / "again")
    again.product("users", "alpha", product())
    again.write("users/contracts/alpha.odcs.yaml", yaml.safe_dump(exported, sort_keys=False))
    second = again.load()
    assert second.products["users/alpha"].spec.output == first.products["users/alpha"].spec.output
    assert [n.message.split(":")[0] for n in second.notices] == [  # a stack's own: each stack writes its own; rules nobody runs
        "servers", "schema.0.properties.8.quality.0", "schema.0.quality.1"]
    assert contracts(second, stacks["dev"])["users/alpha"] == exported


def test_what_the_contract_says_of_its_columns_is_carried_through(mesh_files, stacks):
    # primaryKey, unique, enum, logicalTypeOptions, relationships, criticalDataElement, authoritativeDefinitions,
    # businessName, tags and custom properties vanished from the export before (issue 21, Silent changes)
    said = (
        "        description: Pseudonymous listener.\n"
        "        businessName: listener\n        primaryKey: true\n        primaryKeyPosition: 1\n        unique: true\n"
        "        criticalDataElement: true\n        tags: [identity]\n        logicalTypeOptions: {minLength: 8}\n"
        "        enum: [{value: a}, {value: b}]\n        relationships: [{to: profiles.listener_id}]\n"
        "        authoritativeDefinitions: [{type: businessDefinition, url: 'https://wiki.example/listener'}]\n"
    )
    contract = edit(CONTRACT, "        description: Pseudonymous listener.\n", said)
    contract = edit(contract, "          - {property: polyseme, value: listener_id}\n", "          - {property: polyseme, value: listener_id}\n          - {property: owner, value: users}\n")
    mesh_files.product("users", "alpha", with_contract("alpha", classification="confidential"))
    mesh_files.write("users/contracts/alpha.odcs.yaml", contract)
    (prop, *_) = contracts(mesh_files.load(), stacks["dev"])["users/alpha"]["schema"][0]["properties"]
    assert prop == document(contract)["schema"][0]["properties"][0]


def test_a_property_classified_lower_keeps_its_own_classification(mesh_files, stacks):
    # every property was exported with the product's classification before (issue 21, Silent changes)
    public = edit(CONTRACT, "        description: Plays counted.\n", "        description: Plays counted.\n        classification: public\n")
    mesh_files.product("users", "alpha", with_contract("alpha", classification="confidential"))
    mesh_files.write("users/contracts/alpha.odcs.yaml", public)
    properties = contracts(mesh_files.load(), stacks["dev"])["users/alpha"]["schema"][0]["properties"]
    assert [p.get("classification") for p in properties] == [None, "public", None, None, None]


def test_minor_and_patch_and_the_contracts_own_service_levels_carry_through(mesh_files, stacks):
    # the contract's version and SLA were replaced by the product's before (issue 21, Silent changes)
    contract = edit(CONTRACT, "version: 1.0.0", "version: 1.3.7") + (
        "slaProperties:\n  - {property: retention, value: 1, unit: y}\n  - {property: frequency, value: 1, unit: d}\n"
    )
    mesh_files.product("users", "alpha", with_contract("alpha", classification="confidential"))
    mesh_files.write("users/contracts/alpha.odcs.yaml", contract)
    mesh = mesh_files.load()
    exported = contracts(mesh, stacks["dev"])["users/alpha"]
    assert exported["version"] == "1.3.7"
    assert exported["slaProperties"] == [{"property": "retention", "value": 1, "unit": "y"}, {"property": "frequency", "value": 1, "unit": "d"}]
    (port,) = descriptors(mesh, [])["users/alpha"]["outputPorts"]
    assert (port["contractId"], port["version"]) == ("users.alpha.output", "1.3.7")


def test_a_promise_the_contract_leaves_unsaid_is_the_products(mesh_files, stacks):
    exported = contracts(loaded(mesh_files, edit(full_range(), "  - {property: latency, value: 1, unit: d, element: plays_per_listener.day}\n", "")), stacks["dev"])
    levels = [(s["property"], s["value"], s.get("unit")) for s in exported["users/alpha"]["slaProperties"]]
    assert levels[-1] == ("latency", 24, "h")  # the product's freshness, after the contract's own
    assert ("retention", 3, "y") in levels


def test_what_v3_2_0_refuses_of_an_older_contract_is_left_out_of_the_export(mesh_files, stacks, ods):
    quality = "\n    quality:\n      - {type: library, rule: nullCheck, mustBe: 0}\n      - {type: text, description: Checked by hand.}\n"
    contract = edit(full_range("v3.0.2"), "\n    quality:\n", quality)
    exported = contracts(loaded(mesh_files, contract), stacks["dev"])["users/alpha"]
    assert exported["schema"][0]["quality"][:1] == [{"type": "text", "description": "Checked by hand."}]
    assert exported["schema"][0]["quality"][1:] == document(full_range("v3.0.2"))["schema"][0]["quality"]
    assert list(ods.iter_errors(exported)) == []


def test_the_contracts_facts_are_the_glue_columns_parameters(mesh_files, stacks):
    mesh = loaded(mesh_files, full_range())
    plan = dict(compose(mesh, stacks["dev"], Federation()).products)
    columns = {c.name: c for c in (*plan["users/alpha"].catalog.columns, *plan["users/alpha"].catalog.partitions)}
    assert columns["listener_id"].parameters == {
        "businessName": "listener", "physicalType": "VARCHAR(36)", "primaryKey": "true", "primaryKeyPosition": "1",
        "unique": "false", "criticalDataElement": "true", "classification": "confidential", "tags": "identity",
    }  # fmt: skip
    assert columns["plays"].parameters == {"physicalType": "SMALLINT", "classification": "internal"}
    assert columns["country"].parameters == {"physicalType": "CHAR(2)"}
    assert columns["device"].type == "struct<family:string,model:struct<maker:string,name:string>>"


def test_every_version_of_the_full_range_contract_is_written_valid(mesh_files, stacks, ods, tmp_path):
    for api_version in VERSIONS:
        written = write_documents(tmp_path / api_version, contracts(loaded(mesh_files, full_range(api_version)), stacks["prod"]), "odcs")
        assert [list(ods.iter_errors(yaml.safe_load(p.read_text()))) for p in written] == [[]]
