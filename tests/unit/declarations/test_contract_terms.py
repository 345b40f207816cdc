"""A port's contract against its product: a contradiction is an error at both lines, nothing is replaced in silence,
and what meshplane states itself is a warning where the contract says otherwise (issue 21, Silent changes)."""

from __future__ import annotations

import pytest
from contractkit import full_range, product
from meshkit import MeshFiles, edit

from meshplane import cli

P = "domains/users/products/alpha.yaml"
C = "domains/users/contracts/alpha.odcs.yaml"
TERMS = """\
apiVersion: v3.2.0
kind: DataContract
id: users.alpha.output
name: users/alpha
version: 1.2.0
status: active
domain: users
schema:
  - name: alpha
    physicalName: alpha
    properties:
      - name: listener_id
        logicalType: string
        description: Pseudonymous listener.
        classification: confidential
      - {name: plays, logicalType: integer, description: Plays counted., classification: public}
slaProperties:
  - {property: latency, value: 24, unit: h}
  - {property: availability, value: 99.5, unit: '%'}
  - {property: retention, value: 1095, unit: d}
  - {property: frequency, value: 1, unit: d}
"""


def problems(mesh_files: MeshFiles, contract: str = TERMS, text: str | None = None) -> list[str]:
    """Every problem of a load (errors and warnings), as printed."""
    mesh_files.product("users", "alpha", product() if text is None else text)
    mesh_files.write("users/contracts/alpha.odcs.yaml", contract)
    found = mesh_files.errors if _fails(mesh_files) else None
    if found is not None:
        return found()
    return [str(n) for n in mesh_files.load().notices]


def _fails(mesh_files: MeshFiles) -> bool:
    from meshplane.declarations.problems import MeshError

    try:
        mesh_files.load()
    except MeshError:
        return True
    return False


def test_a_contract_agreeing_with_its_product_loads_without_a_word(mesh_files: MeshFiles):
    assert problems(mesh_files) == []


# --- classification ------------------------------------------------------------------------------------------------


def test_a_property_classified_above_its_product_is_an_error_naming_both(mesh_files: MeshFiles):
    # it was exported with the product's lower classification before (issue 21, Silent changes)
    assert problems(mesh_files, edit(TERMS, "        classification: confidential", "        classification: restricted")) == [
        f"{C}:15: error: schema.0.properties.0.classification: restricted is above its product's classification confidential "
        f"({P}:6): classify the product restricted, or the property lower"
    ]
    device = "      - {name: device, logicalType: object, description: Its device., properties: [{name: os, logicalType: string, classification: restricted}]}\n"
    assert problems(mesh_files, edit(TERMS, "slaProperties:\n", device + "slaProperties:\n")) == [
        f"{C}:17: error: schema.0.properties.2.properties.0.classification: restricted is above its product's classification "
        f"confidential ({P}:6): classify the product restricted, or the property lower"
    ]


def test_a_classification_meshplane_does_not_know_is_an_error_at_its_line(mesh_files: MeshFiles):
    assert problems(mesh_files, edit(TERMS, "        classification: confidential", "        classification: secret")) == [
        f"{C}:15: error: schema.0.properties.0.classification: 'secret' is no classification meshplane knows: "
        "public, internal, confidential, restricted"
    ]


# --- status and version ---------------------------------------------------------------------------------------------


def test_a_status_other_than_the_ports_is_an_error_at_both_lines(mesh_files: MeshFiles):
    assert problems(mesh_files, edit(TERMS, "status: active", "status: deprecated")) == [
        f"{C}:6: error: status: 'deprecated' is not its port's status 'active' ({P}:8): the contract and the product say the same",
        f"{P}:8: error: status: active, but its contract ({C}:6) says 'deprecated'",
    ]
    draft = edit(product(), "kind: source-aligned\n", "kind: source-aligned\nstatus: draft\n")
    assert problems(mesh_files, text=draft) == [
        f"{C}:6: error: status: 'active' is not its port's status 'draft' ({P}:6): the contract and the product say the same",
        f"{P}:6: error: status: draft, but its contract ({C}:6) says 'active'",
    ]


