"""A product's side of its agreements: an access point and a key grant for each consumer job, a catalog grant for
each consumer domain's people. Each agreement adds these small resources and changes no other document."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from components import tokens
from components.access import KeyGrant, key_grant_child
from components.policies import READ_KEY_OPERATIONS, Location, access_point_policy
from components.spec import Child

CATALOG_PERMISSIONS = ["DESCRIBE", "SELECT"]


@dataclass(frozen=True)
class AccessPointAgreement:
    """A consumer job reads the product through an access point of its own, decrypting with a grant of its own."""

    consumer: str  # the consumer product's address
    name: str  # the access point's name, and the key grant's
    consumer_role: str  # the consumer job's role ARN
    consumer_account: str
    previous: Sequence[str] = ()  # the consumer's earlier addresses: its agreement survives its rename
    key_operations: Sequence[str] = tuple(READ_KEY_OPERATIONS)  # what its key grant allows (a quality role also writes results)


@dataclass(frozen=True)
class CatalogShare:
    """A consumer domain's people read the product's table through Lake Formation."""

    domain: str
    readers: str  # the domain's readers role ARN


@dataclass(frozen=True)
class ProductSharingArgs:
    location: Location
    database: str
    table: str
    agreements: Sequence[AccessPointAgreement] = ()
    catalog_shares: Sequence[CatalogShare] = ()
    tags: Mapping[str, str] = field(default_factory=dict)


def sharing_children(args: ProductSharingArgs) -> list[Child]:
    loc = args.location
    children: list[Child] = []
    for a in args.agreements:
        arn = loc.access_point_arn(a.name)
        children.append(
            Child(
                tokens.ACCESS_POINT,
                f"to/{a.consumer}/access-point",
                {
                    "name": a.name,
                    "bucket": loc.bucket,
                    "account_id": loc.account,
                    "policy": json.dumps(access_point_policy(arn, a.consumer_role, a.consumer_account)),
                    "public_access_block_configuration": {
                        "blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True,
                    },
                    "tags": {**args.tags, "consumer": a.consumer},
                },
                renamed=[f"to/{old}/access-point" for old in a.previous],
                after=["bucket"],
            )
        )  # fmt: skip
        grant = KeyGrant(a.name, a.consumer_role, list(a.key_operations), loc.encryption_context)
        children.append(key_grant_child(f"to/{a.consumer}/key-grant", grant, after=["bucket"], renamed=[f"to/{old}/key-grant" for old in a.previous]))
    for share in args.catalog_shares:
        table = {"catalogId": loc.account, "databaseName": args.database, "name": args.table}
        props = {"principal": share.readers, "permissions": CATALOG_PERMISSIONS, "catalog_id": loc.account, "table": table}
        children.append(Child(tokens.LF_PERMISSIONS, f"to/{share.domain}/catalog", props, after=["table"]))
    return children
