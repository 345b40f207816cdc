"""`meshplane diff --base REF`: what a change does, product by product, to the consumers and to the cloud.

The base is read from a git worktree of REF by its own program (`meshplane.snapshot`); the working tree
by this one. Each contract change is classed compatible or breaking (`meshplane.review.contract_changes`); a
breaking change to what another product reads blocks, unless it comes with a new major version and the
old versions are deprecated with a date (for a change to the whole product), and never for a draft. A
grant the producer withdraws warns the consumer; an input the change adds without the producer's
agreement is MESH-005's. The stack's resources are compared too: a protected resource replaced or
deleted blocks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from meshplane.declarations.mesh import Mesh, input_ref, split_input
from meshplane.declarations.problems import Problem, Severity
from meshplane.declarations.spec import Environment
from meshplane.declarations.stack import stack_file
from meshplane.governance.evaluate import severity_of
from meshplane.governance.registry import RULES
from meshplane.registrations.project import Project
from meshplane.review.contract_changes import KINDS, PRODUCT_WIDE, Change, compare, ports
from meshplane.review.resource_changes import Action, Record, ResourceChange, changes

Port = tuple[str, int]  # (address, major version)


@dataclass
class Classed:
    change: Change
    severity: Severity
    why: str  # who it affects, and why it blocks or not
    consumers: tuple[str, ...] = ()


@dataclass
class GrantChange:
    producer: str
    consumer: str
    what: str  # "added", "moved", "revoked", "withdrawn", "refused", "still refused", "pending"
    detail: str
    severity: Severity
    rule: str | None = None


@dataclass
class Diff:
    ref: str
    program: str  # "own": the base was read by its own program; "this": by the working tree's
    env: str
    stacks: list[str]  # the stacks whose resources are compared: the one named, else every stack of the environment
    products: dict[str, list[Classed]] = field(default_factory=dict)
    grants: list[GrantChange] = field(default_factory=list)
    resources: dict[str, list[ResourceChange]] = field(default_factory=dict)  # stack -> its resources' changes
    problems: list[Problem] = field(default_factory=list)
    base_problems: list[dict] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return any(p.severity.blocks for p in self.problems)


def readers(snapshot: dict) -> dict[Port, set[str]]:
    found: dict[Port, set[str]] = defaultdict(set)
    for d in snapshot.get("declared") or ():
        address, version = split_input(d["input"])
        found[(address, version)].add(d["consumer"])
    return found


def build(base: dict, head: dict, project: Project, ref: str, env: str) -> Diff:
    """The diff of two snapshots (their stacks': both take the same); `project` is the working tree's (where its findings
    are located). A product renamed (its old name among its `previous_names`) is compared with what it was."""
    stacks = head.get("stacks") or {}
    diff = Diff(ref, base.get("program", "this"), env, sorted(stacks), base_problems=base.get("problems") or [])
    mesh = project.mesh
    head_products = head.get("products") or {}
    moved = renamed_products(base.get("products") or {}, head_products)
    base = under_new_addresses(base, moved)
    base_products = base.get("products") or {}
    old_readers, new_readers = readers(base), readers(head)
    for address in sorted(base_products.keys() | head_products.keys()):
        before, after = base_products.get(address), head_products.get(address)
        found = compare(address, before and before["spec"], after and after["spec"])
        if address in moved.values():
            old = next(o for o, n in moved.items() if n == address)
            at = ("previous_names", after["spec"]["previous_names"].index(old.split("/", 1)[1]))
            found.insert(0, Change(KINDS["product-renamed"], address, f"renamed from {old}: its data, names and grants are kept", at=at))
        if found:
            diff.products[address] = [classify(c, before, after, old_readers, new_readers) for c in found]
    diff.grants = grant_changes(base, head, project, Environment(env))
    before = base.get("stacks") or {}
    for name in diff.stacks:  # a base that does not load has no resources: everything shows as new
        diff.resources[name] = changes([_record(r) for r in before.get(name) or ()], [_record(r) for r in stacks[name]])
    diff.problems = _problems(diff, mesh, base_products)
    return diff


def renamed_products(base: dict, head: dict) -> dict[str, str]:
    """Old address -> new address: a product of the working tree that lists among its previous names a product of the
    base that the working tree no longer has."""
    found: dict[str, str] = {}
    for address, product in head.items():
        for old in product["spec"].get("previous_names") or ():
            was = f"{product['domain']}/{old}"
            if was in base and was not in head:
                found.setdefault(was, address)
    return found


def under_new_addresses(snapshot: dict, moved: dict[str, str]) -> dict:
    """The snapshot with every renamed product at its new address: its own entry, and both ends of every agreement."""
    if not moved:
        return snapshot
    at = lambda address: moved.get(address, address)  # noqa: E731
    pairs = lambda key: [{**x, "producer": at(x["producer"]), "consumer": at(x["consumer"])} for x in snapshot.get(key) or ()]  # noqa: E731
    declared = [{**d, "input": input_ref(at(split_input(d["input"])[0]), split_input(d["input"])[1])} for d in pairs("declared")]
    return {
        **snapshot,
        "products": {at(address): p for address, p in (snapshot.get("products") or {}).items()},
        **{key: pairs(key) for key in ("grants", "refused", "pending")},
        "declared": declared,
    }


def classify(change: Change, before: dict | None, after: dict | None, old_readers: dict, new_readers: dict) -> Classed:
    if not change.breaking:
        return Classed(change, Severity.note, "compatible")
    address = change.product
    versions = [change.version] if change.version is not None else sorted(ports(before["spec"])) if before else []
    # who is hurt: products that read the port before the change and still read it after it
    hurt = sorted({c for v in versions for c in old_readers.get((address, v), set()) & new_readers.get((address, v), set())})
    if before is not None and before["spec"].get("status") == "draft":
        return Classed(change, Severity.warning, "breaking, but the product is a draft: its contract is not promised yet", tuple(hurt))
    if not hurt:
        return Classed(change, Severity.warning, "breaking, but nothing reads it", ())
    if change.kind.id in PRODUCT_WIDE and before is not None and after is not None and _published_beside(before["spec"], after["spec"], address, hurt, new_readers):
        return Classed(change, Severity.warning, "breaking, published as a new major version beside the deprecated old ones", tuple(hurt))
    if change.version is not None and after is not None and _kept_earlier(after["spec"], change.version):
        fix = (
            f"version {change.version} is kept in `previous_outputs` for its readers: copy it there exactly as it was "
            "(its columns, its partitions and its format)"
        )
    elif change.version is not None:
        fix = "publish it as a new major version beside this one (bump `output.version`, keep this one in `previous_outputs` with a deprecation date)"
    else:
        fix = "publish a new major version beside the old ones, each old one deprecated with a date"
    return Classed(change, Severity.error, f"breaks {', '.join(hurt)}: {fix}", tuple(hurt))


def _kept_earlier(spec: dict, version: int) -> bool:
    """The product keeps major version `version` beside a newer current one."""
    return any(p.get("version") == version for p in spec.get("previous_outputs") or ())


def _published_beside(before: dict, after: dict, address: str, hurt: list[str], new_readers: dict) -> bool:
    """The change adds a major version, and every version the hurt consumers read is deprecated with a date."""
    old, new = ports(before), ports(after)
    if not set(new) - set(old):
        return False
    read = {v for (a, v), consumers in new_readers.items() if a == address and consumers & set(hurt)}
    return all(v in new and new[v]["status"] == "deprecated" for v in read)


def grant_changes(base: dict, head: dict, project: Project, env: Environment) -> list[GrantChange]:
    old = {(g["producer"], g["consumer"]): g for g in base.get("grants") or ()}
    new = {(g["producer"], g["consumer"]): g for g in head.get("grants") or ()}
    declared_before = {(d["producer"], d["consumer"]) for d in base.get("declared") or ()}
    declared_now = {(d["producer"], d["consumer"]) for d in head.get("declared") or ()}
    refused_now = {(r["producer"], r["consumer"]) for r in head.get("refused") or ()}
    found: list[GrantChange] = []
    for pair in sorted(new.keys() - old.keys()):
        g = new[pair]
        found.append(GrantChange(*pair, "added", f"reads version {g['version']} (the producer agrees by {g['via']})", Severity.note))
    for pair in sorted(new.keys() & old.keys()):
        if new[pair]["version"] != old[pair]["version"]:
            found.append(GrantChange(*pair, "moved", f"moves from version {old[pair]['version']} to {new[pair]['version']}", Severity.note))
    for pair in sorted(old.keys() - new.keys()):
        if pair in refused_now:
            found.append(GrantChange(*pair, "withdrawn", "the producer withdrew its agreement: the consumer's access ends when the producer deploys", Severity.warning, "MESH-015"))
        elif pair in declared_now:
            found.append(GrantChange(*pair, "revoked", "no longer granted (the producer retired it, or the version read is retired)", Severity.warning))
        else:
            found.append(GrantChange(*pair, "revoked", "the consumer no longer reads it", Severity.note))
    handshake = severity_of(RULES["MESH-005"], project.federation, env)
    for pair in sorted(refused_now):
        if pair not in declared_before:
            found.append(GrantChange(*pair, "refused", "a new input the producer does not agree to serve: no grant until it lists the consumer", handshake, "MESH-005"))
        elif pair not in old:
            found.append(GrantChange(*pair, "still refused", "still waiting for the producer to list the consumer", Severity.warning, "MESH-015"))
    pending_before = {(p["producer"], p["consumer"]) for p in base.get("pending") or ()}
    for producer, consumer in sorted({(p["producer"], p["consumer"]) for p in head.get("pending") or ()} - pending_before):
        found.append(GrantChange(producer, consumer, "pending", f"{producer} agrees to serve {consumer}, which does not read it yet", Severity.note))
    return found


def _record(r: dict) -> Record:
    return Record(r["urn"], r["type"], r["name"], r["inputs"], r.get("protect", False), tuple(r.get("aliases") or ()), r.get("domain"), r.get("product"))


def _problems(diff: Diff, mesh: Mesh, base_products: dict) -> list[Problem]:
    found: list[Problem] = []

    def where(address: str, at: tuple = ()) -> tuple[str, int]:
        declared = mesh.products.get(address)
        if declared is not None:
            return declared.source.path, declared.source.line_of(at) if at else 1
        return (base_products.get(address) or {}).get("path", address), 1

    for address, classed in diff.products.items():
        for c in classed:
            path, line = where(address, c.change.at)
            found.append(Problem(path, line, f"{c.change.detail} ({c.change.kind.id}): {c.why}", c.severity, c.change.kind.id))
    for g in diff.grants:
        if g.what == "pending":  # the producer's half: at its consumers' line
            listed = mesh.products[g.producer].spec.consumers if g.producer in mesh.products else ()
            path, line = where(g.producer, ("consumers", listed.index(g.consumer)) if g.consumer in listed else ())
            found.append(Problem(path, line, f"grant pending: {g.detail}", g.severity, "grant-pending"))
            continue
        consumer = mesh.products.get(g.consumer)
        index = next((i for i, (a, _) in enumerate(consumer.reads) if a == g.producer), None) if consumer else None
        path, line = where(g.consumer, ("inputs", index) if index is not None else ())
        rule = g.rule or f"grant-{g.what.replace(' ', '-')}"
        found.append(Problem(path, line, f"grant {g.what}: {g.consumer} reads {g.producer}: {g.detail}", g.severity, rule))
    for stack, r in ((s, r) for s, found in diff.resources.items() for r in found):
        if r.protected and r.action in (Action.replace, Action.delete):
            owner = r.record.product or r.record.domain or ""
            path, line = where(owner) if owner in mesh.products or owner in base_products else (stack_file(stack), 1)
            verb = "replaced" if r.action is Action.replace else "deleted"
            because = f" (because of {', '.join(r.properties)})" if r.properties else ""
            found.append(
                Problem(path, line, f"{r.record.type} {r.record.name!r} is protected and would be {verb}{because}: its data must be kept", Severity.error, "protected-data")
            )
    for p in diff.base_problems:
        found.append(Problem("--base", 1, f"the base {diff.ref} does not load: {p['path']}:{p['line']}: {p['message']}", Severity.warning))
    return sorted(found)


def descriptors():
    """The change kinds as rules of the findings' formats (SARIF)."""
    from meshplane.review.findings import Descriptor

    kinds = [Descriptor(k.id, k.id.replace("-", " ").capitalize(), k.why, Severity.error if k.compatibility.value == "breaking" else Severity.note, ("contract",)) for k in KINDS.values()]
    grants = [Descriptor(f"grant-{w}", f"Grant {w}", f"A read grant is {w} by the change.", Severity.note, ("access",)) for w in ("added", "moved", "revoked")]
    grants.append(Descriptor("grant-pending", "Grant pending", "The producer agrees to serve a consumer that does not read it yet.", Severity.note, ("access",)))
    protected = Descriptor("protected-data", "Protected data is kept", "A protected bucket, key, database or table is never replaced or deleted by a change: its data would be lost.", Severity.error, ("resources",))
    return [*kinds, *grants, protected]
