"""Fixtures for the browser tests: the sample mesh's catalog built once, and Debian's Chromium (a test without it fails).

Every test of this tier is `slow`: `make test` runs them, `make test-fast` does not (it installs no Chromium); the
catalog's pages are built and read by tests/catalog in the fast tier."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).resolve().parents[2] / "benchmarks")]

from browserkit import MISSING, REPO, chromium  # noqa: E402

from meshplane.catalog.site import build_site  # noqa: E402
from meshplane.declarations.deployments import read_stacks  # noqa: E402
from meshplane.declarations.mesh import Mesh  # noqa: E402
from meshplane.registrations.project import Project, open_project  # noqa: E402


def pytest_collection_modifyitems(items):  # pytest hands every item of the session: mark this tier's only
    here = Path(__file__).resolve().parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def project() -> Project:
    return open_project(REPO)


@pytest.fixture(scope="session")
def mesh(project) -> Mesh:
    return project.mesh


@pytest.fixture(scope="session")
def site(project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("catalog")
    grants = project.mesh.grants(project.federation.open_classifications)
    return build_site(project.mesh, grants, read_stacks(project.root), "prod", out).index


@pytest.fixture(scope="session")
def browser():
    try:
        with chromium() as launched:
            yield launched
    except FileNotFoundError:
        pytest.fail(MISSING)


@dataclass
class Tab:
    """A page whose every request is watched: only `file://` goes through, anything else is aborted and kept."""

    page: object
    blocked: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_offline_and_quiet(self) -> None:
        assert self.blocked == [], "requests left the page"
        assert self.requested and all(url.startswith("file://") for url in self.requested), self.requested
        assert self.errors == [], "the console reported errors"


@pytest.fixture
def tab(browser) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watched = Tab(page=None)

    def guard(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            watched.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("request", lambda request: watched.requested.append(request.url))
    page.on("console", lambda message: watched.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    watched.page = page
    yield watched
    context.close()
