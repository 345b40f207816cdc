"""`meshplane verify`: the deployed state, read back with boto3, against every property the program sets.

The expectations are the program's own registrations (the real program under the mock engine). Each
resource type has a reader: what the program declares of it and what the cloud answers, both in one
plain shape, so any difference is a finding at the declaration it departs from. Then what nobody
declares any more: resources tagged as ours in the stack's accounts and domains, and, on what we own,
access points, key grants, catalog grants, inline and attached policies nobody declared.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from botocore.exceptions import ClientError

from components import tokens
from components.providers import account_of_provider
from meshplane.engine import Evaluation
from meshplane.inventory import Resource, whole
from meshplane.local.apply import lf_table, list_grants, shape
from meshplane.local.emulator import Aws, document, error_code
from meshplane.local.subjects import SHORT
from meshplane.mesh import Mesh
from meshplane.problems import Problem
from meshplane.stack import StackSettings

MISSING = ("404", "NoSuchBucket", "NotFound", "NoSuchEntity", "NotFoundException", "EntityNotFoundException", "NoSuchAccessPoint")
ABSENT_CONFIG = {
    "NoSuchTagSet", "OwnershipControlsNotFoundError", "NoSuchPublicAccessBlockConfiguration", "ServerSideEncryptionConfigurationNotFoundError",
    "NoSuchLifecycleConfiguration", "NoSuchBucketPolicy", "NoSuchAccessPointPolicy",
}  # fmt: skip


@dataclass
class VerifyReport:
    findings: list[Problem]
    products: int
    domains: int
    checked: dict[str, int]


def _normal(value):
    """A policy or configuration as a comparable value: a one-element list is the element, statement order kept."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_normal(v) for v in value]
        return items[0] if len(items) == 1 else items
    return whole(value)


