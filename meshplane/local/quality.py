"""`meshplane test`: a product's quality rules run on its data where it is deployed, by DuckDB on the bytes read.

The scope is the ruleset's: the current version's newest partition (the folder of its newest object), or the whole
port when it is unpartitioned. At most `bound` bytes are read (whole objects, newest first); when more were there the
run says it sampled, and what a sample cannot tell (a count of rows, duplicates, a sql rule's number) is "not
decided", never "passed": a percentage is measured on the sample. The objects are read with boto3 and loaded into an
in-memory DuckDB, whose external access is then disabled before any rule runs (a rule's SQL was already held to one
SELECT over its own table). Each rule is printed with its measured value; a failed error rule fails the run. The
result is stored beside the data, `s3://<bucket>/_meshplane/quality/<version>/<UTC time>.json`.
"""

from __future__ import annotations

import datetime
import json
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path
from xml.sax.saxutils import quoteattr

import duckdb

from components.monitoring import RESULTS_METRIC
from meshplane.cloud import dqdl, quality_sql
from meshplane.declarations.spec import Column, Format, OutputPort, QualityMetric, QualityRule, QualitySeverity, QualityUnit

BOUND = 256 * 1024 * 1024  # bytes read at most by default
RESULTS = "_meshplane/quality"  # under a version's bucket: where each run's result is stored
TABLE = "product"  # the table the rules read in DuckDB
READERS = {Format.parquet: "read_parquet({files})", Format.json: "read_json({files}, format = 'newline_delimited')",
           Format.csv: "read_csv({files}, header = true)"}  # fmt: skip


class Outcome(str, Enum):
    passed = "passed"
    failed = "failed"
    not_decided = "not decided"  # measured on a sample, where only the whole can tell
    not_evaluated = "not evaluated"  # text and custom rules
    no_data = "no data"  # nothing was written in scope


@dataclass(frozen=True)
class Checked:
    """One rule and what it measured."""

    rule: str  # its name, or what it checks in words
    where: str  # the port, or its column
    severity: str
    outcome: Outcome
    value: float | None = None
    expected: str = ""  # the operator and its number(s)
    unit: str = "rows"
    note: str = ""


@dataclass(frozen=True)
class Scope:
    """What was read: objects, bytes, and whether they were all of the scope."""

    bucket: str
    prefix: str
    keys: tuple[str, ...] = ()
    bytes_read: int = 0
    bytes_in_scope: int = 0

    @property
    def sampled(self) -> bool:
        return self.bytes_read < self.bytes_in_scope


@dataclass(frozen=True)
class Report:
    product: str
    version: int
    scope: Scope
    checked: tuple[Checked, ...]
    at: str = field(default_factory=lambda: datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))

    @property
    def failed(self) -> bool:
        return any(c.outcome is Outcome.failed and c.severity == QualitySeverity.error.value for c in self.checked)

    def as_json(self) -> dict:
        return {
            "product": self.product, "version": self.version, "at": self.at, "failed": self.failed,
            "scope": {**asdict(self.scope), "keys": list(self.scope.keys), "sampled": self.scope.sampled},
            "rules": [{**asdict(c), "outcome": c.outcome.value} for c in self.checked],
        }  # fmt: skip


def rules_of(port: OutputPort) -> list[tuple[QualityRule, Column | None]]:
    """Every rule of the port with its column (None: the port's); a non-nullable column without a nullValues rule of its
    own carries `nullValues` of 0, as in the ruleset."""
    found: list[tuple[QualityRule, Column | None]] = [(rule, None) for rule in port.quality]
    for column in (*port.columns, *port.partitions):
        if not column.nullable and not any(r.metric is QualityMetric.nullValues for r in column.quality):
            implied = QualityRule(metric=QualityMetric.nullValues, mustBe=0, name=f"{column.name} is never null (nullable: false)")
            found.append((implied, column))
        found += [(rule, column) for rule in column.quality]
    return found


def _words(rule: QualityRule, column: Column | None) -> str:
    if rule.name:
        return rule.name
    if rule.type.value == "sql":
        return f"sql: {rule.query}"
    if rule.metric is not None:
        return rule.metric.value
    return rule.description or rule.type.value


