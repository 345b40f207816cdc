"""Versions and the lifecycle in the open standards: one ODCS contract per kept major version (one id, versions N.0.0,
each naming its own bucket and table), the port's status and deprecation, `required` for a non-nullable column;
the ODPS descriptor's output ports per version and input ports at the version each input pins."""

from __future__ import annotations

import json
import sys
from importlib import resources

import jsonschema
import pytest
import yaml
from standardskit import REPO

from meshplane.export.files import write_documents
from meshplane.export.odcs import contracts
from meshplane.export.odps import descriptors
from meshplane.export.odps_model import DataProduct
from meshplane.registrations.project import open_project

sys.path.insert(0, str(REPO / "tests" / "program"))
import portkit  # noqa: E402


@pytest.fixture(scope="module")
def versioned(tmp_path_factory):
    files = dict(portkit.FILES)
    files["producer/events"] = files["producer/events"].replace(
        "    - {name: event_id, type: string, description: The event's identifier.}\n",
        "    - {name: event_id, type: string, description: The event's identifier., nullable: false}\n",
        1,
    )
    return open_project(portkit.write(tmp_path_factory.mktemp("versions") / "project", files), stack="prod")


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(resources.files("open_data_contract_standard").joinpath("schema.json").read_text())
    return jsonschema.validators.validator_for(schema)(schema)


def test_each_kept_version_is_a_version_of_one_contract(versioned, validator, tmp_path):
    documents = contracts(versioned.mesh, versioned.settings)
    assert [k for k in documents if k.startswith("producer/events")] == ["producer/events@1", "producer/events"]
    v1, v2 = documents["producer/events@1"], documents["producer/events"]
    assert (v1["id"], v1["version"], v1["status"]) == ("producer.events.output", "1.0.0", "deprecated")
    assert (v2["id"], v2["version"], v2["status"]) == ("producer.events.output", "2.0.0", "active")
    assert v1["servers"][0]["location"] == "s3://gen-producer-events/" and v2["servers"][0]["location"] == "s3://gen-producer-events--v2/"
    assert [p["physicalType"] for p in v1["schema"][0]["properties"]] == ["string", "int"]
    assert [p["physicalType"] for p in v2["schema"][0]["properties"]] == ["string", "bigint"]
    assert v2["schema"][0]["properties"][0]["required"] is True and "required" not in v2["schema"][0]["properties"][1]
    custom = {c["property"]: c["value"] for c in v1["customProperties"]}
    assert (custom["deprecationDate"], custom["replacedBy"]) == ("2031-01-01", "producer.events.output 2.0.0")
    gone = {c["property"]: c["value"] for c in documents["producer/gone"]["customProperties"]}
    assert documents["producer/gone"]["status"] == "retired" and gone["replacedBy"] == "producer/events"
    written = write_documents(tmp_path, documents, "odcs")
    assert {p.name for p in written if p.parent.name == "producer"} >= {"events.odcs.yaml", "events.v1.odcs.yaml"}
    for path in written:
        assert sorted(e.message for e in validator.iter_errors(yaml.safe_load(path.read_text()))) == [], path


def test_a_descriptor_has_an_output_port_per_version_and_inputs_at_their_pins(versioned):
    grants = versioned.mesh.grants(versioned.federation.open_classifications)
    documents = descriptors(versioned.mesh, grants)
    events = DataProduct.model_validate(documents["producer/events"]).document()
    assert (events["version"], events["status"]) == ("2.0.0", "active")
    assert [(p["version"], p["contractId"]) for p in events["outputPorts"]] == [("1.0.0", "producer.events.output"), ("2.0.0", "producer.events.output")]
    reader = documents["reader-b/on-v2"]
    assert [(p["name"], p["version"]) for p in reader["inputPorts"]] == [("producer/events", "2.0.0")]
    assert documents["producer/gone"]["status"] == "retired"
