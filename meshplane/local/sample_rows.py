"""Sample rows over a port's declared schema that honour its library quality rules, and their bytes in its format.

A pure function of the port, a seed (the product's id and version) and the time of the write (which names the newest
partition of a date or timestamp key): two runs give the same rows and the same bytes. The rules honoured are the
ones `meshplane test` measures (`quality.rules_of`, a non-nullable column's `nullValues` of 0 included) with the same
comparisons (`quality._holds`):

- rowCount: the number of rows, 100 unless a rule asks otherwise (at most `MAX_ROWS`);
- nullValues, missingValues (null, or one of the listed values), invalidValues (outside `validValues`, or not matching
  the `pattern`), duplicateValues on a column: each column is planned as so many nulls, rows holding a missing value,
  invalid values and distinct valid ones, the plan closest to plain data (a nullable column without a rule holds 4%
  nulls; no missing or invalid value unless a rule wants some) whose every rule holds;
- duplicateValues over several columns (the port's): measured on the rows laid out, with the columns' rows scattered
  (a seeded shuffle) or aligned, and fewer distinct values where more duplicates are wanted.

A partition key holds one value in the written partition (the day or the hour of the write for a date or timestamp
key, else its first valid value), kept in the object's key (`key=value/`), not in the file, as Spark and Glue write
them. `sql` rules are not read: the sample's own are shown to pass by a test. A port whose rules no plan meets is a
`SampleError` naming the rules.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from random import Random
from urllib.parse import quote

import duckdb

from meshplane.declarations.spec import ARRAY, STRUCT, Column, Element, Format, OutputPort, QualityMetric, QualityRule, QualityType, QualityUnit, decimal_of
from meshplane.local import quality, sample_values

DEFAULT_ROWS = 100
MAX_ROWS = 100_000
NULL_SHARE = 25  # a nullable column without a rule of its own holds one null in this many rows
METRICS = (QualityMetric.nullValues, QualityMetric.missingValues, QualityMetric.invalidValues, QualityMetric.duplicateValues)
EXTENSIONS = {Format.parquet: "parquet", Format.json: "json", Format.csv: "csv"}
COPY = {Format.parquet: "FORMAT parquet", Format.json: "FORMAT json", Format.csv: "FORMAT csv, HEADER true"}


class SampleError(ValueError):
    """No plan of the rows meets the port's rules."""


@dataclass(frozen=True)
class Sample:
    """The rows of one write: the file's columns (name, DuckDB type), its rows, and the partition it goes to."""

    format: Format
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple, ...]
    partition: tuple[tuple[str, object], ...]

    def key(self, name: str = "part-00000") -> str:
        """The object's key: `key=value/` folders (Hive's layout), then the file."""
        folders = "".join(f"{k}={quote(_partition_text(v), safe='')}/" for k, v in self.partition)
        return f"{folders}{name}.{EXTENSIONS[self.format]}"

    def encode(self) -> bytes:
        """The rows in the port's format, written by DuckDB on one thread (the same bytes every time)."""
        with tempfile.TemporaryDirectory(prefix="meshplane-sample-") as folder:
            target = Path(folder) / f"rows.{EXTENSIONS[self.format]}"
            connection = duckdb.connect(":memory:", config={"threads": 1})
            try:
                columns = ", ".join(f'"{name}" {kind}' for name, kind in self.columns)
                connection.execute(f"CREATE TABLE sample ({columns})")
                if self.rows:
                    connection.executemany(f"INSERT INTO sample VALUES ({', '.join('?' for _ in self.columns)})", list(self.rows))
                connection.execute(f"COPY (SELECT * FROM sample) TO '{target}' ({COPY[self.format]})")
            finally:
                connection.close()
            return target.read_bytes()


def seed_of(product_id: str, version: int) -> int:
    """The seed of a product's sample: its id and its port's major version."""
    return int.from_bytes(hashlib.sha256(f"{product_id}@{version}".encode()).digest()[:8], "big")


def duckdb_type(element: Element) -> str:
    kind = element.type
    if kind == STRUCT:
        return "STRUCT(" + ", ".join(f'"{f.name}" {duckdb_type(f)}' for f in element.fields) + ")"
    if kind == ARRAY:
        return f"{duckdb_type(element.items)}[]"
    digits = decimal_of(kind)
    if digits is not None:
        return f"DECIMAL({digits[0]},{digits[1]})"
    return {"string": "VARCHAR", "int": "INTEGER", "bigint": "BIGINT", "double": "DOUBLE", "boolean": "BOOLEAN",
            "date": "DATE", "timestamp": "TIMESTAMP"}[kind]  # fmt: skip


