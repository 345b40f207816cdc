"""`meshplane access`: the effective access matrix from the declarations, and its proof against a deployment.

Principals are the roles the platform makes: each product's job role (writes its product, reads its
agreed inputs through their access points), each domain's readers (read the domain's products, and query
what its products are agreed, through Lake Formation) and each domain's Lake Formation role (reads the
domain's data for the queries Lake Formation authorises). The matrix is computed from the declarations.

The proof (`--check`) reads the deployment's documents back (roles and their policies, bucket, access
point and key policies, key grants, Lake Formation grants and locations) and decides every principal x
product x action with an evaluator of AWS's semantics (meshplane.evaluator), a rogue role that may do
anything by its own policies (`s3:*`, `kms:*`, `glue:*`, `lakeformation:*`) included; the documents are read
back once and indexed, so one cell costs the same at any mesh size. Scoped to some domains (`Scope`), it
decides every principal of the stack on their products and their principals on every product. Then, what the
emulator itself enforces: moto's IAM enforcement must agree with the evaluator on what identity policies alone
allow (asked in process for every pair when the command started the emulator, else over HTTP for a sample
whose counts the report gives), and every agreement's access point must reach its own bucket.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from botocore.exceptions import ClientError

from meshplane.compose import locate
from meshplane.declarations.mesh import Mesh, input_ref, published, serves, split_input
from meshplane.declarations.problems import MeshError, Problem
from meshplane.declarations.spec import Status
from meshplane.evaluator import iam
from meshplane.evaluator.decide import MODELLED, PROBE, Action, Decider
from meshplane.local.emulator import Aws, enforcement, error_code
from meshplane.local.moto_authority import Authority, Caller
from meshplane.local import rogues as rogues_
from meshplane.local.readback import read_back
from meshplane.registrations.engine import Evaluation
from meshplane.registrations.project import Project

ROGUE = "meshplane-access-check-rogue"
SESSION = "meshplane-access-check"
DENIED = frozenset({"AccessDenied", "403", "Forbidden"})
WRITES = (Action.write,)
READS = (Action.list, Action.read, Action.decrypt)
QUERIES = (Action.catalog, Action.query)
EVERYTHING = {"Version": "2012-10-17", "Statement": [{"Sid": "Rogue", "Effect": "Allow", "Action": ["s3:*", "kms:*", "glue:*", "lakeformation:*"], "Resource": "*"}]}
CAVEATS = (
    "trust is not part of the check: no local caller is EKS Pod Identity or a person with MFA, so every role is assumed "
    "before enforcement starts (moto checks trust then, and only within an account)",
    "the administrative paths (PutBucketPolicy, CreateAccessPoint, PutKeyPolicy, CreateGrant, Lake Formation grants) are "
    "outside the matrix: a principal allowed them administers the data; reserve them to the deployer (docs/access.md)",
    "EKS Pod Identity, the jobs themselves, SCPs and permission boundaries are not deployed locally and not decided",
)


@dataclass(frozen=True)
class Principal:
    arn: str
    kind: str  # "job", "readers", "lakeformation" or "rogue"
    owner: str  # the product address (job) or the domain
    path: str  # the file that declares it

    @property
    def label(self) -> str:
        return f"{self.owner} {self.kind}"


@dataclass
class Matrix:
    stack: str
    principals: list[Principal]
    products: list[str]  # ports: a product's address for its version 1, `<address>@<major>` for another
    buckets: dict[str, str]  # port -> bucket
    deployed: set[str]  # ports whose bucket this stack provisions
    allowed: dict[tuple[str, str], frozenset[Action]] = field(default_factory=dict)  # (principal ARN, port) -> actions
    mesh: Mesh | None = field(default=None, repr=False)

    def actions(self, principal: Principal, address: str) -> frozenset[Action]:
        return self.allowed.get((principal.arn, address), frozenset())


def matrix(project: Project) -> Matrix:
    """Who may do what on which product in the project's stack, from the declarations and the federation's rules."""
    stack, settings, mesh = project.stack.name, project.settings, project.mesh
    grants = mesh.grants(project.federation.open_classifications)
    in_scope = locate_scope(project)
    principals: list[Principal] = []
    allowed: dict[tuple[str, str], set[Action]] = {}

    def allow(arn: str, address: str, actions) -> None:
        allowed.setdefault((arn, address), set()).update(actions)

    for domain in in_scope:
        path = mesh.domains[domain].source.path
        own = locate.domain_principals(settings, domain)
        principals += [Principal(own.readers, "readers", domain, path), Principal(own.lakeformation, "lakeformation", domain, path),
                       Principal(own.quality, "quality", domain, path)]  # fmt: skip
        for declared in mesh.products_of(domain):
            job = locate.job_role_arn(settings, declared)
            if declared.spec.status is not Status.retired:  # a retired product has no job
                principals.append(Principal(job, "job", declared.address, declared.source.path))
            for version in published(declared.spec):  # every kept version's bucket: the domain reads it, the job writes the served ones
                port = input_ref(declared.address, version)
                if serves(declared.spec, version):
                    allow(job, port, (*READS, *WRITES))
                allow(own.readers, port, (*READS, *QUERIES))
                allow(own.lakeformation, port, READS)
                if serves(declared.spec, version):  # through its own access point, key grant and catalog grant, as a consumer
                    allow(own.quality, port, (*READS, *QUERIES))
        for g in grants:
            if g.consumer_domain != domain:
                continue
            port = input_ref(g.producer, g.version)
            allow(locate.job_role_arn(settings, mesh.products[g.consumer]), port, READS)
            if not g.producer.startswith(f"{domain}/"):
                allow(own.readers, port, QUERIES)
    deployed = {input_ref(p.address, v) for d in in_scope for p in mesh.products_of(d) for v in published(p.spec)}
    products = sorted(deployed | {port for _, port in allowed})
    buckets = {port: locate.location(settings, mesh.products[a], v).bucket for port in products for a, v in [split_input(port)]}
    return Matrix(stack, principals, products, buckets, deployed, {k: frozenset(v) for k, v in allowed.items()}, mesh)


def locate_scope(project: Project) -> list[str]:
    from meshplane.compose.stack_plan import scope

    return scope(project.mesh, project.settings)


SYMBOLS = ((Action.write, "W"), (Action.read, "R"), (Action.query, "Q"))


def symbol(actions: frozenset[Action]) -> str:
    """W writes, R reads (lists and decrypts), Q queries through the catalog; `.` nothing."""
    return "".join(s for a, s in SYMBOLS if a in actions) or "."


def render(m: Matrix) -> str:
    """The matrix as a table: one row per principal, one numbered column per product."""
    width = max((len(p.label) for p in m.principals), default=10)
    lines = [f"access matrix for stack {m.stack}: {len(m.principals)} principals x {len(m.products)} products "
             "(W write, R read through S3, Q query through Lake Formation, . none)"]  # fmt: skip
    for i, address in enumerate(m.products, 1):
        note = "" if address in m.deployed else "  (not in this stack)"
        lines.append(f"  [{i:>2}] {address:<32} s3://{m.buckets[address]}{note}")
    lines.append(f"  {'principal':<{width}}  " + " ".join(f"{i:>3}" for i in range(1, len(m.products) + 1)) + "  role")
    for p in m.principals:
        cells = " ".join(f"{symbol(m.actions(p, a)):>3}" for a in m.products)
        lines.append(f"  {p.label:<{width}}  {cells}  {p.arn.split(':role/')[1]}")
    return "\n".join(lines)


def as_json(m: Matrix) -> dict:
    return {
        "stack": m.stack,
        "products": {a: {"bucket": m.buckets[a], "in_stack": a in m.deployed} for a in m.products},
        "principals": [
            {"role": p.arn, "kind": p.kind, "owner": p.owner, "access": {a: sorted(x.value for x in m.actions(p, a)) for a in m.products}}
            for p in m.principals
        ],
    }


def dumps(m: Matrix) -> str:
    return json.dumps(as_json(m), indent=2)


# --- the proof ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What `access --check --domain D` decides: every principal of the stack against D's products (`products`), and
    D's principals (`principals`) against every product of the stack."""

    domains: tuple[str, ...]
    principals: frozenset[str]  # role ARNs
    products: frozenset[str]  # ports

    def holds(self, principal: Principal, port: str) -> bool:
        return principal.kind == "rogue" or principal.arn in self.principals or port in self.products


