"""The emulator outside us-east-1, where most meshes live: moto 5.2.5 writes `us-east-1` into every access point's
ARN, so in another region no access point policy matched its own ARN and the bucket's Deny outside the agreements
refused every agreed consumer (found on a generated eu-west-1 mesh, never on the us-east-1 sample)."""

from __future__ import annotations

import pytest

from meshplane import cli
from meshplane.local.emulator import connect

ACCOUNT = "123456789012"


def test_an_access_point_names_the_region_of_its_bucket(endpoint):
    aws = connect(endpoint, "eu-west-1", ACCOUNT)
    aws.client("s3").create_bucket(Bucket="regional", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3control = aws.client("s3control")
    arn = "arn:aws:s3:eu-west-1:123456789012:accesspoint/regional-reader"
    assert s3control.create_access_point(AccountId=ACCOUNT, Name="regional-reader", Bucket="regional")["AccessPointArn"] == arn
    assert [p["AccessPointArn"] for p in s3control.list_access_points(AccountId=ACCOUNT, Bucket="regional")["AccessPointList"]] == [arn]


@pytest.mark.slow
def test_the_sample_deployed_in_eu_west_1_passes_its_access_check(endpoint, project, capsys, monkeypatch, tmp_path):
    stack = project / "stacks" / "Pulumi.local.yaml"
    stack.write_text(stack.read_text().replace("meshplane:region: us-east-1", "meshplane:region: eu-west-1"))
    monkeypatch.chdir(project)
    status = cli.main(["up", "--local", "--endpoint", endpoint, "--check", "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert [line for line in err.splitlines() if ": error: " in line] == []
    assert "cells are as declared" in out + err
