"""A product's output port taken from an ODCS contract it names: read, checked, every problem at its line."""

from __future__ import annotations

import pytest
from meshkit import COLUMNS, CONTRACT, MeshFiles, product_text

from meshplane import cli
from meshplane.declarations.spec import Column, ColumnType, OutputPort, Product

P = "domains/users/products"
C = "domains/users/contracts"
def with_contract(name: str, contract: str = "contracts/alpha.odcs.yaml", **fields) -> str:
    """The template with its columns replaced by `contract:` (line 8); inputs are then line 9."""
    text = product_text(name, **fields)
    assert text.count(COLUMNS) == 1
    return text.replace(COLUMNS, f"  contract: {contract}\n")


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_the_port_takes_columns_and_partitions_from_the_contract(mesh_files: MeshFiles):
    mesh_files.product("users", "alpha", with_contract("alpha"))
    mesh_files.write("users/contracts/alpha.odcs.yaml", CONTRACT)
    port = mesh_files.load().products["users/alpha"].spec.output
    assert port.contract == "contracts/alpha.odcs.yaml"
    assert port.columns == (
        Column(name="listener_id", type=ColumnType.string, description="Pseudonymous listener.", pii=True, polyseme="listener_id"),
        Column(name="plays", type=ColumnType.bigint, description="Plays counted."),
        Column(name="score", type=ColumnType.decimal, description="Score of the listener."),
    )
    assert [(c.name, c.type) for c in port.partitions] == [("country", ColumnType.string), ("day", ColumnType.date)]


def test_required_properties_are_non_nullable_columns_and_a_versioned_port_keeps_its_version(mesh_files: MeshFiles):
    required = edit(CONTRACT, "        description: Plays counted.\n", "        description: Plays counted.\n        required: true\n")
    required = edit(required, "        description: Score of the listener.\n", "        description: Score of the listener.\n        required: false\n")
    mesh_files.product("users", "alpha", edit(with_contract("alpha"), "output:\n", "output:\n  version: 3\n"))
    mesh_files.write("users/contracts/alpha.odcs.yaml", required)
    port = mesh_files.load().products["users/alpha"].spec.output
    assert port.version == 3
    assert [(c.name, c.nullable) for c in port.columns] == [("listener_id", True), ("plays", False), ("score", True)]


def test_an_earlier_version_takes_its_schema_from_its_own_contract(mesh_files: MeshFiles):
    earlier = "previous_outputs:\n  - version: 1\n    deprecation: {date: 2031-01-01}\n    contract: contracts/missing.odcs.yaml\n"
    mesh_files.product("users", "alpha", edit(product_text("alpha"), "output:\n", "output:\n  version: 2\n") + earlier)
    assert mesh_files.errors() == [
        f"{P}/alpha.yaml:20: error: previous_outputs.0.contract: no such file 'domains/users/contracts/missing.odcs.yaml'"
    ]
    mesh_files.write("users/contracts/missing.odcs.yaml", CONTRACT)
    (port,) = mesh_files.load().products["users/alpha"].spec.previous_outputs
    assert (port.version, [c.name for c in port.columns]) == (1, ["listener_id", "plays", "score"])


def test_a_contract_nobody_names_is_not_read(mesh_files: MeshFiles):
    mesh_files.product("users", "alpha")
    mesh_files.write("users/contracts/draft.odcs.yaml", "not: [a contract")
    assert list(mesh_files.load().products) == ["users/alpha"]


def test_the_port_needs_columns_or_a_contract_not_both(mesh_files: MeshFiles):
    mesh_files.product("users", "alpha", edit(product_text("alpha"), COLUMNS, f"{COLUMNS}  contract: contracts/alpha.odcs.yaml\n"))
    mesh_files.product("users", "beta", edit(product_text("beta"), COLUMNS, "  format: csv\n"))
    mesh_files.product("users", "gamma", with_contract("gamma", contract="../../elsewhere.yaml"))
    mesh_files.write("users/contracts/alpha.odcs.yaml", CONTRACT)
    assert mesh_files.errors() == [
        f"{P}/alpha.yaml:7: error: output: the port takes its schema from `contract` or declares `columns` and `partitions`, not both",
        f"{P}/beta.yaml:7: error: output: the port declares its `columns`, or takes them from an ODCS `contract`",
        f"{P}/gamma.yaml:8: error: output.contract: String should match pattern '^contracts/[a-z0-9][a-z0-9._-]*\\.ya?ml$'",
    ]


