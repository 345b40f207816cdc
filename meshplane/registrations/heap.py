"""Python's cyclic garbage collector, managed around the phases that build a large heap that stays alive.

A command loads the mesh, composes it and builds (or records) every registration: millions of objects
that live until it ends, and few cycles among them. Left alone, the collector walks that growing heap
again and again (about half of a large program evaluation); suspended, the same work costs only the
cycles it leaves behind, which one collection at the end frees. That collection is of the youngest generation
only: with the collector off nothing the phase made was ever promoted, so every cycle it left is there, and the heap
the process held before the phase is not walked again for each command (in a test worker that had run the program
tier, a third of a second per in-process command).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def suspended(collect: bool = True) -> Iterator[None]:
    """The collector off for the phase, then (with `collect`) one collection of what the phase left: its youngest
    generation, where everything made while the collector was off still is.

    Nested in another suspended phase, it leaves the collector to that one."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        if collect:
            gc.collect(0)


@contextmanager
def for_the_process() -> Iterator[None]:
    """The collector off for a process that ends with the block (a command, a benchmark's child); at its end
    what is left is frozen before the collector is on again, so that neither its first collection (the whole
    heap the command made is young: a tenth of a second at a hundred products) nor the interpreter's exit walks
    it. In-process callers that go on afterwards want `suspended`."""
    if not gc.isenabled():
        yield
        gc.freeze()
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
