"""Every governance rule, collected from `meshplane.governance.rules` (one module per rule)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from meshplane.declarations.federation import DEFAULT_PATH, Federation, read_federation
from meshplane.declarations.problems import MeshError, Problem
from meshplane.governance import rules as _package
from meshplane.governance.rule import Rule, Subject


def _collect() -> dict[str, Rule]:
    found: dict[str, Rule] = {}
    for info in sorted(pkgutil.iter_modules(_package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{_package.__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if not isinstance(rule, Rule):
            raise ImportError(f"{module.__name__} defines no RULE")
        if rule.id in found:
            raise ImportError(f"rule ID {rule.id} is defined twice ({module.__name__})")
        found[rule.id] = rule
    return dict(sorted(found.items()))


RULES: dict[str, Rule] = _collect()


def rules_for(*subjects: Subject) -> list[Rule]:
    return [r for r in RULES.values() if r.subject in subjects]


def load_federation(path: Path | str = DEFAULT_PATH) -> Federation:
    """The federation's file (defaults when it does not exist), checked: its schema, and every rule ID it names registered."""
    federation = read_federation(path)
    source = federation.source
    unknown = [
        Problem(source.path, source.line_of(("rules", rule_id)), f"unknown rule ID {rule_id!r} (see `meshplane.governance`)")
        for rule_id in federation.rules
        if rule_id not in RULES
    ]
    if unknown:
        raise MeshError(unknown)
    return federation