# --- one column's plan ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """How a column's rows are made: so many nulls, rows holding the missing value `token`, invalid values (`invalid`
    rows over `invalid_distinct` values) and valid ones (`distinct` of them)."""

    nulls: int
    tokens: int
    token: object
    invalid: int
    invalid_distinct: int
    distinct: int


class Planner:
    """What a column's rules allow: its library rules, its valid values, the values every rule refuses, the missing
    values it may hold."""

    def __init__(self, column: Column, rules: Sequence[QualityRule], rng: Random, partition: bool, blank_is_null: bool = False):
        self.column, self.rules, self.rng, self.partition = column, list(rules), rng, partition
        self.unwritable = ("",) if blank_is_null else ()  # CSV: an empty string reads back as a null
        self.kind = column.type
        missing = [v for r in self.rules if r.metric is QualityMetric.missingValues and r.arguments and r.arguments.missingValues for v in r.arguments.missingValues]
        self.missing_lists = {id(r): self._cast_all(r.arguments.missingValues if r.arguments else ()) for r in self.rules if r.metric is QualityMetric.missingValues}
        self.invalidity = [r for r in self.rules if r.metric is QualityMetric.invalidValues and r.arguments is not None]
        self.tokens = [t for t in dict.fromkeys(self._cast_all(missing)) if t is not None and not isinstance(t, list) and t not in self.unwritable][:3]
        self.nullable = column.nullable and not partition
        self._valid: list | None = None
        self._valid_wanted = 0
        self._invalid: list | None = None

    def _cast_all(self, raw: Iterable) -> list:
        out = []
        for v in raw:
            try:
                out.append(sample_values.cast(v, self.kind))
            except (ValueError, TypeError, ArithmeticError):
                continue
        return out

    def accepts(self, rule: QualityRule, v: object) -> bool:
        """Whether an invalidValues rule takes the (non-null) value as valid."""
        args = rule.arguments
        if args.validValues is not None:
            return v in self._cast_all(args.validValues)
        return sample_values.matches(args.pattern or "", v)

    def _plain(self, v: object) -> bool:
        """A value that is no missing value and that every invalidValues rule accepts."""
        return v not in self.tokens and v not in self.unwritable and all(self.accepts(r, v) for r in self.invalidity)

    def valid(self, wanted: int) -> list:
        """Up to `wanted` distinct valid values, in a fixed order."""
        if self._valid is not None and (len(self._valid) >= wanted or self._valid_wanted >= wanted):
            return self._valid[:wanted]
        found: list = []
        listed = [r for r in self.invalidity if r.arguments.validValues is not None]
        patterns = [r for r in self.invalidity if r.arguments.pattern is not None]
        if listed:
            found = [v for v in dict.fromkeys(self._cast_all(listed[0].arguments.validValues)) if self._plain(v)][:wanted]
        elif patterns and self.kind == "string":
            rng = Random(self.rng.getrandbits(64))
            found = [v for v in sample_values.examples(patterns[0].arguments.pattern, rng, wanted) if self._plain(v)]
        elif not patterns:
            size = sample_values.domain(self.column)
            j = 0
            while len(found) < wanted and j < size and j < wanted + len(self.tokens) + 8:
                v = sample_values.value(self.column, j, self.column.name)
                if self._plain(v):
                    found.append(v)
                j += 1
        self._valid, self._valid_wanted = found, wanted
        return found

    def invalid_values(self) -> list:
        """Values every invalidValues rule of the column refuses (none without such a rule)."""
        if self._invalid is None:
            found: list = []
            if self.invalidity:
                candidates: list = ([f"invalid-{j:03d}" for j in range(64)] + ["", "-", "?", "0"]) if self.kind == "string" else [
                    sample_values.value(self.column, j, self.column.name) for j in range(min(sample_values.domain(self.column), 4096))]  # fmt: skip
                found = [v for v in dict.fromkeys(candidates, None) if v not in self.tokens and v not in self.unwritable and not any(self.accepts(r, v) for r in self.invalidity)]
            self._invalid = found[:64]
        return self._invalid

    def measure(self, rule: QualityRule, plan: Plan, rows: int) -> float:
        """What the rule measures on the rows the plan makes."""
        metric = rule.metric
        if metric is QualityMetric.nullValues:
            k = plan.nulls
        elif metric is QualityMetric.missingValues:
            k = plan.nulls + (plan.tokens if plan.token in self.missing_lists[id(rule)] else 0)
        elif metric is QualityMetric.invalidValues:
            k = plan.invalid + (plan.tokens if plan.tokens and not self.accepts(rule, plan.token) else 0)
        else:
            k = rows - (plan.distinct + plan.invalid_distinct + (plan.nulls > 0) + (plan.tokens > 0))
        return _in_unit(k, rows, rule)

    def plans(self, rows: int, fewest: bool = False) -> list[Plan]:
        """The plans whose every rule of the column holds, closest to plain data first (`fewest`: fewest distinct valid
        values first, for duplicates over several columns)."""
        if self.partition:
            valid = self.valid(1)
            plans = [Plan(0, 0, None, 0, 0, 1)] if valid or not self.invalidity else []
            return [p for p in plans if all(_holds(self.measure(r, p, rows), r) for r in self.rules)]
        default_nulls = rows // NULL_SHARE if self.nullable and not any(r.metric is QualityMetric.nullValues for r in self.rules) else 0
        counts = {0, rows} | {n for r in self.rules for n in _thresholds(r, rows)}
        nulls = sorted({n for n in counts | {default_nulls} if 0 <= n <= rows and (self.nullable or n == 0)})
        tokens = sorted({n for n in counts if 0 <= n <= rows}) if self.tokens else [0]
        invalid_supply = len(self.invalid_values())
        invalid = sorted({n for n in counts if 0 <= n <= rows}) if invalid_supply else [0]
        found: list[tuple[tuple, Plan]] = []
        for n_null in nulls:
            for n_tok in tokens:
                for token in self.tokens if n_tok else [None]:
                    for n_inv in invalid:
                        left = rows - n_null - n_tok - n_inv
                        if left < 0:
                            continue
                        d_inv = min(n_inv, invalid_supply)
                        most = len(self.valid(left)) if left else 0
                        if left and not most:
                            continue
                        least = 1 if left else 0
                        others = d_inv + (n_null > 0) + (n_tok > 0)
                        ds = {most, least, max(least, most // 2)} | {rows - t - others for r in self.rules
                                                                     if r.metric is QualityMetric.duplicateValues for t in _thresholds(r, rows)}
                        for d in sorted(x for x in ds if least <= x <= most):
                            plan = Plan(n_null, n_tok, token, n_inv, d_inv, d)
                            if all(_holds(self.measure(r, plan, rows), r) for r in self.rules):
                                spread = (d - least) if fewest else (most - d)
                                cost = (abs(n_null - default_nulls), n_tok > 0, n_tok + n_inv, spread)
                                found.append((cost, plan))
        found.sort(key=lambda item: item[0])
        return [p for _, p in found]

    def values(self, plan: Plan, rows: int) -> list:
        """The column's values in its rows, in plan order: valid (each distinct value once, then again), nulls, missing
        values, invalid values."""
        left = rows - plan.nulls - plan.tokens - plan.invalid
        valid = self.valid(plan.distinct)
        invalid = self.invalid_values()[: plan.invalid_distinct]
        return ([valid[i % plan.distinct] for i in range(left)] + [None] * plan.nulls + [plan.token] * plan.tokens
                + [invalid[i % len(invalid)] for i in range(plan.invalid)])  # fmt: skip


def _in_unit(count: int, rows: int, rule: QualityRule) -> float:
    if rule.unit is QualityUnit.percent:
        return math.nan if rows == 0 else 100.0 * count / rows
    return float(count)


def _holds(value: float, rule: QualityRule) -> bool:
    """What `meshplane test` decides of the value (a percentage is computed as it computes it: 100.0 * count / rows)."""
    return not math.isnan(value) and quality._holds(value, rule)


def _thresholds(rule: QualityRule, rows: int) -> set[int]:
    """Counts of rows near each number of the rule's operator: the plans worth trying."""
    _, number = rule.operator
    numbers = number if isinstance(number, tuple) else (number,)
    found: set[int] = set()
    for v in numbers:
        x = v * rows / 100 if rule.unit is QualityUnit.percent else v
        found |= {math.floor(x) - 1, math.floor(x), math.ceil(x), math.ceil(x) + 1}
    return {n for n in found if 0 <= n <= rows}


