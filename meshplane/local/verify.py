"""`meshplane verify`: the deployed state, read back with boto3, against every property the program sets.

The expectations are the program's own registrations (the real program under the mock engine). Each
resource type has a reader: what the program declares of it and what the cloud answers, both in one
plain shape, so any difference is a finding at the declaration it departs from, naming the deepest key
or policy statement that differs. A KMS key is the stack's own (`ownership.find_key`), never the one a
repointed alias names. Then what nobody declares any more: buckets, roles, managed policies and keys
tagged as ours in the stack's accounts and domains, tables in our databases, and, on what we own, access
points, key grants and catalog grants (inline and attached policies: the role's reader).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from botocore.exceptions import ClientError

from components import tokens
from components.access import POLICY_PATH
from components.providers import account_of_provider
from meshplane.cloud.inventory import Resource, whole
from meshplane.declarations.mesh import Mesh
from meshplane.declarations.problems import Problem
from meshplane.declarations.stack import StackSettings
from meshplane.local.apply import STRAYS, Declared, lf_table, list_grants, listed_tags, shape
from meshplane.local.emulator import Aws, document, error_code
from meshplane.local.ownership import KeyFound, customer_keys, find_key, key_tags
from meshplane.local.subjects import SHORT, aliases, label, subject
from meshplane.registrations.engine import Evaluation

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


SHOWN_DIFFERENCES = 4  # per property: the rest are counted


KEYED_LISTS = {"Statement": "Sid", "rules": "ID"}  # a policy's statements, a lifecycle's rules: each by its own name


def _keyed(value, key: str):
    """A list's items keyed by their name (else their place), so one missing item is one difference."""
    listed = value if isinstance(value, list) else [value]
    if not all(isinstance(s, dict) for s in listed):
        return value
    return {f"[{s.get(key) or f'#{i}'}]": s for i, s in enumerate(listed)}


def _differences(have, want, path: str) -> list[str]:
    """Where `have` departs from `want` (both `_normal`): the deepest key, statement or rule that differs, each once."""
    key = KEYED_LISTS.get(path.rpartition(".")[2])
    if key:
        have, want = _keyed(have, key), _keyed(want, key)
    if not (isinstance(have, dict) and isinstance(want, dict)):
        return [] if have == want else [f"{path} is {_shown(have)}, declared {_shown(want)}"]
    found = []
    for key in sorted(set(have) | set(want), key=str):
        where = f"{path}{key}" if str(key).startswith("[") else f"{path}.{key}"
        if key not in have:
            found.append(f"{where} is absent, declared {_shown(want[key])}")
        elif key not in want:
            found.append(f"{where} is {_shown(have[key])}, declared absent")
        else:
            found += _differences(have[key], want[key], where)
    return found


def departure(prop: str, have, want) -> str | None:
    """One message for a property that departs from its declaration, None when it does not."""
    normal_have, normal_want = _normal(have), _normal(want)
    if normal_have == normal_want:
        return None
    if not (isinstance(normal_have, dict) and isinstance(normal_want, dict)) and prop not in KEYED_LISTS:
        return f"{prop} is {_shown(have)}, declared {_shown(want)}"  # as read and as declared
    found = _differences(normal_have, normal_want, prop)
    more = f" (and {len(found) - SHOWN_DIFFERENCES} more)" if len(found) > SHOWN_DIFFERENCES else ""
    return "; ".join(found[:SHOWN_DIFFERENCES]) + more


