"""The documents of a deployment that decide access, as plain data (read back by meshplane.local.readback)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Principal:
    arn: str  # a role's ARN
    policies: tuple[dict, ...]  # its identity policies: inline and attached managed, as documents

    @property
    def account(self) -> str:
        return self.arn.split(":")[4]


@dataclass(frozen=True)
class Bucket:
    name: str
    account: str
    policy: dict | None
    key: str | None  # the ARN of the key its default encryption uses

    @property
    def arn(self) -> str:
        return f"arn:aws:s3:::{self.name}"


@dataclass(frozen=True)
class AccessPoint:
    name: str
    account: str
    region: str
    bucket: str
    policy: dict | None

    @property
    def arn(self) -> str:
        return f"arn:aws:s3:{self.region}:{self.account}:accesspoint/{self.name}"


@dataclass(frozen=True)
class Grant:
    name: str
    grantee: str
    operations: tuple[str, ...]
    constraints: dict  # {"EncryptionContextSubset": {...}} or {"EncryptionContextEquals": {...}}


@dataclass(frozen=True)
class Key:
    arn: str
    account: str
    policy: dict
    grants: tuple[Grant, ...] = ()


@dataclass(frozen=True)
class Table:
    account: str
    region: str
    database: str
    name: str
    location: str  # s3://bucket/

    @property
    def arn(self) -> str:
        return f"arn:aws:glue:{self.region}:{self.account}:table/{self.database}/{self.name}"

    @property
    def database_arn(self) -> str:
        return f"arn:aws:glue:{self.region}:{self.account}:database/{self.database}"

    @property
    def catalog_arn(self) -> str:
        return f"arn:aws:glue:{self.region}:{self.account}:catalog"


@dataclass(frozen=True)
class CatalogGrant:
    """A Lake Formation permission on a table, or on every table of a database (`table` None)."""

    catalog: str
    principal: str
    database: str
    table: str | None
    permissions: tuple[str, ...]


@dataclass
class Deployment:
    region: str
    principals: dict[str, Principal] = field(default_factory=dict)  # by ARN
    buckets: dict[str, Bucket] = field(default_factory=dict)  # by name
    access_points: list[AccessPoint] = field(default_factory=list)
    keys: dict[str, Key] = field(default_factory=dict)  # by ARN
    tables: dict[str, Table] = field(default_factory=dict)  # by bucket name (a product's table reads its bucket)
    catalog_grants: list[CatalogGrant] = field(default_factory=list)
    locations: dict[str, str] = field(default_factory=dict)  # bucket ARN -> the role Lake Formation reads it with