class Verifier:
    def __init__(self, evaluation: Evaluation, mesh: Mesh, settings: StackSettings, accounts: dict[str, Aws]):
        self.resources = [r for r in evaluation.custom() if not r.type.startswith(tokens.KUBERNETES_PREFIX)]
        self.mesh, self.settings, self.accounts = mesh, settings, accounts
        self.findings: list[Problem] = []
        self.default_tags = next(
            (json.loads(r.inputs["defaultTags"])["tags"] for r in evaluation.resources if r.type == tokens.AWS_PROVIDER and "defaultTags" in r.inputs), {}
        )
        self.alias_of_key = {r.inputs["targetKeyId"]: r.inputs["name"] for r in self.resources if r.type == tokens.KEY_ALIAS}
        self.key_of_arn = {r.outputs.get("arn"): r.id for r in self.resources if r.type == tokens.KEY}
        self._keys: dict[tuple[str, str], dict | None] = {}

    # where things are -----------------------------------------------------------------------------

    def account(self, r: Resource) -> str:
        return account_of_provider(r.provider, self.settings.account_id)

    def client(self, r: Resource, service: str):
        return self.accounts[self.account(r)].client(service)

    def report(self, r: Resource, message: str, field: tuple = ()) -> None:
        owner = r.product or r.domain or "(stack)"
        path, line = self.mesh.declaration(r.product, r.domain, field) or ("__main__.py", 1)
        self.findings.append(Problem(path, line, f"{owner}: {SHORT.get(r.type, r.type)} {self.label(r)}: {message}"))

    def label(self, r: Resource) -> str:
        i = r.inputs
        return str(i.get("bucket") or i.get("name") or i.get("roleName") or i.get("arn") or r.name) if r.type != tokens.KEY else self.alias_of_key.get(r.id, r.name)

    def key(self, r: Resource, declared_key: str) -> dict | None:
        """The real key behind a declared key (its mock ID or ARN): found through the alias the program gives it."""
        alias = self.alias_of_key.get(self.key_of_arn.get(declared_key, declared_key))
        cache = (self.account(r), alias or declared_key)
        if cache not in self._keys:
            try:
                self._keys[cache] = self.client(r, "kms").describe_key(KeyId=alias or declared_key)["KeyMetadata"]
            except ClientError as exc:
                if error_code(exc) not in MISSING:
                    raise
                self._keys[cache] = None
        return self._keys[cache]

    # the comparison -------------------------------------------------------------------------------

    def run(self) -> VerifyReport:
        checked: Counter = Counter()
        for r in self.resources:
            reader = READERS.get(r.type)
            if reader is None:
                continue
            declared, observe = reader(self, r)
            try:
                observed = observe()
            except ClientError as exc:
                if error_code(exc) not in MISSING:
                    raise
                observed = None
            checked[SHORT[r.type]] += 1
            if observed is None:
                self.report(r, "is missing")
                continue
            for prop, want in declared.items():
                have = observed.get(prop)
                if _normal(have) != _normal(want):
                    self.report(r, f"{prop} is {_shown(have)}, declared {_shown(want)}")
        self.undeclared()
        products = {r.product for r in self.resources if r.product}
        domains = {r.domain for r in self.resources if r.domain}
        return VerifyReport(sorted(set(self.findings)), len(products), len(domains), dict(checked))

    def undeclared(self) -> None:
        """Resources in the stack's accounts tagged as this environment's and in its domains, that nobody declares any more."""
        declared_names = {(self.account(r), r.type, self.label(r)) for r in self.resources}
        scope = {r.domain for r in self.resources if r.domain}
        env = self.default_tags.get("environment")
        for account, aws in self.accounts.items():
            for typ, name, tags in _tagged(aws):
                if tags.get("managed-by") != "meshplane" or tags.get("environment") != env or tags.get("domain") not in scope:
                    continue
                if (account, typ, name) not in declared_names:
                    where = self.mesh.declaration(tags.get("product"), tags.get("domain")) or ("__main__.py", 1)
                    self.findings.append(Problem(*where, f"{tags.get('product') or tags.get('domain')}: {SHORT[typ]} {name}: "
                                                 f"is no longer declared (in account {account}): remove it, or declare it again"))  # fmt: skip


def _shown(value) -> str:
    text = json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else repr(value)
    return text if len(text) <= 160 else text[:157] + "..."


def _tagged(aws: Aws):
    """(type, name, tags) of the buckets, roles and keys of an account."""
    s3, iam, kms = aws.client("s3"), aws.client("iam"), aws.client("kms")
    for bucket in s3.list_buckets().get("Buckets", []):
        try:
            tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=bucket["Name"])["TagSet"]}
        except ClientError as exc:
            if error_code(exc) not in ABSENT_CONFIG | set(MISSING):
                raise
            continue
        yield tokens.BUCKET, bucket["Name"], tags
    for page in iam.get_paginator("list_roles").paginate():
        for role in page["Roles"]:
            tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=role["RoleName"]).get("Tags", [])}
            yield tokens.ROLE, role["RoleName"], tags


def _config(call: Callable[[], dict], absent: dict | None = None) -> dict:
    """A bucket configuration, or `absent` (what a missing configuration amounts to)."""
    try:
        return call()
    except ClientError as exc:
        if error_code(exc) in ABSENT_CONFIG:
            return absent if absent is not None else {}
        raise


# --- one reader per type: (declared, observe) ----------------------------------------------------------


def bucket(v: Verifier, r: Resource):
    s3, name = v.client(r, "s3"), r.inputs["bucket"]

    def observe():
        s3.head_bucket(Bucket=name)
        tagging = _config(lambda: s3.get_bucket_tagging(Bucket=name), {"TagSet": []})
        return {"tags": {t["Key"]: t["Value"] for t in tagging["TagSet"]}}

    return {"tags": {**v.default_tags, **(r.inputs.get("tags") or {})}}, observe


