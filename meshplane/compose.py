"""From the mesh to the components of one stack: a pure function, so tests read every argument.

This is where the environment matters (through the stack's settings); the components only see the
typed arguments built here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from components.access import ProductAccessArgs, ReadGrant
from components.base import DataProtection
from components.catalog import CatalogColumn, ProductCatalogArgs
from components.compute import Engine, ProductComputeArgs
from components.domain import DataDomainArgs
from components.policies import Location
from components.product import DataProductArgs
from components.storage import ProductStorageArgs
from meshplane import naming
from meshplane.federation import Federation
from meshplane.mesh import DeclaredProduct, Grant, Mesh
from meshplane.problems import MeshError, Problem
from meshplane.resolve import resolve
from meshplane.spec import Column, Product
from meshplane.stack import StackSettings

MANAGED_BY = "meshplane"


@dataclass(frozen=True)
class StackPlan:
    settings: StackSettings
    domains: list[tuple[str, DataDomainArgs]]
    products: list[tuple[str, DataProductArgs]]
    grants: list[Grant]


def scope(mesh: Mesh, settings: StackSettings) -> list[str]:
    """The domains this stack deploys; an unknown domain is an error, not an empty stack."""
    if settings.domains is None:
        return list(mesh.domains)
    unknown = [d for d in settings.domains if d not in mesh.domains]
    if unknown:
        raise MeshError([Problem("stack config", 1, f"meshplane:domains names unknown domain {d!r}") for d in unknown])
    return sorted(settings.domains)


def protection(settings: StackSettings, product: Product | None) -> DataProtection:
    """Two keys destroy data: the stack allows it AND the product asks for it. Otherwise the environment decides."""
    if settings.allow_data_destruction and product is not None and product.destroy_data:
        return DataProtection.disposable
    return DataProtection.protected if settings.protect_data else DataProtection.standard


def location(settings: StackSettings, declared: DeclaredProduct) -> Location:
    return Location(
        bucket=naming.bucket_name(settings.name_prefix, declared.domain, declared.identity),
        key_alias=naming.key_alias(settings.name_prefix, declared.domain),
        region=settings.region,
        account=settings.account_id,
    )


def previous_addresses(declared: DeclaredProduct) -> tuple[str, ...]:
    """The product's earlier addresses: its resources (and the grants on it) carry them as aliases."""
    return tuple(f"{declared.domain}/{old}" for old in declared.spec.previous_names)


def job_role_arn(settings: StackSettings, declared: DeclaredProduct) -> str:
    return naming.role_arn(settings.account_id, naming.job_role_name(settings.name_prefix, declared.domain, declared.identity))


def reader_role_arn(settings: StackSettings, domain: str) -> str:
    return naming.role_arn(settings.account_id, naming.reader_role_name(settings.name_prefix, domain))


def compose(mesh: Mesh, settings: StackSettings, federation: Federation) -> StackPlan:
    """Every component argument for the stack's domains, in a stable order."""
    in_scope = scope(mesh, settings)
    grants = mesh.grants(federation.open_classifications)
    reads = {d: mesh.reader_reads(d, grants) for d in mesh.domains}
    domains = [(d, _domain_args(mesh, settings, d, reads[d])) for d in in_scope]
    products = [
        (p.address, _product_args(mesh, settings, p, grants, reads))
        for d in in_scope
        for p in mesh.products_of(d)
    ]
    return StackPlan(settings=settings, domains=domains, products=products, grants=grants)


def _domain_args(mesh: Mesh, settings: StackSettings, domain: str, reads: list[str]) -> DataDomainArgs:
    spec = mesh.domains[domain].spec
    prefix = settings.name_prefix
    return DataDomainArgs(
        key_alias=naming.key_alias(prefix, domain),
        database=naming.glue_database(prefix, domain),
        namespace=naming.k8s_name(domain),
        reader_role=naming.reader_role_name(prefix, domain),
        account=settings.account_id,
        reads={a: location(settings, mesh.products[a]) for a in reads},
        renamed={a: previous_addresses(mesh.products[a]) for a in reads if mesh.products[a].spec.previous_names},
        description=spec.description,
        protection=protection(settings, None),
        tags={"domain": domain, "owner": spec.contact},
        labels={"app.kubernetes.io/managed-by": MANAGED_BY, "meshplane.io/domain": domain},
    )


