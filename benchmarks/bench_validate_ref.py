"""Benchmark: `meshplane validate --env prod` of this tree against another git ref's, on the same generated mesh, in one run.

    .venv/bin/python benchmarks/bench_validate_ref.py [--ref main] [--products 5000] [--domains 100] [--rounds 2]

Each tree validates the mesh its own `meshgen` generates from the same shape and seed (an account per domain): the same
products, each declared as that tree's rules ask. The ref's tree is taken with `git archive` into a temporary folder and
run by the same interpreter with that folder first on its path, with its own program, governance and schemas; both
must validate clean. Each round runs both, alternating, each in a process of its own; the figures are
the best round's wall and CPU seconds (user + system, from wait4), so a busy machine inflates both sides alike.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from meshgen import Shape, generate, write_project

ROOT = Path(__file__).resolve().parent.parent
COMMAND = "import sys; from meshplane.cli import entry; sys.argv[0] = 'meshplane'; entry()"


def tree_of(ref: str, into: Path) -> Path:
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def project_of(tree: Path, shape: dict, into: Path) -> Path:
    """The mesh of `shape` as `tree`'s own generator writes it, its program, governance and schemas `tree`'s."""
    spec = importlib.util.spec_from_file_location(f"meshgen_{abs(hash(tree))}", tree / "benchmarks" / "meshgen.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module.write_project(into, module.generate(module.Shape(**shape)), "per-domain")


def run(tree: Path, project: Path) -> tuple[float, float, str]:
    """Wall and CPU seconds of one validate, and its output; raises unless it is clean."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-c", COMMAND, "validate", "--env", "prod"], cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode()
    if os.waitstatus_to_exitcode(status) != 0 or "no finding for prod" not in text:
        raise RuntimeError(f"validate in {tree} is not clean:\n{text[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="main")
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--domains", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="meshplane-bench-ref-") as tmp:
        shape = {"products": args.products, "domains": args.domains}
        here = write_project(Path(tmp) / "here", generate(Shape(**shape)), "per-domain")
        there_tree = tree_of(args.ref, Path(tmp) / "ref")
        there = project_of(there_tree, shape, Path(tmp) / "there")
        best: dict[str, tuple[float, float]] = {}
        for i in range(args.rounds):
            for name, tree, project in (("ref", there_tree, there), ("this tree", ROOT, here)):
                wall, cpu, text = run(tree, project)
                said = next((line for line in text.splitlines() if line.startswith("governance:")), "")
                print(f"round {i + 1}  {name:<9}  {wall:7.2f} s wall  {cpu:7.2f} s CPU  {said}", file=sys.stderr)
                best[name] = min(best.get(name, (wall, cpu)), (wall, cpu), key=lambda t: t[1])
    (ref_wall, ref_cpu), (wall, cpu) = best["ref"], best["this tree"]
    print(f"validate --env prod, {args.products} products, {args.domains} accounts (best of {args.rounds}):")
    print(f"  {args.ref:<10} {ref_wall:7.2f} s wall  {ref_cpu:7.2f} s CPU")
    print(f"  this tree  {wall:7.2f} s wall  {cpu:7.2f} s CPU  ({cpu / ref_cpu:.2f}x the CPU of {args.ref})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
