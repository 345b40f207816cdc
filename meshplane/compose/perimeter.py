"""The perimeter of a stack: one SCP and one RCP per account its domains live in (meshplane.cloud.perimeter), each
leaving administration to that account's deployer and break-glass roles."""

from __future__ import annotations

from components.perimeter import OrganizationPerimeterArgs, PerimeterPolicy, PolicyType
from meshplane.cloud.perimeter import AccountPerimeter, account_perimeter, check
from meshplane.declarations.problems import MeshError, Problem
from meshplane.declarations.stack import StackSettings


def perimeters(settings: StackSettings, domains: list[str]) -> list[AccountPerimeter]:
    """The default account first (when a domain lives there), then the others in order."""
    used = {settings.account_of(d) for d in domains}
    return [account_perimeter(a, settings.deployer(a), settings.break_glass(a)) for a in settings.all_accounts() if a in used]


def organization(settings: StackSettings, found: list[AccountPerimeter]) -> OrganizationPerimeterArgs | None:
    """The perimeter as `aws:organizations` policies, when the stack names its organization's management account; a
    perimeter AWS would refuse (a document too long, too many policies on an account) is an error."""
    if settings.organizations_management_account is None:
        return None
    problems = check(found)
    if problems:
        raise MeshError([Problem("stack config", 1, f"meshplane:organizationsManagementAccount: {p}") for p in problems])
    return OrganizationPerimeterArgs(
        policies=[
            PerimeterPolicy(p.account, kind, f"{settings.name_prefix}-{p.account}-data-administration-{kind.name}", document)
            for p in found
            for kind, document in ((PolicyType.scp, p.scp), (PolicyType.rcp, p.rcp))
        ]
    )
