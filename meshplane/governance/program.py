"""Resource rules over the real Pulumi program, evaluated offline under the mock engine (`meshplane.engine`)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from meshplane.federation import Federation
from meshplane.governance.evaluate import evaluate_resources
from meshplane.mesh import Mesh
from meshplane.problems import Problem
from meshplane.spec import Environment
from meshplane.stack import stack_file


def program_root(domains: Path | str, env: Environment) -> Path | None:
    """The project holding the mesh, when it has the Pulumi program and a stack for `env`; else None."""
    root = Path(domains).resolve().parent
    if Path(domains).name != "domains" or importlib.util.find_spec("meshplane.engine") is None:
        return None
    if (root / "__main__.py").is_file() and (root / stack_file(env.value)).is_file():
        return root
    return None


def evaluate_program(mesh: Mesh, federation: Federation, env: Environment | str, root: Path | str) -> list[Problem]:
    """Run the program for the environment's stack under mocks and apply every resource and limit rule."""
    from meshplane import engine  # imports Pulumi: only when resources are checked

    env = Environment(env)
    evaluation = engine.evaluate(env.value, root=Path(root))
    return evaluate_resources(evaluation.resources, federation, env, mesh)
