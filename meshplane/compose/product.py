"""The arguments of one DataProduct, one builder per part: storage, access, sharing, compute, catalog."""

from __future__ import annotations

import re
from collections.abc import Callable

from components.access import KeyGrant, ProductAccessArgs
from components.base import DataProtection
from components.catalog import CatalogColumn, ProductCatalogArgs
from components.compute import Engine, ProductComputeArgs
from components.policies import OWN_KEY_OPERATIONS, access_point_reads, broker_trust, job_policy, pod_identity_trust
from components.product import DataProductArgs, PortArgs
from components.sharing import ProductSharingArgs
from components.storage import ProductStorageArgs
from meshplane.cloud import naming
from meshplane.compose import locate
from meshplane.compose.agreements import Agreements
from meshplane.compose.monitoring import port_monitors
from meshplane.compose.slots import slots
from meshplane.compose.tags import product_labels, product_tags
from meshplane.declarations.mesh import DeclaredProduct, Mesh, serves
from meshplane.declarations.resolve import resolve
from meshplane.declarations.spec import PII_MARK, Column, OutputPort, Product, Status
from meshplane.declarations.stack import StackSettings


def product_args(
    mesh: Mesh,
    settings: StackSettings,
    declared: DeclaredProduct,
    agreed: Agreements,
    budget: int,
    protection: Callable[[StackSettings, Product | None], DataProtection],
    noncurrent_days: int,
) -> DataProductArgs:
    """`noncurrent_days`: the federation's `noncurrent_version_days`, how long a version outlives being current."""
    product = resolve(declared.spec, settings.environment)
    guard = protection(settings, product)
    tags = product_tags(declared, product)
    retired = product.status is Status.retired
    return DataProductArgs(
        address=declared.address,
        previous=locate.previous_addresses(declared),
        protection=guard,
        ports=[
            port_args(settings, declared, product, version, port, agreed, guard, tags, noncurrent_days) for version, port in ports_of(product)
        ],
        access=None if retired else access_args(mesh, settings, declared, product, agreed, budget, tags),
        compute=None if retired else compute_args(settings, declared, product, agreed, tags),
    )


def ports_of(product: Product) -> list[tuple[int, OutputPort]]:
    """Every major version of the output port the product keeps, oldest first: the current one last."""
    return [*sorted(((p.version, p) for p in product.previous_outputs), key=lambda vp: vp[0]), (product.output.version, product.output)]


def written(product: Product) -> list[int]:
    """The versions the product's job writes: every served one (none once the product is retired)."""
    return [version for version, _ in ports_of(product) if serves(product, version)]


def port_args(
    settings: StackSettings,
    declared: DeclaredProduct,
    product: Product,
    version: int,
    port: OutputPort,
    agreed: Agreements,
    guard: DataProtection,
    tags: dict,
    noncurrent_days: int,
) -> PortArgs:
    return PortArgs(
        version=version,
        storage=storage_args(settings, declared, product, version, guard, tags, noncurrent_days),
        catalog=catalog_args(settings, declared, product, version, port),
        sharing=sharing_args(settings, declared, version, agreed, tags),
        monitors=port_monitors(settings, declared, product, version, port, tags),
    )


def storage_args(
    settings: StackSettings, declared: DeclaredProduct, product: Product, version: int, guard: DataProtection, tags: dict, noncurrent_days: int
) -> ProductStorageArgs:
    return ProductStorageArgs(
        location=locate.location(settings, declared, version),
        retention_days=product.retention_days,
        noncurrent_days=noncurrent_days,
        job_role_arn=locate.job_role_arn(settings, declared),
        domain=locate.domain_principals(settings, declared.domain),
        access_points=locate.access_points(settings, declared, version),
        admins=locate.administrators(settings, declared.domain),
        force_destroy=guard is DataProtection.disposable,
        tags=tags if version == 1 else {**tags, "port-version": str(version)},
    )


