"""Every action a principal may take on a product, decided over a deployment's documents.

    list      s3:ListBucket on the bucket, directly or through any of its access points
    read      s3:GetObject on an object, directly or through any of its access points
    write     s3:PutObject on an object, and kms:GenerateDataKey through S3 for it
    decrypt   kms:Decrypt as S3 calls it on the reader's behalf (kms:ViaService S3, the bucket's encryption context)
    catalog   glue:GetTable on the product's table, as IAM and Lake Formation allow it
    query     the product's data through Lake Formation (GetDataAccess, SELECT, and its location's role able to read it)
    kms-direct  kms:Decrypt on the domain key outside S3: denied to every principal, whatever its policies
"""

from __future__ import annotations

from collections import defaultdict
from enum import Enum

from meshplane.evaluator import access_points, grants, iam, lakeformation
from meshplane.evaluator.model import AccessPoint, Bucket, CatalogGrant, Deployment, Grant, Key, Principal, Table

PROBE = "meshplane/probe"  # the object every object action is decided for
CONTEXT = {"aws:SecureTransport": "true"}


class Action(str, Enum):
    list = "list"
    read = "read"
    write = "write"
    decrypt = "decrypt"
    catalog = "catalog"
    query = "query"
    kms_direct = "kms-direct"


# how each cell is decided: by principalmapper alone, or (also) by a model of AWS's documented semantics
MODELLED = {
    Action.list: "access point requests modelled (meshplane.evaluator.access_points)",
    Action.read: "access point requests modelled (meshplane.evaluator.access_points)",
    Action.write: "access point requests modelled; key use decided with the key policy and modelled grants",
    Action.decrypt: "key policy by principalmapper; grants modelled (meshplane.evaluator.grants)",
    Action.catalog: "Lake Formation modelled (meshplane.evaluator.lakeformation)",
    Action.query: "Lake Formation modelled (meshplane.evaluator.lakeformation)",
    Action.kms_direct: "key policy by principalmapper; grants modelled (meshplane.evaluator.grants)",
}


class Decider:
    """Decides cells over a deployment's documents, indexed once: the access points of each bucket, the grants of
    each key by grantee, the catalog grants by principal and database. Deciding one cell reads only what is about
    its principal and product, whatever the mesh's size."""

    def __init__(self, deployment: Deployment):
        self.d = deployment
        self._nodes: dict[str, iam.Node] = {}
        self.via_s3 = f"s3.{deployment.region}.amazonaws.com"
        self.points: dict[str, list[AccessPoint]] = defaultdict(list)  # bucket name -> its access points
        for point in deployment.access_points:
            self.points[point.bucket].append(point)
        self.grants: dict[tuple[str, str], tuple[Grant, ...]] = {}  # (key ARN, grantee) -> its grants on that key
        for key in deployment.keys.values():
            mine: dict[str, list[Grant]] = defaultdict(list)
            for grant in key.grants:
                mine[grant.grantee].append(grant)
            self.grants.update({(key.arn, grantee): tuple(found) for grantee, found in mine.items()})
        self.catalog_grants: dict[tuple[str, str, str], list[CatalogGrant]] = defaultdict(list)  # (principal, catalog, database)
        for g in deployment.catalog_grants:
            self.catalog_grants[(g.principal, g.catalog, g.database)].append(g)

    def node(self, principal: Principal) -> iam.Node:
        if principal.arn not in self._nodes:
            self._nodes[principal.arn] = iam.node(principal.arn, principal.policies)
        return self._nodes[principal.arn]

    # S3 -------------------------------------------------------------------------------------------

    def s3(self, principal: Principal, action: str, bucket: Bucket, key: str | None) -> bool:
        """`action` on the bucket (no `key`) or one of its objects, directly or through any access point on it."""
        node = self.node(principal)
        resource = bucket.arn if key is None else f"{bucket.arn}/{key}"
        if iam.allowed(node, action, resource, CONTEXT, bucket.policy, bucket.account):
            return True
        return any(access_points.through(node, action, p, bucket, key) for p in self.points.get(bucket.name, ()))

    # KMS ------------------------------------------------------------------------------------------

    def kms(self, principal: Principal, action: str, key: Key, context: dict[str, str]) -> bool:
        node = self.node(principal)
        if iam.allowed(node, action, key.arn, context, key.policy, key.account):
            return True
        if grants.granted(self.grants.get((key.arn, principal.arn), ()), principal.arn, action, context) is None:
            return False
        if iam.resource_says(node, key.account, key.policy, action, key.arn, context) is iam.Match.deny:
            return False  # a key policy's Deny overrides a grant
        if iam.identity_denies(node, action, key.arn, context):
            return False  # so does an IAM Deny
        return principal.account == key.account or iam.identity_allows(node, action, key.arn, context)

    def through_s3(self, principal: Principal, bucket: Bucket) -> dict[str, str]:
        return {"kms:ViaService": self.via_s3, "kms:CallerAccount": principal.account, "kms:EncryptionContext:aws:s3:arn": bucket.arn}

    # the catalog ----------------------------------------------------------------------------------

    def catalog(self, principal: Principal, table: Table) -> bool:
        node = self.node(principal)
        levels = (table.catalog_arn, table.database_arn, table.arn)
        if not all(iam.identity_allows(node, "glue:GetTable", arn, CONTEXT) for arn in levels):
            return False
        return lakeformation.describes(self._catalog_grants(principal, table), principal.arn, table)

    def _catalog_grants(self, principal: Principal, table: Table) -> list[CatalogGrant]:
        return self.catalog_grants.get((principal.arn, table.account, table.database), [])

    def query(self, principal: Principal, table: Table, bucket: Bucket) -> bool:
        if not (self.catalog(principal, table) and lakeformation.selects(self._catalog_grants(principal, table), principal.arn, table)):
            return False
        if not iam.identity_allows(self.node(principal), "lakeformation:GetDataAccess", "*", CONTEXT):
            return False
        reader = self.d.principals.get(self.d.locations.get(bucket.arn, ""))
        return reader is not None and self.s3(reader, "s3:GetObject", bucket, PROBE) and self.decrypt(reader, bucket)

    # the cell -------------------------------------------------------------------------------------

    def decrypt(self, principal: Principal, bucket: Bucket) -> bool:
        key = self.d.keys.get(bucket.key or "")
        return key is not None and self.kms(principal, "kms:Decrypt", key, self.through_s3(principal, bucket))

    def cell(self, principal: Principal, bucket: Bucket) -> dict[Action, bool]:
        key = self.d.keys.get(bucket.key or "")
        table = self.d.tables.get(bucket.name)
        write = self.s3(principal, "s3:PutObject", bucket, PROBE) and key is not None and self.kms(
            principal, "kms:GenerateDataKey", key, self.through_s3(principal, bucket)
        )
        return {
            Action.list: self.s3(principal, "s3:ListBucket", bucket, None),
            Action.read: self.s3(principal, "s3:GetObject", bucket, PROBE),
            Action.write: write,
            Action.decrypt: self.decrypt(principal, bucket),
            Action.catalog: table is not None and self.catalog(principal, table),
            Action.query: table is not None and self.query(principal, table, bucket),
            Action.kms_direct: key is not None and self.kms(principal, "kms:Decrypt", key, {"kms:CallerAccount": principal.account}),
        }
