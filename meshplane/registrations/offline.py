"""The stack as governance sees it, without the Pulumi engine: composed, its registrations built, its quotas known.

`validate` and `quotas` work from this in seconds on a large mesh; `plan`, `up --local` and the CrossGuard
pack run the real program under the engine, and a test pins the two inventories equal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from meshplane.cloud.inventory import Resource
from meshplane.cloud.quotas import QuotaBook
from meshplane.compose.stack_plan import StackPlan, compose
from meshplane.declarations.problems import MeshError
from meshplane.declarations.shared_names import collisions
from meshplane.governance.usage import Usage, usage
from meshplane.registrations.inventory_build import build
from meshplane.registrations.project import Project


@dataclass(frozen=True)
class OfflineStack:
    plan: StackPlan
    resources: list[Resource]
    book: QuotaBook

    def usage(self) -> list[Usage]:
        return usage(self.resources, self.book)


def quota_book(project: Project) -> QuotaBook:
    """The quotas the project's stack declares raised, per account, and where each account is declared."""
    settings, stack = project.settings, project.stack
    places = {a: (stack.file, stack.line_of("accounts" if a != settings.account_id else "accountId")) for a in settings.all_accounts()}
    return QuotaBook({a: settings.raised(a) for a in settings.all_accounts()}, places, settings.account_id)


def offline(project: Project, whole_mesh: bool = False) -> OfflineStack:
    """The project's stack; with `whole_mesh`, every domain its accounts hold, as their quotas see them (every
    domain of the environment for a stack of them all, else its own and those sharing their accounts)."""
    settings, book = project.settings, quota_book(project)
    clashes = collisions(project.mesh, settings.name_prefix)
    if clashes:
        raise MeshError(clashes)
    if whole_mesh:
        settings = settings.model_copy(update={"domains": quota_scope(project), "exclude_domains": None})
        book = replace(book, partial=frozenset(partial_accounts(project, settings.domains)))
    plan = compose(project.mesh, settings, project.federation)
    return OfflineStack(plan, build(plan, project.stack.name), book)


def quota_scope(project: Project) -> list[str] | None:
    """The domains whose resources share an account with the stack's: None for all of them."""
    settings = project.settings
    if settings.domains is None:
        return None
    accounts = {settings.account_of(d) for d in settings.domains}
    return [d for d in project.mesh.domains if d in settings.domains or (settings.account_of(d) in accounts and d not in project.mesh.partial)]


def partial_accounts(project: Project, composed: list[str] | None) -> list[str]:
    """The accounts holding resources of a domain left out of `composed` (None: every domain, so none): a domain's
    own account, and the cluster's, where every domain living elsewhere keeps its Pod Identity broker."""
    if composed is None:
        return []
    settings, left_out = project.settings, (set(project.mesh.domains) | project.mesh.partial) - set(composed)
    return sorted({settings.account_of(d) for d in left_out} | ({settings.account_id} if left_out else set()))