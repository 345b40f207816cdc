"""A rename keeps every stateful resource: physical names stay the oldest name's, logical names get aliases.

`pulumi up` after a rename must update in place, never delete and create: every resource whose logical
name changed carries an alias to the name it had, and the bucket, table and role keep their names.
"""

from __future__ import annotations

import pytest

from mockkit import edit, one, project_copy

from components import tokens
from meshplane.engine import evaluate
from meshplane.plan import physical_name

TASTE, OLD_TASTE = "playlists/listener-taste", "playlists/taste-profiles"


def test_listener_taste_keeps_the_physical_names_of_taste_profiles(prod):
    mine = [r for r in prod.custom() if r.product == TASTE]
    assert one(mine, tokens.BUCKET).inputs["bucket"] == "daff-prod-playlists-taste-profiles"
    assert one(mine, tokens.TABLE).inputs["name"] == "taste_profiles"
    assert one(mine, tokens.ROLE).inputs["name"] == "daff-prod-playlists-taste-profiles-job"
    assert one(mine, tokens.TABLE).inputs["storageDescriptor"]["location"] == "s3://daff-prod-playlists-taste-profiles/"


def test_every_part_of_listener_taste_is_aliased_to_its_old_logical_name(prod):
    mine = [r for r in prod.resources if r.product == TASTE]
    assert len(mine) == 5 + 16  # the five components and their cloud resources
    for r in mine:
        old = r.name.replace(TASTE, OLD_TASTE, 1)
        assert r.aliases == (old,), f"{r.type} {r.name}: {r.aliases}"


def test_grants_on_a_renamed_product_follow_it(prod):
    """The consumer's grant and the domain readers' grant are named after the producer's address: aliased too.

    Without the alias the new policy (same role, same policy name) would be created and then the old one
    deleted, and the grant would be gone after `pulumi up`.
    """
    grant = one(prod.custom(), tokens.ROLE_POLICY, name=f"playlists/recommended-playlists-read/{TASTE}")
    assert grant.aliases == (f"playlists/recommended-playlists-read/{OLD_TASTE}",)
    readers = one(prod.custom(), tokens.ROLE_POLICY, name=f"playlists-readers/{TASTE}")
    assert readers.aliases == (f"playlists-readers/{OLD_TASTE}",)


def test_no_other_resource_has_an_alias(prod):
    renamed = {r.name for r in prod.resources if r.aliases}
    expected = {r.name for r in prod.resources if r.product == TASTE} | {
        f"playlists/recommended-playlists-read/{TASTE}", f"playlists-readers/{TASTE}"}
    assert renamed == expected


@pytest.fixture(scope="module")
def renamed(tmp_path_factory):
    """podcasts/podcast-plays renamed podcasts/podcast-listens in a copy of the mesh, its consumer following."""
    root = project_copy(tmp_path_factory.mktemp("rename"))
    products = root / "domains/podcasts/products"
    old = products / "podcast-plays.yaml"
    text = old.read_text().replace("name: podcast-plays\n", "name: podcast-listens\n", 1)
    (products / "podcast-listens.yaml").write_text(text + "previous_names:\n  - podcast-plays\n")
    old.unlink()
    edit(products / "listener-demographics.yaml", "  - podcasts/podcast-plays\n", "  - podcasts/podcast-listens\n")
    return evaluate("prod", root=root)


def test_a_rename_in_the_mesh_deletes_nothing(prod, renamed):
    before = {(r.type, r.name): r for r in prod.resources if not r.is_provider}
    after = {(r.type, r.name): r for r in renamed.resources if not r.is_provider}
    # every logical resource of before is in after, under its name or through an alias
    reached = set(after) | {(r.type, a) for r in after.values() for a in r.aliases}
    assert set(before) <= reached, sorted(set(before) - reached)
    # and every new logical name is an old resource under an alias: nothing is created
    for key, r in after.items():
        if key not in before:
            assert any((r.type, a) in before for a in r.aliases), f"{r.type} {r.name} would be created"
    assert len(after) == len(before)


def test_a_rename_keeps_every_aws_name_and_the_data(prod, renamed):
    by_alias = {a: r for r in renamed.resources for a in r.aliases}
    moved = [r for r in prod.custom() if r.product == "podcasts/podcast-plays"]
    assert len(moved) == 13
    for r in moved:
        now = by_alias[r.name]
        assert now.product == "podcasts/podcast-listens"
        assert (now.protect, now.retain_on_delete) == (r.protect, r.retain_on_delete)
        if r.type.startswith("kubernetes:") or r.type == tokens.POD_IDENTITY:
            # the job's Kubernetes objects follow the product's name: stateless, replaced, nothing lost
            assert physical_name(now) == "podcast-listens"
        else:
            assert physical_name(now) == physical_name(r), f"{r.type} {r.name}"
    stateful = {r.type for r in moved if r.type in tokens.STATEFUL}
    assert stateful == {tokens.BUCKET, tokens.TABLE}


def test_a_rename_keeps_the_consumers_grant(prod, renamed):
    before = one(prod.custom(), tokens.ROLE_POLICY, name="podcasts/listener-demographics-read/podcasts/podcast-plays")
    after = one(renamed.custom(), tokens.ROLE_POLICY, name="podcasts/listener-demographics-read/podcasts/podcast-listens")
    assert after.aliases == (before.name,)
    assert (after.inputs["role"], after.inputs["name"], after.inputs["policy"]) == (before.inputs["role"], before.inputs["name"], before.inputs["policy"])