def scope_of(m: Matrix, domains: list[str]) -> Scope:
    """The scope of the domains `domains` within the whole stack's matrix `m`."""
    principals = {p.arn for p in m.principals if p.owner in domains or p.owner.split("/")[0] in domains}
    products = {port for port in m.deployed if split_input(port)[0].split("/")[0] in domains}
    return Scope(tuple(sorted(domains)), frozenset(principals), frozenset(products))


@dataclass
class CheckReport:
    decided: int  # principal x product x action cells decided by the evaluator
    probed: int  # principal x product pairs moto's enforcement was asked about
    mismatches: list[Problem]
    notes: list[str]
    seconds: float = 0.0  # the evaluator's, for `decided` cells
    cpu: float = 0.0
    moto: str = ""  # how moto was asked: "in process" or "over HTTP"
    allowed: int = 0  # of `probed`: pairs with an action allowed by identity
    denied: int = 0  # of `probed`: pairs with none
    unsent: int = 0  # pairs denied by identity that the HTTP sample did not send

    @property
    def per_100k(self) -> float:
        return self.seconds / self.decided * 100_000 if self.decided else 0.0

    @property
    def cpu_per_100k(self) -> float:
        return self.cpu / self.decided * 100_000 if self.decided else 0.0

    def rate(self) -> str:
        return f"{self.per_100k:.2f} s per 100,000 cells ({self.cpu_per_100k:.2f} CPU s)"


