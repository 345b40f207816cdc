"""Every translation of a quality rule into DQDL, pinned, and each ruleset parsed back by the parser of the subset
meshplane writes (meshplane/cloud/dqdl.py cites AWS's DQDL reference for each); malformed text is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from meshplane.cloud import dqdl
from meshplane.declarations.loader import load_mesh
from meshplane.declarations.spec import Column, QualityRule

REPO_DOMAINS = Path(__file__).parents[3] / "domains"


def column(name: str = "c", *rules: dict, nullable: bool = True, type: str = "string") -> Column:
    return Column.model_validate({"name": name, "type": type, "description": "A column.", "nullable": nullable, "quality": list(rules)})


COLUMN_RULES = {  # a rule on column `c` -> its DQDL
    "nulls none": ({"metric": "nullValues", "mustBe": 0}, 'IsComplete "c"'),
    "nulls none in percent": ({"metric": "nullValues", "mustBe": 0, "unit": "percent"}, 'IsComplete "c"'),
    "nulls below a percent": ({"metric": "nullValues", "mustBeLessThan": 5, "unit": "percent"}, 'Completeness "c" > 0.95'),
    "nulls at most a percent": ({"metric": "nullValues", "mustBeLessOrEqualTo": 5, "unit": "percent"}, 'Completeness "c" >= 0.95'),
    "nulls above a percent": ({"metric": "nullValues", "mustBeGreaterThan": 10, "unit": "percent"}, 'Completeness "c" < 0.9'),
    "nulls at least a percent": ({"metric": "nullValues", "mustBeGreaterOrEqualTo": 10, "unit": "percent"}, 'Completeness "c" <= 0.9'),
    "nulls between percents": ({"metric": "nullValues", "mustBeBetween": [10, 20], "unit": "percent"}, 'Completeness "c" between 0.8 and 0.9'),
    "nulls outside percents": ({"metric": "nullValues", "mustNotBeBetween": [10, 20], "unit": "percent"}, 'Completeness "c" not between 0.8 and 0.9'),
    "nulls not a percent": ({"metric": "nullValues", "mustNotBe": 50, "unit": "percent"}, 'Completeness "c" != 0.5'),
    "nulls in rows": ({"metric": "nullValues", "mustBeLessThan": 10}, 'CustomSql "SELECT COUNT(*) FROM primary WHERE `c` IS NULL" < 10'),
    "missing in rows": ({"metric": "missingValues", "arguments": {"missingValues": [None, "", "N/A"]}, "mustBe": 0},
                        "CustomSql \"SELECT COUNT(*) FROM primary WHERE `c` IS NULL OR `c` IN ('', 'N/A')\" = 0"),
    "missing in percent": ({"metric": "missingValues", "mustBeLessThan": 1, "unit": "percent"},
                           'CustomSql "SELECT 100.0 * COUNT_IF(`c` IS NULL) / NULLIF(COUNT(*), 0) FROM primary" < 1'),
    "valid values": ({"metric": "invalidValues", "arguments": {"validValues": ["a", "b"]}, "mustBe": 0}, 'ColumnValues "c" in ["a", "b"]'),
    "valid numbers": ({"metric": "invalidValues", "arguments": {"validValues": [1, 2.5]}, "mustBe": 0}, 'ColumnValues "c" in [1, 2.5]'),
    "valid values in percent": ({"metric": "invalidValues", "arguments": {"validValues": ["a"]}, "mustBeLessThan": 2, "unit": "percent"},
                                'ColumnValues "c" in ["a"] with threshold > 0.98'),
    "valid values in rows": ({"metric": "invalidValues", "arguments": {"validValues": ["a", "it's"]}, "mustBeLessOrEqualTo": 3},
                             "CustomSql \"SELECT COUNT(*) FROM primary WHERE NOT `c` IS NULL AND NOT `c` IN ('a', 'it\\\\'s')\" <= 3"),
    "pattern": ({"metric": "invalidValues", "arguments": {"pattern": '^[a-z]+"?$'}, "mustBe": 0}, 'ColumnValues "c" matches "^[a-z]+\\"?$"'),
    "pattern in percent": ({"metric": "invalidValues", "arguments": {"pattern": "^x"}, "mustBeBetween": [0, 5], "unit": "percent"},
                           'ColumnValues "c" matches "^x" with threshold between 0.95 and 1'),
    "pattern in rows": ({"metric": "invalidValues", "arguments": {"pattern": "^x"}, "mustBeLessThan": 4},
                        "CustomSql \"SELECT COUNT(*) FROM primary WHERE NOT `c` IS NULL AND NOT `c` RLIKE '^x'\" < 4"),
    "unique": ({"metric": "duplicateValues", "mustBe": 0}, 'IsUnique "c"'),
    "duplicates in rows": ({"metric": "duplicateValues", "mustBeLessThan": 3},
                           'CustomSql "SELECT COALESCE(SUM(n - 1), 0) FROM (SELECT COUNT(*) AS n FROM primary GROUP BY `c`) AS counted" < 3'),
    "duplicates in percent": ({"metric": "duplicateValues", "mustBeLessThan": 1, "unit": "percent"},
                              'CustomSql "SELECT 100.0 * COALESCE(SUM(n - 1), 0) / NULLIF(SUM(n), 0) FROM (SELECT COUNT(*) AS n FROM primary '
                              'GROUP BY `c`) AS counted" < 1'),
    "sql on the column": ({"type": "sql", "query": "SELECT COUNT(*) FROM ${table} WHERE LENGTH(${column}) > 3", "mustBeGreaterOrEqualTo": 1.5},
                          'CustomSql "SELECT COUNT(*) FROM primary WHERE LENGTH(`c`) > 3" >= 1.5'),
    "sql with a string": ({"type": "sql", "query": "SELECT COUNT(*) FROM ${table} WHERE ${column} = 'say \"hi\"'", "mustNotBe": -1},
                          'CustomSql "SELECT COUNT(*) FROM primary WHERE `c` = \'say \\"hi\\"\'" != -1'),
    "sql equal to a string": ({"type": "sql", "query": "SELECT MAX(${column}) FROM ${table}", "mustBe": "it's"},
                              'CustomSql "SELECT CASE WHEN MAX(`c`) IS NOT DISTINCT FROM \'it\\\\\'s\' THEN 1 ELSE 0 END FROM primary" = 1'),
}


@pytest.mark.parametrize("rule, expected", COLUMN_RULES.values(), ids=COLUMN_RULES.keys())
def test_each_column_rule_translates_and_parses_back(rule, expected):
    text = dqdl.ruleset([], [column("c", rule)])
    assert text == f"Rules = [\n    {expected}\n]"
    (parsed,) = dqdl.parse(text)
    assert parsed.rule_type == expected.split()[0]
    if parsed.rule_type == "CustomSql":  # Spark SQL over `primary` and nothing else
        (select,) = sqlglot.parse(parsed.parameters[0], read="spark")
        assert {t.name for t in select.find_all(exp.Table)} == {"primary"}
        assert parsed.expression is not None


PORT_RULES = {
    "row count": ({"metric": "rowCount", "mustBeGreaterThan": 0}, "RowCount > 0"),
    "row count between": ({"metric": "rowCount", "mustBeBetween": [10, 1000000]}, "RowCount between 10 and 1000000"),
    "row count outside": ({"metric": "rowCount", "mustNotBeBetween": [1, 2]}, "RowCount not between 1 and 2"),
    "row count fraction": ({"metric": "rowCount", "mustBeLessOrEqualTo": 0.5}, "RowCount <= 0.5"),
    "one column unique": ({"metric": "duplicateValues", "arguments": {"properties": ["a"]}, "mustBe": 0}, 'IsUnique "a"'),
    "several columns": ({"metric": "duplicateValues", "arguments": {"properties": ["a", "b"]}, "mustBe": 0},
                        'CustomSql "SELECT COALESCE(SUM(n - 1), 0) FROM (SELECT COUNT(*) AS n FROM primary GROUP BY `a`, `b`) AS counted" = 0'),
    "sql on the port": ({"type": "sql", "query": "SELECT MAX(x) - MIN(x) FROM ${table}", "mustBeLessThan": 7},
                        'CustomSql "SELECT MAX(x) - MIN(x) FROM primary" < 7'),
    "sql not a boolean": ({"type": "sql", "query": "WITH f AS (SELECT * FROM ${table}) SELECT BOOL_AND(x > 0) AS ok FROM f", "mustNotBe": False},
                          'CustomSql "WITH f AS (SELECT * FROM primary) SELECT CASE WHEN BOOL_AND(x > 0) IS NOT DISTINCT FROM FALSE THEN 1 ELSE 0 '
                          'END FROM f" = 0'),
    "sql equal to a number": ({"type": "sql", "query": "SELECT MAX(x) FROM ${table}", "mustBe": 3}, 'CustomSql "SELECT MAX(x) FROM primary" = 3'),
}


@pytest.mark.parametrize("rule, expected", PORT_RULES.values(), ids=PORT_RULES.keys())
def test_each_port_rule_translates_and_parses_back(rule, expected):
    text = dqdl.ruleset([QualityRule.model_validate(rule)], [])
    assert text == f"Rules = [\n    {expected}\n]"
    assert len(dqdl.parse(text)) == 1


def test_a_non_nullable_column_is_complete_unless_it_says_its_own_null_rule():
    columns = [column("a", nullable=False), column("b", {"metric": "nullValues", "mustBeLessThan": 1, "unit": "percent"}, nullable=False)]
    assert dqdl.rules([], columns) == ['IsComplete "a"', 'Completeness "b" > 0.99']


def test_text_and_custom_rules_are_left_out_and_a_rule_said_twice_is_one():
    rules = [QualityRule.model_validate(r) for r in ({"type": "text", "description": "Looked at."}, {"type": "custom", "engine": "soda", "implementation": "x"})]
    assert dqdl.ruleset(rules, [column("a", {"metric": "nullValues", "mustBe": 0}, nullable=False)]) == 'Rules = [\n    IsComplete "a"\n]'
    assert dqdl.ruleset(rules, []) == "Rules = [ ]"
    assert dqdl.parse("Rules = [ ]") == []


def test_every_product_of_the_sample_has_a_ruleset_that_parses_back():
    mesh = load_mesh(REPO_DOMAINS)
    texts, warnings = {}, 0
    for address, declared in mesh.products.items():
        port = declared.spec.output
        columns = [*port.columns, *port.partitions]
        texts[address] = dqdl.ruleset(port.quality, columns)
        assert len(dqdl.parse(texts[address])) == len(dqdl.rules(port.quality, columns))
        by_severity = [dqdl.parse(dqdl.ruleset(port.quality, columns, severity)) for severity in ("error", "warning")]
        assert sum(len(p) for p in by_severity) == len(dqdl.parse(texts[address]))  # each rule in one ruleset of its severity
        warnings += len(by_severity[1])
    assert sum(len(dqdl.parse(t)) for t in texts.values()) >= 5  # the sample shows the feature
    assert warnings >= 2  # warnings too


MALFORMED = {
    "no Rules": 'Checks = [ RowCount > 0 ]',
    "no brackets": "Rules = RowCount > 0",
    "unclosed": "Rules = [ RowCount > 0",
    "unknown rule type": 'Rules = [ Mean "c" > 3 ]',
    "missing expression": "Rules = [ RowCount ]",
    "missing parameter": "Rules = [ IsComplete ]",
    "unterminated string": 'Rules = [ IsComplete "c ]',
    "bad escape": 'Rules = [ IsComplete "c\\" ]',
    "between backwards": "Rules = [ RowCount between 5 and 1 ]",
    "exponent": "Rules = [ RowCount > 1e3 ]",
    "trailing comma": "Rules = [ RowCount > 0, ]",
    "missing comma": 'Rules = [ RowCount > 0 IsComplete "c" ]',
    "text after": "Rules = [ RowCount > 0 ] extra",
    "list of words": 'Rules = [ ColumnValues "c" in [a, b] ]',
    "threshold without expression": 'Rules = [ ColumnValues "c" in ["a"] with threshold ]',
    "two parameters": 'Rules = [ IsUnique "a" "b" ]',
}


@pytest.mark.parametrize("text", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_text_is_refused(text):
    with pytest.raises(dqdl.DqdlError):
        dqdl.parse(text)


def test_numbers_are_written_as_the_grammar_reads_them():
    assert [dqdl.number(v) for v in (0, 1.0, -2, 0.1 + 0.2, 1e-7, 123456789012.5)] == ["0", "1", "-2", "0.3", "0.0000001", "123456789012.5"]
