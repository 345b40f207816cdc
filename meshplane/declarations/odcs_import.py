"""A product's output port taken from an ODCS contract it names (`output: {contract: contracts/<file>.yaml}`).

The contract is checked against the ODCS JSON Schema first; then its one schema object becomes the port's
columns (properties) and partitions (properties with `partitioned: true`, by `partitionKeyPosition`). Every
problem is reported at its line of the contract, all of them in one run.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from meshplane.declarations import odcs_standard as odcs
from meshplane.declarations.problems import MeshError, Problem
from meshplane.declarations.spec import Column, ColumnType, OutputPort
from meshplane.declarations.yamlsrc import Document, YamlError, parse

# meshplane's column fields, as an ODCS property spells them
ODCS_KEYS = {
    "name": "name", "description": "description", "type": "physicalType", "nullable": "required",
    "pii": "customProperties", "polyseme": "customProperties",
}  # fmt: skip
P = TypeVar("P", bound=OutputPort)
TYPES = ", ".join(t.value for t in ColumnType)


def import_port(port: P, path: Path, shown: str) -> P:
    """`port` with the columns and partitions of the contract at `path` (reported as `shown`); raise MeshError."""
    try:
        doc = parse(path.read_bytes())
    except OSError as exc:
        raise MeshError([Problem(shown, 1, f"cannot read: {exc.strerror}")]) from None
    except YamlError as exc:
        raise MeshError([Problem(shown, exc.line, exc.message)]) from None
    problems = [Problem(shown, doc.line_of(where), message) for where, message in odcs.violations(doc.data)]
    if problems:
        raise MeshError(problems)
    objects = (doc.data if isinstance(doc.data, dict) else {}).get("schema") or []  # a valid contract is a mapping
    if len(objects) != 1:
        found = f"{len(objects)} schema objects" if objects else "no schema object"
        raise MeshError([Problem(shown, doc.line_of(("schema",)), f"the contract has {found}: a product's output port takes exactly one")])
    columns: list[tuple[int, Column]] = []
    partitions: list[tuple[int, int, Column]] = []
    first: dict[object, int] = {}
    for i, prop in enumerate(objects[0].get("properties") or []):
        where = ("schema", 0, "properties", i)
        if first.setdefault(prop.get("name"), i) != i:  # each repeat at its own line, never the port's
            message = f"{odcs.dotted((*where, 'name'))}: property {prop.get('name')!r} is declared twice (first as property {first[prop.get('name')] + 1})"
            problems.append(Problem(shown, doc.line_of((*where, "name")), message))
            continue
        column = _column(prop, where, doc, shown, problems)
        if column is None:
            continue
        if prop.get("partitioned") is True:
            position = prop.get("partitionKeyPosition", -1)
            partitions.append((position if position > 0 else 1 << 30, i, column))
        else:
            columns.append((i, column))
    if problems:
        raise MeshError(problems)
    try:
        imported = OutputPort(format=port.format, columns=tuple(c for _, c in columns), partitions=tuple(c for _, _, c in sorted(partitions)))
    except ValidationError as exc:
        line = doc.line_of(("schema", 0, "properties"))
        raise MeshError([Problem(shown, line, f"schema.0.properties: {_port_message(e)}") for e in exc.errors(include_url=False)]) from None
    # the port keeps what the contract does not say (its version, its lifecycle)
    return port.model_copy(update={"columns": imported.columns, "partitions": imported.partitions})


def _column(prop: dict, where: tuple, doc: Document, shown: str, problems: list[Problem]) -> Column | None:
    custom = {item["property"]: item["value"] for item in prop.get("customProperties") or []}
    column_type = odcs.column_type(prop.get("physicalType"), prop.get("logicalType"), prop.get("logicalTypeOptions"))
    if column_type is None:
        spelled = ", ".join(f"{k} {prop[k]!r}" for k in ("logicalType", "physicalType") if k in prop) or "no type"
        problems.append(Problem(shown, doc.line_of(where), f"{odcs.dotted(where)}: {spelled} is no column type meshplane stores ({TYPES})"))
    raw = {
        "name": prop.get("name"),
        "type": (column_type or ColumnType.string).value,
        "description": prop.get("description"),
        "nullable": None if prop.get("required") is None else not prop["required"],
        "pii": custom.get("pii", False),
        "polyseme": custom.get("polyseme"),
    }
    try:
        column = Column.model_validate({k: v for k, v in raw.items() if v is not None})
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            key = ODCS_KEYS.get(str(error["loc"][0]), "") if error["loc"] else ""
            if error["type"] == "missing":
                problems.append(Problem(shown, doc.line_of(where), f"{odcs.dotted(where)}: missing {key!r}: meshplane describes every column"))
            else:
                detail = f"{error['loc'][0]}: " if key == "customProperties" else ""
                problems.append(Problem(shown, doc.line_of((*where, key)), f"{odcs.dotted((*where, key))}: {detail}{error['msg']}"))
        return None
    return column if column_type is not None else None


def _port_message(error: ErrorDetails) -> str:
    if error["type"] == "too_short":
        return "every property is a partition: the port needs at least one column"
    return str(error["msg"]).removeprefix("Value error, ")
