"""How exported documents name and link each other: ids, the output port, its version and status.

Versioned output ports have not landed in the spec yet: every product has one port, `output`, at version
1.0.0, active. When they land, these are the only values to derive from the spec instead.
"""

from __future__ import annotations

PORT = "output"  # the spec's one output port
PORT_VERSION = "1.0.0"
STATUS = "active"


def product_id(address: str) -> str:
    """The ODPS id of a product: `<domain>.<product>` (names never hold a dot, so ids never collide)."""
    return address.replace("/", ".")


def contract_id(address: str, port: str = PORT) -> str:
    """The ODCS id of a product's output port: `<domain>.<product>.<port>`."""
    return f"{product_id(address)}.{port}"
