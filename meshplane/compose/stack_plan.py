"""From the mesh to the components of one stack: a pure function, so tests read every argument.

This is where the environment matters (through the stack's settings); the components only see the
typed arguments built here. `locate` derives names and ARNs, `agreements` both sides of every grant,
`product` and `domain` the arguments of each component.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.base import DataProtection
from components.domain import DataDomainArgs
from components.product import DataProductArgs
from components.providers import AwsProviderArgs, KubernetesProviderArgs, StackProviders
from meshplane.cloud.quotas import QUOTAS
from meshplane.compose.agreements import Agreements, agreements
from components.perimeter import OrganizationPerimeterArgs
from meshplane.cloud.perimeter import AccountPerimeter
from meshplane.compose.domain import domain_args
from meshplane.compose.monitoring import quality_agreements
from meshplane.compose.perimeter import organization, perimeters
from meshplane.compose.product import product_args
from meshplane.compose.tags import MANAGED_BY
from meshplane.declarations.federation import Federation
from meshplane.declarations.mesh import Grant, Mesh, domain_of
from meshplane.declarations.problems import MeshError, Problem
from meshplane.declarations.spec import Product
from meshplane.declarations.stack import StackSettings
from meshplane.declarations.suggest import did_you_mean

__all__ = ["StackPlan", "compose", "protection", "scope"]


@dataclass(frozen=True)
class StackPlan:
    settings: StackSettings
    providers: StackProviders
    domains: list[tuple[str, DataDomainArgs]]
    products: list[tuple[str, DataProductArgs]]
    grants: list[Grant]
    exports: dict[str, dict]  # per product: what the stack exports of it, besides what the cloud answers
    perimeters: list[AccountPerimeter]  # per account of the stack's domains: its SCP and RCP
    organization: OrganizationPerimeterArgs | None  # the perimeter's policies, when the stack names the management account


def providers(settings: StackSettings, domains: list[str]) -> StackProviders:
    """The default account's provider (the cluster's), and one per other account a domain in scope lives in."""
    tags = {"environment": settings.environment.value, "managed-by": MANAGED_BY}

    def aws(account: str) -> AwsProviderArgs:
        return AwsProviderArgs(settings.region, account, tags, settings.aws_endpoint, settings.role_of(account))

    used = {settings.account_of(d) for d in domains}
    accounts = {account: aws(account) for account in settings.all_accounts()[1:] if account in used}
    management = settings.organizations_management_account
    if management is not None:  # the perimeter's policies are created there
        accounts[management.account_id] = AwsProviderArgs(settings.region, management.account_id, tags, settings.aws_endpoint, management.role_arn)

    return StackProviders(
        aws=aws(settings.account_id),
        kubernetes=KubernetesProviderArgs(context=settings.kube_context, render_to=settings.render_manifests),
        accounts=accounts,
    )


def exports(args: DataProductArgs, inputs: list[str]) -> dict:
    parameters = args.catalog.parameters
    return {
        "table": f"{args.catalog.database}.{args.catalog.table}",
        "owner": parameters["owner"],
        "classification": parameters["data_classification"],
        "inputs": inputs,
    }


def scope(mesh: Mesh, settings: StackSettings) -> list[str]:
    """The domains this stack deploys; a domain it names that the mesh does not hold is an error, not an empty stack
    (the command's own check says where: `meshplane.declarations.deployments.unknown_domains`)."""
    unknown = [d for d in settings.domains or () if d not in mesh.domains and d not in mesh.partial]
    if unknown:
        raise MeshError([Problem("stack config", 1, f"the stack names unknown domain {d!r}{did_you_mean(d, mesh.domains)}") for d in unknown])
    if settings.domains is not None:
        return sorted(settings.domains)
    return [d for d in mesh.domains if d not in (settings.exclude_domains or ())]


def protection(settings: StackSettings, product: Product | None) -> DataProtection:
    """Two keys destroy data: the stack allows it AND the product asks for it. Otherwise the environment decides."""
    if settings.allow_data_destruction and product is not None and product.destroy_data:
        return DataProtection.disposable
    return DataProtection.protected if settings.protect_data else DataProtection.standard


def compose(mesh: Mesh, settings: StackSettings, federation: Federation) -> StackPlan:
    """Every component argument for the stack's domains, in a stable order."""
    in_scope = scope(mesh, settings)
    grants = mesh.grants(federation.open_classifications)
    domains = set(in_scope)  # both sides of the scope's agreements, none of the rest of the mesh
    agreed: Agreements = agreements(mesh, settings, [g for g in grants if domain_of(g.producer) in domains or g.consumer_domain in domains])
    quality_agreements(mesh, settings, in_scope, agreed)
    budget = int(QUOTAS["iam.managed-policy-size"].default * federation.headroom) - 1  # below the headroom, not at it
    domains = [(d, domain_args(mesh, settings, d, agreed, budget, protection(settings, None))) for d in in_scope]
    products = [
        (p.address, product_args(mesh, settings, p, agreed, budget, protection, federation.noncurrent_version_days))
        for d in in_scope
        for p in mesh.products_of(d)
    ]
    inputs = {a: [p for p, _ in agreed.inputs.get(a, [])] for a, _ in products}
    perimeter = perimeters(settings, in_scope)
    return StackPlan(
        settings=settings,
        providers=providers(settings, in_scope),
        domains=domains,
        products=products,
        grants=grants,
        exports={a: exports(args, inputs[a]) for a, args in products},
        perimeters=perimeter,
        organization=organization(settings, perimeter),
    )
