"""The access model, statement by statement: the pure builders of components/policies.py, then what the program registers.

Each side's consent lives in its own quantum. The producer's, at its data: the bucket policy denies every
read not made through one of the product's access points (or by its domain's own principals), each
access point serves one consumer, and the domain key opens only through S3, for its readers and through
grants. The consumer's, in its identity: its slots name the access points (jobs) and the tables (people)
it declared. No document that several agreements share grows with them.
"""

from __future__ import annotations

import json

import pytest
from mockkit import document, edit, of_type, one, project_copy

from components import tokens
from components.policies import (
    BUCKET_ADMINISTRATION,
    KEY_ADMINISTRATION,
    KEY_USE,
    Administrators,
    DomainPrincipals,
    Location,
    access_point_policy,
    broker_trust,
    bucket_policy,
    job_policy,
    key_policy,
    people_trust,
    pod_identity_trust,
)
from meshplane.cloud import naming
from meshplane.cloud.documents import size
from meshplane.registrations.engine import evaluate

LOC = Location(bucket="daff-prod-users-play-events", key_alias="alias/daff-prod-users", region="eu-west-1", account="333333333333")
BUCKET = "arn:aws:s3:::daff-prod-users-play-events"
JOB = "arn:aws:iam::333333333333:role/daff-prod-users-play-events-job"
DOMAIN = DomainPrincipals("arn:aws:iam::333333333333:role/daff-prod-users-readers", "arn:aws:iam::333333333333:role/daff-prod-users-lakeformation")
POINTS = "arn:aws:s3:eu-west-1:333333333333:accesspoint/daff-prod-0123456789-*"
ADMINS = Administrators("arn:aws:iam::333333333333:role/meshplane-deployer", "arn:aws:iam::333333333333:role/meshplane-break-glass")
SETTINGS = {"dev": {"prefix": "daff-dev", "account": "111111111111"}, "prod": {"prefix": "daff-prod", "account": "333333333333"}}


def statements(doc: dict) -> dict[str, dict]:
    return {s["Sid"]: s for s in doc["Statement"]}


# --- the pure builders ----------------------------------------------------------------------------


