"""What a tree of the project declares and provisions, as plain JSON: the two sides of `meshplane diff`.

The base side is taken by the base's own program: `python -m meshplane.snapshot` runs from a git worktree
of the base ref (`meshplane.review.gitref`), so a change to the program itself shows in the resources it
provisions. A ref whose tree predates this module is read by this program instead, and says so.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

FORMAT = 2  # 2: the resources of several stacks ("stacks"); 1 took one stack's ("resources")


def take(root: Path, env: str, stacks: Sequence[str] = ()) -> dict:
    """The snapshot of the project at `root`: its products as they deploy to `env`, its domains, its agreements, and
    each of `stacks`' cloud resources. A tree that does not load gives its problems instead."""
    from meshplane.declarations.problems import MeshError
    from meshplane.registrations.project import open_project

    try:
        return of_project(open_project(root), env, stacks)
    except MeshError as exc:
        return {"format": FORMAT, "problems": [p.as_json() for p in exc.problems]}


def of_project(project, env: str, stacks: Sequence[str] = ()) -> dict:
    """The snapshot of a loaded project (`meshplane.registrations.project.Project`); MeshError when a stack does not compose."""
    from meshplane.declarations.mesh import input_ref
    from meshplane.declarations.resolve import resolve
    from meshplane.declarations.spec import Environment
    from meshplane.declarations.stack import stack_file

    # a stack this tree does not have provisions nothing
    resources = {name: _resources(project.with_stack(name)) if (project.root / stack_file(name)).is_file() else [] for name in stacks}
    mesh, open_to_mesh = project.mesh, project.federation.open_classifications
    return {
        "format": FORMAT,
        "problems": [],
        "domains": {name: d.spec.model_dump(mode="json") for name, d in mesh.domains.items()},
        "products": {
            address: {"domain": p.domain, "path": p.source.path, "spec": resolve(p.spec, Environment(env)).model_dump(mode="json")}
            for address, p in mesh.products.items()
        },
        "grants": [{"producer": g.producer, "consumer": g.consumer, "version": g.version, "via": g.via.value} for g in mesh.grants(open_to_mesh)],
        "refused": [{"producer": p, "consumer": c} for p, c in mesh.refused_inputs(open_to_mesh)],
        "pending": [{"producer": p, "consumer": c} for p, c in mesh.pending()],
        "declared": [{"producer": a, "consumer": p.address, "input": input_ref(a, v)} for p in mesh.products.values() for a, v in p.reads],
        "stacks": resources,
    }


def _resources(project) -> list[dict]:
    from meshplane.registrations.offline import offline

    return [
        {
            "urn": r.urn, "type": r.type, "name": r.name, "inputs": r.inputs, "protect": r.protect,
            "aliases": list(r.aliases), "domain": r.domain, "product": r.product,
        }
        for r in offline(project).resources
        if r.custom and not r.is_provider
    ]  # fmt: skip


def of_ref(root: Path, ref: str, env: str, stacks: Sequence[str] = ()) -> dict:
    """The snapshot of the project as it is at git `ref`, taken by that ref's own program where it has this module."""
    from meshplane.review.gitref import checkout

    with checkout(root, ref) as tree:
        return of_tree(tree, env, stacks, ref)


def sides(root: Path, ref: str, env: str, stack: str | None, head) -> tuple[dict, dict]:
    """(the base, the working tree) for `diff`: the resources of `stack`, else of every stack of `env` in either tree (one
    the change adds or removes provisions nothing on the other side). `head(names)` takes the working tree's snapshot."""
    from meshplane.review.gitref import checkout

    with checkout(root, ref) as tree:
        names = [stack] if stack else sorted(set(environment_stacks(tree, env)) | set(environment_stacks(root, env)))
        base = of_tree(tree, env, names, ref)
    return base, head(names)


def environment_stacks(root: Path, env: str) -> list[str]:
    """The stacks of the project at `root` whose file says they deploy `env` (a file that cannot be read says nothing)."""
    from meshplane.declarations.problems import MeshError
    from meshplane.declarations.stack import stack_config, stack_names

    found = []
    for name in stack_names(root):
        try:
            if stack_config(root, name).get("meshplane:environment") == env:
                found.append(name)
        except MeshError:
            continue
    return found


def of_tree(tree: Path, env: str, stacks: Sequence[str] = (), what: str = "the working tree") -> dict:
    """The snapshot of the project in `tree`, taken by the program in that tree (in this process when it is this one)."""
    here = Path(__file__).resolve().parent.parent
    if here == tree.resolve():
        return {**take(tree, env, stacks), "program": "own"}
    if not (tree / "meshplane" / "snapshot.py").is_file():
        return {**take(tree, env, stacks), "program": "this"}
    found = _run(tree, env, stacks, what)
    if found.get("format", 1) < 2:  # a program that takes one stack a run (the last --stack it is given)
        per_stack = {name: _run(tree, env, [name], what).get("resources") for name in stacks[:-1]}
        found["stacks"] = {**per_stack, **({stacks[-1]: found.get("resources")} if stacks else {})}
        if any(r is None for r in found["stacks"].values()):  # it did not load: its problems say why
            found["stacks"] = {}
    return {**found, "program": "own"}


def _run(tree: Path, env: str, stacks: Sequence[str], what: str) -> dict:
    environ = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), *filter(None, [os.environ.get("PYTHONPATH")])])}
    command = [sys.executable, "-m", "meshplane.snapshot", "--env", env, *(a for name in stacks for a in ("--stack", name))]
    run = subprocess.run(command, cwd=tree, env=environ, capture_output=True, text=True, timeout=900)
    if run.returncode != 0 or not run.stdout.strip():
        from meshplane.declarations.problems import MeshError, Problem

        why = (run.stderr.strip().splitlines() or ["no output"])[-1]
        raise MeshError([Problem("--base", 1, f"the program of {what} could not read its own tree: {why}")])
    return json.loads(run.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m meshplane.snapshot", description="This tree's declarations and resources, as JSON.")
    parser.add_argument("--env", default="prod", help="the environment the products are resolved for")
    parser.add_argument("--stack", action="append", default=[], help="also the cloud resources of this stack (repeatable)")
    args = parser.parse_args(argv)
    print(json.dumps(take(Path.cwd(), args.env, args.stack)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
