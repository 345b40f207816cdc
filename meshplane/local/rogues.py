"""The roles `access --check` makes for the time of a check: a role of an account whose own policies allow what the
check tries (the mesh's resource policies, not its identity, must refuse it), removed afterwards."""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

from meshplane.local.emulator import Aws, error_code


def make(aws: Aws, account: str, name: str, policy: dict, description: str) -> str:
    """The role `name` of `account` with `policy` inline (named after the role), trusted by its account; its ARN."""
    iam_ = aws.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}]}
    try:
        iam_.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Description=description)
    except ClientError as exc:
        if error_code(exc) != "EntityAlreadyExists":
            raise
    iam_.put_role_policy(RoleName=name, PolicyName=name, PolicyDocument=json.dumps(policy))
    return f"arn:aws:iam::{account}:role/{name}"


def remove(aws: Aws, name: str) -> None:
    iam_ = aws.client("iam")
    try:
        iam_.delete_role_policy(RoleName=name, PolicyName=name)
        iam_.delete_role(RoleName=name)
    except ClientError as exc:
        if error_code(exc) != "NoSuchEntity":
            raise
