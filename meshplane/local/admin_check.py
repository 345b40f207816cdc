"""`access --check`'s administrative cells: for a rogue role in each domain account (`s3:*`, `kms:*`, `lakeformation:*`
on `*` by its own policies) and for the account's deployer, each action that would let a principal give itself any
product there (meshplane.evaluator.admin), decided over the documents read back from the emulator twice: with the
stack's perimeter (meshplane.cloud.perimeter) in force, and without it.

With the perimeter, every rogue's cell must be denied and the deployer's allowed. Without it, the key and bucket
policies alone must refuse the rogue everything but `OPEN_WITHOUT_PERIMETER`, which the README lists. moto enforces
none of these documents (docs/toolchain.md): every cell is the evaluator's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from meshplane.compose.perimeter import perimeters
from meshplane.compose.stack_plan import scope
from meshplane.declarations.problems import Problem
from meshplane.evaluator import iam
from meshplane.evaluator.admin import Admin, Perimeter, cell, targets
from meshplane.evaluator.model import Principal
from meshplane.local import rogues as rogues_
from meshplane.local.emulator import Aws
from meshplane.local.readback import read_back
from meshplane.registrations.engine import Evaluation
from meshplane.registrations.project import Project

ROGUE = "meshplane-admin-check-rogue"
ROGUE_POLICY = {"Version": "2012-10-17", "Statement": [{"Sid": "Rogue", "Effect": "Allow", "Action": ["s3:*", "kms:*", "lakeformation:*"], "Resource": "*"}]}
# the deployer's own policies are the platform team's, not the stack's: taken to allow everything, as AdministratorAccess does
DEPLOYER_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
# what a rogue of a domain account may still do there without the organization's perimeter (the README lists them)
OPEN_WITHOUT_PERIMETER = frozenset({Admin.create_access_point, Admin.grant_permissions})


@dataclass
class AdminReport:
    decided: int = 0  # principal x account x action cells, each decided with and without the perimeter
    mismatches: list[Problem] = field(default_factory=list)
    open_without: dict[str, list[str]] = field(default_factory=dict)  # account -> what its rogue may do without the perimeter


def check(project: Project, evaluation: Evaluation, accounts: dict[str, Aws], echo: Callable[[str], None] = print) -> AdminReport:
    settings, stack = project.settings, project.stack
    found = perimeters(settings, scope(project.mesh, settings))
    in_force = {p.account: Perimeter(scps=(p.scp,), rcps=(p.rcp,)) for p in found}
    rogues = {p.account: rogues_.make(accounts[p.account], p.account, ROGUE, ROGUE_POLICY, "meshplane access check: administers by its own policies")
              for p in found}  # fmt: skip
    report = AdminReport()
    try:
        deployment = read_back(evaluation, accounts, settings.account_id, settings.region, [*rogues.values(), *(p.deployer for p in found)])
    finally:
        for account in rogues:
            rogues_.remove(accounts[account], ROGUE)
    for p in found:
        line = stack.line_of("deployerRoleArn") if p.account == settings.account_id else stack.line_of("accounts")
        cells = targets(deployment, p.account)
        for kind, arn in (("rogue", rogues[p.account]), ("deployer", p.deployer)):
            principal = deployment.principals.get(arn) or Principal(arn, (DEPLOYER_POLICY,) if kind == "deployer" else (ROGUE_POLICY,))
            node = iam.node(principal.arn, principal.policies)
            for action, listed in cells.items():
                with_it, without = cell(node, action, listed, in_force), cell(node, action, listed, None)
                report.decided += 1
                expected = {"with": kind == "deployer", "without": kind == "deployer" or action in OPEN_WITHOUT_PERIMETER}
                for case, got in (("with", with_it), ("without", without)):
                    if got != expected[case]:
                        said = {True: "allowed", False: "denied", None: "allowed on some of the account's resources"}[got]
                        report.mismatches.append(Problem(stack.file, line, f"access: the {kind} of account {p.account}: {action.value} {said} {case} the "
                                                                           f"perimeter (as {arn})"))  # fmt: skip
                if kind == "rogue" and without:
                    report.open_without.setdefault(p.account, []).append(action.value)
    echo(f"decided {report.decided} administrative cells (a rogue and the deployer of each of {len(found)} domain accounts x "
         f"{', '.join(a.value for a in Admin)}), each with the perimeter in force (SCP by principalmapper, RCP modelled) and without it")  # fmt: skip
    for account, actions in report.open_without.items():
        echo(f"without the perimeter, the rogue of account {account} may still: {', '.join(actions)}")
    return report

