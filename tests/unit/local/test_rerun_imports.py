"""What `up --local` imports: not the access check's evaluator, nor DuckDB (a rerun with nothing to change starts sooner)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("duckdb", "principalmapper", "meshplane.evaluator.iam", "meshplane.local.access", "meshplane.local.quality", "meshplane.local.sample_data")


def test_up_local_imports_neither_the_access_check_nor_duckdb():
    code = f"import sys, meshplane.cli, meshplane.local.run; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120).stdout
    assert out.strip() == "[]"
