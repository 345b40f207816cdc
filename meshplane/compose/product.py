"""The arguments of one DataProduct, one builder per part: storage, access, sharing, compute, catalog."""

from __future__ import annotations

import re
from collections.abc import Callable

from components.access import KeyGrant, ProductAccessArgs
from components.base import DataProtection
from components.catalog import CatalogColumn, ProductCatalogArgs
from components.compute import Engine, ProductComputeArgs
from components.policies import OWN_KEY_OPERATIONS, access_point_reads, broker_trust, job_policy, pod_identity_trust
from components.product import DataProductArgs
from components.sharing import ProductSharingArgs
from components.storage import ProductStorageArgs
from meshplane import naming
from meshplane.compose import locate
from meshplane.compose.agreements import Agreements
from meshplane.compose.slots import slots
from meshplane.compose.tags import product_labels, product_tags
from meshplane.mesh import DeclaredProduct, Mesh
from meshplane.resolve import resolve
from meshplane.spec import Column, Product
from meshplane.stack import StackSettings


def product_args(
    mesh: Mesh,
    settings: StackSettings,
    declared: DeclaredProduct,
    agreed: Agreements,
    budget: int,
    protection: Callable[[StackSettings, Product | None], DataProtection],
) -> DataProductArgs:
    product = resolve(declared.spec, settings.environment)
    guard = protection(settings, product)
    tags = product_tags(declared, product)
    return DataProductArgs(
        address=declared.address,
        previous=locate.previous_addresses(declared),
        protection=guard,
        storage=storage_args(settings, declared, product, guard, tags),
        access=access_args(mesh, settings, declared, agreed, budget, tags),
        sharing=sharing_args(settings, declared, agreed, tags),
        compute=compute_args(settings, declared, product, agreed, tags),
        catalog=catalog_args(settings, declared, product),
    )


def storage_args(settings: StackSettings, declared: DeclaredProduct, product: Product, guard: DataProtection, tags: dict) -> ProductStorageArgs:
    return ProductStorageArgs(
        location=locate.location(settings, declared),
        retention_days=product.retention_days,
        noncurrent_days=product.retention_days,
        job_role_arn=locate.job_role_arn(settings, declared),
        domain=locate.domain_principals(settings, declared.domain),
        access_points=locate.access_points(settings, declared),
        force_destroy=guard is DataProtection.disposable,
        tags=tags,
    )


def access_args(mesh: Mesh, settings: StackSettings, declared: DeclaredProduct, agreed: Agreements, budget: int, tags: dict) -> ProductAccessArgs:
    role = naming.job_role_name(settings.name_prefix, declared.domain, declared.identity)
    account = settings.account_of(declared.domain)
    own = locate.location(settings, declared)
    entries = agreed.job_entries.get(declared.address, [])
    input_accounts = [e.resources[0].split(":")[4] for e in entries]
    return ProductAccessArgs(
        role_name=role,
        account=account,
        description=f"Job of data product {declared.address}",
        trust=broker_trust(broker) if (broker := locate.broker_arn(settings, declared.domain)) else pod_identity_trust(),
        policy=job_policy(own, [a for a in input_accounts if a != account]),
        slots=slots(role, entries, access_point_reads, budget),
        key_grant=KeyGrant(role, locate.job_role_arn(settings, declared), OWN_KEY_OPERATIONS, own.encryption_context),
        tags=tags,
    )


def sharing_args(settings: StackSettings, declared: DeclaredProduct, agreed: Agreements, tags: dict) -> ProductSharingArgs:
    database, table = locate.glue_table(settings, declared)
    return ProductSharingArgs(
        location=locate.location(settings, declared),
        database=database,
        table=table,
        agreements=agreed.access_points.get(declared.address, []),
        catalog_shares=agreed.catalog_shares.get(declared.address, []),
        tags=tags,
    )


def compute_args(settings: StackSettings, declared: DeclaredProduct, product: Product, agreed: Agreements, tags: dict) -> ProductComputeArgs:
    own = locate.location(settings, declared)
    database, table = locate.glue_table(settings, declared)
    env = {"AWS_REGION": settings.region, "OUTPUT_LOCATION": f"s3://{own.bucket}/", "OUTPUT_TABLE": f"{database}.{table}"}
    # an input is read through the access point its producer made for this job: its ARN stands for a bucket in every SDK
    env.update({f"INPUT_{_env_key(producer)}": access_point for producer, access_point in agreed.inputs.get(declared.address, [])})
    return ProductComputeArgs(
        namespace=naming.k8s_name(declared.domain),
        service_account=naming.k8s_name(product.name),
        cluster_name=settings.cluster,
        role_arn=locate.broker_arn(settings, declared.domain) or locate.job_role_arn(settings, declared),
        target_role_arn=locate.job_role_arn(settings, declared) if locate.broker_arn(settings, declared.domain) else None,
        image=product.job.image,
        schedule=product.job.schedule,
        engine=Engine(product.job.engine.value),
        cpu=product.job.resources.cpu,
        memory=product.job.resources.memory,
        replicas=product.job.replicas,
        suspended=product.job.suspended,
        env=env,
        labels=product_labels(declared),
        tags=tags,
    )


def catalog_args(settings: StackSettings, declared: DeclaredProduct, product: Product) -> ProductCatalogArgs:
    own = locate.location(settings, declared)
    slo = product.service_levels
    database, table = locate.glue_table(settings, declared)
    return ProductCatalogArgs(
        database=database,
        table=table,
        location=f"s3://{own.bucket}/",
        bucket_arn=own.bucket_arn,
        lakeformation_role=locate.domain_principals(settings, declared.domain).lakeformation,
        format=product.output.format.value,
        columns=[_column(c) for c in product.output.columns],
        partitions=[_column(c) for c in product.output.partitions],
        description=product.description,
        parameters={
            "meshplane_address": declared.address,
            "owner": product.owner,
            "kind": product.kind.value,
            "data_classification": product.classification.value,
            "retention_days": str(product.retention_days),
            "inputs": ",".join(product.inputs),
            "pii_columns": ",".join(c.name for c in product.output.columns if c.pii),
            **({"freshness_hours": f"{slo.freshness_hours:g}", "availability": f"{slo.availability:g}"} if slo else {}),
        },
    )



def _column(column: Column) -> CatalogColumn:
    flags = " [pii]" if column.pii else ""
    return CatalogColumn(name=column.name, type=column.type.value, comment=f"{column.description}{flags}"[:255])


def _env_key(address: str) -> str:
    return re.sub(r"[^A-Z0-9]", "_", address.upper())
