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

from mockkit import document, of_type, one, quantity, run

import components.access
import components.catalog
import components.compute
import components.domain
import components.product
import components.storage
from components import tokens
from components.access import ProductAccessArgs, ReadGrant
from components.base import DataProtection
from components.catalog import CatalogColumn, ProductCatalogArgs
from components.compute import Engine, ProductComputeArgs
from components.domain import DataDomain, DataDomainArgs
from components.policies import Location
from components.product import DataProduct, DataProductArgs
from components.storage import ProductStorage, ProductStorageArgs

ACCOUNT, REGION = "123456789012", "eu-west-1"
OWN = Location("t-d-p", "alias/t-d", REGION, ACCOUNT)
UPSTREAM = Location("t-x-new", "alias/t-x", REGION, ACCOUNT)


def product_args(engine: Engine = Engine.kubernetes, cpu: str = "500m", previous=(), grants=(), protection=DataProtection.protected) -> DataProductArgs:
    return DataProductArgs(
        address="d/p",
        previous=previous,
        storage=ProductStorageArgs(location=OWN, retention_days=30, readers=["arn:aws:iam::123456789012:role/r"], protection=protection),
        access=ProductAccessArgs(role_name="t-d-p-job", own=OWN, grants=grants),
        compute=ProductComputeArgs(
            namespace="d", service_account="p", cluster_name="c", image="registry.example/p:1.0.0", schedule="@daily",
            engine=engine, cpu=cpu, memory="512Mi", env={"OUTPUT_LOCATION": "s3://t-d-p/"},
        ),
        catalog=ProductCatalogArgs(
            database="t_d", table="p", location="s3://t-d-p/", format="parquet",
            columns=[CatalogColumn("id", "string", "the identifier")], protection=protection,
        ),
    )


def test_storage_alone_registers_a_private_bucket_and_its_configuration():
    result = run(lambda: ProductStorage("d/p", ProductStorageArgs(location=OWN, retention_days=30)))
    (component,) = [r for r in result.resources if not r.custom]
    assert component.type == "meshplane:index:ProductStorage"
    cloud = result.custom()
    assert len(cloud) == 7 and all(r.parent == component.urn for r in cloud)
    bucket = one(cloud, tokens.BUCKET)
    assert (bucket.protect, bucket.retain_on_delete, bucket.inputs["forceDestroy"]) == (True, True, False)
    assert [s["Sid"] for s in document(one(cloud, tokens.BUCKET_POLICY))["Statement"]] == ["DenyInsecureTransport"]
    assert result.outputs_of(component) == {"bucket_name": "t-d-p", "bucket_arn": "arn:aws:s3:::t-d-p"}


@pytest.mark.parametrize(
    "protection, guarded, force",
    [(DataProtection.protected, True, False), (DataProtection.standard, False, False), (DataProtection.disposable, False, True)],
)
def test_data_protection_decides_the_guards(protection, guarded, force):
    result = run(lambda: DataProduct("d/p", product_args(protection=protection)))
    for r in result.custom():
        stateful = r.type in (tokens.BUCKET, tokens.TABLE)
        assert (r.protect, r.retain_on_delete) == (guarded and stateful,) * 2, r.name
    assert one(result.custom(), tokens.BUCKET).inputs["forceDestroy"] is force


def test_data_product_outputs_only_what_consumers_need():
    def program():
        product = DataProduct("d/p", product_args())
        return {"bucket": product.bucket_name, "role": product.job_role_arn, "table": product.table_name}

    result = run(program)
    (top,) = of_type(result.resources, "meshplane:index:DataProduct")
    assert result.outputs_of(top) == {
        "address": "d/p",
        "bucket_name": "t-d-p",
        "bucket_arn": "arn:aws:s3:::t-d-p",
        "table_name": "p",
        "job_role_arn": "arn:aws:iam::123456789012:role/t-d-p-job",
    }
    assert result.value == {"bucket": "t-d-p", "role": "arn:aws:iam::123456789012:role/t-d-p-job", "table": "p"}
    parts = {r.type: r for r in result.resources if not r.custom and r is not top}
    assert set(parts) == {f"meshplane:index:Product{p}" for p in ("Storage", "Access", "Compute", "Catalog")}
    assert all(p.parent == top.urn for p in parts.values())
    assert result.outputs_of(parts["meshplane:index:ProductAccess"]) == {"role_arn": "arn:aws:iam::123456789012:role/t-d-p-job"}
    assert result.outputs_of(parts["meshplane:index:ProductCompute"]) == {"job_name": "p"}
    assert result.outputs_of(parts["meshplane:index:ProductCatalog"]) == {"table_name": "p"}


