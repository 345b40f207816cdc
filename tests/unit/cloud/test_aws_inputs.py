"""AWS's and Kubernetes' own input rules, said before apply: each check names the limit, and the stack's resources are
checked again where values meet, each problem at its declaration."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components import tokens
from meshplane.cloud import aws_inputs as aws
from meshplane.cloud import cron
from meshplane.declarations.problems import Problem
from meshplane.registrations.input_check import input_findings
from meshplane.registrations.offline import offline
from meshplane.registrations.project import open_project

ROOT = Path(__file__).resolve().parents[3]  # the repository: the sample project


@pytest.mark.parametrize(
    "check, expected",
    [
        (lambda: aws.bucket_problem("ab"), "S3 bucket name 'ab' is 2 characters: S3 allows 3 to 63"),
        (lambda: aws.bucket_problem("x" * 64), "S3 bucket name '" + "x" * 64 + "' is 64 characters: S3 allows 3 to 63"),
        (lambda: aws.bucket_problem("sthree-data"), "S3 bucket name 'sthree-data' starts with 'sthree-', which S3 reserves"),
        (lambda: aws.bucket_problem("data-s3alias"), "S3 bucket name 'data-s3alias' ends with '-s3alias', which S3 reserves"),
        (lambda: aws.bucket_problem("Data"), "S3 bucket name 'Data': S3 allows lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit"),
        (lambda: aws.bucket_problem("10.0.0.1"), "S3 bucket name '10.0.0.1': S3 allows lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit"),
        (lambda: aws.tag_problem("owner", "x" * 257), "tag 'owner' is 257 characters: AWS allows a tag value 256"),
        (lambda: aws.tag_problem("k" * 129, "v"), "tag key '" + "k" * 40 + "' is 129 characters: AWS allows 1 to 128"),
        (lambda: aws.tag_problem("owner", "a<b>"), "tag 'owner': its value holds '<>': AWS allows letters, digits, spaces and . : / = + - @ in tags"),
        (lambda: aws.tag_problem("aws:x", "v"), "tag 'aws:x': a key starting with 'aws:' is reserved for AWS"),
        (lambda: aws.iam_name_problem("role", "r" * 65, aws.IAM_ROLE_MAX), "IAM role name '" + "r" * 65 + "' is 65 characters: IAM allows 1 to 64"),
        (lambda: aws.iam_name_problem("policy", "a b", aws.IAM_POLICY_MAX), "IAM policy name 'a b': IAM allows letters, digits and + = , . @ _ -"),
        (lambda: aws.iam_path_problem("meshplane/"), "IAM path 'meshplane/': IAM allows '/' or '/.../' of printable characters, 512 at most"),
        (lambda: aws.text_problem("Glue comment", "a\nb", 255, single_line=True), "Glue comment holds a line break or a control character: AWS allows one line"),
        (lambda: aws.text_problem("Glue table description", "x" * 2049, 2048), "Glue table description is 2049 characters: AWS allows 2048"),
        (lambda: aws.kms_alias_problem("alias/aws/s3"), "KMS alias 'alias/aws/s3': KMS allows 'alias/' and letters, digits, / _ -, 256 characters at most, not 'alias/aws/'"),
        (lambda: aws.access_point_problem("ab"), "S3 access point name 'ab': S3 allows 3 to 50 lowercase letters, digits and hyphens"),
        (lambda: aws.k8s_name_problem("CronJob", "j" * 53, aws.CRONJOB_NAME_MAX), "Kubernetes CronJob name '" + "j" * 53 + "': a DNS-1123 label, lowercase letters, digits and '-', 52 characters at most"),
    ],
)
def test_each_rule_names_its_limit(check, expected):
    assert check() == expected


@pytest.mark.parametrize(
    "check",
    [
        lambda: aws.bucket_problem("daff-prod-users-play-events"),
        lambda: aws.tag_problem("owner", "users-data@daff.example"),
        lambda: aws.iam_path_problem("/meshplane/"),
        lambda: aws.iam_path_problem("/"),
        lambda: aws.kms_alias_problem("alias/daff-prod-users"),
        lambda: aws.k8s_name_problem("CronJob", "play-events", aws.CRONJOB_NAME_MAX),
    ],
)
def test_what_aws_takes_is_no_problem(check):
    assert check() is None


def test_the_sample_stacks_meet_every_input_rule():
    for stack in ("dev", "local", "prod", "prod-podcasts", "staging"):
        project = open_project(ROOT, stack=stack)
        assert input_findings(offline(project).resources, project.mesh) == [], stack


def test_a_value_aws_would_refuse_is_found_at_its_declaration():
    project = open_project(ROOT, stack="prod")
    resources = offline(project).resources
    bucket = next(r for r in resources if r.type == tokens.BUCKET and r.product == "users/play-events")
    broken = dataclasses.replace(bucket, inputs={**bucket.inputs, "tags": {**bucket.inputs["tags"], "owner": "x" * 300}})
    assert input_findings([broken], project.mesh) == [
        Problem("domains/users/products/play-events.yaml", 1, "users/play-events: tag 'owner' is 300 characters: AWS allows a tag value 256")
    ]


# the schedule: the JSON Schema's pattern and the check with its messages agree ----------------------------------------

piece = st.sampled_from(["*", "?", "0", "5", "07", "12", "23", "24", "31", "32", "59", "60", "6", "7", "JAN", "dec", "Mon", "SUN", "SAT"])
item = st.tuples(piece, st.sampled_from(["", "-"]), piece, st.sampled_from(["", "/2", "/0", "/15"])).map(
    lambda t: t[0] + (t[1] + t[2] if t[1] else "") + t[3]
)
field = st.lists(item, min_size=1, max_size=2).map(",".join)
schedules = st.lists(field, min_size=4, max_size=6).map(" ".join) | st.sampled_from(["@hourly", "@yearly", "@daily", " 0 3 * * *"])


@settings(max_examples=500, deadline=None, database=None)
@given(schedules)
def test_the_schemas_pattern_takes_what_the_check_takes(schedule):
    matches = re.fullmatch(cron.PATTERN[1:-1], schedule) is not None
    if cron.problem(schedule) is None:
        assert matches
    elif matches:  # a range written backwards: the check alone knows (a regular expression cannot compare)
        assert "starts after it ends" in cron.problem(schedule) or "never runs" in cron.problem(schedule)


def test_ranges_by_name_are_compared_by_their_place():
    assert cron.problem("0 3 * DEC-JAN *") == "month 'DEC-JAN': the range 'DEC-JAN' starts after it ends"
    assert cron.problem("0 3 * JAN-DEC SUN-SAT") is None


def test_a_columns_type_and_parameters_are_held_to_glues_limits():
    project = open_project(ROOT, stack="prod")
    table = next(r for r in offline(project).resources if r.type == tokens.TABLE and r.product == "users/play-events")
    storage = table.inputs["storageDescriptor"]
    wide = {"name": "wide", "type": "struct<" + ",".join(f"f{i}:string" for i in range(20000)) + ">", "comment": "Wide.",
            "parameters": {"businessName": "x" * 512001, "k" * 256: "v"}}  # fmt: skip
    broken = dataclasses.replace(table, inputs={**table.inputs, "storageDescriptor": {**storage, "columns": [*storage["columns"], wide]}})
    assert sorted(p.message for p in input_findings([broken], project.mesh)) == sorted([
        "users/play-events: Glue type of column 'wide' is 268897 characters: AWS allows 131072",
        "users/play-events: Glue parameter 'businessName' of column 'wide': its value is 512001 characters: AWS allows 512000",
        f"users/play-events: Glue parameter {'k' * 60!r} of column 'wide' is 256 characters: AWS allows 255",
    ])