class Verifier:
    def __init__(self, evaluation: Evaluation, mesh: Mesh, settings: StackSettings, accounts: dict[str, Aws]):
        self.resources = [r for r in evaluation.custom() if not r.type.startswith(tokens.KUBERNETES_PREFIX)]
        self.mesh, self.settings, self.accounts = mesh, settings, accounts
        self.findings: list[Problem] = []
        self.default_tags = next(
            (json.loads(r.inputs["defaultTags"])["tags"] for r in evaluation.resources if r.type == tokens.AWS_PROVIDER and "defaultTags" in r.inputs), {}
        )
        self.alias_of_key = aliases(self.resources)
        keys = {r.id: r for r in self.resources if r.type == tokens.KEY}
        self.declared_keys = {**keys, **{r.outputs.get("arn"): r for r in keys.values()}}  # the program's key ID or ARN -> the key
        self.key_of_alias = {alias: keys[key] for key, alias in self.alias_of_key.items() if key in keys}
        self.scope = {r.domain for r in self.resources if r.domain}  # the stack's domains
        self._found: dict[str, KeyFound] = {}  # the program's key ID -> the stack's key in the cloud
        self._account_keys: dict[str, list] = {}

    # where things are -----------------------------------------------------------------------------

    def account(self, r: Resource) -> str:
        return account_of_provider(r.provider, self.settings.account_id)

    def client(self, r: Resource, service: str):
        return self.accounts[self.account(r)].client(service)

    def tags(self, r: Resource) -> dict[str, str]:
        return {**self.default_tags, **(r.inputs.get("tags") or {})}

    def report(self, r: Resource, message: str, field: tuple = ()) -> None:
        path, line = self.mesh.declaration(r.product, r.domain, field) or ("__main__.py", 1)
        self.findings.append(Problem(path, line, f"{subject(r, self.alias_of_key)}: {message}"))

    def label(self, r: Resource) -> str:
        return label(r, self.alias_of_key)

    def keys_of(self, account: str) -> list[tuple[dict, dict[str, str]]]:
        """The account's customer keys and their tags, listed once."""
        if account not in self._account_keys:
            self._account_keys[account] = customer_keys(self.accounts[account].client("kms"))
        return self._account_keys[account]

    def stack_key(self, key: Resource) -> KeyFound:
        """The stack's key for a declared one: behind its alias when that key carries the stack's marker, else the
        account's key that does (`ownership.find_key`): a repointed alias is not followed."""
        if key.id not in self._found:
            account = self.account(key)
            kms = self.accounts[account].client("kms")
            self._found[key.id] = find_key(kms, self.alias_of_key.get(key.id), self.tags(key), lambda: self.keys_of(account))
        return self._found[key.id]

    def stack_key_id(self, key: Resource | None) -> str | None:
        meta = self.stack_key(key).meta if key is not None else None
        return meta["KeyId"] if meta else None

    def declared_key(self, ref: str | None) -> Resource | None:
        """The program's key that a reference names: its ID or ARN, its alias or the alias's ARN."""
        if not ref:
            return None
        alias = "alias/" + ref.split(":alias/", 1)[1] if ":alias/" in ref else ref
        return self.declared_keys.get(ref) or self.key_of_alias.get(alias)

    def key_arn(self, r: Resource, ref: str | None, declared: bool) -> str | None:
        """The ARN of the key `ref` names: the stack's key it is declared to be, or (`declared` false) the key the
        cloud resolves it to now."""
        key = self.declared_key(ref) if declared else None
        if key is not None:
            meta = self.stack_key(key).meta
            return meta["Arn"] if meta else ref
        if not ref:
            return None
        try:
            return self.client(r, "kms").describe_key(KeyId=ref)["KeyMetadata"]["Arn"]
        except ClientError as exc:
            if error_code(exc) not in MISSING:
                raise
            return ref

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
                    self.report(r, f"cannot be read: {exc}")  # at the resource, and the others still read
                    continue
                observed = None
            checked[SHORT[r.type]] += 1
            if observed is None:
                self.report(r, "is missing")
                continue
            for prop, want in declared.items():
                message = departure(prop, observed.get(prop), want)
                if message:
                    self.report(r, message)
        self.undeclared()
        products = {r.product for r in self.resources if r.product}
        domains = {r.domain for r in self.resources if r.domain}
        return VerifyReport(sorted(set(self.findings)), len(products), len(domains), dict(checked))

    def ours(self, tags: dict[str, str]) -> bool:
        """Tagged as this environment's, by meshplane, in one of the stack's domains."""
        env = self.default_tags.get("environment")
        return tags.get("managed-by") == "meshplane" and tags.get("environment") == env and tags.get("domain") in self.scope

    def gone(self, tags: dict[str, str], what: str, account: str) -> None:
        where = self.mesh.declaration(tags.get("product"), tags.get("domain")) or ("__main__.py", 1)
        self.findings.append(Problem(*where, f"{tags.get('product') or tags.get('domain')}: {what}: is no longer declared (in account {account}): "
                                     "remove it, or declare it again"))  # fmt: skip

    def undeclared(self) -> None:
        """Resources in the stack's accounts tagged as this environment's and in its domains, that nobody declares any
        more: buckets, roles, managed policies and keys; and tables in the stack's databases that none declares."""
        declared_names = {(self.account(r), r.type, self.label(r)) for r in self.resources}
        stack_keys = {found.meta["KeyId"] for found in self._found.values() if found.meta}
        for account, aws in self.accounts.items():
            for typ, name, tags in _tagged(aws):
                if self.ours(tags) and (account, typ, name) not in declared_names:
                    self.gone(tags, f"{SHORT[typ]} {name}", account)
            for meta, tags in self.keys_of(account):
                if self.ours(tags) and meta.get("KeyState") != "PendingDeletion" and meta["KeyId"] not in stack_keys:
                    self.gone(tags, f"KMS key {meta['KeyId']} ({meta.get('Description', '')})", account)
        self.undeclared_tables()
        self.strays()

    def declared_here(self) -> tuple[Declared, dict[tuple[str, str], Resource]]:
        """What the program declares in each account, as `up --local` records it to prune, and the declared resource
        each (account, bucket name, key ID or database) is."""
        d, owners = Declared(), {}
        for r in self.resources:
            account, i = self.account(r), r.inputs
            if r.type in (tokens.BUCKET, tokens.DATABASE):
                kind, name = ("buckets", i["bucket"]) if r.type == tokens.BUCKET else ("databases", i["name"])
                d.add(kind, account, name)
                owners[(account, name)] = r
            elif r.type == tokens.KEY and self.stack_key_id(r):
                d.add("keys", account, self.stack_key_id(r))
                owners[(account, self.stack_key_id(r))] = r
            elif r.type == tokens.ACCESS_POINT:
                d.add("access_points", i.get("accountId") or account, i["name"])
            elif r.type == tokens.KEY_GRANT and self.stack_key_id(self.declared_key(i["keyId"])):
                d.add("grants", self.stack_key_id(self.declared_key(i["keyId"])), i["name"])
            elif r.type == tokens.LF_PERMISSIONS:
                d.add("permissions", i.get("catalogId") or account, (i["principal"], json.dumps(lf_table(i), sort_keys=True)))
        return d, owners

    def strays(self) -> None:
        """On the stack's buckets, keys and databases: access points, key grants and catalog grants nobody declares."""
        declared, owners = self.declared_here()
        for account, aws in self.accounts.items():
            for stray in (s for finder in STRAYS for s in finder(aws, account, declared)):
                self.report(owners[(account, stray.on)], f"{stray.what} on it is not declared (in account {account}): remove it, or declare it again")

    def undeclared_tables(self) -> None:
        declared = {(self.account(r), r.inputs["databaseName"], r.inputs["name"]) for r in self.resources if r.type == tokens.TABLE}
        for r in self.resources:
            if r.type != tokens.DATABASE:
                continue
            account, database = self.account(r), r.inputs["name"]
            pages = self.client(r, "glue").get_paginator("get_tables").paginate(DatabaseName=database)
            try:
                names = [t["Name"] for page in pages for t in page["TableList"]]
            except ClientError as exc:
                if error_code(exc) not in MISSING:
                    raise
                continue  # the database's own reader reports it missing
            for name in names:
                if (account, database, name) not in declared:
                    self.gone({"domain": r.domain}, f"Glue table {database}.{name}", account)