def decide(decider: Decider, principal, bucket) -> dict[Action, bool]:
    """Every action decided for one principal on one product: the place a further set of cells is decided."""
    return decider.cell(principal, bucket)


def check(
    m: Matrix,
    evaluation: Evaluation,
    accounts: dict[str, Aws],
    default: str,
    region: str,
    endpoint: str,
    echo: Callable[[str], None] = print,
    scope: Scope | None = None,
    in_process: bool = False,
) -> CheckReport:
    """Decide every cell over the documents read back (of the whole matrix `m`, or of `scope` within it), then let
    moto enforce what it can (`in_process`: its authorization code asked here, for every pair; else over HTTP, for a
    sample); one problem per departure."""
    for note in (*CAVEATS, *(f"{a.value}: {how}" for a, how in MODELLED.items())):
        echo(f"note: {note}")
    rogues = {account: rogues_.make(aws, account, ROGUE, EVERYTHING, "meshplane access check: may do anything by its own policies")
              for account, aws in accounts.items()}  # fmt: skip
    principals = [*m.principals, *(Principal(arn, "rogue", f"account {a}", "(the access check)") for a, arn in rogues.items())]
    mismatches: list[Problem] = []
    report = CheckReport(0, 0, mismatches, list(CAVEATS))
    try:
        deployment = read_back(evaluation, accounts, default, region, rogues.values())
        decider = Decider(deployment)
        targets = [a for a in m.products if a in m.deployed and m.buckets[a] in deployment.buckets]
        missing = [a for a in m.products if a in m.deployed and m.buckets[a] not in deployment.buckets]
        absent = [p for p in principals if p.arn not in deployment.principals]
        if scope is not None:  # outside the scope, what is not deployed here is not the scope's to answer for
            outside = [a for a in missing if a not in scope.products] + [p for p in absent if p.arn not in scope.principals]
            if outside:
                echo(f"note: {len(outside)} principal(s) and product(s) of other domains are not deployed here: nothing decided for them")
            missing, absent = [a for a in missing if a in scope.products], [p for p in absent if p.arn in scope.principals or p.kind == "rogue"]
        mismatches += [Problem(_path(m, a), 1, f"access: {a}: bucket {m.buckets[a]} is missing, nothing to decide") for a in missing]
        mismatches += [Problem(p.path, 1, f"access: {p.label}: role {p.arn} is missing, so it can reach nothing") for p in absent]
        present = [p for p in principals if p.arn in deployment.principals]
        pairs = [(p, a) for p in present for a in targets if scope is None or scope.holds(p, a)]
        started, cpu = time.perf_counter(), time.process_time()
        for p, address in pairs:
            cell = decide(decider, deployment.principals[p.arn], deployment.buckets[m.buckets[address]])
            report.decided += len(cell)
            declared = m.actions(p, address)
            wrong = sorted(a.value for a, yes in cell.items() if yes != (a in declared))
            if wrong:
                said = ", ".join(f"{a} {'allowed' if cell[Action(a)] else 'denied'}" for a in wrong)
                mismatches.append(Problem(p.path, _line(m, p, address), f"access: {p.label} on {address}: declared {symbol(declared)}, "
                                          f"decided {said} (as {p.arn})"))  # fmt: skip
        report.seconds, report.cpu = time.perf_counter() - started, time.process_time() - cpu
        what = "" if scope is None else f"scope: domain(s) {', '.join(scope.domains)}, every principal on its products and its principals on every product; "
        echo(f"decided {report.decided:,} principal x product x action cells over the documents read back in {report.seconds:.1f} s "
             f"({report.cpu:.1f} CPU s; {report.rate()}): {what}{len(present)} principals, {len(rogues)} of them rogue; "
             f"{len(targets)} products")  # fmt: skip
        _moto(m, pairs, decider, deployment, accounts, endpoint, report, echo, in_process)
    finally:
        for account in rogues:
            rogues_.remove(accounts[account], ROGUE)
    report.mismatches = sorted(mismatches)
    return report


