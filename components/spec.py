"""What a component registers, as plain data: one `Child` per cloud resource.

A component's children are a pure function of its typed arguments. The component registers them with
the real pulumi-aws / pulumi-kubernetes classes (`components.registry`); meshplane builds the same
records without the Pulumi engine (`meshplane.registrations.inventory_build.build`), which is how validation sees every
resource of a 10,000-product mesh in seconds. A test pins the two equal.

Conventions of `Child.props`: top-level keys are the resource class's Python arguments; nested mappings
use the provider's own (camelCase) field names, as the engine records them; user data (tags, labels,
parameters) is passed as it is. A value that only the cloud knows (a KMS key's ID) is a `Ref`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Ref:
    """An output of a resource registered earlier: a sibling (`scope="self"`) or one of the product's domain."""

    suffix: str  # the child's suffix, e.g. "key"
    output: str  # the output's Python name, e.g. "key_id", "arn"
    scope: str = "self"  # "self": a child of the same component; "domain": a child of the product's DataDomain


@dataclass(frozen=True)
class Child:
    """One cloud resource of a component: `<component name>-<suffix>`."""

    token: str  # the resource type (components.tokens)
    suffix: str
    props: Mapping[str, object]
    stateful: bool = False  # guarded (protect, retain) where the stack keeps data
    renamed: Sequence[str] = ()  # the child's own earlier suffixes (a grant whose producer was renamed)
    after: Sequence[str] = ()  # suffixes of siblings it must follow (names are derived, so no output carries the order)
    provider: str = "aws"  # which provider of the component registers it: "aws", "cluster" (the EKS account's), "kubernetes"


def within(prefix: str, children: Sequence[Child]) -> list[Child]:
    """The children under `prefix` (their suffixes, their own earlier suffixes and the siblings they follow or refer
    to): a group the component registers more than once, such as each major version of a product's output port."""
    if not prefix:
        return list(children)
    inside = {c.suffix for c in children}

    def moved(value):
        if isinstance(value, Ref):
            return Ref(prefix + value.suffix, value.output, value.scope) if value.scope == "self" and value.suffix in inside else value
        if isinstance(value, dict):
            return {k: moved(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(moved(v) for v in value)
        return value

    return [
        replace(
            c,
            suffix=prefix + c.suffix,
            props=moved(dict(c.props)),
            renamed=[prefix + r for r in c.renamed],
            after=[prefix + a if a in inside else a for a in c.after],
        )
        for c in children
    ]


@dataclass(frozen=True)
class Tree:
    """A component's children and, for the inventory, the logical names its children had before (URN aliases)."""

    token: str
    children: Sequence[Child]
    former_parents: Mapping[str, str] = field(default_factory=dict)  # child suffix -> the component type it once sat under


def urn(stack: str, project: str, types: Sequence[str], name: str) -> str:
    """A resource's URN: its type qualified by its parents' types (the stack's own excepted), and its name."""
    return f"urn:pulumi:{stack}::{project}::{'$'.join(types)}::{name}"


def component_aliases(stack: str, project: str, token: str, name: str, previous: Sequence[str]) -> list[str]:
    """A top-level component renamed: the URNs it had under each earlier name."""
    return [urn(stack, project, [token], old) for old in previous]


def child_aliases(
    stack: str, project: str, parent: str, owner: str, previous: Sequence[str], child: Child, former_parent: str | None
) -> list[str]:
    """Every URN the child had: under each earlier name of its component and each earlier suffix of its own,
    and, where it once sat under a sub-component (`former_parent`), under that sub-component too."""
    current = f"{owner}-{child.suffix}"
    names = list(dict.fromkeys(f"{o}-{s}" for o in (owner, *previous) for s in (child.suffix, *child.renamed)))
    found = [urn(stack, project, [parent, child.token], n) for n in names if n != current]
    if former_parent:
        found += [urn(stack, project, [parent, former_parent, child.token], n) for n in names]
    return found
