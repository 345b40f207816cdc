"""A role's side of its agreements, packed into policy documents that stay within a size budget.

Each agreement is an entry with a stable key (the producer's address). Entries go into slots by the bits
of their key's hash: one slot (bits "") until its document passes the budget, then two ("0" and "1"),
and so on, splitting only the slot that overflows. Where an entry goes depends on its key and on the
entries that share its bits, never on the others, so one new agreement changes one document (or, when
its slot splits, replaces it by two), whatever the number of agreements.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from meshplane.cloud.documents import size

MAX_DEPTH = 16  # bits: 65,536 slots, far past any role's attachment limit


@dataclass(frozen=True)
class Entry:
    key: str  # stable: the agreement's producer address
    resources: tuple[str, ...]  # what the role's statement names for it (an access point and its bucket, a table and its database)


@dataclass(frozen=True)
class Slot:
    bits: str  # the hash prefix its entries share ("" for the only slot)
    entries: tuple[Entry, ...]
    document: dict


def bits_of(key: str) -> str:
    digest = hashlib.sha256(key.encode()).digest()
    return "".join(f"{byte:08b}" for byte in digest[: (MAX_DEPTH + 7) // 8])[:MAX_DEPTH]


def pack(entries: Sequence[Entry], document_of: Callable[[list[Entry]], dict], budget: int) -> list[Slot]:
    """The slots of `entries`, each document at most `budget` characters (as IAM counts them) where one entry allows."""
    keyed = sorted({e.key: e for e in entries}.values(), key=lambda e: e.key)
    return _split("", [(bits_of(e.key), e) for e in keyed], document_of, budget)


def _split(bits: str, items: list[tuple[str, Entry]], document_of, budget: int) -> list[Slot]:
    if not items:
        return []
    entries = [e for _, e in items]
    document = document_of(entries)
    if size(document) <= budget or len(items) == 1 or len(bits) >= MAX_DEPTH:
        return [Slot(bits, tuple(entries), document)]
    depth = len(bits)
    return [
        slot
        for bit in "01"
        for slot in _split(bits + bit, [(h, e) for h, e in items if h[depth] == bit], document_of, budget)
    ]