def test_pod_identity_trust_is_the_eks_service_only():
    assert pod_identity_trust()["Statement"] == [
        {"Sid": "EksPodIdentity", "Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}
    ]
    (chained,) = broker_trust("arn:aws:iam::1:role/b")["Statement"]
    assert chained["Principal"] == {"AWS": "arn:aws:iam::1:role/b"}  # a job in another account than the cluster's


def test_people_trust_is_the_account_with_mfa():
    (statement,) = people_trust("333333333333")["Statement"]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::333333333333:root"}
    assert statement["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def test_job_policy_writes_its_own_bucket_only_and_opens_no_key_of_its_own_account():
    own = statements(job_policy([LOC]))
    assert set(own) == {"OwnList", "OwnReadWrite"}
    assert own["OwnList"]["Resource"] == BUCKET and own["OwnReadWrite"]["Resource"] == f"{BUCKET}/*"
    # its own key opens through its grant; a key of another account needs its own consent too, and only through S3
    keys = statements(job_policy([LOC], ["444444444444", "444444444444"]))["InputKeysThroughS3"]
    assert keys["Resource"] == ["arn:aws:kms:eu-west-1:444444444444:key/*"] and keys["Action"] == ["kms:Decrypt"]
    assert keys["Condition"] == {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}


def test_the_bucket_denies_reads_outside_the_products_access_points_and_its_domain():
    doc = statements(bucket_policy(LOC, JOB, DOMAIN, POINTS, ADMINS))
    assert list(doc) == ["DenyInsecureTransport", "DenyReadsOutsideAgreements", "DenyListingsOutsideAgreements", "DenyWritesButTheJob",
                         "DelegateToAgreements", "AllowTheDomainToRead", "DenyAdministrationButTheDeployer"]  # fmt: skip
    deny = doc["DenyReadsOutsideAgreements"]
    assert deny["Principal"] == "*" and deny["Action"] == ["s3:GetObject*"] and deny["Resource"] == f"{BUCKET}/*"
    # one Deny, two negated conditions: denied unless through the product's access points or by one of its own principals
    assert deny["Condition"] == {"StringNotLike": {"s3:DataAccessPointArn": POINTS},
                                 "ArnNotEquals": {"aws:PrincipalArn": sorted([JOB, DOMAIN.readers, DOMAIN.lakeformation])}}  # fmt: skip
    # listings the same, but the administrators list too: their provider reads the bucket with HeadBucket (s3:ListBucket)
    listing = doc["DenyListingsOutsideAgreements"]
    assert listing["Action"] == ["s3:ListBucket*"] and listing["Resource"] == BUCKET
    assert listing["Condition"] == {"StringNotLike": {"s3:DataAccessPointArn": POINTS}, "ArnNotEquals": {
        "aws:PrincipalArn": sorted([JOB, DOMAIN.readers, DOMAIN.lakeformation, ADMINS.deployer, ADMINS.break_glass])}}  # fmt: skip
    assert doc["DenyWritesButTheJob"]["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": JOB}}
    assert doc["DelegateToAgreements"]["Condition"] == {"StringLike": {"s3:DataAccessPointArn": POINTS}}
    assert doc["AllowTheDomainToRead"]["Condition"] == {"ArnEquals": {"aws:PrincipalArn": sorted([DOMAIN.readers, DOMAIN.lakeformation])}}
    assert "Principal" not in json.dumps([s.get("Principal") for s in doc.values() if s["Effect"] == "Allow"]).replace('"*"', "")


def test_the_bucket_keeps_its_policy_encryption_and_ownership_to_the_deployer():
    deny = statements(bucket_policy(LOC, JOB, DOMAIN, POINTS, ADMINS))["DenyAdministrationButTheDeployer"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*" and deny["Resource"] == BUCKET
    assert set(deny["Action"]) == {"s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutEncryptionConfiguration", "s3:PutBucketOwnershipControls",
                                   "s3:PutBucketPublicAccessBlock"} == set(BUCKET_ADMINISTRATION)  # fmt: skip
    # S3 refuses a bucket policy whose action does not apply to the bucket: access points are the perimeter's
    assert deny["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": sorted([ADMINS.deployer, ADMINS.break_glass])}}


def test_an_access_point_serves_its_one_consumer_with_the_consumers_consent():
    point = LOC.access_point_arn("daff-prod-0123456789-9876543210")
    consumer = "arn:aws:iam::444444444444:role/daff-prod-artists-royalties-job"
    allow, deny = access_point_policy(point, consumer, "444444444444")["Statement"]
    # the account principal delegates to the consumer's own IAM: its identity must allow the access point too
    assert allow["Principal"] == {"AWS": "arn:aws:iam::444444444444:root"} and allow["Condition"] == {"ArnEquals": {"aws:PrincipalArn": consumer}}
    assert allow["Resource"] == [point, f"{point}/object/*"]
    assert deny["Principal"] == "*" and deny["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": consumer}}
    assert "s3:*" not in deny["Action"], "the deployer manages the access point: only data actions are denied"


