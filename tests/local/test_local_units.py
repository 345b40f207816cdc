"""The parts of `up --local` that need no emulator: ID translation, the appliers' contract, manifests, the matrix."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from components import tokens
from meshplane.cloud.inventory import Resource
from meshplane.local import access, apply
from meshplane.local.emulator import EmulatorError, require_loopback
from meshplane.local.ids import IdMap
from meshplane.local.manifests import render
from meshplane.registrations.engine import Evaluation
from meshplane.registrations.project import open_project

ROOT = Path(__file__).resolve().parents[2]  # the repository: the sample project

MOCK_KEY = "3601eb8e-886a-721f-d17e-682e50efe636"
MOCK_ARN = f"arn:aws:kms:us-east-1:123456789012:key/{MOCK_KEY}"
REAL_KEY = "0a1b2c3d-0000-4000-8000-00000000beef"
REAL_ARN = f"arn:aws:kms:us-east-1:123456789012:key/{REAL_KEY}"


def resource(typ: str, name: str, inputs: dict, id: str | None = None, outputs: dict | None = None, **kw) -> Resource:
    return Resource(urn=f"urn:pulumi:local::meshplane::{typ}::{name}", type=typ, name=name, inputs=inputs, id=id,
                    outputs=outputs or {}, provider="urn:pulumi:local::meshplane::pulumi:providers:aws::aws::aws-id", **kw)


# ID translation ------------------------------------------------------------------------------------


def test_learned_values_are_replaced_whole_inside_nested_inputs():
    ids = IdMap()
    ids.learn(MOCK_KEY, REAL_KEY)
    assert ids.translate({"targetKeyId": MOCK_KEY, "list": [MOCK_KEY, 3], "n": 1.0}) == {"targetKeyId": REAL_KEY, "list": [REAL_KEY, 3], "n": 1.0}


def test_learned_values_are_replaced_inside_strings_longest_first():
    ids = IdMap()
    ids.learn(MOCK_KEY, REAL_KEY)
    ids.learn(MOCK_ARN, "arn:aws:kms:us-east-1:000000000000:key/other")
    policy = f'{{"Resource": "{MOCK_ARN}", "KeyId": "{MOCK_KEY}"}}'
    assert ids.translate(policy) == '{"Resource": "arn:aws:kms:us-east-1:000000000000:key/other", "KeyId": "' + REAL_KEY + '"}'
    assert ids.substitutions == 2


def test_learned_values_are_replaced_where_a_word_begins_and_no_pattern_grows_with_them():
    ids = IdMap()
    for n in range(2000):  # a large mesh's learned IDs: indexed, never compiled into one pattern
        ids.learn(f"{n:08d}-mock-key", f"{n:08d}-real-key")
    ids.learn(MOCK_KEY, REAL_KEY)
    text = f'arn:aws:kms:us-east-1:123456789012:key/{MOCK_KEY} "{MOCK_KEY}" x{MOCK_KEY} 00001999-mock-key/*'
    assert ids.translate(text) == f'arn:aws:kms:us-east-1:123456789012:key/{REAL_KEY} "{REAL_KEY}" x{MOCK_KEY} 00001999-real-key/*'
    assert not hasattr(ids, "_pattern")


def test_a_word_costs_the_same_whatever_the_number_of_values_learned_under_its_first_characters():
    """Thousands of learned ARNs share their first characters (`arn:aws:`): a policy naming them costs a few look-ups
    per word, not a comparison with each (which made the 1,000-product mesh's apply quadratic)."""

    def seconds(learned: int) -> float:
        ids = IdMap()
        for n in range(learned):
            ids.learn(f"arn:aws:iam::123456789012:role/mock-{n}", f"arn:aws:iam::123456789012:role/real-{n}")
        policy = json.dumps({"Resource": [f"arn:aws:s3:::bucket-{n}/*" for n in range(200)] + ["arn:aws:iam::123456789012:role/mock-7"]})
        started = time.process_time()
        for _ in range(20):
            translated = ids.translate(policy)
        assert "role/real-7" in translated and "mock-7" not in translated
        return time.process_time() - started

    few, many = min(seconds(50) for _ in range(3)), min(seconds(5_000) for _ in range(3))
    assert many < 4 * few + 0.05, (few, many)  # compared with each value learned: about 100x


def test_equal_short_or_missing_values_are_not_learned():
    ids = IdMap()
    ids.learn("same-name", "same-name")
    ids.learn(None, "x")
    ids.learn("abc", "xyz")  # short: only replaced when it is the whole value
    assert ids.items() == {"abc": "xyz"}
    assert ids.translate("abcdef") == "abcdef"
    assert ids.translate("abc") == "xyz"


def test_one_mock_value_cannot_be_two_real_ones():
    ids = IdMap()
    ids.learn(MOCK_KEY, REAL_KEY)
    with pytest.raises(ValueError):
        ids.learn(MOCK_KEY, "another-real-key-id")


class FakeKms:
    """Just enough KMS: a key gets a random ID, an alias must point at a key that exists."""

    def __init__(self):
        self.keys: set[str] = set()
        self.aliases: dict[str, str] = {}

    def describe_key(self, KeyId):
        raise ClientError({"Error": {"Code": "NotFoundException", "Message": "no such key"}}, "DescribeKey")

    def create_key(self, Description, Tags, Policy=None):
        self.keys.add(REAL_KEY)
        return {"KeyMetadata": {"KeyId": REAL_KEY, "Arn": REAL_ARN}}

    def get_key_rotation_status(self, KeyId):
        return {"KeyRotationEnabled": False}

    def enable_key_rotation(self, KeyId):
        assert KeyId in self.keys

    def get_paginator(self, operation):
        # no key carries the stack's tags yet; after applying, the grants nobody declares are revoked: there are none
        pages = {"list_keys": [{"Keys": []}], "list_grants": [{"Grants": []}], "list_aliases": [{"Aliases": []}]}[operation]
        return type("Pages", (), {"paginate": lambda _, **kw: pages})()

    def create_alias(self, AliasName, TargetKeyId):
        if TargetKeyId not in self.keys:
            raise ClientError({"Error": {"Code": "NotFoundException", "Message": TargetKeyId}}, "CreateAlias")
        self.aliases[AliasName] = TargetKeyId


class FakeAws:
    def __init__(self, **clients):
        self.region = "us-east-1"
        self.clients = clients
        self.asked: list[str] = []

    def client(self, service):
        self.asked.append(service)
        return self.clients[service]


def key_and_alias() -> list[Resource]:
    return [
        resource(tokens.KEY, "users-key", {"description": "Data of domain users", "enableKeyRotation": True},
                 id=MOCK_KEY, outputs={"keyId": MOCK_KEY, "arn": MOCK_ARN}, domain="users"),
        resource(tokens.KEY_ALIAS, "users-key-alias", {"name": "alias/daff-local-users", "targetKeyId": MOCK_KEY}, id="users-key-alias-id", domain="users"),
    ]


def test_the_alias_points_at_the_emulators_key_not_the_mocks():
    kms = FakeKms()
    report = apply.apply(Evaluation("local", key_and_alias()), {"123456789012": FakeAws(kms=kms)}, "123456789012")
    assert kms.aliases == {"alias/daff-local-users": REAL_KEY}
    assert report.ids.items()[MOCK_KEY] == REAL_KEY and report.ids.items()[MOCK_ARN] == REAL_ARN
    assert [a.status for a in report.applied] == [apply.CREATED, apply.CREATED]


# the appliers' contract ----------------------------------------------------------------------------


def test_an_unknown_resource_type_fails_before_anything_is_applied():
    aws = FakeAws(kms=FakeKms())
    queue = resource("aws:sqs/queue:Queue", "events", {"name": "events"}, id="events")
    with pytest.raises(apply.ApplyError) as raised:
        apply.apply(Evaluation("local", [*key_and_alias(), queue]), {"123456789012": aws}, "123456789012")
    assert aws.asked == []  # not even the key that came first
    [problem] = raised.value.problems
    assert "aws:sqs/queue:Queue (events) has no local applier" in problem.message and problem.severity == "error"


def test_every_aws_type_the_program_registers_is_applied_or_declared_inapplicable(local_evaluation):
    types = {r.type for r in apply.cloud_resources(local_evaluation)}
    assert types <= set(apply.APPLIERS) | set(apply.NOT_APPLICABLE)
    assert apply.unsupported(local_evaluation) == []


def test_an_inapplicable_type_is_reported_not_skipped():
    association = resource(tokens.POD_IDENTITY, "play-events-pod-identity", {"clusterName": "local", "roleArn": "arn:aws:iam::123456789012:role/r"}, id="x")
    aws = FakeAws()
    report = apply.apply(Evaluation("local", [association]), {"123456789012": aws}, "123456789012")
    assert report.applied == [] and [r.name for r, _ in report.not_applicable] == ["play-events-pod-identity"]
    assert "no EKS Pod Identity API" in report.not_applicable[0][1]
    assert aws.asked == []


def test_shapes_are_the_apis_own_keys_and_user_maps_keep_theirs():
    inputs = {
        "rules": [{"id": "retention", "expiration": {"days": 30.0}, "filter": {"prefix": ""}}],
        "parameters": {"data_classification": "internal"},
        "storageDescriptor": {"serDeInfo": {"serializationLibrary": "x"}},
        "applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "alias/k"},
    }
    assert apply.shape(inputs) == {
        "Rules": [{"ID": "retention", "Expiration": {"Days": 30}, "Filter": {"Prefix": ""}}],
        "Parameters": {"data_classification": "internal"},
        "StorageDescriptor": {"SerdeInfo": {"SerializationLibrary": "x"}},
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/k"},
    }


# manifests -----------------------------------------------------------------------------------------


def test_manifests_are_validated_strictly_and_custom_resources_are_said_to_have_no_schema(local_evaluation):
    manifests, problems = render(local_evaluation.resources)
    assert problems == []
    kinds = {m.body["kind"]: m.validated for m in manifests}
    assert kinds == {"Namespace": True, "ServiceAccount": True, "CronJob": True, "ScheduledSparkApplication": False}


def test_the_compiled_schemas_judge_every_object_as_kubernetes_validate_does(local_evaluation):
    import copy

    import kubernetes_validate

    from meshplane.local.manifests import KUBERNETES_VERSION, schema_file, validator

    def verdict(body) -> bool:
        try:
            kubernetes_validate.validate(body, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError:
            return False
        return True

    manifests, _ = render(local_evaluation.resources)
    judged = 0
    for m in (m for m in manifests if m.validated):
        variants = [m.body, {**m.body, "surprise": 1}, {**m.body, "metadata": {**m.body["metadata"], "name": 5}}]
        if m.body["kind"] == "CronJob":
            container = lambda body: body["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]  # noqa: E731
            for change in (lambda c: c["securityContext"].update(bogus=True), lambda c: c.pop("name"), lambda c: c["resources"]["limits"].update(cpu={})):
                changed = copy.deepcopy(m.body)
                change(container(changed))
                variants.append(changed)
        for body in variants:
            assert validator(KUBERNETES_VERSION, schema_file(body)).is_valid(body) == verdict(body), body
            judged += 1
    assert judged >= 30


def test_an_invalid_manifest_is_a_problem():
    cronjob = resource(tokens.CRONJOB, "job", {
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "job", "namespace": "users"},
        "spec": {"schedule": "@hourly", "surprise": True,
                 "jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "job", "image": "x"}]}}}}},
    }, product="users/play-events")
    manifests, problems = render([cronjob], lambda r: ("domains/users/products/play-events.yaml", 1))
    assert manifests == []
    [problem] = problems
    assert problem.path == "domains/users/products/play-events.yaml" and "surprise" in problem.message


# the access matrix ---------------------------------------------------------------------------------


def test_the_matrix_follows_the_handshake():
    m = access.matrix(open_project(ROOT, stack="local"))
    by_label = {p.label: p for p in m.principals}
    royalties = by_label["artists/artist-royalties job"]
    assert access.symbol(m.actions(royalties, "artists/artist-royalties")) == "WR"
    assert access.symbol(m.actions(royalties, "users/play-events")) == "R"  # declared input, producer lists it
    assert m.actions(royalties, "users/profile-updates") == frozenset()
    assert access.symbol(m.actions(by_label["users readers"], "users/play-events")) == "RQ"  # its own domain's: S3 and queries
    assert access.symbol(m.actions(by_label["artists readers"], "users/play-events")) == "Q"  # its products': queries only
    assert access.symbol(m.actions(by_label["users lakeformation"], "users/play-events")) == "R"
    for address in m.products:  # every product has one writer: its own job
        writers = [p.label for p in m.principals if access.Action.write in m.actions(p, address)]
        assert writers == [f"{address} job"]
    assert "users/play-events" in access.render(m)


# the emulator's address ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://127.0.0.1:5000", "http://localhost:4566/", "http://[::1]:5000"])
def test_local_endpoints_are_accepted(url):
    assert require_loopback(url) == url.rstrip("/")


@pytest.mark.parametrize("url", ["http://10.0.0.7:5000", "https://s3.amazonaws.com", "127.0.0.1:5000", "ftp://127.0.0.1"])
def test_other_endpoints_are_refused(url):
    with pytest.raises(EmulatorError):
        require_loopback(url)


# errors, drift and ownership, as pure functions ------------------------------------------------------


class DeniedS3:
    def get_bucket_tagging(self, Bucket):
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "Access Denied"}}, "GetBucketTagging")


