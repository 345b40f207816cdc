"""Benchmark: `meshplane export odcs`, `export odps` and `catalog` on a mesh of 1,000 products (target: each under 10 s).

    .venv/bin/python benchmarks/bench_catalog.py [--products 1000] [--domains 50] [--repeat 3]

Lays out a project in a temporary folder (the load benchmark's generated mesh, this project's federation and
stacks, a domain-scoped stack pointed at a generated domain), runs each command as a user would (the
installed `meshplane`, a new process each time, best of `--repeat`), then checks every document written:
ODCS contracts against the JSON Schema `open-data-contract-standard` ships, ODPS descriptors with the
project's model of Bitol's schema.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

import jsonschema_rs
import yaml

from bench_load import generate, mesh_arguments
from meshplane.export.odps_model import DataProduct

REPO = Path(__file__).resolve().parents[1]
MESHPLANE = str(Path(sys.executable).with_name("meshplane"))
TARGET = 10.0


def project(root: Path, n_products: int, n_domains: int) -> None:
    """A project at `root` whose mesh is generated and whose stacks are this project's."""
    generate(root / "domains", n_products, n_domains)
    shutil.copy(REPO / "Pulumi.yaml", root)
    shutil.copytree(REPO / "governance", root / "governance")
    (root / "stacks").mkdir()
    for stack in sorted((REPO / "stacks").glob("Pulumi.*.yaml")):
        text = re.sub(r"(meshplane:domains:).*", r'\1 ["domain-00"]', stack.read_text())
        (root / "stacks" / stack.name).write_text(text)


def timed(command: list[str], cwd: Path, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def invalid_documents(out: Path) -> list[str]:
    """Every exported document that breaks its standard, by path."""
    odcs = jsonschema_rs.validator_for(json.loads(resources.files("open_data_contract_standard").joinpath("schema.json").read_text()))
    broken = [str(p) for p in sorted(out.rglob("*.odcs.yaml")) if not odcs.is_valid(yaml.load(p.read_text(), Loader=yaml.CSafeLoader))]
    for path in sorted(out.rglob("*.odps.yaml")):
        try:
            DataProduct.model_validate(yaml.load(path.read_text(), Loader=yaml.CSafeLoader))
        except ValueError:
            broken.append(str(path))
    return broken


def main(argv: list[str] | None = None) -> int:
    args = mesh_arguments(__doc__.splitlines()[0], argv)
    with tempfile.TemporaryDirectory(prefix="meshplane-bench-catalog-") as tmp:
        root = Path(tmp)
        project(root, args.products, args.domains)
        commands = {
            "export odcs": [MESHPLANE, "export", "odcs", "--out", "out/odcs"],
            "export odps": [MESHPLANE, "export", "odps", "--out", "out/odps"],
            "catalog": [MESHPLANE, "catalog", "--out", "out/catalog"],
        }
        seconds = {name: timed(command, root, args.repeat) for name, command in commands.items()}
        broken = invalid_documents(root / "out")
        documents = len(list((root / "out").rglob("*.od?s.yaml")))
        pages = len(list((root / "out" / "catalog").rglob("*.html")))
        size = sum(p.stat().st_size for p in (root / "out" / "catalog").rglob("*") if p.is_file())
    slow = [name for name, s in seconds.items() if s >= TARGET]
    figures = ", ".join(f"{name} {s:.2f} s" for name, s in seconds.items())
    print(
        f"bench_catalog: {args.products} products, {args.domains} domains: {figures} (best of {args.repeat}, whole command); "
        f"catalog: {pages} pages, {size / 2**20:.1f} MiB; {documents} documents checked, {len(broken)} invalid; "
        f"target < {TARGET:g} s each: {'ok' if not slow else 'MISSED by ' + ', '.join(slow)}"
    )
    for path in broken[:20]:
        print(f"invalid: {path}", file=sys.stderr)
    return 1 if slow or broken else 0


if __name__ == "__main__":
    sys.exit(main())
