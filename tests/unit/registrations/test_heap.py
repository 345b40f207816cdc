"""A command's heap at its end: frozen before the collector is on again, so nothing walks what the command made; an
in-process command collects what it made, and not the heap the process held before it."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from meshplane.registrations import heap


@contextmanager
def collections(phase: str) -> Iterator[list[int]]:
    """The generation of each collection that reaches `phase` ("start" or "stop") inside the block."""
    seen: list[int] = []

    def callback(at, info):
        if at == phase:
            seen.append(info["generation"])

    gc.collect()
    gc.callbacks.append(callback)
    try:
        yield seen
    finally:
        gc.callbacks.remove(callback)


def test_a_command_ends_without_a_collection_of_what_it_made():
    try:
        with collections("stop") as seen, heap.for_the_process():
            made = [[i] for i in range(100_000)]  # young, never collected while the command ran
    finally:
        gc.unfreeze()  # this process goes on
    assert gc.isenabled() and len(made) == 100_000
    assert seen == []  # the first collection after it walked every object it made (0.1 s at 100 products)


class Node:
    pass


def test_a_phase_ends_with_one_collection_of_what_it_made_and_not_of_the_heap_before_it():
    """The tests run thousands of commands in their process: each collected the whole heap, a third of a second apiece
    in a worker that had run the program tier."""
    with collections("start") as seen, heap.suspended():
        cycle = Node()
        cycle.me = cycle
        left = weakref.ref(cycle)
        del cycle
    assert left() is None  # the cycle the phase left is freed at its end
    assert seen == [0]  # by one collection of the youngest generation, where all it made still is
