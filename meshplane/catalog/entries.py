"""What the catalog says about each product: a pure function of the mesh, its grants and the stacks.

An agreement between a producer and a consumer is in one of three states:
- granted: the consumer declares the input and the producer agrees (lists it, its domain, or the
  classification is open to the mesh);
- refused: the consumer declares the input, the producer does not agree;
- pending: the producer lists a consumer (a product or a domain) that does not read it yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from meshplane.compose.locate import glue_table, location
from meshplane.compose.product import ports_of
from meshplane.declarations.mesh import DeclaredProduct, Grant, Mesh
from meshplane.declarations.resolve import resolve
from meshplane.declarations.ids import port_status
from meshplane.declarations.spec import Domain
from meshplane.declarations.stack import StackSettings


class State(str, Enum):
    granted = "granted"
    refused = "refused"
    pending = "pending"


@dataclass(frozen=True)
class Agreement:
    party: str  # the other side: a product address, or a domain for a pending domain-wide agreement
    state: State
    via: str | None = None  # why a grant is agreed: product, domain or mesh

    @property
    def is_product(self) -> bool:
        return "/" in self.party


@dataclass(frozen=True)
class Deployment:
    """Where one major version of the product's output port keeps its data in one stack."""

    stack: str
    environment: str
    version: int
    status: str  # the version's: the product's own for the current one; deprecated or retired for an earlier one
    bucket: str
    table: str


@dataclass(frozen=True)
class Entry:
    product: DeclaredProduct
    domain: Domain
    inputs: tuple[Agreement, ...]
    consumers: tuple[Agreement, ...]
    deployments: tuple[Deployment, ...]

    @property
    def address(self) -> str:
        return self.product.address


def entries(mesh: Mesh, grants: list[Grant], stacks: dict[str, StackSettings], deployed: dict[str, list[str]]) -> list[Entry]:
    """One entry per product, in the mesh's order."""
    agreed = {(g.producer, g.consumer): g.via.value for g in grants}
    readers: dict[str, list[str]] = {address: [] for address in mesh.products}
    for producer, consumer in mesh.edges():
        readers[producer].append(consumer)
    waiting: dict[str, list[str]] = {}
    for producer, listed in mesh.pending():
        waiting.setdefault(producer, []).append(listed)
    return [
        Entry(
            product=p,
            domain=mesh.domains[p.domain].spec,
            inputs=tuple(_agreement(a, agreed.get((a, p.address))) for a, _ in p.reads if a in mesh.products),
            consumers=_consumers(p, readers[p.address], agreed, waiting.get(p.address, [])),
            deployments=tuple(d for name in deployed.get(p.address, []) for d in _deployments(name, stacks[name], p)),
        )
        for p in mesh.products.values()
    ]


def _agreement(party: str, via: str | None) -> Agreement:
    return Agreement(party, State.granted, via) if via else Agreement(party, State.refused)


def _consumers(product: DeclaredProduct, readers: list[str], agreed: dict[tuple[str, str], str], waiting: list[str]) -> tuple[Agreement, ...]:
    """The products that read it (granted or refused), then whom it agrees to serve who does not read it yet."""
    found = [_agreement(reader, agreed.get((product.address, reader))) for reader in sorted(readers)]
    return (*found, *(Agreement(listed, State.pending) for listed in waiting))


def _deployments(stack: str, settings: StackSettings, product: DeclaredProduct) -> list[Deployment]:
    """Each kept major version's bucket and table in the stack, the current version first."""
    resolved = resolve(product.spec, settings.environment)
    return [
        Deployment(
            stack=stack,
            environment=settings.environment.value,
            version=version,
            status=port_status(resolved, version),
            bucket=location(settings, product, version).bucket,
            table=".".join(glue_table(settings, product, version)),
        )
        for version, _ in reversed(ports_of(resolved))
    ]