def ownership(v: Verifier, r: Resource):
    s3 = v.client(r, "s3")
    observe = lambda: {"objectOwnership": (_config(lambda: s3.get_bucket_ownership_controls(Bucket=r.inputs["bucket"])).get("OwnershipControls") or {"Rules": [{}]})["Rules"][0].get("ObjectOwnership")}  # noqa: E731,E501
    return {"objectOwnership": r.inputs["rule"]["objectOwnership"]}, observe


FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def public_access(v: Verifier, r: Resource):
    s3 = v.client(r, "s3")

    def observe():
        found = _config(lambda: s3.get_public_access_block(Bucket=r.inputs["bucket"])).get("PublicAccessBlockConfiguration", {})
        return {f: bool(found.get(f[:1].upper() + f[1:])) for f in FLAGS}

    return {f: bool(r.inputs.get(f)) for f in FLAGS}, observe


def encryption(v: Verifier, r: Resource):
    s3 = v.client(r, "s3")
    (rule,) = r.inputs["rules"]
    default = rule["applyServerSideEncryptionByDefault"]

    def key_arn(key: str | None) -> str | None:
        found = v.key(r, key) if key else None
        return found["Arn"] if found else key

    def observe():
        rules = _config(lambda: s3.get_bucket_encryption(Bucket=r.inputs["bucket"])).get("ServerSideEncryptionConfiguration", {}).get("Rules") or [{}]
        actual = rules[0].get("ApplyServerSideEncryptionByDefault", {})
        return {"algorithm": actual.get("SSEAlgorithm"), "key": key_arn(actual.get("KMSMasterKeyID")), "bucketKey": bool(rules[0].get("BucketKeyEnabled"))}

    return {"algorithm": default["sseAlgorithm"], "key": key_arn(default.get("kmsMasterKeyId")), "bucketKey": bool(rule.get("bucketKeyEnabled"))}, observe


def versioning(v: Verifier, r: Resource):
    s3 = v.client(r, "s3")
    return {"status": r.inputs["versioningConfiguration"]["status"]}, lambda: {"status": s3.get_bucket_versioning(Bucket=r.inputs["bucket"]).get("Status")}


def lifecycle(v: Verifier, r: Resource):
    s3 = v.client(r, "s3")
    observe = lambda: {"rules": _config(lambda: s3.get_bucket_lifecycle_configuration(Bucket=r.inputs["bucket"]), {"Rules": None})["Rules"]}  # noqa: E731
    return {"rules": shape(r.inputs["rules"])}, observe


def bucket_policy(v: Verifier, r: Resource):
    s3 = v.client(r, "s3")
    observe = lambda: {"policy": document(_config(lambda: s3.get_bucket_policy(Bucket=r.inputs["bucket"]), {"Policy": "{}"})["Policy"])}  # noqa: E731
    return {"policy": json.loads(r.inputs["policy"])}, observe


def access_point(v: Verifier, r: Resource):
    control, account, name = v.client(r, "s3control"), r.inputs.get("accountId") or v.account(r), r.inputs["name"]

    def observe():
        found = control.get_access_point(AccountId=account, Name=name)
        policy = _config(lambda: control.get_access_point_policy(AccountId=account, Name=name), {"Policy": "{}"})["Policy"]
        return {"bucket": found["Bucket"], "policy": document(policy)}

    return {"bucket": r.inputs["bucket"], "policy": json.loads(r.inputs["policy"])}, observe


def key(v: Verifier, r: Resource):
    kms = v.client(r, "kms")

    def observe():
        meta = v.key(r, r.id)
        if meta is None:
            return None
        policy = kms.get_key_policy(KeyId=meta["KeyId"], PolicyName="default")["Policy"]
        tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=meta["KeyId"]).get("Tags", [])}
        rotation = kms.get_key_rotation_status(KeyId=meta["KeyId"])["KeyRotationEnabled"]
        return {"state": meta["KeyState"], "description": meta.get("Description"), "rotation": rotation, "policy": document(policy), "tags": tags}

    declared = {"state": "Enabled", "description": r.inputs.get("description"), "rotation": bool(r.inputs.get("enableKeyRotation")),
                "policy": json.loads(r.inputs["policy"]), "tags": {**v.default_tags, **(r.inputs.get("tags") or {})}}  # fmt: skip
    return declared, observe


