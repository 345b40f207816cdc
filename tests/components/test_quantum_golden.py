"""Golden inventories of the sample mesh (dev and prod) and the properties every quantum must have.

Regenerate the goldens after a change you mean (then read the diff of tests/golden/ before committing):

    .venv/bin/python tests/components/golden_inventory.py --update

The golden test fails with a unified diff when what the program registers drifts from them.
"""

from __future__ import annotations

import importlib
import inspect
from collections import Counter

import pytest
from golden_inventory import COMMAND, drift
from mockkit import document, of_type, one, provider_name

from components import tokens
from meshplane.cloud import naming
from meshplane.cloud.inventory import integral
from meshplane.compose.tags import MANAGED_BY
from meshplane.declarations.resolve import resolve
from meshplane.declarations.spec import Environment

BUCKET_CONFIG = (
    tokens.BUCKET_OWNERSHIP,
    tokens.BUCKET_PUBLIC_ACCESS,
    tokens.BUCKET_ENCRYPTION,
    tokens.BUCKET_VERSIONING,
    tokens.BUCKET_LIFECYCLE,
    tokens.BUCKET_POLICY,
)
SETTINGS = {
    "dev": {"prefix": "daff-dev", "account": "111111111111", "region": "eu-west-1"},
    "prod": {"prefix": "daff-prod", "account": "333333333333", "region": "eu-west-1"},
}


def taggable(token: str) -> bool:
    """Whether the pulumi_aws resource behind `token` (e.g. `aws:s3/bucket:Bucket`) takes `tags`."""
    _, module, name = token.split(":")
    cls = getattr(importlib.import_module(f"pulumi_aws.{module.split('/')[0]}"), name)
    return "tags" in inspect.signature(cls._internal_init).parameters


def test_golden_inventory(env_eval):
    diff = drift(env_eval.stack, env_eval)
    if diff:
        pytest.fail(f"the {env_eval.stack} inventory drifted from tests/golden/{env_eval.stack}.json; "
                    f"if the change is meant, run `{COMMAND}` and review the diff\n{diff}", pytrace=False)


def test_every_custom_resource_has_an_explicit_provider(env_eval):
    for r in env_eval.custom():
        expected = "kubernetes" if r.type.startswith("kubernetes:") else "aws"
        assert provider_name(r) == expected, f"{r.type} {r.name}: provider {r.provider!r}"
    for r in env_eval.resources:
        if not r.custom:
            assert r.provider is None, f"component {r.name} names a provider of its own"


def test_every_resource_is_parented_to_its_component(env_eval):
    components = {r.urn: r for r in env_eval.resources if not r.custom}
    for r in env_eval.resources:
        if r.is_provider or r.type in ("meshplane:index:DataDomain", "meshplane:index:DataProduct"):
            assert r.parent.endswith("::pulumi:pulumi:Stack::meshplane-" + env_eval.stack), r.name
            continue
        assert r.parent in components, f"{r.type} {r.name} is not parented to a component"
        owner = components[r.parent]
        assert (owner.domain, owner.product) == (r.domain, r.product)
        assert r.name.startswith(owner.name), f"{r.name} is not named after its component {owner.name}"


def test_component_counts_follow_the_mesh(env_eval, mesh):
    """A component per domain and per product: the product's parts register their resources themselves."""
    counts = Counter(r.type for r in env_eval.resources if not r.custom)
    assert counts == {"meshplane:index:DataDomain": len(mesh.domains), "meshplane:index:DataProduct": len(mesh.products)}


def warns(product) -> bool:
    """Whether a product's current version has a warning rule Glue Data Quality evaluates (a ruleset of its own)."""
    port = product.output
    rules = [*port.quality, *(r for c in (*port.columns, *port.partitions) for r in c.quality)]
    return any(r.measured and r.severity.value == "warning" for r in rules)


