"""What a governance rule is, and what it returns.

A rule is a pure function over one subject (the mesh, one resource, or every resource of a stack)
that yields findings; the `Rule` record adds its stable ID and the human text. Whether a finding
blocks (mandatory) or warns (advisory) is decided per environment by the federation, not by the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from meshplane.cloud.inventory import Resource
from meshplane.declarations.problems import Severity
from meshplane.declarations.spec import Environment


class Scope(str, Enum):
    """What the rule governs (and the prefix of its ID)."""

    mesh = "mesh"  # the declarations: MESH-...
    resource = "resource"  # the provisioned resources' settings: RES-...
    limit = "limit"  # AWS limits and quotas: LIM-...


class Subject(str, Enum):
    """What the rule's function takes."""

    mesh = "mesh"  # check(ctx: MeshContext)
    resource = "resource"  # check(resource: Resource, federation: Federation)
    stack = "stack"  # check(resources: Sequence[Resource], federation: Federation)
    usage = "usage"  # check(rows: Sequence[meshplane.governance.usage.Usage], federation: Federation): the quotas' use


@dataclass(frozen=True)
class Finding:
    """One non-compliance. Mesh findings carry their file and line; resource findings carry the resource."""

    message: str
    path: str | None = None  # the declaration file (mesh findings)
    line: int = 1
    product: str | None = None  # the product address whose suppressions apply
    resource: Resource | None = None  # the non-compliant resource (resource and limit findings)
    field: tuple = ()  # where in the owning product's file a resource finding is best shown


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    rationale: str
    severity: Severity  # the default: an error is mandatory, a warning advisory, unless the federation says otherwise
    scope: Scope
    subject: Subject
    check: Callable[..., Iterable[Finding]]
    environments: Mapping[Environment, Severity] = field(default_factory=dict)  # the rule's own default where it differs

    def severity_in(self, env: Environment) -> Severity:
        """The rule's own severity in `env`, before the federation decides."""
        return self.environments.get(env, self.severity)

