"""`meshplane verify`: the deployed state, read with boto3, against what the program declares for the stack.

The expectations come from the real program under the mock engine (the same registrations `pulumi up`
would make), so verify checks exactly what was meant to be deployed: each bucket's encryption, public
access block, versioning and policy, each Glue table's schema, each role's trust and inline policies
(a grant is an inline policy: a missing one is a revoked grant, an extra one a grant nobody declared).
Each finding names the declaration it departs from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from botocore.exceptions import ClientError

from components import tokens
from meshplane.compose import location
from meshplane.engine import Evaluation
from meshplane.governance.documents import allows, as_list
from meshplane.inventory import Resource
from meshplane.local.emulator import Aws, error_code
from meshplane.mesh import Mesh
from meshplane.problems import Problem
from meshplane.stack import StackSettings

PUBLIC_ACCESS_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


@dataclass
class Bucket:
    resource: Resource
    config: dict[str, dict] = field(default_factory=dict)  # resource type -> inputs


@dataclass
class Role:
    resource: Resource
    policies: dict[str, dict] = field(default_factory=dict)  # inline policy name -> document


@dataclass
class Expectations:
    buckets: dict[str, Bucket] = field(default_factory=dict)
    tables: list[Resource] = field(default_factory=list)
    databases: list[Resource] = field(default_factory=list)
    roles: dict[str, Role] = field(default_factory=dict)
    keys: list[tuple[Resource, str]] = field(default_factory=list)  # (key, its alias)


def expectations(evaluation: Evaluation) -> Expectations:
    expected = Expectations()
    resources = evaluation.custom()
    aliases = {r.inputs.get("targetKeyId"): r.inputs["name"] for r in resources if r.type == tokens.KEY_ALIAS}
    for r in resources:
        if r.type == tokens.BUCKET:
            expected.buckets[r.inputs["bucket"]] = Bucket(r)
        elif r.type == tokens.ROLE:
            expected.roles[r.inputs["name"]] = Role(r)
        elif r.type == tokens.TABLE:
            expected.tables.append(r)
        elif r.type == tokens.DATABASE:
            expected.databases.append(r)
        elif r.type == tokens.KEY:
            expected.keys.append((r, aliases.get(r.id, "")))
    for r in resources:
        if r.type in (tokens.BUCKET_ENCRYPTION, tokens.BUCKET_PUBLIC_ACCESS, tokens.BUCKET_VERSIONING, tokens.BUCKET_POLICY) and r.inputs.get("bucket") in expected.buckets:
            expected.buckets[r.inputs["bucket"]].config[r.type] = r.inputs
        elif r.type == tokens.ROLE_POLICY and r.inputs.get("role") in expected.roles:
            expected.roles[r.inputs["role"]].policies[r.inputs["name"]] = json.loads(r.inputs["policy"])
    return expected


@dataclass
class VerifyReport:
    findings: list[Problem]
    products: int
    domains: int
    checked: dict[str, int]

    @property
    def clean(self) -> bool:
        return not self.findings


class Verifier:
    def __init__(self, evaluation: Evaluation, mesh: Mesh, settings: StackSettings, aws: Aws):
        self.expected = expectations(evaluation)
        self.mesh = mesh
        self.aws = aws
        self.findings: list[Problem] = []
        self._key_arns: dict[str, str | None] = {}
        # a grant's policy is named after the producer's bucket: back to the producer's address
        self.producer_of_bucket = {location(settings, p).bucket: p.address for p in mesh.products.values()}

    # where a finding points ----------------------------------------------------------------------

    def report(self, resource: Resource, message: str, field_path: tuple = ()) -> None:
        owner = resource.product or resource.domain or "(stack)"
        path, line = self.mesh.declaration(resource.product, resource.domain, field_path) or ("__main__.py", 1)
        self.findings.append(Problem(path, line, f"{owner}: {message}"))

    def _input_line(self, consumer: str | None, producer: str | None) -> tuple:
        declared = self.mesh.products.get(consumer or "")
        if declared is None or producer not in declared.spec.inputs:
            return ()
        return ("inputs", declared.spec.inputs.index(producer))

    # the checks ----------------------------------------------------------------------------------

    def run(self) -> VerifyReport:
        for key, alias in self.expected.keys:
            self.check_key(key, alias)
        for database in self.expected.databases:
            self.check_database(database)
        for bucket in self.expected.buckets.values():
            self.check_bucket(bucket)
        for table in self.expected.tables:
            self.check_table(table)
        for role in self.expected.roles.values():
            self.check_role(role)
        e = self.expected
        products = {r.resource.product for r in e.buckets.values()} | {t.product for t in e.tables}
        domains = {k.domain for k, _ in e.keys} | {d.domain for d in e.databases}
        checked = {
            "buckets": len(e.buckets),
            "tables": len(e.tables),
            "roles": len(e.roles),
            "inline policies": sum(len(r.policies) for r in e.roles.values()),
            "keys": len(e.keys),
            "databases": len(e.databases),
        }
        return VerifyReport(sorted(self.findings), len(products - {None}), len(domains - {None}), checked)

    def check_key(self, key: Resource, alias: str) -> None:
        if not alias:
            return
        arn = self.key_arn(alias)
        if arn is None:
            self.report(key, f"KMS key {alias} is missing")
            return
        if key.inputs.get("enableKeyRotation"):
            status = self.aws.client("kms").get_key_rotation_status(KeyId=arn)
            if not status.get("KeyRotationEnabled"):
                self.report(key, f"KMS key {alias} has rotation off (declared on)")

    def check_database(self, database: Resource) -> None:
        name = database.inputs["name"]
        try:
            self.aws.client("glue").get_database(Name=name)
        except ClientError as exc:
            if error_code(exc) != "EntityNotFoundException":
                raise
            self.report(database, f"Glue database {name} is missing")

    def check_bucket(self, bucket: Bucket) -> None:
        s3 = self.aws.client("s3")
        r = bucket.resource
        name = r.inputs["bucket"]
        try:
            s3.head_bucket(Bucket=name)
        except ClientError as exc:
            if error_code(exc) not in ("404", "NoSuchBucket", "NotFound"):
                raise
            self.report(r, f"bucket {name} is missing")
            return
        if tokens.BUCKET_ENCRYPTION in bucket.config:
            self.check_encryption(r, name, bucket.config[tokens.BUCKET_ENCRYPTION])
        if tokens.BUCKET_PUBLIC_ACCESS in bucket.config:
            self.check_public_access(r, name, bucket.config[tokens.BUCKET_PUBLIC_ACCESS])
        if tokens.BUCKET_VERSIONING in bucket.config:
            declared = bucket.config[tokens.BUCKET_VERSIONING]["versioningConfiguration"]["status"]
            actual = s3.get_bucket_versioning(Bucket=name).get("Status", "never enabled")
            if actual != declared:
                self.report(r, f"bucket {name} versioning is {actual}, declared {declared}")
        if tokens.BUCKET_POLICY in bucket.config:
            self.check_bucket_policy(r, name, json.loads(bucket.config[tokens.BUCKET_POLICY]["policy"]))

    def check_encryption(self, r: Resource, name: str, config: dict) -> None:
        declared = config["rules"][0]
        default = declared["applyServerSideEncryptionByDefault"]
        try:
            rules = self.aws.client("s3").get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
        except ClientError as exc:
            if error_code(exc) != "ServerSideEncryptionConfigurationNotFoundError":
                raise
            rules = []
        want = f"{default['sseAlgorithm']} with key {default.get('kmsMasterKeyId')}"
        if not rules:
            self.report(r, f"bucket {name} has no default encryption, declared {want}")
            return
        actual = rules[0].get("ApplyServerSideEncryptionByDefault", {})
        algorithm, key = actual.get("SSEAlgorithm"), actual.get("KMSMasterKeyID")
        if algorithm != default["sseAlgorithm"]:
            self.report(r, f"bucket {name} encryption is {algorithm}, declared {want}")
            return
        if default.get("kmsMasterKeyId") and (key is None or self.key_arn(key) != self.key_arn(default["kmsMasterKeyId"])):
            self.report(r, f"bucket {name} encryption uses key {key or 'aws/s3 (the AWS managed key)'}, declared the domain key {default['kmsMasterKeyId']}")
        if declared.get("bucketKeyEnabled") and not rules[0].get("BucketKeyEnabled"):
            self.report(r, f"bucket {name} has S3 bucket keys off (declared on)")

    def check_public_access(self, r: Resource, name: str, config: dict) -> None:
        try:
            actual = self.aws.client("s3").get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
        except ClientError as exc:
            if error_code(exc) != "NoSuchPublicAccessBlockConfiguration":
                raise
            actual = {}
        declared = {flag: bool(config.get(flag[:1].lower() + flag[1:])) for flag in PUBLIC_ACCESS_FLAGS}
        off = [flag for flag in PUBLIC_ACCESS_FLAGS if declared[flag] and not actual.get(flag)]
        if off:
            self.report(r, f"bucket {name} public access is not fully blocked: {', '.join(off)} off")

    def check_bucket_policy(self, r: Resource, name: str, declared: dict) -> None:
        try:
            actual = json.loads(self.aws.client("s3").get_bucket_policy(Bucket=name)["Policy"])
        except ClientError as exc:
            if error_code(exc) != "NoSuchBucketPolicy":
                raise
            self.report(r, f"bucket {name} has no bucket policy (declared: TLS only, and the agreed readers)")
            return
        if _normal(actual) == _normal(declared):
            return
        want, have = _readers(declared), _readers(actual)
        if want != have:
            detail = "; ".join(
                part
                for part in (
                    f"allowlists undeclared {', '.join(sorted(have - want))}" if have - want else "",
                    f"lacks declared {', '.join(sorted(want - have))}" if want - have else "",
                )
                if part
            )
            self.report(r, f"bucket {name} policy differs from the declaration: {detail}")
        else:
            self.report(r, f"bucket {name} policy differs from the declaration")

    def check_table(self, table: Resource) -> None:
        database, name = table.inputs["databaseName"], table.inputs["name"]
        try:
            actual = self.aws.client("glue").get_table(DatabaseName=database, Name=name)["Table"]
        except ClientError as exc:
            if error_code(exc) != "EntityNotFoundException":
                raise
            self.report(table, f"Glue table {database}.{name} is missing")
            return
        declared_sd = table.inputs.get("storageDescriptor") or {}
        actual_sd = actual.get("StorageDescriptor") or {}
        differences = _columns_diff("column", declared_sd.get("columns") or [], actual_sd.get("Columns") or [])
        differences += _columns_diff("partition key", table.inputs.get("partitionKeys") or [], actual.get("PartitionKeys") or [])
        if declared_sd.get("location") != actual_sd.get("Location"):
            differences.append(f"location {actual_sd.get('Location')}, declared {declared_sd.get('location')}")
        if differences:
            self.report(table, f"Glue table {database}.{name} differs from the declaration: {'; '.join(differences)}", ("output", "columns"))

    def check_role(self, role: Role) -> None:
        iam = self.aws.client("iam")
        r = role.resource
        name = r.inputs["name"]
        try:
            actual = iam.get_role(RoleName=name)["Role"]
        except ClientError as exc:
            if error_code(exc) != "NoSuchEntity":
                raise
            self.report(r, f"role {name} is missing")
            return
        if _normal(_document(actual.get("AssumeRolePolicyDocument"))) != _normal(json.loads(r.inputs["assumeRolePolicy"])):
            self.report(r, f"role {name} trust policy differs from the declaration")
        names = [n for page in iam.get_paginator("list_role_policies").paginate(RoleName=name) for n in page["PolicyNames"]]
        for missing in sorted(set(role.policies) - set(names)):
            producer = self._producer(missing)
            what = f" (read of {producer})" if producer else ""
            self.report(r, f"grant missing: role {name} lacks inline policy {missing}{what}", self._input_line(r.product, producer))
        for extra in sorted(set(names) - set(role.policies)):
            producer = self._producer(extra)
            what = f" (read of {producer})" if producer else ""
            self.report(r, f"extra grant: role {name} has inline policy {extra}{what} that the declarations do not make")
        for common in sorted(set(names) & set(role.policies)):
            document = _document(iam.get_role_policy(RoleName=name, PolicyName=common)["PolicyDocument"])
            if _normal(document) != _normal(role.policies[common]):
                self.report(r, f"role {name} inline policy {common} differs from the declaration", self._input_line(r.product, self._producer(common)))
        attached = [p["PolicyArn"] for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=name) for p in page["AttachedPolicies"]]
        for arn in attached:
            self.report(r, f"extra grant: role {name} has managed policy {arn} attached, which the declarations do not make")

    # helpers -------------------------------------------------------------------------------------

    def _producer(self, policy_name: str) -> str | None:
        return self.producer_of_bucket.get(policy_name.removeprefix("read-")) if policy_name.startswith("read-") else None

    def key_arn(self, key: str) -> str | None:
        """The ARN of the key behind an ID, ARN, alias or alias ARN; None if there is none."""
        if key not in self._key_arns:
            try:
                self._key_arns[key] = self.aws.client("kms").describe_key(KeyId=key)["KeyMetadata"]["Arn"]
            except ClientError as exc:
                if error_code(exc) != "NotFoundException":
                    raise
                self._key_arns[key] = None
        return self._key_arns[key]


def verify(evaluation: Evaluation, mesh: Mesh, settings: StackSettings, aws: Aws) -> VerifyReport:
    return Verifier(evaluation, mesh, settings, aws).run()


def _document(value) -> dict:
    """IAM answers documents as dicts (boto3 decodes them) or, from some emulators, as JSON text."""
    if isinstance(value, str):
        from urllib.parse import unquote

        return json.loads(unquote(value) if value.startswith("%7B") else value)
    return value or {}


def _normal(value):
    """A policy as a comparable value: a one-element list is the element, statement order kept."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_normal(v) for v in value]
        return items[0] if len(items) == 1 else items
    return value


def _readers(policy: dict) -> set[str]:
    readers: set[str] = set()
    for statement in allows(policy):
        readers.update(as_list(((statement.get("Condition") or {}).get("ArnEquals") or {}).get("aws:PrincipalArn")))
    return readers


def _columns_diff(what: str, declared: list[dict], actual: list[dict]) -> list[str]:
    want = [(c["name"], c["type"]) for c in declared]
    have = [(c.get("Name"), c.get("Type")) for c in actual]
    if want == have:
        return []
    out = []
    want_types, have_types = dict(want), dict(have)
    for name, typ in want:
        if name not in have_types:
            out.append(f"{what} {name} missing")
        elif have_types[name] != typ:
            out.append(f"{what} {name} is {have_types[name]}, declared {typ}")
    out.extend(f"{what} {name} not declared" for name, _ in have if name not in want_types)
    if not out:
        out.append(f"{what}s in another order: {', '.join(n for n, _ in have)}")
    return out

