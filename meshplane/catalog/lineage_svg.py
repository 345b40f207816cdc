"""Lineage drawn at build time as inline SVG: a small layered layout (Sugiyama-style) in plain Python.

Nodes go into columns by their longest path from a source (edges closing a cycle are left out of that),
each column is ordered by the barycentre of its neighbours over a few sweeps to cut crossings, and edges
are drawn as curves from a node's right side to the next one's left side. No script, no request.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

NODE_W, NODE_H = 200, 46
GAP_X, GAP_Y, PAD = 80, 18, 16
GRANTED, REFUSED = "#64748b", "#dc2626"
WAYPOINT_H = 8  # the slot an edge takes in a column it crosses
WAYPOINT = "\0"  # keys of waypoints start so; no product address does
SWEEPS = 6
LABEL_MAX = 26
PALETTE = ("#2563eb", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#65a30d", "#0369a1", "#4f46e5", "#0d9488")


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    group: str  # the domain: nodes of a group share a colour
    href: str | None = None
    current: bool = False  # the page's own product


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    state: str  # granted | refused
    title: str


def columns(keys: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Each node's column: the longest path to it from a source, ignoring edges that close a cycle."""
    successors: dict[str, list[str]] = {k: [] for k in keys}
    for source, target in edges:
        if source != target:
            successors[source].append(target)
    acyclic = _without_back_edges(keys, successors)
    incoming = {k: 0 for k in keys}
    for targets in acyclic.values():
        for target in targets:
            incoming[target] += 1
    column = {k: 0 for k in keys}
    ready = [k for k in keys if incoming[k] == 0]
    while ready:
        node = ready.pop()
        for target in acyclic[node]:
            column[target] = max(column[target], column[node] + 1)
            incoming[target] -= 1
            if incoming[target] == 0:
                ready.append(target)
    return column


def _without_back_edges(keys: list[str], successors: dict[str, list[str]]) -> dict[str, list[str]]:
    state: dict[str, int] = {}  # 1: on the path, 2: done
    kept: dict[str, list[str]] = {k: [] for k in keys}
    for start in keys:
        if start in state:
            continue
        state[start] = 1
        stack = [(start, iter(successors[start]))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                continue  # closes a cycle
            else:
                kept[node].append(child)
                if child not in state:
                    state[child] = 1
                    stack.append((child, iter(successors[child])))
    return kept


def arrange(nodes: list[Node], edges: list[tuple[str, str]]) -> tuple[list[list[str]], dict[tuple[str, str], list[str]]]:
    """Columns of keys, each ordered to keep edges short and crossings few; and, for every edge that spans
    columns, the waypoints (keys of their own, in the columns between) it is drawn through."""
    column = columns([n.key for n in nodes], edges)
    layers: list[list[str]] = [[] for _ in range(max(column.values(), default=-1) + 1)]
    for node in sorted(nodes, key=lambda n: (n.group, n.label)):
        layers[column[node.key]].append(node.key)
    neighbours: dict[str, list[str]] = {n.key: [] for n in nodes}
    waypoints: dict[tuple[str, str], list[str]] = {}
    for source, target in edges:
        chain = [source]
        for between in range(column[source] + 1, column[target]):
            point = f"{WAYPOINT}{source}>{target}>{between}"
            layers[between].append(point)
            neighbours[point] = []
            chain.append(point)
        chain.append(target)
        waypoints[(source, target)] = chain[1:-1]
        for a, b in zip(chain, chain[1:]):
            neighbours[a].append(b)
            neighbours[b].append(a)
    for sweep in range(SWEEPS):
        for layer in layers if sweep % 2 == 0 else list(reversed(layers)):
            rank = {k: i / max(len(l), 1) for l in layers for i, k in enumerate(l)}
            layer.sort(key=lambda k: _barycentre(k, neighbours[k], rank))
    return layers, waypoints


def _barycentre(key: str, neighbours: list[str], rank: dict[str, float]) -> float:
    if not neighbours:
        return rank[key]
    return sum(rank[n] for n in neighbours) / len(neighbours)


def render(nodes: list[Node], edges: list[Edge], title: str, groups: list[str] | None = None) -> str:
    """The lineage as an `<svg>` element to put inline in a page; `groups` (default: the nodes') fixes each group's
    colour, so a domain keeps its colour from picture to picture."""
    layers, waypoints = arrange(nodes, [(e.source, e.target) for e in edges])
    tall = [sum(_height(k) for k in l) + max(len(l) - 1, 0) * GAP_Y for l in layers]
    height = PAD * 2 + max(tall, default=0)
    width = PAD * 2 + len(layers) * NODE_W + max(len(layers) - 1, 0) * GAP_X
    at: dict[str, tuple[int, int]] = {}  # a node's top left corner; a waypoint's left end
    for i, layer in enumerate(layers):
        y = (height - tall[i]) // 2
        for key in layer:
            at[key] = (PAD + i * (NODE_W + GAP_X), y)
            y += _height(key) + GAP_Y
    colours = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups or sorted({n.group for n in nodes}))}
    parts = [
        f'<svg class="lineage" xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>',
        f"<defs>{_arrow('granted', GRANTED)}{_arrow('refused', REFUSED)}</defs>",
    ]
    parts += [_edge(e, at[e.source], [at[w] for w in waypoints[(e.source, e.target)]], at[e.target]) for e in edges]
    parts += [_node(n, at[n.key], colours[n.group]) for n in nodes]
    parts.append("</svg>")
    return "".join(parts)


