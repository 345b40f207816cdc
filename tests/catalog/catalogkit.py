"""The catalog tier's helpers: the repository (the sample project) and the import path of the kits it borrows
(tests/unit/meshkit.py, the benchmarks' generators). Test modules import from here, never from `conftest`: another
tier's conftest may be the one Python knows by that name."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
for _folder in (REPO / "benchmarks", REPO / "tests" / "unit"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))
