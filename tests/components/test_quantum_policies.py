"""IAM, statement by statement: the pure builders of components/policies.py, then the policies the program registers.

Least privilege means: a job role writes only its own bucket and reads only the inputs granted by the
handshake (one inline policy per grant), KMS is used only through S3 and only for the buckets involved,
no action is a wildcard, and the bucket policy allowlists exactly the agreed readers.
"""

from __future__ import annotations

import json

import pytest

from mockkit import document, edit, of_type, one, project_copy

from components import tokens
from components.policies import (
    LIST_ACTIONS,
    READ_ACTIONS,
    WRITE_ACTIONS,
    Location,
    bucket_policy,
    job_policy,
    people_trust,
    pod_identity_trust,
    read_policy,
)
from meshplane import naming
from meshplane.engine import evaluate
from meshplane.mesh import domain_of

LOC = Location(bucket="daff-prod-users-play-events", key_alias="alias/daff-prod-users", region="eu-west-1", account="333333333333")
BUCKET = "arn:aws:s3:::daff-prod-users-play-events"
KEYS = "arn:aws:kms:eu-west-1:333333333333:key/*"
ROLE = tokens.ROLE
ROLE_POLICY = tokens.ROLE_POLICY
SETTINGS = {
    "dev": {"prefix": "daff-dev", "account": "111111111111", "region": "eu-west-1"},
    "prod": {"prefix": "daff-prod", "account": "333333333333", "region": "eu-west-1"},
}


def key_use(sid: str, bucket_arn: str, actions: list[str], region: str = "eu-west-1", account: str = "333333333333") -> dict:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": actions,
        "Resource": f"arn:aws:kms:{region}:{account}:key/*",
        "Condition": {
            "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
            "StringLike": {"kms:EncryptionContext:aws:s3:arn": [bucket_arn, f"{bucket_arn}/*"]},
        },
    }


def actions_of(statement: dict) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


# --- the pure builders -------------------------------------------------------------------------------


def test_pod_identity_trust_is_the_eks_service_only():
    assert pod_identity_trust() == {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "EksPodIdentity", "Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}
        ],
    }


