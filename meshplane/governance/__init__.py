"""Federated computational governance: global rules as code, tuned by the federation's data file.

    from meshplane.governance import evaluate_mesh, evaluate_resources, blocking

    problems = evaluate_mesh(mesh, federation, "prod")            # MESH-... and LIM-006
    problems += evaluate_resources(resources, federation, "prod", mesh)  # RES-... and LIM-001..005
    if blocking(problems): ...                                     # a mandatory finding stands

The resources come from the project's real Pulumi program, run for a stack under the mock engine
(`meshplane.engine.run`).

Each problem prints as `path:line: RULE-ID severity: message`. The rules are in `rules/`, one per
module, listed in `RULES`; the Pulumi CrossGuard pack under `policies/` calls the same functions.
"""

from meshplane.governance.evaluate import evaluate_mesh, evaluate_resources, severity_of
from meshplane.governance.registry import RULES, load_federation
from meshplane.governance.rule import Finding, Rule, Scope, Subject
from meshplane.problems import Severity, blocking

__all__ = [
    "RULES",
    "Finding",
    "Rule",
    "Scope",
    "Severity",
    "Subject",
    "blocking",
    "evaluate_mesh",
    "evaluate_resources",
    "load_federation",
    "severity_of",
]
