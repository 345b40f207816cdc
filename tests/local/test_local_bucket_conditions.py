"""The emulator judges the conditions of bucket and access point policies (meshplane.local.moto_conditions): on the
deployed sample, each role reads and writes what the producer's policies say, through the same calls AWS would see.

moto alone applies every conditional Deny to everyone (the TLS-only statement blocks every object call), and access
point policies gate nothing. Identity enforcement stays off here: what these tests see is the resource policies'.
The tests share one deployment of the sample (localkit.deployed_once) and undo what they change.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from localkit import deployed_once, deployments  # noqa: F401 (fixtures)

from meshplane.local.emulator import Aws, connect

pytestmark = pytest.mark.slow

ACCOUNT = "123456789012"
BUCKET = "daff-local-users-profile-updates"
JOB = f"arn:aws:iam::{ACCOUNT}:role/daff-local-users-profile-updates-job"
QUALITY = f"arn:aws:iam::{ACCOUNT}:role/daff-local-users-quality"
CONSUMER = f"arn:aws:iam::{ACCOUNT}:role/daff-local-podcasts-listener-demographics-job"  # agreed: reads users/profile-updates
STRANGER = f"arn:aws:iam::{ACCOUNT}:role/daff-local-podcasts-podcast-plays-job"  # no agreement on users/profile-updates
DATA = "profile_date=2026-12-07/part-0.json"


def as_role(endpoint: str, arn: str) -> Aws:
    aws = connect(endpoint, "us-east-1", ACCOUNT)
    return aws.as_credentials(aws.client("sts").assume_role(RoleArn=arn, RoleSessionName="test")["Credentials"])


def point_of(admin, consumer: str) -> str:
    """The ARN of the access point of users/profile-updates whose policy names `consumer`."""
    s3control = admin("s3control")
    for point in s3control.list_access_points(AccountId=ACCOUNT, Bucket=BUCKET)["AccessPointList"]:
        policy = json.loads(s3control.get_access_point_policy(AccountId=ACCOUNT, Name=point["Name"])["Policy"])
        if consumer in json.dumps(policy):
            return point["AccessPointArn"]
    raise AssertionError(f"no access point of {BUCKET} names {consumer}")


def denied(call) -> bool:
    try:
        call()
    except ClientError as exc:
        assert exc.response["Error"]["Code"] in ("AccessDenied", "403"), exc
        return True
    return False


@pytest.fixture
def admin(deployed_once):
    """boto3 clients of the deployed sample's account (the conftest's `admin` would empty the emulator first)."""
    return connect(deployed_once.endpoint, "us-east-1", ACCOUNT).client


@pytest.fixture
def written(deployed_once) -> str:
    """users/profile-updates holds one object, written by its own job role."""
    as_role(deployed_once.endpoint, JOB).client("s3").put_object(Bucket=BUCKET, Key=DATA, Body=b'{"user_id": "u1"}\n')
    return deployed_once.endpoint


def test_the_job_role_writes_under_its_products_prefix_over_tls_only(written, admin):
    assert as_role(written, JOB).client("s3").list_objects_v2(Bucket=BUCKET, Prefix="profile_date=")["KeyCount"] == 1
    job = as_role(written, JOB).client("s3")
    job.meta.events.register("before-sign.s3.PutObject", lambda request, **_: request.headers.__setitem__("X-Forwarded-Proto", "http"))
    assert denied(lambda: job.put_object(Bucket=BUCKET, Key=DATA, Body=b"{}"))  # a request that says it was plain HTTP


def listings(s3, bucket: str) -> list:
    """Each bucket-level listing AWS authorizes by the bucket's policy (s3:ListBucket, s3:ListBucketVersions)."""
    return [lambda: s3.list_objects_v2(Bucket=bucket), lambda: s3.list_objects(Bucket=bucket),
            lambda: s3.list_object_versions(Bucket=bucket), lambda: s3.head_bucket(Bucket=bucket)]  # fmt: skip