def test_a_major_version_other_than_the_ports_is_an_error_at_both_lines(mesh_files: MeshFiles):
    assert problems(mesh_files, edit(TERMS, "version: 1.2.0", "version: 2.0.0")) == [
        f"{C}:5: error: version 2.0.0: its major version 2 is not the port's version 1 ({P}:8): a major version is published as a "
        "port of its own",
        f"{P}:8: error: output.version: 1, but its contract ({C}:5) is version 2.0.0",
    ]
    assert problems(mesh_files, edit(TERMS, "version: 1.2.0", "version: latest")) == [
        f"{C}:5: error: version 'latest': expected a semantic version, MAJOR.MINOR.PATCH, whose major is the port's version 1 ({P}:8)"
    ]


# --- service levels -------------------------------------------------------------------------------------------------


def test_a_retention_other_than_the_products_is_an_error_at_both_lines(mesh_files: MeshFiles):
    # 30 days of retention came back as the product's 400 before (issue 21, Silent changes)
    assert problems(mesh_files, edit(TERMS, "value: 1095, unit: d", "value: 30, unit: d")) == [
        f"{C}:20: error: slaProperties.2: retention 30 d (30 days) is not the 1095 days the product keeps its data in dev, "
        f"staging, prod, local ({P}:11)",
        f"{P}:11: error: retention_days: 1095 days in dev, staging, prod, local, but its contract ({C}:20) promises a retention of 30 d",
    ]


def test_retention_is_held_to_each_environments_resolved_retention(mesh_files: MeshFiles):
    three_years = edit(TERMS, "value: 1095, unit: d", "value: 3, unit: y")
    assert problems(mesh_files, three_years) == []  # units converted: a year of 365 days
    dev = product(extra="environments:\n  dev: {retention_days: 7}\n")
    assert problems(mesh_files, three_years, dev) == [
        f"{C}:20: error: slaProperties.2: retention 3 y (1095 days) is not the 7 days the product keeps its data in dev ({P}:15)",
        f"{P}:15: error: environments.dev.retention_days: 7 days in dev, but its contract ({C}:20) promises a retention of 3 y",
    ]


def test_latency_and_availability_are_compared_after_converting_units(mesh_files: MeshFiles):
    assert problems(mesh_files, edit(TERMS, "value: 24, unit: h", "value: 1, unit: day")) == []
    assert problems(mesh_files, edit(TERMS, "value: 24, unit: h", "value: 1440, unit: minutes")) == []
    assert problems(mesh_files, edit(TERMS, "value: 24, unit: h", "value: 2, unit: d")) == [
        f"{C}:18: error: slaProperties.0: latency 2 d (48 hours) is not the product's freshness of 24 hours ({P}:10)",
        f"{P}:10: error: service_levels.freshness_hours: 24, but its contract ({C}:18) promises latency 2 d (48 hours)",
    ]
    assert problems(mesh_files, edit(TERMS, "value: 99.5, unit: '%'", "value: 99.9, unit: '%'")) == [
        f"{C}:19: error: slaProperties.1: availability 99.9% is not the product's 99.5% ({P}:10)",
        f"{P}:10: error: service_levels.availability: 99.5, but its contract ({C}:19) promises availability 99.9%",
    ]


def test_a_unit_meshplane_cannot_convert_is_an_error_at_its_line(mesh_files: MeshFiles):
    assert problems(mesh_files, edit(TERMS, "value: 24, unit: h", "value: 1, unit: fortnight")) == [
        f"{C}:18: error: slaProperties.0: latency 1 with unit 'fortnight' is no unit meshplane converts: say it in ms, s, m (minutes), "
        "h, d, w or y (365 days), or their names"
    ]
    assert problems(mesh_files, edit(TERMS, "{property: retention, value: 1095, unit: d}", "{property: retention, value: 1095}")) == [
        f"{C}:20: error: slaProperties.2: retention 1095 with no unit: say it in ms, s, m (minutes), h, d, w or y (365 days), or their names"
    ]


def test_a_promise_its_product_does_not_make_is_an_error(mesh_files: MeshFiles):
    silent = edit(product(), "service_levels: {freshness_hours: 24, availability: 99.5}\n", "")
    assert problems(mesh_files, text=silent) == [
        f"{C}:18: error: slaProperties.0: latency 24 h (24 hours): its product declares no service levels ({P}:2), so nobody watches this "
        "promise: declare `service_levels`",
        f"{C}:19: error: slaProperties.1: availability 99.5%: its product declares no service levels ({P}:2), so nobody watches "
        "this promise: declare `service_levels`",
    ]


