"""The stack as governance sees it, without the Pulumi engine: composed, its registrations built, its quotas known.

`validate` and `quotas` work from this in seconds on a large mesh; `plan`, `up --local` and the CrossGuard
pack run the real program under the engine, and a test pins the two inventories equal.
"""

from __future__ import annotations

from dataclasses import dataclass

from meshplane.compose import StackPlan, compose
from meshplane.governance.usage import Usage, usage
from meshplane.inventory import Resource
from meshplane.inventory_build import build
from meshplane.project import Project
from meshplane.quotas import QuotaBook
from meshplane.stack import key_lines


@dataclass(frozen=True)
class OfflineStack:
    plan: StackPlan
    resources: list[Resource]
    book: QuotaBook

    def usage(self) -> list[Usage]:
        return usage(self.resources, self.book)


def quota_book(project: Project) -> QuotaBook:
    """The quotas the project's stack declares raised, per account, and where each account is declared."""
    settings, file = project.settings, project.stack.file
    lines = key_lines(project.root / file)
    places = {a: (file, lines.get("accounts" if a != settings.account_id else "accountId", 1)) for a in settings.all_accounts()}
    return QuotaBook({a: settings.raised(a) for a in settings.all_accounts()}, places, settings.account_id)


def offline(project: Project, whole_mesh: bool = False) -> OfflineStack:
    """The project's stack (or, with `whole_mesh`, every domain of its environment, as the accounts' quotas see them)."""
    settings = project.settings.model_copy(update={"domains": None}) if whole_mesh else project.settings
    plan = compose(project.mesh, settings, project.federation)
    return OfflineStack(plan, build(plan, project.stack.name), quota_book(project))
