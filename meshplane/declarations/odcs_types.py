"""How an ODCS property's type reads as a column type meshplane stores, and back, without losing a value.

A property's `physicalType` decides when meshplane knows it (the table the data sits in holds exactly that),
else its `logicalType` with its `logicalTypeOptions`. Integers take the smallest type meshplane has that holds
every value of their width (README, "Types"); decimals keep their precision and scale; a type no column type
holds without loss (a 128-bit integer, a time of day, a map) is refused with the reason, never widened to text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from meshplane.declarations.spec import ARRAY, DECIMAL_MAX, STRUCT, decimal, decimal_of

# an integer's width, as ODCS's logicalTypeOptions.format spells it (Rust's names) -> the smallest type holding it
INTEGER_TYPES: dict[str, str] = {
    "i8": "int", "i16": "int", "i32": "int", "u8": "int", "u16": "int",
    "i64": "bigint", "u32": "bigint",
    "u64": decimal(20, 0),  # 18,446,744,073,709,551,615 has 20 digits
}  # fmt: skip
TOO_WIDE = {"i128": 39, "u128": 39}  # digits: past the 38 a decimal holds
INT_DIGITS, BIGINT_DIGITS = 9, 18  # every number of that many digits fits a 32-bit, a 64-bit signed integer
# physical integer types -> their width; INT8 is 8 bytes in PostgreSQL and DuckDB, 8 bits in ClickHouse: read as the wider
PHYSICAL_INTEGERS: dict[str, str] = {
    "tinyint": "i8", "byteint": "i8", "byte": "i8", "int1": "i8",
    "smallint": "i16", "short": "i16", "int2": "i16", "int16": "i16", "smallserial": "i16",
    "int": "i32", "integer": "i32", "int4": "i32", "int32": "i32", "mediumint": "i32", "serial": "i32",
    "bigint": "i64", "long": "i64", "int8": "i64", "int64": "i64", "bigserial": "i64",
    "utinyint": "u8", "uint8": "u8", "usmallint": "u16", "uint16": "u16",
    "uinteger": "u32", "uint": "u32", "uint32": "u32",
    "ubigint": "u64", "uint64": "u64",
    "hugeint": "i128", "int128": "i128", "uhugeint": "u128", "uint128": "u128",
}  # fmt: skip
WIDTH_ORDER = ("i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "i128", "u128")  # each holds those before it of its sign
PHYSICAL_DECIMALS = ("decimal", "numeric", "number", "dec")
PHYSICAL_OTHERS: dict[str, str] = {
    "string": "string", "varchar": "string", "char": "string", "text": "string", "nvarchar": "string", "nchar": "string",
    "character varying": "string", "character": "string", "clob": "string", "uuid": "string",
    "double": "double", "double precision": "double", "float": "double", "float8": "double", "float64": "double",
    "real": "double", "float4": "double", "float32": "double",
    "boolean": "boolean", "bool": "boolean",
    "date": "date",
    "timestamp": "timestamp", "timestamp_ntz": "timestamp", "timestamp_ltz": "timestamp", "timestamp_tz": "timestamp",
    "timestamptz": "timestamp", "datetime": "timestamp", "datetime2": "timestamp",
    "timestamp without time zone": "timestamp", "timestamp with time zone": "timestamp",
}  # fmt: skip
FROM_LOGICAL: dict[str, str] = {"string": "string", "number": "double", "boolean": "boolean", "date": "date", "timestamp": "timestamp"}
NESTED_LOGICAL = {"object": STRUCT, "array": ARRAY}
NO_COLUMN_TYPE = {
    "time": "a time of day has no Glue column type",
    "map": "a map is not among meshplane's column types",
    "vector": "a vector is not among meshplane's column types",
}
PHYSICAL = re.compile(r"\s*([a-z_][a-z0-9_ ]*?)\s*(?:\(\s*(-?\d+)\s*(?:,\s*(-?\d+)\s*)?\))?\s*", re.IGNORECASE)

# meshplane's type -> (ODCS logicalType, logicalTypeOptions) of an exported property; its physicalType is the type itself
LOGICAL_TYPES: dict[str, tuple[str, dict[str, str]]] = {
    "string": ("string", {}),
    "int": ("integer", {"format": "i32"}),
    "bigint": ("integer", {"format": "i64"}),
    "double": ("number", {}),
    "boolean": ("boolean", {}),
    "date": ("date", {}),
    "timestamp": ("timestamp", {}),
    STRUCT: ("object", {}),
    ARRAY: ("array", {}),
}


@dataclass(frozen=True)
class Typed:
    """What a property's type reads as: a column type, or why none holds it (and which key says so)."""

    column_type: str | None
    refusal: str = ""
    key: str = "logicalType"