def test_cloud_resources_per_product(env_eval, mesh, federation):
    """At most 20 of its own (15 before its monitors: the request metrics of its writes, a freshness alarm, its errors
    ruleset, its warnings ruleset when it has warning rules, and their schedule), then what its agreements add: on its
    side, an access point and a key grant per consumer job and per its domain's quality role, a catalog grant per consumer
    domain and its quality role; on the consumer's side, its slots."""
    grants = mesh.grants(federation.open_classifications)
    for address, declared in mesh.products.items():
        mine = Counter(r.type for r in env_eval.custom() if r.product == address)
        job = tokens.CRONJOB if declared.spec.job.engine.value == "kubernetes" else tokens.SCHEDULED_SPARK_APPLICATION
        consumers = [g.consumer for g in grants if g.producer == address]
        domains = {c.split("/")[0] for c in consumers} - {declared.domain}
        reads = sum(1 for g in grants if g.consumer == address)
        own = {
            tokens.BUCKET: 1, **{t: 1 for t in BUCKET_CONFIG}, tokens.ROLE: 1, tokens.ROLE_POLICY: 1, tokens.KEY_GRANT: 1,
            tokens.POD_IDENTITY: 1, tokens.SERVICE_ACCOUNT: 1, job: 1, tokens.TABLE: 1, tokens.LF_RESOURCE: 1,
            tokens.BUCKET_METRIC: 1, tokens.METRIC_ALARM: 1, tokens.DQ_RULESET: 2 if warns(resolve(declared.spec, Environment(env_eval.stack))) else 1,
            tokens.SCHEDULE: 1,
        }  # fmt: skip
        assert sum(own.values()) <= 20
        agreements = {tokens.ACCESS_POINT: len(consumers) + 1, tokens.KEY_GRANT: len(consumers) + 1, tokens.LF_PERMISSIONS: len(domains) + 1}
        slots = {tokens.MANAGED_POLICY: 1, tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE: 1} if reads else {}  # the sample's few reads fit one slot
        assert mine == Counter(own) + Counter(agreements) + Counter(slots), address
    assert {a for a, d in mesh.products.items() if warns(resolve(d.spec, Environment(env_eval.stack)))}, "the sample keeps a product with warnings"


def test_cloud_resources_per_domain(env_eval, mesh, federation):
    grants = mesh.grants(federation.open_classifications)
    for domain in mesh.domains:
        own = Counter(r.type for r in env_eval.custom() if r.domain == domain and r.product is None)
        reads_elsewhere = any(g.consumer_domain == domain and not g.producer.startswith(f"{domain}/") for g in grants)
        slots = {tokens.MANAGED_POLICY: 1, tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE: 1} if reads_elsewhere else {}
        assert own == Counter({
            tokens.KEY: 2, tokens.KEY_ALIAS: 2, tokens.DATABASE: 1, tokens.NAMESPACE: 1,  # its data's key and its alerts'
            tokens.ROLE: 3, tokens.ROLE_POLICY: 2,  # readers, Lake Formation's, the quality role; the readers' and quality's policies
            tokens.LF_PERMISSIONS: 1,  # the readers' own database
            tokens.TOPIC: 1, tokens.TOPIC_POLICY: 1, tokens.TOPIC_SUBSCRIPTION: 1,  # its alerts
            tokens.EVENT_RULE: 1, tokens.EVENT_TARGET: 1, tokens.DASHBOARD: 1,  # failed evaluations to the alerts; the dashboard
        }) + Counter(slots), domain


