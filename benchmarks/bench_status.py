"""Benchmark: `meshplane status` on generated meshes deployed to the emulator, its time and its API calls per product.

    .venv/bin/python benchmarks/bench_status.py [--sizes 50,200]

Each mesh comes from `meshgen` (an account per domain, 20 products per domain). The emulator gets each product's current
bucket with one data object (and one stored quality result for every tenth product), each product's quality access
point and each domain's quality role: what `status` reads, without the rest of `up --local`. `status --format json` then runs as the user runs it, a process of its own, timed by wall clock
and CPU: its own (user + system, from wait4) and the emulator's (moto serves from threads of this process: its CPU
time over the same span). The machine may be loaded: CPU seconds are the figure to compare, wall clock is printed too.
The API calls per product it prints must not grow with the mesh: the last line gives each size's and their ratio,
largest size over smallest (1.00: constant).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from meshgen import Shape, generate, write_project

from meshplane.compose.locate import location
from meshplane.compose.monitoring import quality_name, quality_role_arn
from meshplane.local.emulator import Emulator, connect_all, reset
from meshplane.registrations.project import open_project

BIN = Path(sys.executable).parent


def deploy_data(root: Path, endpoint: str) -> int:
    project = open_project(root, stack="prod")
    settings = project.settings
    accounts = connect_all(endpoint, settings)
    roles: set[str] = set()
    for i, (address, declared) in enumerate(sorted(project.mesh.products.items())):
        where = location(settings, declared, declared.spec.output.version)
        s3 = accounts[where.account].client("s3")
        s3.create_bucket(Bucket=where.bucket, CreateBucketConfiguration={"LocationConstraint": settings.region})
        s3.put_object(Bucket=where.bucket, Key="day=2026-12-07/part-0.parquet", Body=b"rows")
        if i % 10 == 0:  # stored by the domain's quality role
            s3.put_object(Bucket=where.bucket, Key="_meshplane/quality/1/run.json", Body=b'{"failed": false}')
        # status lists and reads each product as its domain's quality role, through the product's access point
        role = quality_role_arn(settings, declared.domain).rsplit("/", 1)[1]
        if role not in roles:
            accounts[where.account].client("iam").create_role(RoleName=role, AssumeRolePolicyDocument="{}")
            roles.add(role)
        accounts[where.account].client("s3control").create_access_point(
            AccountId=where.account, Name=quality_name(settings, declared, declared.spec.output.version), Bucket=where.bucket
        )
    return len(project.mesh.products)


def measure(products: int, tmp: Path) -> dict:
    root = write_project(tmp / f"p{products}", generate(Shape(products=products, domains=max(5, products // 20))), "per-domain")
    with Emulator() as emulator:
        reset(emulator.endpoint)  # moto keeps its state per process: each size starts from an empty cloud
        deploy_data(root, emulator.endpoint)
        command = [str(BIN / "meshplane"), "status", "--stack", "prod", "--endpoint", emulator.endpoint, "--format", "json"]
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            start, served = time.perf_counter(), time.process_time()
            process = subprocess.Popen(command, cwd=root, stdout=out, stderr=err)
            _, status, usage = os.wait4(process.pid, 0)
            wall, emulator_cpu = time.perf_counter() - start, time.process_time() - served
            out.seek(0)
            err.seek(0)
            text, said = out.read().decode(), err.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"status exited {os.waitstatus_to_exitcode(status)}: {said[-2000:]}")
    report = json.loads(text)
    states = {p["state"] for p in report["products"]}
    return {
        "products": products, "wall_s": round(wall, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2), "emulator_cpu_s": round(emulator_cpu, 2),
        "calls": report["calls"], "calls_per_product": report["calls_per_product"], "states": sorted(states),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="meshplane-bench-status-") as tmp:
        for size in (int(s) for s in args.sizes.split(",") if s):
            rows.append(measure(size, Path(tmp)))
            print(json.dumps(rows[-1]), file=sys.stderr)
    print("| products | status CPU s | emulator CPU s | status wall s | API calls | calls per product |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['products']:,} | {r['cpu_s']:.2f} | {r['emulator_cpu_s']:.2f} | {r['wall_s']:.2f} | {r['calls']} | {r['calls_per_product']:.2f} |")
    print(calls_line(rows))
    return 0


def calls_line(rows: list[dict]) -> str:
    """Each size's API calls per product and their ratio, largest size over smallest."""
    sizes = "; ".join(f"{r['products']:,} products: {r['calls_per_product']:.2f}" for r in rows)
    if len(rows) < 2:
        return f"API calls per product: {sizes}"
    small, large = min(rows, key=lambda r: r["products"]), max(rows, key=lambda r: r["products"])
    ratio = large["calls_per_product"] / small["calls_per_product"]
    return f"API calls per product: {sizes}; ratio {large['products']:,} / {small['products']:,} = {ratio:.2f} (1.00: constant in the mesh's size)"


if __name__ == "__main__":
    sys.exit(main())
