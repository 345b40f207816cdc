"""Benchmark: the real program for a generated mesh under mocks, against a bare program registering the same resources.

    .venv/bin/python benchmarks/bench_program.py [--products 1000] [--domains 50] [--accounts per-domain] [--repeat 1]
                                                 [--profile real|bare] [--json FILE]

The real project is a generated mesh (`meshgen`: hubs, busy consumer domains, an account per domain) with
the real `__main__.py`: it loads and checks the mesh, applies the mesh rules, composes and registers its
components. The bare project's program registers the same cloud resources straight with the pulumi-aws /
pulumi-kubernetes classes, from plain data written before it runs: no mesh, no governance, no components,
every name and document precomputed; where the real program passes one resource's output to another (a
key's ARN, a bucket's name, a role's name), the bare one passes the same output. Both are evaluated by the
same mock engine (`meshplane.registrations.engine.evaluate`, the cyclic collector off for both, as a command runs it), each
in a process of its own so that peak memory (ru_maxrss) is its own. Then:

- the two inventories must hold the same cloud resources (type and logical name) with the same inputs and
  the same protection, else the result is void (the baseline must stay the same work);
- ratio = real seconds / bare seconds (target <= 1.15x), best of `--repeat`;
- registrations per product (components, domain-level resources and providers included), cloud resources
  per product, and peak memory of each process over its imports.

Exit status 0 when the ratio meets its target and the inventories agree, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from meshgen import Shape, generate, write_project

ROOT = Path(__file__).resolve().parent.parent
STACK = "prod"
TARGET = 1.15


# --- the bare program's data, written by the parent --------------------------------------------------


def bare_records(project: Path) -> dict:
    """Every provider and cloud resource the real program registers, as plain data (a `Ref` as its target's name)."""
    from components.domain import domain_children
    from components.product import product_children
    from components.spec import Ref
    from meshplane.compose.stack_plan import compose
    from meshplane.registrations.project import open_project

    loaded = open_project(project, stack=STACK)
    plan = compose(loaded.mesh, loaded.settings, loaded.federation)
    settings = plan.settings
    records: list[dict] = []

    def plain(value, owner: str, domain: str):
        if isinstance(value, Ref):
            return {"$ref": [f"{owner if value.scope == 'self' else domain}-{value.suffix}", value.output]}
        if isinstance(value, dict):
            return {k: plain(v, owner, domain) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v, owner, domain) for v in value]
        return value.value if hasattr(value, "value") else value

    def add(owner: str, domain: str, children, protection) -> None:
        for child in children:
            account = settings.account_id if child.provider == "cluster" else settings.account_of(domain)
            records.append({
                "token": child.token,
                "name": f"{owner}-{child.suffix}",
                "props": plain(dict(child.props), owner, domain),
                "provider": "kubernetes" if child.provider == "kubernetes" else account,
                "protect": child.stateful and protection.value == "protected",
                "after": [f"{owner}-{s}" for s in child.after],
            })  # fmt: skip

    for name, args in plan.domains:
        add(name, name, domain_children(name, args), args.protection)
    for address, args in plan.products:
        add(address, address.split("/")[0], product_children(args), args.protection)
    return {
        "providers": {settings.account_id: _provider(plan.providers.aws), **{a: _provider(p) for a, p in plan.providers.accounts.items()}},
        "default": settings.account_id,
        "resources": records,
    }


def _provider(args) -> dict:
    return {"region": args.region, "account": args.account, "tags": dict(args.default_tags), "role": args.assume_role}


def bare_program() -> None:
    """What a hand-written Pulumi program registers for the same mesh: resources straight from plain data."""
    import pulumi
    import pulumi_aws as aws
    import pulumi_kubernetes as k8s

    from components.registry import classes

    data = json.loads(Path("bare.json").read_text())
    providers: dict[str, pulumi.ProviderResource] = {"kubernetes": k8s.Provider("kubernetes")}
    for account, p in data["providers"].items():
        name = "aws" if account == data["default"] else f"aws-{account}"
        roles = [aws.ProviderAssumeRoleArgs(role_arn=p["role"], session_name="meshplane")] if p["role"] else None
        providers[account] = aws.Provider(name, region=p["region"], allowed_account_ids=[p["account"]], default_tags={"tags": p["tags"]}, assume_roles=roles)
    made: dict[str, pulumi.CustomResource] = {}
    kinds = classes()

    def resolve(value):
        if isinstance(value, dict):
            if "$ref" in value:
                name, output = value["$ref"]
                return getattr(made[name], output)
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value

    for r in data["resources"]:
        opts = pulumi.ResourceOptions(
            provider=providers[r["provider"]], protect=r["protect"], retain_on_delete=r["protect"], depends_on=[made[n] for n in r["after"]]
        )
        made[r["name"]] = kinds[r["token"]](r["name"], **resolve(r["props"]), opts=opts)


# --- one evaluation, in a process of its own --------------------------------------------------------


def child(which: str, project: Path, out: Path, profile: bool) -> None:
    import pulumi_aws  # noqa: F401  (imported before the baseline: memory is then the evaluation's own)
    import pulumi_kubernetes  # noqa: F401

    from meshplane.registrations import heap
    from meshplane.registrations.engine import evaluate

    stack = contextlib.ExitStack()
    stack.enter_context(heap.for_the_process())  # as a command runs it: the collector off, no collection at the end
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        ev = profiler.runcall(evaluate, STACK, root=project)
        seconds = time.perf_counter() - start
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    else:
        ev = evaluate(STACK, root=project)
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.write_text(json.dumps({
        "which": which,
        "seconds": seconds,
        "rss_after_imports_kib": before,
        "rss_peak_kib": peak,
        "resources": [
            [r.type, r.name, r.custom, r.is_provider, r.product, r.domain, r.protect, r.retain_on_delete, r.inputs if r.custom else None]
            for r in ev.resources
        ],
    }))  # fmt: skip


