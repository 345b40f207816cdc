"""The ODCS judge's own promise, over every value of the full-range contract at each version: no key the contract
validly holds is ever called unknown, whatever value beside it is wrong (jsonschema-rs's own errors would)."""

from __future__ import annotations

import copy

import pytest
from contractkit import VERSIONS, document, full_range

from meshplane.declarations.odcs_standard import JUDGED_BY, violations

WRONG = (5, "x", [1], {"a": 1}, None, True)


def paths(node: object, path: tuple = ()):
    if path:
        yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from paths(value, (*path, i))


def holds(doc: object, path: tuple) -> bool:
    """Whether the valid contract holds a key at `path`."""
    for step in path[:-1]:
        try:
            doc = doc[step]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return False
    return isinstance(doc, dict) and path[-1] in doc


@pytest.mark.slow
@pytest.mark.parametrize("api_version", VERSIONS)
def test_no_key_of_a_valid_contract_is_called_unknown_whatever_value_beside_it_is_wrong(api_version):
    valid = document(full_range(api_version))
    version = JUDGED_BY[api_version]
    assert violations(valid, version) == []
    called_unknown = []
    for path in paths(valid):
        if path == ("apiVersion",):
            continue
        for wrong in WRONG:
            broken = copy.deepcopy(valid)
            parent = broken
            for step in path[:-1]:
                parent = parent[step]
            parent[path[-1]] = wrong
            found = violations(broken, version)
            called_unknown += [(path, wrong, m) for p, m in found if m.startswith("unknown key") and p != path and holds(valid, p)]
    assert called_unknown == []


def test_a_key_in_the_wrong_place_says_where_it_belongs():
    valid = document(full_range())
    broken = copy.deepcopy(valid)
    genres = next(p for p in broken["schema"][0]["properties"] if p["name"] == "genres")
    genres["logicalType"] = "string"
    assert ("unknown key 'schema.0.properties.5.items': ODCS v3.2.0 has it only where logicalType is array"
            in [m for _, m in violations(broken, "3.2.0")])  # fmt: skip
