"""How the emulator judges a policy statement's Condition (meshplane.local.moto_conditions), without a server: AWS's
semantics for the operators meshplane's policies use, and failing closed on the rest."""

from __future__ import annotations

import pytest

from meshplane.evaluator.iam import Match
from meshplane.local.moto_conditions import decide, fail_closed, unjudged

JOB = "arn:aws:iam::123456789012:role/job"
OTHER = "arn:aws:iam::123456789012:role/other"
OBJECT = "arn:aws:s3:::bucket/key"
POINT = "arn:aws:s3:us-east-1:123456789012:accesspoint/mesh-ab12-cd34"


def says(effect: str, condition: dict, context: dict, action: str = "s3:GetObject") -> Match:
    policy = {"Version": "2012-10-17", "Statement": [{"Sid": "S", "Effect": effect, "Principal": "*", "Action": "s3:GetObject*",
                                                      "Resource": "arn:aws:s3:::bucket/*", "Condition": condition}]}  # fmt: skip
    context = {"aws:SecureTransport": "true", "aws:PrincipalArn": JOB, **context}
    return decide(policy, "bucket bucket", action, OBJECT, context["aws:PrincipalArn"], "123456789012", context)


@pytest.mark.parametrize(
    ("condition", "context", "expected"),
    [
        ({"Bool": {"aws:SecureTransport": "false"}}, {}, Match.none),
        ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": "false"}, Match.deny),
        ({"ArnNotEquals": {"aws:PrincipalArn": [JOB, OTHER]}}, {"aws:PrincipalArn": OTHER}, Match.none),  # one of several
        ({"ArnNotEquals": {"aws:PrincipalArn": [JOB]}}, {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/rogue"}, Match.deny),
        ({"ArnEquals": {"aws:PrincipalArn": [JOB, OTHER]}}, {"aws:PrincipalArn": OTHER}, Match.deny),
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/j*"}}, {}, Match.deny),
        ({"StringNotLike": {"s3:DataAccessPointArn": "arn:aws:s3:us-east-1:123456789012:accesspoint/mesh-ab12-*"}}, {}, Match.deny),  # absent
        ({"StringNotLike": {"s3:DataAccessPointArn": "arn:aws:s3:us-east-1:123456789012:accesspoint/mesh-ab12-*"}},
         {"s3:DataAccessPointArn": POINT}, Match.none),
        ({"StringLike": {"s3:DataAccessPointArn": "*"}}, {}, Match.none),  # a positive operator on an absent key
        ({"StringLikeIfExists": {"s3:DataAccessPointArn": "nothing"}}, {}, Match.deny),
        ({"StringEquals": {"aws:PrincipalAccount": "123456789012"}}, {"aws:PrincipalAccount": "123456789012"}, Match.deny),
        ({"StringNotEquals": {"aws:PrincipalAccount": ["111111111111", "123456789012"]}}, {"aws:PrincipalAccount": "123456789012"}, Match.none),
        # two operators in one Condition: both must match
        ({"StringNotLike": {"s3:DataAccessPointArn": "x*"}, "ArnNotEquals": {"aws:PrincipalArn": JOB}}, {}, Match.none),
        ({"StringNotLike": {"s3:DataAccessPointArn": "x*"}, "ArnNotEquals": {"aws:PrincipalArn": OTHER}}, {}, Match.deny),
    ],
)
def test_a_deny_applies_exactly_when_its_condition_matches(condition, context, expected):
    assert says("Deny", condition, context) is expected


def test_an_allow_with_a_condition_that_does_not_match_grants_nothing():
    assert says("Allow", {"ArnEquals": {"aws:PrincipalArn": OTHER}}, {}) is Match.none
    assert says("Allow", {"ArnEquals": {"aws:PrincipalArn": JOB}}, {}) is Match.allow


def test_an_operator_or_key_not_judged_fails_closed_and_is_said(capsys):
    assert unjudged({"Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}, "Bool": {"aws:SecureTransport": "false"}}}) == [
        "operator NumericLessThan", "key s3:TlsVersion"]  # fmt: skip
    assert says("Deny", {"StringEquals": {"aws:SourceVpc": "vpc-1"}}, {}) is Match.deny  # would not match if it were judged
    assert says("Deny", {"ForAnyValue:StringEquals": {"aws:PrincipalArn": OTHER}}, {}) is Match.deny
    assert says("Allow", {"DateGreaterThan": {"aws:CurrentTime": "2000-01-01T00:00:00Z"}}, {}) is Match.none
    err = capsys.readouterr().err
    assert "emulator: error: bucket bucket: statement S: key aws:SourceVpc not evaluated by the emulator: the Deny applies whatever its condition" in err
    assert "statement S: operator DateGreaterThan, key aws:CurrentTime not evaluated by the emulator: the Allow grants nothing" in err
    assert fail_closed({"Statement": {"Effect": "Allow", "Condition": {"Null": {"x": "true"}}}}, "here") == {"Statement": []}
