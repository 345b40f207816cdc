"""The stack's side of `__main__.py`: read the stack's settings, load and check the mesh, compose the stack.

Everything that can fail on bad input fails here, before the first resource is registered, so a
mesh with a problem provisions nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from meshplane.compose import StackPlan, compose
from meshplane.federation import load_federation
from meshplane.governance import blocking, evaluate_mesh
from meshplane.loader import load_mesh
from meshplane.problems import MeshError, Problem
from meshplane.stack import StackSettings

SETTING_KEYS = [field.alias or name for name, field in StackSettings.model_fields.items()]
LIST_KEYS = {"domains"}  # the CLI hands lists over as JSON; booleans and numbers pydantic reads from text


def settings_from(get_config, stack_file: str) -> StackSettings:
    """Settings from a `pulumi.Config`-like getter (`get(key) -> str | None`); errors point at the stack file's line."""
    values: dict[str, object] = {}
    problems: list[Problem] = []
    for key in SETTING_KEYS:
        raw = get_config(key)
        if raw is None:
            continue
        try:
            values[key] = json.loads(raw) if key in LIST_KEYS else raw
        except ValueError:
            problems.append(Problem(stack_file, _line_of(stack_file, key), f"meshplane:{key}: not a list: {raw!r}"))
    try:
        settings = StackSettings.model_validate(values)
    except ValidationError as exc:
        problems += [_problem(stack_file, e) for e in exc.errors()]
    if problems:
        raise MeshError(problems)
    return settings


def _problem(stack_file: str, error: dict) -> Problem:
    key = str(error["loc"][0]) if error["loc"] else ""
    where = ".".join(str(p) for p in error["loc"])
    message = "missing" if error["type"] == "missing" else error["msg"]
    return Problem(stack_file, _line_of(stack_file, key), f"meshplane:{where}: {message}")


def _line_of(stack_file: str, key: str) -> int:
    """The line that sets `meshplane:<key>` in the stack file (1 when it is not there)."""
    try:
        lines = Path(stack_file).read_text().splitlines()
    except OSError:
        return 1
    return next((n for n, text in enumerate(lines, 1) if text.strip().startswith(f"meshplane:{key}:")), 1)


def load_stack(settings: StackSettings, root: Path | str = ".") -> StackPlan:
    """Load the mesh and the federation's rules under `root` and compose the stack; raise MeshError on any problem."""
    root = Path(root)
    federation = load_federation(root / "governance" / "federation.yaml")
    mesh = load_mesh(root / "domains")
    findings = evaluate_mesh(mesh, federation, settings.environment)
    if blocking(findings):  # a mandatory governance finding stands: nothing is provisioned
        raise MeshError([p for p in findings if p.severity == "error"])
    return compose(mesh, settings, federation)
