"""The administrative cells, decided over the documents meshplane writes: the key and bucket policies (components), and
the perimeter's SCP and RCP (meshplane.cloud.perimeter).

A rogue of the producer's account (`s3:*`, `kms:*`, `lakeformation:*` on `*`) is refused the key and bucket policy
changes by the resource policies alone; the perimeter closes the rest (access points, Lake Formation grants); the
deployer keeps every administrative action with or without it.
"""

from __future__ import annotations

import pytest

from components.policies import Administrators, DomainPrincipals, Location, bucket_policy, key_policy
from meshplane.cloud.documents import size
from meshplane.cloud.perimeter import ADMINISTRATION, account_perimeter, check, rcp, scp
from meshplane.cloud.quotas import QUOTAS
from meshplane.evaluator import iam
from meshplane.evaluator.admin import Admin, Perimeter, cell, decide, targets
from meshplane.evaluator.model import Bucket, Deployment, Key, Principal

A, B, REGION = "333333333333", "444444444444", "eu-west-1"
ADMINS = Administrators(f"arn:aws:iam::{A}:role/meshplane-deployer", f"arn:aws:iam::{A}:role/meshplane-break-glass")
DOMAIN = DomainPrincipals(f"arn:aws:iam::{A}:role/d-users-readers", f"arn:aws:iam::{A}:role/d-users-lakeformation")
LOC = Location("d-users-events", "alias/d-users", REGION, A)
EVERYTHING = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "kms:*", "lakeformation:*"], "Resource": "*"}]}
ADMINISTRATOR = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
KEY_ARN = f"arn:aws:kms:{REGION}:{A}:key/k-1"


def deployment() -> Deployment:
    bucket = Bucket(LOC.bucket, A, bucket_policy(LOC, f"arn:aws:iam::{A}:role/d-users-events-job", DOMAIN, LOC.access_point_arn("d-*"), ADMINS), KEY_ARN)
    return Deployment(REGION, buckets={bucket.name: bucket}, keys={KEY_ARN: Key(KEY_ARN, A, key_policy(A, REGION, DOMAIN, ADMINS))})


def cells(arn: str, policy: dict, perimeters) -> dict[Admin, bool]:
    node = iam.node(arn, [policy])
    return {action: cell(node, action, listed, perimeters) for action, listed in targets(deployment(), A).items()}


PERIMETER = {A: Perimeter(scps=(scp(ADMINS.deployer, ADMINS.break_glass),), rcps=(rcp(ADMINS.deployer, ADMINS.break_glass),))}
ROGUE = f"arn:aws:iam::{A}:role/rogue"


def test_without_the_perimeter_a_rogue_still_creates_access_points_and_grants_lake_formation_permissions():
    decided = cells(ROGUE, EVERYTHING, None)
    assert {a for a, yes in decided.items() if yes} == {Admin.create_access_point, Admin.grant_permissions}
    # the key and bucket policies alone refuse it the rest: administration is the deployer's, not the account's


def test_with_the_perimeter_every_administrative_cell_of_a_rogue_is_denied():
    assert not any(cells(ROGUE, EVERYTHING, PERIMETER).values())
    assert not any(cells(ROGUE, ADMINISTRATOR, PERIMETER).values())  # even with every action allowed by its own IAM


@pytest.mark.parametrize("perimeters", [None, PERIMETER], ids=["without", "with"])
def test_the_deployer_keeps_every_administrative_action(perimeters):
    assert all(cells(ADMINS.deployer, ADMINISTRATOR, perimeters).values())


def test_the_rcp_alone_binds_s3_and_kms_but_not_lake_formation():
    only_rcp = {A: Perimeter(rcps=PERIMETER[A].rcps)}
    decided = cells(ROGUE, EVERYTHING, only_rcp)
    assert decided[Admin.create_access_point] is False
    assert decided[Admin.grant_permissions] is True, "RCPs do not cover Lake Formation: the SCP must"


def test_a_rogue_of_another_account_is_refused_by_the_rcp_where_the_scp_of_its_own_account_cannot_reach():
    other = f"arn:aws:iam::{B}:role/rogue"
    node = iam.node(other, [EVERYTHING])
    # a bucket whose policy would let anyone change it: only the RCP of the bucket's account stands in the way
    open_bucket = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:PutBucketPolicy", "Resource": LOC.bucket_arn}]}
    (target,) = targets(Deployment(REGION, buckets={LOC.bucket: Bucket(LOC.bucket, A, open_bucket, None)}), A)[Admin.put_bucket_policy]
    assert decide(node, Admin.put_bucket_policy, target, None)
    assert not decide(node, Admin.put_bucket_policy, target, {A: Perimeter(rcps=PERIMETER[A].rcps)})


def test_the_documents_fit_their_quota_and_the_rcp_names_only_actions_of_its_services():
    p = account_perimeter(A, ADMINS.deployer, ADMINS.break_glass)
    assert all(size(d) <= QUOTAS["organizations.policy-size"].default for d in p.documents().values())
    assert check([p]) == []
    assert {a.split(":")[0] for a in p.rcp["Statement"][0]["Action"]} == {"s3", "kms"}
    assert {a for a in ADMINISTRATION if a.startswith("lakeformation:")} <= set(p.scp["Statement"][0]["Action"])
    assert "Principal" not in p.scp["Statement"][0] and p.rcp["Statement"][0]["Principal"] == "*"  # an SCP names no principal


def test_the_perimeter_check_refuses_what_aws_would():
    p = account_perimeter(A, ADMINS.deployer, ADMINS.break_glass)
    assert check([p], others_attached=4) == [f"account {A} would hold 6 SCPs and 6 RCPs: at most 5 of each type"]
    huge = account_perimeter(A, ADMINS.deployer, f"arn:aws:iam::{A}:role/" + "x" * 60)
    big = type(huge)(A, huge.deployer, huge.break_glass, {**huge.scp, "Statement": huge.scp["Statement"] * 8}, huge.rcp)
    (problem,) = check([big])
    assert problem.startswith(f"the SCP of account {A} is ") and problem.endswith("over an SCP or RCP's 5,120")


def test_neither_the_scp_nor_the_rcp_binds_a_service_linked_role():
    linked = f"arn:aws:iam::{A}:role/aws-service-role/lakeformation.amazonaws.com/AWSServiceRoleForLakeFormationDataAccess"
    decided = cells(linked, EVERYTHING, PERIMETER)
    assert decided[Admin.create_access_point] and decided[Admin.grant_permissions], "what no perimeter covers: the README says so"


def test_a_cell_is_every_key_of_the_account_and_one_key_the_account_administers_opens_it_in_part():
    old = {"Version": "2012-10-17", "Statement": [{"Sid": "KeyAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"},
                                                   "Action": "kms:*", "Resource": "*"}]}  # fmt: skip
    d = deployment()
    d.keys[f"arn:aws:kms:{REGION}:{A}:key/k-2"] = Key(f"arn:aws:kms:{REGION}:{A}:key/k-2", A, old)
    listed = targets(d, A)[Admin.create_grant]
    assert len(listed) == 2
    assert cell(iam.node(ROGUE, [EVERYTHING]), Admin.create_grant, listed, None) is None  # allowed on the old key only
    assert cell(iam.node(ROGUE, [EVERYTHING]), Admin.create_grant, listed, PERIMETER) is False  # the SCP closes it
