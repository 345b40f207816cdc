"""What the program registers: one record per resource, as the mock engine saw it.

`meshplane plan` produces these from the real `__main__.py`; resource governance rules, the
CrossGuard pack's tests and `up --local` all read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from components import tokens


@dataclass(frozen=True)
class Resource:
    urn: str
    type: str  # e.g. "aws:s3/bucket:Bucket" (see components.tokens), or a component's TOKEN
    name: str  # the logical name
    inputs: dict = field(repr=False)  # resolved inputs, plain JSON-like data
    parent: str | None = None  # the parent's URN
    provider: str | None = None  # the explicit provider reference ("urn::id"), None for components
    protect: bool = False
    retain_on_delete: bool = False
    aliases: tuple[str, ...] = ()  # alias names or URNs
    custom: bool = True  # False for ComponentResources
    domain: str | None = None  # the domain the resource belongs to (None for stack-level resources)
    product: str | None = None  # the product address `<domain>/<product>`, None for domain-level resources
    id: str | None = None  # the ID the (mock) cloud answered
    outputs: dict = field(default_factory=dict, repr=False)  # the state the (mock) cloud answered

    @property
    def is_provider(self) -> bool:
        return self.type.startswith(tokens.PROVIDER_PREFIX)



def whole(value: object) -> object:
    """A number as it was written: the mock engine records every number as a float (docs/toolchain.md), 3.0 -> 3."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def integral(value: object) -> object:
    """`whole` through mappings and lists."""
    if isinstance(value, dict):
        return {k: integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [integral(v) for v in value]
    return whole(value)