def test_an_apply_error_names_the_product_and_the_resource_at_its_declaration():
    bucket = resource(tokens.BUCKET, "play-events-bucket", {"bucket": "daff-dev-users-play-events"}, id="daff-dev-users-play-events",
                      product="users/play-events", domain="users")  # fmt: skip
    with pytest.raises(apply.ApplyError) as raised:
        apply.apply(Evaluation("dev", [bucket]), {"123456789012": FakeAws(s3=DeniedS3())}, "123456789012",
                    where=lambda r: ("domains/users/products/play-events.yaml", 1))  # fmt: skip
    [problem] = raised.value.problems
    assert str(problem) == (
        "domains/users/products/play-events.yaml:1: error: users/play-events: bucket daff-dev-users-play-events: An error occurred (AccessDenied) "
        "when calling the GetBucketTagging operation: Access Denied (0 of 1 resources applied before it)"
    )


def test_a_departure_names_the_deepest_key_or_statement_that_differs():
    from meshplane.local.readers import departure

    assert departure("tags", {"domain": "users", "team": "x"}, {"domain": "users"}) == "tags.team is 'x', declared absent"
    assert departure("rules", [{"Expiration": {"Days": 1}}], [{"Expiration": {"Days": 400.0}}]) == "rules[#0].Expiration.Days is 1, declared 400"
    two = lambda days: [{"ID": "retention", "Expiration": {"Days": days}}, {"ID": "expired-delete-markers", "Expiration": {"ExpiredObjectDeleteMarker": True}}]  # noqa: E731
    assert departure("rules", two(1), two(400)) == "rules[retention].Expiration.Days is 1, declared 400"
    assert departure("rules", two(400)[:1], two(400)).startswith("rules[expired-delete-markers] is absent, declared")
    have = {"Statement": [{"Sid": "Own", "Effect": "Allow"}]}
    want = {"Statement": [{"Sid": "Own", "Effect": "Allow"}, {"Sid": "DenyInsecureTransport", "Effect": "Deny"}]}
    assert departure("policy", have, want) == 'policy.Statement[DenyInsecureTransport] is absent, declared {"Effect": "Deny", "Sid": "DenyInsecureTransport"}'
    assert departure("policy", want, want) is None and departure("arns", ["a"], "a") is None
    assert departure("inline policies", ["a", "b"], ["b"]) == 'inline policies is ["a", "b"], declared ["b"]'


