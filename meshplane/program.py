"""The stack's side of `__main__.py`: read the stack's settings, load and check the mesh, compose the stack.

Everything that can fail on bad input fails here, before the first resource is registered, so a
mesh with a problem provisions nothing.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from meshplane.compose import StackPlan, compose
from meshplane.federation import load_federation
from meshplane.governance import blocking, evaluate_mesh
from meshplane.loader import load_mesh
from meshplane.problems import MeshError, Problem
from meshplane.stack import StackSettings

SETTING_KEYS = {
    (field.alias or name): name for name, field in StackSettings.model_fields.items()
}


def settings_from(get_config, stack_file: str) -> StackSettings:
    """Settings from a `pulumi.Config`-like getter (`get(key) -> str | None`); errors point at the stack file."""
    values: dict[str, object] = {}
    for key in SETTING_KEYS:
        raw = get_config(key)
        if raw is not None:
            values[key] = _typed(key, raw)
    try:
        return StackSettings.model_validate(values)
    except ValidationError as exc:
        raise MeshError(
            [Problem(stack_file, 1, f"meshplane:{'.'.join(str(p) for p in e['loc'])}: {e['msg']}") for e in exc.errors()]
        ) from None


def _typed(key: str, raw: str) -> object:
    import json

    if key in ("domains",) or raw in ("true", "false") or raw.startswith("["):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def load_stack(settings: StackSettings, root: Path | str = ".") -> StackPlan:
    """Load the mesh and the federation's rules under `root` and compose the stack; raise MeshError on any problem."""
    root = Path(root)
    federation = load_federation(root / "governance" / "federation.yaml")
    mesh = load_mesh(root / "domains")
    findings = evaluate_mesh(mesh, federation, settings.environment)
    if blocking(findings):  # a mandatory governance finding stands: nothing is provisioned
        raise MeshError([p for p in findings if p.severity == "error"])
    return compose(mesh, settings, federation)
