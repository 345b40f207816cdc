"""Benchmark: load and check a synthetic mesh of 1,000 products in 50 domains (target: under 2 s).

    .venv/bin/python benchmarks/bench_load.py [--products 1000] [--domains 50] [--repeat 3]

Writes the mesh into a temporary folder, then times `load_mesh` (read, parse, validate, cross-file
checks) plus the handshake's grants, best of `--repeat`, against a bare baseline measured in the same
run: reading the same files and `yaml.load(..., CSafeLoader)` with no validation at all.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

from meshplane.declarations.loader import load_mesh
from meshplane.declarations.mesh import OPEN_TO_MESH

CLASSIFICATIONS = ("public", "internal", "confidential", "restricted")
KINDS = ("source-aligned", "aggregate", "consumer-aligned")
TYPES = ("string", "int", "bigint", "double", "boolean", "date", "timestamp", "decimal(18,2)")


def product_yaml(rng: random.Random, domain: str, name: str, inputs: list[str], consumers: list[str]) -> str:
    columns = "".join(
        f"    - name: col_{i:02d}\n"
        f"      type: {rng.choice(TYPES)}\n"
        f"      description: Column {i} of {name}, as the domain publishes it.\n"
        + ("      pii: true\n" if i == 1 and rng.random() < 0.3 else "")
        for i in range(rng.randint(8, 12))
    )
    lines = [
        "# yaml-language-server: $schema=../../../schemas/product.schema.json",
        f"name: {name}",
        f"description: Synthetic product {name} of the {domain} domain, for the load benchmark.",
        f"owner: {domain}-data@example.com",
        f"kind: {rng.choice(KINDS)}",
        f"classification: {rng.choice(CLASSIFICATIONS)}",
        "output:",
        "  format: parquet",
        "  columns:",
        columns.rstrip("\n"),
        "  partitions:",
        "    - {name: day, type: date, description: Day the data is for.}",
        f"inputs: [{', '.join(inputs)}]",
        f"consumers: [{', '.join(consumers)}]",
        "service_levels:",
        f"  freshness_hours: {rng.choice((1, 6, 24, 168))}",
        "  availability: 99.5",
        f"retention_days: {rng.choice((30, 365, 1095))}",
        "job:",
        f"  image: registry.example/{domain}/{name}@sha256:{rng.getrandbits(256):064x}",
        '  schedule: "0 3 * * *"',
        f"  engine: {rng.choice(('kubernetes', 'spark'))}",
        "  resources: {cpu: 500m, memory: 2Gi}",
        "environments:",
        "  dev:",
        "    retention_days: 7",
        "    suspended: true",
        "  prod:",
        "    replicas: 3",
    ]
    return "\n".join(lines) + "\n"


def generate(root: Path, n_products: int, n_domains: int, seed: int = 7) -> None:
    """Products in a DAG (inputs only point at earlier products), most inputs crossing domains."""
    rng = random.Random(seed)
    domains = [f"domain-{d:02d}" for d in range(n_domains)]
    addresses: list[str] = []
    for i in range(n_products):
        domain = domains[i % n_domains]
        addresses.append(f"{domain}/product-{i:04d}")
    for domain in domains:
        folder = root / domain
        (folder / "products").mkdir(parents=True)
        (folder / "domain.yaml").write_text(
            "# yaml-language-server: $schema=../../schemas/domain.schema.json\n"
            f"name: {domain}\ndescription: Synthetic domain {domain}.\nteam: Team {domain}\ncontact: {domain}@example.com\n"
        )
    for i, address in enumerate(addresses):
        domain, name = address.split("/")
        inputs = sorted(set(rng.sample(addresses[:i], k=min(i, rng.randint(0, 3)))))
        consumers = sorted(set(rng.sample(domains, k=rng.randint(0, 2))) | set(rng.sample(addresses, k=rng.randint(0, 2))) - {address})
        (root / domain / "products" / f"{name}.yaml").write_text(product_yaml(rng, domain, name, inputs, consumers))


def best_of(repeat: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def baseline(root: Path) -> int:
    return sum(1 for p in sorted(root.rglob("*.yaml")) if yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader) is not None)


def mesh_arguments(description: str, argv: list[str] | None) -> argparse.Namespace:
    """The options every benchmark over a generated mesh takes: its size, and how many runs to take the best of."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--domains", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = mesh_arguments(__doc__.splitlines()[0], argv)
    with tempfile.TemporaryDirectory(prefix="meshplane-bench-") as tmp:
        root = Path(tmp) / "domains"
        generate(root, args.products, args.domains)

        def full():
            mesh = load_mesh(root)
            return mesh, mesh.grants(OPEN_TO_MESH)

        bare, files = best_of(args.repeat, lambda: baseline(root))
        seconds, (mesh, grants) = best_of(args.repeat, full)
    edges = len(mesh.edges())
    print(
        f"bench_load: {len(mesh.products)} products, {len(mesh.domains)} domains, {edges} inputs, {len(grants)} grants: "
        f"load+check+grants {seconds:.3f} s (best of {args.repeat}); bare read+CSafeLoader of the same {files} files "
        f"{bare:.3f} s; ratio {seconds / bare:.1f}x; target < 2 s: {'ok' if seconds < 2 else 'MISSED'}"
    )
    return 0 if seconds < 2 else 1


if __name__ == "__main__":
    sys.exit(main())
