"""AWS's and Kubernetes' input rules over a stack's resources, each problem at the declaration it comes from."""

from __future__ import annotations

from collections.abc import Iterable

from meshplane.cloud.aws_inputs import input_problems
from meshplane.cloud.inventory import Resource
from meshplane.declarations.mesh import Mesh
from meshplane.declarations.problems import Problem


def input_findings(resources: Iterable[Resource], mesh: Mesh) -> list[Problem]:
    """One error per value a call would refuse, in the owning product's file (else its domain's, else the program)."""
    found = []
    for p in input_problems(resources):
        r = p.resource
        if not mesh.answers_for(r.product or r.domain):
            continue
        path, line = mesh.declaration(r.product, r.domain) or ("__main__.py", 1)
        found.append(Problem(path, line, f"{r.product or r.domain or '(stack)'}: {p.message}"))
    return sorted(set(found))
