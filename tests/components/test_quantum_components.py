"""Each component on its own, under an isolated mock engine (mockkit.run: the recipe of engine.evaluate).

These need no mesh and no stack: typed arguments in, registered resources and outputs out.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from pathlib import Path

import pulumi
import pytest

from mockkit import of_type, one, quantity, run

import components.access
import components.catalog
import components.compute
import components.domain
import components.product
import components.sharing
import components.storage
from components import tokens
from components.access import KeyGrant, PolicySlot, ProductAccessArgs
from components.base import DataProtection
from components.catalog import CatalogColumn, ProductCatalogArgs
from components.compute import Engine, ProductComputeArgs
from components.domain import DataDomain, DataDomainArgs
from components.policies import Administrators, DomainPrincipals, Location, document, job_policy, pod_identity_trust
from components.product import DataProduct, DataProductArgs, PortArgs
from components.sharing import AccessPointAgreement, CatalogShare, ProductSharingArgs
from components.storage import ProductStorageArgs

ACCOUNT, REGION = "123456789012", "eu-west-1"
OWN = Location("t-d-p", "alias/t-d", REGION, ACCOUNT)
JOB = f"arn:aws:iam::{ACCOUNT}:role/t-d-p-job"
ADMINS = Administrators(deployer=f"arn:aws:iam::{ACCOUNT}:role/deployer", break_glass=f"arn:aws:iam::{ACCOUNT}:role/break-glass")
PRINCIPALS = DomainPrincipals(readers=f"arn:aws:iam::{ACCOUNT}:role/t-d-readers", lakeformation=f"arn:aws:iam::{ACCOUNT}:role/t-d-lf")
SLOT = PolicySlot("t-d-p-job-reads", document({"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::x/*"]}))


def domain_args(slots=(), protection=DataProtection.protected) -> DataDomainArgs:
    return DataDomainArgs(
        key_alias="alias/t-d", database="t_d", namespace="d", reader_role="t-d-readers", lakeformation_role="t-d-lf",
        account=ACCOUNT, region=REGION, principals=PRINCIPALS, admins=ADMINS, readers_policy=document(), slots=slots, protection=protection,
        tags={"domain": "d", "owner": "o@example"},
    )  # fmt: skip


def product_args(engine: Engine = Engine.kubernetes, cpu: str = "500m", previous=(), agreements=(), shares=(), slots=(),
                 protection=DataProtection.protected) -> DataProductArgs:  # fmt: skip
    port = PortArgs(
        version=1,
        storage=ProductStorageArgs(
            location=OWN, retention_days=30, noncurrent_days=30, job_role_arn=JOB, domain=PRINCIPALS,
            access_points=OWN.access_point_arn("t-0123456789-*"), admins=ADMINS, force_destroy=protection is DataProtection.disposable,
        ),
        sharing=ProductSharingArgs(location=OWN, database="t_d", table="p", agreements=agreements, catalog_shares=shares),
        catalog=ProductCatalogArgs(
            database="t_d", table="p", location="s3://t-d-p/", bucket_arn=OWN.bucket_arn, lakeformation_role=PRINCIPALS.lakeformation,
            format="parquet", columns=[CatalogColumn("id", "string", "the identifier")],
        ),
    )
    return DataProductArgs(
        address="d/p",
        previous=previous,
        protection=protection,
        ports=[port],
        access=ProductAccessArgs(
            role_name="t-d-p-job", account=ACCOUNT, description="Job of data product d/p", trust=pod_identity_trust(), policy=job_policy([OWN]),
            slots=slots, key_grants=[("job-key-grant", KeyGrant("t-d-p-job", JOB, ["Decrypt", "Encrypt", "GenerateDataKey"], OWN.encryption_context))],
        ),
        compute=ProductComputeArgs(
            namespace="d", service_account="p", cluster_name="c", role_arn=JOB, image="registry.example/p:1.0.0", schedule="@daily",
            engine=engine, cpu=cpu, memory="512Mi", env={"OUTPUT_LOCATION": "s3://t-d-p/"},
        ),
    )  # fmt: skip


def quantum(**kw):
    """A domain and one of its products, as the program registers them."""

    def program():
        domain = DataDomain("d", domain_args(protection=kw.get("protection", DataProtection.protected)))
        product = DataProduct("d/p", product_args(**kw), domain, pulumi.ResourceOptions(depends_on=[domain]))
        return {"bucket": product.bucket_name, "role": product.job_role_arn, "table": product.table_name}

    return run(program)


@pytest.mark.parametrize(
    "protection, guarded, force",
    [(DataProtection.protected, True, False), (DataProtection.standard, False, False), (DataProtection.disposable, False, True)],
)
def test_data_protection_decides_the_guards(protection, guarded, force):
    result = quantum(protection=protection)
    for r in result.custom():
        stateful = r.type in tokens.STATEFUL
        assert (r.protect, r.retain_on_delete) == (guarded and stateful,) * 2, r.name
    assert one(result.custom(), tokens.BUCKET).inputs["forceDestroy"] is force


def test_a_product_is_one_component_with_its_resources_under_it():
    result = quantum()
    top = one(result.resources, DataProduct.TOKEN)
    assert result.outputs_of(top) == {"bucket_name": "t-d-p", "table_name": "p", "job_role_arn": JOB}
    assert result.value == {"bucket": "t-d-p", "role": JOB, "table": "p"}
    mine = [r for r in result.custom() if r.parent == top.urn]
    assert len(mine) == 15  # no agreement: its own resources only
    assert [r for r in result.resources if not r.custom] == [one(result.resources, DataDomain.TOKEN), top]


def test_the_product_decrypts_with_a_grant_on_its_domains_key():
    result = quantum()
    key, grant = one(result.custom(), tokens.KEY), one(result.custom(), tokens.KEY_GRANT)
    assert grant.inputs["keyId"] == key.outputs["arn"]  # an output of another component, resolved by the engine
    assert grant.inputs["granteePrincipal"] == JOB
    assert grant.inputs["constraints"] == [{"encryptionContextSubset": {"aws:s3:arn": "arn:aws:s3:::t-d-p"}}]


def test_the_job_is_wired_to_its_role_and_service_account():
    result = quantum()
    association = one(result.custom(), tokens.POD_IDENTITY)
    assert association.inputs == {"clusterName": "c", "namespace": "d", "serviceAccount": "p", "roleArn": JOB, "tags": {}}
    pod = one(result.custom(), tokens.CRONJOB).inputs["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "p"
    assert pod["containers"][0]["imagePullPolicy"] == "Always", "a tag is checked at every start; only a digest is trusted"


def test_a_small_spark_job_asks_no_more_cpu_than_its_limit():
    """`cores` must be a whole number (>= 1); with "500m" the pod's request comes from coreRequest, within the limit."""
    app = one(quantum(engine=Engine.spark, cpu="500m").custom(), tokens.SCHEDULED_SPARK_APPLICATION)
    for role in ("driver", "executor"):
        spec = app.inputs["spec"]["template"][role]
        assert quantity(spec.get("coreRequest", spec["cores"])) <= quantity(spec["coreLimit"]), (role, spec)
        assert spec["memory"] == "512m"


