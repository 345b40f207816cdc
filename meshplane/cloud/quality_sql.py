"""A quality rule's SQL: one SELECT over the product's own table, checked and translated with sqlglot.

A rule's `query` (ODCS's `DataQualitySql`) names its table `${table}` and, on a column, that column `${column}`. It is
read in sqlglot's generic dialect and must be exactly one SELECT (a `WITH` of SELECTs included) that returns one
value, whose every table is `${table}` or one of its own common table expressions: no other table, no table
function (`read_parquet(...)`, `range(...)`, `UNNEST` as a source), no second statement. The same text is then
written for the engine that runs it: Spark SQL over `primary` for Glue Data Quality's `CustomSql`, DuckDB's for
`meshplane test`.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

TABLE, COLUMN = "${table}", "${column}"
_TABLE_MARK, _COLUMN_MARK = "meshplane_quality_table", "meshplane_quality_column"  # what sqlglot reads in their place


def _marked(query: str) -> str:
    return query.replace(TABLE, _TABLE_MARK).replace(COLUMN, _COLUMN_MARK)


def _statements(query: str) -> list[exp.Expression]:
    return [s for s in sqlglot.parse(_marked(query)) if s is not None]


def problem(query: str) -> str | None:
    """What is wrong with a rule's query, in words, or None."""
    if TABLE not in query:
        return "the query reads the product's table as `${table}`"
    try:
        statements = _statements(query)
    except sqlglot.errors.ParseError as exc:
        first = (exc.errors or [{}])[0]
        return f"the query is not SQL sqlglot reads: {first.get('description') or str(exc).splitlines()[0]}"
    if len(statements) != 1:
        return f"the query is {len(statements)} statements: a rule is one SELECT"
    (select,) = statements
    if not isinstance(select, exp.Select):
        return f"the query is a {select.key.upper()}, not a SELECT: a rule only reads"
    if len(select.expressions) != 1 or isinstance(select.expressions[0], exp.Star):
        return "the query returns one value (one expression after SELECT), compared by the rule's operator"
    own = {cte.alias_or_name for cte in select.find_all(exp.CTE)}
    for source in select.find_all(exp.Unnest, exp.Lateral, exp.Values, exp.TableFromRows):
        return f"the query reads from {source.sql()[:60]!r}: a rule reads only `${{table}}`"
    for table in select.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            return f"the query calls the table function {table.this.sql()[:60]!r}: a rule reads only `${{table}}`"
        if table.db or table.catalog or (table.name != _TABLE_MARK and table.name not in own):
            return f"the query reads the table {table.sql()!r}: a rule reads only its product's table, `${{table}}`"
    return None


def written(query: str, dialect: str, table: str, column: str | None = None) -> str:
    """The query as `dialect` reads it, over `table` (and `column`): Spark over `primary` for DQDL, DuckDB for `test`."""
    (select,) = _statements(query)

    def rename(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Table) and node.name == _TABLE_MARK:
            return exp.to_table(table)
        if isinstance(node, exp.Identifier) and node.this == _COLUMN_MARK and column is not None:
            return exp.to_identifier(column, quoted=True)
        return node

    return select.transform(rename).sql(dialect=dialect)


def columns(query: str) -> list[str]:
    """The columns a query names, in order, each once: not `${column}`, nor a name the query itself gives (an alias)."""
    (select,) = _statements(query)
    own = {a.alias for a in select.find_all(exp.Alias)} | {c.alias_or_name for c in select.find_all(exp.CTE, exp.Subquery)}
    named = [c.name for c in select.find_all(exp.Column) if c.name and c.name != _COLUMN_MARK and c.name not in own]
    return list(dict.fromkeys(named))


def equals(query: str, value_sql: str) -> str:
    """The query (one that `problem` accepts) returning 1 when its one value is `value_sql` (a SQL literal) and 0
    otherwise, a null included: how a rule compares a value with a string or a boolean where only numbers are compared."""
    (select,) = _statements(query)
    (value,) = select.expressions
    inner = value.unalias() if isinstance(value, exp.Alias) else value
    same = exp.NullSafeEQ(this=inner.copy(), expression=sqlglot.parse_one(value_sql))
    case = exp.Case(ifs=[exp.If(this=same, true=exp.Literal.number(1))], default=exp.Literal.number(0))
    return select.select(case, append=False).sql().replace(_TABLE_MARK, TABLE).replace(_COLUMN_MARK, COLUMN)
