"""Dev versus prod: what an environment that keeps data protects, and the two keys that destroy data.

Stateful resources (bucket, key, database, table) are protected and retained on delete where the stack
keeps data (prod) and nowhere else; `force_destroy` needs `meshplane:allowDataDestruction: true` in the
stack AND `destroy_data: true` in the product file.
"""

from __future__ import annotations

import pytest
from mockkit import one, project_copy

from components import tokens
from meshplane.registrations.engine import evaluate

BUCKET = tokens.BUCKET
DISPOSABLE = "podcasts/podcast-plays"


def test_prod_protects_and_retains_every_stateful_resource_and_nothing_else(prod_every_domain, mesh):
    guarded = [r for r in prod_every_domain.custom() if r.protect or r.retain_on_delete]
    assert {r.type for r in guarded} == set(tokens.STATEFUL)
    for r in prod_every_domain.custom():
        stateful = r.type in tokens.STATEFUL
        assert (r.protect, r.retain_on_delete) == (stateful, stateful), f"{r.type} {r.name}"
    assert len(guarded) == 2 * len(mesh.products) + 3 * len(mesh.domains)  # a domain: its key, its alerts key, its database


def test_dev_protects_nothing(dev):
    assert [r.name for r in dev.resources if r.protect or r.retain_on_delete] == []


def test_no_bucket_is_force_destroyed_with_one_key_or_none(dev, prod):
    for ev in (dev, prod):
        assert all(r.inputs["forceDestroy"] is False for r in ev.custom() if r.type == BUCKET), ev.stack


def test_environments_share_the_mesh_but_not_names(dev, prod_every_domain):
    prod = prod_every_domain
    def names(ev):
        return sorted(r.inputs["bucket"] for r in ev.custom() if r.type == BUCKET)

    assert [n.replace("daff-dev-", "") for n in names(dev)] == [n.replace("daff-prod-", "") for n in names(prod)]
    assert {(r.type, r.name) for r in dev.resources if not r.is_provider} == {(r.type, r.name) for r in prod.resources if not r.is_provider}


def test_environment_overrides_reach_the_jobs(dev, prod, prod_podcasts):
    def spark(ev, address):
        return one(ev.custom(), tokens.SCHEDULED_SPARK_APPLICATION, address).inputs["spec"]

    dev_royalties, prod_royalties = spark(dev, "artists/artist-royalties"), spark(prod, "artists/artist-royalties")
    assert (dev_royalties["template"]["executor"]["instances"], prod_royalties["template"]["executor"]["instances"]) == (1, 4)
    assert (dev_royalties["template"]["executor"]["coreLimit"], prod_royalties["template"]["executor"]["coreLimit"]) == ("1", "2")

    def cron(ev, address):
        return one(ev.custom(), tokens.CRONJOB, address).inputs["spec"]

    assert (cron(dev, "podcasts/listener-demographics")["suspend"], cron(prod_podcasts, "podcasts/listener-demographics")["suspend"]) == (True, False)
    assert (cron(dev, "users/profile-updates")["schedule"], cron(prod, "users/profile-updates")["schedule"]) == ("15 */6 * * *", "15 1 * * *")


@pytest.fixture(scope="module")
def second_key(tmp_path_factory):
    """A copy of the sample mesh where one product turns the second key (`destroy_data: true`)."""
    root = project_copy(tmp_path_factory.mktemp("destroy"))
    path = root / "domains/podcasts/products/podcast-plays.yaml"
    path.write_text(path.read_text() + "destroy_data: true\n")
    return root


def _buckets(ev) -> dict[str, object]:
    return {r.product: r for r in ev.custom() if r.type == BUCKET}


@pytest.mark.slow
@pytest.mark.parametrize(
    "stack, allow, expected",
    [
        ("dev", None, False),  # the product's key alone
        ("dev", "false", False),
        ("dev", "true", True),  # both keys
        ("prod-podcasts", None, False),
        ("prod-podcasts", "true", True),  # both keys, even where data is otherwise kept
    ],
)
def test_force_destroy_takes_both_keys(second_key, stack, allow, expected):
    overrides = {} if allow is None else {"meshplane:allowDataDestruction": allow}
    ev = evaluate(stack, overrides=overrides, root=second_key)
    buckets = _buckets(ev)
    assert buckets[DISPOSABLE].inputs["forceDestroy"] is expected
    others = [b for p, b in buckets.items() if p != DISPOSABLE]
    assert others and all(b.inputs["forceDestroy"] is False for b in others), "the stack's key alone destroys nothing"
    disposable = [r for r in ev.custom() if r.product == DISPOSABLE and r.type in tokens.STATEFUL]
    if expected:
        assert not any(r.protect or r.retain_on_delete for r in disposable), "a disposable product keeps nothing"
    elif stack == "prod-podcasts":
        assert all(r.protect and r.retain_on_delete for r in disposable)
    # the domain's keys (its data's and its alerts') and database are shared with other products: never disposable
    shared = [r for r in ev.custom() if r.domain == "podcasts" and r.product is None and r.type in tokens.STATEFUL]
    assert len(shared) == 3 and all(r.protect == (stack == "prod-podcasts") for r in shared)


def test_the_stack_key_alone_destroys_nothing(dev):
    ev = evaluate("dev", overrides={"meshplane:allowDataDestruction": "true"})
    assert all(r.inputs["forceDestroy"] is False for r in ev.custom() if r.type == BUCKET)
    assert {r.name for r in ev.resources} == {r.name for r in dev.resources}