# --- the rows ------------------------------------------------------------------------------------------------------


def library_rules(port: OutputPort) -> tuple[list[QualityRule], dict[str, list[QualityRule]]]:
    """The port's library rules, and each column's (by name), as `meshplane test` measures them."""
    port_rules, by_column = [], {c.name: [] for c in (*port.columns, *port.partitions)}
    for rule, column in quality.rules_of(port):
        if rule.type is not QualityType.library:
            continue
        if column is None:
            port_rules.append(rule)
        else:
            by_column[column.name].append(rule)
    return port_rules, by_column


def sample(port: OutputPort, seed: int, at: datetime.datetime, rows: int | None = None) -> Sample:
    """Rows over the port's schema honouring its library rules (`rows` of them when given, else as the rules allow,
    100 when they allow it), for the partition of `at`."""
    port_rules, by_column = library_rules(port)
    rng = Random(seed)
    blank = port.format is Format.csv
    parts = [Planner(c, by_column[c.name], Random(rng.getrandbits(64)), False, blank) for c in port.columns]
    keys = [Planner(c, by_column[c.name], Random(rng.getrandbits(64)), True) for c in port.partitions]
    counts = [r for r in port_rules if r.metric is QualityMetric.rowCount]
    together = [r for r in port_rules if r.metric is QualityMetric.duplicateValues]
    tried: list[str] = []
    for n in [rows] if rows is not None else _row_counts(counts):
        if not all(_holds(float(n), r) for r in counts):
            continue
        for fewest in (False, True) if together else (False,):
            plans = [c.plans(n, fewest and _named(c, together)) for c in parts]
            key_plans = [k.plans(n) for k in keys]
            stuck = [c.column.name for c, p in zip([*parts, *keys], [*plans, *key_plans]) if not p]
            if stuck:
                tried.append(f"{n} rows: no plan of column(s) {', '.join(stuck)} meets their rules")
                break
            columns = [c.values(p[0], n) for c, p in zip(parts, plans)]
            partition = [(k.column.name, _partition_value(k, at)) for k in keys]
            for layout in range(4):
                laid = _laid_out(columns, layout, Random(seed + layout))
                table = list(zip(*laid)) if laid else [() for _ in range(n)]
                wrong = _wrong_together(together, port, table, partition, n)
                if not wrong:
                    names = tuple((c.name, duckdb_type(c)) for c in port.columns)
                    return Sample(port.format, names, tuple(table), tuple(partition))
            tried.append(f"{n} rows: {wrong}")
    if not tried:
        asked = " and ".join(quality._expected(r) for r in counts)
        raise SampleError(f"no sample of 1 to {MAX_ROWS:,} rows meets the rowCount rules (rowCount {asked})")
    raise SampleError("no sample rows meet the port's rules: " + "; ".join(tried[:3]))


