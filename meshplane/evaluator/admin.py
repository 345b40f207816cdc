"""The administrative cells: whether a principal may take an action that would let it give itself any product of an
account (a grant on its key, a new key policy or bucket policy, an access point, a Lake Formation grant), decided with
the organization's perimeter in force and without it.

- Identity, key and bucket policies, and SCPs, by principalmapper (`local_check_authorization_full` takes SCPs as
  groups, one per level of the organization, each of which must allow: AWS attaches FullAWSAccess at every level, so a
  group is FullAWSAccess and the account's own SCPs; service-linked roles are exempt, as in AWS).
  https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
- RCPs are modelled here: an RCP binds a request to a resource of the account it is attached to, whoever makes it, for
  the services RCPs support only (S3, STS, KMS, SQS, Secrets Manager: not Lake Formation); RCPFullAWSAccess allows
  everything, so a request is denied when a Deny statement of the account's RCPs matches it, as a resource policy's
  would; requests of service-linked roles are not bound. https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
- Lake Formation's own check (a grantor must be a data lake administrator or hold the permission with its grant
  option) is not modelled: `lakeformation:PutDataLakeSettings` makes any principal IAM allows an administrator, so the
  cell is what IAM and the SCPs allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from meshplane.evaluator import iam
from meshplane.evaluator.model import Deployment
from principalmapper.common import Policy  # noqa: E402  (after iam, which makes principalmapper importable)
from principalmapper.querying.query_interface import local_check_authorization_full  # noqa: E402

RCP_SERVICES = frozenset({"s3", "sts", "kms", "sqs", "secretsmanager"})
FULL_AWS_ACCESS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
PROBE_ACCESS_POINT = "meshplane-admin-probe"  # the access point a principal would create (its name matters to no policy)


class Admin(str, Enum):
    create_grant = "kms:CreateGrant"
    put_key_policy = "kms:PutKeyPolicy"
    put_bucket_policy = "s3:PutBucketPolicy"
    create_access_point = "s3:CreateAccessPoint"
    grant_permissions = "lakeformation:GrantPermissions"


@dataclass(frozen=True)
class Perimeter:
    """The organization's policies on one account (besides AWS's full-access ones)."""

    scps: tuple[dict, ...] = ()
    rcps: tuple[dict, ...] = ()


@dataclass(frozen=True)
class Target:
    """Where an administrative action lands in an account: its resource, that resource's policy, its owner."""

    resource: str
    policy: dict | None
    owner: str


def targets(d: Deployment, account: str) -> dict[Admin, list[Target]]:
    """Each administrative action's resources in `account`: every key and every bucket of the deployment there, a new
    access point, the catalog (an account without a key or a bucket of the stack's has no such cell)."""
    keys = [Target(k.arn, k.policy, account) for _, k in sorted(d.keys.items()) if k.account == account]
    buckets = [Target(b.arn, b.policy, account) for _, b in sorted(d.buckets.items()) if b.account == account]
    found = {Admin.create_grant: keys, Admin.put_key_policy: keys, Admin.put_bucket_policy: buckets,
             Admin.create_access_point: [Target(f"arn:aws:s3:{d.region}:{account}:accesspoint/{PROBE_ACCESS_POINT}", None, account)],
             Admin.grant_permissions: [Target("*", None, account)]}  # fmt: skip
    return {action: listed for action, listed in found.items() if listed}


def cell(node: iam.Node, action: Admin, listed: list[Target], perimeters: dict[str, Perimeter] | None) -> bool | None:
    """Whether `node` may take `action` on every one of `listed` (True), on none (False), or on some only (None)."""
    decided = {decide(node, action, target, perimeters) for target in listed}
    return decided.pop() if len(decided) == 1 else None


def decide(node: iam.Node, action: Admin, target: Target, perimeters: dict[str, Perimeter] | None) -> bool:
    """AWS's decision on `action` by `node` at `target`; `perimeters` (by account) the organization's policies in
    force, None without any."""
    account = iam.account_of(node.arn)
    context = {"aws:SecureTransport": "true", "kms:CallerAccount": account} if action.value.startswith("kms:") else {"aws:SecureTransport": "true"}
    own = (perimeters or {}).get(account)
    groups = [[Policy("FullAWSAccess", "FullAWSAccess", FULL_AWS_ACCESS), *(Policy(f"scp{i}", f"scp{i}", iam.normalised(p)) for i, p in enumerate(own.scps))]] if own else None
    if target.resource == "*":  # no resource-level permission (Lake Formation): identity and SCPs
        allowed = local_check_authorization_full(node, action.value, target.resource, dict(context), None, None, groups)
    else:
        policy = iam.normalised(target.policy or {"Statement": []})
        allowed = local_check_authorization_full(node, action.value, target.resource, dict(context), policy, target.owner, groups)
    if not allowed:
        return False
    return not rcp_denies(node, action, target, (perimeters or {}).get(target.owner), context)


def rcp_denies(node: iam.Node, action: Admin, target: Target, perimeter: Perimeter | None, context: dict[str, str]) -> bool:
    """An RCP of the resource's account denies the request (only for the services RCPs support; never a service-linked
    role's, which RCPs do not bind)."""
    if perimeter is None or action.value.split(":")[0] not in RCP_SERVICES or ":role/aws-service-role/" in node.arn:
        return False
    request = {**context, "aws:PrincipalArn": node.arn, "aws:PrincipalAccount": iam.account_of(node.arn)}  # what AWS sets on every request
    return any(iam.resource_says(node, target.owner, rcp, action.value, target.resource, request) is iam.Match.deny for rcp in perimeter.rcps)
