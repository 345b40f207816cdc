"""The stack's side of `__main__.py`: read the stack's settings, load and check the mesh, compose the stack.

Everything that can fail on bad input fails here, before the first resource is registered, so a
mesh with a problem provisions nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from meshplane.compose import StackPlan, compose
from meshplane.governance import load_federation
from meshplane.governance import blocking, evaluate_mesh
from meshplane.loader import load_mesh
from meshplane.problems import MeshError, Problem
from meshplane.stack import StackSettings

SETTING_KEYS = [field.alias or name for name, field in StackSettings.model_fields.items()]
LIST_KEYS = {"domains"}  # the CLI hands lists over as JSON; booleans and numbers pydantic reads from text


def settings_from(get_config, stack_file: str, root: Path = Path(".")) -> StackSettings:
    """Settings from a `pulumi.Config`-like getter (`get(key) -> str | None`); errors point at the line of
    `stack_file` (relative to the project `root`) that sets the key."""
    values: dict[str, object] = {}
    errors: list[tuple[str, str]] = []  # (key, message)
    for key in SETTING_KEYS:
        raw = get_config(key)
        if raw is None:
            continue
        try:
            values[key] = json.loads(raw) if key in LIST_KEYS else raw
        except ValueError:
            errors.append((key, f"meshplane:{key}: not a list: {raw!r}"))
    try:
        settings = StackSettings.model_validate(values)
    except ValidationError as exc:
        errors += [_explain(e) for e in exc.errors()]
    if errors:
        lines = _key_lines(root / stack_file)
        raise MeshError([Problem(stack_file, lines.get(key, 1), message) for key, message in errors])
    return settings


def _explain(error: dict) -> tuple[str, str]:
    where = ".".join(str(p) for p in error["loc"])
    return str(error["loc"][0]) if error["loc"] else "", f"meshplane:{where}: {'missing' if error['type'] == 'missing' else error['msg']}"


def _key_lines(path: Path) -> dict[str, int]:
    """`meshplane:<key>` -> the line of the stack file that sets it."""
    try:
        text = path.read_text()
    except OSError:
        return {}
    found = {}
    for number, line in enumerate(text.splitlines(), 1):
        key, sep, _ = line.strip().partition(":")
        if key == "meshplane" and sep:
            found.setdefault(line.strip().split(":")[1], number)
    return found


def load_stack(settings: StackSettings, root: Path | str = ".") -> StackPlan:
    """Load the mesh and the federation's rules under `root` and compose the stack; raise MeshError on any problem."""
    root = Path(root)
    federation = load_federation(root / "governance" / "federation.yaml")
    mesh = load_mesh(root / "domains")
    findings = evaluate_mesh(mesh, federation, settings.environment)
    if blocking(findings):  # a mandatory governance finding stands: nothing is provisioned
        raise MeshError([p for p in findings if p.severity.blocks])
    return compose(mesh, settings, federation)
