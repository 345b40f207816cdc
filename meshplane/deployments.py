"""Which stacks deploy which products: every stack file under `stacks/`, read into its settings.

A stack with `meshplane:domains` deploys those domains' products only; every other stack deploys them all.
"""

from __future__ import annotations

from pathlib import Path

from meshplane.compose import scope
from meshplane.mesh import Mesh
from meshplane.problems import MeshError, Problem
from meshplane.stack import StackSettings, read_stack, stack_file, stack_names


def read_stacks(root: Path) -> dict[str, StackSettings]:
    """Every stack's settings; raise MeshError with every problem of every stack file."""
    stacks: dict[str, StackSettings] = {}
    problems: list[Problem] = []
    for name in stack_names(root):
        try:
            stacks[name] = read_stack(root, name).settings
        except MeshError as exc:
            problems.extend(exc.problems)
    if problems:
        raise MeshError(problems)
    return stacks


def deployments(mesh: Mesh, stacks: dict[str, StackSettings]) -> dict[str, list[str]]:
    """Address -> the stacks that deploy the product, by name."""
    deployed: dict[str, list[str]] = {address: [] for address in mesh.products}
    problems: list[Problem] = []
    for name, settings in stacks.items():
        try:
            domains = scope(mesh, settings)
        except MeshError as exc:
            problems.extend(Problem(stack_file(name), p.line, p.message) for p in exc.problems)
            continue
        for domain in domains:
            for product in mesh.products_of(domain):
                deployed[product.address].append(name)
    if problems:
        raise MeshError(problems)
    return deployed
