"""Where each thing of a stack is: names, ARNs and accounts, derived from the declarations and the stack's settings.

Every stack derives the same names for the same declarations, so a producer's stack can name a
consumer's role (and a consumer's stack a producer's access point) without reading the other's state.
"""

from __future__ import annotations

from components.policies import Administrators, DomainPrincipals, Location
from meshplane.cloud import naming
from meshplane.declarations.mesh import DeclaredProduct
from meshplane.declarations.stack import StackSettings


def location(settings: StackSettings, declared: DeclaredProduct, version: int = 1) -> Location:
    """Where major version `version` of the product's output port keeps its data: a bucket of its own."""
    return Location(
        bucket=naming.bucket_name(settings.name_prefix, declared.domain, naming.port_identity(declared.identity, version)),
        key_alias=naming.key_alias(settings.name_prefix, declared.domain),
        region=settings.region,
        account=settings.account_of(declared.domain),
    )


def identity_address(declared: DeclaredProduct) -> str:
    """The product's address under its oldest name: what its physical names (and its agreements') are derived from."""
    return f"{declared.domain}/{declared.identity}"


def previous_addresses(declared: DeclaredProduct) -> tuple[str, ...]:
    """The product's earlier addresses: its resources (and the agreements on it) carry them as aliases."""
    return tuple(f"{declared.domain}/{old}" for old in declared.spec.previous_names)


def job_role_arn(settings: StackSettings, declared: DeclaredProduct) -> str:
    return naming.role_arn(settings.account_of(declared.domain), naming.job_role_name(settings.name_prefix, declared.domain, declared.identity))


def broker_arn(settings: StackSettings, domain: str) -> str | None:
    """The domain's Pod Identity broker in the cluster's account; None when the domain lives in that account."""
    if settings.account_of(domain) == settings.account_id:
        return None
    return naming.role_arn(settings.account_id, naming.broker_role_name(settings.name_prefix, domain))


def domain_principals(settings: StackSettings, domain: str) -> DomainPrincipals:
    account, prefix = settings.account_of(domain), settings.name_prefix
    return DomainPrincipals(
        readers=naming.role_arn(account, naming.reader_role_name(prefix, domain)),
        lakeformation=naming.role_arn(account, naming.lakeformation_role_name(prefix, domain)),
        quality=naming.role_arn(account, naming.quality_role_name(prefix, domain)),
    )


def administrators(settings: StackSettings, domain: str) -> Administrators:
    """Who administers the domain's keys and bucket policies: its account's deployer and break-glass roles."""
    account = settings.account_of(domain)
    return Administrators(deployer=settings.deployer(account), break_glass=settings.break_glass(account))


def access_points(settings: StackSettings, declared: DeclaredProduct, version: int = 1) -> str:
    """The ARN pattern of every access point of the port's bucket (one per agreement)."""
    prefix = naming.access_point_prefix(settings.name_prefix, declared.domain, naming.port_identity(declared.identity, version))
    return location(settings, declared, version).access_point_arn(f"{prefix}-*")


def access_point_arn(settings: StackSettings, producer: DeclaredProduct, consumer: DeclaredProduct, version: int = 1) -> str:
    return location(settings, producer, version).access_point_arn(agreement_name(settings, producer, consumer, version))


def agreement_name(settings: StackSettings, producer: DeclaredProduct, consumer: DeclaredProduct, version: int = 1) -> str:
    port = naming.port_identity(producer.identity, version)
    return naming.access_point_name(settings.name_prefix, (producer.domain, port), (consumer.domain, consumer.identity))


def glue_table(settings: StackSettings, declared: DeclaredProduct, version: int = 1) -> tuple[str, str]:
    """The (database, table) of the port's major version `version` in the Glue Data Catalog."""
    return naming.glue_database(settings.name_prefix, declared.domain), naming.glue_table(naming.port_identity(declared.identity, version))


def table_arn(settings: StackSettings, declared: DeclaredProduct, version: int = 1) -> str:
    database, table = glue_table(settings, declared, version)
    return f"arn:aws:glue:{settings.region}:{settings.account_of(declared.domain)}:table/{database}/{table}"

