"""The Open Data Contract Standard (ODCS) v3.2.0 as the `open-data-contract-standard` package ships it: its JSON
Schema, every violation of it located by path, and how meshplane's column types read as ODCS types.

Exporting a contract and importing one both go through here, so the two directions cannot disagree.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from meshplane.declarations.spec import ColumnType

API_VERSION = "v3.2.0"
PACKAGE = "open_data_contract_standard"

# meshplane's type -> (ODCS logicalType, logicalTypeOptions); the physicalType is meshplane's type itself
LOGICAL_TYPES: dict[ColumnType, tuple[str, dict[str, str]]] = {
    ColumnType.string: ("string", {}),
    ColumnType.int: ("integer", {"format": "i32"}),
    ColumnType.bigint: ("integer", {"format": "i64"}),
    ColumnType.double: ("number", {}),
    ColumnType.boolean: ("boolean", {}),
    ColumnType.date: ("date", {}),
    ColumnType.timestamp: ("timestamp", {}),
    ColumnType.decimal: ("number", {}),
}
# an ODCS logicalType with a physicalType meshplane does not know -> the column type that holds it
FROM_LOGICAL: dict[str, ColumnType] = {
    "string": ColumnType.string,
    "integer": ColumnType.bigint,
    "number": ColumnType.double,
    "boolean": ColumnType.boolean,
    "date": ColumnType.date,
    "timestamp": ColumnType.timestamp,
}
KNOWN_PHYSICAL = {t.value: t for t in ColumnType}
SMALL_INTEGERS = {"i8", "i16", "i32", "u8", "u16"}  # they fit a 32-bit int
UNKNOWN_KEYS = re.compile(r"\((.*)\s(?:was|were) unexpected\)")


@lru_cache(maxsize=1)
def schema() -> dict:
    """The ODCS JSON Schema the package ships (draft 2019-09)."""
    return json.loads(resources.files(PACKAGE).joinpath("schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    document = schema()
    return jsonschema.validators.validator_for(document)(document)


def violations(document: object) -> list[tuple[tuple[str | int, ...], str]]:
    """Every way `document` breaks the ODCS JSON Schema, as (path of the offending value, message), each once."""
    found: dict[tuple[tuple[str | int, ...], str], None] = {}
    for error in _validator().iter_errors(document):
        for path, message in _explain(error):
            found.setdefault((path, message), None)
    return sorted(found, key=lambda item: ([str(p) for p in item[0]], item[1]))


def _explain(error: ValidationError) -> list[tuple[tuple[str | int, ...], str]]:
    if error.context:  # oneOf / anyOf: the branch that came closest says what is wrong
        error = best_match(error.context)
    path = tuple(error.absolute_path)
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        match = UNKNOWN_KEYS.search(error.message)
        if match:
            keys = re.findall(r"'([^']*)'", match.group(1))
            return [((*path, key), f"unknown key {dotted((*path, key))!r}") for key in keys]
    message = error.message if len(error.message) <= 200 else error.message[:197] + "..."
    return [(path, f"{dotted(path)}: {message}" if path else message)]


def dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in path)


def logical_type(column_type: ColumnType) -> tuple[str, dict[str, str]]:
    return LOGICAL_TYPES[column_type]


def column_type(physical: object, logical: object, options: object = None) -> ColumnType | None:
    """The column type an ODCS property holds: its physicalType when meshplane knows it, else its logicalType's."""
    if isinstance(physical, str):
        found = KNOWN_PHYSICAL.get(physical.strip().lower().replace(" ", ""))
        if found is not None:
            return found
    if logical == "integer" and isinstance(options, dict) and options.get("format") in SMALL_INTEGERS:
        return ColumnType.int
    return FROM_LOGICAL.get(logical) if isinstance(logical, str) else None