IDENTITY = ("s3:GetObject", "s3:ListBucket", "s3:PutObject")  # what moto's enforcement is compared on


def _resource(bucket, action: str) -> str:
    return bucket.arn if action == "s3:ListBucket" else f"{bucket.arn}/{PROBE}"


def sample(pairs: list[tuple[Principal, str]], allows: dict[tuple[str, str], bool]) -> list[tuple[Principal, str]]:
    """The pairs sent to moto over HTTP: every pair the evaluator allows an action by identity, and a denied pair for
    each principal and each product that has one (the first by a hash of the pair: the same sample every run)."""
    chosen = {(p.arn, a) for p, a in pairs if allows[(p.arn, a)]}
    denied = sorted(((hashlib.sha256(f"{p.arn} {a}".encode()).hexdigest(), p.arn, a) for p, a in pairs if not allows[(p.arn, a)]))
    covered: set[str] = set()
    for _, arn, address in denied:
        if arn not in covered or address not in covered:
            chosen.add((arn, address))
            covered.update((arn, address))
    return [(p, a) for p, a in pairs if (p.arn, a) in chosen]


def _moto(m: Matrix, pairs, decider: Decider, deployment, accounts, endpoint: str, report: CheckReport, echo, in_process: bool) -> None:
    """What the emulator enforces: identity policies (moto's IAM enforcement: asked in this process for every pair when
    the command started the emulator, else over HTTP for a sample, where the bucket policies, whose conditions the
    emulator judges, apply too), and that each agreement's access point reaches its own bucket, read as its consumer.
    No policy is lifted: the probe object is written and removed by the product's own job role."""
    mismatches = report.mismatches
    identity: dict[tuple[str, str, str], bool] = {}
    for p, address in pairs:
        bucket, node = deployment.buckets[m.buckets[address]], decider.node(deployment.principals[p.arn])
        for action in IDENTITY:
            identity[(p.arn, address, action)] = iam.identity_allows(node, action, _resource(bucket, action), {"aws:SecureTransport": "true"})
    allows = {(p.arn, a): any(identity[(p.arn, a, action)] for action in IDENTITY) for p, a in pairs}
    asked = pairs if in_process else sample(pairs, allows)
    expected = dict(identity)
    if not in_process:  # over HTTP the bucket policy's Deny applies to object calls and listings (the emulator judges both)
        for p, address in asked:
            bucket, node = deployment.buckets[m.buckets[address]], decider.node(deployment.principals[p.arn])
            for action in IDENTITY:
                context = {"aws:SecureTransport": "true", "aws:PrincipalArn": p.arn, "aws:PrincipalAccount": p.arn.split(":")[4]}
                denies = iam.resource_says(node, bucket.account, bucket.policy, action, _resource(bucket, action), context) is iam.Match.deny
                expected[(p.arn, address, action)] = identity[(p.arn, address, action)] and not denies
    report.moto, report.probed, report.unsent = ("in process" if in_process else "over HTTP"), len(asked), len(pairs) - len(asked)
    report.allowed = sum(allows[(p.arn, a)] for p, a in asked)
    report.denied = report.probed - report.allowed
    used = {m.buckets[a] for _, a in pairs}
    points = [point for point in deployment.access_points if point.bucket in used]
    buckets = {name: deployment.buckets[name] for name in sorted(used) if in_process is False or any(p.bucket == name for p in points)}
    writers = _writers(m, accounts, buckets)
    callers: dict[str, object] = {}
    try:
        for name, bucket in buckets.items():
            try:
                writers[name].client("s3").put_object(Bucket=name, Key=PROBE, Body=b"meshplane access probe\n")
            except ClientError as exc:
                if error_code(exc) not in DENIED:
                    raise
                raise MeshError([Problem("(emulator)", 1, f"access: the job role of bucket {name} may not write its own bucket here: the emulator "
                                         "does not judge bucket policy conditions (use one meshplane started: `meshplane up --local --serve`)")]) from None  # fmt: skip
        for point in points:  # enforcement off: wiring, read as the one consumer the access point's policy lets through
            consumer = _consumer(point)
            aws = accounts[consumer.split(":")[4] if consumer else point.account]
            if consumer:
                aws = aws.as_credentials(aws.client("sts").assume_role(RoleArn=consumer, RoleSessionName=SESSION)["Credentials"])
            try:
                body = aws.through_access_points().get_object(Bucket=point.arn, Key=PROBE)["Body"].read()
            except ClientError as exc:
                if error_code(exc) not in DENIED:
                    raise
                mismatches.append(Problem("(emulator)", 1, f"access: access point {point.name} of bucket {point.bucket} refuses "
                                          f"{consumer or 'its account'}, the one its policy lets through ({error_code(exc)})"))  # fmt: skip
                continue
            if body != b"meshplane access probe\n":
                mismatches.append(Problem("(emulator)", 1, f"access: access point {point.name} does not reach bucket {point.bucket}"))
        echo(f"every agreement's access point reaches its bucket ({len(points)} read through their access points, each by its consumer)")
        for arn in {p.arn for p, _ in asked}:
            aws = accounts[arn.split(":")[4]]
            creds = aws.client("sts").assume_role(RoleArn=arn, RoleSessionName=SESSION)["Credentials"]
            callers[arn] = Caller(arn.split(":")[4], creds["AccessKeyId"], creds["SessionToken"]) if in_process else aws.as_credentials(creds).client("s3")
        authority = Authority(deployment.region)
        with nullcontext() if in_process else enforcement(endpoint):
            for p, address in asked:
                bucket = deployment.buckets[m.buckets[address]]
                if in_process:
                    seen = {action: authority.allows(callers[p.arn], action, _resource(bucket, action), bucket.name) for action in IDENTITY}
                else:
                    client = callers[p.arn]
                    seen = {
                        "s3:GetObject": _allowed(lambda: client.get_object(Bucket=bucket.name, Key=PROBE)["Body"].read()),
                        "s3:ListBucket": _allowed(lambda: client.list_objects_v2(Bucket=bucket.name, Prefix="meshplane/")),
                        "s3:PutObject": _allowed(lambda: client.put_object(Bucket=bucket.name, Key=f"meshplane/write-{p.kind}", Body=b"probe\n")),
                    }
                for action, yes in seen.items():
                    if yes != expected[(p.arn, address, action)]:
                        by = "by identity" if in_process else "by identity and the bucket policy"
                        mismatches.append(Problem(p.path, 1, f"access: {p.label} on {address}: moto {'allows' if yes else 'denies'} {action} "
                                                  f"{by}, the evaluator does not agree"))  # fmt: skip
        how = ("asked in process (the command started the emulator), every pair" if in_process else
               f"over HTTP, a sample: every pair with an action allowed by identity and a denied pair per principal and per product; "
               f"{report.unsent:,} other denied pairs not sent")  # fmt: skip
        echo(f"moto's IAM enforcement agrees with the evaluator on the identity policies of {report.probed:,} principal x product pairs: "
             f"{report.allowed:,} allowed an action by identity, {report.denied:,} denied every one ({how}; GetObject, ListObjectsV2, PutObject"
             f"{'' if in_process else '; the bucket policies apply, their conditions judged by the emulator'})")  # fmt: skip
    finally:
        for name in buckets:
            _clean(writers[name], name)


