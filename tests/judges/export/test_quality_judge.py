"""datacontract-cli's `test` (1.2.8, on ibis and DuckDB) judges `meshplane test`: on the same local Parquet, the
contract `meshplane export` writes for users/play-events, with its server pointed at that file, gets the same verdict
for every rule, good data and bad."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import duckdb
import pytest
import yaml
from test_datacontract import ROOT, datacontract_binary

from meshplane.declarations.deployments import read_stacks
from meshplane.declarations.loader import load_mesh
from meshplane.export.odcs import contracts
from meshplane.local import quality

ROWS = "SELECT * FROM (VALUES {rows}) AS t(listener_id, track_id, artist_id, played_at, played_seconds, device, play_date)"
GOOD = ("('l1', 't1', 'a1', TIMESTAMP '2026-12-07 10:00:00', 30, 'mobile', DATE '2026-12-07'), "
        "('l2', 't1', 'a1', TIMESTAMP '2026-12-07 10:00:00', 40, 'car', DATE '2026-12-07')")  # fmt: skip
BAD = ("(NULL, 't1', 'a1', TIMESTAMP '2026-12-07 10:00:00', 30, 'mobile', DATE '2026-12-07'), "
       "('l2', 't1', 'a1', TIMESTAMP '2026-12-07 10:00:00', -4, 'tram', DATE '2026-12-07'), "
       "('l2', 't1', 'a1', TIMESTAMP '2026-12-07 10:00:00', -4, 'tram', DATE '2026-12-07')")  # fmt: skip
# meshplane's rule (where: name) -> datacontract-cli's check (type, field)
SAME = {
    "port: some plays": ("row_count", None),
    "port: duplicateValues": ("model_duplicate_values", None),
    "column listener_id: nullValues": ("field_null_values", "listener_id"),
    "column played_seconds: no negative play": ("field_quality_sql", "played_seconds"),
    "column device: invalidValues": ("field_invalid_values", "device"),
}


def verdicts(rows: str, folder: Path) -> tuple[dict, dict]:
    data = folder / "data.parquet"
    duckdb.sql(f"COPY ({ROWS.format(rows=rows)}) TO '{data}' (FORMAT parquet)")
    mesh = load_mesh(ROOT / "domains")
    contract = contracts(mesh, read_stacks(ROOT)["dev"])["users/play-events"]
    contract["servers"] = [{"server": "local", "type": "local", "path": str(data), "format": "parquet"}]
    (folder / "contract.yaml").write_text(yaml.safe_dump(contract, sort_keys=False))
    out = folder / "result.json"
    subprocess.run([datacontract_binary(), "test", str(folder / "contract.yaml"), "--server", "local", "--output-format", "json",
                    "--output", str(out)], capture_output=True, text=True, timeout=300, cwd=folder)  # fmt: skip
    theirs = {(c["type"], c.get("field")): c["result"] for c in json.loads(out.read_text())["checks"]}
    port = mesh.products["users/play-events"].spec.output
    ours = {f"{c.where}: {c.rule}": (c.outcome.value, c.severity) for c in quality.evaluate(port, [data], sampled=False)}
    return ours, theirs


@pytest.mark.parametrize("rows, failing", [(GOOD, set()), (BAD, set(SAME) - {"port: some plays"})], ids=["good", "bad"])
def test_datacontract_cli_agrees_rule_by_rule(rows, failing):
    with tempfile.TemporaryDirectory() as folder:
        ours, theirs = verdicts(rows, Path(folder))
    for rule, check in SAME.items():
        outcome, severity = ours[rule]
        expected = {"passed": "passed", "failed": "failed" if severity == "error" else "warning"}[outcome]
        assert theirs[check] == expected, (rule, ours[rule], theirs[check])
    assert {rule for rule in SAME if ours[rule][0] == "failed"} == failing
