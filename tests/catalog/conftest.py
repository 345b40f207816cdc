"""Fixtures for the catalog tests: small meshes (tests/unit/meshkit.py), the sample mesh and its stacks."""

from __future__ import annotations

import pytest

from meshplane.declarations.deployments import read_stacks
from meshplane.declarations.stack import StackSettings

from catalogkit import REPO  # first: it puts tests/unit and benchmarks on the import path
from meshkit import MeshFiles


@pytest.fixture
def mesh_files(tmp_path) -> MeshFiles:
    return MeshFiles(tmp_path)


@pytest.fixture(scope="session")
def stacks() -> dict[str, StackSettings]:
    return read_stacks(REPO)
