"""Generated meshes for the benchmarks and the scale tests: realistic fan-in, hubs, busy consumer domains.

    from meshgen import Shape, generate, write_project
    mesh = generate(Shape(products=5000, domains=100))
    write_project(root, mesh, accounts="per-domain")

A mesh is a DAG (inputs only point at earlier products), every input crosses domains, and it passes the
federation's prod rules (SLOs, pinned images, classification of personal data, consumers listed by
sensitive producers, freshness kept on the schedule and along lineage), so validation reaches the resource and limit
rules. Its shape:
- each product reads 0-5 products of other domains (more in an "analytics" domain: 4-5);
- 1% of the products are hubs, read by products of `hub_domains` different domains (every other one, at most),
  `hub_extra` more products besides: 100+ consumers each;
- confidential and restricted producers list the domains (or the products) they serve; public and
  internal ones are open to the mesh;
- every job runs hourly and promises one hour per step of its longest lineage (a source 1 hour, a reader of it 2),
  which keeps the deepest chain of 10,000 products (about 100 steps) under the 168 hours an alarm can watch.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLASSIFICATIONS = ("public", "internal", "internal", "confidential", "confidential", "restricted")
TYPES = ("string", "int", "bigint", "double", "boolean", "date", "timestamp", "decimal(18,2)")
REGION, PREFIX, CLUSTER = "eu-west-1", "gen", "gen-data"
DEFAULT_ACCOUNT = "100000000000"
SCHEDULE = "0 * * * *"  # hourly: a product promises an hour per step of its lineage


@dataclass(frozen=True)
class Shape:
    products: int
    domains: int
    seed: int = 11
    hub_share: float = 0.01  # of the products
    hub_domains: int = 110  # consumer domains per hub (capped by the other domains' number)
    hub_extra: int = 20  # more consumers of each hub, in domains that already read it
    analytics_every: int = 10  # every n-th domain's products read 4-5 inputs


def account_of(domain_index: int) -> str:
    return f"{200000000000 + domain_index:012d}"


def generate(shape: Shape) -> dict:
    """Domains and products as plain data (no files yet)."""
    rng = random.Random(shape.seed)
    domains = [f"dom-{d:03d}" for d in range(shape.domains)]
    products: list[dict] = []
    n_hubs = max(1, round(shape.products * shape.hub_share)) if shape.products >= 100 else 0
    for i in range(shape.products):
        d = i % shape.domains
        classification = CLASSIFICATIONS[rng.randrange(len(CLASSIFICATIONS))]
        products.append(
            {
                "domain": domains[d],
                "name": f"product-{i:05d}",
                "address": f"{domains[d]}/product-{i:05d}",
                "classification": classification,
                "kind": ("source-aligned", "aggregate", "consumer-aligned")[i % 3],
                "spark": i % 5 == 0,
                "image": f"registry.example/{domains[d]}/product-{i:05d}@sha256:{rng.getrandbits(256):064x}",
                "inputs": set(),
                "consumers": set(),
                "columns": rng.randint(6, 10),
            }
        )
    # hubs: among the first products, so that their readers come later (the lineage stays a DAG)
    hubs = list(range(n_hubs))
    for h in hubs:
        readers = [p for p in products[n_hubs:] if p["domain"] != products[h]["domain"]]
        by_domain: dict[str, list[dict]] = {}
        for p in readers:
            by_domain.setdefault(p["domain"], []).append(p)
        chosen = rng.sample(sorted(by_domain), k=min(shape.hub_domains, len(by_domain)))
        for domain in chosen + rng.choices(chosen, k=shape.hub_extra):
            rng.choice(by_domain[domain])["inputs"].add(products[h]["address"])
    for i, p in enumerate(products):
        if i < n_hubs:
            continue
        d = i % shape.domains
        wanted = rng.randint(4, 5) if d % shape.analytics_every == 0 else rng.randint(0, 5)
        wanted = max(0, wanted - len(p["inputs"]))
        earlier = [q for q in products[max(0, i - 400) : i] if q["domain"] != p["domain"]]
        for q in rng.sample(earlier, k=min(len(earlier), wanted)):
            p["inputs"].add(q["address"])
    by_address = {p["address"]: p for p in products}
    for consumer in products:
        for address in consumer["inputs"]:
            producer = by_address[address]
            if producer["classification"] in ("confidential", "restricted"):
                side = consumer["domain"] if rng.random() < 0.7 else consumer["address"]
                producer["consumers"].add(side)
    rank = {c: i for i, c in enumerate(("public", "internal", "confidential", "restricted"))}
    for p in products:
        p["inputs"], p["consumers"] = sorted(p["inputs"]), sorted(p["consumers"])
        # classification flows along lineage (MESH-014): a product below an input it reads says why
        p["declassified"] = any(rank[by_address[a]["classification"]] > rank[p["classification"]] for a in p["inputs"])
        # freshness along lineage (MESH-018): each input's promise plus the hourly job's hour; inputs come earlier
        p["freshness_hours"] = 1 + max((by_address[a]["freshness_hours"] for a in p["inputs"]), default=0)
    return {"shape": shape.__dict__, "domains": domains, "products": products}


def product_yaml(p: dict) -> str:
    sensitive = p["classification"] in ("confidential", "restricted")
    columns = "".join(
        f"    - {{name: col_{c:02d}, type: \"{TYPES[c % len(TYPES)]}\", description: Column {c} of {p['name']}."
        + (", pii: true" if c == 1 and sensitive else "")
        + "}\n"
        for c in range(p["columns"])
    )
    retention = 365 if sensitive else 730
    return (
        "# yaml-language-server: $schema=../../../schemas/product.schema.json\n"
        f"name: {p['name']}\n"
        f"description: Generated product {p['name']} of the {p['domain']} domain, for the benchmarks.\n"
        f"owner: {p['domain']}-data@example.com\nkind: {p['kind']}\nclassification: {p['classification']}\n"
        + ("declassification: Aggregated past any single record of its inputs; reviewed by the federation.\n" if p.get("declassified") else "")
        + "output:\n  format: parquet\n  quality: [{metric: rowCount, mustBeGreaterThan: 0, unit: rows}]\n  columns:\n" + columns
        + "  partitions:\n    - {name: day, type: date, description: Day the data is for.}\n"
        f"inputs: [{', '.join(p['inputs'])}]\nconsumers: [{', '.join(p['consumers'])}]\n"
        f"service_levels: {{freshness_hours: {p.get('freshness_hours', 24)}, availability: 99.5}}\n"
        f"retention_days: {retention}\n"
        f"job:\n  image: {p['image']}\n  schedule: \"{SCHEDULE}\"\n  engine: {'spark' if p['spark'] else 'kubernetes'}\n"
        "  resources: {cpu: \"1\", memory: 2Gi}\n"
    )


def write_project(root: Path, mesh: dict, accounts: str = "one", quotas: dict[str, int] | None = None, stack: str = "prod") -> Path:
    """A project with the real program, governance and schemas, the mesh as domain files and one stack.

    `accounts`: "one" (every domain in the default account) or "per-domain" (an account of its own each).
    `quotas`: quotas declared raised in every account of the stack.
    """
    root.mkdir(parents=True, exist_ok=True)
    for name in ("__main__.py", "Pulumi.yaml", "governance", "schemas"):
        (root / name).symlink_to(ROOT / name)
    for domain in mesh["domains"]:
        folder = root / "domains" / domain / "products"
        folder.mkdir(parents=True)
        (folder.parent / "domain.yaml").write_text(
            "# yaml-language-server: $schema=../../schemas/domain.schema.json\n"
            f"name: {domain}\ndescription: Generated domain {domain}.\nteam: Team {domain}\ncontact: {domain}@example.com\n"
        )
    for p in mesh["products"]:
        (root / "domains" / p["domain"] / "products" / f"{p['name']}.yaml").write_text(product_yaml(p))
    config = {
        "meshplane:environment": "prod",
        "meshplane:accountId": DEFAULT_ACCOUNT,
        "meshplane:deployerRoleArn": f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/meshplane-deployer",
        "meshplane:region": REGION,
        "meshplane:namePrefix": PREFIX,
        "meshplane:cluster": CLUSTER,
        "meshplane:protectData": True,
    }
    if accounts == "per-domain":
        config["meshplane:accounts"] = {
            d: {"accountId": account_of(i), "roleArn": f"arn:aws:iam::{account_of(i)}:role/meshplane-deployer", **({"quotas": quotas} if quotas else {})}
            for i, d in enumerate(mesh["domains"])
        }
    if quotas:
        config["meshplane:quotas"] = quotas
    (root / "stacks").mkdir(exist_ok=True)
    (root / "stacks" / f"Pulumi.{stack}.yaml").write_text("config:\n" + "".join(f"  {k}: {json.dumps(v)}\n" for k, v in config.items()))
    return root
