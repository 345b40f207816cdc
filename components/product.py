"""DataProduct: the architectural quantum: storage, access, compute and catalog of one data product."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import pulumi

from components.access import ProductAccess, ProductAccessArgs
from components.base import Quantum
from components.catalog import ProductCatalog, ProductCatalogArgs
from components.compute import ProductCompute, ProductComputeArgs
from components.storage import ProductStorage, ProductStorageArgs


@dataclass(frozen=True)
class DataProductArgs:
    address: str
    storage: ProductStorageArgs
    access: ProductAccessArgs
    compute: ProductComputeArgs
    catalog: ProductCatalogArgs
    previous: Sequence[str] = ()  # earlier logical names (addresses): children keep their state through aliases


class DataProduct(Quantum):
    TOKEN = "meshplane:index:DataProduct"

    address: pulumi.Output[str]
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    table_name: pulumi.Output[str]
    job_role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: DataProductArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(self.TOKEN, name, args.previous, opts)
        parent = pulumi.ResourceOptions(parent=self)
        storage = ProductStorage(name, args.storage, args.previous, parent)
        access = ProductAccess(name, args.access, args.previous, parent)
        ProductCompute(name, replace(args.compute, role_arn=access.role_arn), args.previous, parent)
        catalog = ProductCatalog(name, args.catalog, args.previous, pulumi.ResourceOptions(parent=self, depends_on=[storage]))
        self.address = pulumi.Output.from_input(args.address)
        self.bucket_name = storage.bucket_name
        self.bucket_arn = storage.bucket_arn
        self.table_name = catalog.table_name
        self.job_role_arn = access.role_arn
        self.register_outputs(
            {
                "address": self.address,
                "bucket_name": self.bucket_name,
                "bucket_arn": self.bucket_arn,
                "table_name": self.table_name,
                "job_role_arn": self.job_role_arn,
            }
        )
