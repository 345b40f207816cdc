"""The judges tier: external tools (parliament, cloudsplaining, checkov, datacontract-cli, actionlint, the deploy
script under jq) judging what the program generates. Every test of it is `slow`: `make test` runs them, `make
test-fast` does not (it installs neither checkov nor jq); what they judge is built by packages the fast tiers test."""

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):  # pytest hands every item of the session: mark this tier's only
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.slow)