def test_only_the_stacks_marker_or_its_journal_lets_a_resource_be_adopted(tmp_path):
    from meshplane.local.ownership import Journal, NotOurs, adopt, owned

    declared = {"managed-by": "meshplane", "environment": "local", "domain": "users", "owner": "a@example.com"}
    assert owned({**declared, "owner": "changed@example.com"}, declared)  # the marker is who made it, not every tag
    assert not owned({**declared, "environment": "dev"}, declared) and not owned({}, declared) and not owned({}, {})
    journal = Journal.open(tmp_path / "journal.jsonl")
    journal.before_create(tokens.BUCKET, "123456789012", "daff-local-users-play-events")
    with (tmp_path / "journal.jsonl").open("a") as f:
        f.write('{"run": "cut')  # the line a kill cut short
    later = Journal.open(tmp_path / "journal.jsonl")
    adopt({}, declared, later, tokens.BUCKET, "123456789012", "daff-local-users-play-events")  # begun by a run that did not finish
    with pytest.raises(NotOurs):
        adopt({}, declared, later, tokens.BUCKET, "123456789012", "daff-local-users-other")
    later.close()
    assert not (tmp_path / "journal.jsonl").exists()


class Page(dict):
    def __missing__(self, key):
        return []


class Nothing:
    """A client every call of which answers nothing: no buckets, roles, keys, access points, grants."""

    def __getattr__(self, name):
        if name == "get_paginator":
            return lambda operation: type("Pages", (), {"paginate": lambda _, **kw: [Page()]})()
        return lambda **kw: Page()


