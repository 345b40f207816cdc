"""`meshplane access`: the effective access matrix from the declarations, and its proof against the emulator.

Principals are the roles the platform makes: each product's job role (writes its product, reads the
inputs granted to it) and each domain's reader role (reads the domain's products and what they are
granted). The matrix is computed from the declarations alone.

The check (`--check`) acts as every principal on every deployed product with moto's IAM enforcement on,
tries to read and write the product's bucket, and compares with the matrix. What moto cannot judge is
set aside openly, not faked (shared/NOTES.md, and the README):
- moto grants nothing through a bucket policy's Allow, and applies a bucket policy's Deny to every
  object request whatever its Principal or Condition, so the TLS-only Deny would refuse every request
  over local http: the bucket policies are lifted for the probe and restored afterwards;
- a job role trusts only EKS Pod Identity and a reader role only MFA-authenticated people, which no
  local caller can be: the roles are assumed before enforcement starts (moto checks trust then only),
  so trust policies are not part of the check;
- moto evaluates identity-policy conditions without the request's context, so KMS use (bound by
  `kms:ViaService` and the encryption context) cannot be probed; the S3 statements have no condition.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable

from botocore.exceptions import ClientError

from meshplane import naming
from meshplane.compose import location, scope
from meshplane.local.emulator import Aws, enforcement, error_code
from meshplane.mesh import Mesh
from meshplane.problems import Problem
from meshplane.project import Project

PROBE_PREFIX = ".meshplane-access-check/"
PROBE_KEY = PROBE_PREFIX + "probe"
SESSION = "meshplane-access-check"
DENIED = frozenset({"AccessDenied", "403", "Forbidden"})


class Level(str, Enum):
    none = "none"
    read = "read"
    write = "write"


SYMBOL = {Level.none: ".", Level.read: "R", Level.write: "W"}


@dataclass(frozen=True)
class Principal:
    role: str  # the IAM role's name
    kind: str  # "job" or "readers"
    owner: str  # the product address (job) or the domain (readers)
    path: str  # the file that declares it

    @property
    def label(self) -> str:
        return f"{self.owner} job" if self.kind == "job" else f"{self.owner} readers"


@dataclass
class Matrix:
    stack: str
    principals: list[Principal]
    products: list[str]  # addresses
    buckets: dict[str, str]  # address -> bucket
    deployed: set[str]  # addresses whose bucket this stack provisions
    levels: dict[tuple[str, str], Level] = field(default_factory=dict)  # (role, address) -> level
    mesh: Mesh | None = field(default=None, repr=False)

    def level(self, principal: Principal, address: str) -> Level:
        return self.levels.get((principal.role, address), Level.none)


def matrix(project: Project) -> Matrix:
    """Who may read and write which product in the project's stack, from the declarations and the federation's rules."""
    stack, settings, mesh = project.stack.name, project.settings, project.mesh
    grants = mesh.grants(project.federation.open_classifications)
    prefix = settings.name_prefix
    in_scope = scope(mesh, settings)
    principals: list[Principal] = []
    levels: dict[tuple[str, str], Level] = {}
    for domain in in_scope:
        readers = Principal(naming.reader_role_name(prefix, domain), "readers", domain, mesh.domains[domain].source.path)
        principals.append(readers)
        for address in mesh.reader_reads(domain, grants):
            levels[(readers.role, address)] = Level.read
        for declared in mesh.products_of(domain):
            job = Principal(naming.job_role_name(prefix, domain, declared.identity), "job", declared.address, declared.source.path)
            principals.append(job)
            levels[(job.role, declared.address)] = Level.write
            for grant in grants:
                if grant.consumer == declared.address:
                    levels[(job.role, grant.producer)] = Level.read
    deployed = {p.address for d in in_scope for p in mesh.products_of(d)}
    products = sorted(deployed | {address for _, address in levels})
    buckets = {a: location(settings, mesh.products[a]).bucket for a in products}
    return Matrix(stack, principals, products, buckets, deployed, levels, mesh)


def render(m: Matrix) -> str:
    """The matrix as a table: one row per principal, one numbered column per product."""
    width = max(len(p.label) for p in m.principals) if m.principals else 10
    lines = [f"access matrix for stack {m.stack}: {len(m.principals)} principals x {len(m.products)} products (W write, R read, . none)"]
    for i, address in enumerate(m.products, 1):
        note = "" if address in m.deployed else "  (not in this stack)"
        lines.append(f"  [{i:>2}] {address:<32} s3://{m.buckets[address]}{note}")
    lines.append(f"  {'principal':<{width}}  " + " ".join(f"{i:>2}" for i in range(1, len(m.products) + 1)) + "  role")
    for p in m.principals:
        cells = " ".join(f"{SYMBOL[m.level(p, a)]:>2}" for a in m.products)
        lines.append(f"  {p.label:<{width}}  {cells}  {p.role}")
    return "\n".join(lines)


def as_json(m: Matrix) -> dict:
    return {
        "stack": m.stack,
        "products": {a: {"bucket": m.buckets[a], "in_stack": a in m.deployed} for a in m.products},
        "principals": [
            {"role": p.role, "kind": p.kind, "owner": p.owner, "access": {a: m.level(p, a).value for a in m.products}}
            for p in m.principals
        ],
    }


# the check ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Observed:
    get: bool  # GetObject of a seeded object
    list: bool  # ListObjectsV2 of the bucket
    put: bool  # PutObject of a new object

    @property
    def level(self) -> Level | None:
        """The level these answers amount to, None when they amount to none of them (e.g. list without get)."""
        if self.get and self.list:
            return Level.write if self.put else Level.read
        if not (self.get or self.list or self.put):
            return Level.none
        return None

    def describe(self) -> str:
        return ", ".join(f"{op} {'allowed' if ok else 'denied'}" for op, ok in (("GetObject", self.get), ("ListObjectsV2", self.list), ("PutObject", self.put)))


@dataclass
class CheckReport:
    pairs: int
    mismatches: list[Problem]
    notes: list[str]
    observed: dict[tuple[str, str], Observed]


def check(m: Matrix, aws: Aws, endpoint: str, echo: Callable[[str], None] = print) -> CheckReport:
    """Probe every principal x deployed product with IAM enforcement on; one problem per pair that departs from `m`."""
    s3, iam = aws.client("s3"), aws.client("iam")
    targets = [a for a in m.products if a in m.deployed]
    notes = [
        "the bucket policies are lifted for the probe and restored afterwards: moto grants nothing through a bucket "
        "policy's Allow and applies its Deny to every object request whatever the condition, so the TLS-only Deny "
        "would refuse every local (http) request; bucket-policy allowlists and TLS are not proved here",
        "the roles are assumed before IAM enforcement starts: their trust (EKS Pod Identity, people with MFA) is not "
        "part of the check",
        "KMS use is not probed: moto evaluates identity-policy conditions without the request's context, and its S3 "
        "does not call KMS as the caller",
    ]
    for note in notes:
        echo(f"note: {note}")
    mismatches: list[Problem] = []
    observed: dict[tuple[str, str], Observed] = {}
    lifted: dict[str, str] = {}
    present: set[str] = set()
    sessions: dict[str, object] = {}
    try:
        for address in targets:
            bucket = m.buckets[address]
            try:
                lifted[bucket] = s3.get_bucket_policy(Bucket=bucket)["Policy"]
                s3.delete_bucket_policy(Bucket=bucket)
            except ClientError as exc:
                if error_code(exc) not in ("NoSuchBucketPolicy", "NoSuchBucket"):
                    raise
        echo(f"lifted {len(lifted)} bucket policies for the probe")
        for address in targets:
            try:
                s3.put_object(Bucket=m.buckets[address], Key=PROBE_KEY, Body=b"meshplane access probe\n")
                present.add(address)
            except ClientError as exc:
                if error_code(exc) != "NoSuchBucket":
                    raise
        for p in m.principals:
            try:
                arn = iam.get_role(RoleName=p.role)["Role"]["Arn"]
            except ClientError as exc:
                if error_code(exc) != "NoSuchEntity":
                    raise
                continue  # observed as no access at all
            credentials = aws.client("sts").assume_role(RoleArn=arn, RoleSessionName=SESSION)["Credentials"]
            sessions[p.role] = aws.as_credentials(credentials).client("s3")
        outside = len(m.products) - len(targets)
        echo(f"probing {len(m.principals)} principals x {len(targets)} products with IAM enforcement on "
             "(GetObject, ListObjectsV2, PutObject)" + (f"; {outside} product(s) outside this stack are not probed" if outside else ""))
        with enforcement(endpoint):
            for p in m.principals:
                for address in targets:
                    client = sessions.get(p.role)
                    if client is None or address not in present:
                        seen = Observed(False, False, False)
                    else:
                        seen = _probe(client, m.buckets[address], p.role)
                    observed[(p.role, address)] = seen
    finally:
        _clean(aws, [m.buckets[a] for a in targets])
        for bucket, policy in lifted.items():
            s3.put_bucket_policy(Bucket=bucket, Policy=policy)
        if lifted:
            echo(f"restored {len(lifted)} bucket policies")
    for address in targets:
        if address not in present:
            path = m.mesh.products[address].source.path if m.mesh else "(stack)"
            mismatches.append(Problem(path, 1, f"access: {address}: bucket {m.buckets[address]} is missing, nothing to probe"))
    for p in m.principals:
        if p.role not in sessions:
            mismatches.append(Problem(p.path, 1, f"access: {p.label}: role {p.role} is missing, so it can reach nothing"))
            continue
        for address in targets:
            seen, declared = observed[(p.role, address)], m.level(p, address)
            if address in present and seen.level is not declared:
                amounts = seen.level.value if seen.level else "an incoherent mix"
                mismatches.append(
                    Problem(p.path, _line(m, p, address), f"access: {p.label} on {address}: declared {declared.value}, observed {amounts} "
                            f"({seen.describe()}) as role {p.role}")
                )
    return CheckReport(len(m.principals) * len(targets), sorted(mismatches), notes, observed)


def _probe(client, bucket: str, role: str) -> Observed:
    return Observed(
        get=_allowed(lambda: client.get_object(Bucket=bucket, Key=PROBE_KEY)["Body"].read()),
        list=_allowed(lambda: client.list_objects_v2(Bucket=bucket, Prefix=PROBE_PREFIX)),
        put=_allowed(lambda: client.put_object(Bucket=bucket, Key=f"{PROBE_PREFIX}write-by-{role}", Body=b"probe\n")),
    )


def _allowed(call) -> bool:
    try:
        call()
    except ClientError as exc:
        if error_code(exc) in DENIED:
            return False
        raise
    return True


def _clean(aws: Aws, buckets: list[str]) -> None:
    """Delete every version of every probe object (the buckets are versioned)."""
    s3 = aws.client("s3")
    for bucket in buckets:
        try:
            pages = list(s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=PROBE_PREFIX))
        except ClientError as exc:
            if error_code(exc) == "NoSuchBucket":
                continue
            raise
        objects = [
            {"Key": v["Key"], "VersionId": v["VersionId"]}
            for page in pages
            for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        for i in range(0, len(objects), 1000):
            s3.delete_objects(Bucket=bucket, Delete={"Objects": objects[i : i + 1000], "Quiet": True})


def _line(m: Matrix, p: Principal, address: str) -> int:
    """A job's read of an input points at the input's line in the product file."""
    if m.mesh is None or p.kind != "job":
        return 1
    declared = m.mesh.products.get(p.owner)
    if declared is None or address not in declared.spec.inputs:
        return 1
    return declared.source.line_of(("inputs", declared.spec.inputs.index(address)))


def dumps(m: Matrix) -> str:
    return json.dumps(as_json(m), indent=2)
