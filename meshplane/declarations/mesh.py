"""The validated model of the whole mesh: addresses, lineage, and the access handshake."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import cached_property

from meshplane.declarations.odcs_import import ImportedContract
from meshplane.declarations.problems import Problem, Severity
from meshplane.declarations.spec import Classification, Domain, PortStatus, Product, Status
from meshplane.declarations.suggest import closest, did_you_mean
from meshplane.declarations.yamlsrc import line_in

OPEN_TO_MESH = frozenset({Classification.public, Classification.internal})


@dataclass(frozen=True)
class Source:
    path: str
    lines: dict = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, path: tuple) -> int:
        return line_in(self.lines, path)


@dataclass(frozen=True)
class DeclaredDomain:
    spec: Domain
    source: Source

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass(frozen=True)
class DeclaredProduct:
    domain: str
    spec: Product
    source: Source
    contracts: Mapping[int, ImportedContract] = field(default_factory=dict, compare=False, repr=False)  # port version -> its contract

    @property
    def address(self) -> str:
        return f"{self.domain}/{self.spec.name}"

    @property
    def reads(self) -> tuple[tuple[str, int], ...]:
        """(address, major version) of every input, in the order declared."""
        return tuple(split_input(ref) for ref in self.spec.inputs)

    def locate(self, path: tuple) -> tuple[str, int]:
        """The file and line of what `path` names in the product's file; a column of a port taken from a contract is
        found at its property's line in the contract."""
        port: tuple = ()
        if path[:1] == ("output",):
            port, version = path[1:], self.spec.output.version
        elif path[:1] == ("previous_outputs",) and len(path) > 1 and isinstance(path[1], int) and path[1] < len(self.spec.previous_outputs):
            port, version = path[2:], self.spec.previous_outputs[path[1]].version
        contract = self.contracts.get(version) if port[:1] in (("columns",), ("partitions",), ("quality",)) else None
        if contract is not None:
            return contract.path, contract.locate(port)
        return self.source.path, self.source.line_of(path)

    @property
    def identity(self) -> str:
        """The name physical resources are named after: the oldest name, so renames keep data."""
        return self.spec.previous_names[0] if self.spec.previous_names else self.spec.name


class Via(str, Enum):
    """Why the producer agrees to serve a consumer."""

    product = "product"  # the producer lists the consumer product
    domain = "domain"  # the producer lists the consumer's domain
    mesh = "mesh"  # the classification is open to every mesh member


@dataclass(frozen=True, order=True)
class Grant:
    """Read access from `consumer` (a product) to one major version of `producer`'s output port, agreed on both sides."""

    producer: str
    consumer: str
    via: Via = field(compare=False)
    version: int = field(default=1, compare=False)

    @property
    def consumer_domain(self) -> str:
        return self.consumer.split("/")[0]


def domain_of(address: str) -> str:
    return address.split("/", 1)[0]


def split_input(ref: str) -> tuple[str, int]:
    """`users/play-events@2` -> ("users/play-events", 2); an input without a pin reads major version 1."""
    address, _, version = ref.partition("@")
    return address, int(version) if version else 1


def input_ref(address: str, version: int) -> str:
    """The way a product's input names `address` at `version` (the inverse of `split_input`)."""
    return address if version == 1 else f"{address}@{version}"


def serves(producer: Product, version: int) -> bool:
    """Whether the product's port `version` is served: the product is not retired, and the version is current or deprecated."""
    if producer.status is Status.retired:
        return False
    if version == producer.output.version:
        return True
    return any(p.version == version and p.status is PortStatus.deprecated for p in producer.previous_outputs)


def published(producer: Product) -> list[int]:
    """Every major version the product keeps (served or retired), oldest first."""
    return sorted({producer.output.version, *(p.version for p in producer.previous_outputs)})


def agrees_to_serve(
    producer: Product, consumer_address: str, open_to_mesh: frozenset[Classification], listed: Collection[str] | None = None
) -> Via | None:
    """The producer's side of the handshake: why it agrees to serve the consumer, or None (`listed`: its consumers, as a set)."""
    listed = producer.consumers if listed is None else listed
    if consumer_address in listed:
        return Via.product
    if domain_of(consumer_address) in listed:
        return Via.domain
    if producer.classification in open_to_mesh:
        return Via.mesh
    return None


