"""Quality rules in a product file (ODCS v3.2's vocabulary): each mistake refused at its line by the loader, and by the
JSON Schema an editor reads wherever a schema can say it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from meshkit import COLUMNS, product_text

from meshplane.declarations.loader import SpecError, parse_spec
from meshplane.declarations.spec import Product, QualityMetric, QualityRule
from meshplane.declarations.yamlsrc import parse

SCHEMA = json.loads((Path(__file__).parents[3] / "schemas" / "product.schema.json").read_text())
RULES = "  quality:\n"  # appended after the template's one column (`id`, a string); its first rule is at line 13


def with_rules(port_rules: str = "", column_rules: str = "") -> bytes:
    columns = COLUMNS + ("      quality:\n" + column_rules if column_rules else "")
    text = product_text("play-events").replace(COLUMNS, columns + (RULES + port_rules if port_rules else ""))
    return text.encode()


def refused(raw: bytes) -> list[tuple[int, str]]:
    with pytest.raises(SpecError) as error:
        parse_spec(raw, Product)
    return error.value.items


def editor_refuses(raw: bytes) -> bool:
    return not jsonschema.Draft202012Validator(SCHEMA).is_valid(parse(raw).data)


def test_a_product_declares_rules_on_its_port_and_its_columns():
    raw = with_rules(
        "    - {metric: rowCount, mustBeGreaterThan: 0}\n"
        "    - {metric: duplicateValues, arguments: {properties: [id]}, mustBe: 0, severity: warning}\n"
        "    - {type: sql, query: 'SELECT COUNT(*) FROM ${table} WHERE id IS NULL', mustBeLessThan: 5}\n"
        "    - {type: text, description: Checked by the stewards every quarter.}\n"
        "    - {type: custom, engine: soda, implementation: 'missing_count(id) = 0'}\n",
        "        - {metric: nullValues, mustBeBetween: [0, 1], unit: percent, schedule: '0 6 * * *', scheduler: cron}\n"
        "        - {metric: invalidValues, arguments: {pattern: '^[a-z0-9]+$'}, mustBe: 0, dimension: conformity}\n"
        "        - {metric: missingValues, arguments: {missingValues: [null, '', N/A]}, mustNotBe: 3}\n"
        "        - {type: sql, query: 'SELECT COUNT(*) FROM ${table} WHERE LENGTH(${column}) > 36', mustBe: 0}\n",
    )
    spec, _ = parse_spec(raw, Product)
    assert not editor_refuses(raw)
    port, column = spec.output.quality, spec.output.columns[0].quality
    assert [r.operator for r in port] == [("mustBeGreaterThan", 0), ("mustBe", 0), ("mustBeLessThan", 5), None, None]
    assert [r.measured for r in port] == [True, True, True, False, False]
    assert [r.metric for r in column[:3]] == [QualityMetric.nullValues, QualityMetric.invalidValues, QualityMetric.missingValues]
    assert column[0].mustBeBetween == (0, 1) and column[0].schedule == "0 6 * * *"


MISTAKES = {  # (port rules, column rules) -> what the loader says, at which line (the first rule is at line 13)
    "no operator": ("    - {metric: rowCount}\n", "", [(13, "output.quality.0: a library rule has exactly one operator: mustBe, mustNotBe, "
                    "mustBeGreaterThan, mustBeGreaterOrEqualTo, mustBeLessThan, mustBeLessOrEqualTo, mustBeBetween, mustNotBeBetween")]),
    "two operators": ("    - metric: rowCount\n      mustBe: 3\n      mustBeLessThan: 5\n", "",
                      [(15, "output.quality.0.mustBeLessThan: a rule has one operator, and this one has mustBe too: drop mustBeLessThan")]),
    "between one number": ("    - {metric: rowCount, mustBeBetween: [3]}\n", "", [(13, "output.quality.0.mustBeBetween: expected a list of 2 numbers, smallest first, got 1")]),
    "between backwards": ("    - {metric: rowCount, mustBeBetween: [9, 3]}\n", "",
                          [(13, "output.quality.0.mustBeBetween: [9, 3]: the smallest number first, and two different numbers")]),
    "between words": ("    - {metric: rowCount, mustNotBeBetween: [a, 3]}\n", "", [(13, "output.quality.0.mustNotBeBetween.0: expected a number, got the text 'a'")]),
    "percent of rows": ("    - {metric: rowCount, mustBe: 3, unit: percent}\n", "", [(13, "output.quality.0.unit: rowCount counts rows: its unit is rows")]),
    "percent above 100": ("", "        - {metric: nullValues, mustBeLessThan: 150, unit: percent}\n",
                          [(13, "output.columns.0.quality.0.mustBeLessThan: a percentage is 0 to 100: mustBeLessThan says [150.0]")]),
    "unknown unit": ("    - {metric: rowCount, mustBe: 3, unit: bytes}\n", "", [(13, "output.quality.0.unit: expected 'rows' or 'percent', got 'bytes'")]),
    "unknown metric": ("    - {metric: freshness, mustBe: 3}\n", "", [(13, "output.quality.0.metric: expected 'rowCount', 'nullValues', 'missingValues', "
                       "'invalidValues' or 'duplicateValues', got 'freshness'")]),
    "unknown key": ("    - {metric: rowCount, mustBe: 3, rule: nullCheck}\n", "", [(13, "unknown key 'output.quality.0.rule'")]),
    "invalid without values": ("", "        - {metric: invalidValues, mustBe: 0}\n",
                               [(13, "output.columns.0.quality.0.metric: invalidValues needs `arguments` with `validValues` or a `pattern`")]),
    "text measured": ("    - {type: text, description: Looked at., mustBe: 0}\n", "", [(13, "output.quality.0.mustBe: a text rule is not measured: drop mustBe")]),
    "custom without engine": ("    - {type: custom, implementation: x}\n", "", [(13, "output.quality.0: a custom rule needs `engine`")]),
    "sql without query": ("    - {type: sql, mustBe: 0}\n", "", [(13, "output.quality.0: a sql rule needs `query`")]),
    "rowCount on a column": ("", "        - {metric: rowCount, mustBe: 1}\n",
                             [(13, "output.columns.0.quality.0.metric: rowCount counts the port's rows: put it in the port's `quality`")]),
    "nulls on the port": ("    - {metric: nullValues, mustBe: 0}\n", "",
                          [(13, "output.quality.0.metric: nullValues measures one column: put the rule in that column's `quality`")]),
    "duplicates without columns": ("    - {metric: duplicateValues, mustBe: 0}\n", "", [(13, "output.quality.0.metric: duplicateValues on the port names "
                                   "its columns in `arguments.properties` (on a column, put it in the column's `quality`)")]),
    "scheduler without schedule": ("    - {metric: rowCount, mustBe: 1, scheduler: cron}\n", "",
                                   [(13, "output.quality.0.scheduler: a scheduler reads a `schedule`: add one, or drop the scheduler")]),
    "bad schedule": ("    - {metric: rowCount, mustBe: 1, schedule: '61 * * * *'}\n", "",
                     [(13, "output.quality.0.schedule: minute '61': expected *, a value or a range of 0-59, each with an optional /step")]),
    "a word for a count": ("    - {metric: rowCount, mustBe: many}\n", "", [(13, "output.quality.0.mustBe: 'many' is not a number: rowCount counts rows")]),
    "a boolean for a share": ("", "        - {metric: nullValues, mustNotBe: true, unit: percent}\n",
                              [(13, "output.columns.0.quality.0.mustNotBe: True is not a number: nullValues counts percent")]),
    "a word for a sql share": ("    - {type: sql, query: 'SELECT MAX(id) FROM ${table}', mustBe: x, unit: percent}\n", "",
                               [(13, "output.quality.0.mustBe: 'x' is not a number: a percentage is a number (a sql rule compared with a "
                                 "string or a boolean counts rows)")]),
    "a list to compare": ("    - {type: sql, query: 'SELECT MAX(id) FROM ${table}', mustBe: [a, b]}\n", "",
                          [(13, "output.quality.0.mustBe: expected a text, a number or true/false, got a list")]),
}


@pytest.mark.parametrize("port, column, expected", MISTAKES.values(), ids=MISTAKES.keys())
def test_a_mistaken_rule_is_refused_at_its_line(port, column, expected):
    raw = with_rules(port, column)
    assert refused(raw) == expected


EDITOR_KNOWS = ("no operator", "two operators", "between one number", "between words", "percent of rows", "unknown unit", "unknown metric",
                "unknown key", "invalid without values", "text measured", "custom without engine", "sql without query", "bad schedule",
                "a list to compare", "a word for a count", "a boolean for a share", "a word for a sql share")  # fmt: skip


@pytest.mark.parametrize("name", EDITOR_KNOWS)
def test_the_json_schema_refuses_what_it_can_say(name):
    port, column, _ = MISTAKES[name]
    assert editor_refuses(with_rules(port, column))


SQL = {  # a column's sql rule (line 13): what is refused, in words
    "another table": ("SELECT COUNT(*) FROM ${table} JOIN users.profiles ON TRUE", "the query reads the table 'users.profiles': a rule reads only its "
                      "product's table, `${table}`"),
    "a table in a subquery": ("SELECT COUNT(*) FROM ${table} WHERE id IN (SELECT id FROM other)", "the query reads the table 'other': a rule reads only "
                              "its product's table, `${table}`"),
    "a table function": ("SELECT COUNT(*) FROM ${table} WHERE id IN (SELECT * FROM read_parquet('s3://x/y'))",
                         "the query calls the table function \"READ_PARQUET('s3://x/y')\": a rule reads only `${table}`"),
    "unnest": ("SELECT COUNT(*) FROM ${table}, UNNEST(ARRAY(1, 2))", "the query reads from 'UNNEST(ARRAY(1, 2))': a rule reads only `${table}`"),
    "two statements": ("SELECT COUNT(*) FROM ${table}; DROP TABLE ${table}", "the query is 2 statements: a rule is one SELECT"),
    "not a select": ("DELETE FROM ${table} WHERE TRUE", "the query is a DELETE, not a SELECT: a rule only reads"),
    "no table": ("SELECT 1", "the query reads the product's table as `${table}`"),
    "several values": ("SELECT COUNT(*), MAX(id) FROM ${table}", "the query returns one value (one expression after SELECT), compared by the rule's operator"),
    "not sql": ("SELEC COUNT(*) FROM ${table}", "the query is not SQL sqlglot reads: Invalid expression / Unexpected token"),
}


@pytest.mark.parametrize("query, message", SQL.values(), ids=SQL.keys())
def test_a_sql_rule_reads_only_its_own_table_in_one_select(query, message):
    raw = with_rules("", f"        - type: sql\n          query: {json.dumps(query)}\n          mustBe: 0\n")
    assert refused(raw) == [(14, f"output.columns.0.quality.0.query: {message}")]


def test_a_common_table_expression_over_the_table_is_one_select():
    query = "WITH kept AS (SELECT id FROM ${table} WHERE id IS NOT NULL) SELECT COUNT(*) FROM kept"
    assert QualityRule.model_validate({"type": "sql", "query": query, "mustBe": 0}).query == query


def test_a_ports_sql_rule_has_no_column():
    raw = with_rules("    - {type: sql, query: 'SELECT COUNT(*) FROM ${table} WHERE ${column} IS NULL', mustBe: 0}\n")
    assert refused(raw) == [(13, "output.quality.0.query: `${column}` is a column's rule's column: this rule is the port's")]


def test_a_port_with_a_contract_takes_its_rules_from_it():
    from meshkit import with_contract

    raw = (with_contract("play-events") + "").replace("  contract: contracts/alpha.odcs.yaml\n", "  contract: contracts/alpha.odcs.yaml\n"
                                                       "  quality:\n    - {metric: rowCount, mustBe: 1}\n").encode()  # fmt: skip
    assert refused(raw) == [(9, "output.quality: the port takes its quality rules from its `contract` (its `quality` arrays): write them there")]


def test_a_sql_rule_compares_its_value_with_a_string_or_a_boolean_as_odcs_allows():
    """ODCS 3.2.0's `mustBe` and `mustNotBe` take any value (its `DataQualityOperators` gives them no type): a sql rule's
    query returns a string or a boolean to compare with; the editor's schema says the same."""
    raw = with_rules("    - {type: sql, query: 'SELECT MAX(id) FROM ${table}', mustBe: zz}\n"
                     "    - {type: sql, query: 'SELECT BOOL_AND(id IS NOT NULL) FROM ${table}', mustNotBe: false}\n")
    product, _ = parse_spec(raw, Product)
    assert [(r.mustBe, r.mustNotBe) for r in product.output.quality] == [("zz", None), (None, False)]
    assert not editor_refuses(raw)
