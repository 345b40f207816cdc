"""A served version's quality rules as a Glue Data Quality ruleset, in DQDL, and a parser of exactly the DQDL written.

Every translation follows AWS's DQDL reference, https://docs.aws.amazon.com/glue/latest/dg/dqdl.html (REF below), and
the language's grammar AWS publishes (awslabs/dqdl, `DataQualityDefinitionLanguage.g4` and `CommonLexerRules.g4`):

- a ruleset is `Rules = [ rule, rule ]` (REF#dqdl-syntax); a rule is `<RuleType> <Parameter>* <Expression>`
  (REF#dqdl-syntax-rule-structure); a parameter (a column's name) and a string are double-quoted, with `\\"` and
  `\\\\` their only escapes (the grammar's QUOTED_STRING);
- ODCS's operators are DQDL's number expressions (REF#dqdl-syntax-rule-expressions): mustBe `= n`, mustNotBe `!= n`,
  mustBeGreaterThan `> n`, mustBeGreaterOrEqualTo `>= n`, mustBeLessThan `< n`, mustBeLessOrEqualTo `<= n`,
  mustBeBetween `between a and b`, mustNotBeBetween `not between a and b`; a number is written without an exponent
  (the grammar's INT and DECIMAL);
- rowCount is `RowCount <expr>` (REF#dqdl-rule-types-RowCount);
- nullValues of 0 (and a column declared `nullable: false`) is `IsComplete "c"` (REF#dqdl-rule-types-IsComplete); in
  percent it is `Completeness "c" <expr>` over the share of non-null values, 0 to 1 (REF#dqdl-rule-types-Completeness),
  so the bound becomes 1 - p/100 and the comparison turns round;
- invalidValues of 0 is `ColumnValues "c" in [...]` or `ColumnValues "c" matches "re"` (REF#dqdl-rule-types-ColumnValues);
  in percent, the same with `with threshold <expr>` over the share of valid values (REF#dqdl-rule-types-ColumnValues,
  "threshold");
- duplicateValues of 0 on one column is `IsUnique "c"` (REF#dqdl-rule-types-IsUnique);
- a sql rule whose `mustBe` / `mustNotBe` is a string or a boolean (ODCS 3.2.0's operators take any value there) is
  `CustomSql "SELECT CASE WHEN <its value> IS NOT DISTINCT FROM <that value> THEN 1 ELSE 0 END ..." = 1` (mustBe) or
  `= 0` (mustNotBe): CustomSql compares one number (REF#dqdl-rule-types-CustomSql), so the query compares and DQDL
  checks the outcome; a null value is not the string;
- everything else (a count of rows other than 0, missingValues, several columns' duplicates) and every `sql` rule is
  `CustomSql "<Spark SQL over primary>" <expr>` (REF#dqdl-rule-types-CustomSql: one number, the table called
  `primary`), the SQL written by sqlglot (`quality_sql`);
- `text` and `custom` rules are not evaluated: they are left out (`meshplane test` reports them "not evaluated").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from meshplane.cloud import quality_sql

REFERENCE = "https://docs.aws.amazon.com/glue/latest/dg/dqdl.html"
PRIMARY = "primary"  # the table CustomSql reads (REF#dqdl-rule-types-CustomSql)
OPERATORS = {  # ODCS's eight operators, each as DQDL's expression
    "mustBe": "=",
    "mustNotBe": "!=",
    "mustBeGreaterThan": ">",
    "mustBeGreaterOrEqualTo": ">=",
    "mustBeLessThan": "<",
    "mustBeLessOrEqualTo": "<=",
    "mustBeBetween": "between",
    "mustNotBeBetween": "not between",
}
TURNED = {"=": "=", "!=": "!=", ">": "<", ">=": "<=", "<": ">", "<=": ">="}  # x op p  <=>  (1 - x) turned(op) (1 - p)
RULE_TYPES = ("RowCount", "IsComplete", "Completeness", "ColumnValues", "IsUnique", "CustomSql")  # all this module writes


class Arguments(Protocol):
    validValues: Sequence[object] | None
    pattern: str | None
    missingValues: Sequence[object] | None
    properties: Sequence[str] | None


class Rule(Protocol):
    """A quality rule as the declarations hold it (`meshplane.declarations.spec.QualityRule`)."""

    type: str
    metric: str | None
    arguments: Arguments | None
    severity: str  # error or warning
    schedule: str | None  # a cron of its own, or None: after the job's runs
    query: str | None
    unit: str

    @property
    def operator(self) -> tuple[str, float | tuple[float, ...]] | None: ...


class Column(Protocol):
    name: str
    nullable: bool
    quality: Sequence[Rule]


@dataclass(frozen=True)
class Expression:
    """A DQDL number expression: an operator and its one number, or `between` / `not between` and two."""

    op: str  # =, !=, >, >=, <, <=, between, not between
    numbers: tuple[float, ...]

    def text(self) -> str:
        if self.op in ("between", "not between"):
            return f"{self.op} {number(self.numbers[0])} and {number(self.numbers[1])}"
        return f"{self.op} {number(self.numbers[0])}"

    def turned(self) -> "Expression":
        """The same condition over the complementary share: x op p/100  <=>  (1 - x) op' (1 - p/100)."""
        shares = tuple(1 - n / 100 for n in self.numbers)
        if self.op in ("between", "not between"):
            return Expression(self.op, (shares[1], shares[0]))
        return Expression(TURNED[self.op], shares)