@dataclass(frozen=True)
class Mesh:
    domains: dict[str, DeclaredDomain]
    products: dict[str, DeclaredProduct]
    duplicates: tuple[DeclaredProduct, ...] = ()
    around: frozenset[str] | None = None  # read around these domains only (a scoped load); None: the whole mesh
    partial: frozenset[str] = frozenset()  # domains only partly read then: what they lack is unknown, not absent
    notices: tuple[Problem, ...] = ()  # warnings of the declarations themselves (an old address still used)

    @classmethod
    def build(
        cls,
        domains: dict[str, DeclaredDomain],
        products: Iterable[DeclaredProduct],
        around: frozenset[str] | None = None,
        partial: frozenset[str] = frozenset(),
    ) -> "Mesh":
        by_address: dict[str, DeclaredProduct] = {}
        duplicates = []
        for product in products:
            if product.address in by_address:
                duplicates.append(product)
            else:
                by_address[product.address] = product
        resolved, notices = resolve_renames(by_address)
        mine = tuple(n for address, n in notices if around is None or domain_of(address) in around)
        return cls(dict(sorted(domains.items())), dict(sorted(resolved.items())), tuple(duplicates), around, partial, mine)

    def answers_for(self, address: str | None) -> bool:
        """Whether findings about this product (or domain) are this mesh's to report: all of them, or the scope's."""
        return self.around is None or address is None or domain_of(address) in self.around

    def knows(self, address: str) -> bool:
        """Whether the mesh can tell that a product (or domain) named `address` exists or not: its domain was read whole."""
        return domain_of(address) not in self.partial

    def products_of(self, domain: str) -> list[DeclaredProduct]:
        return list(self._by_domain.get(domain, ()))

    @cached_property
    def _by_domain(self) -> dict[str, list[DeclaredProduct]]:
        found: dict[str, list[DeclaredProduct]] = {}
        for p in self.products.values():
            found.setdefault(p.domain, []).append(p)
        return found

    def edges(self) -> list[tuple[str, str]]:
        """Lineage: (upstream, downstream) for every declared input that resolves."""
        return [(src, p.address) for p in self.products.values() for src, _ in p.reads if src in self.products]

    def grants(self, open_to_mesh: frozenset[Classification] = OPEN_TO_MESH) -> list[Grant]:
        """Every read grant the two-sided handshake yields: consumer declares the input AND producer agrees."""
        if open_to_mesh not in self._handshakes:  # several rules and commands ask: the mesh is read once
            self._handshakes[open_to_mesh] = self._handshake(open_to_mesh)
        return list(self._handshakes[open_to_mesh][0])

    def refused_inputs(self, open_to_mesh: frozenset[Classification] = OPEN_TO_MESH) -> list[tuple[str, str]]:
        """(producer, consumer) pairs where the consumer declares the input but the producer does not agree."""
        self.grants(open_to_mesh)
        return list(self._handshakes[open_to_mesh][1])

    @cached_property
    def _handshakes(self) -> dict[frozenset[Classification], tuple[list[Grant], list[tuple[str, str]]]]:
        return {}

    def _handshake(self, open_to_mesh: frozenset[Classification]) -> tuple[list[Grant], list[tuple[str, str]]]:
        granted, refused = [], []
        consumers = {address: frozenset(p.spec.consumers) for address, p in self.products.items()}
        for consumer in self.products.values():
            if consumer.spec.status is Status.retired:
                continue  # a retired product's job is gone: it reads nothing
            for address, version in consumer.reads:
                producer = self.products.get(address)
                if producer is None or not serves(producer.spec, version):
                    continue  # not a product, or not served: the loader and the lifecycle rule say so
                via = agrees_to_serve(producer.spec, consumer.address, open_to_mesh, consumers[address])
                if via is None:
                    refused.append((address, consumer.address))
                else:
                    granted.append(Grant(producer=address, consumer=consumer.address, via=via, version=version))
        return sorted(granted, key=lambda g: (g.producer, g.consumer)), refused

    def pending(self) -> list[tuple[str, str]]:
        """(producer, listed) where the producer agrees to serve a consumer (a product, or a domain) that does not read it
        yet: the producer's half of an agreement waiting for the consumer's."""
        readers: dict[str, set[str]] = {}
        for producer, consumer in self.edges():
            readers.setdefault(producer, set()).add(consumer)
        found = []
        for address, product in self.products.items():
            reading = readers.get(address, set())
            domains = {domain_of(r) for r in reading}
            found += [(address, listed) for listed in product.spec.consumers if listed not in reading and ("/" in listed or listed not in domains)]
        return found

    def reader_reads(self, domain: str, grants: list[Grant]) -> list[str]:
        """What the domain's people (its reader role) may read: its own products and its products' grants."""
        own = {p.address for p in self.products_of(domain)}
        granted = {g.producer for g in grants if g.consumer_domain == domain}
        return sorted(own | granted)

    def declaration(self, product: str | None, domain: str | None, field: tuple = ()) -> tuple[str, int] | None:
        """Where a resource of `product` (else of `domain`) is declared: the product's file at `field`'s line, else the
        domain's file; None for a resource of neither (a stack-level one)."""
        if product in self.products:
            declared = self.products[product]
            return declared.locate(field) if field else (declared.source.path, 1)
        if domain in self.domains:
            return self.domains[domain].source.path, 1
        return None

    @cached_property
    def renamed(self) -> dict[str, str]:
        """Old address -> current address, for every previous name."""
        return renames(self.products)