def test_listings_are_judged_the_account_is_denied_the_deployer_the_quality_role_and_the_job_list(written, admin):
    assert [denied(listing) for listing in listings(admin("s3"), BUCKET)] == [True] * 4  # the account's root
    deployer = as_role(written, f"arn:aws:iam::{ACCOUNT}:role/meshplane-deployer").client("s3")
    # the deployer lists (its provider reads a bucket with HeadBucket) and reads no object
    assert [denied(listing) for listing in listings(deployer, BUCKET)] == [False] * 4
    assert denied(lambda: deployer.get_object(Bucket=BUCKET, Key=DATA))
    through = as_role(written, QUALITY).through_access_points()
    assert [denied(listing) for listing in listings(through, point_of(admin, QUALITY))] == [False] * 4
    assert through.list_objects_v2(Bucket=point_of(admin, QUALITY), Prefix="profile_date=")["KeyCount"] == 1
    assert [denied(listing) for listing in listings(as_role(written, QUALITY).client("s3"), BUCKET)] == [True] * 4  # not through it
    assert [denied(listing) for listing in listings(as_role(written, JOB).client("s3"), BUCKET)] == [False] * 4
    assert denied(lambda: as_role(written, STRANGER).through_access_points().list_objects_v2(Bucket=point_of(admin, QUALITY)))


def test_the_quality_role_reads_through_its_access_point_and_writes_only_its_results(written, admin):
    quality = as_role(written, QUALITY)
    through = quality.through_access_points()
    assert through.get_object(Bucket=point_of(admin, QUALITY), Key=DATA)["Body"].read() == b'{"user_id": "u1"}\n'
    quality.client("s3").put_object(Bucket=BUCKET, Key="_meshplane/quality/1/result.json", Body=b"{}")
    assert denied(lambda: quality.client("s3").put_object(Bucket=BUCKET, Key="profile_date=2026-12-08/forged.json", Body=b"{}"))
    assert denied(lambda: quality.client("s3").delete_object(Bucket=BUCKET, Key=DATA))


def test_a_consumer_with_an_agreement_reads_through_its_access_point_only(written, admin):
    consumer = as_role(written, CONSUMER)
    assert consumer.through_access_points().get_object(Bucket=point_of(admin, CONSUMER), Key=DATA)["Body"].read()
    assert denied(lambda: consumer.client("s3").get_object(Bucket=BUCKET, Key=DATA))  # not through an access point
    assert denied(lambda: consumer.client("s3").put_object(Bucket=BUCKET, Key=DATA, Body=b"{}"))


def test_a_consumer_without_an_agreement_and_a_rogue_are_denied(written, admin):
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}
    admin("iam").create_role(RoleName="rogue", AssumeRolePolicyDocument=json.dumps(trust))
    try:
        for arn in (STRANGER, f"arn:aws:iam::{ACCOUNT}:role/rogue"):
            caller = as_role(written, arn)
            assert denied(lambda: caller.client("s3").get_object(Bucket=BUCKET, Key=DATA)), arn
            assert denied(lambda: caller.client("s3").put_object(Bucket=BUCKET, Key=DATA, Body=b"{}")), arn
            # another consumer's access point: the bucket delegates to it, its own policy names someone else
            assert denied(lambda: caller.through_access_points().get_object(Bucket=point_of(admin, CONSUMER), Key=DATA)), arn
    finally:
        admin("iam").delete_role(RoleName="rogue")


def test_a_condition_the_emulator_does_not_judge_fails_closed_and_is_said(written, admin, capsys):
    declared = admin("s3").get_bucket_policy(Bucket=BUCKET)["Policy"]
    policy = json.loads(declared)
    policy["Statement"].append({"Sid": "DenyOldClients", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*",
                                "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}})  # fmt: skip
    admin("s3").put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
    try:
        quality = as_role(written, QUALITY).through_access_points()
        assert denied(lambda: quality.get_object(Bucket=point_of(admin, QUALITY), Key=DATA))
    finally:
        admin("s3").put_bucket_policy(Bucket=BUCKET, Policy=declared)
    assert (f"emulator: error: bucket {BUCKET}: statement DenyOldClients: operator NumericLessThan, key s3:TlsVersion not evaluated by the "
            "emulator: the Deny applies whatever its condition") in capsys.readouterr().err  # fmt: skip
