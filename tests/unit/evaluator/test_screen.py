"""The screen before principalmapper: it may only rule out what principalmapper denies, never decide an Allow.

Each case is decided twice, screened (`iam.allowed`, `iam.identity_allows`) and by principalmapper alone (the
screen taken off the node, and a policy it has not seen), and both must agree, including where the screen
cannot rule anything out (NotAction, NotResource, a policy variable, a principal named, other conditions).
"""

from __future__ import annotations

import itertools

import pytest

from meshplane.evaluator import iam, screen

A, B = "111111111111", "222222222222"
ROLE, OTHER = f"arn:aws:iam::{A}:role/reader", f"arn:aws:iam::{A}:role/other"
TLS = {"aws:SecureTransport": "true"}
THROUGH = {**TLS, "s3:DataAccessPointArn": f"arn:aws:s3:eu-west-1:{A}:accesspoint/p-1"}


def doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


IDENTITIES = [
    doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}),
    doc({"Effect": "Allow", "Action": ["s3:Get*", "s3:ListBucket"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::B/K"]}),
    doc({"Effect": "Allow", "NotAction": "s3:PutObject", "Resource": "*"}),
    doc({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::b/*"}),
    doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${aws:username}/*"}),
    doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b?/*"}),
    doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringLike": {"s3:DataAccessPointArn": "arn:aws:s3:*:accesspoint/p-*"}}}),
    doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ArnEquals": {"aws:PrincipalArn": OTHER}}}),
    doc(),
]
RESOURCES = [
    None,
    doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::c/*", "Condition": {"ArnEquals": {"aws:PrincipalArn": ROLE}}}),
    doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::c/*", "Condition": {"ArnEquals": {"aws:PrincipalArn": OTHER}}}),
    doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"}, "Action": "s3:*", "Resource": "*"}),
    doc({"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::c/*"}),
    doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringLike": {"s3:DataAccessPointArn": "arn:aws:s3:*"}}}),
    doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}),
]
REQUESTS = [(a, r, c) for a in ("s3:GetObject", "s3:PutObject", "s3:ListBucket") for r in ("arn:aws:s3:::b/k", "arn:aws:s3:::b", "arn:aws:s3:::c/k", "arn:aws:s3:::bx/k") for c in (TLS, THROUGH)]


def unscreened(policies):
    found = iam.node(ROLE, policies)
    del found.screen  # principalmapper alone
    return found


@pytest.mark.parametrize("identity", range(len(IDENTITIES)))
def test_the_screen_agrees_with_principalmapper_alone(identity):
    screened, alone = iam.node(ROLE, [IDENTITIES[identity]]), unscreened([IDENTITIES[identity]])
    for policy, (action, resource, context) in itertools.product(RESOURCES, REQUESTS):
        owner = B if policy is RESOURCES[3] else A
        expected = iam.local_check_authorization_full(alone, action, resource, dict(context), iam._normalised_json(iam._freeze(policy or iam.NO_POLICY)), owner)
        assert iam.allowed(screened, action, resource, context, policy, owner) == expected, (identity, policy, action, resource, context)
        assert iam.identity_allows(screened, action, resource, context) == iam.identity_allows(alone, action, resource, context)


def test_the_screen_rules_out_what_no_allow_could_match_and_keeps_the_rest():
    statements = screen.Statements(IDENTITIES[:2])
    assert statements.may_allow("s3:GetObject", "arn:aws:s3:::b/k", ROLE, TLS)
    assert statements.may_allow("s3:getobject", "ARN:AWS:S3:::b/k", ROLE, TLS)  # without case, as principalmapper
    assert not statements.may_allow("s3:PutObject", "arn:aws:s3:::b/k", ROLE, TLS)
    assert not statements.may_allow("s3:GetObject", "arn:aws:s3:::c/k", ROLE, TLS)
    named = screen.Statements([IDENTITIES[7]])
    assert not named.may_allow("s3:GetObject", "arn:aws:s3:::b/k", ROLE, TLS) and named.may_allow("s3:GetObject", "arn:aws:s3:::b/k", OTHER, TLS)
    through = screen.Statements([IDENTITIES[6]])
    assert not through.may_allow("s3:GetObject", "arn:aws:s3:::b/k", ROLE, TLS) and through.may_allow("s3:GetObject", "arn:aws:s3:::b/k", ROLE, THROUGH)
    assert screen.Statements([IDENTITIES[4]]).may_allow("s3:GetObject", "arn:aws:s3:::anything/k", ROLE, TLS)  # a variable: principalmapper decides