# --- names ----------------------------------------------------------------------------------------------------------


def test_a_property_whose_physical_name_is_not_its_name_is_an_error_at_its_line(mesh_files: MeshFiles):
    # physicalName was ignored before (issue 21, Silent changes)
    renamed = edit(TERMS, "      - name: listener_id\n", "      - name: listener_id\n        physicalName: lstnr_id\n")
    assert problems(mesh_files, renamed) == [
        f"{C}:13: error: schema.0.properties.0.physicalName: 'lstnr_id' is not its name 'listener_id': the Glue column is named "
        "after `name`, so its readers would look for a column that is not there; make them equal, or drop physicalName"
    ]


# --- what meshplane states ------------------------------------------------------------------------------------------


def test_what_meshplane_states_is_a_warning_where_the_contract_says_otherwise(mesh_files: MeshFiles):
    stated = edit(TERMS, "id: users.alpha.output", "id: plays-v1")
    stated = edit(stated, "    physicalName: alpha", "    physicalName: plays_table")
    stated = edit(stated, "domain: users", "domain: listening\nservers:\n  - {server: db, type: postgres, host: db, port: 5432, database: d, schema: s}")
    stated += "customProperties:\n  - {property: kind, value: aggregate}\n  - {property: costCentre, value: CC-1}\n"
    assert problems(mesh_files, stated) == [
        f"{C}:3: warning: id: meshplane states the contract's id, `<domain>.<product>.output`, 'users.alpha.output': the exported "
        "contract has meshplane's, not this one",
        f"{C}:7: warning: domain: meshplane states the product's domain, 'users': the exported contract has meshplane's, not this one",
        f"{C}:8: warning: servers: meshplane states the servers (each stack's S3 bucket and Glue table): the exported contract has "
        "meshplane's, not this one",
        f"{C}:12: warning: schema.0.physicalName: 'plays_table': meshplane states the Glue table, 'alpha': the exported contract names it",
        f"{C}:25: warning: customProperties.0: meshplane states 'kind' ('source-aligned'): the exported contract has meshplane's",
    ]


def test_the_full_range_contract_is_warned_of_what_meshplane_states_and_nothing_else(mesh_files: MeshFiles):
    assert problems(mesh_files, full_range("v3.0.2")) == [
        f"{C}:1: warning: apiVersion: meshplane states the version of the standard it writes, 'v3.2.0': the exported contract has "
        "meshplane's, not this one",
        f"{C}:3: warning: id: meshplane states the contract's id, `<domain>.<product>.output`, 'users.alpha.output': the exported "
        "contract has meshplane's, not this one",
        f"{C}:4: warning: name: meshplane states the product's address, 'users/alpha': the exported contract has meshplane's, not this one",
        f"{C}:7: warning: domain: meshplane states the product's domain, 'users': the exported contract has meshplane's, not this one",
        f"{C}:22: warning: servers: meshplane states the servers (each stack's S3 bucket and Glue table): the exported contract has "
        "meshplane's, not this one",
        f"{C}:121: warning: schema.0.properties.7.quality.0: not evaluated: a custom rule is exported as written, and meshplane "
        "does not run it",
        f"{C}:140: warning: schema.0.quality.1: not evaluated: a text rule is exported as written, and meshplane does not run it",
        f"{C}:152: warning: support: meshplane states the support channels (the owner's and the domain's addresses): the exported "
        "contract has meshplane's, not this one",
        f"{C}:154: warning: team: meshplane states the team (the domain's team, the product's owner and the domain's contact): the "
        "exported contract has meshplane's, not this one",
    ]