def key_alias(v: Verifier, r: Resource):
    """An alias pointing elsewhere than the domain's key: the key it names now is not the domain's (not tagged as it)."""
    kms, name = v.client(r, "kms"), r.inputs["name"]
    domain_tags = {"domain": r.domain, "managed-by": v.default_tags.get("managed-by")}

    def observe():
        aliases = {a["AliasName"]: a.get("TargetKeyId") for page in kms.get_paginator("list_aliases").paginate() for a in page["Aliases"]}
        if name not in aliases:
            return None
        tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=aliases[name]).get("Tags", [])}
        return {"target": {k: tags.get(k) for k in domain_tags}}

    return {"target": domain_tags}, observe


def key_grant(v: Verifier, r: Resource):
    kms, i = v.client(r, "kms"), r.inputs
    constraints = {k[:1].upper() + k[1:]: dict(val) for c in i.get("constraints") or () for k, val in c.items()}

    def observe():
        meta = v.key(r, i["keyId"])
        if meta is None:
            return None
        found = [g for g in list_grants(kms, meta["KeyId"]) if g.get("Name") == i["name"]]
        if not found:
            return None
        g = found[0]
        return {"grantee": g.get("GranteePrincipal"), "operations": sorted(g.get("Operations", [])), "constraints": g.get("Constraints") or {}}

    return {"grantee": i["granteePrincipal"], "operations": sorted(i["operations"]), "constraints": constraints}, observe


def role(v: Verifier, r: Resource):
    iam, name = v.client(r, "iam"), r.inputs["name"]
    inline = sorted(p.inputs["name"] for p in v.resources if p.type == tokens.ROLE_POLICY and p.inputs.get("role") == name and v.account(p) == v.account(r))
    attached = sorted({a for p in v.resources if p.type == tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE and p.inputs.get("roleName") == name
                       and v.account(p) == v.account(r) for a in p.inputs.get("policyArns") or ()})  # fmt: skip

    def observe():
        found = iam.get_role(RoleName=name)["Role"]
        tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name).get("Tags", [])}
        names = sorted(n for page in iam.get_paginator("list_role_policies").paginate(RoleName=name) for n in page["PolicyNames"])
        arns = sorted(p["PolicyArn"] for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=name) for p in page["AttachedPolicies"])
        return {"trust": document(found.get("AssumeRolePolicyDocument")), "description": found.get("Description", ""), "tags": tags,
                "inline policies": names, "attached policies": arns}  # fmt: skip

    declared = {"trust": json.loads(r.inputs["assumeRolePolicy"]), "description": r.inputs.get("description", ""),
                "tags": {**v.default_tags, **(r.inputs.get("tags") or {})}, "inline policies": inline, "attached policies": attached}  # fmt: skip
    return declared, observe


def role_policy(v: Verifier, r: Resource):
    iam = v.client(r, "iam")
    observe = lambda: {"policy": document(iam.get_role_policy(RoleName=r.inputs["role"], PolicyName=r.inputs["name"])["PolicyDocument"])}  # noqa: E731
    return {"policy": json.loads(r.inputs["policy"])}, observe


