"""Lineage of the mesh, with the grants, as Mermaid, Graphviz dot or JSON."""

from __future__ import annotations

import json

from meshplane.declarations.mesh import Grant, Mesh


def lineage(mesh: Mesh, grants: list[Grant]) -> dict:
    """The lineage as plain data: products by domain, and one edge per declared input."""
    granted = {(g.producer, g.consumer): g.via.value for g in grants}
    return {
        "domains": {d: [p.address for p in mesh.products_of(d)] for d in mesh.domains},
        "edges": [
            {"from": src, "to": dst, "granted": (src, dst) in granted, "via": granted.get((src, dst))}
            for src, dst in mesh.edges()
        ],
    }


def render(mesh: Mesh, grants: list[Grant], fmt: str) -> str:
    data = lineage(mesh, grants)
    if fmt == "json":
        return json.dumps(data, indent=2)
    if fmt == "dot":
        return _dot(data)
    return _mermaid(data)


def _node(address: str) -> str:
    return address.replace("/", "__").replace("-", "_")


def _mermaid(data: dict) -> str:
    lines = ["flowchart LR"]
    for domain, products in data["domains"].items():
        lines.append(f"  subgraph {domain}")
        lines.extend(f'    {_node(a)}["{a.split("/")[1]}"]' for a in products)
        lines.append("  end")
    for e in data["edges"]:
        arrow = f"-->|{e['via']}|" if e["granted"] else "-.->|refused|"
        lines.append(f"  {_node(e['from'])} {arrow} {_node(e['to'])}")
    return "\n".join(lines)


def _dot(data: dict) -> str:
    lines = ["digraph mesh {", "  rankdir=LR;"]
    for domain, products in data["domains"].items():
        lines.append(f'  subgraph "cluster_{domain}" {{ label="{domain}";')
        lines.extend(f'    "{a}" [label="{a.split("/")[1]}"];' for a in products)
        lines.append("  }")
    for e in data["edges"]:
        style = f'label="{e["via"]}"' if e["granted"] else 'style=dashed, label="refused"'
        lines.append(f'  "{e["from"]}" -> "{e["to"]}" [{style}];')
    lines.append("}")
    return "\n".join(lines)