def renames(products: dict[str, DeclaredProduct]) -> dict[str, str]:
    """Old address -> current address, for every previous name that is not a product's address (the first claim wins;
    `check_mesh` reports a second)."""
    found: dict[str, str] = {}
    for p in products.values():
        for old in p.spec.previous_names:
            old_address = f"{p.domain}/{old}"
            if old_address not in products:
                found.setdefault(old_address, p.address)
    return found


def resolve_renames(products: dict[str, DeclaredProduct]) -> tuple[dict[str, DeclaredProduct], list[tuple[str, Problem]]]:
    """Products whose inputs and consumers name a renamed product by an old address, pointed at its current one: a
    producer's rename never breaks its consumers. Each old address still written is a warning naming the new one
    (with the address of the product whose file writes it)."""
    moved = renames(products)
    if not moved:
        return products, []
    resolved = dict(products)
    notices = []
    for address, declared in products.items():
        changes: dict[str, tuple[str, ...]] = {}
        for key in ("inputs", "consumers"):
            values = getattr(declared.spec, key)
            current = tuple(_moved(value, moved) for value in values)
            for i, (value, now) in enumerate(zip(values, current)):
                if now != value:
                    line = declared.source.line_of((key, i))
                    what = "input" if key == "inputs" else "consumer"
                    message = f"{what} {value!r} was renamed to {now!r}: write the new address"
                    notices.append((address, Problem(declared.source.path, line, message, Severity.warning)))
            if current != values:
                changes[key] = current
        if changes:
            resolved[address] = replace(declared, spec=declared.spec.model_copy(update=changes))
    return resolved, notices


def _moved(ref: str, moved: dict[str, str]) -> str:
    """An input or consumer written with an old address, at the current one (a pinned version stays pinned)."""
    address, at, version = ref.partition("@")
    return moved[address] + at + version if address in moved else ref


def check_mesh(mesh: Mesh, unreadable: Collection[str] = ()) -> list[Problem]:
    """Cross-file checks: unique addresses, resolvable inputs and consumers, nothing declared twice, no lineage cycle.

    `unreadable`: the addresses (and domain names) of files that failed to load, `<domain>/*` for a folder of products
    that could not be read: their own errors stand, and naming them elsewhere is not a second error."""
    problems: list[Problem] = []
    for dup in mesh.duplicates:
        first = mesh.products[dup.address]
        problems.append(Problem(dup.source.path, dup.source.line_of(("name",)), f"duplicate product address {dup.address!r} (also declared in {first.source.path})"))
    unreadable = frozenset(unreadable)
    for product in mesh.products.values():
        if product.domain not in mesh.domains or not mesh.answers_for(product.address):
            continue  # the missing domain.yaml is reported by the loader; a neighbour of a scoped load, by its own run
        problems.extend(_check_references(mesh, product, unreadable))
    problems.extend(_check_renames(mesh))
    problems.extend(_check_cycles(mesh))
    return problems


def _unreadable(address: str, unreadable: frozenset[str]) -> bool:
    """Whether the product or domain `address` is one whose file or folder failed to load (its own error stands)."""
    return address in unreadable or f"{domain_of(address)}/*" in unreadable


