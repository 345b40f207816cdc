"""A command's heap at its end: frozen before the collector is on again, so nothing walks what the command made."""

from __future__ import annotations

import gc

from meshplane.registrations import heap


def test_a_command_ends_without_a_collection_of_what_it_made():
    collections: list[int] = []

    def seen(phase, info):
        if phase == "stop":
            collections.append(info["generation"])

    gc.collect()
    gc.callbacks.append(seen)
    try:
        with heap.for_the_process():
            made = [[i] for i in range(100_000)]  # young, never collected while the command ran
        gc.callbacks.remove(seen)
    finally:
        if seen in gc.callbacks:
            gc.callbacks.remove(seen)
        gc.unfreeze()  # this process goes on
    assert gc.isenabled() and len(made) == 100_000
    assert collections == []  # the first collection after it walked every object it made (0.1 s at 100 products)
