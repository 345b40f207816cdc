"""`up --local --data`: each served product's sample rows written where its job writes them, by its job's own role.

The rows come from `sample_rows` (the port's schema, honouring its library rules, seeded by the product's id and its
port's major version); they go to the current version's bucket, under the partition of the time of the write (the
port's root when it is unpartitioned), in the port's format. The writer assumes the product's job role (sts
AssumeRole, as the Pod Identity agent does for the job) and calls PutObject with that role's credentials: the bucket's
policy, which lets only the job write, decides as it would for the job. Nothing is lifted around the write.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from botocore.exceptions import ClientError

from meshplane.compose.locate import job_role_arn, location
from meshplane.compose.stack_plan import scope
from meshplane.declarations.ids import product_id
from meshplane.declarations.mesh import DeclaredProduct
from meshplane.declarations.problems import MeshError, Problem
from meshplane.declarations.resolve import resolve
from meshplane.declarations.spec import Status
from meshplane.local import sample_rows
from meshplane.local.emulator import Aws, error_code
from meshplane.registrations.project import Project

SESSION = "meshplane-sample-data"  # the role session's name: CloudTrail (and moto) show who wrote


@dataclass(frozen=True)
class Written:
    product: str
    bucket: str
    key: str
    rows: int
    size: int
    role: str


def served(project: Project) -> list[DeclaredProduct]:
    """The stack's products that are served (every status but retired), in address order."""
    found = [p for d in scope(project.mesh, project.settings) for p in project.mesh.products_of(d) if p.spec.status is not Status.retired]
    return sorted(found, key=lambda p: p.address)


def as_job(aws: Aws, role: str) -> Aws:
    """Clients with the job role's credentials, assumed from `aws`'s."""
    credentials = aws.client("sts").assume_role(RoleArn=role, RoleSessionName=SESSION)["Credentials"]
    return aws.as_credentials(credentials)


def put_as_job(project: Project, accounts: Mapping[str, Aws], declared: DeclaredProduct, key: str, body: bytes) -> tuple[str, str]:
    """Write one object into the product's current bucket as its job role; (bucket, role)."""
    settings = project.settings
    port = resolve(declared.spec, settings.environment).output
    where = location(settings, declared, port.version)
    role = job_role_arn(settings, declared)
    as_job(accounts[where.account], role).client("s3").put_object(Bucket=where.bucket, Key=key, Body=body)
    return where.bucket, role


def write(project: Project, accounts: Mapping[str, Aws], at: datetime.datetime, echo: Callable[[str], None] = print,
          products: list[DeclaredProduct] | None = None) -> list[Written]:  # fmt: skip
    """Write every served product's sample rows as its job role; every product that cannot be written is a problem at
    its file's `output` line (all of them in one run)."""
    written, problems = [], []
    for declared in served(project) if products is None else products:
        port = resolve(declared.spec, project.settings.environment).output
        line = declared.source.line_of(("output",))
        try:
            rows = sample_rows.sample(port, sample_rows.seed_of(product_id(declared.address), port.version), at)
        except sample_rows.SampleError as exc:
            problems.append(Problem(declared.source.path, line, f"{declared.address}: {exc}"))
            continue
        body = rows.encode()
        try:
            bucket, role = put_as_job(project, accounts, declared, rows.key(), body)
        except ClientError as exc:
            role = job_role_arn(project.settings, declared)
            problems.append(Problem(declared.source.path, line, f"{declared.address}: its job role {role} cannot write its sample rows "
                                    f"({error_code(exc) or exc}): {exc.response.get('Error', {}).get('Message', '')}".rstrip(": ")))  # fmt: skip
            continue
        written.append(Written(declared.address, bucket, rows.key(), len(rows.rows), len(body), role))
        echo(f"data: {declared.address} v{port.version}: {len(rows.rows)} rows, {len(body):,} bytes to s3://{bucket}/{rows.key()} as its job role")
    if problems:
        raise MeshError(problems)
    return written
