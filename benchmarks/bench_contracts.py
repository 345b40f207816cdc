"""Benchmark: a product taking its port from a large ODCS contract, and from a deeply nested one (target: under 1 s each).

    .venv/bin/python benchmarks/bench_contracts.py [--lines 3000] [--depth 12] [--repeat 5] [--jsonschema-depth 6]

Writes a one-product mesh per contract into a temporary folder: a contract of about `--lines` lines (every kind of
property: scalars, decimals, integers of every width, nested objects and arrays, partitions, with descriptions,
classifications and custom properties) and one whose property nests `--depth` objects deep. Each is loaded in a
process of its own, as a command would (`load_mesh`: YAML read, the contract judged by its version's JSON Schema
with jsonschema-rs, typed, held to its product; the schema file read and its validator built included), the
interpreter's start and meshplane's imports excluded; the figure is the median of `--repeat` processes. Baselines in
the same run: a bare `yaml.load(..., CSafeLoader)` of the same contract, and the `jsonschema` package (what the
import used before) on a contract nested `--jsonschema-depth` deep, which grows exponentially with the depth.
Writes benchmarks/results/contracts.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "unit"))

from contractkit import product  # noqa: E402  (the tests' product, whose promises the contracts keep)
from meshkit import MeshFiles  # noqa: E402

HEAD = """\
apiVersion: v3.2.0
kind: DataContract
id: users.alpha.output
name: users/alpha
version: 1.0.0
status: active
domain: users
description:
  purpose: A large contract for the benchmark.
slaProperties:
  - {property: latency, value: 24, unit: h}
  - {property: availability, value: 99.5, unit: '%'}
  - {property: retention, value: 1095, unit: d}
schema:
  - name: alpha
    physicalName: alpha
    physicalType: table
    description: Every kind of property, many times over.
    properties:
"""
KINDS = [  # in block style, as contracts are written: 5 to 8 lines a property
    "- name: {n}\n  logicalType: string\n  physicalType: VARCHAR(64)\n  description: Text {n}.\n  classification: internal\n  tags: [t]\n",
    "- name: {n}\n  logicalType: number\n  physicalType: DECIMAL(18,4)\n  description: Amount {n}.\n  required: true\n",
    "- name: {n}\n  logicalType: integer\n  physicalType: SMALLINT\n  description: Count {n}.\n  logicalTypeOptions:\n    minimum: 0\n",
    "- name: {n}\n  logicalType: integer\n  logicalTypeOptions:\n    format: u64\n  description: Counter {n}.\n",
    "- name: {n}\n  logicalType: timestamp\n  description: When {n}.\n  customProperties:\n    - property: source\n      value: clock\n",
]
NESTED = """\
- name: {n}
  logicalType: object
  description: A record {n}.
  properties:
    - {{name: a, logicalType: string, description: A.}}
    - name: b
      logicalType: object
      description: B.
      properties:
        - {{name: c, logicalType: date, description: C.}}
        - {{name: d, logicalType: array, description: D., items: {{logicalType: integer, physicalType: BIGINT}}}}
"""
LOAD = """\
import statistics, sys, time
from meshplane.declarations.loader import load_mesh
start = time.perf_counter()
mesh = load_mesh(sys.argv[1])
elapsed = time.perf_counter() - start
assert mesh.products['users/alpha'].contracts, 'the port was not taken from the contract'
print(elapsed, len(mesh.products['users/alpha'].spec.output.columns))
"""


def large(lines: int) -> str:
    body, i = [], 0
    while len(HEAD.splitlines()) + sum(b.count("\n") for b in body) < lines - 2:
        name = f"col_{i:04d}"
        body.append(textwrap.indent(NESTED.format(n=name) if i % 10 == 9 else KINDS[i % len(KINDS)].format(n=name), "      "))
        i += 1
    partition = "      - {name: day, logicalType: date, description: Day., partitioned: true, partitionKeyPosition: 1}\n"
    return HEAD + "".join(body) + partition


def nested(depth: int) -> str:
    lines, pad = [], "      "
    for level in range(depth):
        lines += [f"{pad}- name: level_{level}", f"{pad}  logicalType: object", f"{pad}  description: Level {level}.", f"{pad}  properties:"]
        pad += "    "
    lines += [f"{pad}- {{name: leaf, logicalType: integer, physicalType: BIGINT, description: The leaf.}}"]
    return HEAD + "      - {name: id, logicalType: string, description: Id.}\n" + "\n".join(lines) + "\n"


def mesh_with(folder: Path, contract: str) -> Path:
    folder.mkdir(parents=True)
    files = MeshFiles(folder)
    files.product("users", "alpha", product())
    files.write("users/contracts/alpha.odcs.yaml", contract)
    return folder / "domains"


def load_seconds(domains: Path, repeat: int) -> tuple[float, int]:
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", LOAD, str(domains)], capture_output=True, text=True, check=True, cwd=domains.parent).stdout
        seconds, columns = out.split()
        runs.append(float(seconds))
    return statistics.median(runs), int(columns)


def parse_seconds(contract: str, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        yaml.load(contract, Loader=yaml.CSafeLoader)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def jsonschema_seconds(contract: str) -> float:
    """The `jsonschema` package on ODCS v3.2.0's schema (datacontract-cli's file), in a process of its own."""
    script = (
        "import json, sys, time, yaml, jsonschema\nfrom importlib import metadata\n"
        "path = metadata.distribution('datacontract-cli').locate_file('datacontract/schemas/odcs-3.2.0.schema.json')\n"
        "schema = json.loads(open(path).read()); doc = yaml.safe_load(sys.stdin.read())\n"
        "start = time.perf_counter(); errors = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(doc))\n"
        "print(time.perf_counter() - start, len(errors))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], input=contract, capture_output=True, text=True, check=True).stdout
    return float(out.split()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=3000)
    parser.add_argument("--depth", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jsonschema-depth", type=int, default=6)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, contract in (("large", large(args.lines)), ("nested", nested(args.depth))):
            seconds, columns = load_seconds(mesh_with(Path(tmp) / name, contract), args.repeat)
            parse = parse_seconds(contract, args.repeat)
            results[name] = {"lines": contract.count("\n"), "columns": columns, "load_s": round(seconds, 3), "yaml_parse_s": round(parse, 4),
                             "ratio_to_parse": round(seconds / parse, 1)}  # fmt: skip
            print(f"{name}: {contract.count(chr(10)):,} lines, {columns} columns: imported in {seconds:.3f} s "
                  f"(a bare CSafeLoader parse: {parse * 1000:.1f} ms, x{seconds / parse:.1f})")  # fmt: skip
        baseline = nested(args.jsonschema_depth)
        results["jsonschema"] = {"depth": args.jsonschema_depth, "seconds": round(jsonschema_seconds(baseline), 2)}
        print(f"the jsonschema package on a contract nested {args.jsonschema_depth} deep: {results['jsonschema']['seconds']:.2f} s")
    out = ROOT / "benchmarks" / "results" / "contracts.json"
    out.write_text(json.dumps({"args": vars(args), **results}, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
