"""Sample rows honour a port's quality rules as `meshplane test` measures them (quality.evaluate, DuckDB over the written
bytes): the sample mesh's library and sql rules, ports with every column type and rule, generated meshes, and ports
drawn by hypothesis far stranger than the sample; the same product and version write the same bytes."""

from __future__ import annotations

import datetime
import math
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meshplane.declarations.ids import product_id
from meshplane.declarations.resolve import resolve
from meshplane.declarations.spec import OutputPort, Product, QualityRule
from meshplane.local import quality, sample_rows, sample_values
from meshplane.local.quality import Outcome
from meshplane.registrations.project import open_project

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "benchmarks"))
from meshgen import Shape, generate, product_yaml  # noqa: E402

AT = datetime.datetime(2026, 12, 7, 10, 30, tzinfo=datetime.UTC)


def measured(port: OutputPort, sample: sample_rows.Sample, folder: Path) -> list[quality.Checked]:
    """The port's rules as `meshplane test` measures them, on the sample written where its key says (partition keys
    are read back from the `key=value/` folders, as DuckDB reads a Hive layout)."""
    target = folder / sample.key()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(sample.encode())
    return quality.evaluate(port, [target], sampled=False)


def broken(checked: list[quality.Checked]) -> list[str]:
    return [f"{c.where}: {c.rule}: measured {c.value}, expected {c.expected} {c.note}" for c in checked
            if c.outcome not in (Outcome.passed, Outcome.not_evaluated)]  # fmt: skip


def sample_ports():
    project = open_project(ROOT, stack="local")
    return [(a, resolve(d.spec, "local").output) for a, d in sorted(project.mesh.products.items())]


