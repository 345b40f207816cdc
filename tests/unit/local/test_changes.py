"""Which requests the emulator counts as changes: every request but a read, in each protocol the stack's services
speak (botocore 1.44's: S3 and S3 Control REST-XML, IAM, STS and SNS query, KMS, Glue and EventBridge JSON, Lake
Formation and EventBridge Scheduler REST-JSON, CloudWatch and the tagging API Smithy RPC v2 CBOR)."""

from __future__ import annotations

import pytest

from meshplane.local.changes import Changes, may_change, operations, own_changes_only

FORM = "application/x-www-form-urlencoded; charset=utf-8"


def signed(service: str) -> str:
    return f"AWS4-HMAC-SHA256 Credential=test/20261207/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0"


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
    "Lake Formation ListPermissions (REST-JSON by POST)": request("POST", "/ListPermissions", body=b"{}", authorization=signed("lakeformation")),
    "Scheduler GetSchedule": request("GET", "/schedules/nightly"),
    "CloudWatch DescribeAlarms (CBOR)": request("POST", "/service/GraniteServiceVersion20100801/operation/DescribeAlarms", authorization=signed("monitoring")),
    "tagging GetResources (CBOR)": request("POST", "/service/ResourceGroupsTaggingAPI_20170126/operation/GetResources", authorization=signed("tagging")),
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
    "Lake Formation GrantPermissions": request("POST", "/GrantPermissions", authorization=signed("lakeformation")),
    "Scheduler UpdateSchedule": request("PUT", "/schedules/nightly"),
    "CloudWatch PutMetricAlarm (CBOR)": request("POST", "/service/GraniteServiceVersion20100801/operation/PutMetricAlarm", authorization=signed("monitoring")),
    "moto's reset": request("POST", "/moto-api/reset"),
    "moto's seed, by GET": request("GET", "/moto-api/seed", "a=42"),
    "a query-protocol body moto reads whatever its type": request("GET", body=b"Action=CreateRole&RoleName=r", content_type="text/plain"),
    "a form naming a change under a query naming a read": request("POST", "/", "Action=ListRoles", body=b"Action=CreateUser", content_type=FORM),
    "an Action header": request("POST", action="CreateRole"),
    "an S3 bucket named like a read, created": request("PUT", "/GetReports", authorization=signed("s3")),
    "an S3 bucket named like a read, deleted": request("DELETE", "/GetReports", authorization=signed("s3")),
    "an S3 object posted by form to a bucket named like a read": request("POST", "/GetReports", body=b"--form", authorization=signed("s3")),
    "a GET with a body": request("GET", "/bucket", body=b"something"),
    "a body longer than any read's": request("POST", x_amz_target="AWSGlue.GetTables", body=b"x" * (1 << 20 + 1)),
    "an action named Gettysburg": request("POST", x_amz_target="X.Gettysburg"),  # a read's prefix, not a read's name
    "a request that names nothing": request("PATCH", "/"),
}


@pytest.mark.parametrize("name", READS)
def test_a_read_is_not_counted(name):
    assert not may_change(*READS[name])


@pytest.mark.parametrize("name", CHANGES)
def test_anything_else_is_a_change(name):
    assert may_change(*CHANGES[name])


def test_the_names_are_read_from_the_target_the_query_the_body_a_header_or_a_signed_path():
    assert operations(*READS["KMS ListResourceTags (JSON)"]) == ["ListResourceTags"]
    assert operations(*CHANGES["IAM PutRolePolicy (query, form body)"]) == ["PutRolePolicy"]
    assert operations(*CHANGES["IAM CreateRole sent as a GET"]) == ["CreateRole"]
    assert operations(*CHANGES["a form naming a change under a query naming a read"]) == ["ListRoles", "CreateUser"]
    assert operations(*READS["CloudWatch DescribeAlarms (CBOR)"]) == ["DescribeAlarms"]
    assert operations(*READS["S3 GetBucketVersioning"]) == []  # REST: the method says what it does
    assert operations(*request("POST", "/ListPermissions")) == []  # unsigned: no service says its path is a name


def test_a_run_keeps_the_mark_only_when_every_change_between_its_marks_is_its_own():
    assert own_changes_only("t-4", "t-7", [6, 5, 7]) == "t-7"
    assert own_changes_only("t-4", "t-4", []) == "t-4"
    assert own_changes_only("t-4", "t-7", [5, 7]) is None  # 6 was another client's: made while the run read
    assert own_changes_only("t-4", "u-7", [5, 6, 7]) is None  # another emulator answers now
    assert own_changes_only(None, "t-7", [5, 6, 7]) is None and own_changes_only("t-4", None, []) is None


def test_the_mark_moves_with_each_change_and_each_process():
    first = Changes()
    before = first.mark()
    assert first.mark() == before
    assert first.count() == 1 and first.mark() == f"{first.token}-1" != before
    assert Changes().mark() != Changes().mark()  # another process's emulator is not the one a state names
