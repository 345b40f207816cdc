"""`meshplane access`: the effective access matrix from the declarations, and its proof against a deployment.

Principals are the roles the platform makes: each product's job role (writes its product, reads its
agreed inputs through their access points), each domain's readers (read the domain's products, and query
what its products are agreed, through Lake Formation) and each domain's Lake Formation role (reads the
domain's data for the queries Lake Formation authorises). The matrix is computed from the declarations.

The proof (`--check`) reads the deployment's documents back (roles and their policies, bucket, access
point and key policies, key grants, Lake Formation grants and locations) and decides every principal x
product x action with an evaluator of AWS's semantics (meshplane.evaluator), a rogue role that may do
anything by its own policies (`s3:*`, `kms:*`, `glue:*`, `lakeformation:*`) included. Then, what the
emulator itself enforces: moto's IAM enforcement must agree with the evaluator on what identity policies
alone allow, and every agreement's access point must reach its own bucket.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from botocore.exceptions import ClientError

from meshplane.compose import locate
from meshplane.declarations.mesh import Mesh, input_ref, published, serves, split_input
from meshplane.declarations.problems import Problem
from meshplane.declarations.spec import Status
from meshplane.evaluator import iam
from meshplane.evaluator.decide import MODELLED, PROBE, Action, Decider
from meshplane.local.emulator import Aws, enforcement, error_code
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


@dataclass
class CheckReport:
    decided: int  # principal x product x action cells decided by the evaluator
    probed: int  # principal x product pairs moto enforced
    mismatches: list[Problem]
    notes: list[str]


def check(m: Matrix, evaluation: Evaluation, accounts: dict[str, Aws], default: str, region: str, endpoint: str, echo: Callable[[str], None] = print) -> CheckReport:
    """Decide every cell over the documents read back, then let moto enforce what it can; one problem per departure."""
    for note in (*CAVEATS, *(f"{a.value}: {how}" for a, how in MODELLED.items())):
        echo(f"note: {note}")
    rogues = {account: _rogue(aws, account) for account, aws in accounts.items()}
    principals = [*m.principals, *(Principal(arn, "rogue", f"account {a}", "(the access check)") for a, arn in rogues.items())]
    mismatches: list[Problem] = []
    try:
        deployment = read_back(evaluation, accounts, default, region, rogues.values())
        decider = Decider(deployment)
        targets = [a for a in m.products if a in m.deployed and m.buckets[a] in deployment.buckets]
        missing = [a for a in m.products if a in m.deployed and m.buckets[a] not in deployment.buckets]
        mismatches += [Problem(_path(m, a), 1, f"access: {a}: bucket {m.buckets[a]} is missing, nothing to decide") for a in missing]
        decided = 0
        for p in principals:
            found = deployment.principals.get(p.arn)
            if found is None:
                mismatches.append(Problem(p.path, 1, f"access: {p.label}: role {p.arn} is missing, so it can reach nothing"))
                continue
            for address in targets:
                cell = decider.cell(found, deployment.buckets[m.buckets[address]])
                decided += len(cell)
                declared = m.actions(p, address)
                wrong = sorted(a.value for a, yes in cell.items() if yes != (a in declared))
                if wrong:
                    said = ", ".join(f"{a} {'allowed' if cell[Action(a)] else 'denied'}" for a in wrong)
                    mismatches.append(Problem(p.path, _line(m, p, address), f"access: {p.label} on {address}: declared {symbol(declared)}, "
                                              f"decided {said} (as {p.arn})"))  # fmt: skip
        echo(f"decided {decided:,} principal x product x action cells over the documents read back "
             f"({len(principals)} principals, {len(rogues)} of them rogue; {len(targets)} products)")
        probed = _moto(m, principals, targets, decider, deployment, accounts, endpoint, mismatches, echo)
    finally:
        for account, arn in rogues.items():
            _remove_rogue(accounts[account], arn)
    return CheckReport(decided, probed, sorted(mismatches), list(CAVEATS))


def _rogue(aws: Aws, account: str) -> str:
    """A role of `account` whose own policies allow everything the mesh's data could be reached with."""
    iam_ = aws.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}]}
    try:
        iam_.create_role(RoleName=ROGUE, AssumeRolePolicyDocument=json.dumps(trust), Description="meshplane access check: may do anything by its own policies")
    except ClientError as exc:
        if error_code(exc) != "EntityAlreadyExists":
            raise
    iam_.put_role_policy(RoleName=ROGUE, PolicyName="everything", PolicyDocument=json.dumps(EVERYTHING))
    return f"arn:aws:iam::{account}:role/{ROGUE}"


