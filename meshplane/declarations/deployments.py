"""Which stacks deploy which domains: every stack file under `stacks/`, and what the stacks of one environment
must agree on.

A stack with `meshplane:domains` deploys those domains; one with `meshplane:excludeDomains` every domain but
those; any other every domain. In one environment a domain has one stack: two stacks deploying it would fight
over the same buckets, keys and roles (their names are the environment's). A domain no stack of an environment
deploys is said, as a warning.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path

from meshplane.declarations.mesh import Mesh
from meshplane.declarations.problems import MeshError, Problem, Severity, UsageError
from meshplane.declarations.stack import Stack, StackSettings, read_stack, role_problems, stack_file, stack_names
from meshplane.declarations.suggest import did_you_mean


def read_stacks(root: Path, domains: Collection[str] | None = None) -> dict[str, StackSettings]:
    """Every stack's settings; raise MeshError with every problem of every stack file (with `domains`, the mesh's, a
    domain a stack deploys that is not one of them too)."""
    return {name: stack.settings for name, stack in read_all(root, domains).items()}


def read_all(root: Path, domains: Collection[str] | None = None) -> dict[str, Stack]:
    """Every stack of the project; raise MeshError with every problem of every stack file (and, with `domains`, every
    domain a stack deploys that is not one of them)."""
    stacks: dict[str, Stack] = {}
    problems: list[Problem] = []
    for name in stack_names(root):
        try:
            stacks[name] = read_stack(root, name)
        except MeshError as exc:
            problems.extend(exc.problems)
            continue
        if domains is not None:
            problems += [p for p in setting_problems(stacks[name], domains) if p.severity.blocks]
    if problems:
        raise MeshError(problems)
    return stacks


def deployed(settings: StackSettings, domains: Iterable[str]) -> list[str]:
    """The domains (of `domains`, the mesh's) a stack deploys."""
    if settings.domains is not None:
        return sorted(set(settings.domains) & set(domains))
    left_out = set(settings.exclude_domains or ())
    return sorted(d for d in domains if d not in left_out)


def stacks_named(stacks: dict[str, StackSettings], name: str) -> list[StackSettings]:
    """The stacks `name` (the command line's `--env`) stands for: an environment's (every stack of it), else the stack of
    that name; a UsageError at `--env` otherwise."""
    of_env = [settings for _, settings in sorted(stacks.items()) if settings.environment.value == name]
    if of_env:
        return of_env
    if name in stacks:
        return [stacks[name]]
    known = sorted({s.environment.value for s in stacks.values()} | set(stacks))
    raise UsageError([Problem("--env", 1, f"no environment or stack {name!r}{did_you_mean(name, known)} (known: {', '.join(known)})")])


def deployments(mesh: Mesh, stacks: dict[str, StackSettings]) -> dict[str, list[str]]:
    """Address -> the stacks that deploy the product, by name."""
    found: dict[str, list[str]] = {address: [] for address in mesh.products}
    for name, settings in stacks.items():
        for domain in deployed(settings, mesh.domains):
            for product in mesh.products_of(domain):
                found[product.address].append(name)
    return found


def setting_problems(stack: Stack, domains: Collection[str]) -> list[Problem]:
    """What the stack's settings contradict: a domain the mesh does not hold, a deployer role out of its account or two
    roles for one account; each at the line that writes it."""
    roles = [Problem(stack.file, stack.line_of(*where), message) for where, message in role_problems(stack.settings)]
    return unknown_domains(stack, domains) + roles


def unknown_domains(stack: Stack, domains: Collection[str]) -> list[Problem]:
    """A domain the stack names that the mesh does not hold: one it deploys is an error (it would deploy nothing), one it
    leaves out a warning (nothing to leave out; a typo there is an overlap with the domain's own stack, an error), one it
    places in an account an error (the domain meant would stay in the default account)."""
    problems = []
    for key, listed in (("domains", stack.settings.domains), ("excludeDomains", stack.settings.exclude_domains)):
        for i, domain in enumerate(listed or ()):
            if domain not in domains:
                message = f"meshplane:{key}: {domain!r} is not a domain of the mesh{did_you_mean(domain, domains)}"
                severity = Severity.error if key == "domains" else Severity.warning
                problems.append(Problem(stack.file, stack.line_of(key, i), message, severity))
    for domain in stack.settings.accounts:  # a typo would leave the domain in the default account, silently
        if domain not in domains:
            message = f"meshplane:accounts: {domain!r} is not a domain of the mesh{did_you_mean(domain, domains)}: its account would place nothing"
            problems.append(Problem(stack.file, stack.line_of("accounts", domain), message))
    return problems


def overlaps(stack: Stack, others: Iterable[Stack], domains: Collection[str]) -> list[Problem]:
    """In `stack`'s file: each domain another stack of its environment deploys too."""
    env = stack.settings.environment
    mine = set(deployed(stack.settings, domains))
    problems = []
    for other in others:
        if other.name == stack.name or other.settings.environment is not env:
            continue
        for domain in sorted(mine & set(deployed(other.settings, domains))):
            hint = "meshplane:domains" if stack.settings.domains is not None else "meshplane:excludeDomains"
            problems.append(Problem(
                stack.file,
                _line_for(stack, domain),
                f"domain {domain!r} is deployed by stack {other.name!r} too, in environment {env.value}: a domain has one stack per "
                f"environment (two would fight over its buckets, keys and roles); say which with {hint}",
            ))  # fmt: skip
        if stack.settings.organizations_management_account and other.settings.organizations_management_account:
            both = {stack.settings.account_of(d) for d in mine} & {other.settings.account_of(d) for d in deployed(other.settings, domains)}
            problems += [Problem(stack.file, stack.line_of("organizationsManagementAccount"),
                                 f"meshplane:organizationsManagementAccount: stack {other.name!r} attaches the perimeter of account {a} too, "
                                 f"in environment {env.value}: name the management account in one stack of the environment")
                         for a in sorted(both)]  # fmt: skip
    return problems


def undeployed(stacks: dict[str, Stack], mesh: Mesh, domains: Collection[str]) -> list[Problem]:
    """Warnings: a domain that no stack of an environment (one with a stack) deploys (of the mesh's scope, when it is
    read around some domains)."""
    problems = []
    for env in sorted({s.settings.environment for s in stacks.values()}, key=lambda e: e.value):
        of_env = [s for s in stacks.values() if s.settings.environment is env]
        covered = {d for s in of_env for d in deployed(s.settings, domains)}
        for domain in sorted(d for d in set(domains) - covered if mesh.answers_for(d)):
            excluding = next((s for s in of_env if domain in (s.settings.exclude_domains or ())), None)
            if excluding is not None:
                where = (excluding.file, _line_for(excluding, domain))
            elif domain in mesh.domains:
                where = (mesh.domains[domain].source.path, 1)
            else:
                where = (of_env[0].file, 1)
            names = ", ".join(s.name for s in of_env)
            problems.append(Problem(*where, f"no stack of environment {env.value} deploys domain {domain!r} (stacks: {names})", Severity.warning))
    return problems


def stack_problems(root: Path, stack: Stack, domains: Collection[str]) -> list[Problem]:
    """What is wrong with the stack a command works on, beside its own file: a domain it names that does not exist, one
    another stack of its environment deploys too (a stack file that cannot be read is its own commands' to report)."""
    others = []
    for name in stack_names(root):
        if name != stack.name:
            try:
                others.append(read_stack(root, name))
            except MeshError:
                continue
    return [p for p in setting_problems(stack, domains) if p.severity.blocks] + overlaps(stack, others, domains)


def project_problems(root: Path, mesh: Mesh, domains: Collection[str]) -> list[Problem]:
    """Every stack file checked, each stack against the others, and the domains an environment leaves undeployed."""
    stacks = read_all(root)
    problems = []
    for stack in stacks.values():
        problems += setting_problems(stack, domains) + overlaps(stack, stacks.values(), domains)
    return problems + undeployed(stacks, mesh, domains)


def _line_for(stack: Stack, domain: str) -> int:
    """The line of the stack file that makes it deploy (or leave out) `domain`."""
    for key, listed in (("domains", stack.settings.domains), ("excludeDomains", stack.settings.exclude_domains)):
        if listed is not None:
            return stack.line_of(key, listed.index(domain)) if domain in listed else stack.line_of(key)
    return stack.line_of("environment")