def test_each_agreement_adds_an_access_point_and_a_grant_and_each_consumer_domain_a_catalog_grant():
    agreements = [AccessPointAgreement(f"e/c{i}", f"t-0123456789-{i:010d}", f"arn:aws:iam::{ACCOUNT}:role/t-e-c{i}-job", ACCOUNT) for i in range(3)]
    result = quantum(agreements=agreements, shares=[CatalogShare("e", f"arn:aws:iam::{ACCOUNT}:role/t-e-readers")])
    points = of_type(result.custom(), tokens.ACCESS_POINT)
    assert sorted(p.inputs["name"] for p in points) == [a.name for a in agreements]
    assert all(p.inputs["bucket"] == "t-d-p" and p.inputs["accountId"] == ACCOUNT for p in points)
    grants = [g for g in of_type(result.custom(), tokens.KEY_GRANT) if g.inputs["operations"] == ["Decrypt"]]
    assert sorted(g.inputs["granteePrincipal"] for g in grants) == [a.consumer_role for a in agreements]
    (share,) = [r for r in of_type(result.custom(), tokens.LF_PERMISSIONS) if r.product == "d/p"]
    assert share.inputs["table"] == {"catalogId": ACCOUNT, "databaseName": "t_d", "name": "p"}
    assert sorted(share.inputs["permissions"]) == ["DESCRIBE", "SELECT"]


