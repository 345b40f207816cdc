"""The evaluator of AWS's semantics: principalmapper as corrected, and the models of what it does not know.

Each case states what AWS does, from its documentation (cited in the evaluator's modules), and the
evaluator must agree; the cases where principalmapper alone would not are the first four.
"""

from __future__ import annotations

from meshplane.evaluator import access_points, grants, iam, lakeformation
from meshplane.evaluator.decide import Action, Decider
from meshplane.evaluator.model import AccessPoint, Bucket, CatalogGrant, Deployment, Grant, Key, Principal, Table

A, B = "111111111111", "222222222222"
REGION = "eu-west-1"
S3_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
KMS_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}
OBJECT = "arn:aws:s3:::b/k"
TLS = {"aws:SecureTransport": "true"}


def role(account: str, name: str, *policies: dict) -> Principal:
    return Principal(f"arn:aws:iam::{account}:role/{name}", tuple(policies))


def node(p: Principal):
    return iam.node(p.arn, p.policies)


def doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


# --- principalmapper, corrected ---------------------------------------------------------------------


def test_a_cross_account_read_of_a_bucket_without_a_policy_is_denied():
    reader = node(role(B, "reader", S3_ALL))
    assert not iam.allowed(reader, "s3:GetObject", OBJECT, TLS, None, A)
    assert iam.identity_allows(reader, "s3:GetObject", OBJECT, TLS)  # what moto enforces: identity only


def test_an_allow_to_aws_star_grants_in_the_same_account_without_an_identity_policy():
    bare = node(role(A, "bare"))
    policy = doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
    assert iam.allowed(bare, "s3:GetObject", OBJECT, TLS, policy, A)


def test_a_deny_on_a_negated_string_pattern_applies_when_the_request_lacks_the_key():
    rogue = node(role(A, "rogue", S3_ALL))
    deny = doc({"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject*", "Resource": "arn:aws:s3:::b/*",
                "Condition": {"StringNotLike": {"s3:DataAccessPointArn": f"arn:aws:s3:{REGION}:{A}:accesspoint/p-*"}}})  # fmt: skip
    assert not iam.allowed(rogue, "s3:GetObject", OBJECT, TLS, deny, A)  # a direct request: the key is absent
    through = {**TLS, "s3:DataAccessPointArn": f"arn:aws:s3:{REGION}:{A}:accesspoint/p-1"}
    assert iam.allowed(rogue, "s3:GetObject", OBJECT, through, deny, A)


def test_the_corrections_leave_the_documents_as_they_were():
    original = doc({"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*", "Condition": {"StringNotLike": {"k": "v"}}})
    iam.normalised(original)
    assert original["Statement"][0]["Principal"] == {"AWS": "*"} and "StringNotLike" in original["Statement"][0]["Condition"]


# --- KMS grants -------------------------------------------------------------------------------------

KEY_ARN = f"arn:aws:kms:{REGION}:{A}:key/k"
NO_IAM = doc({"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"}, "Action": ["kms:DescribeKey"], "Resource": "*"})
VIA_S3 = {"kms:ViaService": f"s3.{REGION}.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::b"}


def decide_kms(principal: Principal, key_policy: dict, *on_key: Grant, context=VIA_S3) -> bool:
    d = Deployment(REGION, principals={principal.arn: principal}, keys={KEY_ARN: Key(KEY_ARN, A, key_policy, on_key)})
    return Decider(d).kms(principal, "kms:Decrypt", d.keys[KEY_ARN], {**context, "kms:CallerAccount": principal.account})


def test_without_the_key_policys_leave_iam_opens_no_key():
    assert not decide_kms(role(A, "rogue", KMS_ALL), NO_IAM)


def test_a_grant_opens_the_key_for_its_grantee_in_the_context_it_names():
    reader = role(A, "reader")
    grant = Grant("g", reader.arn, ("Decrypt",), {"EncryptionContextSubset": {"aws:s3:arn": "arn:aws:s3:::b"}})
    assert decide_kms(reader, NO_IAM, grant)
    assert not decide_kms(reader, NO_IAM, grant, context={**VIA_S3, "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::other"})
    assert not decide_kms(role(A, "other"), NO_IAM, grant)
    assert not decide_kms(reader, NO_IAM, Grant("g", reader.arn, ("Encrypt",), {}))
    equals = Grant("g", reader.arn, ("Decrypt",), {"EncryptionContextEquals": {"aws:s3:arn": "arn:aws:s3:::b"}})
    assert decide_kms(reader, NO_IAM, equals)
    assert not decide_kms(reader, NO_IAM, equals, context={**VIA_S3, "kms:EncryptionContext:extra": "x"})


