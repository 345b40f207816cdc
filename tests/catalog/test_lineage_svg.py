"""The lineage picture: a layered layout computed in Python, drawn as SVG that any browser shows offline."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from meshplane.catalog import domain_matrix_svg
from meshplane.catalog.lineage_svg import NODE_W, WAYPOINT, Edge, Node, arrange, columns, render

SVG = "{http://www.w3.org/2000/svg}"


def nodes(*keys: str) -> list[Node]:
    return [Node(key=k, label=k.split("/")[1], group=k.split("/")[0], href=f"products/{k}.html") for k in keys]


def test_a_node_sits_one_column_right_of_its_furthest_input():
    edges = [("a/x", "a/y"), ("a/y", "b/z"), ("a/x", "b/z"), ("c/w", "b/z")]
    assert columns(["a/x", "a/y", "b/z", "c/w"], edges) == {"a/x": 0, "a/y": 1, "b/z": 2, "c/w": 0}


def test_a_cycle_still_gets_columns():
    assert columns(["d/a", "d/b", "d/c"], [("d/a", "d/b"), ("d/b", "d/c"), ("d/c", "d/a")]) == {"d/a": 0, "d/b": 1, "d/c": 2}


def test_an_edge_across_columns_is_routed_through_a_waypoint_in_each():
    layers, waypoints = arrange(nodes("a/x", "a/y", "b/z"), [("a/x", "a/y"), ("a/y", "b/z"), ("a/x", "b/z")])
    assert [[k for k in layer if not k.startswith(WAYPOINT)] for layer in layers] == [["a/x"], ["a/y"], ["b/z"]]
    assert len(waypoints[("a/x", "b/z")]) == 1 and waypoints[("a/x", "b/z")][0] in layers[1]
    assert waypoints[("a/x", "a/y")] == []


def test_crossings_are_undone():
    # drawn in name order, a1->b2 and a2->b1 cross; the barycentre sweeps put them in parallel
    layers, _ = arrange(nodes("a/a1", "a/a2", "b/b1", "b/b2"), [("a/a1", "b/b2"), ("a/a2", "b/b1")])
    first, second = layers
    assert (first.index("a/a1") < first.index("a/a2")) == (second.index("b/b2") < second.index("b/b1"))


def test_the_svg_has_a_linked_node_per_product_and_an_edge_per_input():
    picture = render(
        nodes("users/plays", "podcasts/listeners", "artists/royalties"),
        [Edge("users/plays", "podcasts/listeners", "granted", "granted"), Edge("users/plays", "artists/royalties", "refused", "no")],
        "Lineage <of> & the mesh",
    )
    root = ET.fromstring(picture)
    assert root.tag == f"{SVG}svg" and root.find(f"{SVG}title").text == "Lineage <of> & the mesh"
    links = {a.get("href"): a for a in root.iter(f"{SVG}a")}
    assert sorted(links) == ["products/artists/royalties.html", "products/podcasts/listeners.html", "products/users/plays.html"]
    edges = {p.get("class"): p for p in root.iter(f"{SVG}path") if "edge" in (p.get("class") or "")}
    assert sorted(edges) == ["edge granted", "edge refused"]
    assert edges["edge refused"].get("stroke-dasharray") and not edges["edge granted"].get("stroke-dasharray")
    x_of = {g.get("data-key"): float(g.find(f"{SVG}rect").get("x")) for g in root.iter(f"{SVG}g")}
    assert x_of["users/plays"] + NODE_W < x_of["podcasts/listeners"] == x_of["artists/royalties"]


def test_the_current_product_is_filled_and_not_a_link():
    picture = render([Node("users/plays", "plays", "users", current=True), *nodes("podcasts/listeners")], [], "t", ["podcasts", "users"])
    root = ET.fromstring(picture)
    (current,) = [g for g in root.iter(f"{SVG}g") if "current" in g.get("class")]
    assert current.find(f"{SVG}rect").get("fill") != "#ffffff"
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == ["products/podcasts/listeners.html"]


def test_the_domain_matrix_has_a_cell_per_crossing_and_marks_refusals():
    picture = domain_matrix_svg.render(["artists", "podcasts", "users"], {("users", "podcasts"): (2, 0), ("users", "artists"): (1, 1)}, "m")
    cells = [r for r in ET.fromstring(picture).iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert sorted((c.find(f"{SVG}title").text, c.get("fill")) for c in cells) == [
        ("artists reads users: 1 granted, 1 refused", "#dc2626"),
        ("podcasts reads users: 2 granted, 0 refused", "#2563eb"),
    ]