def _named(column: Planner, together: Sequence[QualityRule]) -> bool:
    return any(column.column.name in (r.arguments.properties or ()) for r in together if r.arguments)


def _row_counts(rules: Sequence[QualityRule]) -> list[int]:
    """Row counts worth trying, the default first, then those closest to it, then each rule's edges."""
    near = sorted(range(1, 2 * DEFAULT_ROWS + 1), key=lambda n: (abs(n - DEFAULT_ROWS), n))
    edges = sorted(n for r in rules for n in _thresholds(r, MAX_ROWS * 100) if 1 <= n <= MAX_ROWS)
    return list(dict.fromkeys([*near, *edges]))


def _laid_out(columns: list[list], layout: int, rng: Random) -> list[list]:
    """Layout 0: each column's rows shuffled (valid, null, missing and invalid rows scattered); 1 to 2: shuffled
    otherwise; 3: aligned (each column's repeated values in the same rows, so repeats coincide across columns)."""
    if layout == 3:
        return columns
    out = []
    for values in columns:
        shuffled = list(values)
        rng.shuffle(shuffled)
        out.append(shuffled)
    return out


def _wrong_together(rules: Sequence[QualityRule], port: OutputPort, table: list[tuple], partition: list, rows: int) -> str:
    """The first duplicateValues rule over several columns that the laid-out rows break, in words ("" when none)."""
    index = {c.name: i for i, c in enumerate(port.columns)}
    fixed = dict(partition)
    for rule in rules:
        names = list(rule.arguments.properties or ())
        groups = {tuple(_hashable(row[index[c]]) if c in index else _hashable(fixed.get(c)) for c in names) for row in table}
        value = _in_unit(rows - len(groups), rows, rule)
        if not _holds(value, rule):
            return f"duplicateValues over {', '.join(names)} measures {value:g}, expected {quality._expected(rule)}"
    return ""


def _hashable(v: object) -> object:
    if isinstance(v, (dict, list)):
        return json.dumps(v, sort_keys=True, default=str)
    return v


def _partition_value(key: Planner, at: datetime.datetime) -> object:
    if key.invalidity:
        return key.valid(1)[0]
    if key.kind == "date":
        return at.date()
    if key.kind == "timestamp":
        return at.replace(minute=0, second=0, microsecond=0, tzinfo=None)
    return sample_values.value(key.column, 0, key.column.name)


def _partition_text(v: object) -> str:
    if isinstance(v, datetime.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)
