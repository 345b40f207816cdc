"""What every meshplane component shares: data protection as an enum, and children that keep their data on a rename."""

from __future__ import annotations

from enum import Enum
from typing import Sequence

import pulumi


class DataProtection(str, Enum):
    """How stateful resources (bucket, key, database, table) are guarded. Chosen by the platform, not the component."""

    protected = "protected"  # protect + retain on delete: `pulumi destroy` keeps the data
    standard = "standard"  # deletable, but a bucket that still holds objects is never emptied
    disposable = "disposable"  # both keys turned: buckets are emptied and deleted with the stack


class Quantum(pulumi.ComponentResource):
    """A component whose logical name may have changed: its children carry aliases to their old names."""

    def __init__(self, token: str, name: str, previous: Sequence[str], opts: pulumi.ResourceOptions | None):
        self._name = name
        self._previous = tuple(previous)
        aliases = [pulumi.Alias(name=old) for old in self._previous]
        super().__init__(token, name, None, pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=aliases)))

    def child(self, suffix: str, protection: DataProtection | None = None, **extra) -> pulumi.ResourceOptions:
        """Options for a child named `<name>-<suffix>`: parented, aliased to its old names, guarded if stateful."""
        guarded = protection is DataProtection.protected
        return pulumi.ResourceOptions(
            parent=self,
            aliases=[pulumi.Alias(name=f"{old}-{suffix}") for old in self._previous],
            protect=guarded,
            retain_on_delete=guarded,
            **extra,
        )

    def child_name(self, suffix: str) -> str:
        return f"{self._name}-{suffix}"
