"""Fixtures for the component tests: one evaluation of the real program per stack, shared by the whole session.

An evaluation is isolated (meshplane.registrations.engine.evaluate: fresh loop, options, config and monitor), so
sharing its result is safe; tests read it and never change it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from golden_inventory import golden_evaluation

from meshplane.declarations.federation import Federation
from meshplane.declarations.loader import load_mesh
from meshplane.declarations.mesh import Mesh
from meshplane.governance.registry import load_federation
from meshplane.registrations.engine import Evaluation, evaluate

ROOT = Path(__file__).resolve().parents[2]  # the repository: the sample project

_CACHE: dict[str, Evaluation] = {}


def evaluation(stack: str, every_domain: bool = False) -> Evaluation:
    """The stack's registrations; `every_domain`: prod's golden, prod as one stack of every domain."""
    key = f"{stack}+every-domain" if every_domain else stack
    if key not in _CACHE:
        _CACHE[key] = golden_evaluation(stack) if every_domain else evaluate(stack)
    return _CACHE[key]


@pytest.fixture(scope="session")
def dev() -> Evaluation:
    return evaluation("dev")


@pytest.fixture(scope="session")
def prod() -> Evaluation:
    return evaluation("prod")


@pytest.fixture(scope="session")
def prod_every_domain() -> Evaluation:
    """The prod stack without its `meshplane:excludeDomains`: the whole sample mesh in one stack of prod."""
    return evaluation("prod", every_domain=True)


@pytest.fixture(scope="session")
def prod_podcasts() -> Evaluation:
    return evaluation("prod-podcasts")


@pytest.fixture(scope="session", params=["dev", "prod"])
def env_eval(request) -> Evaluation:
    """The sample mesh in each environment the goldens cover (prod: as one stack of every domain)."""
    return evaluation(request.param, every_domain=request.param == "prod")


@pytest.fixture(scope="session")
def mesh() -> Mesh:
    return load_mesh(ROOT / "domains")


@pytest.fixture(scope="session")
def federation() -> Federation:
    return load_federation(ROOT / "governance" / "federation.yaml")
