"""Findings in the formats CI reads: SARIF 2.1.0 read back by independent libraries, GitHub workflow commands."""

from __future__ import annotations

import json

import attr
import sarif_om
import sarif_pydantic
from meshkit import MeshFiles, product_text

from meshplane import cli
from meshplane.declarations.problems import Problem, Severity
from meshplane.review import findings

SLO = "service_levels: {freshness_hours: 24, availability: 99.0}\n"


def unknown_properties(value, cls=sarif_om.SarifLog, where="$") -> list[str]:
    """Every property of `value` that SARIF 2.1.0 (as sarif-om models it) does not define at its place."""
    if not attr.has(cls):
        return []
    fields = {f.metadata["schema_property_name"]: f for f in attr.fields(cls)}
    found = [f"{where}.{k}" for k in value if k not in fields]
    for key, item in value.items():
        field = fields.get(key)
        if field is None or key == "properties":  # a property bag holds anything
            continue
        target = _class_of(key)
        elements = enumerate(item) if isinstance(item, list) else [(None, item)]
        for i, element in elements:
            if isinstance(element, dict) and target is not None:
                found += unknown_properties(element, target, f"{where}.{key}" + ("" if i is None else f"[{i}]"))
    return found


def _class_of(key: str):
    """The sarif-om class a property holds: runs -> Run, physicalLocation -> PhysicalLocation, ..."""
    special = {"runs": "Run", "results": "Result", "locations": "Location", "rules": "ReportingDescriptor", "driver": "ToolComponent",
               "shortDescription": "MultiformatMessageString", "fullDescription": "MultiformatMessageString",
               "defaultConfiguration": "ReportingConfiguration", "automationDetails": "RunAutomationDetails"}  # fmt: skip
    name = special.get(key, key[:1].upper() + key[1:])
    return getattr(sarif_om, name, None)


def broken(files: MeshFiles) -> None:
    files.product("users", "alpha", product_text("alpha", classification="internal", extra=SLO))
    files.product("users", "beta", product_text("beta", classification="restricted", inputs=["users/alpha"], extra=SLO.replace("24", "48")))  # its input's + a day
    files.product("podcasts", "gamma", product_text("gamma", classification="internal", inputs=["users/beta"], extra=SLO))


def test_validate_writes_sarif_that_independent_libraries_read_back(mesh_files, capsys):
    broken(mesh_files)
    assert cli.main(["validate", "--env", "prod", "--format", "sarif"]) == 1
    out, err = capsys.readouterr()
    document = json.loads(out)
    assert unknown_properties(document) == []
    log = sarif_pydantic.Sarif.model_validate(document)
    (run,) = log.runs
    assert log.version == "2.1.0" and run.tool.driver.name == "meshplane"
    rules = [r.id for r in run.tool.driver.rules]
    assert {"MESH-005", "MESH-014", findings.DECLARATIONS} <= set(rules)
    got = sorted(
        (r.rule_id, r.level.value, r.locations[0].physical_location.artifact_location.uri, r.locations[0].physical_location.region.start_line)
        for r in run.results
    )
    assert got == [
        ("MESH-014", "error", "domains/podcasts/products/gamma.yaml", 6),
        ("MESH-015", "warning", "domains/podcasts/products/gamma.yaml", 12),  # outside a git checkout: a refusal warns
    ]
    assert all(rules[r.rule_index] == r.rule_id for r in run.results)
    assert document["runs"][0]["automationDetails"]["id"] == "meshplane/validate/prod/"
    assert "MESH-014 error" in err  # people still read stderr


def test_a_mesh_that_does_not_load_is_reported_in_sarif_too(mesh_files, capsys):
    mesh_files.product("users", "alpha", product_text("alpha").replace("kind: source-aligned", "kind: sourced"))
    assert cli.main(["validate", "--format", "sarif"]) == 1
    log = sarif_pydantic.Sarif.model_validate(json.loads(capsys.readouterr().out))
    (result,) = log.runs[0].results
    assert (result.rule_id, result.level.value) == (findings.DECLARATIONS, "error")
    assert result.locations[0].physical_location.region.start_line == 5
    assert "kind" in result.message.text


def test_github_annotations_escape_what_the_runner_parses():
    problems = [
        Problem("domains/a b/x,y.yaml", 3, "50% done\nnext: line", Severity.warning, "MESH-013"),
        Problem("domains/u/p.yaml", 0, "no rule", Severity.error),
        Problem("domains/u/p.yaml", 7, "column added", Severity.note, "column-added"),
    ]
    assert findings.github(problems).splitlines() == [
        "::warning file=domains/a b/x%2Cy.yaml,line=3,title=MESH-013 warning::50%25 done next: line",  # a problem is one line
        "::error file=domains/u/p.yaml,line=1,title=error::no rule",
        "::notice file=domains/u/p.yaml,line=7,title=column-added note::column added",
    ]


def test_validate_prints_annotations_on_stdout_and_exits_1(mesh_files, capsys):
    broken(mesh_files)
    assert cli.main(["validate", "--env", "prod", "--format", "github"]) == 1
    out, _ = capsys.readouterr()
    assert out.splitlines()[0].startswith("::error file=domains/podcasts/products/gamma.yaml,line=6,title=MESH-014 error::classified internal")


def test_a_fingerprint_survives_lines_moving():
    a = findings.sarif([Problem("f.yaml", 3, "m", rule="MESH-001")], [], "c")["runs"][0]["results"][0]
    b = findings.sarif([Problem("f.yaml", 9, "m", rule="MESH-001")], [], "c")["runs"][0]["results"][0]
    assert a["partialFingerprints"] == b["partialFingerprints"] and a["ruleId"] == findings.DECLARATIONS  # an unknown rule: declarations


def test_the_property_check_can_fail():
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x", "rule": []}}, "results": [{"ruleID": "x", "message": {"text": "m"}}]}]}
    assert unknown_properties(log) == ["$.runs[0].tool.driver.rule", "$.runs[0].results[0].ruleID"]
