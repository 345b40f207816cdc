"""The arguments of what watches the promises: each served version's monitors, and each domain's routing, quality
role and dashboard. Names come from the product's oldest name (`meshplane.cloud.naming`), so a rename replaces nothing."""

from __future__ import annotations

import math

from components.monitoring import ALARM_PERIOD, QUALITY_EVENT, quality_failed, DashboardEntry, DomainMonitoringArgs, FreshnessArgs, PortMonitorArgs, QualityArgs
from components.policies import OWN_KEY_OPERATIONS, alerts_key_policy, quality_policy, quality_trust, topic_policy
from components.sharing import AccessPointAgreement, CatalogShare
from meshplane.cloud import naming
from meshplane.cloud.quotas import QUOTAS
from meshplane.compose import locate
from meshplane.compose.agreements import Agreements
from meshplane.compose.quality import evaluation_schedule, own_schedules, rule_schedule, ruleset_text, warnings_text
from meshplane.declarations.mesh import DeclaredProduct, Mesh, serves
from meshplane.declarations.resolve import resolve
from meshplane.declarations.spec import OutputPort, Product
from meshplane.declarations.stack import StackSettings


def topic_arn(settings: StackSettings, domain: str) -> str:
    return f"arn:aws:sns:{settings.region}:{settings.account_of(domain)}:{naming.alerts_topic_name(settings.name_prefix, domain)}"


def quality_role_arn(settings: StackSettings, domain: str) -> str:
    return naming.role_arn(settings.account_of(domain), naming.quality_role_name(settings.name_prefix, domain))


def alarm_arn(settings: StackSettings, declared: DeclaredProduct, version: int) -> str:
    name = naming.freshness_alarm_name(locate.location(settings, declared, version).bucket)
    return f"arn:aws:cloudwatch:{settings.region}:{settings.account_of(declared.domain)}:alarm:{name}"


def alarm_hours(freshness_hours: float) -> int:
    """The hourly data points a freshness alarm looks at: the promise, within the longest range CloudWatch evaluates
    (a longer promise is governance's finding, not a second one here)."""
    longest = QUOTAS["cloudwatch.alarm-window"].default // ALARM_PERIOD
    return max(1, min(longest, math.ceil(freshness_hours)))


def port_monitors(settings: StackSettings, declared: DeclaredProduct, product: Product, version: int, port: OutputPort, tags: dict) -> PortMonitorArgs:
    """A served version's freshness alarm (when the product promises freshness) and quality ruleset; nothing for a
    version no longer served."""
    if not serves(product, version):
        return PortMonitorArgs(None, None)
    bucket = locate.location(settings, declared, version).bucket
    database, table = locate.glue_table(settings, declared, version)
    slo = product.service_levels
    freshness = None
    if slo is not None:
        freshness = FreshnessArgs(bucket, naming.freshness_alarm_name(bucket), slo.freshness_hours, topic_arn(settings, declared.domain),
                                  alarm_hours(slo.freshness_hours))
    def evaluation(own: str | None) -> QualityArgs:
        key = naming.schedule_key(own) if own else ""
        return QualityArgs(
            ruleset_name=naming.quality_ruleset_name(bucket, key),
            ruleset=ruleset_text(port, own),
            database=database,
            table=table,
            account=settings.account_of(declared.domain),
            schedule_name=naming.quality_schedule_name(bucket, key),
            schedule=rule_schedule(own) if own else evaluation_schedule(product.job.schedule),
            role_arn=quality_role_arn(settings, declared.domain),
            enabled=not product.job.suspended,
            key=key,
            **({"warnings_name": naming.quality_warnings_ruleset_name(bucket, key), "warnings": w} if (w := warnings_text(port, own)) else {}),
        )

    return PortMonitorArgs(freshness, evaluation(None), description=f"data product {declared.address}",
                           tags=tags if version == 1 else {**tags, "port-version": str(version)},
                           scheduled=tuple(evaluation(own) for own in own_schedules(port)))  # fmt: skip


def served(mesh: Mesh, settings: StackSettings, domain: str) -> list[tuple[DeclaredProduct, int]]:
    """Every served version of the domain's products, as the environment resolves them."""
    found = []
    for declared in mesh.products_of(domain):
        product = resolve(declared.spec, settings.environment)
        versions = sorted({p.version for p in product.previous_outputs} | {product.output.version})
        found += [(declared, v) for v in versions if serves(product, v)]
    return found


