"""ODCS types as the column types meshplane stores, without loss: the README's table, each row a case."""

from __future__ import annotations

import pytest

from meshplane.declarations.odcs_types import INTEGER_TYPES, column_type

INTEGERS = [  # physicalType, logicalTypeOptions.format -> the column type; the README's table
    ("TINYINT", "i8", "int"), ("SMALLINT", "i16", "int"), ("INTEGER", "i32", "int"), ("UTINYINT", "u8", "int"),
    ("USMALLINT", "u16", "int"), ("BIGINT", "i64", "bigint"), ("UINTEGER", "u32", "bigint"), ("UBIGINT", "u64", "decimal(20,0)"),
]  # fmt: skip


@pytest.mark.parametrize("physical, width, expected", INTEGERS)
def test_an_integer_takes_the_smallest_type_holding_every_value_of_its_width(physical, width, expected):
    assert column_type(physical, "integer").column_type == expected
    assert column_type(None, "integer", {"format": width}).column_type == expected
    assert INTEGER_TYPES[width] == expected


@pytest.mark.parametrize(
    "physical, logical, options, expected",
    [
        ("DECIMAL(10,2)", "number", None, "decimal(10,2)"),
        ("NUMERIC(18, 2)", "number", None, "decimal(18,2)"),
        ("decimal(38,9)", "number", None, "decimal(38,9)"),
        ("NUMBER(12)", "number", None, "decimal(12,0)"),
        ("NUMBER(9)", "integer", None, "int"),  # whole numbers of 9 digits fit 32 bits
        ("NUMBER(18,0)", "integer", None, "bigint"),
        ("NUMBER(38)", "integer", None, "decimal(38,0)"),
        ("NUMBER", "integer", None, "decimal(38,0)"),
        ("INT", "integer", {"format": "i64"}, "bigint"),  # the wider of the two says
        ("INT8", "integer", None, "bigint"),  # 8 bytes in PostgreSQL and DuckDB: the wider reading
        ("REAL", "number", None, "double"),
        ("VARCHAR(2)", "string", None, "string"),
        ("TIMESTAMP_NTZ", "timestamp", None, "timestamp"),
        ("GEOGRAPHY", "string", None, "string"),  # unknown to meshplane: its logicalType says
        (None, "number", {"format": "f32"}, "double"),
        (None, "integer", None, "int"),  # ODCS's default width, i32
        (None, "object", None, "struct"),
        (None, "array", None, "array"),
    ],
)
def test_column_types_read_from_physical_then_logical(physical, logical, options, expected):
    assert column_type(physical, logical, options).column_type == expected


@pytest.mark.parametrize(
    "physical, logical, options, refusal",
    [
        ("HUGEINT", "integer", None, "a 128-bit integer has 39 digits: past the 38 of meshplane's widest type, decimal(38,0)"),
        (None, "integer", {"format": "u128"}, "a 128-bit integer has 39 digits: past the 38 of meshplane's widest type, decimal(38,0)"),
        ("DECIMAL(40,2)", "number", None, "physicalType 'DECIMAL(40,2)': meshplane's decimals have a precision of 1 to 38 and a scale of 0 to the precision"),
        ("NUMERIC", "number", None, "physicalType 'NUMERIC' says no precision: write it DECIMAL(p,s), so no digit is lost"),
        (None, "time", None, "logicalType 'time': a time of day has no Glue column type"),
        (None, "map", None, "logicalType 'map': a map is not among meshplane's column types"),
    ],
)
def test_a_type_no_column_holds_without_loss_is_refused_with_the_reason(physical, logical, options, refusal):
    assert column_type(physical, logical, options).refusal == refusal
