"""Every AWS resource the program registers, applied with boto3 in registration (dependency) order.

One applier per resource type, each an upsert, so applying twice converges. A type with no applier
stops the run before anything is applied; a type the emulator cannot hold is listed in
`NOT_APPLICABLE` with the reason, reported and recorded, never skipped silently.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Callable

from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from components import tokens
from meshplane.engine import Evaluation
from meshplane.inventory import Resource
from meshplane.local.emulator import Aws, error_code
from meshplane.local.ids import IdMap
from meshplane.manifests import is_kubernetes_object
from meshplane.problems import MeshError, Problem

NOT_APPLICABLE = {
    tokens.POD_IDENTITY: "moto has no EKS Pod Identity API, and no EKS cluster runs locally: the jobs exist as manifests only",
}
FREE_MAPS = frozenset({"parameters", "tags"})  # user data: their keys are not API field names
RENAMES = {"id": "ID", "kmsMasterKeyId": "KMSMasterKeyID", "sseAlgorithm": "SSEAlgorithm", "serDeInfo": "SerdeInfo"}


class ApplyError(MeshError):
    pass


CREATED, UPDATED, PUT = "created", "updated", "put"  # new; already there and brought in line; a configuration written


@dataclass
class Applied:
    resource: Resource
    real: dict  # what the emulator answered: id, arn, keyId...
    status: str  # CREATED, UPDATED or PUT


@dataclass
class ApplyReport:
    applied: list[Applied] = field(default_factory=list)
    not_applicable: list[tuple[Resource, str]] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)  # role/policy inline policies the program no longer declares
    ids: IdMap = field(default_factory=IdMap)
    seconds: float = 0.0


class Context:
    """What appliers share: the clients, the provider's default tags, what the run has learned so far."""

    def __init__(self, aws: Aws, evaluation: Evaluation, account: str):
        self.aws = aws
        self.region = aws.region
        self.account = account
        self.ids = IdMap()
        self.default_tags = _default_tags(evaluation)
        # a key has no name: a key already in the emulator is found through the alias the program gives it
        self.alias_of_key = {
            r.inputs.get("targetKeyId"): r.inputs.get("name") for r in evaluation.resources if r.type == tokens.KEY_ALIAS
        }
        self.inline: dict[str, set[str]] = {}  # role -> inline policies the program declares

    def tags(self, inputs: dict) -> dict[str, str]:
        return {**self.default_tags, **(inputs.get("tags") or {})}

    def client(self, service: str):
        return self.aws.client(service)


Applier = Callable[[Context, dict, Resource], tuple[dict, str]]  # (translated inputs, the record) -> (real outputs, status)


