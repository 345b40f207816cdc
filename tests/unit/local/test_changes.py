"""Which requests the emulator counts as changes: every request but a read, in each protocol the stack's services
speak (botocore 1.44's: S3 and S3 Control REST-XML, IAM, STS and SNS query, KMS, Glue and EventBridge JSON, Lake
Formation and EventBridge Scheduler REST-JSON, CloudWatch and the tagging API Smithy RPC v2 CBOR)."""

from __future__ import annotations

import pytest

from meshplane.local.changes import Changes, may_change, operation

FORM = "application/x-www-form-urlencoded; charset=utf-8"


def request(method: str, path: str = "/", query: str = "", body: bytes = b"", **headers: str) -> tuple[dict, bytes]:
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query}
    environ.update({f"HTTP_{k.upper()}" if k != "content_type" else "CONTENT_TYPE": v for k, v in headers.items()})
    return environ, body


READS = {
    "S3 GetBucketVersioning": request("GET", "/bucket", "versioning"),
    "S3 HeadBucket": request("HEAD", "/bucket"),
    "S3 Control GetAccessPointPolicy": request("GET", "/v20180820/accesspoint/ap/policy"),
    "IAM ListRoles (query, form body)": request("POST", body=b"Action=ListRoles&Version=2010-05-08", content_type=FORM),
    "STS GetCallerIdentity": request("POST", body=b"Action=GetCallerIdentity&Version=2011-06-15", content_type=FORM),
    "KMS ListResourceTags (JSON)": request("POST", x_amz_target="TrentService.ListResourceTags"),
    "Glue GetTables": request("POST", x_amz_target="AWSGlue.GetTables"),
    "Lake Formation ListPermissions (REST-JSON by POST)": request("POST", "/ListPermissions"),
    "Scheduler GetSchedule": request("GET", "/schedules/nightly"),
    "CloudWatch DescribeAlarms (CBOR)": request("POST", "/service/GraniteServiceVersion20100801/operation/DescribeAlarms"),
    "tagging GetResources (CBOR)": request("POST", "/service/ResourceGroupsTaggingAPI_20170126/operation/GetResources"),
    "Glue BatchGetPartition": request("POST", x_amz_target="AWSGlue.BatchGetPartition"),
    "STS AssumeRole (a session: no stack holds one)": request("POST", body=b"Action=AssumeRole", content_type=FORM),
}
CHANGES = {
    "S3 PutBucketVersioning": request("PUT", "/bucket", "versioning"),
    "S3 PutObject": request("PUT", "/bucket/rows.csv"),
    "S3 DeleteObjects": request("POST", "/bucket", "delete"),
    "S3 multipart upload of an object named like a read": request("POST", "/GetReport", "uploads"),
    "S3 Control PutAccessPointPolicy": request("PUT", "/v20180820/accesspoint/ap/policy"),
    "S3 Control DeleteAccessPoint": request("DELETE", "/v20180820/accesspoint/ap"),
    "IAM PutRolePolicy (query, form body)": request("POST", body=b"Version=2010-05-08&Action=PutRolePolicy&RoleName=r", content_type=FORM),
    "IAM CreateRole sent as a GET": request("GET", "/", "Action=CreateRole&RoleName=r"),
    "KMS TagResource": request("POST", x_amz_target="TrentService.TagResource"),
    "KMS GenerateDataKey": request("POST", x_amz_target="TrentService.GenerateDataKey"),
    "Glue UpdateTable": request("POST", x_amz_target="AWSGlue.UpdateTable"),
    "Lake Formation GrantPermissions": request("POST", "/GrantPermissions"),
    "Scheduler UpdateSchedule": request("PUT", "/schedules/nightly"),
    "CloudWatch PutMetricAlarm (CBOR)": request("POST", "/service/GraniteServiceVersion20100801/operation/PutMetricAlarm"),
    "moto's reset": request("POST", "/moto-api/reset"),
    "an action named Gettysburg": request("POST", x_amz_target="X.Gettysburg"),  # a read's prefix, not a read's name
    "a request that names nothing": request("PATCH", "/"),
}


@pytest.mark.parametrize("name", READS)
def test_a_read_is_not_counted(name):
    assert not may_change(*READS[name])


@pytest.mark.parametrize("name", CHANGES)
def test_anything_else_is_a_change(name):
    assert may_change(*CHANGES[name])


def test_the_operation_is_read_from_the_target_the_form_the_query_or_the_path():
    assert operation(*READS["KMS ListResourceTags (JSON)"]) == "ListResourceTags"
    assert operation(*CHANGES["IAM PutRolePolicy (query, form body)"]) == "PutRolePolicy"
    assert operation(*CHANGES["IAM CreateRole sent as a GET"]) == "CreateRole"
    assert operation(*READS["CloudWatch DescribeAlarms (CBOR)"]) == "DescribeAlarms"
    assert operation(*READS["S3 GetBucketVersioning"]) is None  # REST: the method says what it does
    assert operation(*request("POST", "/bucket", body=b"Action=Nothing")) is None  # a form only counts as one


def test_the_mark_moves_with_each_change_and_each_start():
    first = Changes()
    before = first.mark()
    assert first.mark() == before
    first.count()
    assert first.mark() != before
    assert Changes().mark() != Changes().mark()  # a new emulator on the same port is not the one a state names