def run_child(which: str, project: Path, tmp: Path, profile: bool) -> dict:
    out = tmp / f"{which}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", which, "--project", str(project), "--out", str(out)]
    if profile:
        command.append("--profile-child")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parent), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    subprocess.run(command, check=True, env=env)
    return json.loads(out.read_text())


def compare(real: list, bare: list) -> tuple[list[str], list[str]]:
    """Cloud resources (type, name) in one inventory and not the other; those whose inputs or protection differ."""

    def cloud(rows):
        return {(r[0], r[1]): r for r in rows if r[2] and not r[3]}

    r, b = cloud(real), cloud(bare)
    missing = [f"only in real: {k}" for k in sorted(r.keys() - b.keys())] + [f"only in bare: {k}" for k in sorted(b.keys() - r.keys())]
    differ = sorted(f"{k[0]} {k[1]}" for k in r.keys() & b.keys() if (r[k][6], r[k][7], r[k][8]) != (b[k][6], b[k][7], b[k][8]))
    return missing, differ


def measure(products: int, domains: int, accounts: str, repeat: int, profile: str | None) -> dict:
    """Both programs on one generated mesh: the figures `main` prints and `bench_scale` records."""
    with tempfile.TemporaryDirectory(prefix="meshplane-bench-program-") as name:
        tmp = Path(name)
        real_project = write_project(tmp / "real", generate(Shape(products=products, domains=domains)), accounts)
        bare_project = tmp / "bare"
        (bare_project / "stacks").mkdir(parents=True)
        (bare_project / "Pulumi.yaml").write_text("name: meshplane\nruntime: python\n")
        (bare_project / "stacks" / f"Pulumi.{STACK}.yaml").write_text((real_project / "stacks" / f"Pulumi.{STACK}.yaml").read_text())
        (bare_project / "__main__.py").write_text("from bench_program import bare_program\n\nbare_program()\n")
        (bare_project / "bare.json").write_text(json.dumps(bare_records(real_project)))
        runs: dict[str, list[dict]] = {"real": [], "bare": []}
        for _ in range(repeat):
            for which, project in (("bare", bare_project), ("real", real_project)):  # side by side, alternating
                runs[which].append(run_child(which, project, tmp, profile=profile == which))
                print(f"  {which}: {runs[which][-1]['seconds']:.1f} s", file=sys.stderr)
    real = min(runs["real"], key=lambda r: r["seconds"])
    bare = min(runs["bare"], key=lambda r: r["seconds"])
    missing, differ = compare(real["resources"], bare["resources"])
    cloud = sum(1 for r in real["resources"] if r[2] and not r[3])
    return {
        "products": products,
        "domains": domains,
        "accounts": accounts,
        "real_seconds": round(real["seconds"], 2),
        "bare_seconds": round(bare["seconds"], 2),
        "ratio": round(real["seconds"] / bare["seconds"], 3),
        "registrations": len(real["resources"]),
        "registrations_per_product": round(len(real["resources"]) / products, 2),
        "cloud_resources_per_product": round(cloud / products, 2),
        "components": sum(1 for r in real["resources"] if not r[2]),
        "real_peak_mib": round(real["rss_peak_kib"] / 1024),
        "real_growth_mib": round((real["rss_peak_kib"] - real["rss_after_imports_kib"]) / 1024),
        "bare_peak_mib": round(bare["rss_peak_kib"] / 1024),
        "bare_growth_mib": round((bare["rss_peak_kib"] - bare["rss_after_imports_kib"]) / 1024),
        "same_resources": not missing and not differ,
        "missing": missing[:10],
        "differ": differ[:10],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--domains", type=int, default=50)
    parser.add_argument("--accounts", choices=("one", "per-domain"), default="per-domain")
    parser.add_argument("--repeat", type=int, default=1, help="evaluations of each program (best time kept)")
    parser.add_argument("--profile", choices=("real", "bare"), help="print a cProfile of that program's evaluation (slower)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", choices=("real", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.project, args.out, args.profile_child)
        return 0

    m = measure(args.products, args.domains, args.accounts, args.repeat, args.profile)
    print(f"bench_program: {m['products']} products, {m['domains']} domains, accounts {m['accounts']}")
    for which in ("real", "bare"):
        print(f"  {which:<4}: {m[f'{which}_seconds']:6.1f} s  peak RSS {m[f'{which}_peak_mib']:6d} MiB (+{m[f'{which}_growth_mib']} MiB over imports)")
    print(f"  ratio real/bare: {m['ratio']:.2f}x (target <= {TARGET}x, best of {args.repeat})")
    print(f"  registrations: {m['registrations']} ({m['registrations_per_product']} per product, {m['components']} components); "
          f"cloud resources per product: {m['cloud_resources_per_product']}")  # fmt: skip
    print(f"  same cloud resources, inputs and protection: {'yes' if m['same_resources'] else 'NO'}")
    for line in m["missing"] + [f"inputs differ: {d}" for d in m["differ"]]:
        print(f"    {line}")
    if args.json:
        args.json.write_text(json.dumps(m, indent=2) + "\n")
    return 0 if m["ratio"] <= TARGET and m["same_resources"] else 1


if __name__ == "__main__":
    sys.exit(main())