@pytest.mark.parametrize("address, port", sample_ports(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_rule_of_the_sample_passes_on_its_sample_rows(address, port, tmp_path):
    sample = sample_rows.sample(port, sample_rows.seed_of(product_id(address), port.version), AT)
    checked = measured(port, sample, tmp_path)
    assert not broken(checked)
    assert all(c.outcome is Outcome.passed for c in checked if c.outcome is not Outcome.not_evaluated)
    assert len(sample.rows) == sample_rows.DEFAULT_ROWS
    if port.partitions:  # the newest partition: the day of the write for a date key
        assert "/" in sample.key()
    if any(p.type == "date" for p in port.partitions):
        assert "=2026-12-07/" in sample.key()


def test_the_sample_sql_rules_are_measured_and_pass(tmp_path):
    (port,) = [p for a, p in sample_ports() if a == "users/play-events"]
    sample = sample_rows.sample(port, sample_rows.seed_of("users.play-events", port.version), AT)
    checked = {c.rule: c for c in measured(port, sample, tmp_path)}
    assert checked["no negative play"].outcome is Outcome.passed and checked["no negative play"].value == 0
    assert (checked["duplicateValues"].value, checked["nullValues"].value, checked["some plays"].value) == (0, 0, 100)
    assert sample.key() == "play_date=2026-12-07/part-00000.parquet"


def test_the_same_product_and_version_write_the_same_bytes_and_another_version_others():
    (port,) = [p for a, p in sample_ports() if a == "users/play-events"]
    first = sample_rows.sample(port, sample_rows.seed_of("users.play-events", 1), AT).encode()
    again = sample_rows.sample(port, sample_rows.seed_of("users.play-events", 1), AT + datetime.timedelta(days=3)).encode()
    other = sample_rows.sample(port, sample_rows.seed_of("users.play-events", 2), AT).encode()
    assert first == again and first != other


def column(name, kind, **more):
    return {"name": name, "type": kind, "description": f"{name}.", **more}


EVERY_TYPE = OutputPort.model_validate({
    "columns": [
        column("s", "string", nullable=False, quality=[{"metric": "duplicateValues", "mustBe": 0}]),
        column("i", "int"), column("b", "bigint"), column("d", "double"), column("ok", "boolean"), column("day", "date"),
        column("at", "timestamp"), column("money", "decimal(38,6)"), column("tiny", "decimal(1,0)"),
        column("who", "struct", fields=[{"name": "id", "type": "string", "nullable": False}, {"name": "n", "type": "int"}]),
        column("tags", "array", items={"type": "string"}),
        column("nested", "array", items={"type": "struct", "fields": [{"name": "k", "type": "date"}]}),
    ],
    "partitions": [column("region", "string", quality=[{"metric": "invalidValues", "arguments": {"validValues": ["eu", "us"]}, "mustBe": 0}]),
                   column("hour", "timestamp", nullable=False)],
})  # fmt: skip


def test_every_column_type_reaches_its_width_and_reads_back_in_its_type(tmp_path):
    sample = sample_rows.sample(EVERY_TYPE, 7, AT)
    assert not broken(measured(EVERY_TYPE, sample, tmp_path))
    assert sample.key() == "region=eu/hour=2026-12-07%2010%3A00%3A00/part-00000.parquet"
    import duckdb

    table = duckdb.sql(f"SELECT * FROM read_parquet('{tmp_path / sample.key()}', hive_partitioning = false)")
    assert dict(zip(table.columns, [str(t) for t in table.types])) == {
        "s": "VARCHAR", "i": "INTEGER", "b": "BIGINT", "d": "DOUBLE", "ok": "BOOLEAN", "day": "DATE", "at": "TIMESTAMP",
        "money": "DECIMAL(38,6)", "tiny": "DECIMAL(1,0)", "who": 'STRUCT(id VARCHAR, n INTEGER)', "tags": "VARCHAR[]",
        "nested": "STRUCT(k DATE)[]",
    }  # fmt: skip
    values = {name: [row[i] for row in sample.rows] for i, (name, _) in enumerate(sample.columns)}
    assert 2**31 - 1 in values["i"] and 2**63 - 1 in values["b"]  # each integer's width, never past it
    assert Decimal("99999999999999999999999999999999.999999") in values["money"] and max(v for v in values["tiny"] if v is not None) == 9
    assert min(v for v in values["i"] if v is not None) >= 0 and all(v is None or v < 2**31 for v in values["i"])
    assert 0 < sum(v is None for v in values["i"]) < len(sample.rows) / 10  # a nullable column without rules holds a few nulls
    assert sum(v is None for v in values["s"]) == 0 and len(set(values["s"])) == len(sample.rows)


RULES = OutputPort.model_validate({
    "columns": [
        column("code", "string", quality=[
            {"metric": "invalidValues", "arguments": {"pattern": "^[A-Z]{2}-[0-9]{3}$"}, "mustBeBetween": [5, 10], "unit": "percent"},
            {"metric": "nullValues", "mustBeGreaterOrEqualTo": 3},
            {"metric": "missingValues", "arguments": {"missingValues": ["", "N/A"]}, "mustBeLessOrEqualTo": 10}]),
        column("kind", "string", quality=[{"metric": "invalidValues", "arguments": {"validValues": ["a", "b", "c"]}, "mustBe": 0},
                                          {"metric": "duplicateValues", "mustBeGreaterThan": 90, "unit": "percent"}]),
        column("n", "int", nullable=False, quality=[{"metric": "missingValues", "arguments": {"missingValues": [0]}, "mustBeGreaterThan": 0}]),
        column("flag", "boolean", quality=[{"metric": "nullValues", "mustNotBeBetween": [0, 20], "unit": "percent"}]),
        column("id", "bigint"), column("day", "date"),
    ],
    "quality": [
        {"metric": "rowCount", "mustBeBetween": [7, 40]},
        {"metric": "duplicateValues", "arguments": {"properties": ["kind", "flag"]}, "mustBeGreaterThan": 0},
        {"metric": "duplicateValues", "arguments": {"properties": ["id", "day"]}, "mustBe": 0},
    ],
})  # fmt: skip


def test_each_library_rule_is_met_with_the_numbers_it_asks(tmp_path):
    sample = sample_rows.sample(RULES, 11, AT)
    checked = measured(RULES, sample, tmp_path)
    assert not broken(checked)
    values = {c.where + ": " + c.rule: c.value for c in checked}
    assert 7 <= values["port: rowCount"] <= 40
    assert 5 <= values["column code: invalidValues"] <= 10 and values["column code: nullValues"] >= 3
    assert values["column n: missingValues"] > 0 and values["column n: n is never null (nullable: false)"] == 0
    assert values["column flag: nullValues"] > 20


def test_a_port_whose_rules_nothing_meets_is_refused_with_its_rules():
    impossible = OutputPort.model_validate({
        "columns": [column("ok", "boolean", nullable=False, quality=[{"metric": "duplicateValues", "mustBe": 0}])],
        "quality": [{"metric": "rowCount", "mustBeGreaterThan": 5}],
    })  # fmt: skip
    with pytest.raises(sample_rows.SampleError, match="no plan of column\\(s\\) ok meets their rules"):
        sample_rows.sample(impossible, 1, AT)


def test_arrays_and_structs_of_booleans_hold_as_many_distinct_values_as_the_rows_need(tmp_path):
    """An array of booleans has a value of every length (the generator once gave it 2), a struct of two booleans 4."""
    unique = [{"metric": "duplicateValues", "mustBe": 0}]
    port = OutputPort.model_validate({
        "columns": [column("flags", "array", items={"type": "boolean"}, nullable=False, quality=unique)],
        "quality": [{"metric": "rowCount", "mustBe": 30}],
    })  # fmt: skip
    sample = sample_rows.sample(port, 5, AT)
    assert not broken(measured(port, sample, tmp_path / "array")) and len({repr(r) for r in sample.rows}) == 30
    pair = [{"name": "a", "type": "boolean"}, {"name": "b", "type": "boolean"}]
    port = OutputPort.model_validate({
        "columns": [column("both", "struct", fields=pair, nullable=False, quality=unique)],
        "quality": [{"metric": "rowCount", "mustBeGreaterThan": 3}],
    })  # fmt: skip
    assert not broken(measured(port, sample_rows.sample(port, 5, AT), tmp_path / "struct"))
    port = OutputPort.model_validate({
        "columns": [column("both", "struct", fields=pair, nullable=False, quality=unique)],
        "quality": [{"metric": "rowCount", "mustBeGreaterThan": 4}],
    })  # fmt: skip
    with pytest.raises(sample_rows.SampleError, match="no plan of column\\(s\\) both meets their rules"):
        sample_rows.sample(port, 5, AT)


def test_a_csv_port_never_counts_on_an_empty_string_which_reads_back_as_a_null(tmp_path):
    port = OutputPort.model_validate({
        "format": "csv",
        "columns": [column("c", "string", quality=[
            {"metric": "nullValues", "mustBe": 1},
            {"metric": "missingValues", "arguments": {"missingValues": ["", "N/A"]}, "mustBe": 100, "unit": "percent"}])],
        "quality": [{"metric": "rowCount", "mustBe": 5}],
    })  # fmt: skip
    sample = sample_rows.sample(port, 0, AT)
    assert not broken(measured(port, sample, tmp_path)) and sorted(r[0] or "" for r in sample.rows) == ["", "N/A", "N/A", "N/A", "N/A"]


def test_pattern_examples_match_and_do_not_repeat():
    rng = __import__("random").Random(3)
    found = list(sample_values.examples(r"^(GB|FR)[0-9]{2}\s?[A-Z0-9]{4}(-x)?$", rng, 50))
    assert len(found) == len(set(found)) == 50
    assert all(sample_values.matches(r"^(GB|FR)[0-9]{2}\s?[A-Z0-9]{4}(-x)?$", f) for f in found)


def test_every_product_of_a_generated_mesh_gets_rows_its_rules_pass(tmp_path):
    """12 products hold every column type and each number of columns but 9 (the generator's only differences)."""
    mesh = generate(Shape(products=12, domains=4))
    for p in mesh["products"]:
        spec = Product.model_validate(yaml.safe_load(product_yaml(p)))
        sample = sample_rows.sample(spec.output, sample_rows.seed_of(product_id(p["address"]), 1), AT)
        assert not broken(measured(spec.output, sample, tmp_path / p["name"])), p["address"]


# --- ports far stranger than the sample: rules drawn around a witness's numbers, so each port is satisfiable ---------

SCALARS = ("string", "int", "bigint", "double", "boolean", "date", "timestamp")


@st.composite
def a_type(draw, nested=True, digits=38):
    kinds = [*SCALARS, "decimal"] + (["struct", "array"] if nested else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "decimal":
        p = draw(st.integers(1, digits))
        return {"type": f"decimal({p},{draw(st.integers(0, p))})"}
    if kind == "struct":
        n = draw(st.integers(1, 3))
        return {"type": "struct", "fields": [{"name": f"f{i}", **draw(a_type(nested=False, digits=digits))} for i in range(n)]}
    if kind == "array":
        return {"type": "array", "items": draw(a_type(nested=False, digits=digits))}
    return {"type": kind}


def values_of(kind: dict) -> int:
    """How many distinct values a type has, as far as a sample's rows can tell: a boolean 2, a struct its fields'
    combinations, an array (of any length) and any other type more than the rows."""
    if kind["type"] == "boolean":
        return 2
    if kind["type"] == "struct":
        return math.prod(values_of(f) for f in kind["fields"])
    return 10**6


OPERATORS = ("mustBe", "mustNotBe", "mustBeGreaterThan", "mustBeGreaterOrEqualTo", "mustBeLessThan", "mustBeLessOrEqualTo",
             "mustBeBetween", "mustNotBeBetween")  # fmt: skip


@st.composite
def around(draw, count: int, rows: int, percent_ok: bool = True):
    """An operator and numbers that a measure of `count` rows out of `rows` meets, in rows or percent."""
    percent = percent_ok and draw(st.booleans())
    value = 100.0 * count / rows if percent else float(count)
    top = 100.0 if percent else float(rows * 2 + 2)
    op = draw(st.sampled_from(OPERATORS))
    if percent and op in ("mustBe", "mustNotBe") and value not in (0.0, 100.0):
        op = "mustBeGreaterOrEqualTo"
    slack = draw(st.integers(1, 5)) * (10.0 if percent else 1.0)
    numbers = {
        "mustBe": value, "mustNotBe": value + slack if value + slack <= top else value - slack,
        "mustBeGreaterThan": value - slack, "mustBeGreaterOrEqualTo": value, "mustBeLessThan": value + slack,
        "mustBeLessOrEqualTo": value, "mustBeBetween": [value - slack, value + slack],
        "mustNotBeBetween": [value + 1, value + 1 + slack] if value + 1 + slack <= top else [value - 1 - slack, value - 1],
    }  # fmt: skip
    chosen = numbers[op]
    if percent:
        clipped = [min(100.0, max(0.0, v)) for v in (chosen if isinstance(chosen, list) else [chosen])]
        if op in ("mustBeBetween", "mustNotBeBetween") and not clipped[0] < clipped[1]:
            op, clipped = "mustBeGreaterOrEqualTo", [min(value, 100.0)]
        chosen = clipped if isinstance(chosen, list) and op in ("mustBeBetween", "mustNotBeBetween") else clipped[0]
    drawn = {op: chosen, **({"unit": "percent"} if percent else {})}
    rule = QualityRule.model_validate({"metric": "nullValues", **drawn})
    if not quality._holds(value, rule):  # clipped to 0 or 100 past the witness's own value
        return {"mustBeGreaterOrEqualTo": value, **({"unit": "percent"} if percent else {})}
    return drawn


@st.composite
def strange_ports(draw):
    rows = draw(st.integers(1, 40))
    fmt = draw(st.sampled_from(["parquet", "parquet", "json", "csv"]))
    columns, port_rules = [], [{"metric": "rowCount", **draw(around(rows, rows, percent_ok=False))}]
    distinct_somewhere = []
    for i in range(draw(st.integers(1, 7))):
        # JSON holds numbers that DuckDB reads back as doubles: a decimal of more than 15 digits is Parquet's alone
        kind = {"type": draw(st.sampled_from([*SCALARS, "decimal(9,2)"]))} if fmt == "csv" else draw(a_type(digits=15 if fmt == "json" else 38))
        nullable = draw(st.booleans())
        nulls = draw(st.integers(0, rows)) if nullable else 0
        valued = rows - nulls
        rules = []
        if nullable and draw(st.booleans()):
            rules.append({"metric": "nullValues", **draw(around(nulls, rows))})
        if kind["type"] in ("string", "int", "bigint", "date") and valued and draw(st.booleans()):
            # small integers: a rule's numbers are compared as doubles, so a bigint past 2**53 is not the value listed
            listed = {"string": ["aa", "bb1", "cc22"], "int": [3, 5, 7], "bigint": [2**40, 11, 2**52], "date": ["2024-01-03", "2031-02-28", "2024-02-29"]}[kind["type"]]
            if kind["type"] == "string" and draw(st.booleans()):
                rules.append({"metric": "invalidValues", "arguments": {"pattern": "^[a-z]{2}[a-z0-9]{0,3}$"}, **draw(around(0, rows))})
            else:
                rules.append({"metric": "invalidValues", "arguments": {"validValues": listed}, **draw(around(0, rows))})
            distinct = min(valued, 3 if "validValues" in rules[-1]["arguments"] else valued)
        else:
            distinct = draw(st.integers(1, valued)) if valued else 0
        distinct = min(distinct, values_of(kind))
        if kind["type"] == "string" and draw(st.booleans()):
            rules.append({"metric": "missingValues", "arguments": {"missingValues": ["", "N/A"]}, **draw(around(nulls, rows))})
        if draw(st.booleans()):
            dups = rows - distinct - (nulls > 0)
            rules.append({"metric": "duplicateValues", **draw(around(dups, rows))})
        if distinct == rows:
            distinct_somewhere.append(f"c{i}")
        columns.append({"name": f"c{i}", "description": "c.", **kind, "nullable": nullable, "quality": rules})
    if distinct_somewhere and len(columns) > 1 and draw(st.booleans()):
        others = [c["name"] for c in columns if c["name"] != distinct_somewhere[0]]
        port_rules.append({"metric": "duplicateValues", "arguments": {"properties": [distinct_somewhere[0], draw(st.sampled_from(others))]}, "mustBe": 0})
    partitions = []
    for j in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["string", "date", "int"]))
        rules = [{"metric": "invalidValues", "arguments": {"validValues": ["eu", "us"]}, "mustBe": 0}] if kind == "string" and draw(st.booleans()) else []
        partitions.append(column(f"p{j}", kind, nullable=draw(st.booleans()), quality=rules))
    return OutputPort.model_validate({"format": fmt, "columns": columns, "partitions": partitions, "quality": port_rules})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(port=strange_ports(), seed=st.integers(0, 2**32))
def test_ports_far_stranger_than_the_sample_get_rows_every_library_rule_passes(port, seed, tmp_path_factory):
    sample = sample_rows.sample(port, seed, AT)
    checked = measured(port, sample, tmp_path_factory.mktemp("strange"))
    assert not broken(checked), (port.model_dump(exclude_defaults=True), sample.rows[:5])