def _shown(value) -> str:
    text = json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else repr(value)
    return text if len(text) <= 160 else text[:157] + "..."


def _tagged(aws: Aws):
    """(type, name, tags) of the buckets, roles and meshplane's managed policies of an account."""
    s3, iam = aws.client("s3"), aws.client("iam")
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
            yield tokens.ROLE, role["RoleName"], listed_tags(iam.get_paginator("list_role_tags").paginate(RoleName=role["RoleName"]))
    for page in iam.get_paginator("list_policies").paginate(Scope="Local", PathPrefix=POLICY_PATH):
        for policy in page["Policies"]:
            yield tokens.MANAGED_POLICY, policy["PolicyName"], listed_tags(iam.get_paginator("list_policy_tags").paginate(PolicyArn=policy["Arn"]))


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

    return {"tags": v.tags(r)}, observe


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

    def observe():
        rules = _config(lambda: s3.get_bucket_encryption(Bucket=r.inputs["bucket"])).get("ServerSideEncryptionConfiguration", {}).get("Rules") or [{}]
        actual = rules[0].get("ApplyServerSideEncryptionByDefault", {})
        return {"algorithm": actual.get("SSEAlgorithm"), "key": v.key_arn(r, actual.get("KMSMasterKeyID"), declared=False),
                "bucketKey": bool(rules[0].get("BucketKeyEnabled"))}  # fmt: skip

    declared = {"algorithm": default["sseAlgorithm"], "key": v.key_arn(r, default.get("kmsMasterKeyId"), declared=True), "bucketKey": bool(rule.get("bucketKeyEnabled"))}
    return declared, observe


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
    """The stack's key (never the one a repointed alias names): enabled, rotated, described, its policy and tags."""
    kms = v.client(r, "kms")

    def observe():
        meta = v.stack_key(r).meta
        if meta is None:
            return None
        key_id = meta["KeyId"]
        policy = kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
        rotation = kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"]
        return {"state": meta["KeyState"], "description": meta.get("Description"), "rotation": rotation, "policy": document(policy), "tags": key_tags(kms, key_id)}

    declared = {"state": "Enabled", "description": r.inputs.get("description"), "rotation": bool(r.inputs.get("enableKeyRotation")),
                "policy": json.loads(r.inputs["policy"]), "tags": v.tags(r)}  # fmt: skip
    return declared, observe


