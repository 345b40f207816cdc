"""The benchmark suite runs end to end on a small mesh (a smoke test: timings are the benchmark's, never asserted here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # left out of `make test-fast`: a benchmark run end to end

ROOT = Path(__file__).resolve().parents[2]


def test_bench_scale_writes_its_table_plot_and_figures(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "benchmarks"), str(ROOT)])}
    command = [sys.executable, str(ROOT / "benchmarks" / "bench_scale.py"), "--sizes", "30,60", "--engine-sizes", "30", "--out", str(tmp_path)]
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    figures = json.loads((tmp_path / "scale.json").read_text())
    assert [r["products"] for r in figures["commands"]] == [30, 60]
    for row in figures["commands"]:
        assert row["validate_resources"] > row["validate_domain_resources"] > 0  # every rule ran, over the whole and the scope
        assert 15 < row["cloud_per_product"] < row["registrations_per_product"]
    (engine,) = figures["engine"]
    assert engine["registrations"] > 30 * 15 and engine["real_seconds"] > 0 and engine["bare_seconds"] > 0
    assert (tmp_path / "scale.md").read_text().startswith("| products (domains) |")
    assert (tmp_path / "scale.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "growth 30 -> 60 products (x2)" in run.stdout


def test_bench_status_prints_each_sizes_calls_per_product_and_their_ratio(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    from bench_status import calls_line

    rows = [{"products": 200, "calls_per_product": 1.15}, {"products": 50, "calls_per_product": 1.2}]
    assert calls_line(rows) == ("API calls per product: 200 products: 1.15; 50 products: 1.20; ratio 200 / 50 = 0.96 "
                                "(1.00: constant in the mesh's size)")  # fmt: skip
    assert calls_line(rows[:1]) == "API calls per product: 200 products: 1.15"
