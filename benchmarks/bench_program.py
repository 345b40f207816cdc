"""Benchmark: the real program for a synthetic 1,000-product mesh under mocks, against a bare program.

    .venv/bin/python benchmarks/bench_program.py [--products 1000] [--domains 50] [--repeat 1] [--profile real|bare]

Writes a synthetic mesh (50 domains, 20 products each, inputs crossing domains, grants through all three
sides of the handshake, some refused) into a temporary project with the real `__main__.py`, and a bare
project whose program registers the same cloud resources directly with pulumi_aws / pulumi_kubernetes:
no components, no mesh model, no governance, every name and document precomputed as plain data. Both are
evaluated by the same mock engine (`meshplane.engine.evaluate`), each in a process of its own so that
peak memory (ru_maxrss) is its own. Then:

- the two inventories must hold the same cloud resources (type and logical name), and their inputs are
  compared resource by resource (a difference is reported: the baseline must stay the same work);
- ratio = real seconds / bare seconds (target <= 1.5x), best of `--repeat`;
- registrations per product (components, domain-level resources and providers included);
- cloud resources per product, without the per-consumer grants (target <= 16);
- peak memory of each process, and its growth over the process after imports.

Exit status 0 when the ratio and the per-product count meet their targets, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STACK = "bench"
ACCOUNT, REGION, PREFIX, CLUSTER = "444444444444", "eu-west-1", "bench", "bench-data"
OPEN = ("public", "internal")  # governance/federation.yaml: open_to_mesh
CLASSIFICATIONS = ("public", "internal", "confidential", "confidential", "restricted")
TYPES = ("string", "int", "bigint", "double", "boolean", "date", "timestamp", "decimal(18,2)")
GRANT = re.compile(r"-read(ers)?/")


# --- the synthetic mesh, as plain data ---------------------------------------------------------------


def synthesize(n_products: int, n_domains: int, seed: int = 3) -> dict:
    """Domains, products and the handshake's grants, decided here once; both programs are written from it."""
    rng = random.Random(seed)
    domains = [f"dom-{d:02d}" for d in range(n_domains)]
    products = []
    for i in range(n_products):
        domain = domains[i % n_domains]
        classification = CLASSIFICATIONS[rng.randrange(len(CLASSIFICATIONS))]
        earlier = [p for p in products[max(0, i - 200):] if p["domain"] != domain]  # inputs cross domains
        inputs = sorted({p["address"] for p in rng.sample(earlier, k=min(len(earlier), rng.randint(0, 3)))})
        name = f"product-{i:04d}"
        products.append(
            {
                "domain": domain,
                "name": name,
                "address": f"{domain}/{name}",
                "classification": classification,
                "kind": ("source-aligned", "aggregate", "consumer-aligned")[i % 3],
                "description": f"Synthetic product {name} of the {domain} domain, for the program benchmark.",
                "owner": f"{domain}-data@example.com",
                "columns": [
                    {"name": f"col_{c:02d}", "type": TYPES[(i + c) % len(TYPES)], "description": f"Column {c} of {name}.",
                     "pii": c == 1 and classification in ("confidential", "restricted")}
                    for c in range(8)
                ],
                "inputs": inputs,
                "consumers": [],
                "spark": i % 5 == 0,
                "image": f"registry.example/{domain}/{name}@sha256:{rng.getrandbits(256):064x}",
            }
        )
    by_address = {p["address"]: p for p in products}
    # the producer's side: sensitive producers list their consumers (by domain or by product), but not all
    for consumer in products:
        for address in consumer["inputs"]:
            producer = by_address[address]
            if producer["classification"] in OPEN or rng.random() < 0.1:
                continue  # open to the mesh, or refused (MESH-005 warns; no grant)
            side = consumer["domain"] if rng.random() < 0.5 else consumer["address"]
            if side not in producer["consumers"]:
                producer["consumers"].append(side)
    for p in products:
        p["consumers"].sort()
    grants = sorted(
        (address, c["address"])
        for c in products
        for address in c["inputs"]
        if by_address[address]["classification"] in OPEN
        or c["address"] in by_address[address]["consumers"]
        or c["domain"] in by_address[address]["consumers"]
    )
    return {"domains": domains, "products": products, "grants": grants}


