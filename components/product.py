"""DataProduct: the architectural quantum: storage, access, agreements, compute and catalog of one data product.

Its parts are typed argument groups with pure builders (storage.py, access.py, ...); the product registers
their resources itself: the parts were once components of their own, which carried nothing a user sees.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi

from components import access, catalog, compute, storage
from components.access import ProductAccessArgs, access_children
from components.base import DataProtection, Quantum
from components.catalog import ProductCatalogArgs, catalog_children
from components.compute import ProductComputeArgs, compute_children
from components.domain import DataDomain
from components.sharing import ProductSharingArgs, sharing_children
from components.spec import Child
from components.storage import ProductStorageArgs, storage_children


@dataclass(frozen=True)
class DataProductArgs:
    address: str
    storage: ProductStorageArgs
    access: ProductAccessArgs
    sharing: ProductSharingArgs
    compute: ProductComputeArgs
    catalog: ProductCatalogArgs
    protection: DataProtection = DataProtection.protected
    previous: Sequence[str] = ()  # earlier logical names (addresses): children keep their state through aliases


def product_children(args: DataProductArgs) -> list[Child]:
    return [
        *storage_children(args.storage),
        *access_children(args.access),
        *catalog_children(args.catalog),
        *sharing_children(args.sharing),
        *compute_children(args.compute),
    ]


class DataProduct(Quantum):
    TOKEN = "meshplane:index:DataProduct"
    FORMER_PARENTS = {
        **{s: storage.FORMER_PARENT for s in ("bucket", "ownership", "public-access", "encryption", "versioning", "lifecycle", "policy")},
        **{s: access.FORMER_PARENT for s in ("job-role", "job-policy")},
        **{s: compute.FORMER_PARENT for s in ("service-account", "pod-identity", "job")},
        "table": catalog.FORMER_PARENT,
    }

    bucket_name: pulumi.Output[str]
    table_name: pulumi.Output[str]
    job_role_arn: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: DataProductArgs,
        domain: DataDomain,
        opts: pulumi.ResourceOptions | None = None,
        providers: Mapping[str, pulumi.ProviderResource] | None = None,
    ):
        super().__init__(name, args.previous, opts)
        self.add(product_children(args), args.protection, providers, domain)
        self.bucket_name = self.children["bucket"].bucket
        self.table_name = self.children["table"].name
        self.job_role_arn = self.children["job-role"].arn
        self.register_outputs({"bucket_name": self.bucket_name, "table_name": self.table_name, "job_role_arn": self.job_role_arn})