def logical_type(column_type: str) -> tuple[str, dict[str, str]]:
    """The ODCS logicalType (and its options) of a meshplane column type."""
    if decimal_of(column_type) is not None:
        return "number", {}
    return LOGICAL_TYPES[column_type]


def column_type(physical: object, logical: object, options: object = None) -> Typed:
    """The column type an ODCS property holds: from its physicalType when meshplane knows it, else from its logicalType."""
    options = options if isinstance(options, dict) else {}
    if isinstance(logical, str) and logical in NESTED_LOGICAL:
        return Typed(NESTED_LOGICAL[logical])
    if isinstance(physical, str):
        found = _physical(physical, logical, options.get("format"))
        if found is not None:
            return found
    if logical == "integer":
        return _integer(options.get("format", "i32"), "logicalTypeOptions")
    if isinstance(logical, str) and logical in FROM_LOGICAL:
        return Typed(FROM_LOGICAL[logical])
    if isinstance(logical, str) and logical in NO_COLUMN_TYPE:
        return Typed(None, f"logicalType {logical!r}: {NO_COLUMN_TYPE[logical]}")
    if logical is None and physical is None:
        return Typed(None, "no logicalType or physicalType: say what the property holds", "name")
    spelled = f"physicalType {physical!r}" if logical is None else f"logicalType {logical!r}"
    return Typed(None, f"{spelled} is no type meshplane knows", "physicalType" if logical is None else "logicalType")


def _physical(physical: str, logical: object, width: object) -> Typed | None:
    match = PHYSICAL.fullmatch(physical)
    if match is None:
        return None
    name = " ".join(match[1].lower().split())
    if name in PHYSICAL_INTEGERS:
        own = PHYSICAL_INTEGERS[name]
        wider = width if isinstance(width, str) and width in WIDTH_ORDER and WIDTH_ORDER.index(width) > WIDTH_ORDER.index(own) else own
        return _integer(wider, "physicalType" if wider == own else "logicalTypeOptions")
    if name in PHYSICAL_DECIMALS:
        return _decimal(physical, match[2], match[3], logical)
    if name in PHYSICAL_OTHERS:
        return Typed(PHYSICAL_OTHERS[name])
    return None  # a name meshplane does not know (VARCHAR2, GEOGRAPHY, ...): the logicalType says


def _integer(width: object, key: str) -> Typed:
    if isinstance(width, str) and width in INTEGER_TYPES:
        return Typed(INTEGER_TYPES[width])
    if isinstance(width, str) and width in TOO_WIDE:
        return Typed(None, f"a {width[1:]}-bit integer has {TOO_WIDE[width]} digits: past the {DECIMAL_MAX} of meshplane's widest type, decimal({DECIMAL_MAX},0)", key)
    return Typed(None, f"integer format {width!r} is no width meshplane knows ({', '.join(WIDTH_ORDER)})", key)


def _decimal(physical: str, precision: str | None, scale: str | None, logical: object) -> Typed:
    if precision is None:
        if logical == "integer":  # NUMBER / NUMERIC with no digits, holding integers: as many as a decimal holds
            return Typed(decimal(DECIMAL_MAX, 0))
        return Typed(None, f"physicalType {physical!r} says no precision: write it DECIMAL(p,s), so no digit is lost", "physicalType")
    p, s = int(precision), int(scale or 0)
    if not (1 <= p <= DECIMAL_MAX and 0 <= s <= p):
        return Typed(None, f"physicalType {physical!r}: meshplane's decimals have a precision of 1 to {DECIMAL_MAX} and a scale of 0 to the precision", "physicalType")
    if logical == "integer" and s == 0:  # whole numbers of p digits: the smallest integer type holding them all
        return Typed("int" if p <= INT_DIGITS else "bigint" if p <= BIGINT_DIGITS else decimal(p, 0))
    return Typed(decimal(p, s))