def _expected(rule: QualityRule) -> str:
    """The operator and its number(s), or the string or boolean a sql rule's value is compared with (measured as 1 when
    it is that value, 0 when not)."""
    value = dqdl.compared(rule)
    if value is not None:
        return f"{'=' if rule.mustBe is not None else '!='} {dqdl.literal(value)} (1 when the query's value is {dqdl.literal(value)})"
    return dqdl.expression(rule).text()


def _holds(value: float, rule: QualityRule) -> bool:
    expr = dqdl.expression(rule)
    low = expr.numbers[0]
    if expr.op in ("between", "not between"):
        inside = expr.numbers[0] <= value <= expr.numbers[1]
        return inside if expr.op == "between" else not inside
    return {"=": value == low, "!=": value != low, ">": value > low, ">=": value >= low, "<": value < low, "<=": value <= low}[expr.op]


def _decided_on_a_sample(rule: QualityRule) -> bool:
    """A percentage is measured on a sample; a count of rows (of nulls, duplicates, a sql rule's number) is not."""
    return rule.type.value == "library" and rule.unit is QualityUnit.percent and rule.metric is not QualityMetric.duplicateValues


def evaluate(port: OutputPort, files: Sequence[Path], sampled: bool) -> list[Checked]:
    """Every rule of the port measured over `files` (the port's format) in an in-memory DuckDB without external access."""
    rules = rules_of(port)
    checked: list[Checked] = []
    connection = duckdb.connect(":memory:")
    try:
        if files:
            listed = "[" + ", ".join(dqdl.literal(str(f)) for f in files) + "]"
            connection.execute(f"CREATE TABLE {TABLE} AS SELECT * FROM {READERS[port.format].format(files=listed)}")
        connection.execute("SET enable_external_access = false")
        connection.execute("SET lock_configuration = true")
        for rule, column in rules:
            where = "port" if column is None else f"column {column.name}"
            base = {"rule": _words(rule, column), "where": where, "severity": rule.severity.value}
            if not rule.measured:
                checked.append(Checked(**base, outcome=Outcome.not_evaluated, note=f"a {rule.type.value} rule"))
                continue
            base |= {"expected": _expected(rule), "unit": rule.unit.value}
            if not files:
                checked.append(Checked(**base, outcome=Outcome.no_data, note="nothing written in scope"))
                continue
            sql = quality_sql.written(dqdl.measure(rule, None if column is None else column.name), "duckdb", TABLE,
                                      None if column is None else column.name)  # fmt: skip
            try:
                row = connection.execute(sql).fetchone()
            except duckdb.Error as exc:
                checked.append(Checked(**base, outcome=Outcome.failed, note=f"the measure failed: {str(exc).splitlines()[0]}"))
                continue
            value = None if row is None or row[0] is None else float(row[0])
            if value is None:
                checked.append(Checked(**base, outcome=Outcome.failed, note="the measure returned nothing"))
            elif sampled and not _decided_on_a_sample(rule):
                checked.append(Checked(**base, outcome=Outcome.not_decided, value=value, note="measured on a sample"))
            else:
                checked.append(Checked(**base, outcome=Outcome.passed if _holds(value, rule) else Outcome.failed, value=value))
    finally:
        connection.close()
    return checked


def read(s3, bucket: str, partitioned: bool, bound: int, into: Path, via: str | None = None) -> tuple[Scope, list[Path]]:
    """The objects in scope, newest first, written under `into` until `bound` bytes (the first object always); `via`:
    the access point they are read through (its ARN; `s3` is then a client through access points)."""
    objects = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=via or bucket):
        objects += [o for o in page.get("Contents", []) if not o["Key"].startswith(RESULTS + "/") and not o["Key"].endswith("/")]
    if not objects:
        return Scope(bucket, ""), []
    objects.sort(key=lambda o: (o["LastModified"], o["Key"]), reverse=True)
    prefix = objects[0]["Key"].rpartition("/")[0] + "/" if partitioned and "/" in objects[0]["Key"] else ""
    in_scope = [o for o in objects if o["Key"].startswith(prefix)]
    files, size = [], 0
    for i, obj in enumerate(in_scope):
        if files and size + obj["Size"] > bound:
            break
        target = _local_path(into, i, obj["Key"])
        target.write_bytes(s3.get_object(Bucket=via or bucket, Key=obj["Key"])["Body"].read())
        files.append(target)
        size += obj["Size"]
    total = sum(o["Size"] for o in in_scope)
    return Scope(bucket, prefix, tuple(o["Key"] for o in in_scope[: len(files)]), size, total), files


