"""The README shows the sample mesh's lineage as `meshplane graph --format mermaid` prints it, kept in sync."""

from __future__ import annotations

import re
from pathlib import Path

from meshplane.registrations.project import open_project
from meshplane.reports.graph import render

REPO = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"<!-- lineage: meshplane graph --format mermaid -->\n```mermaid\n(.*?)\n```\n<!-- end of lineage -->", re.S)


def test_the_readme_lineage_is_the_graph_commands_output():
    blocks = BLOCK.findall((REPO / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) == 1, "the README holds one marked Mermaid block of the lineage"
    project = open_project(REPO)  # as the command opens it
    mesh = project.mesh
    expected = render(mesh, mesh.grants(project.federation.open_classifications), "mermaid")
    assert blocks[0] == expected, "README.md's lineage is stale: paste `meshplane graph --format mermaid` between its markers"
    assert all(f'["{p.spec.name}"]' in blocks[0] for p in mesh.products.values())
