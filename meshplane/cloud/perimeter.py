"""The organization's perimeter around each domain account: one service control policy (SCP) and one resource control
policy (RCP) that keep the administration of the mesh's data to the account's deployer role (and its break-glass role).

What they close is what the key and bucket policies cannot: a principal of the account allowed `s3:CreateAccessPoint`,
`kms:CreateGrant` or `lakeformation:GrantPermissions` by its own IAM could otherwise give itself any product.
- The SCP binds every principal of the account but the deployer and the break-glass role, whatever its IAM allows
  (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html). SCPs bind neither the
  management account nor service-linked roles.
- The RCP binds every request to the account's S3 buckets and access points and KMS keys, whoever makes it, other
  accounts' principals included (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
  RCPs apply to S3, STS, KMS, SQS and Secrets Manager only, not to Lake Formation or Glue: the SCP must keep those.
  Requests made by AWS services on their own behalf are left out (`aws:PrincipalIsAWSService`), as AWS's examples do.
- Each document is at most 5,120 characters, and a target holds at most 5 of each type, AWS's full-access policy
  included (meshplane.cloud.quotas); `check` holds a perimeter to both.

Pure data: `meshplane export perimeter` writes the documents, and a stack naming its organization's management account
creates them as `aws:organizations` policies attached to each domain account.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from components.policies import BUCKET_ADMINISTRATION
from meshplane.cloud.documents import size
from meshplane.cloud.quotas import QUOTAS

SCP_PAGE = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html"
RCP_PAGE = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html"
AWS_FULL_ACCESS = 1  # FullAWSAccess / RCPFullAWSAccess, attached to every target by AWS, counts among its 5

ACCESS_POINT_ADMINISTRATION = [
    "s3:CreateAccessPoint", "s3:CreateAccessPointForObjectLambda", "s3:DeleteAccessPointPolicy", "s3:PutAccessPointPolicy",
    "s3:PutAccessPointPolicyForObjectLambda",
]  # fmt: skip
KEY_ADMINISTRATION = ["kms:CreateGrant", "kms:PutKeyPolicy"]
CATALOG_ADMINISTRATION = [
    "glue:PutResourcePolicy", "lakeformation:BatchGrantPermissions", "lakeformation:GrantPermissions", "lakeformation:PutDataLakeSettings",
    "lakeformation:RegisterResource", "lakeformation:UpdateResource",
]  # fmt: skip
# what both documents deny to anyone but the account's administrators (the RCP holds those of its services only)
ADMINISTRATION = sorted({*BUCKET_ADMINISTRATION, *ACCESS_POINT_ADMINISTRATION, *KEY_ADMINISTRATION, *CATALOG_ADMINISTRATION})
SID = "DataAdministrationByTheDeployerOnly"


@dataclass(frozen=True)
class AccountPerimeter:
    """One domain account's SCP and RCP, and the roles they leave administration to."""

    account: str
    deployer: str
    break_glass: str
    scp: dict
    rcp: dict

    @property
    def name(self) -> str:
        return f"meshplane-data-administration-{self.account}"

    def documents(self) -> dict[str, dict]:
        return {"scp": self.scp, "rcp": self.rcp}


def scp(deployer: str, break_glass: str) -> dict:
    """Every principal of the account but the deployer and the break-glass role is denied the mesh's administrative
    actions, whatever its own policies allow; grants AWS services create for AWS resources (an EBS volume's) pass."""
    return _document(
        {"Sid": SID, "Effect": "Deny", "Action": ADMINISTRATION, "Resource": "*",
         "Condition": {"ArnNotLike": {"aws:PrincipalArn": sorted([deployer, break_glass])},
                       "BoolIfExists": {"kms:GrantIsForAWSResource": "false"}}}
    )  # fmt: skip


def rcp(deployer: str, break_glass: str) -> dict:
    """Every request to the account's buckets, access points and keys that administers them is denied unless the
    deployer or the break-glass role makes it, from whatever account; an AWS service's own requests pass."""
    actions = sorted({*BUCKET_ADMINISTRATION, *ACCESS_POINT_ADMINISTRATION, *KEY_ADMINISTRATION})  # S3 and KMS: RCPs cover them
    return _document(
        {"Sid": SID, "Effect": "Deny", "Principal": "*", "Action": actions, "Resource": "*",
         "Condition": {"ArnNotLikeIfExists": {"aws:PrincipalArn": sorted([deployer, break_glass])},
                       "BoolIfExists": {"aws:PrincipalIsAWSService": "false", "kms:GrantIsForAWSResource": "false"}}}
    )  # fmt: skip


def _document(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def account_perimeter(account: str, deployer: str, break_glass: str) -> AccountPerimeter:
    return AccountPerimeter(account, deployer, break_glass, scp(deployer, break_glass), rcp(deployer, break_glass))


def check(perimeters: list[AccountPerimeter], others_attached: int = 0) -> list[str]:
    """What AWS would refuse: a document over 5,120 characters, or more than 5 policies of a type on one account
    (AWS's full-access policy, ours, and `others_attached` the organization attaches besides)."""
    size_quota, per_target = QUOTAS["organizations.policy-size"], QUOTAS["organizations.policies-per-target"]
    problems = []
    for p in perimeters:
        for kind, doc in p.documents().items():
            used = size(json.dumps(doc, separators=(",", ":")))
            if used > size_quota.default:
                problems.append(f"the {kind.upper()} of account {p.account} is {used:,} characters: over {size_quota.what}'s {size_quota.default:,}")
        attached = AWS_FULL_ACCESS + 1 + others_attached
        if attached > per_target.default:
            problems.append(f"account {p.account} would hold {attached} SCPs and {attached} RCPs: at most {per_target.default} of each type")
    return problems

