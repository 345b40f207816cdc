"""A rename keeps every stateful resource: physical names stay the oldest name's, logical names get aliases.

`pulumi up` after a rename must update in place, never delete and create: every resource whose URN changed
carries an alias to each URN it had, under its earlier names and under the sub-components a product once
had (storage, access, compute, catalog), and the bucket, table and role keep their names.
"""

from __future__ import annotations

import pytest
from mockkit import edit, one, project_copy

from components import tokens
from components.domain import DataDomain
from components.product import DataProduct
from meshplane.registrations.engine import evaluate
from meshplane.reports.plan import physical_name

TASTE, OLD_TASTE = "playlists/listener-taste", "playlists/taste-profiles"
DP = DataProduct.TOKEN


def urn(stack: str, types: str, name: str) -> str:
    return f"urn:pulumi:{stack}::meshplane::{types}::{name}"


def test_listener_taste_keeps_the_physical_names_of_taste_profiles(prod):
    mine = [r for r in prod.custom() if r.product == TASTE]
    assert one(mine, tokens.BUCKET).inputs["bucket"] == "daff-prod-playlists-taste-profiles"
    assert one(mine, tokens.TABLE).inputs["name"] == "taste_profiles"
    assert one(mine, tokens.ROLE).inputs["name"] == "daff-prod-playlists-taste-profiles-job"
    assert one(mine, tokens.TABLE).inputs["storageDescriptor"]["location"] == "s3://daff-prod-playlists-taste-profiles/"


def test_every_resource_of_listener_taste_is_aliased_to_its_old_urn(prod):
    component = one(prod.resources, DP, name=TASTE)
    assert component.aliases == (urn("prod", DP, OLD_TASTE),)
    children = [r for r in prod.custom() if r.product == TASTE]
    assert len(children) >= 16
    for r in children:
        old = r.name.replace(TASTE, OLD_TASTE, 1)
        assert urn("prod", f"{DP}${r.type}", old) in r.aliases, f"{r.type} {r.name}: {r.aliases}"


@pytest.mark.parametrize(
    "suffix, former",
    [("bucket", "ProductStorage"), ("policy", "ProductStorage"), ("job-role", "ProductAccess"), ("job", "ProductCompute"), ("table", "ProductCatalog")],
)
def test_every_child_keeps_the_urn_it_had_under_the_products_former_sub_component(prod, suffix, former):
    """The product's parts were components of their own; their resources keep the URNs they had under them."""
    r = one(prod.custom(), name=f"users/play-events-{suffix}")
    assert r.aliases == (urn("prod", f"{DP}$meshplane:index:{former}${r.type}", r.name),)
    renamed = one(prod.custom(), name=f"{TASTE}-{suffix}")
    for owner in (TASTE, OLD_TASTE):
        assert urn("prod", f"{DP}$meshplane:index:{former}${renamed.type}", f"{owner}-{suffix}") in renamed.aliases


def test_only_renames_and_the_former_sub_components_make_aliases(prod):
    for r in prod.resources:
        if r.product == TASTE or TASTE in r.name or not r.aliases:  # listener-taste's, and its agreements as a consumer
            continue
        assert r.type in tokens.STATEFUL or r.parent and DP in r.parent, r.name
        assert len(r.aliases) == 1 and "$meshplane:index:Product" in r.aliases[0], (r.name, r.aliases)
    domains = [r for r in prod.resources if r.parent and DataDomain.TOKEN in r.parent]
    assert domains and not any(r.aliases for r in domains)  # a domain never had sub-components


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
    return evaluate("prod-podcasts", root=root)


def reaches(after, before) -> bool:
    """`after` is `before` for the engine: the same URN, or an alias to it."""
    return after.urn == before.urn or before.urn in after.aliases


def test_a_rename_in_the_mesh_deletes_nothing_and_creates_nothing(prod_podcasts, renamed):
    prod = prod_podcasts  # podcasts deploys alone in prod
    before = [r for r in prod.resources if r.custom and not r.is_provider]
    after = [r for r in renamed.resources if r.custom and not r.is_provider]
    assert len(after) == len(before)
    assert all(any(reaches(a, b) for a in after) for b in before), "a resource of before would be deleted"
    assert all(any(reaches(a, b) for b in before) for a in after), "a resource of after would be created"


def test_a_rename_keeps_every_aws_name_and_the_data(prod_podcasts, renamed):
    prod = prod_podcasts  # podcasts deploys alone in prod
    moved = [r for r in prod.custom() if r.product == "podcasts/podcast-plays"]
    assert len(moved) >= 15
    for r in moved:
        (now,) = [a for a in renamed.custom() if reaches(a, r)]
        assert now.product == "podcasts/podcast-listens"
        assert (now.protect, now.retain_on_delete) == (r.protect, r.retain_on_delete)
        assert physical_name(now) == physical_name(r), f"{r.type} {r.name}"  # the job's objects too: none is replaced
    stateful = {r.type for r in moved if r.type in tokens.STATEFUL}
    assert stateful == {tokens.BUCKET, tokens.TABLE}


def test_a_rename_keeps_the_consumers_agreement(prod_podcasts, renamed):
    prod = prod_podcasts  # podcasts deploys alone in prod
    """The consumer's access point is named after both products' oldest names: a rename changes no document."""
    before = one(prod.custom(), tokens.ACCESS_POINT, name="podcasts/podcast-plays-to/podcasts/listener-demographics/access-point")
    after = one(renamed.custom(), tokens.ACCESS_POINT, name="podcasts/podcast-listens-to/podcasts/listener-demographics/access-point")
    assert before.urn in after.aliases
    untagged = lambda r: {k: v for k, v in r.inputs.items() if k != "tags"}  # noqa: E731  (the tags name the product: updated in place)
    assert untagged(after) == untagged(before)
    slots = lambda ev: {r.name: r.inputs for r in ev.custom() if r.type == tokens.MANAGED_POLICY and r.product == "podcasts/listener-demographics"}  # noqa: E731
    assert slots(renamed) == slots(prod) != {}
