"""Small meshes written into a temporary folder, so each test states exactly the files it reads.

The product template's lines are fixed (tests assert `path:line`):

     1  # yaml-language-server: $schema=...
     2  name
     3  description
     4  owner
     5  kind
     6  classification
     7  output:
     8    columns:
     9      - name: id
    10        type: string
    11        description: ...
    12  inputs: [...]
    13  consumers: [...]
    14  job:
    15    image: ...
"""

from __future__ import annotations

from pathlib import Path

from meshplane.declarations.loader import load_mesh
from meshplane.declarations.mesh import Mesh
from meshplane.declarations.problems import MeshError

PRODUCT_MODELINE = "# yaml-language-server: $schema=../../../schemas/product.schema.json\n"
DOMAIN_MODELINE = "# yaml-language-server: $schema=../../schemas/domain.schema.json\n"

PRODUCT = (
    PRODUCT_MODELINE
    + """\
name: {name}
description: A product of the test mesh.
owner: team@example.com
kind: source-aligned
classification: {classification}
output:
  columns:
    - name: id
      type: string
      description: Identifier.
inputs: [{inputs}]
consumers: [{consumers}]
job:
  image: {image}
"""
)
IMAGE = "registry.example/job@sha256:" + "0123456789abcdef" * 4

DOMAIN = (
    DOMAIN_MODELINE
    + """\
name: {name}
description: A domain of the test mesh.
team: Test Team
contact: team@example.com
"""
)


COLUMNS = "  columns:\n    - name: id\n      type: string\n      description: Identifier.\n"

# an ODCS contract for users/alpha; its lines are fixed: tests/unit/declarations/test_odcs_import.py asserts them
CONTRACT = """\
apiVersion: v3.2.0
kind: DataContract
id: users.alpha.output
version: 1.0.0
status: active
schema:
  - name: alpha
    logicalType: object
    properties:
      - name: listener_id
        logicalType: string
        physicalType: string
        description: Pseudonymous listener.
        customProperties:
          - {property: pii, value: true}
          - {property: polyseme, value: listener_id}
      - name: plays
        logicalType: integer
        logicalTypeOptions: {format: i64}
        description: Plays counted.
      - name: score
        logicalType: number
        physicalType: DECIMAL(18,2)
        description: Score of the listener.
      - name: day
        logicalType: date
        description: Day of the plays.
        partitioned: true
        partitionKeyPosition: 2
      - name: country
        logicalType: string
        physicalType: VARCHAR(2)
        description: Country of the listener.
        partitioned: true
        partitionKeyPosition: 1
"""

def product_text(name: str, classification: str = "internal", inputs=(), consumers=(), extra: str = "") -> str:
    """The template, with `extra` lines appended from line 16."""
    text = PRODUCT.format(name=name, classification=classification, inputs=", ".join(inputs), consumers=", ".join(consumers), image=IMAGE)
    return text + extra


def with_contract(name: str, contract: str = "contracts/alpha.odcs.yaml", **fields) -> str:
    """The template with its columns replaced by `contract:` (line 8); inputs are then line 9."""
    text = product_text(name, **fields)
    assert text.count(COLUMNS) == 1
    return text.replace(COLUMNS, f"  contract: {contract}\n")


def edit(text: str, old: str, new: str) -> str:
    """`text` with its one `old` replaced by `new`."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def domain_text(name: str) -> str:
    return DOMAIN.format(name=name)


class MeshFiles:
    """A mesh under `<tmp>/domains` of a project at `<tmp>`, shown as `domains/...` (the tests run with the tmp folder as cwd)."""

    def __init__(self, base: Path):
        (base / "Pulumi.yaml").write_text("name: meshplane\nruntime: python\n")
        self.root = base / "domains"
        self.root.mkdir()

    def write(self, relative: str, content: str | bytes) -> str:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return f"domains/{relative}"

    def domain(self, name: str) -> str:
        return self.write(f"{name}/domain.yaml", domain_text(name))

    def product(self, domain: str, name: str, text: str | bytes | None = None, **fields) -> str:
        """Write a product (the template unless `text`); creates the domain file when missing."""
        if not (self.root / domain / "domain.yaml").exists():
            self.domain(domain)
        return self.write(f"{domain}/products/{name}.yaml", product_text(name, **fields) if text is None else text)

    def load(self) -> Mesh:
        return load_mesh(self.root)

    def errors(self) -> list[str]:
        """Every problem line of a load that must fail."""
        try:
            load_mesh(self.root)
        except MeshError as exc:
            return [str(p) for p in exc.problems]
        raise AssertionError("the mesh loaded without problems")
