"""The documents that decide access, read back from a deployment (the emulator, or AWS) into the evaluator's model.

Only what the program declares is read (its roles, buckets, keys, tables), and what sits on it (access
points on its buckets, grants on its keys, Lake Formation permissions in its databases), plus any role
the caller names (the access check's rogue), so the decisions are about the deployment as it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from botocore.exceptions import ClientError

from components import tokens
from components.providers import account_of_provider
from meshplane.evaluator.model import AccessPoint, Bucket, CatalogGrant, Deployment, Grant, Key, Principal, Table
from meshplane.local.apply import list_grants
from meshplane.local.emulator import Aws, bucket_exists, document, error_code
from meshplane.local.readers import _pages as pages
from meshplane.registrations.engine import Evaluation


def principal(aws: Aws, arn: str) -> Principal | None:
    iam, name = aws.client("iam"), arn.rsplit("/", 1)[1]
    try:
        names = [n for page in iam.get_paginator("list_role_policies").paginate(RoleName=name) for n in page["PolicyNames"]]
    except ClientError as exc:
        if error_code(exc) == "NoSuchEntity":
            return None
        raise
    policies = [document(iam.get_role_policy(RoleName=name, PolicyName=n)["PolicyDocument"]) for n in names]
    for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=name):
        for attached in page["AttachedPolicies"]:
            version = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]["DefaultVersionId"]
            policies.append(document(iam.get_policy_version(PolicyArn=attached["PolicyArn"], VersionId=version)["PolicyVersion"]["Document"]))
    return Principal(arn, tuple(policies))


def read_back(evaluation: Evaluation, accounts: dict[str, Aws], default: str, region: str, extra: Iterable[str] = ()) -> Deployment:
    """The deployment of `evaluation` across `accounts` (`default`: the stack's own), and the roles `extra` names."""
    d = Deployment(region=region)
    declared = [r for r in evaluation.custom() if r.type.startswith("aws:")]
    account = {r.urn: account_of_provider(r.provider, default) for r in declared}
    for r in declared:
        if r.type == tokens.ROLE:
            arn = f"arn:aws:iam::{account[r.urn]}:role/{r.inputs['name']}"
            found = principal(accounts[account[r.urn]], arn)
            if found is not None:
                d.principals[arn] = found
    for arn in extra:
        found = principal(accounts[arn.split(":")[4]], arn)
        if found is not None:
            d.principals[arn] = found
    for r in declared:
        if r.type == tokens.BUCKET:
            bucket = _bucket(accounts[account[r.urn]], r.inputs["bucket"], account[r.urn])
            if bucket is not None:
                d.buckets[bucket.name] = bucket
        elif r.type == tokens.TABLE:
            table = _table(accounts[account[r.urn]], r.inputs["databaseName"], r.inputs["name"], account[r.urn], region)
            if table is not None:
                d.tables[table.location.removeprefix("s3://").split("/")[0]] = table
    for acct, aws in accounts.items():
        control = aws.client("s3control")
        for point in pages(control.list_access_points, "AccessPointList", AccountId=acct):  # a page holds 1,000 at most
            if point["Bucket"] in d.buckets:
                d.access_points.append(AccessPoint(point["Name"], acct, region, point["Bucket"], _access_point_policy(control, acct, point["Name"])))
        lf = aws.client("lakeformation")
        for entry in pages(lf.list_permissions, "PrincipalResourcePermissions", CatalogId=acct):
            table = entry.get("Resource", {}).get("Table")
            if table:
                d.catalog_grants.append(CatalogGrant(acct, entry["Principal"]["DataLakePrincipalIdentifier"], table["DatabaseName"],
                                                     None if "TableWildcard" in table else table.get("Name"), tuple(entry["Permissions"])))  # fmt: skip
        for resource in pages(lf.list_resources, "ResourceInfoList"):
            d.locations[resource["ResourceArn"]] = resource.get("RoleArn", "")
    for bucket in d.buckets.values():
        if bucket.key and bucket.key not in d.keys:
            key = _key(accounts[bucket.account], bucket.key, bucket.account)
            if key is not None:
                d.keys[key.arn] = key
    return d


def _bucket(aws: Aws, name: str, account: str) -> Bucket | None:
    s3 = aws.client("s3")
    if not bucket_exists(s3, name):
        return None
    try:
        policy = json.loads(s3.get_bucket_policy(Bucket=name)["Policy"])
    except ClientError as exc:
        if error_code(exc) != "NoSuchBucketPolicy":
            raise
        policy = None
    try:
        rules = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
        key = rules[0]["ApplyServerSideEncryptionByDefault"].get("KMSMasterKeyID")
    except ClientError as exc:
        if error_code(exc) != "ServerSideEncryptionConfigurationNotFoundError":
            raise
        key = None
    if key:
        try:
            key = aws.client("kms").describe_key(KeyId=key)["KeyMetadata"]["Arn"]
        except ClientError as exc:
            if error_code(exc) != "NotFoundException":
                raise
            key = None
    return Bucket(name, account, policy, key)


def _access_point_policy(control, account: str, name: str) -> dict | None:
    try:
        return json.loads(control.get_access_point_policy(AccountId=account, Name=name)["Policy"])
    except ClientError as exc:
        if error_code(exc) == "NoSuchAccessPointPolicy":
            return None
        raise


def _key(aws: Aws, arn: str, account: str) -> Key | None:
    kms = aws.client("kms")
    try:
        policy = json.loads(kms.get_key_policy(KeyId=arn, PolicyName="default")["Policy"])
    except ClientError as exc:
        if error_code(exc) == "NotFoundException":
            return None
        raise
    found = tuple(
        Grant(g.get("Name", ""), g["GranteePrincipal"], tuple(g.get("Operations", [])), dict(g.get("Constraints") or {})) for g in list_grants(kms, arn)
    )
    return Key(arn, account, policy, found)


def _table(aws: Aws, database: str, name: str, account: str, region: str) -> Table | None:
    try:
        found = aws.client("glue").get_table(DatabaseName=database, Name=name)["Table"]
    except ClientError as exc:
        if error_code(exc) == "EntityNotFoundException":
            return None
        raise
    return Table(account, region, database, name, (found.get("StorageDescriptor") or {}).get("Location", ""))
