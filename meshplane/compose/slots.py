"""A role's side of its agreements as managed policies: its entries packed into slots (meshplane.compose.packing)."""

from __future__ import annotations

from collections.abc import Callable

from components.access import PolicySlot
from components.policies import document
from meshplane.cloud import naming
from meshplane.compose.packing import Entry, pack


def slots(role: str, entries: list[Entry], statement: Callable[[list[str]], dict], budget: int) -> list[PolicySlot]:
    """The managed policies holding `entries`, each document within `budget` characters."""
    packed = pack(entries, lambda chosen: document(statement(sorted({r for e in chosen for r in e.resources}))), budget)
    return [PolicySlot(naming.slot_name(role, slot.bits), slot.document) for slot in packed]
