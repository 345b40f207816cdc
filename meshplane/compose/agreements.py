"""Every agreement of the mesh, seen from each side: what the producer's quantum provisions for it, and what the
consumer's identity names for it.

A grant (`meshplane.mesh.Grant`) is one consumer product reading one producer product. The producer makes
the consumer's job an access point and a key grant; the consumer's job names that access point. A
consumer domain's people read what its products read, through the catalog: the producer grants the
domain's readers its table (once per domain), the readers name the table.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from components.sharing import AccessPointAgreement, CatalogShare
from meshplane.compose import locate
from meshplane.mesh import Grant, Mesh, domain_of
from meshplane.packing import Entry
from meshplane.stack import StackSettings


@dataclass
class Agreements:
    access_points: dict[str, list[AccessPointAgreement]] = field(default_factory=lambda: defaultdict(list))  # producer -> jobs
    catalog_shares: dict[str, list[CatalogShare]] = field(default_factory=lambda: defaultdict(list))  # producer -> domains
    job_entries: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))  # consumer product -> access points
    reader_entries: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))  # consumer domain -> tables
    inputs: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))  # consumer -> (producer, access point)


def agreements(mesh: Mesh, settings: StackSettings, grants: list[Grant]) -> Agreements:
    found = Agreements()
    shared: set[tuple[str, str]] = set()
    for grant in grants:
        producer, consumer = mesh.products[grant.producer], mesh.products[grant.consumer]
        key = locate.identity_address(producer)
        found.access_points[grant.producer].append(
            AccessPointAgreement(
                consumer=consumer.address,
                name=locate.agreement_name(settings, producer, consumer),
                consumer_role=locate.job_role_arn(settings, consumer),
                consumer_account=settings.account_of(consumer.domain),
                previous=locate.previous_addresses(consumer),
            )
        )
        access_point = locate.access_point_arn(settings, producer, consumer)
        bucket = locate.location(settings, producer).bucket_arn
        # the producer's bucket too: AWS's action table lists its objects as required for s3:GetObject
        found.job_entries[grant.consumer].append(Entry(key, (access_point, f"{access_point}/object/*", bucket, f"{bucket}/*")))
        found.inputs[grant.consumer].append((grant.producer, access_point))
        domain = domain_of(grant.consumer)
        if domain != producer.domain and (grant.producer, domain) not in shared:
            shared.add((grant.producer, domain))
            found.catalog_shares[grant.producer].append(CatalogShare(domain, locate.domain_principals(settings, domain).readers))
            found.reader_entries[domain].append(Entry(key, (locate.table_arn(settings, producer),)))
    for shares in found.catalog_shares.values():
        shares.sort(key=lambda s: s.domain)
    return found
