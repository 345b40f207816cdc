"""The program tier: its kits (`gitkit`, `portkit`, `statekit`) sit in this folder, which pytest puts on the import path
for the tests in its package folders below.

The base of `diff --base` / `validate --base` is read by its own program in a subprocess (`meshplane.snapshot`). Most
tests here compare an edit with the same base, this project as committed: that base's snapshot is taken once per
process and reused (snapshotkit), keyed by the git tree of a clean checkout, so any other tree still runs its program.
"""

from __future__ import annotations

import pytest
import snapshotkit


@pytest.fixture(autouse=True)
def _one_snapshot_per_base(monkeypatch):
    snapshotkit.share_snapshots(monkeypatch)