def _local_path(into: Path, i: int, key: str) -> Path:
    """Where the i-th object is put to be read: its `key=value` folders kept (DuckDB reads partition keys from them, as
    Glue does from the prefix), nothing else of its key (no `..` leaves the folder)."""
    *folders, name = key.split("/")
    target = into.joinpath(f"{i:06d}", *[f for f in folders if "=" in f], name or "object")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def run(s3, product: str, version: int, port: OutputPort, bucket: str, bound: int = BOUND, store: bool = True,
        through: tuple[object, str] | None = None, cloudwatch=None) -> Report:  # fmt: skip
    """Read the version's scope from `bucket` (`through`: a client and the access point it reads through), evaluate its
    rules, and store the result beside the data (with `s3`), counted in the bucket's RESULTS_METRIC (through
    `cloudwatch`), which the freshness alarm takes off the bucket's writes: a stored result never passes for new data."""
    reader, via = through or (s3, None)
    with tempfile.TemporaryDirectory(prefix="meshplane-test-") as folder:
        scope, files = read(reader, bucket, bool(port.partitions), bound, Path(folder), via)
        checked = evaluate(port, files, scope.sampled)
    report = Report(product, version, scope, tuple(checked))
    if store:
        s3.put_object(Bucket=bucket, Key=result_key(version, report.at), Body=json.dumps(report.as_json(), indent=2).encode(),
                      ContentType="application/json")  # fmt: skip
        if cloudwatch is not None:
            cloudwatch.put_metric_data(Namespace=RESULTS_METRIC["namespace"], MetricData=[
                {"MetricName": RESULTS_METRIC["metricName"], "Dimensions": [{"Name": "BucketName", "Value": bucket}], "Value": 1, "Unit": "Count"}])  # fmt: skip
    return report


def result_key(version: int, at: str) -> str:
    return f"{RESULTS}/{version}/{at}.json"


def text(reports: Sequence[Report]) -> str:
    lines = []
    for report in reports:
        scope = report.scope
        read_words = f"{len(scope.keys)} object(s), {scope.bytes_read} bytes" + (f" of {scope.bytes_in_scope}: sampled" if scope.sampled else "")
        lines.append(f"{report.product} v{report.version}: s3://{scope.bucket}/{scope.prefix} ({read_words})")
        for c in report.checked:
            measured = "" if c.value is None else f" measured {dqdl.number(c.value)}{'%' if c.unit == 'percent' else ''}"
            expected = f", expected {c.expected}" if c.expected else ""
            note = f" ({c.note})" if c.note else ""
            lines.append(f"  {c.outcome.value.upper():<13} {c.severity:<7} {c.where}: {c.rule}:{measured}{expected}{note}")
    return "\n".join(lines)


def junit(reports: Sequence[Report]) -> str:
    cases = []
    for report in reports:
        for c in report.checked:
            name = quoteattr(f"{c.where}: {c.rule}")
            body = ""
            if c.outcome is Outcome.failed:
                kind = "failure" if c.severity == "error" else "system-out"
                message = quoteattr(f"measured {c.value}, expected {c.expected} {c.note}".strip())
                body = f"<failure message={message}/>" if kind == "failure" else f"<system-out>{message[1:-1]}</system-out>"
            elif c.outcome is not Outcome.passed:
                body = f"<skipped message={quoteattr(c.outcome.value + (': ' + c.note if c.note else ''))}/>"
            cases.append(f'  <testcase classname={quoteattr(f"{report.product}@{report.version}")} name={name}>{body}</testcase>')
    failures = sum(1 for r in reports for c in r.checked if c.outcome is Outcome.failed and c.severity == "error")
    skipped = sum(1 for r in reports for c in r.checked if c.outcome not in (Outcome.passed, Outcome.failed))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="meshplane test" tests="{len(cases)}" failures="{failures}" '
            f'skipped="{skipped}">\n' + "\n".join(cases) + "\n</testsuite>")  # fmt: skip
