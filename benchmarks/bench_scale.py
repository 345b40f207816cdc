"""Benchmark: meshplane's commands on generated meshes of 100, 1,000 and 10,000 products, and the engine up to 3,000.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 100,1000,10000] [--engine-sizes 100,1000,3000] [--out benchmarks/results]

Each mesh comes from `meshgen` (hubs read by 100+ products, busy consumer domains, an account per domain,
50 products per domain from 1,000 up). For each size, every step runs as the user runs it, a process of
its own (interpreter and imports included), timed by wall clock, its peak memory from the kernel (wait4):
- load: the project read and checked (every file parsed and validated, the cross-file checks);
- validate: `meshplane validate --env prod`: the mesh, resource and quota rules over the whole environment
  (its output must say all three ran, over how many resources);
- one-domain validate and plan: `--domain` the first domain, as a domain's pipeline runs them; the plan
  runs the real program under the mock engine;
- registrations and cloud resources per product (the offline inventory, pinned equal to the engine's).
For the engine sizes, `bench_program` evaluates the whole program and the bare SDK on the same resources
(their ratio, memory). The growth between consecutive sizes is printed (time x / products x: 1.0 is linear).
Writes scale.json, scale.md (the table the README quotes) and scale.png into --out.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_program import measure
from meshgen import Shape, generate, write_project

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOAD = (  # as a command loads: the collector off (meshplane.registrations.heap)
    "from meshplane.registrations import heap; from meshplane.registrations.project import open_project\n"
    "with heap.for_the_process(): print(len(open_project().mesh.products))"
)
COUNTS = (
    "import json; from meshplane.registrations.project import open_project; from meshplane.registrations.offline import offline; "
    "s = offline(open_project(stack='prod'), whole_mesh=True); r = s.resources; n = len(s.plan.products); "
    "print(json.dumps({'registrations': len(r), 'cloud': sum(1 for x in r if x.custom and not x.is_provider), 'products': n}))"
)
STEPS = {"load": "load", "validate": "validate (whole env)", "validate_domain": "validate, one domain", "plan_domain": "plan, one domain"}
COLORS = {"load": "C0", "validate": "C1", "validate_domain": "C2", "plan_domain": "C3", "engine": "C4", "bare": "C5"}
RULES_RAN = re.compile(r"governance: \d+ rules \(mesh, resource and limit rules over ([\d,]+) resources")


def shape(products: int) -> Shape:
    return Shape(products=products, domains=max(10, products // 50))


def timed(command: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall seconds, peak memory (MiB) and stdout of one command, in a process of its own."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode()
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} exited {process.returncode}: {err.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss // 1024, text


def commands(products: int, root: Path) -> dict:
    domain = "dom-000"
    row: dict = {"products": products, "domains": shape(products).domains, "domain": domain}
    row["domain_products"] = len(list((root / "domains" / domain / "products").glob("*.yaml")))
    meshplane = [str(BIN / "meshplane")]
    steps = {
        "load": [sys.executable, "-c", LOAD],
        "validate": [*meshplane, "validate", "--env", "prod"],
        "validate_domain": [*meshplane, "validate", "--env", "prod", "--domain", domain],
        "plan_domain": [*meshplane, "plan", "--env", "prod", "--domain", domain],
    }
    for step, command in steps.items():
        seconds, mib, out = timed(command, root)
        row[f"{step}_s"], row[f"{step}_mib"] = round(seconds, 2), mib
        print(f"  {products:>6} products  {step:<16} {seconds:7.2f} s  {mib:6d} MiB", file=sys.stderr)
        if step.startswith("validate"):
            ran = RULES_RAN.search(out)
            if ran is None:
                raise RuntimeError(f"{step}: the output does not say the mesh, resource and limit rules ran:\n{out[-500:]}")
            row[f"{step}_resources"] = int(ran.group(1).replace(",", ""))
    counts = json.loads(timed([sys.executable, "-c", COUNTS], root)[2])
    row["registrations_per_product"] = round(counts["registrations"] / counts["products"], 2)
    row["cloud_per_product"] = round(counts["cloud"] / counts["products"], 2)
    return row


def growth(rows: list[dict], keys: list[str]) -> list[str]:
    lines = []
    for a, b in zip(rows, rows[1:]):
        x = b["products"] / a["products"]
        parts = [f"{k.removesuffix('_s')} x{b[k] / a[k]:.1f}" for k in keys if a.get(k) and b.get(k)]
        lines.append(f"{a['products']:,} -> {b['products']:,} products (x{x:.0f}): " + ", ".join(parts))
    return lines


def table(rows: list[dict], engine: list[dict]) -> str:
    lines = [
        "| products (domains) | load | validate (whole env) | validate, one domain | plan, one domain (its products) | registrations / cloud resources per product |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['products']:,} ({r['domains']}) | {r['load_s']:.2f} s, {r['load_mib']} MiB "
            f"| {r['validate_s']:.2f} s, {r['validate_mib']} MiB ({r['validate_resources']:,} resources) "
            f"| {r['validate_domain_s']:.2f} s, {r['validate_domain_mib']} MiB | {r['plan_domain_s']:.2f} s, {r['plan_domain_mib']} MiB "
            f"({r['domain_products']}) | {r['registrations_per_product']} / {r['cloud_per_product']} |"
        )
    if engine:
        lines += ["", "| products | whole-mesh program under the mock engine | bare SDK, same resources | ratio | peak memory (program / bare) |", "|---|---|---|---|---|"]
        for e in engine:
            lines.append(
                f"| {e['products']:,} | {e['real_seconds']:.1f} s | {e['bare_seconds']:.1f} s | {e['ratio']:.2f}x "
                f"| {e['real_peak_mib']:,} / {e['bare_peak_mib']:,} MiB |"
            )
    return "\n".join(lines) + "\n"


def plot(rows: list[dict], engine: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (time_ax, memory_ax) = plt.subplots(1, 2, figsize=(11, 4.2))
    sizes = [r["products"] for r in rows]
    for step, label in STEPS.items():
        time_ax.plot(sizes, [r[f"{step}_s"] for r in rows], marker="o", color=COLORS[step], label=label)
    if engine:
        e_sizes = [e["products"] for e in engine]
        time_ax.plot(e_sizes, [e["real_seconds"] for e in engine], marker="s", linestyle="--", color=COLORS["engine"], label="whole-mesh program (engine)")
        time_ax.plot(e_sizes, [e["bare_seconds"] for e in engine], marker="s", linestyle=":", color=COLORS["bare"], label="bare SDK (engine)")
    for ax in (time_ax, memory_ax):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("products in the mesh")
        ax.grid(True, which="both", alpha=0.3)
    time_ax.set_ylabel("seconds (wall, process included)")
    time_ax.set_title("Time")
    time_ax.legend(fontsize=7)
    for step, label in STEPS.items():
        memory_ax.plot(sizes, [r[f"{step}_mib"] for r in rows], marker="o", color=COLORS[step], label=label)
    if engine:
        memory_ax.plot(e_sizes, [e["real_peak_mib"] for e in engine], marker="s", linestyle="--", color=COLORS["engine"], label="whole-mesh program (engine)")
        memory_ax.plot(e_sizes, [e["bare_peak_mib"] for e in engine], marker="s", linestyle=":", color=COLORS["bare"], label="bare SDK (engine)")
    memory_ax.set_ylabel("peak memory (MiB)")
    memory_ax.set_title("Memory")
    memory_ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="products per mesh, comma-separated")
    parser.add_argument("--engine-sizes", default="100,1000,3000", help="whole-mesh engine runs (empty: none)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    engine_sizes = [int(s) for s in args.engine_sizes.split(",") if s]
    rows = []
    with tempfile.TemporaryDirectory(prefix="meshplane-bench-scale-") as tmp:
        for products in sizes:
            root = write_project(Path(tmp) / f"p{products}", generate(shape(products)), "per-domain")
            rows.append(commands(products, root))
    engine = []
    for products in engine_sizes:
        print(f"  {products:>6} products  whole-mesh engine, program and bare SDK", file=sys.stderr)
        e = measure(products, shape(products).domains, "per-domain", 1, None)
        if not e["same_resources"]:
            raise RuntimeError(f"the bare program registers other resources: {e['missing'] or e['differ']}")
        engine.append({k: e[k] for k in ("products", "real_seconds", "bare_seconds", "ratio", "real_peak_mib", "bare_peak_mib", "registrations")})
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "scale.json").write_text(json.dumps({"commands": rows, "engine": engine}, indent=2) + "\n")
    (args.out / "scale.md").write_text(table(rows, engine))
    plot(rows, engine, args.out / "scale.png")
    print(table(rows, engine))
    for line in growth(rows, ["load_s", "validate_s", "validate_mib", "plan_domain_s"]) + growth(engine, ["real_seconds", "bare_seconds", "real_peak_mib"]):
        print(f"growth {line}")
    print(f"wrote {args.out / 'scale.json'}, {args.out / 'scale.md'}, {args.out / 'scale.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
