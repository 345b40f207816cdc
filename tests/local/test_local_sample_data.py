"""`up --local --data`'s writer: each served product's sample rows put into its current bucket, under its newest
partition, by its own job role (sts AssumeRole), in moto without bucket policies (the emulator's own test, with the
policies deployed, is test_local_end_to_end's); a product that cannot be written is a problem at its file's line."""

from __future__ import annotations

import datetime
import re

import boto3
import pytest
from localkit import ROOT
from moto import mock_aws

from meshplane.compose.locate import job_role_arn, location
from meshplane.declarations.problems import MeshError
from meshplane.declarations.resolve import resolve
from meshplane.local import sample_data
from meshplane.local.emulator import Aws
from meshplane.registrations.project import open_project

AT = datetime.datetime(2026, 12, 7, 10, 30, tzinfo=datetime.UTC)


def deployed(project, skip: str = ""):
    """moto with each product's bucket and job role in its account (but `skip`'s bucket); the callers of PutObject."""
    settings = project.settings
    base = Aws(boto3.Session(region_name=settings.region, aws_access_key_id="test", aws_secret_access_key="test"), None, settings.region)
    accounts = {settings.account_id: base}
    for account in settings.all_accounts():
        if account not in accounts:
            creds = base.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/admin", RoleSessionName="set-up")["Credentials"]
            accounts[account] = base.as_credentials(creds)
    for declared in sample_data.served(project):
        where = location(settings, declared, resolve(declared.spec, settings.environment).output.version)
        aws = accounts[where.account]
        aws.client("iam").create_role(RoleName=job_role_arn(settings, declared).rsplit("/", 1)[1], AssumeRolePolicyDocument="{}")
        if declared.address != skip:
            aws.client("s3").create_bucket(Bucket=where.bucket)
    callers: list[tuple[str, str]] = []

    def record(request, request_signer, **_):
        creds = request_signer._credentials
        who = boto3.client("sts", region_name=settings.region, aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key,
                           aws_session_token=creds.token).get_caller_identity()["Arn"]  # fmt: skip
        callers.append((request.url.split("/")[3], who))

    base.session.events.register("before-sign.s3.PutObject", record)
    return accounts, callers


def test_each_product_is_written_by_its_job_role_under_its_newest_partition():
    project = open_project(ROOT, stack="local")
    with mock_aws():
        accounts, callers = deployed(project)
        lines: list[str] = []
        written = sample_data.write(project, accounts, AT, echo=lines.append)
        served = sample_data.served(project)
        assert [w.product for w in written] == [p.address for p in served] and len(served) == 10
        for w, declared in zip(written, served):
            port = resolve(declared.spec, "local").output
            s3 = accounts[project.settings.account_of(declared.domain)].client("s3")
            (obj,) = s3.list_objects_v2(Bucket=w.bucket)["Contents"]
            assert obj["Key"] == w.key and obj["Size"] == w.size and w.rows == 100
            if port.partitions:
                assert w.key.startswith(f"{port.partitions[0].name}=")
            else:
                assert "/" not in w.key
            assert w.key.endswith("." + port.format.value)
        role_name = {w.bucket: w.role.rsplit("/", 1)[1] for w in written}
        assert sorted(b for b, _ in callers) == sorted(role_name)
        for bucket, who in callers:  # every PutObject signed with the product's own job role's session
            assert re.fullmatch(rf"arn:aws:sts::\d{{12}}:assumed-role/{role_name[bucket]}/{sample_data.SESSION}", who), who
        assert lines[0].startswith("data: artists/artist-profiles v1: 100 rows, ") and lines[0].endswith(" as its job role")


def test_a_product_that_cannot_be_written_is_a_problem_at_its_line_and_the_others_are_written(project):
    path = project / "domains/users/products/profile-updates.yaml"
    path.write_text(path.read_text().replace("quality: [{metric: rowCount, mustBeGreaterThan: 0, unit: rows}]",
                                             "quality: [{metric: rowCount, mustBeGreaterThan: 1000000, unit: rows}]"))  # fmt: skip
    opened = open_project(project, stack="local")
    with mock_aws():
        accounts, callers = deployed(opened, skip="podcasts/podcast-plays")
        with pytest.raises(MeshError) as raised:
            sample_data.write(opened, accounts, AT, echo=lambda line: None)
        problems = sorted(str(p) for p in raised.value.problems)
        assert len(problems) == 2 and len(callers) == 9, problems  # the other 8 written (9 calls: podcast-plays' failed too)
        assert problems[0].startswith("domains/podcasts/products/podcast-plays.yaml:7: error: podcasts/podcast-plays: its job role "
                                      "arn:aws:iam::123456789012:role/daff-local-podcasts-podcast-plays-job cannot write its sample rows (NoSuchBucket)")  # fmt: skip
        assert problems[1] == ("domains/users/products/profile-updates.yaml:7: error: users/profile-updates: no sample of 1 to 100,000 rows meets the rowCount rules (rowCount > 1000000)")
