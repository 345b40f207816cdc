"""Every agreement of the mesh, seen from each side: what the producer's quantum provisions for it, and what the
consumer's identity names for it.

A grant (`meshplane.declarations.mesh.Grant`) is one consumer product reading one producer product. The producer makes
the consumer's job an access point and a key grant; the consumer's job names that access point. A
consumer domain's people read what its products read, through the catalog: the producer grants the
domain's readers its table (once per domain), the readers name the table.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from components.sharing import AccessPointAgreement, CatalogShare
from meshplane.compose import locate
from meshplane.compose.packing import Entry
from meshplane.declarations.mesh import DeclaredProduct, Grant, Mesh, domain_of
from meshplane.declarations.stack import StackSettings


@dataclass
class Agreements:
    access_points: dict[tuple[str, int], list[AccessPointAgreement]] = field(default_factory=lambda: defaultdict(list))  # producer port -> jobs
    catalog_shares: dict[tuple[str, int], list[CatalogShare]] = field(default_factory=lambda: defaultdict(list))  # producer port -> domains
    job_entries: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))  # consumer product -> access points
    reader_entries: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))  # consumer domain -> tables
    inputs: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))  # consumer -> (producer, access point)


def agreements(mesh: Mesh, settings: StackSettings, grants: list[Grant]) -> Agreements:
    found = Agreements()
    shared: set[tuple[str, int, str]] = set()
    for grant in grants:
        producer, consumer, version = mesh.products[grant.producer], mesh.products[grant.consumer], grant.version
        port = (grant.producer, version)
        key = port_key(producer, version)
        found.access_points[port].append(
            AccessPointAgreement(
                consumer=consumer.address,
                name=locate.agreement_name(settings, producer, consumer, version),
                consumer_role=locate.job_role_arn(settings, consumer),
                consumer_account=settings.account_of(consumer.domain),
                previous=locate.previous_addresses(consumer),
            )
        )
        access_point = locate.access_point_arn(settings, producer, consumer, version)
        bucket = locate.location(settings, producer, version).bucket_arn
        # the producer's bucket too: AWS's action table lists its objects as required for s3:GetObject
        found.job_entries[grant.consumer].append(Entry(key, (access_point, f"{access_point}/object/*", bucket, f"{bucket}/*")))
        found.inputs[grant.consumer].append((grant.producer, access_point))
        domain = domain_of(grant.consumer)
        if domain != producer.domain and (grant.producer, version, domain) not in shared:
            shared.add((grant.producer, version, domain))
            found.catalog_shares[port].append(CatalogShare(domain, locate.domain_principals(settings, domain).readers))
            found.reader_entries[domain].append(Entry(key, (locate.table_arn(settings, producer, version),)))
    for shares in found.catalog_shares.values():
        shares.sort(key=lambda s: s.domain)
    return found


def port_key(producer: DeclaredProduct, version: int) -> str:
    """What a consumer's slots pack an agreement by: the producer port's address under its oldest name (stable
    through renames), marked with its major version past the first."""
    key = locate.identity_address(producer)
    return key if version == 1 else f"{key}@{version}"