def test_a_contracts_quality_rules_are_the_ports_and_those_meshplane_does_not_run_are_said(mesh_files: MeshFiles):
    # every rule was one warning, "meshplane does not evaluate a contract's quality rules yet", before (issue 20)
    rules = ("        quality:\n          - {metric: nullValues, mustBe: 0}\n          - {type: text, description: Looked at.}\n"
             "          - {type: custom, engine: soda, implementation: 'missing_count(x) = 0'}\n"
             "          - {metric: nullValues, mustBe: 0, severity: info}\n")  # fmt: skip
    quality = edit(TERMS, "        classification: confidential\n", "        classification: confidential\n" + rules)
    assert problems(mesh_files, quality) == [
        f"{C}:18: warning: schema.0.properties.0.quality.1: not evaluated: a text rule is exported as written, and meshplane does not run it",
        f"{C}:19: warning: schema.0.properties.0.quality.2: not evaluated: a custom rule is exported as written, and meshplane does not run it",
        f"{C}:20: warning: schema.0.properties.0.quality.3: not evaluated: severity: expected 'error' or 'warning', got 'info'; it is "
        "exported as written",
    ]
    (column, *_) = mesh_files.load().products["users/alpha"].spec.output.columns
    assert [(r.type.value, r.operator) for r in column.quality] == [("library", ("mustBe", 0)), ("text", None), ("custom", None)]


def test_a_contracts_rule_that_does_not_fit_its_place_is_refused_at_its_line(mesh_files: MeshFiles):
    rules = "        quality:\n          - {metric: nullValues, mustBe: 0, severity: info}\n          - {metric: rowCount, mustBeGreaterThan: 0}\n"
    quality = edit(TERMS, "        classification: confidential\n", "        classification: confidential\n" + rules)
    assert problems(mesh_files, quality) == [  # the second rule, though the first is not read
        f"{C}:18: error: schema.0.properties.0.quality.1.metric: rowCount counts the port's rows: put it in the port's `quality`"
    ]


def test_validate_prints_the_warnings_and_succeeds(mesh_files: MeshFiles, capsys):
    mesh_files.product("users", "alpha", product())
    mesh_files.write("users/contracts/alpha.odcs.yaml", edit(TERMS, "domain: users", "domain: listening"))
    assert cli.main(["validate"]) == 0
    assert f"{C}:7: warning: domain: meshplane states the product's domain, 'users'" in capsys.readouterr().err


def test_a_contracts_rule_that_misfits_its_column_is_found_at_the_contracts_line(mesh_files: MeshFiles, capsys):
    rules = ("    quality:\n      - {type: library, metric: duplicateValues, arguments: {properties: [listener_id, plays_total]}, mustBe: 0}\n"
             "    properties:\n")  # fmt: skip
    quality = edit(TERMS, "    properties:\n", rules)
    quality = edit(quality, "{name: plays, logicalType: integer, description: Plays counted., classification: public}",
                   "{name: plays, logicalType: integer, description: Plays counted., classification: public, "
                   "quality: [{type: library, metric: invalidValues, arguments: {pattern: '^[0-9]+$'}, mustBe: 0}]}")
    mesh_files.product("users", "alpha", product())
    mesh_files.write("users/contracts/alpha.odcs.yaml", quality)
    assert cli.main(["validate", "--env", "prod"]) == 1
    err = capsys.readouterr().err
    assert f"{C}:12: MESH-016 error: 'plays_total' is no column of this port: listener_id, plays" in err
    assert f"{C}:18: MESH-016 error: a pattern matches text: 'plays' is of type int, so use validValues or a sql rule" in err


# --- every port version ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status, expected", [("deprecated", []), ("active", ["status: 'active' is not its port's status 'deprecated'"])])
def test_an_earlier_versions_contract_is_held_to_that_version(mesh_files: MeshFiles, status, expected):
    earlier = "previous_outputs:\n  - version: 1\n    deprecation: {date: 2031-01-01}\n    contract: contracts/v1.odcs.yaml\n"
    text = edit(product(), "output:\n", "output:\n  version: 2\n") + earlier
    mesh_files.write("users/contracts/v1.odcs.yaml", edit(edit(TERMS, "status: active", f"status: {status}"), "    physicalName: alpha\n", ""))
    v2 = edit(edit(TERMS, "version: 1.2.0", "version: 2.0.0"), "    physicalName: alpha\n", "    physicalName: alpha__v2\n")
    found = problems(mesh_files, v2, text)
    assert [p.split(": error: ")[1].split(" (")[0] for p in found if p.startswith("domains/users/contracts/v1.odcs.yaml")] == expected
    assert [p for p in found if p.startswith(C)] == []