def shape(value, renames: dict[str, str] = RENAMES):
    """Pulumi's camelCase inputs as AWS API shapes: PascalCase keys, whole numbers as ints; user maps as they are."""
    if isinstance(value, dict):
        return {
            renames.get(k, k[:1].upper() + k[1:]): (dict(v) if k in FREE_MAPS else shape(v, renames)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [shape(v, renames) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def upsert(create: Callable[[], object], update: Callable[[], object], exists: str) -> str:
    """Create; where the emulator answers `exists` (an earlier run's), bring it in line instead."""
    try:
        create()
        return CREATED
    except ClientError as exc:
        if error_code(exc) != exists:
            raise
    update()
    return UPDATED


# S3 -------------------------------------------------------------------------------------------------


def s3_bucket(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    s3 = ctx.client("s3")
    name = inputs["bucket"]
    try:
        s3.head_bucket(Bucket=name)  # ours, from an earlier run (us-east-1 would answer a second create with 200)
        status = UPDATED
    except ClientError as exc:
        if error_code(exc) not in ("404", "NoSuchBucket", "NotFound"):
            raise
        where = {} if ctx.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": ctx.region}}
        s3.create_bucket(Bucket=name, **where)
        status = CREATED
    tags = ctx.tags(inputs)
    if tags:
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]})
    return {"id": name, "bucket": name, "arn": f"arn:aws:s3:::{name}"}, status


def s3_ownership(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    ctx.client("s3").put_bucket_ownership_controls(Bucket=inputs["bucket"], OwnershipControls={"Rules": [shape(inputs["rule"])]})
    return {"id": inputs["bucket"]}, PUT


def s3_public_access_block(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    config = shape({k: bool(inputs.get(k, False)) for k in flags})
    ctx.client("s3").put_public_access_block(Bucket=inputs["bucket"], PublicAccessBlockConfiguration=config)
    return {"id": inputs["bucket"]}, PUT


def s3_encryption(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    ctx.client("s3").put_bucket_encryption(
        Bucket=inputs["bucket"], ServerSideEncryptionConfiguration={"Rules": shape(inputs["rules"])}
    )
    return {"id": inputs["bucket"]}, PUT


def s3_versioning(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    config = shape(inputs["versioningConfiguration"])
    ctx.client("s3").put_bucket_versioning(Bucket=inputs["bucket"], VersioningConfiguration=config)
    return {"id": inputs["bucket"]}, PUT


def s3_lifecycle(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    ctx.client("s3").put_bucket_lifecycle_configuration(Bucket=inputs["bucket"], LifecycleConfiguration={"Rules": shape(inputs["rules"])})
    return {"id": inputs["bucket"]}, PUT


def s3_policy(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    ctx.client("s3").put_bucket_policy(Bucket=inputs["bucket"], Policy=inputs["policy"])
    return {"id": inputs["bucket"]}, PUT


# KMS ------------------------------------------------------------------------------------------------


def kms_key(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    kms = ctx.client("kms")
    alias = ctx.alias_of_key.get(resource.id)
    meta = None
    if alias:
        try:
            meta = kms.describe_key(KeyId=alias)["KeyMetadata"]
        except ClientError as exc:
            if error_code(exc) != "NotFoundException":
                raise
    tags = [{"TagKey": k, "TagValue": v} for k, v in sorted(ctx.tags(inputs).items())]
    status = CREATED if meta is None else UPDATED
    if meta is None:
        meta = kms.create_key(Description=inputs.get("description", ""), Tags=tags)["KeyMetadata"]
    else:
        kms.update_key_description(KeyId=meta["KeyId"], Description=inputs.get("description", ""))
        if tags:
            kms.tag_resource(KeyId=meta["KeyId"], Tags=tags)
    if inputs.get("enableKeyRotation"):
        kms.enable_key_rotation(KeyId=meta["KeyId"])
    return {"id": meta["KeyId"], "keyId": meta["KeyId"], "arn": meta["Arn"]}, status


def kms_alias(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    kms = ctx.client("kms")
    name, target = inputs["name"], inputs["targetKeyId"]
    status = upsert(
        lambda: kms.create_alias(AliasName=name, TargetKeyId=target),
        lambda: kms.update_alias(AliasName=name, TargetKeyId=target),
        "AlreadyExistsException",
    )
    return {"id": name, "arn": f"arn:aws:kms:{ctx.region}:{ctx.account}:{name}"}, status


# IAM ------------------------------------------------------------------------------------------------


def iam_role(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    iam = ctx.client("iam")
    name = inputs["name"]
    tags = [{"Key": k, "Value": v} for k, v in sorted(ctx.tags(inputs).items())]
    trust, description = inputs["assumeRolePolicy"], inputs.get("description", "")

    def update() -> None:
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=trust)
        iam.update_role(RoleName=name, Description=description)
        if tags:
            iam.tag_role(RoleName=name, Tags=tags)

    def create() -> None:
        iam.create_role(RoleName=name, Path=inputs.get("path", "/"), AssumeRolePolicyDocument=trust, Description=description, Tags=tags)

    status = upsert(create, update, "EntityAlreadyExists")
    role = iam.get_role(RoleName=name)["Role"]
    ctx.inline.setdefault(name, set())
    return {"id": name, "name": name, "arn": role["Arn"]}, status


def iam_role_policy(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    role, name = inputs["role"], inputs["name"]
    ctx.client("iam").put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=inputs["policy"])
    ctx.inline.setdefault(role, set()).add(name)
    return {"id": f"{role}:{name}"}, PUT


def prune_inline_policies(ctx: Context) -> list[str]:
    """A revoked grant is an inline policy the program no longer registers: delete it from the roles the program owns."""
    pruned: list[str] = []
    if not ctx.inline:
        return pruned
    iam = ctx.client("iam")
    for role, declared in sorted(ctx.inline.items()):
        for page in iam.get_paginator("list_role_policies").paginate(RoleName=role):
            for name in page["PolicyNames"]:
                if name not in declared:
                    iam.delete_role_policy(RoleName=role, PolicyName=name)
                    pruned.append(f"{role}/{name}")
    return pruned


# Glue -----------------------------------------------------------------------------------------------


def glue_database(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    glue = ctx.client("glue")
    name = inputs["name"]
    database = {"Name": name, "Description": inputs.get("description", "")}
    status = upsert(
        lambda: glue.create_database(DatabaseInput=database, Tags=ctx.tags(inputs)),
        lambda: glue.update_database(Name=name, DatabaseInput=database),
        "AlreadyExistsException",
    )
    return {"id": name, "arn": f"arn:aws:glue:{ctx.region}:{ctx.account}:database/{name}"}, status


def glue_table(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    glue = ctx.client("glue")
    database = inputs["databaseName"]
    table = shape({k: v for k, v in inputs.items() if k not in ("databaseName", "catalogId")})
    status = upsert(
        lambda: glue.create_table(DatabaseName=database, TableInput=table),
        lambda: glue.update_table(DatabaseName=database, TableInput=table),
        "AlreadyExistsException",
    )
    return {"id": f"{database}:{table['Name']}", "arn": f"arn:aws:glue:{ctx.region}:{ctx.account}:table/{database}/{table['Name']}"}, status


APPLIERS: dict[str, Applier] = {
    tokens.BUCKET: s3_bucket,
    tokens.BUCKET_OWNERSHIP: s3_ownership,
    tokens.BUCKET_PUBLIC_ACCESS: s3_public_access_block,
    tokens.BUCKET_ENCRYPTION: s3_encryption,
    tokens.BUCKET_VERSIONING: s3_versioning,
    tokens.BUCKET_LIFECYCLE: s3_lifecycle,
    tokens.BUCKET_POLICY: s3_policy,
    tokens.KEY: kms_key,
    tokens.KEY_ALIAS: kms_alias,
    tokens.ROLE: iam_role,
    tokens.ROLE_POLICY: iam_role_policy,
    tokens.DATABASE: glue_database,
    tokens.TABLE: glue_table,
}


def cloud_resources(evaluation: Evaluation) -> list[Resource]:
    """What `up --local` applies to the emulator: every custom resource but providers and Kubernetes objects."""
    return [r for r in evaluation.custom() if not is_kubernetes_object(r)]


def unsupported(evaluation: Evaluation, where: Callable[[Resource], tuple[str, int]] | None = None) -> list[Problem]:
    """One problem per resource whose type has no applier (and is not known to be inapplicable)."""
    problems = []
    for r in cloud_resources(evaluation):
        if r.type not in APPLIERS and r.type not in NOT_APPLICABLE:
            path, line = where(r) if where else ("__main__.py", 1)
            problems.append(
                Problem(path, line, f"resource type {r.type} ({r.name}) has no local applier: nothing is provisioned rather than "
                        "skip it (add one to meshplane/local/apply.py)")
            )
    return problems


def apply(
    evaluation: Evaluation,
    aws: Aws,
    account: str,
    progress: Callable[[int, int, float], None] | None = None,
) -> ApplyReport:
    """Apply every cloud resource in order, translating mock IDs to the emulator's as they become known."""
    problems = unsupported(evaluation)
    if problems:
        raise ApplyError(problems)
    ctx = Context(aws, evaluation, account)
    report = ApplyReport(ids=ctx.ids)
    todo = cloud_resources(evaluation)
    started = time.monotonic()
    for done, resource in enumerate(todo, 1):
        if resource.type in NOT_APPLICABLE:
            report.not_applicable.append((resource, NOT_APPLICABLE[resource.type]))
        else:
            inputs = ctx.ids.translate(resource.inputs)
            try:
                real, status = APPLIERS[resource.type](ctx, inputs, resource)
            except (ClientError, BotoCoreError, ParamValidationError, KeyError) as exc:
                raise ApplyError(
                    [Problem(resource.urn, 1, f"applying {resource.type} {resource.name!r} failed after {done - 1} of {len(todo)} "
                             f"resources: {exc}")]
                ) from None
            ctx.ids.learn_outputs({"id": resource.id, **resource.outputs}, real)
            report.applied.append(Applied(resource, real, status))
        if progress:
            progress(done, len(todo), time.monotonic() - started)
    report.pruned = prune_inline_policies(ctx)
    report.seconds = time.monotonic() - started
    return report


def _default_tags(evaluation: Evaluation) -> dict[str, str]:
    """The aws provider's default tags (a provider's object inputs arrive JSON-encoded)."""
    for r in evaluation.resources:
        if r.type == tokens.AWS_PROVIDER:
            value = r.inputs.get("defaultTags")
            if isinstance(value, str):
                value = json.loads(value)
            if isinstance(value, dict):
                return dict(value.get("tags") or {})
    return {}