def test_buckets_are_encrypted_private_versioned_and_expire_after_retention(env_eval, mesh, federation):
    env = SETTINGS[env_eval.stack]
    for address, declared in mesh.products.items():
        retention = resolve(declared.spec, Environment(env_eval.stack)).retention_days
        mine = [r for r in env_eval.custom() if r.product == address]
        bucket = one(mine, tokens.BUCKET)
        name = bucket.inputs["bucket"]
        assert name == naming.bucket_name(env["prefix"], declared.domain, declared.identity)
        assert len(name) <= 63
        for token in BUCKET_CONFIG:
            assert one(mine, token).inputs["bucket"] == name, token

        (rule,) = one(mine, BUCKET_CONFIG[2]).inputs["rules"]
        assert rule["applyServerSideEncryptionByDefault"] == {
            "sseAlgorithm": "aws:kms",
            "kmsMasterKeyId": f"arn:aws:kms:{env['region']}:{env['account']}:alias/{env['prefix']}-{declared.domain}",
        }
        assert rule["bucketKeyEnabled"] is True

        block = one(mine, BUCKET_CONFIG[1]).inputs
        for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"):
            assert block[flag] is True, (address, flag)
        assert one(mine, BUCKET_CONFIG[0]).inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
        assert one(mine, BUCKET_CONFIG[3]).inputs["versioningConfiguration"] == {"status": "Enabled"}

        life, markers = integral(one(mine, BUCKET_CONFIG[4]).inputs["rules"])
        for rule in (life, markers):
            assert rule["status"] == "Enabled"
            assert rule["filter"] == {"prefix": ""}, "the rule covers the whole bucket"
        assert life["expiration"] == {"days": retention}, address
        assert life["noncurrentVersionExpiration"] == {"noncurrentDays": federation.noncurrent_version_days}, address
        assert life["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}, address
        assert markers["expiration"] == {"expiredObjectDeleteMarker": True}, address


def test_dev_retention_overrides_reach_the_lifecycle(dev, prod):
    def days(ev, address):
        rule, _ = one(ev.custom(), BUCKET_CONFIG[4], address).inputs["rules"]
        return int(rule["expiration"]["days"])

    assert (days(dev, "users/play-events"), days(prod, "users/play-events")) == (3, 400)
    assert (days(dev, "users/profile-updates"), days(prod, "users/profile-updates")) == (7, 730)


def test_taggable_aws_resources_carry_owner_tags(env_eval, mesh):
    checked = Counter()
    for r in env_eval.custom():
        if not r.type.startswith("aws:") or not taggable(r.type):
            assert "tags" not in r.inputs or r.type.startswith("kubernetes:"), r.type
            continue
        tags = dict(r.inputs.get("tags") or {})
        if r.type == tokens.ACCESS_POINT:  # an agreement's access point names its consumer too
            assert tags.pop("consumer") in r.name, r.name
        if r.product:
            spec = mesh.products[r.product].spec
            expected = {"domain": r.domain, "product": r.product, "owner": spec.owner, "classification": spec.classification.value}
        else:
            expected = {"domain": r.domain, "owner": mesh.domains[r.domain].spec.contact}
        if r.type == tokens.KEY and r.name.endswith("-alerts-key"):  # the alerts key says so: never taken for the data key
            expected["meshplane-key"] = "alerts"
        assert tags == expected, f"{r.type} {r.name}"
        checked[r.type] += 1
    # what is taggable here: bucket, roles, pod identity, key, database, managed policies (slots), access points
    assert set(checked) == {
        tokens.BUCKET, tokens.ROLE, tokens.POD_IDENTITY, tokens.KEY, tokens.DATABASE, tokens.MANAGED_POLICY, tokens.ACCESS_POINT,
        tokens.METRIC_ALARM, tokens.DQ_RULESET, tokens.TOPIC, tokens.EVENT_RULE,
    }


def test_provider_default_tags_and_account_guard(env_eval):
    env = SETTINGS[env_eval.stack]
    aws = one(env_eval.resources, tokens.AWS_PROVIDER)
    assert aws.name == "aws"
    assert document(aws, "defaultTags") == {"tags": {"environment": env_eval.stack, "managed-by": MANAGED_BY}}
    assert aws.inputs["region"] == env["region"]
    assert document(aws, "allowedAccountIds") == [env["account"]]
    assert "endpoints" not in aws.inputs, "only the local stack talks to an emulator"
    assert one(env_eval.resources, tokens.KUBERNETES_PROVIDER).name == "kubernetes"
    assert len(of_type(env_eval.resources, tokens.AWS_PROVIDER)) == 1


def test_stack_outputs_are_a_catalog_of_products(env_eval, mesh, federation):
    env = SETTINGS[env_eval.stack]
    grants = mesh.grants(federation.open_classifications)
    assert env_eval.outputs["environment"] == env_eval.stack
    catalog = env_eval.outputs["products"]
    assert sorted(catalog) == sorted(mesh.products)
    for address, entry in catalog.items():
        declared = mesh.products[address]
        bucket = one(env_eval.custom(), tokens.BUCKET, address)
        table = one(env_eval.custom(), tokens.TABLE, address)
        assert entry["bucket"] == bucket.inputs["bucket"]
        assert entry["table"] == f"{table.inputs['databaseName']}.{table.inputs['name']}"
        assert entry["job_role"] == naming.role_arn(env["account"], naming.job_role_name(env["prefix"], declared.domain, declared.identity))
        assert entry["owner"] == declared.spec.owner
        assert entry["classification"] == declared.spec.classification.value
        assert entry["inputs"] == [g.producer for g in grants if g.consumer == address]
