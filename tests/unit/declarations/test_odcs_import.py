"""A product's output port taken from an ODCS contract it names: judged by its own version's schema, typed without
loss, nested properties kept, every problem at its line of the contract in words its author understands."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from contractkit import VERSIONS, full_range, product
from meshkit import COLUMNS, CONTRACT, MeshFiles, edit, product_text, with_contract

from meshplane import cli
from meshplane.declarations.federation import Federation
from meshplane.declarations.spec import Column, OutputPort, Product
from meshplane.governance.evaluate import evaluate_mesh

P = "domains/users/products"
C = "domains/users/contracts"


def contract_with(*properties: str, api_version: str = "v3.2.0", head: str = "") -> str:
    """A contract of one schema object whose properties are given as YAML items (property lines start at line 9)."""
    body = "".join(textwrap.indent(textwrap.dedent(p), "      ") for p in properties)
    return f"apiVersion: {api_version}\nkind: DataContract\nid: alpha\nversion: 1.0.0\nstatus: active\n{head}schema:\n  - name: alpha\n    properties:\n{body}"


def errors_of(mesh_files: MeshFiles, contract: str) -> list[str]:
    mesh_files.product("users", "alpha", with_contract("alpha"))
    mesh_files.write("users/contracts/alpha.odcs.yaml", contract)
    return mesh_files.errors()


def columns_of(mesh_files: MeshFiles, contract: str, **fields) -> list[tuple[str, str]]:
    mesh_files.product("users", "alpha", with_contract("alpha", **fields))
    mesh_files.write("users/contracts/alpha.odcs.yaml", contract)
    port = mesh_files.load().products["users/alpha"].spec.output
    return [(c.name, c.glue_type) for c in (*port.columns, *port.partitions)]


def test_the_port_takes_columns_and_partitions_from_the_contract(mesh_files: MeshFiles):
    mesh_files.product("users", "alpha", with_contract("alpha"))
    mesh_files.write("users/contracts/alpha.odcs.yaml", CONTRACT)
    declared = mesh_files.load().products["users/alpha"]
    port = declared.spec.output
    assert port.contract == "contracts/alpha.odcs.yaml"
    assert port.columns == (
        Column(name="listener_id", type="string", description="Pseudonymous listener.", pii=True, polyseme="listener_id"),
        Column(name="plays", type="bigint", description="Plays counted."),
        Column(name="score", type="decimal(18,2)", description="Score of the listener."),
    )
    assert [(c.name, c.type) for c in port.partitions] == [("country", "string"), ("day", "date")]
    assert declared.contracts[1].document["id"] == "users.alpha.output"  # the contract is kept, for the export


def test_required_properties_are_non_nullable_columns_and_a_versioned_port_keeps_its_version(mesh_files: MeshFiles):
    required = edit(CONTRACT, "        description: Plays counted.\n", "        description: Plays counted.\n        required: true\n")
    required = edit(required, "        description: Score of the listener.\n", "        description: Score of the listener.\n        required: false\n")
    mesh_files.product("users", "alpha", edit(with_contract("alpha"), "output:\n", "output:\n  version: 3\n"))
    mesh_files.write("users/contracts/alpha.odcs.yaml", edit(required, "version: 1.0.0", "version: 3.1.4"))
    port = mesh_files.load().products["users/alpha"].spec.output
    assert port.version == 3
    assert [(c.name, c.nullable) for c in port.columns] == [("listener_id", True), ("plays", False), ("score", True)]


def test_an_earlier_version_takes_its_schema_from_its_own_contract(mesh_files: MeshFiles):
    earlier = "previous_outputs:\n  - version: 1\n    deprecation: {date: 2031-01-01}\n    contract: contracts/missing.odcs.yaml\n"
    mesh_files.product("users", "alpha", edit(product_text("alpha"), "output:\n", "output:\n  version: 2\n") + earlier)
    assert mesh_files.errors() == [
        f"{P}/alpha.yaml:20: error: previous_outputs.0.contract: no such file 'domains/users/contracts/missing.odcs.yaml'"
    ]
    mesh_files.write("users/contracts/missing.odcs.yaml", edit(CONTRACT, "status: active", "status: deprecated"))
    declared = mesh_files.load().products["users/alpha"]
    (port,) = declared.spec.previous_outputs
    assert (port.version, [c.name for c in port.columns]) == (1, ["listener_id", "plays", "score"])
    assert list(declared.contracts) == [1]


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
    broken = edit(broken, "      - name: score\n        logicalType: number\n        physicalType: DECIMAL(18,2)", "      - name: Score\n        logicalType: time")
    mesh_files.write("users/contracts/beta.odcs.yaml", broken)
    mesh_files.product("users", "gamma", with_contract("gamma", contract="contracts/missing.yaml"))
    mesh_files.product("users", "delta", with_contract("delta", contract="contracts/delta.yaml"))
    mesh_files.write("users/contracts/delta.yaml", "apiVersion: v3.2.0\nkind: [DataContract\n")
    assert mesh_files.errors() == [
        f"{C}/alpha.odcs.yaml:6: error: unknown key 'colour': ODCS v3.2.0 has no such key here",
        f"{C}/alpha.odcs.yaml:23: error: schema.0.properties.2.logicalType: expected one of string, date, timestamp, time, number, "
        "integer, object, array, boolean, map, vector; got the text 'decimal'",
        f"{C}/beta.odcs.yaml:21: error: schema.0.properties.2: logicalType 'time': a time of day has no Glue column type",
        f"{C}/delta.yaml:3: error: malformed YAML: did not find expected ',' or ']'",
        f"{P}/gamma.yaml:8: error: output.contract: no such file 'domains/users/contracts/missing.yaml'",
    ]
    broken = edit(broken, "logicalType: time", "logicalType: string")  # the types fixed, the columns themselves are judged
    mesh_files.write("users/contracts/beta.odcs.yaml", broken)
    assert [e for e in mesh_files.errors() if "beta" in e] == [
        f"{C}/beta.odcs.yaml:17: error: schema.0.properties.1: missing 'description': meshplane describes every column",
        f"{C}/beta.odcs.yaml:20: error: schema.0.properties.2.name: expected a column name: lowercase letters, digits and "
        "underscores, starting with a letter, got the text 'Score'",
    ]


def test_a_port_takes_one_schema_object_with_columns_named_once(mesh_files: MeshFiles):
    mesh_files.product("users", "alpha", with_contract("alpha"))
    mesh_files.write("users/contracts/alpha.odcs.yaml", CONTRACT + "  - name: second\n")
    mesh_files.product("users", "beta", with_contract("beta", contract="contracts/beta.yaml"))
    only_partitions = CONTRACT.split("    properties:\n")[0] + "    properties:\n      - name: day\n"
    mesh_files.write("users/contracts/beta.yaml", only_partitions + "        logicalType: date\n        description: Day.\n        partitioned: true\n")
    mesh_files.product("users", "gamma", with_contract("gamma", contract="contracts/gamma.yaml"))
    mesh_files.write("users/contracts/gamma.yaml", edit(CONTRACT, "name: plays", "name: listener_id"))
    assert mesh_files.errors() == [
        f"{C}/alpha.odcs.yaml:6: error: the contract has 2 schema objects: a product's output port takes exactly one",
        f"{C}/beta.yaml:9: error: schema.0.properties: every property is a partition: the port needs at least one column",
        f"{C}/gamma.yaml:17: error: schema.0.properties.1.name: column 'listener_id' is declared twice in this port (first as its column 1)",
    ]


def test_an_empty_schema_object_is_told_it_has_no_properties(mesh_files: MeshFiles):
    # the message said "every property is a partition" before (issue 21, Messages)
    no_properties = CONTRACT.split("    properties:\n")[0]
    assert errors_of(mesh_files, no_properties) == [
        f"{C}/alpha.odcs.yaml:7: error: schema.0: the schema object 'alpha' has no properties: list the port's columns under its `properties`"
    ]
    assert errors_of(mesh_files, no_properties + "    properties: []\n") == [
        f"{C}/alpha.odcs.yaml:7: error: schema.0: the schema object 'alpha' has no properties: list the port's columns under its `properties`"
    ]


def test_validate_reports_a_broken_contract_in_one_line_each_without_a_traceback(mesh_files: MeshFiles, capsys):
    mesh_files.product("users", "alpha", with_contract("alpha"))
    mesh_files.write("users/contracts/alpha.odcs.yaml", edit(CONTRACT, "kind: DataContract", "kind: Contract"))
    assert cli.main(["validate"]) == 1
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"{C}/alpha.odcs.yaml:2: error: kind: expected DataContract; got the text 'Contract'",
        "1 problem(s) found",
    ]


# --- types: nothing widened to text or double, nothing narrowed (README, "Types from a contract") -------------------

def test_decimals_and_small_integers_keep_their_precision(mesh_files: MeshFiles):
    # they became double and bigint before (issue 21, Silent changes)
    contract = contract_with(
        "- {name: price, logicalType: number, physicalType: 'DECIMAL(10,2)', description: Price.}\n",
        "- {name: total, logicalType: number, physicalType: 'NUMERIC(18,2)', description: Total.}\n",
        "- {name: rate, logicalType: number, physicalType: 'decimal(38,9)', description: Rate.}\n",
        "- {name: rank, logicalType: integer, physicalType: SMALLINT, description: Rank.}\n",
        "- {name: hits, logicalType: integer, physicalType: UBIGINT, description: Hits.}\n",
    )
    mesh_files.product("users", "alpha", with_contract("alpha"))
    mesh_files.write("users/contracts/alpha.odcs.yaml", contract)
    assert [(c.name, c.type) for c in mesh_files.load().products["users/alpha"].spec.output.columns] == [
        ("price", "decimal(10,2)"), ("total", "decimal(18,2)"), ("rate", "decimal(38,9)"), ("rank", "int"), ("hits", "decimal(20,0)"),
    ]  # fmt: skip


def test_a_product_file_declares_any_decimal_and_only_a_real_one(mesh_files: MeshFiles):
    mesh_files.product("users", "alpha", edit(product_text("alpha"), "      type: string\n", "      type: decimal(10,2)\n"))
    assert mesh_files.load().products["users/alpha"].spec.output.columns[0].type == "decimal(10,2)"
    mesh_files.product("users", "alpha", edit(product_text("alpha"), "      type: string\n", "      type: decimal(10,12)\n"))
    mesh_files.product("users", "beta", edit(product_text("beta"), "      type: string\n", "      type: decimal(39,0)\n"))
    mesh_files.product("users", "gamma", edit(product_text("gamma"), "      type: string\n", "      type: money\n"))
    assert mesh_files.errors() == [
        f"{P}/alpha.yaml:10: error: output.columns.0.type: decimal(10,12): a decimal's precision is 1 to 38 and its scale 0 to its precision",
        f"{P}/beta.yaml:10: error: output.columns.0.type: decimal(39,0): a decimal's precision is 1 to 38 and its scale 0 to its precision",
        f"{P}/gamma.yaml:10: error: output.columns.0.type: expected a column type: string, int, bigint, double, boolean, date, "
        "timestamp, decimal(p,s) (precision p 1 to 38, scale s 0 to p), struct (with `fields`) or array (with `items`); got 'money'",
    ]


# --- nested properties: struct and array columns, recursively, with their descriptions ------------------------------


def test_nested_properties_are_struct_and_array_columns_with_their_descriptions(mesh_files: MeshFiles):
    mesh_files.product("users", "alpha", product())
    mesh_files.write("users/contracts/alpha.odcs.yaml", full_range())
    port = mesh_files.load().products["users/alpha"].spec.output
    device, genres = port.columns[4], port.columns[5]
    assert device.glue_type == "struct<family:string,model:struct<maker:string,name:string>>"
    assert [(f.name, f.description, f.nullable) for f in device.fields] == [
        ("family", "Phone, desktop, speaker or car.", False), ("model", "The device's maker and model.", True),
    ]  # fmt: skip
    assert device.fields[1].fields[0].description == "Who made it."
    assert (genres.glue_type, genres.items.description) == ("array<string>", "A genre of the catalogue.")


def nested(depth: int) -> str:
    """A property nested `depth` objects deep, each level described."""
    lines, pad = [], "      "
    for level in range(depth):
        lines += [f"{pad}- name: level_{level}", f"{pad}  logicalType: object", f"{pad}  description: Level {level}.", f"{pad}  properties:"]
        pad += "    "
    lines += [f"{pad}- name: leaf", f"{pad}  logicalType: integer", f"{pad}  physicalType: BIGINT", f"{pad}  description: The leaf."]
    return "\n".join(lines) + "\n"


def test_twelve_levels_of_nesting_import_as_twelve_structs(mesh_files: MeshFiles):
    contract = contract_with("- {name: id, logicalType: string, description: Id.}\n") + nested(12)
    (_, flat), (name, deep) = columns_of(mesh_files, contract)
    assert (name, deep) == ("level_0", "".join(f"struct<level_{i}:" for i in range(1, 12)) + "struct<leaf:bigint" + ">" * 12)


def test_nesting_the_port_cannot_hold_is_refused_at_its_line(mesh_files: MeshFiles):
    partitioned = "- {name: day, logicalType: object, description: Day., partitioned: true, properties: [{name: d, logicalType: date}]}\n"
    contract = contract_with("- {name: id, logicalType: string, description: Id.}\n", partitioned)
    assert errors_of(mesh_files, contract) == [
        f"{C}/alpha.odcs.yaml:10: error: schema.0.properties.1.logicalType: a partition key holds one value per folder (string, "
        "int, bigint, double, boolean, date, timestamp or decimal(p,s) (precision p 1 to 38, scale s 0 to p)), not a struct"
    ]
    listed = contract_with("- {name: id, logicalType: string, description: Id.}\n", "- {name: tags, logicalType: array, description: Tags.}\n")
    mesh_files.product("users", "beta", with_contract("beta", contract="contracts/beta.yaml"))
    mesh_files.write("users/contracts/beta.yaml", listed)
    csv = edit(with_contract("gamma", contract="contracts/gamma.yaml"), "output:\n", "output:\n  format: csv\n")
    mesh_files.product("users", "gamma", csv)
    mesh_files.write("users/contracts/gamma.yaml", contract_with("- {name: tags, logicalType: array, description: Tags., items: {logicalType: string}}\n"))
    assert [e for e in mesh_files.errors() if "alpha" not in e] == [
        f"{C}/beta.yaml:10: error: schema.0.properties.1: an array says what its elements are under `items`",
        f"{C}/gamma.yaml:9: error: schema.0.properties.0.logicalType: a CSV file holds one value per column: an array column needs parquet or json",
    ]


# --- each contract judged by the schema of its own apiVersion ------------------------------------------------------


@pytest.mark.parametrize("api_version", VERSIONS)
def test_the_full_range_contract_imports_at_each_version(mesh_files: MeshFiles, api_version):
    mesh_files.product("users", "alpha", product())
    mesh_files.write("users/contracts/alpha.odcs.yaml", full_range(api_version))
    mesh = mesh_files.load()
    port = mesh.products["users/alpha"].spec.output
    plan = [("plan", "string")] if api_version == "v3.2.0" else []
    assert [(c.name, c.glue_type) for c in (*port.columns, *port.partitions)] == [
        ("listener_id", "string"), ("plays", "int"), ("revenue", "decimal(10,2)"), ("lifetime_plays", "decimal(20,0)"),
        ("device", "struct<family:string,model:struct<maker:string,name:string>>"), ("genres", "array<string>"), *plan,
        ("country", "string"), ("day", "date"),
    ]  # fmt: skip
    assert all(n.severity.value == "warning" for n in mesh.notices)  # what meshplane states: warned, not refused


def test_a_v3_0_2_contract_is_not_held_to_v3_2_0s_schema(mesh_files: MeshFiles):
    # a v3.0.2 quality rule names its `rule`; v3.2.0 asks for `metric`: valid for its own version, so it imports
    quality = "\n    quality:\n      - {type: library, rule: nullCheck, mustBe: 0}\n"
    contract = edit(full_range("v3.0.2"), "\n    quality:\n", quality)
    mesh_files.product("users", "alpha", product())
    mesh_files.write("users/contracts/alpha.odcs.yaml", contract)
    notices = [str(n) for n in mesh_files.load().notices if "quality" in n.message]
    assert notices == [
        f"{C}/alpha.odcs.yaml:121: warning: schema.0.properties.7.quality.0: not evaluated: a custom rule is exported as written, and "
        "meshplane does not run it",
        f"{C}/alpha.odcs.yaml:123: warning: schema.0.quality.0: ODCS v3.0.2 admits it, but v3.2.0, the version meshplane exports, "
        "does not (schema.0.quality.0: missing 'metric' (ODCS v3.2.0's DataQualityLibrary needs it)): the exported contract leaves it out",
        f"{C}/alpha.odcs.yaml:141: warning: schema.0.quality.2: not evaluated: a text rule is exported as written, and meshplane does not run it",
    ]
    mesh_files.write("users/contracts/alpha.odcs.yaml", edit(contract, "apiVersion: v3.0.2", "apiVersion: v3.2.0"))
    assert mesh_files.errors() == [
        f"{C}/alpha.odcs.yaml:123: error: schema.0.quality.0: missing 'metric' (ODCS v3.2.0's DataQualityLibrary needs it)"
    ]


def test_a_key_only_later_versions_know_is_refused_at_its_line(mesh_files: MeshFiles):
    contract = contract_with("- name: id\n  logicalType: string\n  description: Id.\n  relationships:\n    - {to: profiles.id}\n", api_version="v3.0.2")
    assert errors_of(mesh_files, contract) == [
        f"{C}/alpha.odcs.yaml:12: error: unknown key 'schema.0.properties.0.relationships': ODCS v3.0.2 has no such key here "
        "(ODCS v3.1.0 and v3.2.0 have it: declare that apiVersion)"
    ]
    mesh_files.write("users/contracts/alpha.odcs.yaml", edit(contract, "v3.0.2", "v3.1.0"))
    assert [c.name for c in mesh_files.load().products["users/alpha"].spec.output.columns] == ["id"]


@pytest.mark.parametrize(
    "head, expected",
    [
        ("apiVersion: v2.2.2\n", "2: error: apiVersion 'v2.2.2': meshplane judges ODCS"),
        ("apiVersion: v3.3.0\n", "2: error: apiVersion 'v3.3.0': meshplane judges ODCS"),
        ("apiVersion: 3\n", "2: error: apiVersion 3: meshplane judges ODCS"),
        ("", "1: error: missing 'apiVersion': meshplane judges ODCS"),
    ],
)
def test_any_other_api_version_is_one_error_naming_the_versions_judged(mesh_files: MeshFiles, head, expected):
    contract = "# a contract\n" + head + CONTRACT.split("\n", 1)[1]
    assert errors_of(mesh_files, contract) == [
        f"{C}/alpha.odcs.yaml:{expected} v3.0.0, v3.0.1 and v3.0.2 (by v3.0.2's schema), v3.1.0 and v3.2.0"
    ]


# --- messages a contract author understands (issue 21, Messages) --------------------------------------------------


def test_no_valid_key_is_called_unknown_when_a_branch_of_the_schema_fails(mesh_files: MeshFiles):
    # a wrong integer format failed the `then` of logicalType integer, and every key of the property was called unknown
    contract = contract_with("- name: plays\n  logicalType: integer\n  logicalTypeOptions: {format: i99}\n  description: Plays.\n")
    assert errors_of(mesh_files, contract) == [
        f"{C}/alpha.odcs.yaml:11: error: schema.0.properties.0.logicalTypeOptions.format: expected one of i8, i16, i32, i64, i128, "
        "u8, u16, u32, u64, u128; got the text 'i99'"
    ]
    s3 = "servers:\n  - {server: files, type: s3, location: 5}\n"
    assert errors_of(mesh_files, contract_with("- {name: id, logicalType: string, description: Id.}\n", head=s3)) == [
        f"{C}/alpha.odcs.yaml:7: error: servers.0.location: expected text; got 5"
    ]


def test_a_message_says_what_the_schema_expects_and_every_allowed_value(mesh_files: MeshFiles):
    # a mapping for the schema list was cut at 200 characters: "schema: {'type': 'table', ..." never said a list was expected
    table = "schema:\n  type: table\n  name: " + "a_very_long_table_name_" * 12 + "\n  properties: {}\n"
    assert errors_of(mesh_files, "apiVersion: v3.2.0\nkind: DataContract\nid: alpha\nversion: 1.0.0\nstatus: active\n" + table) == [
        f"{C}/alpha.odcs.yaml:6: error: schema: expected a list; got a mapping"
    ]
    server = "servers:\n  - {server: files, type: hadoop}\n"
    (message,) = errors_of(mesh_files, contract_with("- {name: id, logicalType: string, description: Id.}\n", head=server))
    allowed = ["api", "athena", "azure", "bigquery", "btrieve", "clickhouse", "databricks", "denodo", "dremio", "duckdb", "exasol",
               "fastobjects", "glue", "hana", "cloudsql", "db2", "hive", "iceberg", "impala", "informix", "ingres", "kafka", "kinesis",
               "local", "mysql", "oracle", "poet", "postgresql", "postgres", "presto", "pubsub", "redshift", "s3", "sftp",
               "snowflake", "sqlserver", "synapse", "teradata", "trino", "vertica", "zen", "custom"]  # fmt: skip
    assert message.startswith(f"{C}/alpha.odcs.yaml:7: error: servers.0.type: expected one of ")
    assert message.endswith("; got the text 'hadoop'")
    assert [v for v in allowed if f" {v}," not in message and f" {v};" not in message] == []


def test_only_a_quoted_value_is_shortened(mesh_files: MeshFiles):
    long = "x" * 300
    (message,) = errors_of(mesh_files, contract_with(f"- {{name: id, logicalType: {long}, description: Id.}}\n"))
    assert message.endswith(f"; got the text '{'x' * 57}...'")
    assert "string, date, timestamp, time, number, integer, object, array, boolean, map, vector" in message


def test_findings_about_an_imported_column_are_at_its_line_of_the_contract(mesh_files: MeshFiles):
    # they were at the product's `output:` line before
    mesh_files.product("users", "alpha", with_contract("alpha"))  # internal, with a personal column
    mesh_files.write("users/contracts/alpha.odcs.yaml", edit(CONTRACT, "    properties:\n", "    properties:\n      - {name: a, logicalType: string, description: A.}\n"))
    findings = [str(p) for p in evaluate_mesh(mesh_files.load(), Federation(), "prod") if p.rule in ("MESH-002", "MESH-003")]
    assert findings == [
        f"{C}/alpha.odcs.yaml:10: MESH-002 error: column 'a': description has 2 characters (at least 8)",
        f"{C}/alpha.odcs.yaml:16: MESH-003 error: column 'listener_id' holds personal data but the product is internal; "
        "classify it confidential or above, or drop the column",
    ]


def test_the_import_never_calls_the_jsonschema_package_nor_imports_datacontract(mesh_files: MeshFiles, tmp_path):
    mesh_files.product("users", "alpha", product())
    mesh_files.write("users/contracts/alpha.odcs.yaml", full_range())
    script = (
        "import sys\nfrom meshplane.declarations.loader import load_mesh\n"
        "mesh = load_mesh('domains')\nassert mesh.products['users/alpha'].contracts\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jsonschema', 'datacontract')))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert run.stdout == "[]\n"


def test_a_port_model_with_a_contract_and_no_columns_is_valid():
    port = OutputPort.model_validate({"contract": "contracts/alpha.odcs.yaml"})
    assert (port.columns, port.partitions) == ((), ())
    assert "contract" in Product.model_json_schema()["$defs"]["OutputPort"]["properties"]
