"""The open-standards tier's helpers: the repository (the sample project), the size of the benchmark mesh, and the
import path of the kits it borrows (tests/unit/meshkit.py, the benchmarks' generator). Test modules import from here,
never from `conftest`: another tier's conftest may be the one Python knows by that name."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
for _folder in (REPO / "tests" / "unit", REPO / "benchmarks"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

BIG_PRODUCTS, BIG_DOMAINS = 1000, 50
