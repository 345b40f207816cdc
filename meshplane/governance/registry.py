"""Every governance rule, collected from `meshplane.governance.rules` (one module per rule)."""

from __future__ import annotations

import importlib
import pkgutil

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
