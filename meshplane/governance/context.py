"""What a mesh rule sees: the mesh, the federation's decisions and the environment, resolved once."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from meshplane.declarations.federation import Federation
from meshplane.declarations.mesh import DeclaredProduct, Mesh
from meshplane.declarations.resolve import resolve
from meshplane.declarations.spec import Environment, Product, Status
from meshplane.governance.baseline import Baseline
from meshplane.governance.promises import Promise, promise_of
from meshplane.governance.rule import Finding


@dataclass(frozen=True)
class MeshContext:
    mesh: Mesh
    federation: Federation
    env: Environment
    base: Baseline | None = None  # the mesh before the change under review; None: every refusal may be new
    today: datetime.date = field(default_factory=datetime.date.today)  # deprecation dates are judged against it

    @cached_property
    def resolved(self) -> dict[str, Product]:
        """Each product as it deploys to the environment (overrides applied), by address."""
        return {address: resolve(p.spec, self.env) for address, p in self.mesh.products.items()}

    @cached_property
    def promises(self) -> dict[str, Promise]:
        """What each product promises in the environment (its service levels on its job's schedule), by address; a product
        that promises nothing (no service levels, retired, its job suspended) is left out."""
        found = {}
        for address, declared in self.mesh.products.items():
            promise = promise_of(declared, self.resolved[address], self.env)
            if promise is not None:
                found[address] = promise
        return found

    @cached_property
    def agreed_inputs(self) -> dict[str, list[str]]:
        """Each consumer's inputs whose producers agreed to serve it, by the consumer's address."""
        found: dict[str, list[str]] = {}
        for grant in self.mesh.grants(self.federation.open_classifications):
            found.setdefault(grant.consumer, []).append(grant.producer)
        return found

    def products(self) -> Iterator[tuple[DeclaredProduct, Product]]:
        """(declared, resolved) for every product, in address order."""
        for address, declared in self.mesh.products.items():
            yield declared, self.resolved[address]

    def inputs(self) -> Iterator[tuple[DeclaredProduct, int, int, DeclaredProduct]]:
        """(consumer, the input's index, the version it pins, producer) for every input that names a product, in address
        order; a retired product reads nothing, so its inputs are left out."""
        for declared in self.mesh.products.values():
            if declared.spec.status is Status.retired:
                continue
            for i, (address, version) in enumerate(declared.reads):
                producer = self.mesh.products.get(address)
                if producer is not None:
                    yield declared, i, version, producer

    def override_path(self, declared: DeclaredProduct, field: str) -> tuple:
        """Where a value that may vary per environment is written: the environment's override, else the product's."""
        override = declared.spec.environments.get(self.env)
        if override is not None and getattr(override, field, None) is not None:
            return ("environments", self.env.value, field)
        return (field,)


def at(declared: DeclaredProduct, path: tuple, message: str) -> Finding:
    """A finding in a product's file, at the line of `path` (a column taken from a contract: at its line of the contract); the
    product's suppressions apply."""
    file, line = declared.locate(path)
    return Finding(message=message, path=file, line=line, product=declared.address)


def at_federation(federation: Federation, path: tuple, message: str) -> Finding:
    """A finding in the federation's file (no product can suppress it)."""
    source = federation.source
    if source is None:
        return Finding(message=message, path="governance/federation.yaml (defaults)", line=1)
    return Finding(message=message, path=source.path, line=source.line_of(path))