@dataclass(frozen=True)
class ParsedRule:
    """One rule of a ruleset as `parse` reads it."""

    rule_type: str
    parameters: tuple[str, ...]  # the quoted parameters, unescaped
    values: tuple[object, ...] | None  # `in [...]`: the strings and numbers listed
    pattern: str | None  # `matches "..."`
    expression: Expression | None
    threshold: Expression | None  # `with threshold ...`


def number(value: float) -> str:
    """A number as DQDL's grammar writes it: digits, an optional fraction, no exponent."""
    text = f"{value:.12f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def is_number(value: object) -> bool:
    """A number as ODCS writes one (a boolean is not, although Python counts it as one)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def compared(rule: Rule) -> object | None:
    """The string or boolean a sql rule's `mustBe` / `mustNotBe` names (ODCS 3.2.0 takes any value there), or None when
    the rule compares numbers."""
    op, value = rule.operator  # type: ignore[misc]  # a measured rule has one
    return value if op in ("mustBe", "mustNotBe") and not is_number(value) else None


def expression(rule: Rule) -> Expression:
    """The rule's operator as DQDL's number expression. A sql rule that compares its value with a string or a boolean
    measures 1 when the value equals it and 0 otherwise (`measure`): mustBe is `= 1`, mustNotBe `= 0`."""
    op, value = rule.operator  # type: ignore[misc]  # a measured rule has one
    if compared(rule) is not None:
        return Expression("=", (1.0 if op == "mustBe" else 0.0,))
    if op in ("mustBeBetween", "mustNotBeBetween"):
        return Expression(OPERATORS[op], tuple(float(v) for v in value))  # type: ignore[union-attr]
    return Expression(OPERATORS[op], (float(value),))  # type: ignore[arg-type]


def literal(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return number(float(value))
    return "'" + str(value).replace("'", "''") + "'"


def identifier(name: str) -> str:
    return '"' + name + '"'  # a column's name is lowercase letters, digits and underscores: no quote to escape


def _custom_sql(generic: str, expr: Expression, column: str | None = None) -> str:
    spark = quality_sql.written(generic, "spark", PRIMARY, column)
    return f"CustomSql {quoted(spark)} {expr.text()}"


def counted(condition: str, unit: str) -> str:
    """A generic SELECT of how many rows meet `condition`, or their percentage of all rows."""
    if unit == "percent":
        return f"SELECT 100.0 * COUNT_IF({condition}) / NULLIF(COUNT(*), 0) FROM {quality_sql.TABLE}"
    return f"SELECT COUNT(*) FROM {quality_sql.TABLE} WHERE {condition}"


def _zero(expr: Expression) -> bool:
    return expr.op == "=" and expr.numbers == (0.0,)


def measure(rule: Rule, column: str | None = None) -> str:
    """A generic SELECT of what a library or sql rule compares, in its unit (rows, or percent of the rows), over
    `${table}`: what CustomSql runs (in Spark) and what `meshplane test` runs (in DuckDB)."""
    if rule.type == "sql":
        value = compared(rule)
        return rule.query or "" if value is None else quality_sql.equals(rule.query or "", literal(value))
    args, unit = rule.arguments, rule.unit
    if rule.metric == "rowCount":
        return f"SELECT COUNT(*) FROM {quality_sql.TABLE}"
    if rule.metric == "duplicateValues":
        return duplicates([column] if column is not None else list(args.properties or ()) if args else [], unit)
    c = identifier(column or "")
    if rule.metric == "nullValues":
        return counted(f"{c} IS NULL", unit)
    if rule.metric == "missingValues":
        missing = [v for v in (args.missingValues if args and args.missingValues else ()) if v is not None]
        listed = f" OR {c} IN ({', '.join(literal(v) for v in missing)})" if missing else ""
        return counted(f"{c} IS NULL{listed}", unit)
    if rule.metric == "invalidValues" and args is not None:
        if args.validValues is not None:
            return counted(f"{c} IS NOT NULL AND {c} NOT IN ({', '.join(literal(v) for v in args.validValues)})", unit)
        return counted(f"{c} IS NOT NULL AND NOT REGEXP_LIKE({c}, {literal(args.pattern)})", unit)
    raise ValueError(f"no measure of a {rule.metric} rule")  # the declarations refuse it first


def column_rule(rule: Rule, column: str) -> str | None:
    """One column's rule in DQDL, or None for a rule meshplane does not evaluate (text, custom)."""
    if rule.type == "sql":
        return _custom_sql(measure(rule), expression(rule), column)
    if rule.type != "library":
        return None
    expr, unit, args = expression(rule), rule.unit, rule.arguments
    if rule.metric == "nullValues" and _zero(expr):
        return f"IsComplete {quoted(column)}"
    if rule.metric == "nullValues" and unit == "percent":
        return f"Completeness {quoted(column)} {expr.turned().text()}"
    if rule.metric == "invalidValues" and args is not None and (_zero(expr) or unit == "percent"):
        if args.validValues is not None:
            native = f"in [{', '.join(quoted(v) if isinstance(v, str) else number(float(v)) for v in args.validValues)}]"  # type: ignore[arg-type]
        else:
            native = f"matches {quoted(args.pattern or '')}"
        threshold = "" if _zero(expr) else f" with threshold {expr.turned().text()}"
        return f"ColumnValues {quoted(column)} {native}{threshold}"
    if rule.metric == "duplicateValues" and _zero(expr):
        return f"IsUnique {quoted(column)}"
    return _custom_sql(measure(rule, column), expr)