def _remove_rogue(aws: Aws, arn: str) -> None:
    iam_ = aws.client("iam")
    try:
        iam_.delete_role_policy(RoleName=ROGUE, PolicyName="everything")
        iam_.delete_role(RoleName=ROGUE)
    except ClientError as exc:
        if error_code(exc) != "NoSuchEntity":
            raise


def _moto(m: Matrix, principals, targets, decider: Decider, deployment, accounts, endpoint: str, mismatches: list[Problem], echo) -> int:
    """What the emulator enforces: identity policies (moto's IAM enforcement, bucket policies lifted, since moto applies
    their Deny to everyone), and that each agreement's access point reaches its own bucket."""
    buckets = {address: deployment.buckets[m.buckets[address]] for address in targets}
    lifted: dict[str, str] = {}
    sessions: dict[str, object] = {}
    probed = 0
    try:
        for bucket in buckets.values():
            s3 = accounts[bucket.account].client("s3")
            if bucket.policy is not None:
                lifted[bucket.name] = json.dumps(bucket.policy)
                s3.delete_bucket_policy(Bucket=bucket.name)
            s3.put_object(Bucket=bucket.name, Key=PROBE, Body=b"meshplane access probe\n")
        for point in deployment.access_points:  # enforcement off: wiring only (moto stores access point policies, enforces none)
            aws = accounts[point.account]
            body = aws.through_access_points().get_object(Bucket=point.arn, Key=PROBE)["Body"].read()
            if body != b"meshplane access probe\n":
                mismatches.append(Problem("(emulator)", 1, f"access: access point {point.name} does not reach bucket {point.bucket}"))
        echo(f"every agreement's access point reaches its bucket ({len(deployment.access_points)} read through their access points)")
        for p in principals:
            if p.arn in deployment.principals:
                aws = accounts[p.arn.split(":")[4]]
                creds = aws.client("sts").assume_role(RoleArn=p.arn, RoleSessionName=SESSION)["Credentials"]
                sessions[p.arn] = aws.as_credentials(creds).client("s3")
        with enforcement(endpoint):
            for p in principals:
                client = sessions.get(p.arn)
                if client is None:
                    continue
                node = decider.node(deployment.principals[p.arn])
                for address, bucket in buckets.items():
                    probed += 1
                    seen = {
                        "s3:GetObject": _allowed(lambda: client.get_object(Bucket=bucket.name, Key=PROBE)["Body"].read()),
                        "s3:ListBucket": _allowed(lambda: client.list_objects_v2(Bucket=bucket.name, Prefix="meshplane/")),
                        "s3:PutObject": _allowed(lambda: client.put_object(Bucket=bucket.name, Key=f"meshplane/write-{p.kind}", Body=b"probe\n")),
                    }
                    for action, yes in seen.items():
                        resource = bucket.arn if action == "s3:ListBucket" else f"{bucket.arn}/{PROBE}"
                        if yes != iam.identity_allows(node, action, resource, {"aws:SecureTransport": "true"}):
                            mismatches.append(Problem(p.path, 1, f"access: {p.label} on {address}: moto {'allows' if yes else 'denies'} {action} "
                                                      "by identity, the evaluator does not agree"))  # fmt: skip
        echo(f"moto's IAM enforcement agrees with the evaluator on the identity policies of {probed} principal x product pairs "
             "(GetObject, ListObjectsV2, PutObject; bucket policies lifted: moto applies their Deny to everyone)")
    finally:
        for bucket in buckets.values():
            _clean(accounts[bucket.account], bucket.name)
        for name, policy in lifted.items():
            accounts[deployment.buckets[name].account].client("s3").put_bucket_policy(Bucket=name, Policy=policy)
    return probed


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
