"""Benchmark: the embedded default (`up --local`, a rerun with nothing to change, `verify`) on generated meshes.

    .venv/bin/python benchmarks/bench_local.py [--sizes 100,300,1000] [--accounts one,per-domain] [--out benchmarks/results]

Each mesh is `meshgen.generate(Shape(products=N, domains=max(10, N // 50)))` (seed 11: 100 and 300 products in 10
domains, 1,000 in 20), written with `write_project(root, mesh, accounts=...)`: every domain in one account, or an
account per domain. One account holding 1,000 products passes AWS's default quotas of IAM roles (1,040 of 1,000) and
Lake Formation grants (2,327 of 1,600), so it declares them raised (`RAISED`, as a team would ask AWS to). Each step is a process of its own, as a user runs it, timed by wall clock, its peak memory
from the kernel (wait4):
- up: `meshplane up --local --env prod --serve --check` (the program, the gate, manifests, the apply, the moto server
  in the same process); its apply seconds are read from its last progress line, its apply CPU seconds sampled from
  the process when the apply starts and ends;
- inproc: that command's access check, moto asked in process for every pair (the command started the emulator): its
  wall and CPU seconds sampled from the process between its summary line and its `serves at` line (and taken out of
  up's), its peak memory (VmHWM) before and after, its cells and its evaluator's seconds per 100,000 cells;
- rerun: `meshplane up --local --env prod --endpoint URL` against that emulator, which holds the deployment
  (it must report 0 created and 0 updated, and use the registrations the first run kept: nothing changed); with no
  `--check` before it the emulator has answered no change since the first run's apply, so it reads nothing back
  (`meshplane/local/changes.py`; the table says whether it read back); then the same with `--refresh`, which reads
  every resource back whatever the emulator answers;
- verify: `meshplane verify --env prod --endpoint URL` (it must be clean), with its API calls per resource;
- access: `meshplane access --env prod --check --endpoint URL` (it must pass): the cells it decides, the evaluator's
  wall and CPU seconds per 100,000 cells (its own figures), the pairs moto's enforcement was asked about over HTTP
  (its sample), and the command's wall and CPU seconds and memory.
`--steps` measures a subset (up is always run: it serves the emulator the others use; without inproc, no `--check`).
CPU seconds are counted beside wall seconds (for the rerun and verify, the client's and the emulator's): on a shared
machine they say what the wall clock would on a quiet one. The rerun is also given as a share of the first run's
apply (wall and CPU). The emulator is stopped after each mesh. The growth between sizes is printed (x time: 10.0 is
linear from 100 to 1,000 products), with each step's memory, and whether verify's calls per resource are the same at
every size. Writes local.json and local.md into --out (`--name` for other names). `--merge A.json B.json ...` measures
nothing: it puts the rows of runs made side by side (one per layout, say) into one table with their growth.
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
UNCHANGED = "has answered no change since the last run applied stack"
SUMMARY = re.compile(r"(\d+) AWS resources: (\d+) created, (\d+) updated, (\d+) unchanged")
CALLS = re.compile(r"verify: API calls per resource: (.*); and")
DECIDED = re.compile(r"decided ([\d,]+) principal x product x action cells over the documents read back in ([\d.]+) s \(([\d.]+) CPU s; "
                     r"([\d.]+) s per 100,000 cells \(([\d.]+) CPU s\)\)")
PROBED = re.compile(r"identity policies of ([\d,]+) principal x product pairs: ([\d,]+) allowed an action by identity, ([\d,]+) denied every one")
PROVISIONED = re.compile(r"^provisioned stack ", re.MULTILINE)
STEPS = ("up", "inproc", "rerun", "verify", "access")


RAISED = {"iam.roles": 5_000, "iam.managed-policies": 5_000, "lakeformation.cross-account-grants": 5_000}  # one account, 1,000+ products


def shape(products: int) -> Shape:
    return Shape(products=products, domains=max(10, products // 50))


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a running process has used so far (/proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_mib(pid: int) -> int:
    """The peak resident memory (MiB) of a running process so far (/proc: VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


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


def number(text: str) -> int:
    return int(text.replace(",", ""))


def measure(products: int, accounts: str, work: Path, steps: tuple[str, ...] = STEPS) -> dict:
    root = work / f"mesh-{products}-{accounts}"
    raised = RAISED if accounts == "one" and products >= 1000 else None
    write_project(root, generate(shape(products)), accounts=accounts, quotas=raised)
    row: dict = {"products": products, "domains": shape(products).domains, "accounts": accounts, **({"raised": raised} if raised else {})}
    log = (work / f"up-{products}-{accounts}.log").open("w+")
    started = time.perf_counter()
    check = ["--check"] if "inproc" in steps else []  # the in-process access check, in the serving process before it serves
    serving = subprocess.Popen([MESHPLANE, "up", "--local", "--env", "prod", "--serve", *check], cwd=root, stdout=log, stderr=subprocess.STDOUT)
    try:
        endpoint, apply_cpu, checking = None, {}, {}
        while endpoint is None:
            time.sleep(0.2)
            log.seek(0)
            text = log.read()
            done = APPLIED.findall(text)
            if "start" not in apply_cpu and APPLYING.search(text):
                apply_cpu["start"] = cpu_seconds(serving.pid)
            if "end" not in apply_cpu and done and done[-1][0] == done[-1][1]:
                apply_cpu["end"] = cpu_seconds(serving.pid)
            if check and "start" not in checking and PROVISIONED.search(text):
                checking.update(start=time.perf_counter(), cpu=cpu_seconds(serving.pid), mib=peak_mib(serving.pid))
            found = SERVES.search(text)
            endpoint = found.group(1) if found else None
            if serving.poll() is not None:
                raise RuntimeError(f"up --local --serve stopped:\n{text[-3000:]}")
        if check:
            inproc(row, text, checking, serving.pid)
        row["up_s"], row["up_cpu_s"] = round(time.perf_counter() - started, 1), round(cpu_seconds(serving.pid), 1)
        row["resources"], row["apply_s"] = int(done[-1][1]), float(done[-1][2])
        row["apply_cpu_s"] = round(apply_cpu["end"] - apply_cpu["start"], 1)
        row["apply_s_per_1000"] = round(row["apply_s"] / row["resources"] * 1000, 2)
        row["apply_cpu_s_per_1000"] = round(row["apply_cpu_s"] / row["resources"] * 1000, 2)
        row["up_s"] = round(row["up_s"] - row.get("inproc_s", 0.0), 1)  # up without its check, as the other steps
        row["up_cpu_s"] = round(row["up_cpu_s"] - row.get("inproc_cpu_s", 0.0), 1)
        print(f"  {products:>5} {accounts:<10} up      {row['up_s']:7.1f} s (apply {row['apply_s']} s, {row['apply_cpu_s']} CPU s, "
              f"{row['resources']} resources)", file=sys.stderr)  # fmt: skip

        if "rerun" in steps:
            rerun(row, root, endpoint, serving.pid)
        if "verify" in steps:
            verify(row, root, endpoint, serving.pid)
        if "access" in steps:
            access(row, root, endpoint, serving.pid)
    finally:
        serving.send_signal(signal.SIGTERM)
        _, status, usage = os.wait4(serving.pid, 0)
        row["up_mib"] = usage.ru_maxrss // 1024  # the serving process: program, apply and the emulator's whole state
    return row


def inproc(row: dict, text: str, checking: dict, pid: int) -> None:
    """`up --local --check`'s access check (moto asked in process, every pair), read from the serving process's output:
    from its summary line to its `serves at` line, its CPU sampled from the process, its peak memory then."""
    decided, probed = DECIDED.search(text), PROBED.search(text)
    if decided is None or probed is None or "the declared matrix" in text:
        raise RuntimeError(f"up --local --check did not pass:\n{text[-3000:]}")
    row["inproc_s"], row["inproc_cpu_s"] = round(time.perf_counter() - checking["start"], 1), round(cpu_seconds(pid) - checking["cpu"], 1)
    row["inproc_mib"], row["inproc_mib_before"] = peak_mib(pid), checking["mib"]
    row["inproc_cells"], row["inproc_eval_s"], row["inproc_eval_cpu_s"] = number(decided.group(1)), float(decided.group(2)), float(decided.group(3))
    row["inproc_s_per_100k"], row["inproc_cpu_s_per_100k"] = float(decided.group(4)), float(decided.group(5))
    row["inproc_pairs"] = number(probed.group(1))
    print(f"  {row['products']:>5} {row['accounts']:<10} inproc  {row['inproc_s']:7.1f} s ({row['inproc_cpu_s']} CPU s) peak {row['inproc_mib']} MiB; "
          f"{row['inproc_cells']:,} cells, {row['inproc_s_per_100k']} s ({row['inproc_cpu_s_per_100k']} CPU s) per 100,000 cells, "
          f"{row['inproc_pairs']:,} pairs asked in process", file=sys.stderr)  # fmt: skip


def rerun(row: dict, root: Path, endpoint: str, emulator: int) -> None:
    """The rerun with nothing to change as it comes (`rerun`), then with `--refresh` (`refresh`: every resource read back)."""
    products, accounts = row["products"], row["accounts"]
    for step, flags in (("rerun", []), ("refresh", ["--refresh"])):
        seconds, mib, out, cpu = timed([MESHPLANE, "up", "--local", "--env", "prod", "--endpoint", endpoint, *flags], root, emulator)
        counts = SUMMARY.search(out)
        if counts is None or counts.group(2) != "0" or counts.group(3) != "0" or KEPT not in out:
            raise RuntimeError(f"the rerun changed something, or ran the program again:\n{out[-3000:]}")
        row[f"{step}_s"], row[f"{step}_mib"], row[f"{step}_cpu_s"] = round(seconds, 1), mib, round(cpu, 1)
        row[f"{step}_share"], row[f"{step}_cpu_share"] = round(seconds / row["apply_s"], 2), round(cpu / row["apply_cpu_s"], 2)
        row[f"{step}_read_back"] = UNCHANGED not in out
        how = "read back" if row[f"{step}_read_back"] else "nothing read: the emulator answered no change"
        print(f"  {products:>5} {accounts:<10} {step:<7} {seconds:7.1f} s ({cpu:.1f} CPU s) {mib:6d} MiB ({counts.group(0)}; {how})", file=sys.stderr)


def verify(row: dict, root: Path, endpoint: str, emulator: int) -> None:
    products, accounts = row["products"], row["accounts"]
    seconds, mib, out, cpu = timed([MESHPLANE, "verify", "--env", "prod", "--endpoint", endpoint], root, emulator)
    row["verify_s"], row["verify_mib"], row["verify_cpu_s"] = round(seconds, 1), mib, round(cpu, 1)
    row["verify_calls"] = CALLS.search(out).group(1)
    print(f"  {products:>5} {accounts:<10} verify  {seconds:7.1f} s ({cpu:.1f} CPU s) {mib:6d} MiB", file=sys.stderr)


def access(row: dict, root: Path, endpoint: str, emulator: int) -> None:
    """`access --check` over HTTP against the served emulator: its cells, the evaluator's rate, moto's sample."""
    seconds, mib, out, cpu = timed([MESHPLANE, "access", "--env", "prod", "--check", "--endpoint", endpoint], root, emulator)
    decided, probed = DECIDED.search(out), PROBED.search(out)
    if decided is None or probed is None:
        raise RuntimeError(f"access --check said neither its cells nor its pairs:\n{out[-3000:]}")
    row["access_s"], row["access_cpu_s"], row["access_mib"] = round(seconds, 1), round(cpu, 1), mib
    row["access_cells"], row["access_eval_s"], row["access_eval_cpu_s"] = number(decided.group(1)), float(decided.group(2)), float(decided.group(3))
    row["access_s_per_100k"], row["access_cpu_s_per_100k"] = float(decided.group(4)), float(decided.group(5))
    row["access_pairs_sent"], row["access_pairs_allowed"], row["access_pairs_denied"] = (number(g) for g in probed.groups())
    print(f"  {row['products']:>5} {row['accounts']:<10} access  {seconds:7.1f} s ({cpu:.1f} CPU s) {mib:6d} MiB; {row['access_cells']:,} cells, "
          f"{row['access_s_per_100k']} s ({row['access_cpu_s_per_100k']} CPU s) per 100,000 cells", file=sys.stderr)  # fmt: skip


GROWN = ("apply_s", "apply_cpu_s", "inproc_s", "inproc_cpu_s", "rerun_s", "rerun_cpu_s", "refresh_s", "refresh_cpu_s", "verify_s", "verify_cpu_s", "access_s", "access_cpu_s")


MEMORY = ("up_mib", "rerun_mib", "refresh_mib", "verify_mib", "access_mib")


def growth(rows: list[dict]) -> list[str]:
    lines = []
    for accounts in sorted({r["accounts"] for r in rows}):
        mine = [r for r in rows if r["accounts"] == accounts]
        for a, b in [(a, b) for i, a in enumerate(mine) for b in mine[i + 1 :]]:
            parts = ", ".join(f"{k.removesuffix('_s').replace('_', ' ')} x{b[k] / a[k]:.1f}" for k in GROWN if k in a and k in b)
            if "inproc_cpu_s_per_100k" in a and "inproc_cpu_s_per_100k" in b:
                parts += (f"; in-process check per 100,000 cells x{b['inproc_s_per_100k'] / a['inproc_s_per_100k']:.2f} "
                          f"(CPU x{b['inproc_cpu_s_per_100k'] / a['inproc_cpu_s_per_100k']:.2f})")  # fmt: skip
            if "access_cpu_s_per_100k" in a and "access_cpu_s_per_100k" in b:
                parts += (f"; access check per 100,000 cells x{b['access_s_per_100k'] / a['access_s_per_100k']:.2f} "
                          f"(CPU x{b['access_cpu_s_per_100k'] / a['access_cpu_s_per_100k']:.2f})")  # fmt: skip
            memory = ", ".join(f"{k.removesuffix('_mib')} x{b[k] / a[k]:.1f}" for k in MEMORY if k in a and k in b)
            parts += f"; memory: {memory}" if memory else ""
            per, per_cpu = b["apply_s_per_1000"] / a["apply_s_per_1000"], b["apply_cpu_s_per_1000"] / a["apply_cpu_s_per_1000"]
            same = ("not measured" if "verify_calls" not in a or "verify_calls" not in b else "the same" if b["verify_calls"] == a["verify_calls"]
                    else f"NOT the same ({a['verify_calls']} / {b['verify_calls']})")  # fmt: skip
            lines.append(f"{accounts}: {a['products']:,} -> {b['products']:,} products (x{b['products'] / a['products']:.0f}, resources "
                         f"x{b['resources'] / a['resources']:.1f}): {parts}; apply seconds per 1,000 resources x{per:.2f} (CPU x{per_cpu:.2f}); "
                         f"verify's API calls per resource {same}")  # fmt: skip
    return lines


def table(rows: list[dict]) -> str:
    lines = ["| products (domains), accounts | AWS resources | up --local: wall (CPU), memory | its apply: wall (CPU); per 1,000 resources | "
             "rerun, nothing to change: wall (CPU), memory; share of the apply; read back | rerun --refresh: wall (CPU), memory; share | "
             "verify: wall (CPU), memory |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    lines[0] += " up --local --check's access check (in process): wall (CPU), peak memory; cells; evaluator per 100,000 cells: wall (CPU); pairs |"
    lines[1] += "---|"
    lines[0] += " access --check: wall (CPU), memory; cells; evaluator per 100,000 cells: wall (CPU); pairs sent to moto (allowed, denied) |"
    lines[1] += "---|"
    for r in rows:
        rerun = (f"{r['rerun_s']} s ({r['rerun_cpu_s']} s), {r['rerun_mib']} MiB; {r['rerun_share']:.0%} ({r['rerun_cpu_share']:.0%})"
                 if "rerun_s" in r else "not measured")  # fmt: skip
        if "rerun_read_back" in r:
            rerun += "; read back" if r["rerun_read_back"] else "; nothing read (no change answered)"
        refresh = (f"{r['refresh_s']} s ({r['refresh_cpu_s']} s), {r['refresh_mib']} MiB; {r['refresh_share']:.0%} ({r['refresh_cpu_share']:.0%})"
                   if "refresh_s" in r else "not measured")  # fmt: skip
        verify = f"{r['verify_s']} s ({r['verify_cpu_s']} s), {r['verify_mib']} MiB" if "verify_s" in r else "not measured"
        access = (f"{r['access_s']} s ({r['access_cpu_s']} s), {r['access_mib']} MiB; {r['access_cells']:,}; {r['access_s_per_100k']} s "
                  f"({r['access_cpu_s_per_100k']} s); {r['access_pairs_sent']:,} ({r['access_pairs_allowed']:,}, {r['access_pairs_denied']:,})"
                  if "access_s" in r else "not measured")  # fmt: skip
        inproc = (f"{r['inproc_s']} s ({r['inproc_cpu_s']} s), {r['inproc_mib']} MiB (before it {r['inproc_mib_before']}); {r['inproc_cells']:,}; "
                  f"{r['inproc_s_per_100k']} s ({r['inproc_cpu_s_per_100k']} s); {r['inproc_pairs']:,}" if "inproc_s" in r else "not measured")  # fmt: skip
        up_mib = f"{r['inproc_mib_before']} MiB" if "inproc_mib_before" in r else f"{r['up_mib']} MiB"
        lines.append(f"| {r['products']:,} ({r['domains']}), {r['accounts']} | {r['resources']:,} | {r['up_s']} s ({r['up_cpu_s']} s), {up_mib} | "
                     f"{r['apply_s']} s ({r['apply_cpu_s']} s); {r['apply_s_per_1000']} s ({r['apply_cpu_s_per_1000']} s) | {rerun} | {refresh} | {verify} | {inproc} | {access} |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,300,1000")
    parser.add_argument("--accounts", default="one,per-domain")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    parser.add_argument("--steps", default=",".join(STEPS), help="which of up,rerun,verify,access to measure (up always runs)")
    parser.add_argument("--keep", action="store_true", help="keep the rows of local.json this run does not measure (another size or accounts)")
    parser.add_argument("--name", default="local", help="the files written into --out: NAME.json and NAME.md")
    parser.add_argument("--merge", nargs="+", type=Path, help="no measuring: the rows of these local.json files (runs made side by side) into --out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)  # an --out folder of its own, as the README's runs use
    if args.merge:
        rows = sorted((r for path in args.merge for r in json.loads(path.read_text())), key=lambda r: (r["accounts"] != "one", r["accounts"], r["products"]))
        (args.out / f"{args.name}.json").write_text(json.dumps(rows, indent=2) + "\n")
        text = table(rows) + "\n\n" + "\n".join(growth(rows)) + "\n"
        (args.out / f"{args.name}.md").write_text(text)
        print(text)
        return
    sizes, layouts = list(map(int, args.sizes.split(","))), args.accounts.split(",")
    measuring = {(products, accounts) for products in sizes for accounts in layouts}
    saved = json.loads((args.out / f"{args.name}.json").read_text()) if args.keep and (args.out / f"{args.name}.json").exists() else []
    rows = [r for r in saved if (r["products"], r["accounts"]) not in measuring]
    with tempfile.TemporaryDirectory() as work:
        for accounts in layouts:
            for products in sizes:
                rows.append(measure(products, accounts, Path(work), tuple(args.steps.split(","))))
                rows.sort(key=lambda r: (r["accounts"] != "one", r["accounts"], r["products"]))
                (args.out / f"{args.name}.json").write_text(json.dumps(rows, indent=2) + "\n")  # what was measured so far
    text = table(rows) + "\n\n" + "\n".join(growth(rows)) + "\n"
    (args.out / f"{args.name}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