def test_people_trust_is_the_account_with_mfa():
    (statement,) = people_trust("333333333333")["Statement"]
    assert statement == {
        "Sid": "AccountPrincipalsWithMfa",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::333333333333:root"},
        "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    }


def test_job_policy_writes_its_own_bucket_only():
    doc = job_policy(LOC)
    assert doc["Version"] == "2012-10-17"
    own_list, own_objects, own_key = doc["Statement"]
    assert own_list == {"Sid": "OwnList", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": BUCKET}
    assert own_objects == {
        "Sid": "OwnReadWrite",
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
        "Resource": f"{BUCKET}/*",
    }
    assert own_key == key_use("OwnKey", BUCKET, ["kms:Decrypt", "kms:GenerateDataKey"])


def test_read_policy_lists_gets_and_decrypts_one_product():
    doc = read_policy(LOC)
    assert doc["Statement"] == [
        {"Sid": "ReadList", "Effect": "Allow", "Action": LIST_ACTIONS, "Resource": BUCKET},
        {"Sid": "ReadGet", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": f"{BUCKET}/*"},
        key_use("ReadDecrypt", BUCKET, ["kms:Decrypt"]),
    ]
    assert not set(WRITE_ACTIONS) & {a for s in doc["Statement"] for a in actions_of(s)}, "a grant never writes"


def test_bucket_policy_without_readers_is_tls_only():
    assert bucket_policy(LOC, []) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [BUCKET, f"{BUCKET}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def test_bucket_policy_allowlists_exactly_the_readers_sorted():
    readers = ["arn:aws:iam::333333333333:role/b-job", "arn:aws:iam::333333333333:role/a-readers"]
    deny, allow = bucket_policy(LOC, readers)["Statement"]
    assert deny["Effect"] == "Deny"
    assert allow == {
        "Sid": "AllowAgreedReaders",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::333333333333:root"},
        "Action": READ_ACTIONS + LIST_ACTIONS,
        "Resource": [BUCKET, f"{BUCKET}/*"],
        "Condition": {"ArnEquals": {"aws:PrincipalArn": sorted(readers)}},
    }


def test_builders_are_pure():
    assert json.dumps(job_policy(LOC)) == json.dumps(job_policy(LOC))
    assert json.dumps(bucket_policy(LOC, ["b", "a"])) == json.dumps(bucket_policy(LOC, ["a", "b"]))


# --- what the program registers ----------------------------------------------------------------------


def agreed(mesh, producer: str, consumer: str, open_classes) -> bool:
    """The handshake, restated from DESIGN.md: the consumer declares the input AND the producer agrees."""
    spec = mesh.products[producer].spec
    return producer in mesh.products[consumer].spec.inputs and (
        consumer in spec.consumers or domain_of(consumer) in spec.consumers or spec.classification in open_classes
    )


def handshakes(mesh, federation) -> set[tuple[str, str]]:
    open_classes = federation.open_classifications
    return {(p, c) for c in mesh.products for p in mesh.products if p != c and agreed(mesh, p, c, open_classes)}


def test_the_sample_has_refused_and_open_and_product_and_domain_handshakes(mesh, federation):
    pairs = handshakes(mesh, federation)
    assert ("users/play-events", "artists/artist-royalties") in pairs  # the producer lists the product
    assert ("users/play-events", "playlists/listener-taste") in pairs  # the producer lists the domain
    assert ("podcasts/released-episodes", "playlists/recommended-playlists") in pairs  # public: open to the mesh
    assert {(g.producer, g.consumer) for g in mesh.grants(federation.open_classifications)} == pairs


def test_job_roles_trust_pod_identity_and_write_only_their_own_bucket(env_eval, mesh):
    env = SETTINGS[env_eval.stack]
    for address, declared in mesh.products.items():
        mine = [r for r in env_eval.custom() if r.product == address]
        role = one(mine, ROLE)
        assert role.inputs["name"] == naming.job_role_name(env["prefix"], declared.domain, declared.identity)
        assert document(role, "assumeRolePolicy") == pod_identity_trust()
        own = one(mine, ROLE_POLICY, name=f"{address}-job-policy")
        assert own.inputs["role"] == role.inputs["name"]
        assert own.inputs["name"] == "write-own-product"
        bucket = f"arn:aws:s3:::{one(mine, 'aws:s3/bucket:Bucket').inputs['bucket']}"
        assert document(own)["Statement"] == [
            {"Sid": "OwnList", "Effect": "Allow", "Action": LIST_ACTIONS, "Resource": bucket},
            {"Sid": "OwnReadWrite", "Effect": "Allow", "Action": READ_ACTIONS + WRITE_ACTIONS, "Resource": f"{bucket}/*"},
            key_use("OwnKey", bucket, ["kms:Decrypt", "kms:GenerateDataKey"], env["region"], env["account"]),
        ]
        association = one(mine, tokens.POD_IDENTITY)
        assert association.inputs["roleArn"] == naming.role_arn(env["account"], role.inputs["name"])
        assert association.inputs["serviceAccount"] == one(mine, tokens.SERVICE_ACCOUNT).inputs["metadata"]["name"]
        assert association.inputs["namespace"] == declared.domain


def test_job_roles_read_only_their_granted_inputs_one_policy_per_grant(env_eval, mesh, federation):
    env = SETTINGS[env_eval.stack]
    pairs = handshakes(mesh, federation)
    for address in mesh.products:
        role = one(env_eval.custom(), ROLE, address)
        policies = [r for r in of_type(env_eval.custom(), ROLE_POLICY) if r.inputs["role"] == role.inputs["name"]]
        grants = {r.name.split("-read/", 1)[1]: r for r in policies if "-read/" in r.name}
        assert len(policies) == 1 + len(grants), "nothing but the own policy and the grants"
        assert set(grants) == {p for p, c in pairs if c == address}, address
        for producer, policy in grants.items():
            d = mesh.products[producer]
            bucket = naming.bucket_name(env["prefix"], d.domain, d.identity)
            assert policy.inputs["name"] == f"read-{bucket}"
            assert document(policy) == read_policy(Location(bucket, naming.key_alias(env["prefix"], d.domain), env["region"], env["account"]))


def test_no_identity_policy_uses_a_wildcard_action_or_resource(env_eval):
    for r in of_type(env_eval.custom(), ROLE_POLICY) + of_type(env_eval.custom(), ROLE):
        doc = document(r, "policy" if r.type == ROLE_POLICY else "assumeRolePolicy")
        for statement in doc["Statement"]:
            assert statement["Effect"] == "Allow"
            for action in actions_of(statement):
                assert "*" not in action, f"{r.name}: {action}"
            if "Resource" in statement:
                resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
                for resource in resources:
                    assert resource != "*", r.name
                    if resource.startswith("arn:aws:kms:"):
                        # a key is reached through the buckets it encrypts, never on its own
                        assert statement["Condition"]["StringEquals"]["kms:ViaService"].startswith("s3.")
                        assert statement["Condition"]["StringLike"]["kms:EncryptionContext:aws:s3:arn"]


def test_kms_use_is_bound_to_the_buckets_the_role_may_touch(env_eval):
    """Every KMS statement names, through the encryption context, only buckets the same role may read or write."""
    roles: dict[str, list[dict]] = {}
    for r in of_type(env_eval.custom(), ROLE_POLICY):
        roles.setdefault(r.inputs["role"], []).extend(document(r)["Statement"])
    for role, statements in roles.items():
        s3 = {res for s in statements if actions_of(s)[0].startswith("s3:") for res in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])}
        kms = {arn for s in statements if actions_of(s)[0].startswith("kms:") for arn in s["Condition"]["StringLike"]["kms:EncryptionContext:aws:s3:arn"]}
        assert kms and kms <= s3, role


def test_bucket_policy_is_tls_only_and_allowlists_exactly_the_agreed_readers(env_eval, mesh, federation):
    env = SETTINGS[env_eval.stack]
    pairs = handshakes(mesh, federation)

    def job_arn(address):
        d = mesh.products[address]
        return naming.role_arn(env["account"], naming.job_role_name(env["prefix"], d.domain, d.identity))

    def readers_arn(domain):
        return naming.role_arn(env["account"], naming.reader_role_name(env["prefix"], domain))

    for address, declared in mesh.products.items():
        consumers = {c for p, c in pairs if p == address}
        expected = {job_arn(c) for c in consumers} | {readers_arn(declared.domain)} | {readers_arn(domain_of(c)) for c in consumers}
        policy = one(env_eval.custom(), tokens.BUCKET_POLICY, address)
        bucket = f"arn:aws:s3:::{policy.inputs['bucket']}"
        deny, allow = document(policy)["Statement"]
        assert deny == {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [bucket, f"{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
        assert allow["Effect"] == "Allow"
        assert allow["Principal"] == {"AWS": f"arn:aws:iam::{env['account']}:root"}
        assert allow["Action"] == READ_ACTIONS + LIST_ACTIONS, "readers never write"
        assert allow["Condition"] == {"ArnEquals": {"aws:PrincipalArn": sorted(expected)}}, address


def test_reader_roles_read_their_domain_and_its_grants(env_eval, mesh, federation):
    env = SETTINGS[env_eval.stack]
    pairs = handshakes(mesh, federation)
    for domain in mesh.domains:
        role = one(env_eval.custom(), ROLE, name=f"{domain}-readers")
        assert role.product is None
        assert document(role, "assumeRolePolicy") == people_trust(env["account"])
        policies = [r for r in of_type(env_eval.custom(), ROLE_POLICY) if r.inputs["role"] == role.inputs["name"]]
        reads = {r.name.split("-readers/", 1)[1]: r for r in policies}
        own = {a for a in mesh.products if domain_of(a) == domain}
        assert set(reads) == own | {p for p, c in pairs if domain_of(c) == domain}
        for producer, policy in reads.items():
            d = mesh.products[producer]
            loc = Location(naming.bucket_name(env["prefix"], d.domain, d.identity), naming.key_alias(env["prefix"], d.domain), env["region"], env["account"])
            assert document(policy) == read_policy(loc)


@pytest.fixture(scope="module")
def refused(tmp_path_factory):
    """The sample mesh where users/profile-updates stops agreeing to serve playlists/listener-taste."""
    root = project_copy(tmp_path_factory.mktemp("refused"))
    edit(root / "domains/users/products/profile-updates.yaml", "  - playlists/listener-taste\n", "")
    return evaluate("dev", root=root)


def test_a_consumer_the_producer_does_not_agree_to_gets_no_grant(refused, dev):
    taste = "playlists/listener-taste"
    producer_bucket = "daff-dev-users-profile-updates"
    granted_before = {r.name for r in of_type(dev.custom(), ROLE_POLICY) if r.product == taste}
    granted_after = {r.name for r in of_type(refused.custom(), ROLE_POLICY) if r.product == taste}
    assert granted_before - granted_after == {f"{taste}-read/users/profile-updates"}
    assert not [r for r in of_type(refused.custom(), ROLE_POLICY) if r.inputs["name"] == f"read-{producer_bucket}" and r.domain == "playlists"], (
        "neither the job role nor the playlists readers may read the producer"
    )
    deny, allow = document(one(refused.custom(), tokens.BUCKET_POLICY, "users/profile-updates"))["Statement"]
    allowed = allow["Condition"]["ArnEquals"]["aws:PrincipalArn"]
    assert "arn:aws:iam::111111111111:role/daff-dev-playlists-taste-profiles-job" not in allowed
    assert "arn:aws:iam::111111111111:role/daff-dev-playlists-readers" not in allowed
    assert "arn:aws:iam::111111111111:role/daff-dev-podcasts-listener-demographics-job" in allowed, "the other consumer keeps its grant"
    job = one(refused.custom(), tokens.SCHEDULED_SPARK_APPLICATION, taste)
    env = {e["name"] for e in job.inputs["spec"]["template"]["driver"]["env"]}
    assert "INPUT_USERS_PROFILE_UPDATES" not in env
    assert "users/profile-updates" not in refused.outputs["products"][taste]["inputs"]