def duplicates(columns: Sequence[str], unit: str) -> str:
    """Rows whose values of `columns` an earlier row already holds (or their percentage of all rows)."""
    keys = ", ".join(identifier(c) for c in columns)
    grouped = f"(SELECT COUNT(*) AS n FROM {quality_sql.TABLE} GROUP BY {keys}) AS counted"
    if unit == "percent":
        return f"SELECT 100.0 * COALESCE(SUM(n - 1), 0) / NULLIF(SUM(n), 0) FROM {grouped}"
    return f"SELECT COALESCE(SUM(n - 1), 0) FROM {grouped}"


def port_rule(rule: Rule) -> str | None:
    """One of the port's rules in DQDL, or None for a rule meshplane does not evaluate (text, custom)."""
    if rule.type == "sql":
        return _custom_sql(measure(rule), expression(rule))
    if rule.type != "library":
        return None
    expr = expression(rule)
    if rule.metric == "rowCount":
        return f"RowCount {expr.text()}"
    if rule.metric == "duplicateValues" and rule.arguments is not None and rule.arguments.properties:
        columns = list(rule.arguments.properties)
        if len(columns) == 1 and _zero(expr):
            return f"IsUnique {quoted(columns[0])}"
        return _custom_sql(measure(rule), expr)
    raise ValueError(f"no DQDL for the port's {rule.metric} rule")  # the declarations refuse it first


EVERY = "every"  # `rules(..., schedule=EVERY)`: whatever their schedule


def _of(rule: Rule, severity: str | None, schedule: str | None) -> bool:
    if schedule != EVERY and (getattr(rule, "schedule", None) if rule.type in ("library", "sql") else None) != schedule:
        return False
    return severity is None or getattr(rule.severity, "value", rule.severity) == severity


def rules(port_rules: Iterable[Rule], columns: Iterable[Column], severity: str | None = None, schedule: str | None = EVERY) -> list[str]:
    """Every DQDL rule of one served version (of one severity, and one schedule, None for after the job's runs, when
    given): the port's rules, then each column's (a non-nullable column without a nullValues rule of its own is
    `IsComplete`, an error evaluated after the job's runs), in declaration order."""
    found = [r for r in (port_rule(rule) for rule in port_rules if _of(rule, severity, schedule)) if r is not None]
    for column in columns:
        own = [rule for rule in column.quality if rule.type == "library" and rule.metric == "nullValues"]
        if not column.nullable and not own and severity in (None, "error") and schedule in (EVERY, None):
            found.append(f"IsComplete {quoted(column.name)}")
        found += [r for r in (column_rule(rule, column.name) for rule in column.quality if _of(rule, severity, schedule)) if r is not None]
    return list(dict.fromkeys(found))  # a rule said twice is one rule


def schedules(port_rules: Iterable[Rule], columns: Iterable[Column]) -> list[str]:
    """The schedules of their own that a version's measured rules name, each once, in declaration order. A Glue Data
    Quality run evaluates whole rulesets (`RulesetNames`, 1 to 10:
    https://docs.aws.amazon.com/glue/latest/webapi/API_StartDataQualityRulesetEvaluationRun.html), so each is a ruleset
    (per severity) and an EventBridge Scheduler schedule of its own."""
    found = [r.schedule for r in (*port_rules, *(r for c in columns for r in c.quality)) if r.type in ("library", "sql") and r.schedule]
    return list(dict.fromkeys(found))


