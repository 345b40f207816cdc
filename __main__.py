"""meshplane: one data product quantum per product, for the stack's environment and domains."""

import pulumi

from components.domain import DataDomain
from components.perimeter import OrganizationPerimeter
from components.product import DataProduct
from components.providers import aws_provider, aws_provider_name, kubernetes_provider
from meshplane.declarations.problems import MeshError
from meshplane.declarations.stack import settings_from, stack_file
from meshplane.registrations.program import load_stack
from meshplane.registrations.project import find_root

config = pulumi.Config("meshplane")
try:
    root = find_root()  # the Pulumi CLI runs the program in its project's folder
    plan = load_stack(settings_from(config.get, stack_file(pulumi.get_stack()), root), root, stack=pulumi.get_stack())
except MeshError as exc:
    failure = pulumi.RunError(f"the mesh has problems; nothing is provisioned:\n{exc}")
    failure.problems = exc.problems  # for `meshplane plan` and `up --local`, which run this program in-process
    raise failure from None

cluster = aws_provider(aws_provider_name(None), plan.providers.aws)
kubernetes = kubernetes_provider("kubernetes", plan.providers.kubernetes)
accounts = {account: aws_provider(aws_provider_name(account), args) for account, args in plan.providers.accounts.items()}


def placed(domain: str) -> pulumi.ResourceOptions:
    """A domain's resources go to its account's provider; the cluster's account keeps its Pod Identity."""
    return pulumi.ResourceOptions(providers={"aws": accounts.get(plan.settings.account_of(domain), cluster), "kubernetes": kubernetes})


domains = {name: DataDomain(name, args, opts=placed(name), providers={"cluster": cluster}) for name, args in plan.domains}
catalog = {}
for address, args in plan.products:
    name = address.split("/")[0]
    opts = pulumi.ResourceOptions.merge(placed(name), pulumi.ResourceOptions(depends_on=[domains[name]]))
    product = DataProduct(address, args, domains[name], opts=opts, providers={"cluster": cluster})
    catalog[address] = {**plan.exports[address], "bucket": product.bucket_name, "job_role": product.job_role_arn}

if plan.organization is not None:  # in the organization's management account
    management = accounts[plan.settings.organizations_management_account.account_id]
    OrganizationPerimeter("perimeter", plan.organization, opts=pulumi.ResourceOptions(providers={"aws": management}))

pulumi.export("environment", plan.settings.environment.value)
pulumi.export("products", catalog)