def test_every_problem_of_every_contract_in_one_run(mesh_files: MeshFiles):
    mesh_files.product("users", "alpha", with_contract("alpha"))
    mesh_files.write(
        "users/contracts/alpha.odcs.yaml",
        edit(edit(CONTRACT, "status: active\n", "status: active\ncolour: blue\n"), "logicalType: number", "logicalType: decimal"),
    )
    mesh_files.product("users", "beta", with_contract("beta", contract="contracts/beta.odcs.yaml"))
    broken = edit(CONTRACT, "        description: Plays counted.\n", "")
    broken = edit(broken, "      - name: score\n        logicalType: number\n        physicalType: DECIMAL(18,2)", "      - name: Score\n        logicalType: array")
    mesh_files.write("users/contracts/beta.odcs.yaml", broken)
    mesh_files.product("users", "gamma", with_contract("gamma", contract="contracts/missing.yaml"))
    mesh_files.product("users", "delta", with_contract("delta", contract="contracts/delta.yaml"))
    mesh_files.write("users/contracts/delta.yaml", "apiVersion: v3.2.0\nkind: [DataContract\n")
    assert mesh_files.errors() == [
        f"{C}/alpha.odcs.yaml:6: error: unknown key 'colour'",
        f"{C}/alpha.odcs.yaml:23: error: schema.0.properties.2.logicalType: 'decimal' is not one of "
        "['string', 'date', 'timestamp', 'time', 'number', 'integer', 'object', 'array', 'boolean', 'map', 'vector']",
        f"{C}/beta.odcs.yaml:17: error: schema.0.properties.1: missing 'description': meshplane describes every column",
        f"{C}/beta.odcs.yaml:20: error: schema.0.properties.2.name: String should match pattern '^[a-z][a-z0-9_]*$'",
        f"{C}/beta.odcs.yaml:20: error: schema.0.properties.2: logicalType 'array' is no column type "
        "meshplane stores (string, int, bigint, double, boolean, date, timestamp, decimal(18,2))",
        f"{C}/delta.yaml:3: error: malformed YAML: did not find expected ',' or ']'",
        f"{P}/gamma.yaml:8: error: output.contract: no such file 'domains/users/contracts/missing.yaml'",
    ]


def test_a_contract_with_one_schema_object_and_a_column(mesh_files: MeshFiles):
    mesh_files.product("users", "alpha", with_contract("alpha"))
    mesh_files.write("users/contracts/alpha.odcs.yaml", CONTRACT + "  - name: second\n")
    mesh_files.product("users", "beta", with_contract("beta", contract="contracts/beta.yaml"))
    only_partitions = CONTRACT.split("      - name: day\n")[0].split("    properties:\n")[0] + "    properties:\n      - name: day\n"
    mesh_files.write("users/contracts/beta.yaml", only_partitions + "        logicalType: date\n        description: Day.\n        partitioned: true\n")
    mesh_files.product("users", "gamma", with_contract("gamma", contract="contracts/gamma.yaml"))
    mesh_files.write("users/contracts/gamma.yaml", edit(CONTRACT, "name: plays", "name: listener_id"))
    assert mesh_files.errors() == [
        f"{C}/alpha.odcs.yaml:6: error: the contract has 2 schema objects: a product's output port takes exactly one",
        f"{C}/beta.yaml:9: error: schema.0.properties: every property is a partition: the port needs at least one column",
        f"{C}/gamma.yaml:17: error: schema.0.properties.1.name: property 'listener_id' is declared twice (first as property 1)",
    ]


def test_validate_reports_a_broken_contract_in_one_line_each_without_a_traceback(mesh_files: MeshFiles, capsys):
    mesh_files.product("users", "alpha", with_contract("alpha"))
    mesh_files.write("users/contracts/alpha.odcs.yaml", edit(CONTRACT, "kind: DataContract", "kind: Contract"))
    assert cli.main(["validate"]) == 1
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"{C}/alpha.odcs.yaml:2: error: kind: 'Contract' is not one of ['DataContract']",
        "1 problem(s) found",
    ]


@pytest.mark.parametrize(
    "physical, logical, options, expected",
    [
        ("bigint", "integer", None, ColumnType.bigint),
        ("INT", "integer", None, ColumnType.int),
        ("INTEGER", "integer", {"format": "i16"}, ColumnType.int),
        ("NUMBER(38)", "integer", None, ColumnType.bigint),
        (None, "number", None, ColumnType.double),
        ("decimal(18, 2)", "number", None, ColumnType.decimal),
        (None, "timestamp", None, ColumnType.timestamp),
        (None, "object", None, None),
        (None, None, None, None),
    ],
)
def test_column_types_read_from_physical_then_logical(physical, logical, options, expected):
    from meshplane.declarations.odcs_standard import column_type

    assert column_type(physical, logical, options) == expected


def test_a_port_model_with_a_contract_and_no_columns_is_valid():
    port = OutputPort.model_validate({"contract": "contracts/alpha.odcs.yaml"})
    assert (port.columns, port.partitions) == ((), ())
    assert "contract" in Product.model_json_schema()["$defs"]["OutputPort"]["properties"]
