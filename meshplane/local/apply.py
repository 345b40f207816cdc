"""Every AWS resource the program registers, applied with boto3 in registration (dependency) order.

One applier per resource type, each an upsert, so applying twice converges. A type with no applier
stops the run before anything is applied; a type the emulator cannot hold is listed in
`NOT_APPLICABLE` with the reason, reported and recorded, never skipped silently. An upsert adopts only
what this stack created (`ownership`): every create is journaled before its call, and what exists under a
declared name without the stack's marker is refused, at its declaration.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from components import tokens
from components.access import POLICY_PATH
from components.providers import account_of_provider
from meshplane.cloud.inventory import Resource, whole
from meshplane.cloud.manifests import is_kubernetes_object
from meshplane.declarations.problems import MeshError, Problem
from meshplane.local.emulator import Aws, bucket_exists, error_code
from meshplane.local.ids import IdMap
from meshplane.local.ownership import Journal, KeyFound, NotOurs, adopt, customer_keys, duplicates, find_key, key_tags
from meshplane.local.readers import Ahead, Declared, Reading, policy_name
from meshplane.local.shapes import alarm_request, iam_tags, lf_table, list_grants, listed_tags, schedule_request, shape
from meshplane.local.subjects import aliases, subject
from meshplane.registrations.engine import Evaluation

NOT_APPLICABLE = {
    tokens.POD_IDENTITY: "moto has no EKS Pod Identity API, and no EKS cluster runs locally: the jobs exist as manifests only",
    tokens.DQ_RULESET: "moto 5.2.5 does not implement Glue Data Quality (CreateDataQualityRuleset raises NotImplementedError): the rulesets "
                       "exist in the program only, and nothing evaluates them locally",
    tokens.BUCKET_METRIC: "moto 5.2.5 accepts S3 request-metrics configurations but reads them back empty (the filter is lost), and the "
                          "emulator never emits request metrics: the freshness alarms stand on metrics that are not there",
}


class ApplyError(MeshError):
    pass


# new; there and a property departed from its declaration (brought in line); there as declared (nothing written)
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
PUT = "put"  # what an applier that does not read first returns: created or updated, as the reading before it says


@dataclass
class Applied:
    resource: Resource
    real: dict  # what the emulator answered: id, arn, keyId...
    status: str  # CREATED, UPDATED or UNCHANGED
    changes: tuple[str, ...] = ()  # what departed from the declaration and was repaired (UPDATED)


@dataclass
class ApplyReport:
    applied: list[Applied] = field(default_factory=list)
    not_applicable: list[tuple[Resource, str]] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)  # role/policy inline policies the program no longer declares
    notes: list[str] = field(default_factory=list)  # what was found changed behind the stack's back and not followed
    ids: IdMap = field(default_factory=IdMap)
    seconds: float = 0.0


class Context:
    """What appliers share: the clients of each account, the provider's default tags, what the run has learned so far.

    `use(account)` picks the account the next resource lives in (its provider's); `client` answers for it.
    """

    def __init__(self, accounts: dict[str, Aws], evaluation: Evaluation, default: str, journal: Journal | None = None,
                 known_keys: frozenset[str] = frozenset()):
        self.accounts = accounts
        self.default = default
        self.aws = accounts[default]
        self.region = self.aws.region
        self.account = default
        self.ids = IdMap()
        self.default_tags = _default_tags(evaluation)
        # a key has no name: the stack's key is found through the alias the program gives it, else by its tags (ownership)
        self.alias_of_key = aliases(evaluation.resources)
        self.declared = Declared()  # what the program declares, known once the run has found the stack's keys
        self.journal = journal or Journal(None)
        self.known_keys = known_keys  # the key IDs the last state names: a domain's key among duplicates
        self.notes: list[str] = []
        self._keys: dict[str, list] = {}  # account -> its customer keys, listed once, when a key is not behind its alias
        self._grants: dict[tuple[str, str], KeyGrants] = {}  # (account, key ID or ARN) -> its grants

    def use(self, resource: Resource) -> None:
        self.account = account_of_provider(resource.provider, self.default)
        self.aws = self.accounts[self.account]

    def tags(self, inputs: dict) -> dict[str, str]:
        return {**self.default_tags, **(inputs.get("tags") or {})}

    def client(self, service: str):
        return self.aws.client(service)

    def keys(self) -> list[tuple[dict, dict[str, str]]]:
        if self.account not in self._keys:
            self._keys[self.account] = customer_keys(self.client("kms"))
        return self._keys[self.account]

    def forget_keys(self) -> None:
        self._keys.pop(self.account, None)

    def grants(self, key: str) -> "KeyGrants":
        """The grants of the key `key` names (its ID or ARN) in the current account, listed once per run."""
        cache_key = (self.account, key)
        if cache_key not in self._grants:
            kms = self.client("kms")
            key_id = kms.describe_key(KeyId=key)["KeyMetadata"]["KeyId"]
            found = self._grants.get((self.account, key_id)) or KeyGrants(key_id, {g["Name"]: g for g in list_grants(kms, key_id) if g.get("Name")})
            self._grants[cache_key] = self._grants[(self.account, key_id)] = found
        return self._grants[cache_key]

    def created(self, resource: Resource, name: str, tags: dict[str, str] | None = None) -> None:
        """Journal the create about to be called (before the call: a run killed after it leaves it adoptable)."""
        self.journal.before_create(resource.type, self.account, name, tags)

    def adopt(self, resource: Resource, found: dict[str, str], declared: dict[str, str], name: str) -> None:
        adopt(found, declared, self.journal, resource.type, self.account, name)


Applier = Callable[[Context, dict, Resource], tuple[dict, str]]  # (translated inputs, the record) -> (real outputs, status)


def existing(read: Callable[[], dict], missing: str) -> dict | None:
    """What `read` answers, or None where the cloud answers `missing` (nothing under that name yet)."""
    try:
        return read()
    except ClientError as exc:
        if error_code(exc) != missing:
            raise
        return None


def retag(have: dict[str, str], want: dict[str, str], tag: Callable[[dict[str, str]], object], untag: Callable[[list[str]], object]) -> None:
    """Exactly the declared tags: others removed, changed or missing ones put."""
    extra = sorted(set(have) - set(want))
    if extra:
        untag(extra)
    if any(have.get(k) != v for k, v in want.items()):
        tag(want)


# S3 -------------------------------------------------------------------------------------------------


def bucket_tags(s3, name: str) -> dict[str, str] | None:
    """A bucket's tags ({} when it has none), None when there is no such bucket."""
    if not bucket_exists(s3, name):  # us-east-1 would answer a second create with 200: look first
        return None
    tagging = existing(lambda: s3.get_bucket_tagging(Bucket=name), "NoSuchTagSet") or {"TagSet": []}
    return {t["Key"]: t["Value"] for t in tagging["TagSet"]}


def s3_bucket(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    s3 = ctx.client("s3")
    name, tags = inputs["bucket"], ctx.tags(inputs)
    have = bucket_tags(s3, name)
    if have is None:
        where = {} if ctx.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": ctx.region}}
        ctx.created(resource, name, tags)  # tagged by the next call only: until then the journal is its marker
        s3.create_bucket(Bucket=name, **where)
        status = CREATED
    else:
        ctx.adopt(resource, have, tags, name)
        status = UPDATED
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


def s3_access_point(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    control = ctx.client("s3control")
    account, name = inputs.get("accountId") or ctx.account, inputs["name"]
    try:
        found = control.get_access_point(AccountId=account, Name=name)
        if found.get("Bucket") != inputs["bucket"]:  # an access point's bucket never changes: replace it
            control.delete_access_point(AccountId=account, Name=name)
            raise LookupError
        status = UPDATED
    except (ClientError, LookupError) as exc:
        if isinstance(exc, ClientError) and error_code(exc) != "NoSuchAccessPoint":
            raise
        block = shape(inputs.get("publicAccessBlockConfiguration") or {}) or None
        ctx.created(resource, name)
        control.create_access_point(AccountId=account, Name=name, Bucket=inputs["bucket"], **({"PublicAccessBlockConfiguration": block} if block else {}))
        status = CREATED
    if inputs.get("policy"):
        control.put_access_point_policy(AccountId=account, Name=name, Policy=inputs["policy"])
    return access_point_outputs(ctx, account, name), status


def access_point_outputs(ctx: Context, account: str, name: str) -> dict:
    return {"id": f"{account}:{name}", "arn": f"arn:aws:s3:{ctx.region}:{account}:accesspoint/{name}"}


# KMS ------------------------------------------------------------------------------------------------


def kms_key(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    """The domain's key: behind its alias when that key is the stack's, else the stack's own key found by its tags
    (a repointed alias is not followed), else a new one."""
    kms, tags = ctx.client("kms"), ctx.tags(inputs)
    alias = ctx.alias_of_key.get(resource.id)
    key = find_key(kms, alias, tags, ctx.keys, ctx.known_keys)
    if key.repointed:
        ctx.notes.append(repointed(ctx, resource, key))
    policy = {"Policy": inputs["policy"]} if inputs.get("policy") else {}
    meta = key.meta
    if meta is None:
        ctx.created(resource, alias or resource.name)  # the key carries the stack's tags from its create on
        meta = kms.create_key(Description=inputs.get("description", ""), Tags=[{"TagKey": k, "TagValue": v} for k, v in sorted(tags.items())], **policy)["KeyMetadata"]
        status = CREATED
    else:
        repair_key(kms, meta, inputs.get("description", ""), tags, policy)
        status = UPDATED
    rotate(kms, meta["KeyId"], bool(inputs.get("enableKeyRotation")))
    return {"id": meta["KeyId"], "keyId": meta["KeyId"], "arn": meta["Arn"]}, status


def repointed(ctx: Context, resource: Resource, key: KeyFound) -> str:
    return (f"{subject(resource, ctx.alias_of_key)}: the alias named key {key.alias_target}, which this stack did not create "
            f"(tags: {json.dumps(dict(key.target_tags), sort_keys=True)}): not adopted; the alias is pointed back at the stack's key")


def repair_key(kms, meta: dict, description: str, tags: dict[str, str], policy: dict) -> None:
    """An existing key as declared: usable (a deletion cancelled, enabled), its description, tags and policy."""
    key = meta["KeyId"]
    if meta.get("KeyState") == "PendingDeletion":
        kms.cancel_key_deletion(KeyId=key)  # leaves it disabled
    if meta.get("KeyState") in ("PendingDeletion", "Disabled"):
        kms.enable_key(KeyId=key)
    kms.update_key_description(KeyId=key, Description=description)
    retag(key_tags(kms, key), tags, lambda want: kms.tag_resource(KeyId=key, Tags=[{"TagKey": k, "TagValue": v} for k, v in sorted(want.items())]),
          lambda extra: kms.untag_resource(KeyId=key, TagKeys=extra))  # fmt: skip
    if policy:
        kms.put_key_policy(KeyId=key, PolicyName="default", **policy)


DUPLICATE_KEY_DAYS = 30  # the longest window KMS gives: data a duplicate encrypted stays readable until then


def retire_duplicates(ctx: Context, reading: Reading, resource: Resource, kept: str) -> list[str]:
    """Keys with the stack's marker for this domain besides its key `kept` (two runs at once each made one): each
    scheduled for deletion and named, so that one key per domain remains."""
    kms, notes = ctx.client("kms"), []
    for duplicate in duplicates(kept, ctx.tags(resource.inputs), ctx.keys()):
        kms.schedule_key_deletion(KeyId=duplicate, PendingWindowInDays=DUPLICATE_KEY_DAYS)
        notes.append(f"{subject(resource, ctx.alias_of_key)}: key {duplicate} duplicates the stack's key {kept} (the one its alias "
                     f"{'and the last state name' if kept in ctx.known_keys else 'names'}; two runs at once each made one): scheduled "
                     f"for deletion in {DUPLICATE_KEY_DAYS} days (`aws kms cancel-key-deletion --key-id {duplicate}` keeps it)")  # fmt: skip
    if notes:
        ctx.forget_keys()
        reading.forget_keys(ctx.account)
    return notes


def rotate(kms, key: str, declared: bool) -> None:
    if kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] != declared:
        (kms.enable_key_rotation if declared else kms.disable_key_rotation)(KeyId=key)


def kms_alias(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    kms = ctx.client("kms")
    name, target = inputs["name"], inputs["targetKeyId"]
    if existing(lambda: kms.describe_key(KeyId=name), "NotFoundException") is None:
        ctx.created(resource, name)
        kms.create_alias(AliasName=name, TargetKeyId=target)
        status = CREATED
    else:
        kms.update_alias(AliasName=name, TargetKeyId=target)  # the key applier found the stack's key: never the one named now
        status = UPDATED
    return {"id": name, "arn": f"arn:aws:kms:{ctx.region}:{ctx.account}:{name}"}, status


def kms_grant(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    """A grant is immutable: one with the same name and terms is kept, one with other terms replaced."""
    kms = ctx.client("kms")
    key, name = inputs["keyId"], inputs["name"]
    constraints = {k[:1].upper() + k[1:]: dict(v) for c in inputs.get("constraints") or () for k, v in c.items()}  # user maps: keys as they are
    terms = {"GranteePrincipal": inputs["granteePrincipal"], "Operations": list(inputs["operations"]), **({"Constraints": constraints} if constraints else {})}
    grants = ctx.grants(key)  # the key's grants, listed once per run: listing them for each grant was quadratic
    grant = grants.named.get(name)
    if grant is not None:
        if all(grant.get(k) == v for k, v in terms.items()):
            return {"id": f"{key}:{grant['GrantId']}", "grantId": grant["GrantId"]}, UPDATED
        kms.revoke_grant(KeyId=key, GrantId=grant["GrantId"])
        del grants.named[name]
    ctx.created(resource, f"{grants.key_id}/{name}")
    made = kms.create_grant(KeyId=key, Name=name, **terms)
    grants.named[name] = {"Name": name, "GrantId": made["GrantId"], **terms}
    return {"id": f"{key}:{made['GrantId']}", "grantId": made["GrantId"]}, CREATED


@dataclass
class KeyGrants:
    key_id: str
    named: dict[str, dict]  # grant name -> the grant as KMS lists it


# IAM ------------------------------------------------------------------------------------------------


def iam_role(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    iam = ctx.client("iam")
    name, tags = inputs["name"], ctx.tags(inputs)
    trust, description = inputs["assumeRolePolicy"], inputs.get("description", "")
    role = (existing(lambda: iam.get_role(RoleName=name), "NoSuchEntity") or {}).get("Role")
    if role is None:
        ctx.created(resource, name)
        role = iam.create_role(RoleName=name, Path=inputs.get("path", "/"), AssumeRolePolicyDocument=trust, Description=description, Tags=iam_tags(tags))["Role"]
        status = CREATED
    else:
        have = listed_tags(iam.get_paginator("list_role_tags").paginate(RoleName=name))
        ctx.adopt(resource, have, tags, name)
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=trust)
        iam.update_role(RoleName=name, Description=description)
        retag(have, tags, lambda want: iam.tag_role(RoleName=name, Tags=iam_tags(want)), lambda extra: iam.untag_role(RoleName=name, TagKeys=extra))
        status = UPDATED
    return {"id": name, "name": name, "arn": role["Arn"]}, status


def iam_role_policy(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    role, name = inputs["role"], inputs["name"]
    ctx.client("iam").put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=inputs["policy"])
    return {"id": f"{role}:{name}"}, PUT


def iam_policy(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    """A managed policy (an agreement slot): a new default version when its document changed, the oldest dropped."""
    iam = ctx.client("iam")
    path, name = inputs.get("path", "/"), inputs["name"]
    arn = policy_arn(ctx, inputs)
    tags = ctx.tags(inputs)
    policy = (existing(lambda: iam.get_policy(PolicyArn=arn), "NoSuchEntity") or {}).get("Policy")
    if policy is None:
        ctx.created(resource, arn)
        iam.create_policy(PolicyName=name, Path=path, PolicyDocument=inputs["policy"], **({"Tags": iam_tags(tags)} if tags else {}))
        status = CREATED
    else:
        have = listed_tags(iam.get_paginator("list_policy_tags").paginate(PolicyArn=arn))
        ctx.adopt(resource, have, tags, arn)
        retag(have, tags, lambda want: iam.tag_policy(PolicyArn=arn, Tags=iam_tags(want)), lambda extra: iam.untag_policy(PolicyArn=arn, TagKeys=extra))
        default_version(iam, arn, policy["DefaultVersionId"], inputs["policy"])
        status = UPDATED
    return {"id": arn, "arn": arn}, status


def policy_arn(ctx: Context, inputs: dict) -> str:
    return f"arn:aws:iam::{ctx.account}:policy{inputs.get('path', '/')}{inputs['name']}"


def default_version(iam, arn: str, current: str, policy: str) -> None:
    """`policy` as the managed policy's default version: a new version when the document differs, the oldest dropped
    (IAM keeps five)."""
    document = iam.get_policy_version(PolicyArn=arn, VersionId=current)["PolicyVersion"]["Document"]
    document = json.loads(document) if isinstance(document, str) else document
    if document == json.loads(policy):
        return
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    for old in sorted((v for v in versions if not v["IsDefaultVersion"]), key=lambda v: v["CreateDate"])[: max(0, len(versions) - 4)]:
        iam.delete_policy_version(PolicyArn=arn, VersionId=old["VersionId"])
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=policy, SetAsDefault=True)


def iam_attachments_exclusive(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    """Exactly these managed policies on the role: the missing attached, any other detached."""
    iam = ctx.client("iam")
    role, wanted = inputs["roleName"], set(inputs.get("policyArns") or ())
    have = {p["PolicyArn"] for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=role) for p in page["AttachedPolicies"]}
    for arn in sorted(wanted - have):
        iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    for arn in sorted(have - wanted):
        iam.detach_role_policy(RoleName=role, PolicyArn=arn)
    return {"id": role}, PUT


# Lake Formation --------------------------------------------------------------------------------------


def lf_resource(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    """A location registered with Lake Formation, read with the domain's role (registered again if another role reads it)."""
    lf, arn, role = ctx.client("lakeformation"), inputs["arn"], inputs["roleArn"]
    try:
        found = lf.describe_resource(ResourceArn=arn)["ResourceInfo"]
    except ClientError as exc:
        if error_code(exc) != "EntityNotFoundException":
            raise
        ctx.created(resource, arn)
        lf.register_resource(ResourceArn=arn, RoleArn=role)
        return {"id": arn}, CREATED
    if found.get("RoleArn") != role:
        lf.deregister_resource(ResourceArn=arn)
        lf.register_resource(ResourceArn=arn, RoleArn=role)
    return {"id": arn}, UPDATED


def lf_permissions(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    lf = ctx.client("lakeformation")
    principal, target, permissions = inputs["principal"], lf_table(inputs), sorted(inputs["permissions"])
    lf.grant_permissions(CatalogId=inputs.get("catalogId") or ctx.account, Principal={"DataLakePrincipalIdentifier": principal}, Resource=target, Permissions=permissions)
    return {"id": f"{principal}:{json.dumps(target, sort_keys=True)}"}, PUT


# what the program no longer declares ----------------------------------------------------------------


@dataclass(frozen=True)
class Stray:
    """Something on a resource the stack declares that the program does not declare (a withdrawn agreement's)."""

    what: str  # "access point NAME", "key grant NAME", "catalog grant to PRINCIPAL on DATABASE.TABLE"
    on: str  # the declared resource it sits on: a bucket name, a key ID, a database name
    remove: Callable[[], object]


def stray_access_points(reading: Reading, account: str, declared: Declared) -> list[Stray]:
    buckets = declared.buckets.get(account, set())
    if not buckets:
        return []
    control, mine = reading.of(account, "s3control"), declared.access_points.get(account, set())
    return [
        Stray(f"access point {name}", bucket, lambda name=name: control.delete_access_point(AccountId=account, Name=name))
        for name, bucket in sorted(reading.access_points_of(account).items())
        if bucket in buckets and name not in mine
    ]


def stray_grants(reading: Reading, account: str, declared: Declared) -> list[Stray]:
    if not declared.keys.get(account):
        return []
    kms = reading.kms(account)
    return [
        Stray(f"key grant {g.get('Name') or g['GrantId']}", key, lambda key=key, grant=g["GrantId"]: kms.revoke_grant(KeyId=key, GrantId=grant))
        for key in sorted(declared.keys.get(account, set()))
        for g in reading.grant_list(account, key)
        if g.get("Name") not in declared.grants.get(key, set())
    ]


def stray_catalog_grants(reading: Reading, account: str, declared: Declared) -> list[Stray]:
    databases = declared.databases.get(account, set())
    if not databases:
        return []
    lf, found = reading.of(account, "lakeformation"), []
    for (principal, target), permissions in sorted(reading.catalog_grants_of(account).items()):
        table = json.loads(target)["Table"]
        if table.get("DatabaseName") in databases and (principal, target) not in declared.permissions.get(account, set()):
            revoke = lambda principal=principal, target=target, permissions=sorted(permissions): lf.revoke_permissions(  # noqa: E731
                CatalogId=account, Principal={"DataLakePrincipalIdentifier": principal}, Resource=json.loads(target), Permissions=permissions)
            found.append(Stray(f"catalog grant to {principal} on {table['DatabaseName']}.{table.get('Name', '*')}", table["DatabaseName"], revoke))
    return found


STRAYS = (stray_access_points, stray_grants, stray_catalog_grants)
SLOT = re.compile(r"(?P<role>.+)-reads(?:-[01]+)?")  # a role's managed policy holding agreements (naming.slot_name)


def _prune_managed_policies(reading: Reading, account: str, declared: Declared) -> list[str]:
    roles = declared.roles.get(account, set())
    if not roles:
        return []
    iam, pruned = reading.of(account, "iam"), []
    for arn, policy in sorted(reading.iam_of(account).policies.items()):
        slot = SLOT.fullmatch(policy_name(arn))
        if policy.get("Path", "").startswith(POLICY_PATH) and slot and slot["role"] in roles and arn not in declared.policies.get(account, set()):
            for attached in iam.list_entities_for_policy(PolicyArn=arn).get("PolicyRoles", []):
                iam.detach_role_policy(RoleName=attached["RoleName"], PolicyArn=arn)
            for version in iam.list_policy_versions(PolicyArn=arn)["Versions"]:
                if not version["IsDefaultVersion"]:
                    iam.delete_policy_version(PolicyArn=arn, VersionId=version["VersionId"])
            iam.delete_policy(PolicyArn=arn)
            pruned.append(f"managed policy {policy_name(arn)}")
    return pruned


def mark_leftovers(ctx: Context) -> list[str]:
    """Buckets a run that did not finish began, untagged, that this run no longer declares: given the tags their
    journal line keeps, so that nothing is left unmarked (verify reports them as no longer declared)."""
    notes = []
    for (typ, account, name), tags in sorted(ctx.journal.earlier.items()):
        if typ != tokens.BUCKET or account not in ctx.accounts or name in ctx.declared.buckets.get(account, set()) or not tags:
            continue
        s3 = ctx.accounts[account].client("s3")
        if bucket_tags(s3, name) == {}:
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]})
            notes.append(f"{tags.get('product') or tags.get('domain')}: bucket {name}: begun by a run that did not finish and no longer declared: "
                         "tagged as the stack's (verify reports it; remove it, or declare it again)")  # fmt: skip
    return notes


def prune(ctx: Context, reading: Reading) -> list[str]:
    """A withdrawn agreement is resources the program no longer registers: remove those of the buckets, keys, roles
    and databases this run declares (never anything else's): access points, key grants, Lake Formation permissions,
    managed and inline policies. What is there is what the reading listed: this run only adds what it declares."""
    pruned: list[str] = []
    declared = ctx.declared
    for account in sorted(ctx.accounts):
        for stray in (s for finder in STRAYS for s in finder(reading, account, declared)):
            stray.remove()
            pruned.append(stray.what)
        pruned += _prune_managed_policies(reading, account, declared)
    for (account, role), names in sorted(declared.inline.items()):
        found = reading.iam_of(account).roles.get(role) or {}  # a role made by this run holds only what it declares
        for name in sorted(p["PolicyName"] for p in found.get("RolePolicyList") or ()):
            if name not in names:
                reading.of(account, "iam").delete_role_policy(RoleName=role, PolicyName=name)
                pruned.append(f"inline policy {role}/{name}")
    return pruned


# Glue -----------------------------------------------------------------------------------------------


def glue_database(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    glue = ctx.client("glue")
    name, tags = inputs["name"], ctx.tags(inputs)
    arn = f"arn:aws:glue:{ctx.region}:{ctx.account}:database/{name}"
    database = {"Name": name, "Description": inputs.get("description", "")}
    if existing(lambda: glue.get_database(Name=name), "EntityNotFoundException") is None:
        ctx.created(resource, name)
        glue.create_database(DatabaseInput=database, Tags=tags)
        status = CREATED
    else:
        have = glue.get_tags(ResourceArn=arn).get("Tags") or {}
        ctx.adopt(resource, have, tags, name)
        glue.update_database(Name=name, DatabaseInput=database)
        retag(have, tags, lambda want: glue.tag_resource(ResourceArn=arn, TagsToAdd=want), lambda extra: glue.untag_resource(ResourceArn=arn, TagsToRemove=extra))
        status = UPDATED
    return {"id": name, "arn": arn}, status


def glue_table(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    glue = ctx.client("glue")
    database = inputs["databaseName"]
    table = shape({k: v for k, v in inputs.items() if k not in ("databaseName", "catalogId")})
    if existing(lambda: glue.get_table(DatabaseName=database, Name=table["Name"]), "EntityNotFoundException") is None:
        ctx.created(resource, f"{database}.{table['Name']}")
        glue.create_table(DatabaseName=database, TableInput=table)
        status = CREATED
    else:
        glue.update_table(DatabaseName=database, TableInput=table)
        status = UPDATED
    return table_outputs(ctx, database, table["Name"]), status


def table_outputs(ctx: Context, database: str, name: str) -> dict:
    return {"id": f"{database}:{name}", "arn": f"arn:aws:glue:{ctx.region}:{ctx.account}:table/{database}/{name}"}


# monitoring: CloudWatch, SNS, EventBridge, EventBridge Scheduler ------------------------------------------------


def cw_alarm(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    cw, name, tags = ctx.client("cloudwatch"), inputs["name"], ctx.tags(inputs)
    found = cw.describe_alarms(AlarmNames=[name], AlarmTypes=["MetricAlarm"]).get("MetricAlarms")
    arn = f"arn:aws:cloudwatch:{ctx.region}:{ctx.account}:alarm:{name}"
    if not found:
        ctx.created(resource, name, tags)
    cw.put_metric_alarm(**alarm_request(inputs), **({} if found else {"Tags": iam_tags(tags)}))
    if found:
        have = {t["Key"]: t["Value"] for t in cw.list_tags_for_resource(ResourceARN=arn).get("Tags", [])}
        retag(have, tags, lambda want: cw.tag_resource(ResourceARN=arn, Tags=iam_tags(want)), lambda extra: cw.untag_resource(ResourceARN=arn, TagKeys=extra))
    return {"id": name, "arn": arn}, UPDATED if found else CREATED


def cw_dashboard(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    name = inputs["dashboardName"]
    ctx.client("cloudwatch").put_dashboard(DashboardName=name, DashboardBody=inputs["dashboardBody"])
    return {"id": name, "dashboardArn": f"arn:aws:cloudwatch::{ctx.account}:dashboard/{name}"}, PUT


def topic_arn(ctx: Context, name: str) -> str:
    return f"arn:aws:sns:{ctx.region}:{ctx.account}:{name}"


def sns_topic(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    sns, name, tags = ctx.client("sns"), inputs["name"], ctx.tags(inputs)
    arn = topic_arn(ctx, name)
    found = existing(lambda: sns.get_topic_attributes(TopicArn=arn)["Attributes"], "NotFound")
    key = inputs.get("kmsMasterKeyId") or ""
    if found is None:
        ctx.created(resource, name, tags)
        sns.create_topic(Name=name, Attributes={"KmsMasterKeyId": key} if key else {}, Tags=iam_tags(tags))
        return {"id": arn, "arn": arn}, CREATED
    if found.get("KmsMasterKeyId", "") != key:
        sns.set_topic_attributes(TopicArn=arn, AttributeName="KmsMasterKeyId", AttributeValue=key)
    have = {t["Key"]: t["Value"] for t in sns.list_tags_for_resource(ResourceArn=arn).get("Tags", [])}
    retag(have, tags, lambda want: sns.tag_resource(ResourceArn=arn, Tags=iam_tags(want)), lambda extra: sns.untag_resource(ResourceArn=arn, TagKeys=extra))
    return {"id": arn, "arn": arn}, UPDATED


def sns_topic_policy(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    ctx.client("sns").set_topic_attributes(TopicArn=inputs["arn"], AttributeName="Policy", AttributeValue=inputs["policy"])
    return {"id": inputs["arn"]}, PUT


def subscription_of(sns, topic: str, protocol: str, endpoint: str) -> dict | None:
    """The topic's subscription of `endpoint` by `protocol`, confirmed or not (an e-mail subscription waits for its reader)."""
    pages = sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic)
    return next((s for page in pages for s in page["Subscriptions"] if s["Protocol"] == protocol and s["Endpoint"] == endpoint), None)


def sns_subscription(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    sns = ctx.client("sns")
    found = subscription_of(sns, inputs["topic"], inputs["protocol"], inputs["endpoint"])
    if found is not None:
        return {"id": found["SubscriptionArn"], "arn": found["SubscriptionArn"]}, UPDATED
    ctx.created(resource, f"{inputs['topic']}/{inputs['endpoint']}")
    arn = sns.subscribe(TopicArn=inputs["topic"], Protocol=inputs["protocol"], Endpoint=inputs["endpoint"], ReturnSubscriptionArn=True)["SubscriptionArn"]
    return {"id": arn, "arn": arn}, CREATED


def event_rule(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    events, name, tags = ctx.client("events"), inputs["name"], ctx.tags(inputs)
    found = existing(lambda: events.describe_rule(Name=name), "ResourceNotFoundException")
    if found is None:
        ctx.created(resource, name, tags)
    arn = events.put_rule(Name=name, EventPattern=inputs["eventPattern"], Description=inputs.get("description", ""), State="ENABLED",
                          **({} if found else {"Tags": iam_tags(tags)}))["RuleArn"]  # fmt: skip
    if found:
        have = {t["Key"]: t["Value"] for t in events.list_tags_for_resource(ResourceARN=arn).get("Tags", [])}
        retag(have, tags, lambda want: events.tag_resource(ResourceARN=arn, Tags=iam_tags(want)),
              lambda extra: events.untag_resource(ResourceARN=arn, TagKeys=extra))  # fmt: skip
    return {"id": name, "arn": arn}, UPDATED if found else CREATED


def event_target(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    ctx.client("events").put_targets(Rule=inputs["rule"], Targets=[{"Id": inputs["targetId"], "Arn": inputs["arn"]}])
    return {"id": f"{inputs['rule']}-{inputs['targetId']}"}, PUT


def scheduler_schedule(ctx: Context, inputs: dict, resource: Resource) -> tuple[dict, str]:
    scheduler, name = ctx.client("scheduler"), inputs["name"]
    found = existing(lambda: scheduler.get_schedule(Name=name), "ResourceNotFoundException")
    if found is None:
        ctx.created(resource, name)
        scheduler.create_schedule(**schedule_request(inputs))
    else:
        scheduler.update_schedule(**schedule_request(inputs))
    return schedule_outputs(ctx, name), UPDATED if found else CREATED


def schedule_outputs(ctx: Context, name: str) -> dict:
    return {"id": f"default/{name}", "arn": f"arn:aws:scheduler:{ctx.region}:{ctx.account}:schedule/default/{name}"}


APPLIERS: dict[str, Applier] = {
    tokens.BUCKET: s3_bucket,
    tokens.BUCKET_OWNERSHIP: s3_ownership,
    tokens.BUCKET_PUBLIC_ACCESS: s3_public_access_block,
    tokens.BUCKET_ENCRYPTION: s3_encryption,
    tokens.BUCKET_VERSIONING: s3_versioning,
    tokens.BUCKET_LIFECYCLE: s3_lifecycle,
    tokens.BUCKET_POLICY: s3_policy,
    tokens.ACCESS_POINT: s3_access_point,
    tokens.KEY: kms_key,
    tokens.KEY_ALIAS: kms_alias,
    tokens.KEY_GRANT: kms_grant,
    tokens.ROLE: iam_role,
    tokens.ROLE_POLICY: iam_role_policy,
    tokens.MANAGED_POLICY: iam_policy,
    tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE: iam_attachments_exclusive,
    tokens.LF_RESOURCE: lf_resource,
    tokens.LF_PERMISSIONS: lf_permissions,
    tokens.DATABASE: glue_database,
    tokens.TABLE: glue_table,
    tokens.METRIC_ALARM: cw_alarm,
    tokens.DASHBOARD: cw_dashboard,
    tokens.TOPIC: sns_topic,
    tokens.TOPIC_POLICY: sns_topic_policy,
    tokens.TOPIC_SUBSCRIPTION: sns_subscription,
    tokens.EVENT_RULE: event_rule,
    tokens.EVENT_TARGET: event_target,
    tokens.SCHEDULE: scheduler_schedule,
}


BUCKET_CONFIGURATIONS = (tokens.BUCKET_OWNERSHIP, tokens.BUCKET_PUBLIC_ACCESS, tokens.BUCKET_ENCRYPTION, tokens.BUCKET_VERSIONING,
                         tokens.BUCKET_LIFECYCLE, tokens.BUCKET_POLICY)  # fmt: skip
PARENT_TYPES = (tokens.BUCKET, tokens.KEY, tokens.ROLE, tokens.DATABASE, tokens.TOPIC, tokens.EVENT_RULE)  # what others stand on, by name, ARN or key ID
PARENTS: dict[str, Callable[[dict], str]] = {  # what a resource stands on: made by this run, the resource cannot be there yet
    **{t: (lambda i: i["bucket"]) for t in BUCKET_CONFIGURATIONS},
    tokens.KEY_GRANT: lambda i: i["keyId"].rsplit("/", 1)[-1],
    tokens.ROLE_POLICY: lambda i: i["role"],
    tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE: lambda i: i["roleName"],
    tokens.TABLE: lambda i: i["databaseName"],
    tokens.LF_PERMISSIONS: lambda i: i["table"]["databaseName"],
    tokens.TOPIC_POLICY: lambda i: i["arn"],
    tokens.TOPIC_SUBSCRIPTION: lambda i: i["topic"],
    tokens.EVENT_TARGET: lambda i: i["rule"],
}

Outputs = Callable[[Context, Reading, dict, Resource], dict]


def _key_outputs(ctx: Context, reading: Reading, inputs: dict, r: Resource) -> dict:
    meta = reading.stack_key(r).meta
    return {"id": meta["KeyId"], "keyId": meta["KeyId"], "arn": meta["Arn"]}


def _grant_outputs(ctx: Context, reading: Reading, inputs: dict, r: Resource) -> dict:
    key_id = reading.stack_key_id(reading.declared_key(r.inputs["keyId"]))
    grant = reading.grants_of(ctx.account, key_id)[inputs["name"]]
    return {"id": f"{inputs['keyId']}:{grant['GrantId']}", "grantId": grant["GrantId"]}


def _of_bucket(ctx: Context, reading: Reading, inputs: dict, r: Resource) -> dict:
    return {"id": inputs["bucket"]}


OUTPUTS: dict[str, Outputs] = {  # what an applier answers, for a resource found as declared (nothing applied)
    tokens.BUCKET: lambda ctx, reading, i, r: {"id": i["bucket"], "bucket": i["bucket"], "arn": f"arn:aws:s3:::{i['bucket']}"},
    **{t: _of_bucket for t in BUCKET_CONFIGURATIONS},
    tokens.ACCESS_POINT: lambda ctx, reading, i, r: access_point_outputs(ctx, i.get("accountId") or ctx.account, i["name"]),
    tokens.KEY: _key_outputs,
    tokens.KEY_ALIAS: lambda ctx, reading, i, r: {"id": i["name"], "arn": f"arn:aws:kms:{ctx.region}:{ctx.account}:{i['name']}"},
    tokens.KEY_GRANT: _grant_outputs,
    tokens.ROLE: lambda ctx, reading, i, r: {"id": i["name"], "name": i["name"], "arn": f"arn:aws:iam::{ctx.account}:role{i.get('path', '/')}{i['name']}"},
    tokens.ROLE_POLICY: lambda ctx, reading, i, r: {"id": f"{i['role']}:{i['name']}"},
    tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE: lambda ctx, reading, i, r: {"id": i["roleName"]},
    tokens.MANAGED_POLICY: lambda ctx, reading, i, r: {"id": policy_arn(ctx, i), "arn": policy_arn(ctx, i)},
    tokens.LF_RESOURCE: lambda ctx, reading, i, r: {"id": i["arn"]},
    tokens.LF_PERMISSIONS: lambda ctx, reading, i, r: {"id": f"{i['principal']}:{json.dumps(lf_table(i), sort_keys=True)}"},
    tokens.DATABASE: lambda ctx, reading, i, r: {"id": i["name"], "arn": f"arn:aws:glue:{ctx.region}:{ctx.account}:database/{i['name']}"},
    tokens.TABLE: lambda ctx, reading, i, r: table_outputs(ctx, i["databaseName"], i["name"]),
    tokens.METRIC_ALARM: lambda ctx, reading, i, r: {"id": i["name"], "arn": f"arn:aws:cloudwatch:{ctx.region}:{ctx.account}:alarm:{i['name']}"},
    tokens.DASHBOARD: lambda ctx, reading, i, r: {"id": i["dashboardName"], "dashboardArn": f"arn:aws:cloudwatch::{ctx.account}:dashboard/{i['dashboardName']}"},
    tokens.TOPIC: lambda ctx, reading, i, r: {"id": topic_arn(ctx, i["name"]), "arn": topic_arn(ctx, i["name"])},
    tokens.TOPIC_POLICY: lambda ctx, reading, i, r: {"id": i["arn"]},
    tokens.TOPIC_SUBSCRIPTION: lambda ctx, reading, i, r: _subscription_outputs(reading.subscription(r)),
    tokens.EVENT_RULE: lambda ctx, reading, i, r: {"id": i["name"], "arn": f"arn:aws:events:{ctx.region}:{ctx.account}:rule/{i['name']}"},
    tokens.EVENT_TARGET: lambda ctx, reading, i, r: {"id": f"{i['rule']}-{i['targetId']}"},
    tokens.SCHEDULE: lambda ctx, reading, i, r: schedule_outputs(ctx, i["name"]),
}


def _subscription_outputs(found: dict) -> dict:
    return {"id": found["SubscriptionArn"], "arn": found["SubscriptionArn"]}


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


Locate = Callable[[Resource], tuple[str, int]]


def apply(
    evaluation: Evaluation,
    accounts: dict[str, Aws],
    default: str,
    progress: Callable[[int, int, float], None] | None = None,
    journal: Journal | None = None,
    where: Locate | None = None,
    known_keys: frozenset[str] = frozenset(),
    read_ahead: bool = False,
) -> ApplyReport:
    """Apply every cloud resource in order, each in its provider's account (`accounts`; `default` the stack's own),
    translating mock IDs to the emulator's as they become known. `journal` records each create before its call;
    `where` locates a resource's declaration for an error; `known_keys` are the key IDs the last state names;
    `read_ahead` reads the resources in a few threads ahead of the walk (an emulator that holds the deployment, in a
    process of its own), until a write makes what was read ahead stale."""
    problems = unsupported(evaluation)
    if problems:
        raise ApplyError(problems)
    ctx = Context(accounts, evaluation, default, journal, known_keys)
    reading = Reading(evaluation, accounts, default, ctx.region, known_keys)
    report = ApplyReport(ids=ctx.ids, notes=ctx.notes)
    todo = cloud_resources(evaluation)
    fresh: set[str] = set()  # the buckets, keys, roles and databases this run created: nothing stands on them yet
    started = time.monotonic()
    ahead = reading.ahead(todo) if read_ahead else None
    try:
        for done, resource in enumerate(todo, 1):
            if resource.type in NOT_APPLICABLE:
                report.not_applicable.append((resource, NOT_APPLICABLE[resource.type]))
            else:
                inputs = ctx.ids.translate(resource.inputs)
                ctx.use(resource)
                try:
                    applied = converge(ctx, reading, inputs, resource, fresh, ahead)
                except (ClientError, BotoCoreError, ParamValidationError, KeyError, NotOurs) as exc:
                    path, line = where(resource) if where else ("__main__.py", 1)
                    reason = f"missing input {exc}" if isinstance(exc, KeyError) else str(exc)
                    raise ApplyError([Problem(path, line, f"{subject(resource, ctx.alias_of_key)}: {reason} "
                                                          f"({done - 1} of {len(todo)} resources applied before it)")]) from None  # fmt: skip
                ctx.ids.learn_outputs({"id": resource.id, **resource.outputs}, applied.real)
                notes = retire_duplicates(ctx, reading, resource, applied.real["keyId"]) if resource.type == tokens.KEY and applied.status != CREATED else []
                report.notes += notes
                if ahead is not None and (notes or (applied.status != UNCHANGED and resource.type in KEY_TYPES)):
                    ahead.close()  # where keys and aliases lead changed: what follows is read as the walk reaches it
                    ahead = None
                report.applied.append(applied)
            if progress:
                progress(done, len(todo), time.monotonic() - started)
    finally:
        if ahead is not None:
            ahead.close()
    ctx.declared = reading.declared_here()[0]
    report.pruned = prune(ctx, reading)
    report.notes += mark_leftovers(ctx)
    report.seconds = time.monotonic() - started
    return report


KEY_TYPES = (tokens.KEY, tokens.KEY_ALIAS)  # a write of one changes what other resources' readings resolve keys to


def converge(ctx: Context, reading: Reading, inputs: dict, resource: Resource, fresh: set[str], ahead: Ahead | None = None) -> Applied:
    """Read the resource (or take what was read `ahead`), then write only what departs from its declaration: nothing
    when nothing does. What stands on a resource this run created (a new bucket's configuration, a new key's grants)
    is created without a read. A write changes the resource itself: what was read ahead of the others still holds,
    but for a key or an alias (`KEY_TYPES`)."""
    parent = PARENTS.get(resource.type, lambda i: None)(inputs)
    if parent in fresh:
        found = None
    else:
        found = ahead.departures(resource) if ahead is not None else reading.departures(resource)
    if found == []:
        if resource.type == tokens.KEY and reading.stack_key(resource).repointed:  # the alias's own reading repairs it
            ctx.notes.append(repointed(ctx, resource, reading.stack_key(resource)))
        return Applied(resource, OUTPUTS[resource.type](ctx, reading, inputs, resource), UNCHANGED)
    real, status = APPLIERS[resource.type](ctx, inputs, resource)
    if resource.type == tokens.KEY:
        reading.learn_key(resource, {"KeyId": real["keyId"], "Arn": real["arn"], "KeyState": "Enabled"})
    elif resource.type == tokens.KEY_ALIAS:
        reading.forget_aliases()
    if found:  # it was there and departed: whatever the applier had to do, it brought these in line
        return Applied(resource, real, UPDATED, tuple(found))
    if status == CREATED and resource.type in PARENT_TYPES:
        fresh.add(real.get("keyId") or real["id"])
    return Applied(resource, real, CREATED if status == PUT or parent in fresh else status)


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
