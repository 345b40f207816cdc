"""What a command line names: the stack a command works on, from `--env`, `--stack` and `--domain`.

`--stack` names a stack; `--env` an environment, whose stack is `Pulumi.<env>.yaml`, or, with `--domain`, the
stack of that environment that deploys those domains (prod's podcasts live in `prod-podcasts`). A name that is not
there is the command line's fault: a usage error located at the option (`--domain:1: error: ...`), with a
did-you-mean, never at a file the user did not name.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from meshplane.declarations.deployments import deployed
from meshplane.declarations.problems import MeshError, Problem, UsageError
from meshplane.declarations.spec import Environment
from meshplane.declarations.stack import Stack, read_stack, stack_names
from meshplane.declarations.suggest import did_you_mean

ENVIRONMENTS = tuple(e.value for e in Environment)
SHOWN = 12  # names listed in a refusal; past it, counted
DEFAULT_ENVIRONMENT = Environment.local.value  # every command's, when none is named: the local emulator's, never a cloud's


def environment(value: str, option: str = "--env") -> str:
    """`value` when it is an environment; a usage error at `option` otherwise."""
    if value not in ENVIRONMENTS:
        raise UsageError([Problem(option, 1, f"{value!r} is not an environment{did_you_mean(value, ENVIRONMENTS)}: {', '.join(ENVIRONMENTS)}")])
    return value


def readable_stacks(root: Path) -> dict[str, Stack]:
    """Every stack whose file reads clean (another stack's broken file is that stack's commands' to report)."""
    found = {}
    for name in stack_names(root):
        try:
            found[name] = read_stack(root, name)
        except MeshError:  # reported where that stack is used
            continue
    return found


def target(root: Path, env: str | None, stack: str | None, domains: Sequence[str], known: Collection[str]) -> str:
    """The stack the command line names (`known`: the mesh's domains); a UsageError at the option that names what is
    not there: an unknown stack or domain, a stack of another environment, a domain the stack does not deploy."""
    names = stack_names(root)
    listed = ", ".join(sorted(known)) if len(known) <= SHOWN else f"{len(known)} domains"
    problems = [Problem("--domain", 1, f"{d!r} is not a domain of the mesh{did_you_mean(d, known)} (known: {listed or 'none'})") for d in domains if d not in known]
    if stack is not None and stack not in names:
        problems.append(Problem("--stack", 1, f"no stack {stack!r}{did_you_mean(stack, names)} (known: {', '.join(names) or 'none'})"))
    if problems:
        raise UsageError(problems)
    stacks = readable_stacks(root)
    env = env or (None if stack else DEFAULT_ENVIRONMENT)
    if stack is not None:
        chosen = stacks.get(stack)
        if chosen is None:
            return stack  # its file does not read: the command reports why, at its lines
        if env is not None and chosen.settings.environment.value != env:
            raise UsageError([Problem("--env", 1, f"stack {stack!r} deploys environment {chosen.settings.environment.value!r}, not --env {env}")])
        _deploys_all(chosen, stacks, domains, known)
        return stack
    if not domains or env in stacks and set(domains) <= set(deployed(stacks[env].settings, known)):
        return env  # the environment's own stack
    of_env = {name: s for name, s in stacks.items() if s.settings.environment.value == env}
    owners = {d: sorted(n for n, s in of_env.items() if d in deployed(s.settings, known)) for d in domains}
    chosen_names = {n for found in owners.values() for n in found}
    if len(chosen_names) == 1 and all(owners.values()):
        return chosen_names.pop()
    lost = [d for d, found in owners.items() if not found]
    if lost:
        stacks_of_env = ", ".join(sorted(of_env)) or "none"
        raise UsageError([Problem("--domain", 1, f"no stack of environment {env} deploys domain {d!r} (its stacks: {stacks_of_env})") for d in lost])
    split = ", ".join(f"{d} by {'/'.join(found)}" for d, found in owners.items())
    raise UsageError([Problem("--domain", 1, f"the domains are deployed by different stacks of environment {env} ({split}): name the domains of one stack")])


def _deploys_all(stack: Stack, stacks: dict[str, Stack], domains: Sequence[str], known: Collection[str]) -> None:
    mine = set(deployed(stack.settings, known))
    problems = []
    for d in domains:
        if d in mine:
            continue
        env = stack.settings.environment
        others = sorted(n for n, s in stacks.items() if s.settings.environment is env and d in deployed(s.settings, known))
        where = f": stack {others[0]!r} does (--stack {others[0]})" if others else ""
        problems.append(Problem("--domain", 1, f"stack {stack.name!r} does not deploy domain {d!r}{where}"))
    if problems:
        raise UsageError(problems)