def ruleset(port_rules: Iterable[Rule], columns: Iterable[Column], severity: str | None = None, schedule: str | None = EVERY) -> str:
    """The DQDL ruleset of one served version: its port's rules and its columns' (columns and partitions), of one
    severity and one schedule when given."""
    found = rules(port_rules, columns, severity, schedule)
    if not found:
        return "Rules = [ ]"
    return "Rules = [\n" + ",\n".join(f"    {r}" for r in found) + "\n]"


# --- parse: the subset written above, from the same grammar ---------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:\\["\\]|[^"\\])*")
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op>!=|>=|<=|=|>|<)
      | (?P<punct>[\[\],])
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)


class DqdlError(ValueError):
    """Text that is not the DQDL this module writes."""


def _tokens(text: str) -> list[tuple[str, str]]:
    found, at = [], 0
    body = text.strip()
    while at < len(body):
        match = _TOKEN.match(body, at)
        if match is None or match.end() == at:
            raise DqdlError(f"unexpected text at {at}: {body[at:at + 20]!r}")
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        at = match.end()
        while at < len(body) and body[at].isspace():
            at += 1
    return found


def _unquoted(token: str) -> str:
    return re.sub(r"\\([\"\\])", r"\1", token[1:-1])


class _Reader:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens, self.at = tokens, 0

    def peek(self, offset: int = 0) -> tuple[str, str]:
        return self.tokens[self.at + offset] if self.at + offset < len(self.tokens) else ("end", "")

    def take(self, kind: str, value: str | None = None) -> str:
        got = self.peek()
        if got[0] != kind or (value is not None and got[1] != value):
            raise DqdlError(f"expected {value or kind}, got {got[1] or 'the end'!r}")
        self.at += 1
        return got[1]

    def number(self) -> float:
        return float(self.take("number"))

    def expression(self) -> Expression:
        kind, value = self.peek()
        if kind == "op":
            self.at += 1
            return Expression(value, (self.number(),))
        negated = kind == "word" and value == "not"
        if negated:
            self.at += 1
        self.take("word", "between")
        low = self.number()
        self.take("word", "and")
        high = self.number()
        if not low < high:
            raise DqdlError(f"between {number(low)} and {number(high)}: the smaller number first")
        return Expression("not between" if negated else "between", (low, high))

    def rule(self) -> ParsedRule:
        rule_type = self.take("word")
        if rule_type not in RULE_TYPES:
            raise DqdlError(f"rule type {rule_type!r} is none this ruleset writes: {', '.join(RULE_TYPES)}")
        parameters = []
        while self.peek()[0] == "string":
            parameters.append(_unquoted(self.take("string")))
        wanted = {"RowCount": 0, "CustomSql": 1}.get(rule_type, 1)
        if len(parameters) != wanted:
            raise DqdlError(f"{rule_type} takes {wanted} quoted parameter(s), got {len(parameters)}")
        values: tuple[object, ...] | None = None
        pattern = expr = threshold = None
        if rule_type == "ColumnValues":
            if self.peek() == ("word", "in"):
                self.at += 1
                values = self._list()
            else:
                self.take("word", "matches")
                pattern = _unquoted(self.take("string"))
            if self.peek() == ("word", "with"):
                self.at += 1
                self.take("word", "threshold")
                threshold = self.expression()
        elif rule_type not in ("IsComplete", "IsUnique"):
            expr = self.expression()
        return ParsedRule(rule_type, tuple(parameters), values, pattern, expr, threshold)

    def _list(self) -> tuple[object, ...]:
        self.take("punct", "[")
        items: list[object] = []
        while True:
            kind, value = self.peek()
            if kind == "string":
                items.append(_unquoted(value))
            elif kind == "number":
                items.append(float(value))
            else:
                raise DqdlError(f"expected a quoted string or a number in the list, got {value or 'the end'!r}")
            self.at += 1
            if self.peek() == ("punct", "]"):
                self.at += 1
                return tuple(items)
            self.take("punct", ",")


def parse(text: str) -> list[ParsedRule]:
    """The rules of a ruleset this module writes; DqdlError for anything else (malformed or outside the subset)."""
    reader = _Reader(_tokens(text))
    reader.take("word", "Rules")
    reader.take("op", "=")
    reader.take("punct", "[")
    found: list[ParsedRule] = []
    if reader.peek() == ("punct", "]"):
        reader.at += 1
    else:
        while True:
            found.append(reader.rule())
            if reader.peek() == ("punct", "]"):
                reader.at += 1
                break
            reader.take("punct", ",")
    if reader.peek()[0] != "end":
        raise DqdlError(f"text after the ruleset: {reader.peek()[1]!r}")
    return found
