"""What every meshplane component shares: data protection as an enum, and children registered from their specs.

A child keeps its data through a rename and through the flattening of the product's former
sub-components: its aliases are the URNs it had under every earlier name and parent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum

import pulumi

from components.registry import classes
from components.spec import Child, Ref, child_aliases, component_aliases


class DataProtection(str, Enum):
    """How stateful resources (bucket, key, database, table) are guarded. Chosen by the platform, not the component."""

    protected = "protected"  # protect + retain on delete: `pulumi destroy` keeps the data
    standard = "standard"  # deletable, but a bucket that still holds objects is never emptied
    disposable = "disposable"  # both keys turned: buckets are emptied and deleted with the stack


class Quantum(pulumi.ComponentResource):
    """A component whose children come from pure specs (`components.spec.Child`), registered in order."""

    TOKEN = ""
    FORMER_PARENTS: Mapping[str, str] = {}  # child suffix -> the sub-component type it sat under before

    def __init__(self, name: str, previous: Sequence[str] = (), opts: pulumi.ResourceOptions | None = None):
        self._name = name
        self._previous = tuple(previous)
        self.children: dict[str, pulumi.Resource] = {}
        aliases = component_aliases(pulumi.get_stack(), pulumi.get_project(), self.TOKEN, name, self._previous)
        super().__init__(self.TOKEN, name, None, pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=aliases)))

    def add(
        self,
        children: Sequence[Child],
        protection: "DataProtection",
        providers: Mapping[str, pulumi.ProviderResource] | None = None,
        domain: "Quantum | None" = None,
    ) -> None:
        """Register `children` in order; a `Ref` resolves to an earlier child's output (or the domain's)."""

        def resolve(value):
            if isinstance(value, Ref):
                owner = self if value.scope == "self" else domain
                return getattr(owner.children[value.suffix], value.output)
            if isinstance(value, dict):
                return {k: resolve(v) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return [resolve(v) for v in value]
            return value

        for child in children:
            guarded = child.stateful and protection is DataProtection.protected
            aliases = child_aliases(
                pulumi.get_stack(), pulumi.get_project(), self.TOKEN, self._name, self._previous, child, self.FORMER_PARENTS.get(child.suffix)
            )
            opts = pulumi.ResourceOptions(
                parent=self,
                aliases=aliases,
                protect=guarded,
                retain_on_delete=guarded,
                depends_on=[self.children[s] for s in child.after],
                provider=(providers or {}).get(child.provider),
            )
            cls = classes()[child.token]  # called here, not through a helper: the SDK walks the stack of every registration
            self.children[child.suffix] = cls(self.child_name(child.suffix), **resolve(dict(child.props)), opts=opts)

    def child_name(self, suffix: str) -> str:
        return f"{self._name}-{suffix}"
