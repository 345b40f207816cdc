"""One project per command: its root, its mesh, its federation and, for a command that works on a stack, that stack.

Built once at the edge (a command, the Pulumi program) and handed down; nothing below re-reads a file.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from meshplane.federation import Federation
from meshplane.governance.registry import load_federation
from meshplane.loader import load_mesh
from meshplane.mesh import Mesh
from meshplane.problems import MeshError, Problem
from meshplane.stack import Stack, StackSettings, read_stack

MARKER = "Pulumi.yaml"
DOMAINS = "domains"
FEDERATION = Path("governance") / "federation.yaml"


@dataclass(frozen=True)
class Project:
    root: Path  # the folder holding Pulumi.yaml
    mesh: Mesh
    federation: Federation
    stack: Stack | None = None

    @property
    def settings(self) -> StackSettings:
        if self.stack is None:
            raise ValueError("this project was opened without a stack")
        return self.stack.settings

    def with_stack(self, name: str, overrides: dict[str, str] | None = None) -> "Project":
        """The same project, working on the stack `name` (its config with `overrides`)."""
        return replace(self, stack=read_stack(self.root, name, overrides))


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (the working directory) that holds Pulumi.yaml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return folder
    raise MeshError([Problem(str(here), 1, f"not in a meshplane project: no {MARKER} here or in any folder above")])


def open_project(
    root: Path | None = None,
    domains: Path | None = None,
    federation: Path | None = None,
    stack: str | None = None,
    overrides: dict[str, str] | None = None,
) -> Project:
    """Load the project at `root` (else the one around the working directory): its mesh (`domains`, default
    `<root>/domains`), its federation (default `<root>/governance/federation.yaml`) and optionally a stack."""
    root = Path(root).resolve() if root is not None else find_root()
    project = Project(
        root=root,
        mesh=load_mesh(domains if domains is not None else root / DOMAINS),
        federation=load_federation(federation if federation is not None else root / FEDERATION),
    )
    return project.with_stack(stack, overrides) if stack is not None else project