def test_an_agreement_of_a_renamed_consumer_on_a_renamed_producer_carries_every_old_urn():
    agreement = AccessPointAgreement("x/new", "t-0123456789-9876543210", f"arn:aws:iam::{ACCOUNT}:role/t-x-old-job", ACCOUNT, previous=("x/old",))
    result = quantum(previous=("d/before",), agreements=[agreement])
    point = one(result.custom(), tokens.ACCESS_POINT)
    names = {a.rsplit("::", 1)[1] for a in point.aliases}
    assert names == {"d/p-to/x/old/access-point", "d/before-to/x/new/access-point", "d/before-to/x/old/access-point"}
    own = one(result.custom(), tokens.ROLE_POLICY, name="d/p-job-policy")
    assert {a.rsplit("::", 1)[1] for a in own.aliases} == {"d/before-job-policy", "d/p-job-policy"}  # and its former parent's
    assert all(r.aliases for r in result.resources if r.product == "d/p"), "every part of a renamed product is aliased"


def test_slots_are_managed_policies_attached_exclusively():
    result = quantum(slots=[SLOT, dataclasses.replace(SLOT, name="t-d-p-job-reads-1")])
    policies = of_type(result.custom(), tokens.MANAGED_POLICY)
    assert sorted(p.inputs["name"] for p in policies) == ["t-d-p-job-reads", "t-d-p-job-reads-1"]
    attached = one(result.custom(), tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE)
    assert attached.inputs == {"roleName": "t-d-p-job", "policyArns": [f"arn:aws:iam::{ACCOUNT}:policy/meshplane/t-d-p-job-reads{s}" for s in ("", "-1")]}
    assert not of_type(quantum().custom(), tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE), "no slot, no attachment to manage"


def test_domain_alone():
    result = run(lambda: DataDomain("d", domain_args(slots=[dataclasses.replace(SLOT, name="t-d-readers-reads")])))
    cloud = result.custom()
    key = one(cloud, tokens.KEY)
    assert key.inputs["enableKeyRotation"] is True and key.protect and key.retain_on_delete
    assert json.loads(key.inputs["policy"])["Statement"][0]["Sid"] == "KeyAdministration"
    assert one(cloud, tokens.KEY_ALIAS).inputs == {"name": "alias/t-d", "targetKeyId": key.id}
    assert one(cloud, tokens.DATABASE).protect
    assert sorted(r.inputs["name"] for r in of_type(cloud, tokens.ROLE)) == ["t-d-lf", "t-d-readers"]
    own = one(cloud, tokens.LF_PERMISSIONS)
    assert own.inputs["principal"] == PRINCIPALS.readers and own.inputs["table"]["wildcard"] is True
    assert one(cloud, tokens.MANAGED_POLICY).inputs["name"] == "t-d-readers-reads"
    (component,) = [r for r in result.resources if not r.custom]
    assert set(result.outputs_of(component)) == {"key_arn", "database_name", "reader_role_arn"}


def test_each_run_is_isolated():
    first = run(lambda: DataDomain("a", domain_args()))
    second = run(lambda: DataDomain("b", domain_args()))
    assert {r.name.split("-")[0] for r in first.resources} == {"a"}
    assert {r.name.split("-")[0] for r in second.resources} == {"b"}
    assert all(r.urn.startswith("urn:pulumi:test::meshplane::") for r in second.resources)


MODULES = [components.access, components.catalog, components.compute, components.domain, components.product, components.sharing, components.storage]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_components_read_no_yaml_and_never_branch_on_the_environment(module):
    source = Path(module.__file__).read_text()
    for forbidden in ("yaml", "pulumi.Config", "get_stack", '"prod"', '"dev"', "os.environ", "open("):
        assert forbidden not in source, f"{module.__name__} mentions {forbidden}"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_every_component_takes_one_frozen_args_dataclass(module):
    for _, cls in inspect.getmembers(module, inspect.isclass):
        if cls.__module__ != module.__name__ or not issubclass(cls, pulumi.ComponentResource):
            continue
        args = inspect.signature(cls.__init__).parameters["args"].annotation
        args_cls = getattr(module, args) if isinstance(args, str) else args
        assert dataclasses.is_dataclass(args_cls) and args_cls.__dataclass_params__.frozen, cls
        assert args_cls.__name__ == f"{cls.__name__}Args"


def test_policies_are_json_the_tests_can_read():
    for r in quantum().custom():
        for key in ("policy", "assumeRolePolicy"):
            if key in r.inputs:
                assert isinstance(json.loads(r.inputs[key]), dict)
