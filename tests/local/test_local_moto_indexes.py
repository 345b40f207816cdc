"""moto's enforcement finds an assumed role's key through the emulator's index (meshplane.local.moto_indexes), never by
scanning every role ever assumed: the in-process access check asks it three times per principal x product pair."""

from __future__ import annotations

import json

import pytest

from meshplane.local.emulator import connect

ACCOUNT = "123456789012"
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}


class NoScan(list):
    def __iter__(self):
        raise AssertionError("every assumed role scanned")


def test_an_assumed_roles_key_is_found_without_scanning_every_assumed_role(endpoint):
    from moto.iam.access_control import AssumedRoleAccessKey, CreateAccessKeyFailure
    from moto.sts.models import sts_backends

    aws = connect(endpoint, "us-east-1", ACCOUNT)
    aws.client("iam").create_role(RoleName="reader", AssumeRolePolicyDocument=json.dumps(TRUST))
    keys = [aws.client("sts").assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/reader", RoleSessionName=f"s{i}")["Credentials"] for i in range(3)]
    backend = sts_backends[ACCOUNT]["aws"]
    backend.assumed_roles = NoScan(backend.assumed_roles)
    key = keys[1]
    found = AssumedRoleAccessKey(ACCOUNT, "aws", key["AccessKeyId"], {"X-Amz-Security-Token": key["SessionToken"]})
    assert (found.arn, found._session_name) == (f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/s1", "s1")
    with pytest.raises(CreateAccessKeyFailure) as wrong:
        AssumedRoleAccessKey(ACCOUNT, "aws", key["AccessKeyId"], {"X-Amz-Security-Token": keys[0]["SessionToken"]})
    assert wrong.value.reason == "InvalidToken"
    with pytest.raises(CreateAccessKeyFailure) as unknown:
        AssumedRoleAccessKey(ACCOUNT, "aws", "ASIANOSUCHKEY0000000", {"X-Amz-Security-Token": key["SessionToken"]})
    assert unknown.value.reason == "InvalidId"