class Unreadable(Nothing):
    def get_bucket_tagging(self, Bucket):
        return DeniedS3().get_bucket_tagging(Bucket)


class NoRoles(Nothing):
    def get_role(self, RoleName):
        raise ClientError({"Error": {"Code": "NoSuchEntity", "Message": RoleName}}, "GetRole")


def test_a_resource_verify_cannot_read_is_a_finding_at_it_and_the_rest_is_still_read():
    from meshplane.local.verify import verify

    project = open_project(ROOT, stack="local")
    bucket = resource(tokens.BUCKET, "play-events-bucket", {"bucket": "daff-local-users-play-events"}, product="users/play-events", domain="users")
    role = resource(tokens.ROLE, "play-events-job-role", {"name": "daff-local-users-play-events-job", "assumeRolePolicy": "{}"},
                    product="users/play-events", domain="users")  # fmt: skip
    aws = FakeAws(s3=Unreadable(), iam=NoRoles(), kms=Nothing(), s3control=Nothing(), lakeformation=Nothing())
    report = verify(Evaluation("local", [bucket, role]), project.mesh, project.settings, {"123456789012": aws})
    assert [str(f) for f in report.findings] == [
        "domains/users/products/play-events.yaml:1: error: users/play-events: bucket daff-local-users-play-events: cannot be read: "
        "An error occurred (AccessDenied) when calling the GetBucketTagging operation: Access Denied",
        "domains/users/products/play-events.yaml:1: error: users/play-events: role daff-local-users-play-events-job: is missing",
    ]


