"""A per-domain stack (prod-podcasts): only the domain's resources, identical to its part of the whole-mesh stack.

Grants to and from other domains are derived from the mesh-wide declarations (deterministic names and
ARNs), so the domain stack needs no other stack's state: its resources equal, input for input, the
podcasts resources of prod as one stack of every domain; and prod, which leaves podcasts out, plus
prod-podcasts are exactly that one stack.
"""

from __future__ import annotations

from mockkit import document, one
from components import tokens


def test_only_podcasts_resources(prod_podcasts):
    assert {r.domain for r in prod_podcasts.custom()} == {"podcasts"}
    assert {r.name for r in prod_podcasts.resources if r.type == "meshplane:index:DataDomain"} == {"podcasts"}
    assert {r.product for r in prod_podcasts.custom() if r.product} == {
        "podcasts/listener-demographics", "podcasts/podcast-plays", "podcasts/released-episodes"}
    assert sorted(prod_podcasts.outputs["products"]) == ["podcasts/listener-demographics", "podcasts/podcast-plays", "podcasts/released-episodes"]


def parent(ev, r) -> str:
    """The parent's URN without the stack's name (the root stack is named after the stack)."""
    return r.parent.replace(f"urn:pulumi:{ev.stack}::", "").replace(f"::meshplane-{ev.stack}", "::ROOT")


def part(ev, domains) -> dict:
    return {
        (r.type, r.name): (r.inputs, r.protect, r.retain_on_delete, tuple(a.replace(f":{ev.stack}::", ":STACK::") for a in r.aliases), parent(ev, r))
        for r in ev.resources
        if r.domain in domains
    }


def test_same_resources_as_the_podcasts_part_of_prod(prod_every_domain, prod_podcasts):
    whole, alone = part(prod_every_domain, {"podcasts"}), part(prod_podcasts, {"podcasts"})
    assert whole.keys() == alone.keys()
    for key in whole:
        assert alone[key] == whole[key], key
    assert {k: v for k, v in prod_podcasts.outputs["products"].items()} == {
        k: v for k, v in prod_every_domain.outputs["products"].items() if k.startswith("podcasts/")}


def test_prod_and_prod_podcasts_are_prod_as_one_stack(prod, prod_podcasts, prod_every_domain):
    domains = {"users", "podcasts", "artists", "playlists"}
    assert {r.domain for r in prod.custom()} == domains - {"podcasts"}
    split = {**part(prod, domains), **part(prod_podcasts, domains)}
    assert split == part(prod_every_domain, domains)
    assert {**prod.outputs["products"], **prod_podcasts.outputs["products"]} == prod_every_domain.outputs["products"]


def test_agreements_across_domains_are_derived_without_their_state(prod_podcasts):
    roles = {r.inputs["name"] for r in prod_podcasts.custom() if r.type == tokens.ROLE}
    # podcasts serves other domains' roles it never manages: an access point, a key grant, a catalog grant each ...
    point = one(prod_podcasts.custom(), tokens.ACCESS_POINT, name="podcasts/released-episodes-to/playlists/recommended-playlists/access-point")
    consumer = "arn:aws:iam::333333333333:role/daff-prod-playlists-recommended-playlists-job"
    allow, deny = document(point)["Statement"]
    assert allow["Condition"]["ArnEquals"]["aws:PrincipalArn"] == deny["Condition"]["ArnNotEquals"]["aws:PrincipalArn"] == consumer
    grant = one(prod_podcasts.custom(), tokens.KEY_GRANT, name="podcasts/released-episodes-to/playlists/recommended-playlists/key-grant")
    assert grant.inputs["granteePrincipal"] == consumer and grant.inputs["operations"] == ["Decrypt"]
    share = one(prod_podcasts.custom(), tokens.LF_PERMISSIONS, name="podcasts/released-episodes-to/playlists/catalog")
    assert share.inputs["principal"] == "arn:aws:iam::333333333333:role/daff-prod-playlists-readers"
    assert {"daff-prod-playlists-recommended-playlists-job", "daff-prod-playlists-readers"}.isdisjoint(roles)
    # ... and reads another domain's product through names derived, not looked up
    slot = one(prod_podcasts.custom(), tokens.MANAGED_POLICY, product="podcasts/listener-demographics")
    (statement,) = document(slot)["Statement"]
    assert "arn:aws:s3:::daff-prod-users-profile-updates" in statement["Resource"]
    assert any(":accesspoint/daff-prod-" in arn for arn in statement["Resource"])
    assert not [r for r in prod_podcasts.custom() if r.type == tokens.BUCKET and "users" in r.inputs["bucket"]]


def test_the_domain_stack_has_its_own_providers(prod_podcasts):
    providers = sorted(r.name for r in prod_podcasts.resources if r.is_provider)
    assert providers == ["aws", "kubernetes"]
    assert all(r.provider for r in prod_podcasts.custom())