def _height(key: str) -> int:
    return WAYPOINT_H if key.startswith(WAYPOINT) else NODE_H


def _edge(edge: Edge, source: tuple[int, int], waypoints: list[tuple[int, int]], target: tuple[int, int]) -> str:
    """A curve from the source's right side to the target's left side, straight across each column it crosses."""
    x, y = source[0] + NODE_W, source[1] + NODE_H // 2
    path = [f"M{x},{y}"]
    stops = [(wx, wy + WAYPOINT_H // 2, wx + NODE_W) for wx, wy in waypoints] + [(target[0], target[1] + NODE_H // 2, None)]
    for enter, level, leave in stops:
        bend = max(40, (enter - x) // 2)
        path.append(f"C{x + bend},{y} {enter - bend},{level} {enter},{level}")
        x, y = enter, level
        if leave is not None:
            path.append(f"L{leave},{y}")
            x = leave
    refused = edge.state == "refused"
    style = f'stroke="{REFUSED}" stroke-dasharray="6 4"' if refused else f'stroke="{GRANTED}"'
    return (
        f'<path class="edge {edge.state}" d="{" ".join(path)}" fill="none" {style} stroke-width="1.6" '
        f'marker-end="url(#arrow-{"refused" if refused else "granted"})"><title>{escape(edge.title)}</title></path>'
    )


def _arrow(name: str, colour: str) -> str:
    return (
        f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
    )


def _node(node: Node, where: tuple[int, int], colour: str) -> str:
    x, y = where
    label = node.label if len(node.label) <= LABEL_MAX else node.label[: LABEL_MAX - 1] + "\u2026"
    fill = colour if node.current else "#ffffff"
    ink = "#ffffff" if node.current else "#0f172a"
    box = (
        f'<g class="node{" current" if node.current else ""}" data-key="{escape(node.key)}"><title>{escape(node.key)}</title>'
        f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="8" fill="{fill}" stroke="{colour}" stroke-width="2"/>'
        f'<text x="{x + 12}" y="{y + 20}" font-size="13" font-weight="600" fill="{ink}">{escape(label)}</text>'
        f'<text x="{x + 12}" y="{y + 36}" font-size="11" fill="{ink}" opacity="0.75">{escape(node.group)}</text></g>'
    )
    return f'<a href="{escape(node.href)}">{box}</a>' if node.href else box
