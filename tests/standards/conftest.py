"""Fixtures for the open-standards tests: the sample mesh and the 1,000-product benchmark mesh, loaded once."""

from __future__ import annotations

import pytest

from meshplane.declarations.federation import Federation
from meshplane.declarations.loader import load_mesh
from meshplane.declarations.mesh import Mesh
from meshplane.declarations.stack import StackSettings
from meshplane.registrations.project import Project, open_project

from standardskit import BIG_DOMAINS, BIG_PRODUCTS, REPO  # first: it puts tests/unit and benchmarks on the import path

from bench_load import generate  # (the benchmark's own generator: the same mesh it measures)
from meshkit import MeshFiles


@pytest.fixture(scope="session")
def project() -> Project:
    """The sample project, as a command opens it."""
    return open_project(REPO)


@pytest.fixture(scope="session")
def mesh(project) -> Mesh:
    return project.mesh


@pytest.fixture(scope="session")
def federation(project) -> Federation:
    return project.federation


@pytest.fixture(scope="session")
def prod(project) -> tuple[StackSettings, ...]:
    """The prod environment's stacks: prod, and prod-podcasts, which podcasts deploys alone in."""
    return project.with_stack("prod").settings, project.with_stack("prod-podcasts").settings


@pytest.fixture(scope="session")
def dev(project) -> StackSettings:
    return project.with_stack("dev").settings


@pytest.fixture
def mesh_files(tmp_path) -> MeshFiles:
    """An empty mesh in a temporary folder (see tests/unit/meshkit.py)."""
    return MeshFiles(tmp_path)


@pytest.fixture(scope="session")
def big_mesh(tmp_path_factory) -> Mesh:
    root = tmp_path_factory.mktemp("big") / "domains"
    generate(root, BIG_PRODUCTS, BIG_DOMAINS)
    return load_mesh(root)