def test_an_explicit_deny_overrides_a_grant():
    reader = role(A, "reader")
    grant = Grant("g", reader.arn, ("Decrypt",), {})
    outside_s3 = doc(*NO_IAM["Statement"], {"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
                                            "Condition": {"StringNotEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}}})  # fmt: skip
    assert decide_kms(reader, outside_s3, grant)
    assert not decide_kms(reader, outside_s3, grant, context={})  # directly, not through S3
    denied_by_iam = role(A, "reader", doc({"Effect": "Deny", "Action": "kms:*", "Resource": "*"}))
    assert not decide_kms(denied_by_iam, NO_IAM, Grant("g", denied_by_iam.arn, ("Decrypt",), {}))


def test_a_grantee_in_another_account_also_needs_its_own_iam():
    grant = lambda p: Grant("g", p.arn, ("Decrypt",), {})  # noqa: E731
    bare = role(B, "reader")
    assert not decide_kms(bare, NO_IAM, grant(bare))
    consenting = role(B, "reader", doc({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": f"arn:aws:kms:{REGION}:{A}:key/*"}))
    assert decide_kms(consenting, NO_IAM, grant(consenting))


def test_grant_constraints_compare_keys_without_case_and_values_with_it():
    g = Grant("g", "r", ("Decrypt",), {"EncryptionContextSubset": {"AWS:S3:ARN": "arn:aws:s3:::b"}})
    assert grants.satisfies(g, {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::b"})
    assert not grants.satisfies(g, {"kms:EncryptionContext:aws:s3:arn": "ARN:AWS:S3:::B"})


# --- access points ----------------------------------------------------------------------------------

BUCKET = Bucket("b", A, None, None)
POINT_ARN = f"arn:aws:s3:{REGION}:{A}:accesspoint/p-1"
DELEGATE = doc({"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                "Condition": {"StringLike": {"s3:DataAccessPointArn": f"arn:aws:s3:{REGION}:{A}:accesspoint/p-*"}}})  # fmt: skip


def point(consumer: str, account: str = A) -> AccessPoint:
    policy = doc(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": [POINT_ARN, f"{POINT_ARN}/object/*"], "Condition": {"ArnEquals": {"aws:PrincipalArn": consumer}}},
        {"Effect": "Deny", "Principal": "*", "Action": ["s3:GetObject*"], "Resource": [POINT_ARN, f"{POINT_ARN}/object/*"],
         "Condition": {"ArnNotEquals": {"aws:PrincipalArn": consumer}}},
    )  # fmt: skip
    return AccessPoint("p-1", A, REGION, "b", policy)


def consumer(account: str, allows_point: bool = True) -> Principal:
    grants_ = [doc({"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [POINT_ARN, f"{POINT_ARN}/object/*"]})] if allows_point else []
    return role(account, "consumer", *grants_)


def test_a_read_through_an_access_point_needs_the_access_point_the_bucket_and_the_consumers_own_consent():
    bucket = Bucket("b", A, DELEGATE, None)
    for account in (A, B):
        c = consumer(account)
        assert access_points.through(node(c), "s3:GetObject", point(c.arn, account), bucket, "k"), account
        assert access_points.through(node(c), "s3:ListBucket", point(c.arn, account), bucket, None), account
        withdrawn = consumer(account, allows_point=False)  # the consumer no longer names the access point
        assert not access_points.through(node(withdrawn), "s3:GetObject", point(withdrawn.arn, account), bucket, "k"), account
    c = consumer(A)
    assert not access_points.through(node(c), "s3:GetObject", point(c.arn), BUCKET, "k")  # the bucket does not delegate


def test_an_access_point_serves_no_one_but_its_consumer():
    bucket = Bucket("b", A, DELEGATE, None)
    rogue = role(A, "rogue", S3_ALL)
    assert not access_points.through(node(rogue), "s3:GetObject", point(consumer(A).arn), bucket, "k")


# --- Lake Formation ---------------------------------------------------------------------------------

TABLE = Table(A, REGION, "db", "t", "s3://b/")
GLUE = doc({"Effect": "Allow", "Action": ["glue:GetTable"], "Resource": [TABLE.catalog_arn, TABLE.database_arn, TABLE.arn]},
           {"Effect": "Allow", "Action": ["lakeformation:GetDataAccess"], "Resource": "*"})  # fmt: skip


def test_lake_formation_permissions_by_table_and_by_database():
    given = [CatalogGrant(A, "r", "db", "t", ("DESCRIBE",)), CatalogGrant(A, "w", "db", None, ("SELECT",)), CatalogGrant(B, "x", "db", "t", ("ALL",))]
    assert lakeformation.describes(given, "r", TABLE) and not lakeformation.selects(given, "r", TABLE)
    assert lakeformation.selects(given, "w", TABLE)  # every table of the database
    assert not lakeformation.describes(given, "x", TABLE)  # a grant in another catalog


def test_a_query_needs_iam_lake_formation_and_a_location_role_able_to_read():
    reader = role(B, "people", GLUE)
    lf_role = role(A, "lf")
    bucket = Bucket("b", A, doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
                                 "Condition": {"ArnEquals": {"aws:PrincipalArn": lf_role.arn}}}), KEY_ARN)  # fmt: skip
    key_policy = doc({"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"ArnEquals": {"aws:PrincipalArn": lf_role.arn}}})
    d = Deployment(REGION, principals={reader.arn: reader, lf_role.arn: lf_role}, buckets={"b": bucket}, keys={KEY_ARN: Key(KEY_ARN, A, key_policy)},
                   tables={"b": TABLE}, catalog_grants=[CatalogGrant(A, reader.arn, "db", "t", ("DESCRIBE", "SELECT"))], locations={bucket.arn: lf_role.arn})  # fmt: skip
    cell = Decider(d).cell(reader, bucket)
    assert cell[Action.catalog] and cell[Action.query]
    assert not (cell[Action.read] or cell[Action.decrypt] or cell[Action.list])  # people query; they read no object themselves
    d.catalog_grants = [CatalogGrant(A, reader.arn, "db", "t", ("DESCRIBE",))]
    assert Decider(d).cell(reader, bucket)[Action.catalog] and not Decider(d).cell(reader, bucket)[Action.query]
    d.catalog_grants, d.locations = [CatalogGrant(A, reader.arn, "db", "t", ("SELECT",))], {}
    assert not Decider(d).cell(reader, bucket)[Action.query]  # no registered location: Lake Formation vends nothing
