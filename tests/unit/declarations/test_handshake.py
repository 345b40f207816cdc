"""The access handshake: a grant needs the consumer's input AND the producer's agreement (or an open classification)."""

from __future__ import annotations

import itertools

import pytest

from meshplane.declarations.mesh import OPEN_TO_MESH, DeclaredDomain, DeclaredProduct, Grant, Mesh, Source, Via, agrees_to_serve
from meshplane.declarations.spec import Classification, Domain, Product

PRODUCER = "users/profile-updates"
CONSUMER = "podcasts/listener-demographics"


def product(name: str, classification: Classification = Classification.internal, inputs=(), consumers=()) -> Product:
    return Product.model_validate(
        {
            "name": name,
            "description": "d",
            "owner": "o@example.com",
            "kind": "aggregate",
            "classification": classification.value,
            "output": {"columns": [{"name": "id", "type": "string", "description": "d"}]},
            "inputs": list(inputs),
            "consumers": list(consumers),
            "job": {"image": "registry.example/job:1.0.0"},
        }
    )


def mesh_of(*declared: tuple[str, Product]) -> Mesh:
    domains = {
        d: DeclaredDomain(Domain(name=d, description="d", team="t", contact="t@example.com"), Source(f"domains/{d}/domain.yaml"))
        for d in ("users", "podcasts", "artists")
    }
    products = [DeclaredProduct(domain, spec, Source(f"domains/{domain}/products/{spec.name}.yaml")) for domain, spec in declared]
    return Mesh.build(domains, products)


LISTS = {
    "lists-product": [CONSUMER],
    "lists-domain": ["podcasts"],
    "lists-nothing": [],
    "lists-others": ["artists", "podcasts/other-product"],
    "lists-both": ["podcasts", CONSUMER],
}
ROWS = list(itertools.product((True, False), LISTS, list(Classification)))


def expected_via(declares: bool, lists: str, classification: Classification) -> Via | None:
    if not declares:
        return None
    if lists in ("lists-product", "lists-both"):
        return Via.product
    if lists == "lists-domain":
        return Via.domain
    return Via.mesh if classification in (Classification.public, Classification.internal) else None


@pytest.mark.parametrize(
    "declares, lists, classification",
    ROWS,
    ids=[f"{'declares' if d else 'no-input'}-{lst}-{c.value}" for d, lst, c in ROWS],
)
def test_truth_table(declares, lists, classification):
    producer = product("profile-updates", classification, consumers=LISTS[lists])
    consumer = product("listener-demographics", inputs=[PRODUCER] if declares else [])
    mesh = mesh_of(("users", producer), ("podcasts", consumer))
    via = expected_via(declares, lists, classification)

    assert mesh.grants() == ([Grant(PRODUCER, CONSUMER, via)] if via else [])
    if via:
        assert mesh.grants()[0].via is via
    # the producer's side alone ignores whether the consumer asked
    if declares:
        assert agrees_to_serve(producer, CONSUMER, OPEN_TO_MESH) is via
    assert mesh.refused_inputs() == ([(PRODUCER, CONSUMER)] if declares and via is None else [])


def test_the_federation_decides_what_is_open():
    producer = product("profile-updates", Classification.internal)
    consumer = product("listener-demographics", inputs=[PRODUCER])
    mesh = mesh_of(("users", producer), ("podcasts", consumer))
    assert [g.via for g in mesh.grants()] == [Via.mesh]
    assert mesh.grants(frozenset({Classification.public})) == []
    assert mesh.grants(frozenset()) == []
    assert mesh.refused_inputs(frozenset()) == [(PRODUCER, CONSUMER)]


def test_removing_either_side_revokes_the_grant():
    producer = product("profile-updates", Classification.restricted, consumers=[CONSUMER])
    consumer = product("listener-demographics", inputs=[PRODUCER])
    assert len(mesh_of(("users", producer), ("podcasts", consumer)).grants()) == 1
    assert mesh_of(("users", producer.model_copy(update={"consumers": ()})), ("podcasts", consumer)).grants() == []
    assert mesh_of(("users", producer), ("podcasts", consumer.model_copy(update={"inputs": ()}))).grants() == []


def test_a_domain_listing_serves_every_product_of_that_domain_only():
    producer = product("profile-updates", Classification.confidential, consumers=["podcasts"])
    mesh = mesh_of(
        ("users", producer),
        ("podcasts", product("listener-demographics", inputs=[PRODUCER])),
        ("podcasts", product("podcast-plays", inputs=[PRODUCER])),
        ("artists", product("artist-royalties", inputs=[PRODUCER])),
    )
    assert mesh.grants() == [
        Grant(PRODUCER, "podcasts/listener-demographics", Via.domain),
        Grant(PRODUCER, "podcasts/podcast-plays", Via.domain),
    ]
    assert mesh.refused_inputs() == [(PRODUCER, "artists/artist-royalties")]
    assert mesh.reader_reads("podcasts", mesh.grants()) == ["podcasts/listener-demographics", "podcasts/podcast-plays", PRODUCER]
    assert mesh.reader_reads("artists", mesh.grants()) == ["artists/artist-royalties"]


def test_a_listing_without_an_input_grants_nothing():
    producer = product("profile-updates", Classification.restricted, consumers=["podcasts", CONSUMER])
    mesh = mesh_of(("users", producer), ("podcasts", product("listener-demographics")))
    assert mesh.grants() == []
    assert mesh.edges() == []