class PagedAccessPoints(Nothing):
    """An account with 1,001 access points on one bucket: S3 Control answers 1,000 at most per page."""

    def list_access_points(self, AccountId, NextToken=None):
        if NextToken is None:
            return {"AccessPointList": [{"Name": f"point-{i}", "Bucket": "bucket"} for i in range(1000)], "NextToken": "more"}
        return {"AccessPointList": [{"Name": "point-1000", "Bucket": "bucket"}]}

    def get_access_point_policy(self, AccountId, Name):
        raise ClientError({"Error": {"Code": "NoSuchAccessPointPolicy", "Message": Name}}, "GetAccessPointPolicy")

    def get_bucket_policy(self, Bucket):
        raise ClientError({"Error": {"Code": "NoSuchBucketPolicy", "Message": Bucket}}, "GetBucketPolicy")

    def get_bucket_encryption(self, Bucket):
        raise ClientError({"Error": {"Code": "ServerSideEncryptionConfigurationNotFoundError", "Message": Bucket}}, "GetBucketEncryption")


def test_the_access_check_reads_every_page_of_access_points():
    """A mesh with more than 1,000 agreements in an account: the access check reads them all, not the first page."""
    from types import SimpleNamespace

    from meshplane.local.readback import read_back

    bucket = resource(tokens.BUCKET, "bucket", {"bucket": "bucket"})
    aws = SimpleNamespace(client=lambda service: PagedAccessPoints())
    deployment = read_back(SimpleNamespace(custom=lambda: [bucket]), {"123456789012": aws}, "123456789012", "us-east-1")
    assert len(deployment.access_points) == 1001 and deployment.access_points[-1].name == "point-1000"


def test_every_account_of_the_emulator_shares_the_service_models_loaded_once(endpoint):
    """An account per domain made a session per account, and each parsed every service model again."""
    from meshplane.local.emulator import connect

    mine = connect(endpoint, "us-east-1", "123456789012")
    theirs = connect(endpoint, "us-east-1", "210987654321", "arn:aws:iam::210987654321:role/meshplane-deployer")
    assert mine.session is theirs.session
    assert mine.client("s3") is not theirs.client("s3")  # each account's own client, with its own keys
    assert mine.client("sts").get_caller_identity()["Account"] == "123456789012"
    assert theirs.client("sts").get_caller_identity()["Account"] == "210987654321"
    loader = mine.session._session.get_component("data_loader")
    assert loader is theirs.session._session.get_component("data_loader")
