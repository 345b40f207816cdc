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

    def child(
        self, suffix: str, protection: DataProtection | None = None, renamed: Sequence[str] = (), **extra
    ) -> pulumi.ResourceOptions:
        """Options for a child named `<name>-<suffix>`: parented, aliased to its old names, guarded if stateful.

        `renamed` lists the child's own earlier suffixes (a grant whose producer was renamed): every
        combination of an old owner name and an old suffix is an alias too.
        """
        guarded = protection is DataProtection.protected
        current = self.child_name(suffix)
        names = (f"{owner}-{s}" for owner in (self._name, *self._previous) for s in (suffix, *renamed))
        return pulumi.ResourceOptions(
            parent=self,
            aliases=[pulumi.Alias(name=n) for n in dict.fromkeys(names) if n != current],
            protect=guarded,
            retain_on_delete=guarded,
            **extra,
        )

    def child_name(self, suffix: str) -> str:
        return f"{self._name}-{suffix}"
