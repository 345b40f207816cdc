"""Retention means what it says: the lifecycle documents the program registers expire current objects at the declared
retention and noncurrent versions the federation's `noncurrent_version_days` later, remove expired delete markers and
abort incomplete uploads. The emulator does not run lifecycle rules, so the documents are what is checked, in the
engine's registrations and the offline inventory's alike."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from components import tokens
from components.storage import lifecycle_rules
from meshplane.declarations.resolve import resolve
from meshplane.declarations.spec import Environment
from meshplane.registrations import engine
from meshplane.registrations.offline import offline
from meshplane.registrations.project import open_project

ROOT = Path(__file__).resolve().parents[2]


def project_with_noncurrent_days(folder: Path, days: int):
    """The sample project, its federation keeping noncurrent versions `days` days; on the dev stack."""
    shutil.copytree(ROOT / "governance", folder / "governance")
    federation = folder / "governance" / "federation.yaml"
    text = federation.read_text()
    assert text.count("noncurrent_version_days: 7\n") == 1
    federation.write_text(text.replace("noncurrent_version_days: 7\n", f"noncurrent_version_days: {days}\n"))
    return open_project(ROOT, federation=federation, stack="dev")


def lifecycles(resources) -> dict[str, list[dict]]:
    """Each bucket's lifecycle rules, by bucket name."""
    return {r.inputs["bucket"]: r.inputs["rules"] for r in resources if r.type == tokens.BUCKET_LIFECYCLE}


def test_the_rules_of_one_bucket():
    retention, markers = lifecycle_rules(30, 7)
    assert retention == {
        "id": "retention",
        "status": "Enabled",
        "filter": {"prefix": ""},
        "expiration": {"days": 30},
        "noncurrentVersionExpiration": {"noncurrentDays": 7},
        "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7},
    }
    # S3 refuses a `days` and an `expiredObjectDeleteMarker` in one expiration: the markers have a rule of their own
    assert markers == {"id": "expired-delete-markers", "status": "Enabled", "filter": {"prefix": ""}, "expiration": {"expiredObjectDeleteMarker": True}}


@pytest.mark.slow
@pytest.mark.parametrize("days", [1, 3, 365])
def test_every_bucket_keeps_noncurrent_versions_the_days_the_federation_sets_in_both_inventories(tmp_path, days):
    project = project_with_noncurrent_days(tmp_path, days)
    built = lifecycles(offline(project).resources)
    assert built == lifecycles(engine.run(project).resources)
    assert len(built) >= len(project.mesh.products)
    for rules in built.values():
        assert [r["id"] for r in rules] == ["retention", "expired-delete-markers"]
        assert rules[0]["noncurrentVersionExpiration"] == {"noncurrentDays": days}


def test_current_objects_expire_at_the_retention_declared_for_the_environment():
    project = open_project(ROOT, stack="dev")
    resources = offline(project).resources
    for r in (r for r in resources if r.type == tokens.BUCKET_LIFECYCLE):
        retention = resolve(project.mesh.products[r.product].spec, Environment.dev).retention_days
        assert r.inputs["rules"][0]["expiration"] == {"days": retention}, r.product
    assert lifecycles(resources)["daff-dev-users-play-events"][0]["expiration"] == {"days": 3}  # dev's override, not 400


def test_no_byte_outlives_its_retention_by_more_than_the_federations_days():
    """The bound the README states: expiry at the retention, then at most `noncurrent_version_days` as a noncurrent version."""
    project = open_project(ROOT, stack="prod")
    bound = project.federation.noncurrent_version_days
    found = [r for r in offline(project).resources if r.type == tokens.BUCKET_LIFECYCLE]
    assert {r.product for r in found} == {a for a, p in project.mesh.products.items() if p.domain != "podcasts"}  # prod-podcasts'
    for r in found:
        retention = resolve(project.mesh.products[r.product].spec, Environment.prod).retention_days
        rule = r.inputs["rules"][0]
        assert rule["expiration"]["days"] == retention, r.product
        assert rule["expiration"]["days"] + rule["noncurrentVersionExpiration"]["noncurrentDays"] <= retention + bound, r.product
