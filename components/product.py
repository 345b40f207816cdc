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
from components.monitoring import PortMonitorArgs, port_monitor_children
from components.sharing import ProductSharingArgs, sharing_children
from components.spec import Child, within
from components.storage import ProductStorageArgs, storage_children


@dataclass(frozen=True)
class PortArgs:
    """One major version of the product's output port: a bucket, a table and agreements of its own."""

    version: int
    storage: ProductStorageArgs
    catalog: ProductCatalogArgs
    sharing: ProductSharingArgs
    monitors: PortMonitorArgs | None = None  # its freshness alarm and quality ruleset, while it is served

    @property
    def prefix(self) -> str:
        """Version 1's children keep the names they always had; a later version's sit under `v<major>/`."""
        return "" if self.version == 1 else f"v{self.version}/"

    def children(self) -> tuple[list[Child], list[Child]]:
        """(its storage, its catalog entry and agreements): the product registers its job's identity in between."""
        storage = storage_children(self.storage)
        monitors = port_monitor_children(self.monitors) if self.monitors is not None else []
        group = within(self.prefix, [*storage, *catalog_children(self.catalog), *sharing_children(self.sharing), *monitors])
        return group[: len(storage)], group[len(storage) :]


@dataclass(frozen=True)
class DataProductArgs:
    address: str
    ports: Sequence[PortArgs]  # every major version kept, oldest first; the last is the current one
    access: ProductAccessArgs | None  # None for a retired product: no job, no identity
    compute: ProductComputeArgs | None
    protection: DataProtection = DataProtection.protected
    previous: Sequence[str] = ()  # earlier logical names (addresses): children keep their state through aliases

    @property
    def current(self) -> PortArgs:
        return self.ports[-1]

    @property
    def storage(self) -> ProductStorageArgs:
        return self.current.storage

    @property
    def catalog(self) -> ProductCatalogArgs:
        return self.current.catalog

    @property
    def sharing(self) -> ProductSharingArgs:
        return self.current.sharing


def product_children(args: DataProductArgs) -> list[Child]:
    groups = [port.children() for port in args.ports]
    return [
        *(child for storage, _ in groups for child in storage),
        *(access_children(args.access) if args.access is not None else ()),
        *(child for _, rest in groups for child in rest),
        *(compute_children(args.compute) if args.compute is not None else ()),
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
    job_role_arn: pulumi.Output[str | None]  # None for a retired product

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
        current = args.current.prefix
        self.bucket_name = self.children[f"{current}bucket"].bucket
        self.table_name = self.children[f"{current}table"].name
        self.job_role_arn = self.children["job-role"].arn if "job-role" in self.children else pulumi.Output.from_input(None)
        self.register_outputs({"bucket_name": self.bucket_name, "table_name": self.table_name, "job_role_arn": self.job_role_arn})
