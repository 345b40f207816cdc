"""`meshplane catalog`: the mesh as a static site that works offline, from `file://`, with no server.

DIR/index.html searches every product; DIR/products/<domain>/<product>.html tells one product's story
(schema, service levels, owner, agreements, environments, lineage); DIR/odcs and DIR/odps hold the
exported contracts and descriptors the pages link to; DIR/assets the stylesheet and the search script.
No page loads anything from the network.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from meshplane.catalog import domain_matrix_svg, lineage_svg
from meshplane.catalog.entries import Entry, State, entries
from meshplane.catalog.pages import Documents, index_page, product_href, product_page
from meshplane.declarations.deployments import deployments, stacks_named
from meshplane.declarations.mesh import Grant, Mesh
from meshplane.declarations.stack import StackSettings
from meshplane.export import odcs, odps
from meshplane.export.files import relative_path, write_documents
from meshplane.declarations.ids import document_key

FULL_LINEAGE_MAX = 60  # products: past this, the front page draws who reads whom between domains
DEPTH = 2  # hops upstream and downstream a product page draws
GENERATOR = '<meta name="generator" content="meshplane catalog">'
OWNED = ("products", "odcs", "odps", "assets")  # what a rebuild replaces in DIR


@dataclass(frozen=True)
class Site:
    index: Path
    products: int
    contracts: int
    descriptors: int


def build_site(
    mesh: Mesh, grants: list[Grant], stacks: dict[str, StackSettings], contracts_stack: str, out: Path, status: dict | None = None
) -> Site:
    """Write the site into `out`; the contracts name the buckets and tables of `contracts_stack` (an environment's stacks,
    or one stack). `status` (`meshplane status --format json`) shows on each product's page and on the front page."""
    current = {p["product"]: p for p in status["products"]} if status else {}
    named = stacks_named(stacks, contracts_stack)
    catalog = entries(mesh, grants, stacks, deployments(mesh, stacks))
    contracts = odcs.contracts(mesh, *named)
    descriptors = odps.descriptors(mesh, grants, stacks)
    _clear(out)
    write_documents(out / "odcs", contracts, "odcs")
    write_documents(out / "odps", descriptors, "odps")
    _copy_assets(out / "assets")
    nodes = {e.address: _node(e) for e in catalog}
    edges = _edges(catalog)
    for entry in catalog:
        documents = Documents(
            odcs=tuple((v, f"odcs/{relative_path(key, 'odcs')}") for v, key in _versions(entry, contracts)),
            odps=f"odps/{relative_path(entry.address, 'odps')}",
        )
        near = _neighbourhood(entry.address, edges)
        picture = lineage_svg.render(
            [_relative(nodes[a], current=a == entry.address) for a in sorted(near)],
            [e for e in edges if e.source in near and e.target in near],
            f"Lineage of {entry.address}",
            list(mesh.domains),
        )
        page = out / product_href(entry.address)
        page.parent.mkdir(parents=True, exist_ok=True)
        shown = (status["at"], current.get(entry.address)) if status else None
        page.write_text(_mark(product_page(entry, picture, documents, contracts_stack, shown)), encoding="utf-8")
    if len(catalog) <= FULL_LINEAGE_MAX:
        picture = lineage_svg.render(list(nodes.values()), edges, "Lineage of the mesh", list(mesh.domains))
        caption = "Every product and every declared input. Select a product to open its page."
    else:
        picture = _domain_matrix(mesh, catalog)
        caption = (
            f"Who reads whom between the {len(mesh.domains)} domains: a row per reading domain, a column per producing "
            f"domain, darker for more inputs, red where some are refused. Each of the {len(catalog)} products' pages draws its lineage."
        )
    index = out / "index.html"
    index.write_text(_mark(index_page(catalog, picture, caption, status)), encoding="utf-8")
    return Site(index=index, products=len(catalog), contracts=len(contracts), descriptors=len(descriptors))


def _mark(page: str) -> str:
    return page.replace('<meta charset="utf-8">', f'<meta charset="utf-8">{GENERATOR}', 1)


def _versions(entry: Entry, contracts: dict[str, dict]) -> list[tuple[int, str]]:
    """(major version, the key of its contract) for each kept version exported, the current one first."""
    current = entry.product.spec.output.version
    kept = [current, *sorted((p.version for p in entry.product.spec.previous_outputs), reverse=True)]
    keys = [(v, document_key(entry.address, v, current)) for v in kept]
    return [(v, key) for v, key in keys if key in contracts]


def _clear(out: Path) -> None:
    """Remove what an earlier build wrote (and only from a folder that holds one), so no page outlives its product."""
    index = out / "index.html"
    if index.is_file() and GENERATOR in index.read_text(encoding="utf-8", errors="replace"):
        for name in OWNED:
            shutil.rmtree(out / name, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)


def _copy_assets(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for asset in resources.files("meshplane.catalog").joinpath("assets").iterdir():
        if asset.is_file():
            (folder / asset.name).write_bytes(asset.read_bytes())


def _node(entry: Entry) -> lineage_svg.Node:
    return lineage_svg.Node(key=entry.address, label=entry.product.spec.name, group=entry.product.domain, href=product_href(entry.address))


def _relative(node: lineage_svg.Node, current: bool) -> lineage_svg.Node:
    """The node as linked from a product page (two folders down), the page's own product marked."""
    return lineage_svg.Node(node.key, node.label, node.group, href=None if current else f"../../{node.href}", current=current)


def _edges(catalog: list[Entry]) -> list[lineage_svg.Edge]:
    return [
        lineage_svg.Edge(
            source=a.party,
            target=e.address,
            state=a.state.value,
            title=f"{e.address} reads {a.party}: {a.state.value}" + (f" ({a.via})" if a.via else ""),
        )
        for e in catalog
        for a in e.inputs
    ]


def _neighbourhood(address: str, edges: list[lineage_svg.Edge]) -> set[str]:
    """The product and what lies up to DEPTH inputs upstream and downstream of it."""
    up: dict[str, list[str]] = {}
    down: dict[str, list[str]] = {}
    for edge in edges:
        up.setdefault(edge.target, []).append(edge.source)
        down.setdefault(edge.source, []).append(edge.target)
    found = {address}
    for links in (up, down):
        frontier = {address}
        for _ in range(DEPTH):
            frontier = {n for f in frontier for n in links.get(f, [])} - found
            found |= frontier
    return found


def _domain_matrix(mesh: Mesh, catalog: list[Entry]) -> str:
    crossings: dict[tuple[str, str], tuple[int, int]] = {}
    for entry in catalog:
        for agreement in entry.inputs:
            pair = (agreement.party.split("/")[0], entry.product.domain)
            granted, refused = crossings.get(pair, (0, 0))
            crossings[pair] = (granted + 1, refused) if agreement.state is State.granted else (granted, refused + 1)
    return domain_matrix_svg.render(list(mesh.domains), crossings, "Who reads whom between the mesh's domains")
