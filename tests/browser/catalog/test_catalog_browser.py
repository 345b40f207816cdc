"""The catalog in a real browser (Debian's headless Chromium): offline from file://, searchable, a page per product."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from browserkit import REPO


def visible_products(page) -> list[str]:
    return page.eval_on_selector_all("#products > li:not([hidden])", "items => items.map(i => i.dataset.product)")


def test_the_front_page_loads_offline_styled_and_quiet(tab, site, mesh):
    page = tab.page
    page.goto(site.as_uri())
    assert page.title() == "meshplane catalog"
    assert page.text_content("#count") == f"{len(mesh.products)} of {len(mesh.products)} products"
    assert visible_products(page) == list(mesh.products)
    assert page.eval_on_selector("header", "h => getComputedStyle(h).backgroundColor") == "rgb(15, 23, 42)"  # the stylesheet loaded
    assert page.locator("svg.lineage g.node").count() == len(mesh.products)
    assert page.locator("svg.lineage path.edge").count() == len(mesh.edges())
    tab.assert_offline_and_quiet()


def test_the_search_narrows_the_list(tab, site, mesh):
    page = tab.page
    page.goto(site.as_uri())

    def search(query: str) -> list[str]:
        page.fill("#search", query)
        return visible_products(page)

    def having(test) -> list[str]:
        return [a for a, p in mesh.products.items() if test(p)]

    columns = {a: {c.name for c in (*p.spec.output.columns, *p.spec.output.partitions)} for a, p in mesh.products.items()}
    assert search("listener_id") == having(lambda p: "listener_id" in columns[p.address]) != list(mesh.products)
    assert search("column:listener_id") == having(lambda p: "listener_id" in columns[p.address])
    assert search("domain:podcasts") == having(lambda p: p.domain == "podcasts")
    assert search("restricted") == having(lambda p: p.spec.classification.value == "restricted")
    assert search("owner:artists-finance") == ["artists/artist-royalties"]
    assert search("classification:public kind:source") == ["podcasts/released-episodes"]
    assert page.is_hidden("#empty")
    assert search("no-such-thing") == [] and page.is_visible("#empty")
    assert page.text_content("#count") == f"0 of {len(mesh.products)} products"
    assert search("") == list(mesh.products)
    page.click("#products li[data-product='users/profile-updates'] button.tag.restricted")
    assert page.input_value("#search") == "classification:restricted"
    assert visible_products(page) == having(lambda p: p.spec.classification.value == "restricted")
    page.goto(site.as_uri() + "#q=domain:users")
    assert visible_products(page) == having(lambda p: p.domain == "users")
    tab.assert_offline_and_quiet()


def test_a_product_page_shows_its_schema_and_lineage(tab, site, mesh):
    page = tab.page
    page.goto(site.as_uri())
    page.click("#products a.name:text-is('listener-demographics')")
    page.wait_for_url("**/products/podcasts/listener-demographics.html")
    port = mesh.products["podcasts/listener-demographics"].spec.output
    assert page.eval_on_selector_all("table.schema tbody td:first-child", "cells => cells.map(c => c.textContent)") == [
        c.name for c in (*port.columns, *port.partitions)
    ]
    nodes = page.eval_on_selector_all("svg.lineage g.node", "nodes => nodes.map(n => n.dataset.key)")
    assert sorted(nodes) == ["podcasts/listener-demographics", "podcasts/podcast-plays", "users/profile-updates"]
    assert page.locator("svg.lineage g.node.current").get_attribute("data-key") == "podcasts/listener-demographics"
    assert page.locator("table.agreements .state.granted").count() == 2
    assert page.locator("table.deployments tbody tr").count() == 4  # dev, local, prod-podcasts, staging: prod leaves podcasts out
    page.click("svg.lineage g.node[data-key='users/profile-updates']")
    page.wait_for_url("**/products/users/profile-updates.html")
    assert page.text_content("h1").startswith("profile-updates")
    tab.assert_offline_and_quiet()


def test_the_documents_a_page_links_are_there(tab, site):
    page = tab.page
    page.goto((site.parent / "products/users/play-events.html").as_uri())
    for link in ("version 1", "ODPS descriptor"):  # the ODCS contract of each version, the ODPS descriptor
        href = page.get_attribute(f"a:text-is('{link}')", "href")
        assert (site.parent / "products/users" / href).resolve().is_file(), href
    tab.assert_offline_and_quiet()


def test_the_1000_product_catalog_searches_in_the_browser(tab, tmp_path):
    from bench_load import generate

    from meshplane.catalog.site import build_site
    from meshplane.declarations.deployments import read_stacks
    from meshplane.declarations.loader import load_mesh

    generate(tmp_path / "domains", 1000, 50)
    mesh = load_mesh(tmp_path / "domains")
    index = build_site(mesh, mesh.grants(), {"prod": read_stacks(REPO)["prod"]}, "prod", tmp_path / "site").index
    page = tab.page
    page.goto(index.as_uri())
    assert page.text_content("#count") == "1000 of 1000 products"
    page.fill("#search", "domain:domain-07")
    assert visible_products(page) == [a for a in mesh.products if a.startswith("domain-07/")]
    assert page.locator("svg.matrix").count() == 1
    tab.assert_offline_and_quiet()


def test_without_chromium_the_browser_tests_fail_rather_than_skip(tmp_path):
    env = {**os.environ, "MESHPLANE_CHROMIUM": str(tmp_path / "no-chromium")}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{Path(__file__)}::test_the_documents_a_page_links_are_there"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 1, run.stdout
    assert "skipped" not in run.stdout and "Chromium is not at" in run.stdout


def test_the_watch_catches_a_request_that_leaves_and_a_console_error(tab, tmp_path):
    leaky = tmp_path / "leaky.html"
    leaky.write_text('<!doctype html><img src="http://example.invalid/pixel.png"><script>console.error("boom")</script>')
    tab.page.goto(leaky.as_uri())
    tab.page.wait_for_timeout(200)
    assert tab.blocked == ["http://example.invalid/pixel.png"]
    assert "boom" in tab.errors