def key_alias(v: Verifier, r: Resource):
    """The alias names the stack's key: one it points at instead (another domain's, or a key the stack did not
    create) is reported with its ID and tags."""
    kms, name, key = v.client(r, "kms"), r.inputs["name"], v.declared_key(r.inputs.get("targetKeyId"))

    def observe():
        target = {a["AliasName"]: a.get("TargetKeyId") for page in kms.get_paginator("list_aliases").paginate() for a in page["Aliases"]}.get(name)
        if target is None:
            return None
        if target == v.stack_key_id(key):
            return {"target": target}
        return {"target": f"{target} (a key this stack did not create; its tags: {json.dumps(key_tags(kms, target), sort_keys=True)})"}

    return {"target": v.stack_key_id(key)}, observe


def key_grant(v: Verifier, r: Resource):
    kms, i = v.client(r, "kms"), r.inputs
    constraints = {k[:1].upper() + k[1:]: dict(val) for c in i.get("constraints") or () for k, val in c.items()}

    def observe():
        key_id = v.stack_key_id(v.declared_key(i["keyId"]))
        if key_id is None:
            return None
        found = [g for g in list_grants(kms, key_id) if g.get("Name") == i["name"]]
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
        tags = listed_tags(iam.get_paginator("list_role_tags").paginate(RoleName=name))
        names = sorted(n for page in iam.get_paginator("list_role_policies").paginate(RoleName=name) for n in page["PolicyNames"])
        arns = sorted(p["PolicyArn"] for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=name) for p in page["AttachedPolicies"])
        return {"trust": document(found.get("AssumeRolePolicyDocument")), "description": found.get("Description", ""), "tags": tags,
                "inline policies": names, "attached policies": arns}  # fmt: skip

    declared = {"trust": json.loads(r.inputs["assumeRolePolicy"]), "description": r.inputs.get("description", ""),
                "tags": v.tags(r), "inline policies": inline, "attached policies": attached}  # fmt: skip
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
        tags = listed_tags(iam.get_paginator("list_policy_tags").paginate(PolicyArn=arn))
        return {"policy": document(iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]), "tags": tags}

    return {"policy": json.loads(r.inputs["policy"]), "tags": v.tags(r)}, observe


def attachments(v: Verifier, r: Resource):
    """The role's reader reports extra or missing attachments; this one only says the role is there to hold them."""
    iam = v.client(r, "iam")
    return {}, lambda: iam.get_role(RoleName=r.inputs["roleName"])["Role"]


def database(v: Verifier, r: Resource):
    glue, name = v.client(r, "glue"), r.inputs["name"]
    arn = f"arn:aws:glue:{v.settings.region}:{v.account(r)}:database/{name}"

    def observe():
        found = glue.get_database(Name=name)["Database"]
        return {"description": found.get("Description", ""), "tags": glue.get_tags(ResourceArn=arn).get("Tags") or {}}

    return {"description": r.inputs.get("description", ""), "tags": v.tags(r)}, observe


def table(v: Verifier, r: Resource):
    glue, i = v.client(r, "glue"), r.inputs
    sd = i["storageDescriptor"]

    def columns(items, fields=("name", "type", "comment", "parameters")):
        return [[*(c.get(f) for f in fields[:3]), c.get(fields[3]) or {}] for c in items or ()]

    def observe():
        t = glue.get_table(DatabaseName=i["databaseName"], Name=i["name"])["Table"]
        asd = t.get("StorageDescriptor") or {}
        return {
            "columns": columns(asd.get("Columns"), ("Name", "Type", "Comment", "Parameters")),
            "partition keys": columns(t.get("PartitionKeys"), ("Name", "Type", "Comment", "Parameters")),
            "location": asd.get("Location"),
            "formats": [asd.get("InputFormat"), asd.get("OutputFormat"), (asd.get("SerdeInfo") or {}).get("SerializationLibrary")],
            "parameters": t.get("Parameters") or {},
            "description": t.get("Description", ""),
            "table type": t.get("TableType"),
        }

    declared = {
        "columns": columns(sd.get("columns")),
        "partition keys": columns(i.get("partitionKeys")),
        "location": sd.get("location"),
        "formats": [sd.get("inputFormat"), sd.get("outputFormat"), (sd.get("serDeInfo") or {}).get("serializationLibrary")],
        "parameters": i.get("parameters") or {},
        "description": i.get("description", ""),
        "table type": i.get("tableType"),
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
