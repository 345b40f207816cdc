"""MESH-016: a quality rule names columns its port has, its arguments fit each column's type, and a version's rules fit
the monitors a served version has (its schedules of their own included)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from components.monitoring import MONITORS_PER_VERSION
from meshplane.cloud import dqdl, quality_sql
from meshplane.declarations.mesh import serves
from meshplane.declarations.spec import ARRAY, STRUCT, Column, OutputPort, QualityMetric, QualityRule, decimal_of
from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject

NESTED = (STRUCT, ARRAY)


def check(ctx: MeshContext) -> Iterator[Finding]:
    for declared, product in ctx.products():
        ports: list[tuple[tuple, OutputPort]] = [(("output",), product.output)]
        ports += [(("previous_outputs", i), port) for i, port in enumerate(product.previous_outputs)]
        for where, port in ports:
            for path, message in _port(port):
                yield at(declared, (*where, *path), message)
            if serves(product, port.version):
                for path, message in _budget(port, product.service_levels is not None):
                    yield at(declared, (*where, *path), message)


def _evaluation_cost(port: OutputPort, schedule: str | None) -> int:
    """The resources that evaluate a version's rules on one schedule (None: after the job's runs): a ruleset per severity
    it has (the errors' always after the job's runs) and the schedule."""
    columns = [*port.columns, *port.partitions]
    errors = schedule is None or bool(dqdl.rules(port.quality, columns, "error", schedule))
    return int(errors) + int(bool(dqdl.rules(port.quality, columns, "warning", schedule))) + 1


def _budget(port: OutputPort, freshness: bool) -> Iterator[tuple[tuple, str]]:
    """Rules on schedules of their own beyond a served version's budget of monitors, each at its first rule's line."""
    used = (2 if freshness else 0) + _evaluation_cost(port, None)  # request metrics and alarm; the rulesets after the job
    first: dict[str, tuple] = {}
    for path, rule in _rules(port):
        if rule.measured and rule.schedule and rule.schedule not in first:
            first[rule.schedule] = path
    for schedule, path in first.items():
        used += _evaluation_cost(port, schedule)
        if used > MONITORS_PER_VERSION:
            yield (*path, "schedule"), (
                f"{schedule!r}: rules on a schedule of their own are a ruleset per severity and a schedule of their own "
                "(a Glue Data Quality run evaluates whole rulesets), which takes this version's monitors to "
                f"{used} resources, past the {MONITORS_PER_VERSION} a served version has: evaluate it after the job's runs "
                "(drop `schedule`) or share another rule's schedule")


def _rules(port: OutputPort) -> Iterator[tuple[tuple, QualityRule]]:
    yield from ((("quality", i), rule) for i, rule in enumerate(port.quality))
    for part in ("columns", "partitions"):
        for k, column in enumerate(getattr(port, part)):
            yield from (((part, k, "quality", i), rule) for i, rule in enumerate(column.quality))


def _port(port: OutputPort) -> Iterator[tuple[tuple, str]]:
    named = {c.name: c for c in (*port.columns, *port.partitions)}
    listed = ", ".join(named)
    for i, rule in enumerate(port.quality):
        for j, name in enumerate(rule.arguments.properties or () if rule.arguments else ()):
            if name not in named:
                yield ("quality", i, "arguments", "properties", j), f"{name!r} is no column of this port: {listed}"
            elif named[name].type in NESTED:
                yield ("quality", i, "arguments", "properties", j), f"{name!r} is a {named[name].type}: duplicates are counted on scalar columns"
        yield from _query(("quality", i), rule, named)
    for part in ("columns", "partitions"):
        for k, column in enumerate(getattr(port, part)):
            for i, rule in enumerate(column.quality):
                yield from ((( part, k, "quality", i, *path), message) for path, message in _fits(rule, column))
                yield from _query((part, k, "quality", i), rule, named)


def _query(where: tuple, rule: QualityRule, named: dict[str, Column]) -> Iterator[tuple[tuple, str]]:
    if rule.query is None or rule.type.value != "sql":
        return
    unknown = [c for c in quality_sql.columns(rule.query) if c not in named]
    if unknown:
        yield (*where, "query"), f"the query names {', '.join(map(repr, unknown))}, no column of this port: {', '.join(named)}"


def _fits(rule: QualityRule, column: Column) -> Iterator[tuple[tuple, str]]:
    """What of a column's rule its column's type cannot hold."""
    metric, args, kind = rule.metric, rule.arguments, column.type
    if metric is None:
        return
    if kind in NESTED and metric in (QualityMetric.invalidValues, QualityMetric.missingValues, QualityMetric.duplicateValues):
        yield ("metric",), f"{metric.value} compares single values: {column.name!r} is a {kind}"
        return
    if args is None:
        return
    if args.pattern is not None and kind != "string":
        yield ("arguments", "pattern"), f"a pattern matches text: {column.name!r} is of type {kind}, so use validValues or a sql rule"
    for key in ("validValues", "missingValues"):
        for j, value in enumerate(getattr(args, key) or ()):
            if value is not None and not fits(value, kind):
                yield ("arguments", key, j), f"{value!r} is not a {kind} value, the type of {column.name!r}"


def fits(value: object, column_type: str) -> bool:
    """Whether a rule's value is one of a column of `column_type`'s values."""
    if column_type == "string" or column_type == "timestamp":
        return isinstance(value, str)
    if column_type in ("int", "bigint"):
        return isinstance(value, int) and not isinstance(value, bool)
    if column_type == "double" or decimal_of(column_type) is not None:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if column_type == "boolean":
        return isinstance(value, bool)
    if column_type == "date":
        try:
            return isinstance(value, str) and datetime.date.fromisoformat(value) is not None and len(value) == 10
        except ValueError:
            return False
    return False


RULE = Rule(
    id="MESH-016",
    title="Quality rules fit their port",
    rationale="A rule naming a column the port does not have, or values its column cannot hold, fails on every run or passes "
    "without checking anything: either way the promise is empty. A rule whose schedule no monitor can hold is never evaluated.",
    severity=Severity.error,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
