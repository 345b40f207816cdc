"""The stack's side of `__main__.py`: load and check the mesh, compose the stack.

Everything that can fail on bad input fails here, before the first resource is registered, so a
mesh with a problem provisions nothing. Run in-process by a command (`meshplane.engine`), the program
works on the command's project instead of reading the files a second time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from meshplane.baseline import Baseline
from meshplane.compose import StackPlan, compose
from meshplane.governance.evaluate import evaluate_mesh
from meshplane.problems import MeshError, blocking
from meshplane.project import Project, open_project
from meshplane.stack import StackSettings

_preloaded: list[Project] = []


@contextmanager
def preloaded(project: Project) -> Iterator[None]:
    """While the block runs, the program composes `project` (already loaded by the command running it)."""
    _preloaded.append(project)
    try:
        yield
    finally:
        _preloaded.pop()


def load_stack(settings: StackSettings, root: Path | str = ".") -> StackPlan:
    """Compose the stack from the project's mesh and federation; raise MeshError on any problem."""
    project = _preloaded[-1] if _preloaded else open_project(Path(root), around=settings.domains)
    # deploying: the change was reviewed and merged, so a refusal that stands is a withdrawal or a pending agreement
    merged = Baseline.of(project.mesh, project.federation.open_classifications)
    findings = evaluate_mesh(project.mesh, project.federation, settings.environment, merged)
    if blocking(findings):  # a mandatory governance finding stands: nothing is provisioned
        raise MeshError([p for p in findings if p.severity.blocks])
    return compose(project.mesh, settings, project.federation)