def _check_references(mesh: Mesh, product: DeclaredProduct, unreadable: frozenset[str]) -> list[Problem]:
    problems = []
    src = product.source
    pinned: dict[tuple[str, int], int] = {}  # (address, version) -> line
    read_first: dict[str, int] = {}  # address -> index
    for i, (address, version) in enumerate(product.reads):
        line = src.line_of(("inputs", i))
        ref = product.spec.inputs[i]
        if (address, version) in pinned:  # `a/b` and `a/b@1` read one port
            problems.append(Problem(src.path, line, f"input {ref!r} is declared twice (first at line {pinned[address, version]})"))
            continue
        pinned[address, version] = line
        if address == product.address:
            problems.append(Problem(src.path, line, f"input {ref!r} is the product itself"))
        elif address not in mesh.products and not _unreadable(address, unreadable) and mesh.knows(address):
            problems.append(Problem(src.path, line, f"input {ref!r} does not resolve to a product{_like_address(mesh, address)}"))
        elif address in mesh.products and version not in (kept := published(mesh.products[address].spec)):
            problems.append(
                Problem(src.path, line, f"input {ref!r}: {address} publishes no version {version} (it keeps {', '.join(map(str, kept))})")
            )
        earlier = read_first.setdefault(address, i)
        if earlier != i:
            problems.append(
                Problem(src.path, line, f"input {ref!r}: {address} is already read at line {src.line_of(('inputs', earlier))}; "
                        "a product reads one version of each input")
            )  # fmt: skip
    listed: dict[str, int] = {}  # consumer -> line
    for i, consumer in enumerate(product.spec.consumers):
        line = src.line_of(("consumers", i))
        if consumer in listed:
            problems.append(Problem(src.path, line, f"consumer {consumer!r} is declared twice (first at line {listed[consumer]})"))
            continue
        listed[consumer] = line
        if _unreadable(consumer, unreadable) or not mesh.knows(consumer):
            continue
        if "/" in consumer:
            if consumer not in mesh.products:
                problems.append(Problem(src.path, line, f"consumer {consumer!r} is not a known product{_like_address(mesh, consumer)}"))
        elif consumer not in mesh.domains and consumer not in mesh.partial:
            problems.append(Problem(src.path, line, f"consumer {consumer!r} is not a known domain{did_you_mean(consumer, mesh.domains)}"))
    return problems


def _like_address(mesh: Mesh, address: str) -> str:
    """A did-you-mean among the products of the address's domain (or of the domain it most resembles)."""
    domain, _, name = address.partition("/")
    if domain not in mesh.domains:
        domain = closest(domain, mesh.domains) or domain
    known = {p.spec.name: p.address for p in mesh.products_of(domain)}
    match = known.get(name) or known.get(closest(name, known) or "")
    return f" (did you mean {match!r}?)" if match else ""


def _check_renames(mesh: Mesh) -> list[Problem]:
    problems = []
    claimed: dict[str, str] = {}
    for product in mesh.products.values():
        seen: set[str] = set()
        for i, old in enumerate(product.spec.previous_names):
            old_address = f"{product.domain}/{old}"
            line = product.source.line_of(("previous_names", i))
            if old in seen:
                problems.append(Problem(product.source.path, line, f"previous name {old!r} is declared twice"))
                continue
            seen.add(old)
            if old_address in mesh.products:
                problems.append(Problem(product.source.path, line, f"previous name {old_address!r} is still a product: a rename moves the data, so both cannot exist"))
            elif old_address in claimed and claimed[old_address] != product.address:
                problems.append(Problem(product.source.path, line, f"previous name {old_address!r} is also claimed by {claimed[old_address]!r}"))
            claimed.setdefault(old_address, product.address)
    return problems


def _check_cycles(mesh: Mesh) -> list[Problem]:
    graph: dict[str, list[str]] = {a: [] for a in mesh.products}
    for src, dst in mesh.edges():
        graph[src].append(dst)
    seen: set[frozenset[str]] = set()
    problems = []
    for cycle in find_cycles(graph):
        key = frozenset(cycle)
        if key in seen:
            continue
        seen.add(key)
        first = mesh.products[cycle[0]]
        path = " -> ".join([*cycle, cycle[0]])
        problems.append(Problem(first.source.path, first.source.line_of(("inputs",)), f"lineage cycle: {path}"))
    return problems


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """One cycle per strongly connected component that has one, each starting at its smallest node."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    item = stack.pop()
                    on_stack.discard(item)
                    component.append(item)
                    if item == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    components.append(component)
    return [_cycle_in(sorted(c), graph) for c in components]


def _cycle_in(members: list[str], graph: dict[str, list[str]]) -> list[str]:
    """A simple cycle through the smallest member, walking only inside the component."""
    inside = set(members)
    start = members[0]
    parents: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node]):
            if nxt == start:
                path = [node]
                while parents[path[-1]] is not None:
                    path.append(parents[path[-1]])
                return list(reversed(path))
            if nxt in inside and nxt not in parents:
                parents[nxt] = node
                queue.append(nxt)
    return members
