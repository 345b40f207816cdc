"""The mesh before the change under review, as far as governance needs it to tell what the change does.

A refused input blocks only in the change that adds it: with a baseline, governance knows which inputs
were declared and which were granted before. Without one (`validate` with no `--base`) every refusal may
be new; when deploying, the change has merged and the baseline is the mesh itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from meshplane.declarations.mesh import Mesh
from meshplane.declarations.spec import Classification

Pair = tuple[str, str]  # (producer, consumer) addresses


@dataclass(frozen=True)
class Baseline:
    declared: frozenset[Pair]  # the consumer declared the producer among its inputs
    granted: frozenset[Pair]  # and the producer agreed
    freshness: Mapping[str, float] = field(default_factory=dict)  # each product's promised freshness_hours, by address

    @classmethod
    def of(cls, mesh: Mesh, open_to_mesh: frozenset[Classification]) -> "Baseline":
        return cls(
            declared=frozenset((address, p.address) for p in mesh.products.values() for address, _ in p.reads),
            granted=frozenset((g.producer, g.consumer) for g in mesh.grants(open_to_mesh)),
            freshness={p.address: p.spec.service_levels.freshness_hours for p in mesh.products.values() if p.spec.service_levels},
        )

    @classmethod
    def of_snapshot(cls, snapshot: dict) -> "Baseline":
        """The baseline of a tree's snapshot (`meshplane.snapshot`); a base that did not load declared nothing."""
        return cls(
            declared=frozenset((d["producer"], d["consumer"]) for d in snapshot.get("declared") or ()),
            granted=frozenset((g["producer"], g["consumer"]) for g in snapshot.get("grants") or ()),
            freshness={
                address: levels["freshness_hours"]
                for address, p in (snapshot.get("products") or {}).items()
                if (levels := (p.get("spec") or {}).get("service_levels"))
            },
        )

    def is_new(self, pair: Pair) -> bool:
        """The change adds this input."""
        return pair not in self.declared

    def was_granted(self, pair: Pair) -> bool:
        return pair in self.granted
