"""The catalog site: every page and document written, every link resolving inside the site, nothing fetched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from catalogkit import REPO

from meshplane import cli
from meshplane.catalog.site import build_site
from meshplane.declarations.loader import load_mesh
from meshplane.governance.registry import load_federation

LINK = re.compile(r'(?:href|src)="([^"]*)"')


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory, stacks) -> Path:
    mesh = load_mesh(REPO / "domains")
    out = tmp_path_factory.mktemp("site")
    build_site(mesh, mesh.grants(load_federation(REPO / "governance" / "federation.yaml").open_classifications), stacks, "prod", out)
    return out


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_a_front_page_a_page_per_product_and_their_documents(sample_site):
    mesh = load_mesh(REPO / "domains")
    assert (sample_site / "index.html").is_file()
    for address in mesh.products:
        for written in (f"products/{address}.html", f"odcs/{address}.odcs.yaml", f"odps/{address}.odps.yaml"):
            assert (sample_site / written).is_file(), written
    assert len(pages(sample_site)) == len(mesh.products) + 1


def test_every_link_resolves_inside_the_site_and_nothing_is_fetched(sample_site):
    for page in pages(sample_site):
        text = page.read_text()
        for target in LINK.findall(text):
            assert not re.match(r"^(https?:)?//", target), f"{page}: {target} leaves the site"
            if target.startswith(("mailto:", "#")):
                continue
            assert (page.parent / target.split("#")[0]).resolve().is_file(), f"{page}: {target} does not resolve"
        assert "@import" not in text and "url(http" not in text


def test_a_product_page_says_what_a_consumer_needs(sample_site):
    page = (sample_site / "products/playlists/recommended-playlists.html").read_text()
    for said in ["playlists-ml@daff.example", "Playlists Team", "listener_id", "recommendation_date", "partition",
                 "Freshness", "Availability", "granted", "s3://daff-prod-playlists-recommended-playlists/",
                 "daff_dev_playlists.recommended_playlists", 'class="lineage"',
                 "../../odcs/playlists/recommended-playlists.odcs.yaml", "../../odps/playlists/recommended-playlists.odps.yaml"]:  # fmt: skip
        assert said in page, said
    assert "prod-podcasts" not in page, "the podcasts-only stack does not deploy a playlists product"
    assert "prod-podcasts" in (sample_site / "products/podcasts/podcast-plays.html").read_text()


def test_the_front_page_lists_every_product_with_its_search_fields(sample_site):
    index = (sample_site / "index.html").read_text()
    cards = re.findall(r'<li class="product" data-product="([^"]+)" data-domain="([^"]+)"', index)
    assert [c[0] for c in cards] == list(load_mesh(REPO / "domains").products)
    assert 'data-column="listener_id' in index and 'data-classification="restricted"' in index
    assert 'src="assets/search.js"' in index and index.count("<svg") == 1


def test_a_rebuild_drops_the_pages_of_removed_products_and_only_in_a_catalog(mesh_files, tmp_path, stacks):
    mesh_files.product("users", "plays")
    mesh_files.product("users", "gone")
    out = tmp_path / "site"
    build_site(mesh_files.load(), [], {"dev": stacks["dev"]}, "dev", out)
    assert (out / "products/users/gone.html").is_file()
    (mesh_files.root / "users/products/gone.yaml").unlink()
    build_site(mesh_files.load(), [], {"dev": stacks["dev"]}, "dev", out)
    assert not (out / "products/users/gone.html").exists() and not (out / "odcs/users/gone.odcs.yaml").exists()
    other = tmp_path / "not-a-site"
    (other / "products").mkdir(parents=True)
    (other / "products" / "keep.txt").write_text("mine")
    build_site(mesh_files.load(), [], {"dev": stacks["dev"]}, "dev", other)
    assert (other / "products" / "keep.txt").read_text() == "mine"


@pytest.mark.slow
def test_the_1000_product_mesh_builds_with_a_domain_matrix_on_the_front_page(tmp_path, stacks):
    from bench_load import generate

    generate(tmp_path / "domains", 1000, 50)
    mesh = load_mesh(tmp_path / "domains")
    site = build_site(mesh, mesh.grants(), {"prod": stacks["prod"]}, "prod", tmp_path / "site")
    assert (site.products, site.contracts, site.descriptors) == (1000, 1000, 1000)
    index = site.index.read_text()
    assert 'class="matrix"' in index and index.count('<li class="product"') == 1000
    assert len(pages(tmp_path / "site")) == 1001


def test_the_command_builds_the_site(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    assert cli.main(["catalog", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.endswith(f"ODPS descriptors): {tmp_path / 'index.html'}\n")


def test_the_command_reports_an_unknown_stack_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    assert cli.main(["catalog", "--out", str(tmp_path), "--env", "qa"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "--env:1: error: no environment or stack 'qa' (known: dev, local, prod, prod-podcasts, staging)",
    ]  # the command line's: a usage error, located at the option


def test_a_port_taken_from_a_contract_says_so_on_its_page(mesh_files, tmp_path, stacks):
    from meshkit import CONTRACT, with_contract

    mesh_files.product("users", "alpha", with_contract("alpha"))
    mesh_files.write("users/contracts/alpha.odcs.yaml", CONTRACT)
    build_site(mesh_files.load(), [], {"dev": stacks["dev"]}, "dev", tmp_path / "site")
    page = (tmp_path / "site/products/users/alpha.html").read_text()
    assert "Taken from the ODCS contract <code>contracts/alpha.odcs.yaml</code>" in page
    assert "<code>listener_id</code>" in page and "personal data · shared id listener_id" in page


def test_a_product_page_shows_its_status_its_versions_and_required_columns(tmp_path):
    import sys

    sys.path.insert(0, str(REPO / "tests" / "program"))
    import portkit

    from meshplane.registrations.project import open_project

    files = {**portkit.FILES}
    files["producer/events"] = files["producer/events"].replace("The event's identifier.}", "The event's identifier., nullable: false}", 1)
    project = open_project(portkit.write(tmp_path / "project", files), stack="prod")
    build_site(project.mesh, project.mesh.grants(), {"prod": project.settings}, "prod", tmp_path / "site")
    events = next((tmp_path / "site").rglob("events.html")).read_text()
    assert "<tr><th>Version</th><td>2; version 1 deprecated (retired on 2031-01-01)</td></tr>" in events
    assert "<td>required</td>" in events
    gone = next((tmp_path / "site").rglob("gone.html")).read_text()
    assert "<tr><th>Status</th><td>retired (retired on 2024-01-01, replaced by <code>producer/events</code>)</td></tr>" in gone


def test_a_contracts_columns_show_their_fields_and_what_the_contract_says_of_them(mesh_files, tmp_path, stacks):
    from contractkit import full_range, product

    mesh_files.product("users", "alpha", product())
    mesh_files.write("users/contracts/alpha.odcs.yaml", full_range())
    build_site(mesh_files.load(), [], {"dev": stacks["dev"]}, "dev", tmp_path / "site")
    page = (tmp_path / "site/products/users/alpha.html").read_text()
    assert (
        "<tr><td><code>listener_id</code></td><td>string</td><td>listener: Pseudonymous listener, as the users domain issues it.</td>"
        "<td>personal data · shared id listener_id · required · primary key 1 · critical data element · classified confidential · "
        "tags identity</td><td></td></tr>"
    ) in page
    assert "<tr><td><code>device.model.maker</code></td><td>string</td><td>Who made it.</td><td></td><td>field</td></tr>" in page
    assert "<tr><td><code>genres[]</code></td><td>string</td><td>A genre of the catalogue.</td><td></td><td>element</td></tr>" in page
    assert "<tr><td><code>revenue</code></td><td>decimal(10,2)</td>" in page
