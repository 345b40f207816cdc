"""ODPS v1.0.0 descriptors: the project's model of Bitol's schema, every descriptor valid, ports linked to the contracts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import jsonschema_rs
import pytest
import yaml
from standardskit import BIG_PRODUCTS, REPO
from pydantic import BaseModel, ValidationError

from meshplane import cli
from meshplane.export import odps_model
from meshplane.export.files import write_documents
from meshplane.export.odcs import contracts
from meshplane.export.odps import descriptors
from meshplane.export.odps_model import DataProduct

# a copy of Bitol's JSON Schema of ODPS v1.0.0 (Apache-2.0), kept beside the tests that check the model against it
BITOL = json.loads((Path(__file__).parent / "odps-json-schema-v1.0.0.json").read_text())
MODELS: dict[str, type[BaseModel]] = {
    "(root)": DataProduct,
    **{name: getattr(odps_model, name) for name in BITOL["$defs"] if name not in ("Tags", "SBOM")},
    "SBOM": odps_model.Sbom,
}


def bitol_objects() -> dict[str, dict]:
    return {"(root)": BITOL, **{k: v for k, v in BITOL["$defs"].items() if v.get("type") == "object"}}


def test_every_object_of_the_schema_has_a_model():
    assert sorted(bitol_objects()) == sorted(MODELS)


@pytest.mark.parametrize("name", sorted(bitol_objects()))
def test_the_model_has_the_schemas_properties_required_fields_enums_and_closedness(name):
    bitol = bitol_objects()[name]
    model = MODELS[name]
    fields = {(f.alias or n): f for n, f in model.model_fields.items()}
    assert sorted(fields) == sorted(bitol["properties"])
    assert sorted(k for k, f in fields.items() if f.is_required()) == sorted(bitol.get("required", []))
    assert (model.model_config.get("extra") == "forbid") == (bitol.get("additionalProperties") is False)
    assert model.model_config.get("extra") == "forbid"
    generated = model.model_json_schema(by_alias=True)
    for key, prop in bitol["properties"].items():
        if "enum" in prop:
            ref = generated["properties"][key]["$ref"].split("/")[-1]
            assert generated["$defs"][ref]["enum"] == prop["enum"], key
        if prop.get("format") in ("uri", "date", "date-time"):
            branches = generated["properties"][key].get("anyOf", [generated["properties"][key]])
            assert prop["format"] in {b.get("format") for b in branches}, key


@pytest.mark.parametrize(
    "document, error",
    [
        ({"kind": "DataProduct", "id": "x", "status": "active"}, "apiVersion\n  Field required"),
        ({"apiVersion": "v2.0.0", "kind": "DataProduct", "id": "x", "status": "active"}, "Input should be 'v0.9.0' or 'v1.0.0'"),
        ({"apiVersion": "v1.0.0", "kind": "DataProduct", "id": "x", "status": "active", "owner": "me"}, "owner\n  Extra inputs"),
        ({"apiVersion": "v1.0.0", "kind": "DataProduct", "id": "x", "status": "a", "inputPorts": [{"name": "p", "version": "1"}]}, "contractId"),
        ({"apiVersion": "v1.0.0", "kind": "DataProduct", "id": "x", "status": "a", "team": {"members": [{"role": "owner"}]}}, "username"),
    ],
)
def test_the_model_refuses_what_the_schema_refuses(document, error):
    assert list(jsonschema.Draft201909Validator(BITOL).iter_errors(document))
    with pytest.raises(ValidationError) as refused:
        DataProduct.model_validate(document)
    assert error in str(refused.value)


def test_the_model_checks_uri_formats():
    with pytest.raises(ValidationError, match="support.0.url"):
        DataProduct.model_validate({"apiVersion": "v1.0.0", "kind": "DataProduct", "id": "x", "status": "a", "support": [{"channel": "c", "url": "nowhere"}]})


def test_every_sample_descriptor_on_disk_validates(mesh, federation, tmp_path):
    written = write_documents(tmp_path, descriptors(mesh, mesh.grants(federation.open_classifications)), "odps")
    assert len(written) == len(mesh.products)
    validator = jsonschema.Draft201909Validator(BITOL)
    for path in written:
        document = yaml.safe_load(path.read_text())
        assert DataProduct.model_validate(document).document() == document
        assert [e.message for e in validator.iter_errors(document)] == [], path


def test_ports_link_the_contracts_by_id_and_version(mesh, federation, prod):
    grants = mesh.grants(federation.open_classifications)
    contract_ids = {c["id"]: c["version"] for c in contracts(mesh, *prod).values()}
    refused = set(mesh.refused_inputs(federation.open_classifications))
    for address, descriptor in descriptors(mesh, grants).items():
        spec = mesh.products[address].spec
        (port,) = descriptor["outputPorts"]
        assert contract_ids[port["contractId"]] == port["version"] == "1.0.0"
        inputs = descriptor.get("inputPorts", [])
        assert [p["name"] for p in inputs] == list(spec.inputs)
        for input_port in inputs:
            assert contract_ids[input_port["contractId"]] == input_port["version"]
            state = "refused" if (input_port["name"], address) in refused else "granted"
            assert input_port["customProperties"] == [{"property": "agreement", "value": state}]
        assert [c["id"] for c in port.get("inputContracts", [])] == [p["contractId"] for p in inputs]
        assert (descriptor["status"], descriptor["domain"], descriptor["id"]) == ("active", mesh.products[address].domain, address.replace("/", "."))
        assert descriptor["description"]["purpose"] == spec.description
        assert descriptor["team"]["name"] == mesh.domains[mesh.products[address].domain].spec.team
        assert descriptor["support"][-1]["url"] == f"mailto:{mesh.domains[mesh.products[address].domain].spec.contact}"


def test_an_input_the_producer_does_not_agree_to_is_refused(mesh_files):
    mesh_files.product("users", "profiles", classification="restricted", consumers=["podcasts/listeners"])
    mesh_files.product("users", "plays", classification="confidential")
    mesh_files.product("podcasts", "listeners", inputs=["users/profiles", "users/plays"])
    mesh = mesh_files.load()
    ports = descriptors(mesh, mesh.grants())["podcasts/listeners"]["inputPorts"]
    assert [(p["name"], p["customProperties"][0]["value"]) for p in ports] == [("users/profiles", "granted"), ("users/plays", "refused")]


def test_every_descriptor_of_the_1000_product_mesh_validates(big_mesh):
    documents = descriptors(big_mesh, big_mesh.grants())
    assert len(documents) == BIG_PRODUCTS
    validator = jsonschema_rs.validator_for(BITOL)
    for document in documents.values():
        DataProduct.model_validate(document)
        assert validator.is_valid(document), [e.message for e in validator.iter_errors(document)]


def test_the_command_writes_one_descriptor_per_product(tmp_path, monkeypatch, capsys, mesh):
    monkeypatch.chdir(REPO)
    assert cli.main(["export", "odps", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out == f"wrote {len(mesh.products)} ODPS documents into {tmp_path}\n"
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.yaml")) == sorted(f"{a}.odps.yaml" for a in mesh.products)


@pytest.mark.parametrize("command", [["export", "odcs"], ["export", "odps"], ["catalog"]])
def test_a_broken_mesh_exports_nothing_and_says_why_in_one_line_each(mesh_files, tmp_path, capsys, command):
    mesh_files.product("users", "plays", inputs=["users/nowhere"])
    mesh_files.product("users", "other", "name: other\n")
    out = tmp_path / "out"
    assert cli.main(["--domains", str(mesh_files.root), *command, "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and not out.exists()
    lines = captured.err.splitlines()
    assert lines[-1] == f"{len(lines) - 1} problem(s) found" and len(lines) > 3 and "Traceback" not in captured.err
    assert all(re.match(r"^\S+:\d+: error: ", line) for line in lines[:-1]), lines