def _writers(m: Matrix, accounts, buckets) -> dict[str, Aws]:
    """Clients of each bucket's product's job role (the one writer its bucket policy lets put and delete objects)."""
    jobs = {m.buckets[port]: p.arn for p in m.principals if p.kind == "job" for port in m.products if Action.write in m.actions(p, port)}
    writers = {}
    for name in buckets:
        arn = jobs.get(name)
        aws = accounts[buckets[name].account]
        writers[name] = aws.as_credentials(aws.client("sts").assume_role(RoleArn=arn, RoleSessionName=SESSION)["Credentials"]) if arn else aws
    return writers


def _consumer(point) -> str | None:
    """The principal an agreement's access point lets read (its policy's Allow names it by `aws:PrincipalArn`)."""
    for statement in (point.policy or {}).get("Statement", []):
        named = statement.get("Condition", {}).get("ArnEquals", {}).get("aws:PrincipalArn") if statement.get("Effect") == "Allow" else None
        if named:
            return named if isinstance(named, str) else named[0]
    return None


def _allowed(call) -> bool:
    try:
        call()
    except ClientError as exc:
        if error_code(exc) in DENIED:
            return False
        raise
    return True


def _clean(aws: Aws, bucket: str) -> None:
    """Delete every version of every probe object (the buckets are versioned)."""
    s3 = aws.client("s3")
    pages = s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix="meshplane/")
    objects = [{"Key": v["Key"], "VersionId": v["VersionId"]} for page in pages for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
    for i in range(0, len(objects), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": objects[i : i + 1000], "Quiet": True})


def _path(m: Matrix, port: str) -> str:
    address = split_input(port)[0]
    return m.mesh.products[address].source.path if m.mesh and address in m.mesh.products else "(stack)"


def _line(m: Matrix, p: Principal, address: str) -> int:
    """A job's read of an input points at the input's line in the product file."""
    if m.mesh is None or p.kind != "job":
        return 1
    declared = m.mesh.products.get(p.owner)
    refs = [input_ref(a, v) for a, v in declared.reads] if declared is not None else []
    if address not in refs:
        return 1
    return declared.source.line_of(("inputs", refs.index(address)))
