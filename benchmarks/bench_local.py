"""Benchmark: the embedded default (`up --local`, a rerun with nothing to change, `verify`) on generated meshes.

    .venv/bin/python benchmarks/bench_local.py [--sizes 100,300,1000] [--accounts one,per-domain] [--out benchmarks/results]

Each mesh is `meshgen.generate(Shape(products=N, domains=max(10, N // 50)))` (seed 11: 100 and 300 products in 10
domains, 1,000 in 20), written with `write_project(root, mesh, accounts=...)`: every domain in one account, or an
account per domain. Each step is a process of its own, as a user runs it, timed by wall clock, its peak memory
from the kernel (wait4):
- up: `meshplane up --local --env prod --serve` (the program, the gate, manifests, the apply, the moto server in
  the same process); its apply seconds are read from its last progress line, its apply CPU seconds sampled from the
  process when the apply starts and ends;
- rerun: `meshplane up --local --env prod --endpoint URL` against that emulator, which holds the deployment
  (it must report 0 created and 0 updated, and use the registrations the first run kept: nothing changed);
- verify: `meshplane verify --env prod --endpoint URL` (it must be clean), with its API calls per resource.
CPU seconds are counted beside wall seconds (for the rerun and verify, the client's and the emulator's): on a shared
machine they say what the wall clock would on a quiet one. The rerun is also given as a share of the first run's
apply (wall and CPU). The emulator is stopped after each mesh. The growth between sizes is printed (x time: 10.0 is
linear from 100 to 1,000 products), and whether verify's calls per resource are the same at every size. Writes
local.json and local.md into --out.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from meshgen import Shape, generate, write_project

BIN = Path(sys.executable).parent
MESHPLANE = str(BIN / "meshplane")
SERVES = re.compile(r"the emulator serves at (http://\S+)")
APPLIED = re.compile(r"(\d+)/(\d+) applied \(([\d.]+) s[;)]")
APPLYING = re.compile(r"^applying \d+ AWS resources", re.MULTILINE)
KEPT = "the last run's registrations: nothing the program reads has changed"
SUMMARY = re.compile(r"(\d+) AWS resources: (\d+) created, (\d+) updated, (\d+) unchanged")
CALLS = re.compile(r"verify: API calls per resource: (.*); and")


def shape(products: int) -> Shape:
    return Shape(products=products, domains=max(10, products // 50))


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a running process has used so far (/proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(command: list[str], cwd: Path, emulator: int | None = None) -> tuple[float, int, str, float]:
    """Wall seconds, peak memory (MiB), output and CPU seconds of one command, in a process of its own; with
    `emulator`, the CPU seconds that process (the served emulator) spent meanwhile are added: on a shared machine
    CPU seconds say what wall seconds would be on a quiet one."""
    before = cpu_seconds(emulator) if emulator else 0.0
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{text[-3000:]}")
    cpu = usage.ru_utime + usage.ru_stime + (cpu_seconds(emulator) - before if emulator else 0.0)
    return seconds, usage.ru_maxrss // 1024, text, cpu


def measure(products: int, accounts: str, work: Path) -> dict:
    root = work / f"mesh-{products}-{accounts}"
    write_project(root, generate(shape(products)), accounts=accounts)
    row: dict = {"products": products, "domains": shape(products).domains, "accounts": accounts}
    log = (work / f"up-{products}-{accounts}.log").open("w+")
    started = time.perf_counter()
    serving = subprocess.Popen([MESHPLANE, "up", "--local", "--env", "prod", "--serve"], cwd=root, stdout=log, stderr=subprocess.STDOUT)
    try:
        endpoint, apply_cpu = None, {}
        while endpoint is None:
            time.sleep(0.2)
            log.seek(0)
            text = log.read()
            done = APPLIED.findall(text)
            if "start" not in apply_cpu and APPLYING.search(text):
                apply_cpu["start"] = cpu_seconds(serving.pid)
            if "end" not in apply_cpu and done and done[-1][0] == done[-1][1]:
                apply_cpu["end"] = cpu_seconds(serving.pid)
            found = SERVES.search(text)
            endpoint = found.group(1) if found else None
            if serving.poll() is not None:
                raise RuntimeError(f"up --local --serve stopped:\n{text[-3000:]}")
        row["up_s"], row["up_cpu_s"] = round(time.perf_counter() - started, 1), round(cpu_seconds(serving.pid), 1)
        row["resources"], row["apply_s"] = int(done[-1][1]), float(done[-1][2])
        row["apply_cpu_s"] = round(apply_cpu["end"] - apply_cpu["start"], 1)
        row["apply_s_per_1000"] = round(row["apply_s"] / row["resources"] * 1000, 2)
        row["apply_cpu_s_per_1000"] = round(row["apply_cpu_s"] / row["resources"] * 1000, 2)
        print(f"  {products:>5} {accounts:<10} up      {row['up_s']:7.1f} s (apply {row['apply_s']} s, {row['apply_cpu_s']} CPU s, "
              f"{row['resources']} resources)", file=sys.stderr)  # fmt: skip

        seconds, mib, out, cpu = timed([MESHPLANE, "up", "--local", "--env", "prod", "--endpoint", endpoint], root, serving.pid)
        counts = SUMMARY.search(out)
        if counts is None or counts.group(2) != "0" or counts.group(3) != "0" or KEPT not in out:
            raise RuntimeError(f"the rerun changed something, or ran the program again:\n{out[-3000:]}")
        row["rerun_s"], row["rerun_mib"], row["rerun_cpu_s"] = round(seconds, 1), mib, round(cpu, 1)
        row["rerun_share"], row["rerun_cpu_share"] = round(seconds / row["apply_s"], 2), round(cpu / row["apply_cpu_s"], 2)
        print(f"  {products:>5} {accounts:<10} rerun   {seconds:7.1f} s ({cpu:.1f} CPU s) {mib:6d} MiB ({counts.group(0)})", file=sys.stderr)

        seconds, mib, out, cpu = timed([MESHPLANE, "verify", "--env", "prod", "--endpoint", endpoint], root, serving.pid)
        row["verify_s"], row["verify_mib"], row["verify_cpu_s"] = round(seconds, 1), mib, round(cpu, 1)
        row["verify_calls"] = CALLS.search(out).group(1)
        print(f"  {products:>5} {accounts:<10} verify  {seconds:7.1f} s ({cpu:.1f} CPU s) {mib:6d} MiB", file=sys.stderr)
    finally:
        serving.send_signal(signal.SIGTERM)
        _, status, usage = os.wait4(serving.pid, 0)
        row["up_mib"] = usage.ru_maxrss // 1024  # the serving process: program, apply and the emulator's whole state
    return row


GROWN = ("apply_s", "apply_cpu_s", "rerun_s", "rerun_cpu_s", "verify_s", "verify_cpu_s")


def growth(rows: list[dict]) -> list[str]:
    lines = []
    for accounts in sorted({r["accounts"] for r in rows}):
        mine = [r for r in rows if r["accounts"] == accounts]
        for a, b in [(a, b) for i, a in enumerate(mine) for b in mine[i + 1 :]]:
            parts = ", ".join(f"{k.removesuffix('_s').replace('_', ' ')} x{b[k] / a[k]:.1f}" for k in GROWN)
            per, per_cpu = b["apply_s_per_1000"] / a["apply_s_per_1000"], b["apply_cpu_s_per_1000"] / a["apply_cpu_s_per_1000"]
            same = "the same" if b["verify_calls"] == a["verify_calls"] else f"NOT the same ({a['verify_calls']} / {b['verify_calls']})"
            lines.append(f"{accounts}: {a['products']:,} -> {b['products']:,} products (x{b['products'] / a['products']:.0f}, resources "
                         f"x{b['resources'] / a['resources']:.1f}): {parts}; apply seconds per 1,000 resources x{per:.2f} (CPU x{per_cpu:.2f}); "
                         f"verify's API calls per resource {same}")  # fmt: skip
    return lines


def table(rows: list[dict]) -> str:
    lines = ["| products (domains), accounts | AWS resources | up --local: wall (CPU), memory | its apply: wall (CPU); per 1,000 resources | "
             "rerun, nothing to change: wall (CPU), memory; share of the apply | verify: wall (CPU), memory |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        lines.append(f"| {r['products']:,} ({r['domains']}), {r['accounts']} | {r['resources']:,} | {r['up_s']} s ({r['up_cpu_s']} s), {r['up_mib']} MiB | "
                     f"{r['apply_s']} s ({r['apply_cpu_s']} s); {r['apply_s_per_1000']} s ({r['apply_cpu_s_per_1000']} s) | "
                     f"{r['rerun_s']} s ({r['rerun_cpu_s']} s), {r['rerun_mib']} MiB; {r['rerun_share']:.0%} ({r['rerun_cpu_share']:.0%}) | "
                     f"{r['verify_s']} s ({r['verify_cpu_s']} s), {r['verify_mib']} MiB |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,300,1000")
    parser.add_argument("--accounts", default="one,per-domain")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    parser.add_argument("--keep", action="store_true", help="keep the rows of local.json this run does not measure (another size or accounts)")
    args = parser.parse_args()
    sizes, layouts = list(map(int, args.sizes.split(","))), args.accounts.split(",")
    measuring = {(products, accounts) for products in sizes for accounts in layouts}
    saved = json.loads((args.out / "local.json").read_text()) if args.keep and (args.out / "local.json").exists() else []
    rows = [r for r in saved if (r["products"], r["accounts"]) not in measuring]
    with tempfile.TemporaryDirectory() as work:
        for accounts in layouts:
            for products in sizes:
                rows.append(measure(products, accounts, Path(work)))
                rows.sort(key=lambda r: (r["accounts"] != "one", r["accounts"], r["products"]))
                (args.out / "local.json").write_text(json.dumps(rows, indent=2) + "\n")  # what was measured so far
    text = table(rows) + "\n\n" + "\n".join(growth(rows)) + "\n"
    (args.out / "local.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