def _product_args(
    mesh: Mesh, settings: StackSettings, declared: DeclaredProduct, grants: list[Grant], reads: dict[str, list[str]]
) -> DataProductArgs:
    product = resolve(declared.spec, settings.environment)
    prefix = settings.name_prefix
    own = location(settings, declared)
    guard = protection(settings, product)
    address = declared.address
    tags = {"domain": declared.domain, "product": address, "owner": product.owner, "classification": product.classification.value}
    labels = {"app.kubernetes.io/managed-by": MANAGED_BY, "meshplane.io/domain": declared.domain, "meshplane.io/product": product.name}
    granted_inputs = [g.producer for g in grants if g.consumer == address]
    readers = sorted(
        {job_role_arn(settings, mesh.products[g.consumer]) for g in grants if g.producer == address}
        | {reader_role_arn(settings, d) for d, addresses in reads.items() if address in addresses}
    )
    database = naming.glue_database(prefix, declared.domain)
    table = naming.glue_table(declared.identity)
    env = {"AWS_REGION": settings.region, "OUTPUT_LOCATION": f"s3://{own.bucket}/", "OUTPUT_TABLE": f"{database}.{table}"}
    env.update({f"INPUT_{_env_key(a)}": f"s3://{location(settings, mesh.products[a]).bucket}/" for a in granted_inputs})
    slo = product.service_levels
    return DataProductArgs(
        address=address,
        previous=previous_addresses(declared),
        storage=ProductStorageArgs(
            location=own,
            retention_days=product.retention_days,
            readers=readers,
            protection=guard,
            tags=tags,
        ),
        access=ProductAccessArgs(
            role_name=naming.job_role_name(prefix, declared.domain, declared.identity),
            own=own,
            grants=[
                ReadGrant(producer=a, location=location(settings, mesh.products[a]), previous=previous_addresses(mesh.products[a]))
                for a in granted_inputs
            ],
            tags=tags,
        ),
        compute=ProductComputeArgs(
            namespace=naming.k8s_name(declared.domain),
            service_account=naming.k8s_name(product.name),
            cluster_name=settings.cluster,
            image=product.job.image,
            schedule=product.job.schedule,
            engine=Engine(product.job.engine.value),
            cpu=product.job.resources.cpu,
            memory=product.job.resources.memory,
            replicas=product.job.replicas,
            suspended=product.job.suspended,
            env=env,
            labels=labels,
            tags=tags,
        ),
        catalog=ProductCatalogArgs(
            database=database,
            table=table,
            location=f"s3://{own.bucket}/",
            format=product.output.format.value,
            columns=[_column(c) for c in product.output.columns],
            partitions=[_column(c) for c in product.output.partitions],
            description=product.description,
            parameters={
                "meshplane_address": address,
                "owner": product.owner,
                "kind": product.kind.value,
                "data_classification": product.classification.value,
                "retention_days": str(product.retention_days),
                "inputs": ",".join(product.inputs),
                "pii_columns": ",".join(c.name for c in product.output.columns if c.pii),
                **({"freshness_hours": f"{slo.freshness_hours:g}", "availability": f"{slo.availability:g}"} if slo else {}),
            },
            protection=guard,
        ),
    )


def _column(column: Column) -> CatalogColumn:
    flags = " [pii]" if column.pii else ""
    return CatalogColumn(name=column.name, type=column.type.value, comment=f"{column.description}{flags}"[:255])


def _env_key(address: str) -> str:
    return re.sub(r"[^A-Z0-9]", "_", address.upper())
