"""Fixtures for the catalog tests: small meshes (tests/unit/meshkit.py), the sample mesh and its stacks."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from meshplane.declarations.deployments import read_stacks
from meshplane.declarations.stack import StackSettings

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "tests" / "unit"), str(REPO / "benchmarks")]

from meshkit import MeshFiles  # noqa: E402


@pytest.fixture
def mesh_files(tmp_path) -> MeshFiles:
    return MeshFiles(tmp_path)


@pytest.fixture(scope="session")
def stacks() -> dict[str, StackSettings]:
    return read_stacks(REPO)
