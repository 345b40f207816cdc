"""One project per command: its root, its mesh, its federation and, for a command that works on a stack, that stack.

Built once at the edge (a command, the Pulumi program) and handed down; nothing below re-reads a file.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path

from meshplane.declarations.deployments import stack_problems
from meshplane.declarations.federation import Federation
from meshplane.declarations.loader import load_mesh
from meshplane.declarations.mesh import Mesh
from meshplane.declarations.problems import MeshError, Problem
from meshplane.declarations.stack import Stack, StackSettings, read_stack
from meshplane.declarations.stack_file import misnamed_stack_files
from meshplane.governance.registry import load_federation

MARKER = "Pulumi.yaml"
DOMAINS = "domains"
FEDERATION = Path("governance") / "federation.yaml"


@dataclass(frozen=True)
class Project:
    root: Path  # the folder holding Pulumi.yaml
    mesh: Mesh
    federation: Federation
    mesh_root: Path  # the folder of domain folders (`<root>/domains` unless --domains names another)
    stack: Stack | None = None

    @property
    def settings(self) -> StackSettings:
        if self.stack is None:
            raise ValueError("this project was opened without a stack")
        return self.stack.settings

    def domain_folders(self) -> list[str]:
        """Every domain of the mesh, as its folders name them: those the mesh was read around, and the others."""
        return domain_folders(self.mesh_root)

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
    scoped: bool = False,
    quotas: bool = False,
    around: Collection[str] | None = None,
) -> Project:
    """Load the project at `root` (else the one around the working directory): its mesh (`domains`, default
    `<root>/domains`), its federation (default `<root>/governance/federation.yaml`) and optionally a stack.

    `scoped`: a stack that names its domains gets the mesh read around them only (`loader.load_mesh`); with
    `quotas`, the domains sharing their accounts are read too, for the accounts' quotas. `around` names the
    domains to read around without a stack (the program, which has its settings from the Pulumi CLI)."""
    root = Path(root).resolve() if root is not None else find_root()
    found = read_stack(root, stack, overrides) if stack is not None else None
    mesh_root = Path(domains) if domains is not None else root / DOMAINS
    problems = misnamed_stack_files(root)  # a stack's file the Pulumi CLI would not read: said by every command
    if found is not None:
        problems += stack_problems(root, found, domain_folders(mesh_root))
    if scoped and found is not None:
        around = found.settings.domains
    also = account_mates(found.settings, mesh_root) if around is not None and quotas else ()
    loaded = {}  # every problem in one run: the stacks', the mesh's and the federation's
    for what, load in (("mesh", lambda: load_mesh(mesh_root, around, also, project=root)),
                       ("federation", lambda: load_federation(federation if federation is not None else root / FEDERATION))):  # fmt: skip
        try:
            loaded[what] = load()
        except MeshError as exc:
            problems += exc.problems
    if problems:
        raise MeshError(problems)
    return Project(root=root, mesh=loaded["mesh"], federation=loaded["federation"], mesh_root=mesh_root, stack=found)


def account_mates(settings: StackSettings, mesh_root: Path) -> list[str]:
    """The other domains (folders of the mesh) living in an account of the stack's domains."""
    scope = set(settings.domains or ())
    accounts = {settings.account_of(d) for d in scope}
    return [d for d in domain_folders(mesh_root) if d not in scope and settings.account_of(d) in accounts]


def domain_folders(mesh_root: Path) -> list[str]:
    """The domains of the mesh at `mesh_root`, as its folders name them (without reading a file)."""
    return sorted(p.name for p in mesh_root.iterdir() if p.is_dir()) if mesh_root.is_dir() else []