def access_args(
    mesh: Mesh, settings: StackSettings, declared: DeclaredProduct, product: Product, agreed: Agreements, budget: int, tags: dict
) -> ProductAccessArgs:
    role = naming.job_role_name(settings.name_prefix, declared.domain, declared.identity)
    account = settings.account_of(declared.domain)
    own = [locate.location(settings, declared, version) for version in written(product)]
    entries = agreed.job_entries.get(declared.address, [])
    input_accounts = [e.resources[0].split(":")[4] for e in entries]
    job = locate.job_role_arn(settings, declared)
    return ProductAccessArgs(
        role_name=role,
        account=account,
        description=f"Job of data product {declared.address}",
        trust=broker_trust(broker) if (broker := locate.broker_arn(settings, declared.domain)) else pod_identity_trust(),
        policy=job_policy(own, [a for a in input_accounts if a != account]),
        slots=slots(role, entries, access_point_reads, budget),
        key_grants=[
            (_prefixed(version, "job-key-grant"), KeyGrant(_prefixed(version, role, "-"), job, OWN_KEY_OPERATIONS, loc.encryption_context))
            for version, loc in zip(written(product), own)
        ],
        tags=tags,
    )


def _prefixed(version: int, name: str, sep: str = "/") -> str:
    """A name of version 1 as it always was; a later version's marked with it."""
    return name if version == 1 else (f"v{version}{sep}{name}" if sep == "/" else f"{name}{sep}v{version}")


def sharing_args(settings: StackSettings, declared: DeclaredProduct, version: int, agreed: Agreements, tags: dict) -> ProductSharingArgs:
    database, table = locate.glue_table(settings, declared, version)
    key = (declared.address, version)
    return ProductSharingArgs(
        location=locate.location(settings, declared, version),
        database=database,
        table=table,
        agreements=agreed.access_points.get(key, []),
        catalog_shares=agreed.catalog_shares.get(key, []),
        tags=tags,
    )


def compute_args(settings: StackSettings, declared: DeclaredProduct, product: Product, agreed: Agreements, tags: dict) -> ProductComputeArgs:
    current = product.output.version
    database, table = locate.glue_table(settings, declared, current)
    env = {
        "AWS_REGION": settings.region,
        "OUTPUT_LOCATION": f"s3://{locate.location(settings, declared, current).bucket}/",
        "OUTPUT_TABLE": f"{database}.{table}",
    }
    for version in written(product):  # an earlier version still served is written beside the current one
        if version != current:
            database, table = locate.glue_table(settings, declared, version)
            env[f"OUTPUT_LOCATION_V{version}"] = f"s3://{locate.location(settings, declared, version).bucket}/"
            env[f"OUTPUT_TABLE_V{version}"] = f"{database}.{table}"
    # an input is read through the access point its producer made for this job: its ARN stands for a bucket in every SDK
    env.update({f"INPUT_{_env_key(producer)}": access_point for producer, access_point in agreed.inputs.get(declared.address, [])})
    return ProductComputeArgs(
        namespace=naming.k8s_name(declared.domain),
        service_account=naming.k8s_name(declared.identity),  # the job's objects keep the oldest name too: a rename replaces none
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


def catalog_args(settings: StackSettings, declared: DeclaredProduct, product: Product, version: int, port: OutputPort) -> ProductCatalogArgs:
    own = locate.location(settings, declared, version)
    contract = declared.contracts.get(version)  # what it says of a column beyond its type: the column's parameters
    slo = product.service_levels
    database, table = locate.glue_table(settings, declared, version)
    return ProductCatalogArgs(
        database=database,
        table=table,
        location=f"s3://{own.bucket}/",
        bucket_arn=own.bucket_arn,
        lakeformation_role=locate.domain_principals(settings, declared.domain).lakeformation,
        format=port.format.value,
        columns=[_column(c, contract.facts("columns", i) if contract else {}) for i, c in enumerate(port.columns)],
        partitions=[_column(c, contract.facts("partitions", i) if contract else {}) for i, c in enumerate(port.partitions)],
        description=product.description,
        parameters={
            "meshplane_address": declared.address,
            "owner": product.owner,
            "kind": product.kind.value,
            "data_classification": product.classification.value,
            "retention_days": str(product.retention_days),
            "inputs": ",".join(product.inputs),
            "pii_columns": ",".join(c.name for c in port.columns if c.holds_pii),
            **({"freshness_hours": f"{slo.freshness_hours:g}", "availability": f"{slo.availability:g}"} if slo else {}),
            **({} if version == 1 else {"port_version": str(version)}),
            **({} if product.status is Status.active else {"status": product.status.value}),
        },
    )


def _column(column: Column, parameters: dict[str, str]) -> CatalogColumn:
    flags = PII_MARK if column.holds_pii else ""
    return CatalogColumn(name=column.name, type=column.glue_type, comment=f"{column.description}{flags}"[:255], parameters=parameters)


def _env_key(address: str) -> str:
    return re.sub(r"[^A-Z0-9]", "_", address.upper())