def managed_policy(v: Verifier, r: Resource):
    iam = v.client(r, "iam")
    arn = f"arn:aws:iam::{v.account(r)}:policy{r.inputs.get('path', '/')}{r.inputs['name']}"

    def observe():
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        return {"policy": document(iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"])}

    return {"policy": json.loads(r.inputs["policy"])}, observe


def attachments(v: Verifier, r: Resource):
    """The role's reader reports extra or missing attachments; this one only says the role is there to hold them."""
    iam = v.client(r, "iam")
    return {}, lambda: iam.get_role(RoleName=r.inputs["roleName"])["Role"]


def database(v: Verifier, r: Resource):
    glue = v.client(r, "glue")
    observe = lambda: {"description": glue.get_database(Name=r.inputs["name"])["Database"].get("Description", "")}  # noqa: E731
    return {"description": r.inputs.get("description", "")}, observe


def table(v: Verifier, r: Resource):
    glue, i = v.client(r, "glue"), r.inputs
    sd = i["storageDescriptor"]

    def columns(items, key_name="name", key_type="type"):
        return [(c.get(key_name), c.get(key_type)) for c in items or ()]

    def observe():
        t = glue.get_table(DatabaseName=i["databaseName"], Name=i["name"])["Table"]
        asd = t.get("StorageDescriptor") or {}
        return {
            "columns": columns(asd.get("Columns"), "Name", "Type"),
            "partition keys": columns(t.get("PartitionKeys"), "Name", "Type"),
            "location": asd.get("Location"),
            "formats": [asd.get("InputFormat"), asd.get("OutputFormat"), (asd.get("SerdeInfo") or {}).get("SerializationLibrary")],
            "parameters": t.get("Parameters") or {},
            "description": t.get("Description", ""),
        }

    declared = {
        "columns": columns(sd.get("columns")),
        "partition keys": columns(i.get("partitionKeys")),
        "location": sd.get("location"),
        "formats": [sd.get("inputFormat"), sd.get("outputFormat"), (sd.get("serDeInfo") or {}).get("serializationLibrary")],
        "parameters": i.get("parameters") or {},
        "description": i.get("description", ""),
    }
    return declared, observe


def lf_resource(v: Verifier, r: Resource):
    lf = v.client(r, "lakeformation")
    observe = lambda: {"role": lf.describe_resource(ResourceArn=r.inputs["arn"])["ResourceInfo"].get("RoleArn")}  # noqa: E731
    return {"role": r.inputs["roleArn"]}, observe


def lf_permissions(v: Verifier, r: Resource):
    lf, i = v.client(r, "lakeformation"), r.inputs
    target = lf_table(i)

    def observe():
        found = lf.list_permissions(CatalogId=i.get("catalogId") or v.account(r), Principal={"DataLakePrincipalIdentifier": i["principal"]}, Resource=target)
        granted = sorted({p for e in found.get("PrincipalResourcePermissions", []) for p in e.get("Permissions", [])})
        return {"permissions": granted} if granted else None

    return {"permissions": sorted(i["permissions"])}, observe


READERS: dict[str, Callable] = {
    tokens.BUCKET: bucket, tokens.BUCKET_OWNERSHIP: ownership, tokens.BUCKET_PUBLIC_ACCESS: public_access, tokens.BUCKET_ENCRYPTION: encryption,
    tokens.BUCKET_VERSIONING: versioning, tokens.BUCKET_LIFECYCLE: lifecycle, tokens.BUCKET_POLICY: bucket_policy, tokens.ACCESS_POINT: access_point,
    tokens.KEY: key, tokens.KEY_ALIAS: key_alias, tokens.KEY_GRANT: key_grant, tokens.ROLE: role, tokens.ROLE_POLICY: role_policy,
    tokens.MANAGED_POLICY: managed_policy, tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE: attachments, tokens.DATABASE: database, tokens.TABLE: table,
    tokens.LF_RESOURCE: lf_resource, tokens.LF_PERMISSIONS: lf_permissions,
}  # fmt: skip


def verify(evaluation: Evaluation, mesh: Mesh, settings: StackSettings, accounts: dict[str, Aws]) -> VerifyReport:
    return Verifier(evaluation, mesh, settings, accounts).run()