def test_the_job_is_wired_to_its_role_and_service_account():
    result = run(lambda: DataProduct("d/p", product_args()))
    cloud = result.custom()
    association = one(cloud, tokens.POD_IDENTITY)
    assert association.inputs == {
        "clusterName": "c", "namespace": "d", "serviceAccount": "p", "roleArn": "arn:aws:iam::123456789012:role/t-d-p-job", "tags": {},
    }
    cronjob = one(cloud, tokens.CRONJOB)
    pod = cronjob.inputs["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "p"
    assert pod["containers"][0]["imagePullPolicy"] == "Always", "a tag is checked at every start; only a digest is trusted"


def test_a_small_spark_job_asks_no_more_cpu_than_its_limit():
    """`cores` must be a whole number (>= 1); with "500m" the pod's request comes from coreRequest, within the limit."""
    result = run(lambda: DataProduct("d/p", product_args(engine=Engine.spark, cpu="500m")))
    app = one(result.custom(), tokens.SCHEDULED_SPARK_APPLICATION)
    for role in ("driver", "executor"):
        spec = app.inputs["spec"]["template"][role]
        request = spec.get("coreRequest", spec["cores"])
        assert quantity(request) <= quantity(spec["coreLimit"]), (role, spec)
        assert spec["memory"] == "512m"


def test_grants_of_a_renamed_consumer_on_a_renamed_producer_carry_every_old_name():
    grant = ReadGrant(producer="x/new", location=UPSTREAM, previous=("x/old",))
    result = run(lambda: DataProduct("d/p", product_args(previous=("d/before",), grants=[grant])))
    policy = one(result.custom(), tokens.ROLE_POLICY, name="d/p-read/x/new")
    assert set(policy.aliases) == {"d/p-read/x/old", "d/before-read/x/new", "d/before-read/x/old"}
    assert policy.inputs["name"] == "read-t-x-new"
    own = one(result.custom(), tokens.ROLE_POLICY, name="d/p-job-policy")
    assert own.aliases == ("d/before-job-policy",)
    assert all(r.aliases for r in result.resources), "every part of a renamed product is aliased"


def test_domain_alone():
    args = DataDomainArgs(
        key_alias="alias/t-d", database="t_d", namespace="d", reader_role="t-d-readers", account=ACCOUNT,
        reads={"x/new": UPSTREAM, "d/p": OWN}, renamed={"x/new": ("x/old",)}, tags={"domain": "d", "owner": "o@example"},
    )
    result = run(lambda: DataDomain("d", args))
    cloud = result.custom()
    key = one(cloud, tokens.KEY)
    assert key.inputs["enableKeyRotation"] is True and key.protect and key.retain_on_delete
    alias = one(cloud, tokens.KEY_ALIAS)
    assert alias.inputs == {"name": "alias/t-d", "targetKeyId": key.id}
    assert one(cloud, tokens.DATABASE).protect
    reads = {r.name: r for r in of_type(cloud, tokens.ROLE_POLICY)}
    assert set(reads) == {"d-readers/d/p", "d-readers/x/new"}
    assert reads["d-readers/x/new"].aliases == ("d-readers/x/old",)
    assert reads["d-readers/d/p"].aliases == ()
    (component,) = [r for r in result.resources if not r.custom]
    assert set(result.outputs_of(component)) == {"key_arn", "database_name", "reader_role_arn"}


def test_each_run_is_isolated():
    first = run(lambda: ProductStorage("a/one", ProductStorageArgs(location=OWN, retention_days=1)))
    second = run(lambda: ProductStorage("b/two", ProductStorageArgs(location=OWN, retention_days=1)))
    assert {r.name.split("-")[0] for r in first.resources} == {"a/one"}
    assert {r.name.split("-")[0] for r in second.resources} == {"b/two"}
    assert all(r.urn.startswith("urn:pulumi:test::meshplane::") for r in second.resources)


MODULES = [components.access, components.catalog, components.compute, components.domain, components.product, components.storage]


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
    result = run(lambda: DataProduct("d/p", product_args()))
    for r in result.custom():
        for key in ("policy", "assumeRolePolicy"):
            if key in r.inputs:
                assert isinstance(json.loads(r.inputs[key]), dict)
