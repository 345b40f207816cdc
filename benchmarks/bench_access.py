"""Benchmark: the access model at scale, on generated meshes (benchmarks/meshgen.py).

    .venv/bin/python benchmarks/bench_access.py [--sizes 1000,5000] [--one-account 2000] [--samples 5] [--fit]

For each size, with an AWS account per domain and AWS's default quotas: `meshplane validate --env prod`
(its exit status, its limit findings, time and memory), then over the offline inventory:
- the tightest use of every quota and document size (the headroom is 80%);
- the busiest readers (distinct products a domain's people read through agreements) and hubs;
- K: the most agreements one packed document holds; cloud resources per product, agreements excluded;
- N: for `--samples` new agreements added one at a time, the resources created, changed or deleted.
Then the same generator, same seed, in one account with the quotas AWS raises declared raised, and with
`--fit`, the largest product count of that distribution that fits one account, and the limit that binds.
Results go to benchmarks/results/access.json; exit 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
# one new agreement, at most: the producer's access point, key grant and (a consumer domain new to it) catalog grant;
# the consumer's job slot and its domain's readers slot, each one document, or four changes when it splits (the
# document replaced by two, the role's attachments); the consumer's own table parameters and job environment
N_BOUND = 3 + 4 + 4 + 2
RESOURCES_BOUND = 20  # a one-version product's own cloud resources, its monitors included (15 before them)
sys.path.insert(0, str(HERE))

from meshgen import Shape, generate, write_project  # noqa: E402

from components import tokens  # noqa: E402
from meshplane import cli  # noqa: E402
from meshplane.cloud.documents import as_list  # noqa: E402
from meshplane.cloud.quotas import QUOTAS, Per  # noqa: E402
from meshplane.compose.stack_plan import compose  # noqa: E402
from meshplane.registrations.inventory_build import build  # noqa: E402
from meshplane.registrations.offline import offline  # noqa: E402
from meshplane.registrations.project import open_project  # noqa: E402

RAISED = {q.id: q.maximum for q in QUOTAS.values() if q.adjustable and q.maximum}  # every quota AWS raises up to a published maximum
AGREEMENT_TYPES = (tokens.ACCESS_POINT, tokens.LF_PERMISSIONS, tokens.MANAGED_POLICY, tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE)


def validate(root: Path) -> dict:
    """`meshplane validate --env prod` in `root`: status, limit findings, seconds."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(root), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        started = time.perf_counter()
        status = cli.main(["validate", "--env", "prod"])
        seconds = time.perf_counter() - started
    findings = [line for line in err.getvalue().splitlines() if ": LIM-" in line]
    return {"status": status, "seconds": round(seconds, 2), "limit_findings": len(findings), "first_findings": findings[:3]}


def tightest(rows) -> dict[str, dict]:
    best: dict[str, object] = {}
    for row in rows:
        if row.quota.id not in best or row.share > best[row.quota.id].share:
            best[row.quota.id] = row
    return {q: {"used": r.used, "limit": r.limit, "share": round(r.share, 3), "of": r.subject} for q, r in sorted(best.items(), key=lambda kv: -kv[1].share)}


def slot_size(r) -> int:
    """Agreements one packed document holds: its access points (a job's) or its tables (a domain's people's)."""
    (statement,) = json.loads(r.inputs["policy"])["Statement"]
    arns = as_list(statement["Resource"])
    return sum(1 for a in arns if (":accesspoint/" in a and not a.endswith("/object/*")) or ":table/" in a)


def per_product(resources) -> Counter:
    """Cloud resources of each product, its agreements' (either side) left out."""
    counts: Counter = Counter()
    for r in resources:
        if not r.custom or r.is_provider or not r.product:
            continue
        agreement = r.type in AGREEMENT_TYPES or (r.type == tokens.KEY_GRANT and "-to/" in r.name)
        if not agreement:
            counts[r.product] += 1
    return counts


def changes(before, after) -> int:
    """Resources created, deleted or changed between two inventories (by URN, then inputs)."""
    a, b = {r.urn: r.inputs for r in before if r.custom}, {r.urn: r.inputs for r in after if r.custom}
    return len(a.keys() ^ b.keys()) + sum(1 for urn in a.keys() & b.keys() if a[urn] != b[urn])


def one_new_agreement(project, rng: random.Random, samples: int) -> list[int]:
    """N for `samples` new agreements: a consumer declares a new input, and the producer agrees (when it must)."""
    mesh, settings, federation = project.mesh, project.settings.model_copy(update={"domains": None}), project.federation
    base = build(compose(mesh, settings, federation), "prod")
    found = []
    addresses = list(mesh.products)
    while len(found) < samples:
        consumer, producer = mesh.products[rng.choice(addresses)], mesh.products[rng.choice(addresses)]
        if consumer.domain == producer.domain or producer.address in consumer.spec.inputs or consumer.address < producer.address:
            continue  # inputs point at earlier products: the lineage stays a DAG
        reading = consumer.spec.model_copy(update={"inputs": (*consumer.spec.inputs, producer.address)})
        agreeing = producer.spec
        if producer.spec.classification.value in ("confidential", "restricted") and consumer.domain not in producer.spec.consumers:
            agreeing = producer.spec.model_copy(update={"consumers": (*producer.spec.consumers, consumer.address)})
        products = {**mesh.products, consumer.address: consumer.__class__(consumer.domain, reading, consumer.source),
                    producer.address: producer.__class__(producer.domain, agreeing, producer.source)}  # fmt: skip
        changed = mesh.__class__(mesh.domains, products)
        found.append(changes(base, build(compose(changed, settings, federation), "prod")))
    return found


