"""The stack's side of `__main__.py`: load and check the mesh, compose the stack.

Everything that can fail on bad input fails here, before the first resource is registered, so a
mesh with a problem provisions nothing. Run in-process by a command (`meshplane.registrations.engine`), the program
works on the command's project instead of reading the files a second time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from meshplane.compose.stack_plan import StackPlan, compose
from meshplane.declarations.deployments import stack_problems
from meshplane.declarations.problems import MeshError, blocking
from meshplane.declarations.shared_names import collisions
from meshplane.declarations.stack import SETTING_KEYS, Stack, StackSettings
from meshplane.declarations.stack_file import read_stack_file
from meshplane.governance.baseline import Baseline
from meshplane.governance.evaluate import evaluate_mesh
from meshplane.registrations.project import Project, open_project

_preloaded: list[Project] = []


@contextmanager
def preloaded(project: Project) -> Iterator[None]:
    """While the block runs, the program composes `project` (already loaded by the command running it)."""
    _preloaded.append(project)
    try:
        yield
    finally:
        _preloaded.pop()


def load_stack(settings: StackSettings, root: Path | None = None, stack: str | None = None) -> StackPlan:
    """Compose the stack from the project's mesh and federation (the project at `root`, else the one around the working
    directory); raise MeshError on any problem. Run by the Pulumi CLI, the stack (`stack`, by name) is checked against
    the project's other stacks as a command would check it."""
    if _preloaded:
        project = _preloaded[-1]
    else:
        project = open_project(root, around=settings.domains)
        if stack is not None:
            checked = Stack(stack, {}, settings, read_stack_file(project.root, stack, SETTING_KEYS))
            problems = stack_problems(project.root, checked, project.domain_folders())
            if problems:
                raise MeshError(problems)
    # deploying: the change was reviewed and merged, so a refusal that stands is a withdrawal or a pending agreement
    merged = Baseline.of(project.mesh, project.federation.open_classifications)
    findings = evaluate_mesh(project.mesh, project.federation, settings.environment, merged)
    findings += collisions(project.mesh, settings.name_prefix)
    if blocking(findings):  # a mandatory governance finding stands, or two names collide: nothing is provisioned
        raise MeshError([p for p in findings if p.severity.blocks])
    return compose(project.mesh, settings, project.federation)
