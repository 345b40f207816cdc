"""How the documents of the open standards name and link a product: ids, the output port, its versions and status.

A product's output port keeps one contract id through its major versions: version N is that contract at
`N.0.0` (a major version is the only kind the spec has), or at the version its own contract says (whose major
is N), each in a file of its own.
"""

from __future__ import annotations

from meshplane.declarations.mesh import DeclaredProduct
from meshplane.declarations.spec import PortStatus, Product

PORT = "output"  # the spec's output port (each of its major versions is a version of one contract)


def product_id(address: str) -> str:
    """The ODPS id of a product: `<domain>.<product>` (names never hold a dot, so ids never collide)."""
    return address.replace("/", ".")


def contract_id(address: str, port: str = PORT) -> str:
    """The ODCS id of a product's output port: `<domain>.<product>.<port>`."""
    return f"{product_id(address)}.{port}"


def port_version(version: int) -> str:
    """A major version of the spec as the standards write versions (semantic)."""
    return f"{version}.0.0"


def contract_version(declared: DeclaredProduct, version: int) -> str:
    """The version of the contract of the port's major `version`: its own contract's (minor and patch kept), else `N.0.0`."""
    imported = declared.contracts.get(version)
    return str(imported.document["version"]) if imported is not None else port_version(version)


def port_status(product: Product, version: int) -> str:
    """The status of one version of the product's port: the product's own for the current version (draft, active,
    deprecated, retired), the earlier version's for an earlier one; a retired product retires them all."""
    earlier = next((p for p in product.previous_outputs if p.version == version), None)
    if earlier is None or product.status.value == "retired":
        return product.status.value
    return PortStatus(earlier.status).value


def document_key(address: str, version: int, current: int) -> str:
    """The key of a port's document among a product's: the address for the current version, `address@N` for another."""
    return address if version == current else f"{address}@{version}"