def measure(shape: Shape, accounts: str, quotas: dict | None, samples: int, workdir: Path) -> dict:
    root = write_project(workdir / f"{accounts}-{shape.products}", generate(shape), accounts, quotas)
    result = {"products": shape.products, "domains": shape.domains, "accounts": accounts, "raised": quotas or {}}
    result["validate"] = validate(root)
    project = open_project(root, stack="prod")
    stack = offline(project, whole_mesh=True)
    resources, rows = stack.resources, stack.usage()
    result["tightest"] = tightest(rows)
    result["max_share"] = max(r.share for r in rows)
    documents = [r for r in rows if r.quota.per is not Per.account]
    result["max_document_share"] = round(max(r.share for r in documents), 3)
    grants = project.mesh.grants(project.federation.open_classifications)
    reads = defaultdict(set)
    for g in grants:
        if not g.producer.startswith(f"{g.consumer_domain}/"):
            reads[g.consumer_domain].add(g.producer)
    readers = sorted((len(v) for v in reads.values()), reverse=True)
    consumers, domains = defaultdict(set), defaultdict(set)
    for g in grants:
        consumers[g.producer].add(g.consumer)
        domains[g.producer].add(g.consumer_domain)
    result["readers"] = {"max": readers[0] if readers else 0, "domains_reading_200_plus": sum(1 for n in readers if n >= 200)}
    result["hubs"] = {
        "max_consumers": max((len(v) for v in consumers.values()), default=0),
        "max_consumer_domains": max((len(v) for v in domains.values()), default=0),
        "products_read_by_100_plus": sum(1 for v in consumers.values() if len(v) >= 100),
    }
    result["agreements"] = len(grants)
    slots = [slot_size(r) for r in resources if r.type == tokens.MANAGED_POLICY]
    result["K"] = max(slots, default=0)
    counts = per_product(resources)
    result["resources_per_product"] = {"max": max(counts.values()), "min": min(counts.values())}
    result["registrations"] = len(resources)
    started = time.perf_counter()
    result["N"] = one_new_agreement(project, random.Random(shape.seed), samples)
    result["N_seconds"] = round(time.perf_counter() - started, 1)
    return result


def fits(n: int, domains: int, workdir: Path) -> tuple[bool, str]:
    """Whether `n` products of the distribution fit one account with the raisable quotas raised: no limit finding."""
    root = write_project(workdir / f"fit-{n}", generate(Shape(n, domains)), "one", RAISED)
    stack = offline(open_project(root, stack="prod"), whole_mesh=True)
    headroom = open_project(root).federation.headroom
    binding = sorted(stack.usage(), key=lambda r: -r.share)[0]
    return binding.share < headroom, f"{binding.quota.id} ({binding.subject}): {binding.used:,} of {binding.limit:,}"


def largest_fit(domains: int, workdir: Path, low: int, high: int) -> dict:
    steps = []
    while high - low > 100:
        middle = (low + high) // 2 // 50 * 50
        ok, binding = fits(middle, domains, workdir)
        steps.append({"products": middle, "fits": ok, "binding": binding})
        low, high = (middle, high) if ok else (low, middle)
    return {"largest": low, "binding_at_next": next((s["binding"] for s in reversed(steps) if not s["fits"]), None), "steps": steps}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--domains", type=int, default=100)
    parser.add_argument("--one-account", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--fit", action="store_true", help="search the largest product count that fits one account")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "access.json")
    args = parser.parse_args(argv)
    report: dict = {"runs": []}
    with tempfile.TemporaryDirectory(prefix="meshplane-access-") as tmp:
        for n in (int(s) for s in args.sizes.split(",") if s):
            run = measure(Shape(n, args.domains), "per-domain", None, args.samples, Path(tmp))
            report["runs"].append(run)
            print(summary(run))
        if args.one_account:
            run = measure(Shape(args.one_account, args.domains), "one", RAISED, args.samples, Path(tmp))
            report["runs"].append(run)
            print(summary(run))
        if args.fit:
            report["one_account_fit"] = largest_fit(args.domains, Path(tmp), args.one_account, 12_000)
            fit = report["one_account_fit"]
            print(f"one account, quotas raised to AWS's maxima: at most {fit['largest']:,} products of this distribution fit; "
                  f"the binding limit past it: {fit['binding_at_next']}")  # fmt: skip
    report["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    missed = [r for r in report["runs"] if r["validate"]["status"] != 0 or r["validate"]["limit_findings"] or r["max_share"] >= 0.8
              or r["resources_per_product"]["max"] > RESOURCES_BOUND or max(r["N"]) > N_BOUND]  # fmt: skip
    print(f"wrote {args.out}; targets {'missed by ' + str(len(missed)) + ' run(s)' if missed else 'met'}")
    return 1 if missed else 0


def summary(run: dict) -> str:
    v = run["validate"]
    return (
        f"{run['products']:,} products, {run['domains']} domains, {run['accounts']} account(s), {run['agreements']:,} agreements: "
        f"validate exit {v['status']} in {v['seconds']} s, {v['limit_findings']} limit finding(s); tightest {run['max_share']:.0%} "
        f"({next(iter(run['tightest']))}), documents at most {run['max_document_share']:.0%}; busiest readers read {run['readers']['max']} "
        f"products ({run['readers']['domains_reading_200_plus']} domains read 200+); {run['hubs']['products_read_by_100_plus']} hubs read by 100+ products, up to {run['hubs']['max_consumers']} from {run['hubs']['max_consumer_domains']} domains; "
        f"K {run['K']} agreements per packed document; {run['resources_per_product']['max']} resources per product without agreements; "
        f"N {max(run['N'])} (of {run['N']}) per new agreement"
    )


if __name__ == "__main__":
    sys.exit(main())