def write_real(project: Path, mesh: dict) -> None:
    """The real project: the real program, governance and schemas; the synthetic mesh as domain files."""
    for name in ("__main__.py", "Pulumi.yaml", "governance", "schemas"):
        (project / name).symlink_to(ROOT / name)
    _write_stack(project)
    for domain in mesh["domains"]:
        folder = project / "domains" / domain / "products"
        folder.mkdir(parents=True)
        (folder.parent / "domain.yaml").write_text(
            "# yaml-language-server: $schema=../../schemas/domain.schema.json\n"
            f"name: {domain}\ndescription: Synthetic domain {domain}.\nteam: Team {domain}\ncontact: {domain}@example.com\n"
        )
    for p in mesh["products"]:
        columns = "".join(
            f"    - name: {c['name']}\n      type: \"{c['type']}\"\n      description: {c['description']}\n"
            + ("      pii: true\n" if c["pii"] else "")
            for c in p["columns"]
        )
        text = (
            "# yaml-language-server: $schema=../../../schemas/product.schema.json\n"
            f"name: {p['name']}\ndescription: {p['description']}\nowner: {p['owner']}\nkind: {p['kind']}\n"
            f"classification: {p['classification']}\noutput:\n  format: parquet\n  columns:\n{columns}"
            "  partitions:\n    - {name: day, type: date, description: Day the data is for.}\n"
            f"inputs: [{', '.join(p['inputs'])}]\nconsumers: [{', '.join(p['consumers'])}]\n"
            "service_levels: {freshness_hours: 24, availability: 99.5}\nretention_days: 365\n"
            f"job:\n  image: {p['image']}\n  schedule: \"0 3 * * *\"\n  engine: {'spark' if p['spark'] else 'kubernetes'}\n"
            "  resources: {cpu: \"1\", memory: 2Gi}\n  replicas: 2\n"
        )
        (project / "domains" / p["domain"] / "products" / f"{p['name']}.yaml").write_text(text)


def write_bare(project: Path, mesh: dict) -> None:
    """The bare project: a program that registers the resources from precomputed plain data."""
    _write_stack(project)
    (project / "Pulumi.yaml").write_text("name: meshplane\nruntime: python\n")
    (project / "__main__.py").write_text("from bench_program import bare_program\n\nbare_program()\n")
    (project / "bare.json").write_text(json.dumps(mesh))


def _write_stack(project: Path) -> None:
    (project / "stacks").mkdir()
    (project / "stacks" / f"Pulumi.{STACK}.yaml").write_text(
        "config:\n  meshplane:environment: prod\n"
        f"  meshplane:accountId: \"{ACCOUNT}\"\n  meshplane:region: {REGION}\n  meshplane:namePrefix: {PREFIX}\n"
        f"  meshplane:cluster: {CLUSTER}\n  meshplane:protectData: true\n"
    )


# --- the bare program --------------------------------------------------------------------------------


