"""Fixtures for the component tests: one evaluation of the real program per stack, shared by the whole session.

An evaluation is isolated (meshplane.engine.evaluate: fresh loop, options, config and monitor), so
sharing its result is safe; tests read it and never change it.
"""

from __future__ import annotations

import pytest

from meshplane.engine import ROOT, Evaluation, evaluate
from meshplane.federation import Federation
from meshplane.governance import load_federation
from meshplane.loader import load_mesh
from meshplane.mesh import Mesh

_CACHE: dict[str, Evaluation] = {}


def evaluation(stack: str) -> Evaluation:
    if stack not in _CACHE:
        _CACHE[stack] = evaluate(stack)
    return _CACHE[stack]


@pytest.fixture(scope="session")
def dev() -> Evaluation:
    return evaluation("dev")


@pytest.fixture(scope="session")
def prod() -> Evaluation:
    return evaluation("prod")


@pytest.fixture(scope="session")
def prod_podcasts() -> Evaluation:
    return evaluation("prod-podcasts")


@pytest.fixture(scope="session", params=["dev", "prod"])
def env_eval(request) -> Evaluation:
    """The sample mesh in each environment the goldens cover."""
    return evaluation(request.param)


@pytest.fixture(scope="session")
def mesh() -> Mesh:
    return load_mesh(ROOT / "domains")


@pytest.fixture(scope="session")
def federation() -> Federation:
    return load_federation(ROOT / "governance" / "federation.yaml")