def test_the_key_opens_only_through_s3_and_never_through_iam_alone():
    doc = statements(key_policy("333333333333", "eu-west-1", DOMAIN, ADMINS))
    admin = doc["KeyAdministration"]
    assert admin["Principal"] == {"AWS": ADMINS.deployer}, "the deployer administers the key, not the account"
    glass = doc["BreakGlassAdministration"]
    assert glass["Condition"] == {"ArnEquals": {"aws:PrincipalArn": ADMINS.break_glass}} and glass["Action"] == KEY_ADMINISTRATION
    for statement in doc.values():  # no statement gives the account's other principals anything
        if statement["Effect"] == "Allow" and statement.get("Principal") in ({"AWS": "arn:aws:iam::333333333333:root"}, "*"):
            assert statement.get("Condition", {}).get("ArnEquals", {}).get("aws:PrincipalArn"), statement["Sid"]
    assert not set(KEY_USE) & set(admin["Action"]), "no IAM policy can open the key: the key policy names no use for the account"
    reads = doc["DomainReadsThroughS3"]
    assert reads["Action"] == ["kms:Decrypt"] and reads["Condition"]["StringEquals"]["kms:ViaService"] == "s3.eu-west-1.amazonaws.com"
    assert reads["Condition"]["ArnEquals"]["aws:PrincipalArn"] == sorted([DOMAIN.readers, DOMAIN.lakeformation])
    assert doc["DenyUseOutsideS3"]["Condition"] == {"StringNotEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}


# --- what the program registers ---------------------------------------------------------------------


def test_every_agreement_has_its_access_point_and_key_grant_and_nothing_else_does(env_eval, mesh, federation):
    grants = mesh.grants(federation.open_classifications)
    env = SETTINGS[env_eval.stack]
    points = {r.name: r for r in of_type(env_eval.custom(), tokens.ACCESS_POINT)}
    quality = {f"{p}-to/{p.split('/')[0]}.quality/access-point" for p in mesh.products}  # each domain's quality role reads as a consumer
    assert set(points) == {f"{g.producer}-to/{g.consumer}/access-point" for g in grants} | quality
    for g in grants:
        producer, consumer = mesh.products[g.producer], mesh.products[g.consumer]
        consumer_role = naming.role_arn(env["account"], naming.job_role_name(env["prefix"], consumer.domain, consumer.identity))
        point = points[f"{g.producer}-to/{g.consumer}/access-point"]
        assert point.inputs["name"] == naming.access_point_name(env["prefix"], (producer.domain, producer.identity), (consumer.domain, consumer.identity))
        assert point.inputs["bucket"] == naming.bucket_name(env["prefix"], producer.domain, producer.identity)
        assert document(point)["Statement"][0]["Condition"]["ArnEquals"]["aws:PrincipalArn"] == consumer_role
        grant = one(env_eval.custom(), tokens.KEY_GRANT, name=f"{g.producer}-to/{g.consumer}/key-grant")
        assert grant.inputs["granteePrincipal"] == consumer_role and grant.inputs["operations"] == ["Decrypt"]


def test_a_jobs_slot_names_exactly_its_agreements(env_eval, mesh, federation):
    grants = mesh.grants(federation.open_classifications)
    for address in mesh.products:
        inputs = sorted(g.producer for g in grants if g.consumer == address)
        slots = [r for r in of_type(env_eval.custom(), tokens.MANAGED_POLICY) if r.product == address]
        named = sorted(a for s in slots for st in document(s)["Statement"] for a in st["Resource"] if ":accesspoint/" in a and not a.endswith("/object/*"))
        expected = sorted(p.inputs["name"] for p in of_type(env_eval.custom(), tokens.ACCESS_POINT) if p.name.endswith(f"-to/{address}/access-point"))
        assert [a.rsplit("/", 1)[1] for a in named] == expected and len(expected) == len(inputs), address


def test_a_readers_slot_names_the_tables_its_products_read_in_other_domains(env_eval, mesh, federation):
    grants = mesh.grants(federation.open_classifications)
    for domain in mesh.domains:
        read = {g.producer for g in grants if g.consumer_domain == domain and not g.producer.startswith(f"{domain}/")}
        slots = [r for r in of_type(env_eval.custom(), tokens.MANAGED_POLICY) if r.domain == domain and r.product is None]
        tables = {a for s in slots for st in document(s)["Statement"] for a in st["Resource"] if ":table/" in a}
        assert len(tables) == len(read), domain
        shares = {r.name.split("-to/")[0] for r in of_type(env_eval.custom(), tokens.LF_PERMISSIONS) if f"-to/{domain}/catalog" in r.name}
        assert shares == read, domain  # the producer's side of the same agreements


def test_no_document_shared_by_agreements_grows_with_them(env_eval, mesh):
    """Bucket and key policies name their own domain's roles only, whoever reads the product: they stay constant (the
    alerts key names none)."""
    import re

    for token in (tokens.BUCKET_POLICY, tokens.KEY):
        for r in of_type(env_eval.custom(), token):
            roles = set(re.findall(r"arn:aws:iam::[0-9]+:role/([a-z0-9-]+)", r.inputs["policy"]))
            own = roles - {"meshplane-deployer", "meshplane-break-glass"}  # the account's administrators, one each
            assert (own or r.name.endswith("-alerts-key")) and all(role.startswith(f"{SETTINGS[env_eval.stack]['prefix']}-{r.domain}-") for role in own), (r.name, roles)
            # with the quality role's results written under their prefix alone, and listings the administrators keep
            assert size(r.inputs["policy"]) < 4_000
    assert all(size(r.inputs["policy"]) < 1_200 for r in of_type(env_eval.custom(), tokens.ACCESS_POINT))


def test_no_identity_policy_allows_a_wildcard_action(env_eval):
    for r in env_eval.custom():
        if r.type in (tokens.ROLE_POLICY, tokens.MANAGED_POLICY):
            for s in document(r)["Statement"]:
                actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
                assert not [a for a in actions if "*" in a], (r.name, s["Sid"])
                if s["Resource"] == "*":  # no resource to name: LF vends what it granted; CloudWatch's metrics are bound by namespace
                    assert actions == ["lakeformation:GetDataAccess"] or (
                        actions == ["cloudwatch:PutMetricData"] and s["Condition"] == {"StringEquals": {"cloudwatch:namespace": "meshplane/quality"}}
                    ), (r.name, s["Sid"])


@pytest.fixture(scope="module")
def refused(tmp_path_factory):
    """The sample mesh where users/profile-updates stops agreeing to serve playlists/listener-taste."""
    root = project_copy(tmp_path_factory.mktemp("refused"))
    edit(root / "domains/users/products/profile-updates.yaml", "  - playlists/listener-taste\n", "")
    return evaluate("dev", root=root)


def test_a_consumer_the_producer_does_not_agree_to_gets_no_access_point_grant_or_slot(refused, dev):
    taste, producer = "playlists/listener-taste", "users/profile-updates"
    name = f"{producer}-to/{taste}"
    assert one(dev.custom(), tokens.ACCESS_POINT, name=f"{name}/access-point")
    assert not [r for r in refused.custom() if r.name.startswith(name)], "no access point, no key grant"
    slot = lambda ev: {a for r in of_type(ev.custom(), tokens.MANAGED_POLICY) if r.product == taste for st in document(r)["Statement"] for a in st["Resource"]}  # noqa: E731
    assert "arn:aws:s3:::daff-dev-users-profile-updates" in slot(dev) - slot(refused)
    other = one(refused.custom(), tokens.ACCESS_POINT, name=f"{producer}-to/podcasts/listener-demographics/access-point")
    assert other, "the other consumer keeps its agreement"
    job = one(refused.custom(), tokens.SCHEDULED_SPARK_APPLICATION, taste)
    assert "INPUT_USERS_PROFILE_UPDATES" not in {e["name"] for e in job.inputs["spec"]["template"]["driver"]["env"]}
    assert producer not in refused.outputs["products"][taste]["inputs"]
    # the producer's bucket and key policies did not change: withdrawing touched only the agreement's own resources
    for token, item in ((tokens.BUCKET_POLICY, f"{producer}-policy"), (tokens.KEY, "users-key")):
        assert one(refused.custom(), token, name=item).inputs == one(dev.custom(), token, name=item).inputs


def test_every_ruleset_the_stack_registers_is_the_declared_rules_in_dqdl_that_parses_back(env_eval):
    """Each served version's Glue Data Quality ruleset is its declared rules, translated by `dqdl.ruleset` (a port with
    rules shows them: play-events' duplicate rule, its device values), and reads back with the parser of that subset."""
    from meshplane.cloud import dqdl

    rulesets = {r.name: r.inputs["ruleset"] for r in of_type(env_eval.custom(), tokens.DQ_RULESET)}
    assert rulesets
    for name, text in rulesets.items():
        assert dqdl.parse(text), name
    plays = {name.rsplit("-", 1)[1]: text for name, text in rulesets.items() if "play-events" in name and "--v" not in name}
    assert sorted(plays) == ["quality", "warnings"]  # its errors and its warnings, a ruleset each
    assert "GROUP BY `listener_id`, `track_id`, `played_at`" in plays["quality"], plays  # its duplicate rule over three columns
    assert 'ColumnValues "device" in ["mobile", "desktop", "speaker", "car"]' in plays["warnings"], plays  # a warning
    assert "ColumnValues" not in plays["quality"]