def bare_program() -> None:
    """What a hand-written Pulumi program registers for the same mesh: resources straight from plain data."""
    import pulumi
    import pulumi_aws as aws
    import pulumi_kubernetes as k8s

    mesh = json.loads(Path("bare.json").read_text())
    by_address = {p["address"]: p for p in mesh["products"]}
    aws_provider = aws.Provider(
        "aws", region=REGION, allowed_account_ids=[ACCOUNT],
        default_tags={"tags": {"environment": "prod", "managed-by": "meshplane"}},
    )
    k8s_provider = k8s.Provider("kubernetes", context=None, render_yaml_to_directory=None)
    plain = pulumi.ResourceOptions(provider=aws_provider)
    kept = pulumi.ResourceOptions(provider=aws_provider, protect=True, retain_on_delete=True)
    cluster = pulumi.ResourceOptions(provider=k8s_provider)

    def bucket_of(address: str) -> str:
        domain, name = address.split("/")
        return f"{PREFIX}-{domain}-{name}"

    def role_arn(role: str) -> str:
        return f"arn:aws:iam::{ACCOUNT}:role/{role}"

    def key_use(sid: str, bucket: str, actions: list[str]) -> dict:
        arn = f"arn:aws:s3:::{bucket}"
        return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*",
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"},
                              "StringLike": {"kms:EncryptionContext:aws:s3:arn": [arn, f"{arn}/*"]}}}

    def read_policy(bucket: str) -> str:
        arn = f"arn:aws:s3:::{bucket}"
        return json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "ReadList", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": arn},
            {"Sid": "ReadGet", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": f"{arn}/*"},
            key_use("ReadDecrypt", bucket, ["kms:Decrypt"])]})

    granted_to: dict[str, list[str]] = {}
    readers_of: dict[str, set[str]] = {p["address"]: {role_arn(f"{PREFIX}-{p['domain']}-readers")} for p in mesh["products"]}
    reads: dict[str, set[str]] = {d: set() for d in mesh["domains"]}
    for p in mesh["products"]:
        reads[p["domain"]].add(p["address"])
    for producer, consumer in mesh["grants"]:
        c = by_address[consumer]
        granted_to.setdefault(consumer, []).append(producer)
        readers_of[producer] |= {role_arn(f"{PREFIX}-{c['domain']}-{c['name']}-job"), role_arn(f"{PREFIX}-{c['domain']}-readers")}
        reads[c["domain"]].add(producer)

    for domain in mesh["domains"]:
        tags = {"domain": domain, "owner": f"{domain}@example.com"}
        key = aws.kms.Key(f"{domain}-key", description=f"Data of domain {domain}", enable_key_rotation=True,
                          deletion_window_in_days=30, tags=tags, opts=kept)
        aws.kms.Alias(f"{domain}-key-alias", name=f"alias/{PREFIX}-{domain}", target_key_id=key.key_id, opts=plain)
        aws.glue.CatalogDatabase(f"{domain}-database", name=f"{PREFIX}_{domain}".replace("-", "_"),
                                 description=f"Synthetic domain {domain}.", tags=tags, opts=kept)
        k8s.core.v1.Namespace(f"{domain}-namespace", metadata={"name": domain, "labels": {
            "app.kubernetes.io/managed-by": "meshplane", "meshplane.io/domain": domain,
            "pod-security.kubernetes.io/enforce": "restricted"}}, opts=cluster)
        reader = aws.iam.Role(f"{domain}-readers", name=f"{PREFIX}-{domain}-readers", assume_role_policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Sid": "AccountPrincipalsWithMfa", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}),
            description=f"People of domain {domain}: read its products and what they are granted", tags=tags, opts=plain)
        for address in sorted(reads[domain]):
            aws.iam.RolePolicy(f"{domain}-readers/{address}", role=reader.name, name=f"read-{bucket_of(address)}",
                               policy=read_policy(bucket_of(address)), opts=plain)

    for p in mesh["products"]:
        domain, name, address = p["domain"], p["name"], p["address"]
        own = bucket_of(address)
        arn = f"arn:aws:s3:::{own}"
        tags = {"domain": domain, "product": address, "owner": p["owner"], "classification": p["classification"]}
        labels = {"app.kubernetes.io/managed-by": "meshplane", "meshplane.io/domain": domain, "meshplane.io/product": name}
        bucket = aws.s3.Bucket(f"{address}-bucket", bucket=own, force_destroy=False, tags=tags, opts=kept)
        aws.s3.BucketOwnershipControls(f"{address}-ownership", bucket=bucket.bucket, rule={"object_ownership": "BucketOwnerEnforced"}, opts=plain)
        block = aws.s3.BucketPublicAccessBlock(f"{address}-public-access", bucket=bucket.bucket, block_public_acls=True,
                                               block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True, opts=plain)
        aws.s3.BucketServerSideEncryptionConfiguration(f"{address}-encryption", bucket=bucket.bucket, rules=[{
            "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms",
                                                        "kms_master_key_id": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/{PREFIX}-{domain}"},
            "bucket_key_enabled": True}], opts=plain)
        versioning = aws.s3.BucketVersioning(f"{address}-versioning", bucket=bucket.bucket,
                                             versioning_configuration={"status": "Enabled"}, opts=plain)
        aws.s3.BucketLifecycleConfiguration(f"{address}-lifecycle", bucket=bucket.bucket, rules=[{
            "id": "retention", "status": "Enabled", "filter": {"prefix": ""}, "expiration": {"days": 365},
            "noncurrent_version_expiration": {"noncurrent_days": 365}, "abort_incomplete_multipart_upload": {"days_after_initiation": 7}}],
            opts=pulumi.ResourceOptions.merge(plain, pulumi.ResourceOptions(depends_on=[versioning])))
        statements = [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                       "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
                      {"Sid": "AllowAgreedReaders", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                       "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:GetBucketLocation"],
                       "Resource": [arn, f"{arn}/*"], "Condition": {"ArnEquals": {"aws:PrincipalArn": sorted(readers_of[address])}}}]
        aws.s3.BucketPolicy(f"{address}-policy", bucket=bucket.bucket, policy=json.dumps({"Version": "2012-10-17", "Statement": statements}),
                            opts=pulumi.ResourceOptions.merge(plain, pulumi.ResourceOptions(depends_on=[block])))

        role = aws.iam.Role(f"{address}-job-role", name=f"{PREFIX}-{domain}-{name}-job", assume_role_policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Sid": "EksPodIdentity", "Effect": "Allow",
             "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}),
            description=f"Job of data product {address}", tags=tags, opts=plain)
        aws.iam.RolePolicy(f"{address}-job-policy", role=role.name, name="write-own-product", policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [
                {"Sid": "OwnList", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": arn},
                {"Sid": "OwnReadWrite", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject",
                 "s3:DeleteObject", "s3:AbortMultipartUpload"], "Resource": f"{arn}/*"},
                key_use("OwnKey", own, ["kms:Decrypt", "kms:GenerateDataKey"])]}), opts=plain)
        inputs = granted_to.get(address, [])
        for producer in inputs:
            aws.iam.RolePolicy(f"{address}-read/{producer}", role=role.name, name=f"read-{bucket_of(producer)}",
                               policy=read_policy(bucket_of(producer)), opts=plain)

        meta = {"name": name, "namespace": domain, "labels": labels}
        account = k8s.core.v1.ServiceAccount(f"{address}-service-account", metadata=meta, automount_service_account_token=False, opts=cluster)
        aws.eks.PodIdentityAssociation(f"{address}-pod-identity", cluster_name=CLUSTER, namespace=domain,
                                       service_account=account.metadata.name, role_arn=role.arn, tags=tags, opts=plain)
        env = {"AWS_REGION": REGION, "OUTPUT_LOCATION": f"s3://{own}/", "OUTPUT_TABLE": f"{PREFIX}_{domain}".replace("-", "_") + f".{name.replace('-', '_')}"}
        env.update({f"INPUT_{re.sub(r'[^A-Z0-9]', '_', a.upper())}": f"s3://{bucket_of(a)}/" for a in inputs})
        env_list = [{"name": k, "value": v} for k, v in sorted(env.items())]
        security = {"runAsNonRoot": True, "runAsUser": 65532, "readOnlyRootFilesystem": True, "allowPrivilegeEscalation": False,
                    "privileged": False, "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}}
        if p["spark"]:
            pod = {"cores": 1, "coreRequest": "1", "coreLimit": "1", "memory": "2g", "labels": labels, "serviceAccount": name,
                   "env": env_list, "securityContext": security, "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}]}
            k8s.apiextensions.CustomResource(f"{address}-job", api_version="sparkoperator.k8s.io/v1beta2", kind="ScheduledSparkApplication",
                metadata=meta, spec={"schedule": "0 3 * * *", "suspend": False, "concurrencyPolicy": "Forbid", "template": {
                    "type": "Python", "mode": "cluster", "image": p["image"], "imagePullPolicy": "IfNotPresent",
                    "mainApplicationFile": "local:///app/main.py", "sparkVersion": "3.5.3", "restartPolicy": {"type": "Never"},
                    "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "10Gi"}}], "driver": pod, "executor": {**pod, "instances": 2}}}, opts=cluster)
        else:
            resources = {"cpu": "1", "memory": "2Gi"}
            k8s.batch.v1.CronJob(f"{address}-job", metadata=meta, spec={
                "schedule": "0 3 * * *", "suspend": False, "concurrencyPolicy": "Forbid", "successfulJobsHistoryLimit": 3,
                "failedJobsHistoryLimit": 3, "jobTemplate": {"spec": {"parallelism": 2, "completions": 2, "backoffLimit": 2, "template": {
                    "metadata": {"labels": labels}, "spec": {
                        "serviceAccountName": name, "automountServiceAccountToken": False, "restartPolicy": "Never",
                        "securityContext": {"runAsNonRoot": True, "runAsUser": 65532, "fsGroup": 65532, "seccompProfile": {"type": "RuntimeDefault"}},
                        "containers": [{"name": "job", "image": p["image"], "imagePullPolicy": "IfNotPresent", "env": env_list,
                                        "resources": {"requests": resources, "limits": resources}, "securityContext": security,
                                        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}]}],
                        "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "1Gi"}}]}}}}}, opts=cluster)

        columns = [{"name": c["name"], "type": c["type"], "comment": c["description"] + (" [pii]" if c["pii"] else "")} for c in p["columns"]]
        aws.glue.CatalogTable(f"{address}-table", database_name=f"{PREFIX}_{domain}".replace("-", "_"), name=name.replace("-", "_"),
            description=p["description"], table_type="EXTERNAL_TABLE", parameters={
                "classification": "parquet", "EXTERNAL": "TRUE", "meshplane_address": address, "owner": p["owner"], "kind": p["kind"],
                "data_classification": p["classification"], "retention_days": "365", "inputs": ",".join(p["inputs"]),
                "pii_columns": ",".join(c["name"] for c in p["columns"] if c["pii"]), "freshness_hours": "24", "availability": "99.5"},
            storage_descriptor={"location": f"s3://{own}/", "input_format": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "output_format": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "ser_de_info": {"serialization_library": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}, "columns": columns},
            partition_keys=[{"name": "day", "type": "date", "comment": "Day the data is for."}], opts=kept)


# --- one evaluation, in a process of its own --------------------------------------------------------


def child(which: str, project: Path, out: Path, profile: bool) -> None:
    import pulumi_aws  # noqa: F401  (imported before the baseline: memory is then the evaluation's own)
    import pulumi_kubernetes  # noqa: F401

    from meshplane.engine import evaluate

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
    }))


def run_child(which: str, project: Path, tmp: Path, profile: bool) -> dict:
    out = tmp / f"{which}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", which, "--project", str(project), "--out", str(out)]
    if profile:
        command.append("--profile-child")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parent), os.environ.get("PYTHONPATH", "")])}
    subprocess.run(command, check=True, env=env)
    return json.loads(out.read_text())


def compare(real: list, bare: list) -> tuple[list[str], int]:
    """Cloud resources (type, name) in one inventory and not the other; the number whose inputs differ."""
    def cloud(rows):
        return {(r[0], r[1]): r for r in rows if r[2]}

    r, b = cloud(real), cloud(bare)
    missing = [f"only in real: {k}" for k in sorted(r.keys() - b.keys())] + [f"only in bare: {k}" for k in sorted(b.keys() - r.keys())]
    differ = [k for k in r.keys() & b.keys() if (r[k][6], r[k][7], r[k][8]) != (b[k][6], b[k][7], b[k][8])]
    for k in sorted(differ)[:3]:
        keys = sorted(set(r[k][8] or {}) | set(b[k][8] or {}))
        diff = {key: ((r[k][8] or {}).get(key), (b[k][8] or {}).get(key)) for key in keys if (r[k][8] or {}).get(key) != (b[k][8] or {}).get(key)}
        print(f"  inputs differ: {k}: {json.dumps(diff)[:400]}", file=sys.stderr)
    return missing, len(differ)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--domains", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=1, help="evaluations of each program (best time kept)")
    parser.add_argument("--profile", choices=("real", "bare"), help="print a cProfile of that program's evaluation (slower)")
    parser.add_argument("--child", choices=("real", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.project, args.out, args.profile_child)
        return 0

    mesh = synthesize(args.products, args.domains)
    with tempfile.TemporaryDirectory(prefix="meshplane-bench-program-") as name:
        tmp = Path(name)
        projects = {"real": tmp / "real", "bare": tmp / "bare"}
        for which, project in projects.items():
            project.mkdir()
        write_real(projects["real"], mesh)
        write_bare(projects["bare"], mesh)
        runs: dict[str, list[dict]] = {"real": [], "bare": []}
        for _ in range(args.repeat):
            for which in ("bare", "real"):  # side by side, alternating
                runs[which].append(run_child(which, projects[which], tmp, profile=args.profile == which))
                print(f"  {which}: {runs[which][-1]['seconds']:.1f} s", file=sys.stderr)
    real = min(runs["real"], key=lambda r: r["seconds"])
    bare = min(runs["bare"], key=lambda r: r["seconds"])
    missing, differ = compare(real["resources"], bare["resources"])

    n = len(mesh["products"])
    rows = real["resources"]
    cloud = [r for r in rows if r[2] and not r[3]]
    per_product = Counter(r[0] for r in cloud if r[4] and not GRANT.search(r[1]))
    job_grants = sum(1 for r in cloud if r[4] and GRANT.search(r[1]))
    domain_level = [r for r in cloud if not r[4]]
    reader_grants = sum(1 for r in domain_level if GRANT.search(r[1]))
    own_per_product = sum(per_product.values()) / n
    ratio = real["seconds"] / bare["seconds"]
    components = sum(1 for r in rows if not r[2])
    print(f"bench_program: {n} products, {len(mesh['domains'])} domains, {len(mesh['grants'])} grants "
          f"({sum(len(p['inputs']) for p in mesh['products']) - len(mesh['grants'])} inputs refused)")
    for which, r in (("real", real), ("bare", bare)):
        regs = len(r["resources"])
        print(f"  {which:<4}: {r['seconds']:6.1f} s  {regs:6d} registrations ({regs / n:.1f} per product)  "
              f"peak RSS {r['rss_peak_kib'] / 1024:6.0f} MiB (+{(r['rss_peak_kib'] - r['rss_after_imports_kib']) / 1024:.0f} MiB over imports)")
    print(f"  ratio real/bare: {ratio:.2f}x (target <= 1.5x, best of {args.repeat})")
    print(f"  registrations per product (real, components, domain-level and providers included): {len(rows) / n:.2f} "
          f"({components} components)")
    print(f"  cloud resources per product without per-consumer grants: {own_per_product:.1f} (target <= 16); "
          f"per-consumer grants on job roles: {job_grants} ({job_grants / n:.1f} per product); "
          f"per domain: {(len(domain_level) - reader_grants) / len(mesh['domains']):.0f} + {reader_grants / len(mesh['domains']):.0f} reader grants")
    print(f"  same cloud resources: {'yes' if not missing else 'NO'} ({len([r for r in bare['resources'] if r[2] and not r[3]])} in bare); "
          f"inputs differing: {differ}")
    for line in missing[:10]:
        print(f"  {line}")
    ok = ratio <= 1.5 and own_per_product <= 16 and not missing and not differ
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
