"""Each version names its own data: users/play-events published as version 2 beside version 1 (as its team would, on a
copy of the sample), its catalog page, its ODCS contracts and its ODPS descriptor name each version's own bucket, table
and number; and a kept version copied without its partitions is blocked by diff with what to copy."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import yaml
from standardskit import REPO

sys.path.insert(0, str(REPO / "tests" / "program"))
from gitkit import diff, meshplane, repository  # noqa: E402

PLAYS = "domains/users/products/play-events.yaml"
DEVICE = (
    "    - name: device\n      type: string\n      description: Device family (mobile, desktop, speaker, car).\n      quality:\n"
    "        - metric: invalidValues\n          arguments: {validValues: [mobile, desktop, speaker, car]}\n          mustBeLessThan: 1\n"
    "          unit: percent\n          severity: warning\n"
)
V1 = {"prod": ("daff-prod-users-play-events", "daff_prod_users.play_events"), "dev": ("daff-dev-users-play-events", "daff_dev_users.play_events")}
V2 = {"prod": ("daff-prod-users-play-events--v2", "daff_prod_users.play_events__v2"), "dev": ("daff-dev-users-play-events--v2", "daff_dev_users.play_events__v2")}


def version_2(text: str, *, partitions: bool = True) -> str:
    """play-events' version 2 (its device column dropped) beside version 1, kept as it was (or without its partitions)."""
    start, end = text.index("  columns:\n"), text.index("consumers:\n")
    kept = text[start:end] if partitions else text[start : text.index("  partitions:\n")]
    text = text.replace("output:\n", "output:\n  version: 2\n", 1).replace(DEVICE, "")
    return text + "previous_outputs:\n  - version: 1\n    deprecation: {date: 2031-01-01}\n    format: parquet\n" + "".join(f"  {line}\n" for line in kept.splitlines())


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = repository(tmp_path_factory.mktemp("versions"))
    (root / PLAYS).write_text(version_2((root / PLAYS).read_text()))
    return root


def run(root: Path, monkeypatch, capsys, *args: str) -> None:
    code, _, err = meshplane(root, monkeypatch, capsys, *args)
    assert code == 0, err


def test_the_catalog_page_names_each_versions_bucket_and_table(project, monkeypatch, capsys):
    run(project, monkeypatch, capsys, "catalog")
    page = (project / "out/catalog/products/users/play-events.html").read_text()
    rows = re.findall(r"<tr><td>(prod|dev)</td><td>\w+</td><td>(\d) \((\w+)\)</td><td><code>s3://([^/]+)/</code></td><td><code>([^<]+)</code>", page)
    assert ("prod", "2", "active", *V2["prod"]) in rows and ("prod", "1", "deprecated", *V1["prod"]) in rows
    assert ("dev", "2", "active", *V2["dev"]) in rows and ("dev", "1", "deprecated", *V1["dev"]) in rows
    assert rows.index(("prod", "2", "active", *V2["prod"])) < rows.index(("prod", "1", "deprecated", *V1["prod"]))  # current first
    for version, name in (("1", "play-events.v1.odcs.yaml"), ("2", "play-events.odcs.yaml")):  # each version's contract
        assert f'<a href="../../odcs/users/{name}">version {version}</a>' in page


def test_each_versions_contract_names_its_bucket_table_and_number(project, monkeypatch, capsys):
    run(project, monkeypatch, capsys, "export", "odcs", "--env", "prod")
    for file, version, (bucket, table) in (("play-events.odcs.yaml", "2.0.0", V2["prod"]), ("play-events.v1.odcs.yaml", "1.0.0", V1["prod"])):
        contract = yaml.safe_load((project / "out/odcs/users" / file).read_text())
        assert contract["version"] == version
        s3, glue = contract["servers"]
        assert s3["location"] == f"s3://{bucket}/" and glue["location"] == f"s3://{bucket}/"
        assert f"{glue['database']}.{next(p['value'] for p in glue['customProperties'] if p['property'] == 'table')}" == table
        assert contract["schema"][0]["physicalName"] == table.split(".")[1]
    v1 = yaml.safe_load((project / "out/odcs/users/play-events.v1.odcs.yaml").read_text())
    assert [p["name"] for p in v1["schema"][0]["properties"] if p.get("partitioned")] == ["play_date"]


def test_the_descriptor_names_each_versions_bucket_and_table_in_each_stack(project, monkeypatch, capsys):
    run(project, monkeypatch, capsys, "export", "odps")
    descriptor = yaml.safe_load((project / "out/odps/users/play-events.odps.yaml").read_text())
    ports = {p["version"]: p for p in descriptor["outputPorts"]}
    assert sorted(ports) == ["1.0.0", "2.0.0"]
    for version, expected in (("1.0.0", V1), ("2.0.0", V2)):
        (locations,) = [c["value"] for c in ports[version]["customProperties"] if c["property"] == "locations"]
        where = {loc["stack"]: (loc["bucket"], loc["table"]) for loc in locations}
        assert sorted(where) == ["dev", "local", "prod", "staging"]  # prod-podcasts does not deploy users
        assert where["prod"] == expected["prod"] and where["dev"] == expected["dev"]


@pytest.mark.slow
def test_a_kept_version_copied_without_its_partitions_is_blocked_with_what_to_copy(tmp_path, monkeypatch, capsys):
    root = repository(tmp_path)
    (root / PLAYS).write_text(version_2((root / PLAYS).read_text(), partitions=False))
    code, found = diff(root, monkeypatch, capsys)
    (blocking,) = [f for f in found["findings"] if f["severity"] == "error"]
    assert code == 1 and blocking["rule"] == "partitions-changed"
    assert "version 1 is kept in `previous_outputs` for its readers: copy it there exactly as it was (its columns, its partitions and its format)" in blocking["message"]
    (root / PLAYS).write_text(version_2((REPO / PLAYS).read_text()))  # copied as it was: nothing blocks
    code, found = diff(root, monkeypatch, capsys)
    assert code == 0, found["findings"]
