"""The sample mesh under `domains/` is an example and a fixture: it loads clean and shows every feature."""

from __future__ import annotations

from pathlib import Path

import pytest

from meshplane.commands import summary
from meshplane.declarations.loader import load_mesh
from meshplane.declarations.resolve import resolve
from meshplane.declarations.spec import Classification, Environment
from meshplane.governance.registry import load_federation

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def mesh():
    return load_mesh(REPO / "domains")


@pytest.fixture(scope="module")
def open_to_mesh():
    return load_federation(REPO / "governance" / "federation.yaml").open_classifications


def test_domains_and_products(mesh):
    assert {"users", "podcasts", "artists", "playlists"} <= set(mesh.domains)
    assert len(mesh.domains) >= 4
    assert len(mesh.products) >= 8
    assert all(mesh.products_of(d) for d in mesh.domains), "every domain offers a product"


def test_every_classification_is_used(mesh):
    assert {p.spec.classification for p in mesh.products.values()} == set(Classification)


def test_personal_data_is_flagged(mesh):
    pii = [(p.address, c.name) for p in mesh.products.values() for c in p.spec.output.columns if c.pii]
    assert ("users/profile-updates", "email") in pii
    assert len({address for address, _ in pii}) >= 3


def test_inputs_cross_domains(mesh):
    crossing = [(src, dst) for src, dst in mesh.edges() if src.split("/")[0] != dst.split("/")[0]]
    assert len(crossing) >= 3
    assert ("users/profile-updates", "podcasts/listener-demographics") in crossing
    assert len({dst.split("/")[0] for _, dst in crossing}) >= 2, "more than one domain reads across"


def test_the_handshake_grants_cross_domain_reads(mesh, open_to_mesh):
    grants = mesh.grants(open_to_mesh)
    assert {g.via.value for g in grants} == {"product", "domain", "mesh"}, "the sample shows every way to agree"
    assert any(g.producer.split("/")[0] != g.consumer_domain for g in grants)
    closed = [g for g in grants if mesh.products[g.producer].spec.classification not in open_to_mesh]
    assert closed and all(g.via.value in ("product", "domain") for g in closed)


def test_every_product_declares_jobs_slos_and_retention(mesh):
    for p in mesh.products.values():
        assert p.spec.job.image, p.address
        assert p.spec.service_levels is not None, p.address
        assert "retention_days" in p.spec.model_fields_set, p.address


@pytest.mark.parametrize("env", list(Environment))
def test_every_product_resolves_in_every_environment(mesh, open_to_mesh, env):
    for p in mesh.products.values():
        assert resolve(p.spec, env).environments == {}
    assert summary(mesh, env, open_to_mesh).startswith(f"mesh: {len(mesh.domains)} domains, {len(mesh.products)} products")


def test_environment_overrides_are_used(mesh):
    assert any(p.spec.environments for p in mesh.products.values())