def quality_name(settings: StackSettings, producer: DeclaredProduct, version: int) -> str:
    """The access point (and key grant) a domain's quality role reads a version of one of its products through."""
    port = naming.port_identity(producer.identity, version)
    return naming.access_point_name(settings.name_prefix, (producer.domain, port), (producer.domain, naming.QUALITY_CONSUMER))


def quality_access_points(settings: StackSettings, domain: str) -> str:
    """The ARN pattern of every access point made for the domain's quality role: each ends in the same hash."""
    tail = naming.digest(f"{domain}/{naming.QUALITY_CONSUMER}", 10)
    return f"arn:aws:s3:{settings.region}:{settings.account_of(domain)}:accesspoint/{settings.name_prefix}-*-{tail}"


def quality_buckets(mesh: Mesh, settings: StackSettings, domain: str) -> list[str]:
    """The domain's buckets, as one pattern when every name keeps the domain's head (`naming.fit` cuts long names at
    their end), else each: the quality role's policy stays the same size whatever the domain's size."""
    head = f"{settings.name_prefix}-{domain}-"
    if len(head) + 1 + 8 < naming.S3_BUCKET_MAX:
        return [f"arn:aws:s3:::{head}*"]
    return sorted({locate.location(settings, p, v).bucket_arn for p, v in served(mesh, settings, domain)})


def quality_agreements(mesh: Mesh, settings: StackSettings, domains: list[str], agreed: Agreements) -> None:
    """The quality role of each domain in scope reads each served version of its domain's products as a consumer does:
    an access point and a key grant of its own (the grant also lets it encrypt its results), and its table through
    Lake Formation."""
    for domain in domains:
        role = quality_role_arn(settings, domain)
        for producer, version in served(mesh, settings, domain):
            port = (producer.address, version)
            agreed.access_points[port].append(AccessPointAgreement(
                consumer=f"{domain}.quality", name=quality_name(settings, producer, version), consumer_role=role,
                consumer_account=settings.account_of(domain), key_operations=tuple(OWN_KEY_OPERATIONS),
            ))  # fmt: skip
            agreed.catalog_shares[port].append(CatalogShare(f"{domain}.quality", role))


def domain_monitoring(mesh: Mesh, settings: StackSettings, domain: str, tags: dict) -> DomainMonitoringArgs:
    prefix, account, region = settings.name_prefix, settings.account_of(domain), settings.region
    rule = naming.quality_failures_rule_name(prefix, domain)
    database = naming.glue_database(prefix, domain)
    entries = []
    for declared in mesh.products_of(domain):
        product = resolve(declared.spec, settings.environment)
        if serves(product, product.output.version):
            bucket = locate.location(settings, declared, product.output.version).bucket
            entries.append(DashboardEntry(
                declared.address,
                alarm_arn(settings, declared, product.output.version) if product.service_levels is not None else None,
                naming.quality_ruleset_name(bucket),
                region,
            ))  # fmt: skip
    role = quality_role_arn(settings, domain)
    topic = topic_arn(settings, domain)
    pattern = {"source": [QUALITY_EVENT["source"]], "detail-type": [QUALITY_EVENT["detail-type"]], "detail": quality_failed(database)}
    return DomainMonitoringArgs(
        quality_role=naming.quality_role_name(prefix, domain),
        quality_trust=quality_trust(account, settings.deployer(account)),
        quality_policy=quality_policy(quality_access_points(settings, domain), quality_buckets(mesh, settings, domain), database, role, region, account),
        alerts_key_alias=naming.alerts_key_alias(prefix, domain),
        alerts_key_policy=alerts_key_policy(account, locate.administrators(settings, domain)),
        topic_name=naming.alerts_topic_name(prefix, domain),
        topic_arn=topic,
        topic_policy=topic_policy(topic, account, region, f"arn:aws:events:{region}:{account}:rule/{rule}"),
        contact=str(mesh.domains[domain].spec.contact),
        failures_rule=rule,
        failures_pattern=pattern,
        dashboard_name=naming.dashboard_name(prefix, domain),
        dashboard=entries,
        tags=tags,
    )
