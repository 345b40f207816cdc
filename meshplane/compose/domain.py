"""The arguments of one DataDomain."""

from __future__ import annotations

from components.base import DataProtection
from components.domain import DataDomainArgs, PodBroker
from components.policies import broker_policy, catalog_reads, readers_policy
from meshplane.cloud import naming
from meshplane.compose import locate
from meshplane.compose.agreements import Agreements
from meshplane.compose.monitoring import domain_monitoring
from meshplane.compose.slots import slots
from meshplane.compose.tags import domain_labels, domain_tags
from meshplane.declarations.mesh import Mesh
from meshplane.declarations.stack import StackSettings


def domain_args(mesh: Mesh, settings: StackSettings, domain: str, agreed: Agreements, budget: int, guard: DataProtection) -> DataDomainArgs:
    spec = mesh.domains[domain].spec
    prefix, account = settings.name_prefix, settings.account_of(domain)
    reader_role = naming.reader_role_name(prefix, domain)
    database = naming.glue_database(prefix, domain)
    entries = agreed.reader_entries.get(domain, [])
    return DataDomainArgs(
        key_alias=naming.key_alias(prefix, domain),
        database=database,
        namespace=naming.k8s_name(domain),
        reader_role=reader_role,
        lakeformation_role=naming.lakeformation_role_name(prefix, domain),
        account=account,
        region=settings.region,
        principals=locate.domain_principals(settings, domain),
        admins=locate.administrators(settings, domain),
        readers_policy=readers_policy(account, settings.region, database),
        slots=slots(reader_role, entries, catalog_reads, budget),
        broker=broker(settings, domain),
        description=spec.description,
        protection=guard,
        tags=domain_tags(mesh.domains[domain]),
        labels=domain_labels(domain),
        monitoring=domain_monitoring(mesh, settings, domain, domain_tags(mesh.domains[domain])),
    )


def broker(settings: StackSettings, domain: str) -> PodBroker | None:
    if locate.broker_arn(settings, domain) is None:
        return None
    # any role of the stack in the domain's account: only the domain's jobs trust this broker, and a name cut to fit
    # IAM's length (meshplane.cloud.naming.fit) may have lost the domain's name
    jobs = naming.role_arn(settings.account_of(domain), f"{settings.name_prefix}-*")
    return PodBroker(role_name=naming.broker_role_name(settings.name_prefix, domain), policy=broker_policy(jobs))
