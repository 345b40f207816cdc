"""`meshplane stacks --changed`: the stacks a change touches, in the order the access model deploys them.

A platform file (the program, the components, governance, the policy pack, the project file, the
dependencies) changes every stack; a stack's file changes that stack; a domain's files change the stacks
deploying that domain and those of its grant partners whose resources change. With a base ref the partners
are decided exactly: the domains around the change are composed at the base and in the working tree, and
only those whose resources differ count. With files alone there is no base to compare with: every partner
the working tree declares counts (a partner the change removes entirely is seen only with --base).

A principal must exist before a grant names it (a KMS grant, a Lake Formation grant), so a consumer's
stack comes before its producer's: the stacks go in waves. Stacks that read each other both ways form a
cycle; they converge in two passes: `pulumi up --continue-on-error` on each (every principal is created;
only the grants naming the others' new principals fail), then `pulumi up` on each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from meshplane.declarations.deployments import deployed
from meshplane.declarations.mesh import Mesh, domain_of, find_cycles
from meshplane.declarations.stack import Stack, read_stack, stack_names
from meshplane.registrations.project import Project, open_project

PLATFORM = ("components/", "meshplane/", "governance/", "policies/", "Pulumi.yaml", "__main__.py", "pyproject.toml")
STACKS, DOMAINS = "stacks/", "domains/"


@dataclass
class Selected:
    stack: str
    environment: str
    domains: list[str]  # the domains it deploys that the change touches ("*": the platform changed)
    why: list[str]
    wave: int = 0
    cycle: list[str] = field(default_factory=list)  # the stacks it converges with, in two passes
    emulated: bool = False  # it deploys to a local emulator (meshplane:awsEndpoint), not to a cloud account
    cluster: str = ""  # the EKS cluster its jobs run on, and its region: where a pipeline gets the cluster's credentials
    region: str = ""


@dataclass
class Affected:
    files: list[str]
    base: str | None
    platform: list[str]
    stacks: list[Selected]
    removed: list[str]  # stack files the change deletes: their stacks need `pulumi stack rm` (after `pulumi destroy`)
    unseen: bool = False  # no base: partners whose relation the change removed entirely cannot be seen

    @property
    def waves(self) -> list[list[str]]:
        found: dict[int, list[str]] = defaultdict(list)
        for s in self.stacks:
            found[s.wave].append(s.stack)
        return [found[w] for w in sorted(found)]


def every_stack(project: Project) -> Affected:
    """Every stack of the project, in waves (the nightly drift check's list)."""
    stacks = {name: read_stack(project.root, name) for name in stack_names(project.root)}
    selected = [Selected(n, s.settings.environment.value, deployed(s.settings, project.mesh.domains), [], **placed(s)) for n, s in stacks.items()]
    order(selected, stacks, project.mesh)
    return Affected([], None, [], selected, [])


def placed(stack: Stack) -> dict:
    """Where the stack deploys: an emulator (meshplane:awsEndpoint) or not, and its cluster and region."""
    return {"emulated": stack.settings.aws_endpoint is not None, "cluster": stack.settings.cluster, "region": stack.settings.region}


def is_platform(path: str) -> bool:
    return any(path == p or path.startswith(p) for p in PLATFORM)


def affected(project: Project, files: Iterable[str], base: Project | None, ref: str | None) -> Affected:
    files = sorted(set(files))
    root = project.root
    stacks = {name: read_stack(root, name) for name in stack_names(root)}
    platform = [f for f in files if is_platform(f)]
    removed = sorted(f[len(STACKS) + len("Pulumi.") : -len(".yaml")] for f in files if f.startswith(STACKS) and f.endswith(".yaml") and not (root / f).exists())
    why: dict[str, list[str]] = defaultdict(list)
    touched: dict[str, set[str]] = defaultdict(set)
    if platform:
        for name in stacks:
            why[name].append(f"the platform changed ({', '.join(platform[:3])}{', ...' if len(platform) > 3 else ''})")
            touched[name].add("*")
    for f in files:
        if f.startswith(STACKS) and f.endswith(".yaml"):
            name = f[len(STACKS) + len("Pulumi.") : -len(".yaml")]
            if name in stacks:
                why[name].append(f"its file changed ({f})")
                touched[name].add("*")
    changed = sorted({f.split("/")[1] for f in files if f.startswith(DOMAINS) and f.count("/") >= 2})
    if changed and not platform:
        if base is None:
            candidates = set(changed) | partners(project.mesh, changed)
        else:  # a partner's resources change only with the agreements it has with the changed domains
            candidates = set(changed) | agreement_partners(base, project, changed)
        checks: dict[str, list[str]] = {}
        for name, stack in stacks.items():
            scope = set(deployed(stack.settings, project.mesh.domains)) | (set(deployed(stack.settings, base.mesh.domains)) if base else set())
            checks[name] = sorted(candidates & scope)
        moved = moved_domains(base, project, stacks, checks) if base is not None else {n: set(c) for n, c in checks.items()}
        for name in stacks:
            for d in sorted(moved[name]):
                touched[name].add(d)
                why[name].append(f"{d}: {'its files changed' if d in changed else 'a grant partner of ' + ', '.join(sorted(set(changed)))}")
    selected = [Selected(n, stacks[n].settings.environment.value, sorted(touched[n]), why[n], **placed(stacks[n])) for n in sorted(touched)]
    order(selected, stacks, project.mesh)
    return Affected(files, ref, platform, selected, removed, unseen=base is None and bool(changed))


def partners(mesh: Mesh, domains: Iterable[str]) -> set[str]:
    """The domains that share a declared relation with `domains`: an input either way, or a consumer listed either way."""
    wanted = set(domains)
    found: set[str] = set()
    for p in mesh.products.values():
        related = {domain_of(a) for a, _ in p.reads} | {domain_of(c) for c in p.spec.consumers}
        if p.domain in wanted:
            found |= related
        elif related & wanted:
            found.add(p.domain)
    return found - wanted


def agreement_partners(base: Project, head: Project, domains: Iterable[str]) -> set[str]:
    """The domains whose agreements with `domains` differ between two trees (a grant added, dropped, or moved to another
    version; a renamed product shows as both). Another domain's resources name a changed domain's only through these."""
    wanted = set(domains)

    def agreements(project: Project) -> dict[str, set[tuple]]:
        mesh, found = project.mesh, defaultdict(set)
        for g in mesh.grants(project.federation.open_classifications):
            ends = {domain_of(g.producer), domain_of(g.consumer)}
            if ends & wanted:
                for other in ends - wanted:
                    found[other].add((g.producer, g.consumer, g.version, mesh.products[g.producer].identity, mesh.products[g.consumer].identity))
        return found

    old, new = agreements(base), agreements(head)
    return {d for d in old.keys() | new.keys() if old.get(d) != new.get(d)}


def moved_domains(base: Project, head: Project, stacks: dict[str, Stack], checks: dict[str, list[str]]) -> dict[str, set[str]]:
    """Per stack, the domains among its `checks` whose resources differ between the base and the working tree. Stacks
    alike but for their domains (a stack per domain) are composed once, over the union of their domains."""
    groups: dict[str, list[str]] = defaultdict(list)
    for name, stack in stacks.items():
        if checks[name]:
            groups[stack.settings.model_copy(update={"domains": None, "exclude_domains": None}).model_dump_json()].append(name)
    found: dict[str, set[str]] = {name: set() for name in stacks}
    for names in groups.values():
        stack, union = stacks[names[0]], sorted({d for n in names for d in checks[n]})
        old, new = _by_domain(base, stack, union), _by_domain(head, stack, union)
        for name in names:
            found[name] = {d for d in checks[name] if old.get(d) != new.get(d)}
    return found


def _by_domain(project: Project, stack: Stack, check: list[str]) -> dict[str, list]:
    from meshplane.compose.stack_plan import compose
    from meshplane.registrations.inventory_build import build
    from meshplane.review.resource_changes import _value, canonical

    present = [d for d in check if d in project.mesh.domains]
    if not present:
        return {}
    settings = stack.settings.model_copy(update={"domains": tuple(present), "exclude_domains": None})
    found: dict[str, list] = defaultdict(list)
    for r in build(compose(project.mesh, settings, project.federation), stack.name):
        if r.custom and not r.is_provider and r.domain:
            found[r.domain].append((canonical(r.urn), r.type, _value(r.inputs), r.protect))
    return {d: sorted(v, key=lambda t: t[0]) for d, v in found.items()}


def order(selected: list[Selected], stacks: dict[str, Stack], mesh: Mesh) -> None:
    """Waves: a consumer's stack before its producer's, within an environment; a cycle shares a wave, in two passes."""
    names = [s.stack for s in selected]
    deploys = {n: set(deployed(stacks[n].settings, mesh.domains)) for n in names}
    env = {n: stacks[n].settings.environment for n in names}
    graph: dict[str, list[str]] = {n: [] for n in names}  # consumer stack -> producer stacks
    for g in mesh.grants():
        for c in names:
            if domain_of(g.consumer) not in deploys[c]:
                continue
            for p in names:
                if p != c and env[p] == env[c] and domain_of(g.producer) in deploys[p] and domain_of(g.producer) not in deploys[c]:
                    graph[c].append(p)
    component = {n: n for n in names}
    for cycle in find_cycles({n: sorted(set(v)) for n, v in graph.items()}):
        members = _component_of(cycle, graph)
        for m in members:
            component[m] = min(members)
    for s in selected:
        s.cycle = sorted(m for m in names if component[m] == component[s.stack] and m != s.stack)
    wave: dict[str, int] = {}

    def depth(c: str, seen: frozenset[str]) -> int:  # longest chain of consumers before it, over components
        if c in wave:
            return wave[c]
        before = [component[n] for n in names for p in graph[n] if component[p] == c and component[n] != c and component[n] not in seen]
        wave[c] = 1 + max((depth(b, seen | {c}) for b in before), default=0)
        return wave[c]

    for s in selected:
        s.wave = depth(component[s.stack], frozenset())
    selected.sort(key=lambda s: (s.wave, s.environment, s.stack))


def _component_of(cycle: list[str], graph: dict[str, list[str]]) -> set[str]:
    """Every node that can reach and be reached from the cycle's nodes."""
    start = cycle[0]

    def reach(edges: dict[str, list[str]]) -> set[str]:
        seen, todo = {start}, [start]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    reverse: dict[str, list[str]] = defaultdict(list)
    for n, targets in graph.items():
        for t in targets:
            reverse[t].append(n)
    return reach(graph) & reach(reverse)


def of_ref(root: Path, ref: str) -> tuple[list[str], Project | None]:
    """The files changed since `ref`, and the project as it was there (read by this program: no platform file changed
    when the base is needed, so its program is this one); None when the base does not load."""
    from meshplane.declarations.problems import MeshError
    from meshplane.review.gitref import changed_files, checkout

    files = changed_files(root, ref)
    if any(is_platform(f) for f in files):
        return files, None
    with checkout(root, ref) as tree:
        try:
            return files, open_project(tree)
        except MeshError:
            return files, None
