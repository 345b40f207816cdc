"""Every kind of contract change, classed: pure functions over two resolved specs as JSON (what `diff` compares)."""

from __future__ import annotations

import copy

import pytest

from meshplane.review.contract_changes import KINDS, Compatibility, compare

BASE = {
    "classification": "internal",
    "status": "active",
    "retention_days": 365,
    "service_levels": {"freshness_hours": 24, "availability": 99.5},
    "output": {
        "version": 1,
        "format": "parquet",
        "columns": [
            {"name": "id", "type": "string", "description": "The id.", "nullable": True},
            {"name": "amount", "type": "int", "description": "The amount.", "nullable": False, "pii": False, "polyseme": None},
        ],
        "partitions": [{"name": "day", "type": "date", "description": "The day."}],
    },
    "previous_outputs": [],
}


def changed(edit) -> list[tuple[str, str]]:
    head = copy.deepcopy(BASE)
    edit(head)
    return [(c.kind.id, c.kind.compatibility.value) for c in compare("d/p", BASE, head)]


def columns(head: dict) -> list[dict]:
    return head["output"]["columns"]


CASES = {
    "nothing": (lambda h: None, []),
    "column added": (lambda h: columns(h).append({"name": "note", "type": "string", "description": "A note."}), [("column-added", "compatible")]),
    "column removed": (lambda h: columns(h).pop(), [("column-removed", "breaking")]),
    "column renamed": (lambda h: columns(h)[1].update(name="total"), [("column-renamed", "breaking")]),
    "column retyped": (lambda h: columns(h)[1].update(type="bigint"), [("column-retyped", "breaking")]),
    "made nullable": (lambda h: columns(h)[1].update(nullable=True), [("column-made-nullable", "breaking")]),
    "made required": (lambda h: columns(h)[0].update(nullable=False), [("column-made-required", "compatible")]),
    "now personal": (lambda h: columns(h)[1].update(pii=True), [("column-now-personal", "breaking")]),
    "polyseme": (lambda h: columns(h)[0].update(polyseme="listener_id"), [("column-polyseme-changed", "breaking")]),
    "described": (lambda h: columns(h)[0].update(description="Another."), [("column-described", "compatible")]),
    "partitions": (lambda h: h["output"].update(partitions=[]), [("partitions-changed", "breaking")]),
    "format": (lambda h: h["output"].update(format="json"), [("format-changed", "breaking")]),
    "csv appended": (lambda h: (h["output"].update(format="csv"), BASE["output"].update(format="csv"), columns(h).append({"name": "z", "type": "int", "description": "Z."})), [("column-added", "compatible")]),
    "classification raised": (lambda h: h.update(classification="confidential"), [("classification-raised", "breaking")]),
    "classification lowered": (lambda h: h.update(classification="public"), [("classification-lowered", "compatible")]),
    "freshness relaxed": (lambda h: h["service_levels"].update(freshness_hours=48), [("freshness-relaxed", "breaking")]),
    "availability raised": (lambda h: h["service_levels"].update(availability=99.9), [("availability-raised", "compatible")]),
    "service levels removed": (lambda h: h.update(service_levels=None), [("service-levels-removed", "breaking")]),
    "retention shortened": (lambda h: h.update(retention_days=30), [("retention-shortened", "breaking")]),
    "deprecated": (lambda h: h.update(status="deprecated", deprecation={"date": "2031-01-01"}), [("product-deprecated", "compatible")]),
    "retired": (lambda h: h.update(status="retired"), [("product-retired", "breaking")]),
    "back to draft": (lambda h: h.update(status="draft"), [("product-unpublished", "breaking")]),
    "version removed": (lambda h: h["output"].update(version=2), [("version-removed", "breaking"), ("version-added", "compatible")]),
}


@pytest.fixture(autouse=True)
def fresh_base():
    kept = copy.deepcopy(BASE)
    yield
    BASE.clear()
    BASE.update(kept)


@pytest.mark.parametrize("name", CASES)
def test_each_change_is_classed(name):
    edit, expected = CASES[name]
    assert changed(edit) == expected


def test_in_csv_a_column_inserted_before_others_or_reordered_breaks():
    BASE["output"]["format"] = "csv"
    assert changed(lambda h: columns(h).insert(0, {"name": "first", "type": "int", "description": "First."})) == [("column-added-inside-csv", "breaking")]
    assert changed(lambda h: columns(h).reverse()) == [("column-moved-in-csv", "breaking")]
    BASE["output"]["format"] = "parquet"
    assert changed(lambda h: columns(h).reverse()) == []  # parquet and json are read by name


def test_a_new_major_version_beside_the_old_says_what_it_changes_against_it():
    def publish(head: dict) -> None:
        old = copy.deepcopy(head["output"])
        head["previous_outputs"] = [{**old, "status": "deprecated", "deprecation": {"date": "2031-01-01"}}]
        head["output"]["version"] = 2
        head["output"]["columns"].pop()

    found = compare("d/p", BASE, (head := copy.deepcopy(BASE), publish(head))[0])
    assert [(c.kind.id, c.version) for c in found] == [("version-deprecated", 1), ("version-added", 2)]
    assert found[1].detail == "version 2: published (against version 1: column amount (int) removed)"


def test_a_deprecation_brought_forward_breaks():
    BASE.update(status="deprecated", deprecation={"date": "2031-01-01"})
    assert changed(lambda h: h.update(deprecation={"date": "2030-01-01"})) == [("deprecation-brought-forward", "breaking")]


def test_products_added_and_removed():
    assert [c.kind.id for c in compare("d/p", None, BASE)] == ["product-added"]
    assert [c.kind.id for c in compare("d/p", BASE, None)] == ["product-removed"]


def test_every_kind_says_why():
    assert all(k.why.endswith(".") and k.compatibility in Compatibility for k in KINDS.values())


def classed(before: dict, after: dict, readers: dict) -> list[tuple[str, str]]:
    from meshplane.review.diff import classify

    old = {"spec": before}
    new = {"spec": after}
    return [(c.kind.id, classify(c, old, new, readers, readers).severity.value) for c in compare("d/p", before, after)]


def test_the_gate_blocks_what_a_consumer_reads_and_only_that():
    read = {("d/p", 1): {"e/q"}}
    removed = copy.deepcopy(BASE)
    removed["output"]["columns"].pop()
    assert classed(BASE, removed, read) == [("column-removed", "error")]
    assert classed(BASE, removed, {}) == [("column-removed", "warning")]  # nothing reads it
    draft = {**copy.deepcopy(BASE), "status": "draft"}
    assert classed(draft, {**removed, "status": "draft"}, read) == [("column-removed", "warning")]  # a draft promises nothing
    assert classed(BASE, {**copy.deepcopy(BASE), "classification": "confidential"}, read) == [("classification-raised", "error")]


def test_a_product_wide_break_passes_with_a_new_major_version_and_the_old_deprecated():
    read = {("d/p", 1): {"e/q"}}
    head = copy.deepcopy(BASE)
    head["previous_outputs"] = [{**copy.deepcopy(BASE["output"]), "status": "deprecated", "deprecation": {"date": "2031-01-01"}}]
    head["output"]["version"] = 2
    head["retention_days"] = 30
    assert classed(BASE, head, read) == [("retention-shortened", "warning"), ("version-deprecated", "note"), ("version-added", "note")]
    head["previous_outputs"][0]["columns"] = head["previous_outputs"][0]["columns"][:1]  # but version 1 changed in place
    assert ("column-removed", "error") in classed(BASE, head, read)


def spec_of(tmp_path, column: str) -> dict:
    """A product file's resolved spec as `diff` compares it (JSON), its one column written as `column`."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from meshkit import COLUMNS, MeshFiles, edit, product_text

    from meshplane.declarations.resolve import resolve
    from meshplane.declarations.spec import Environment

    folder = tmp_path / f"mesh{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    mesh_files = MeshFiles(folder)
    mesh_files.product("users", "alpha", edit(product_text("alpha"), COLUMNS, f"  columns:\n    - {column}\n"))
    return resolve(mesh_files.load().products["users/alpha"].spec, Environment.prod).model_dump(mode="json")


@pytest.mark.parametrize(
    "old, new, detail",
    [
        ("decimal(10,2)", "decimal(12,2)", "column price decimal(10,2) -> decimal(12,2)"),
        ("decimal(10,2)", "decimal(10,4)", "column price decimal(10,2) -> decimal(10,4)"),
    ],
)
def test_a_decimals_precision_or_scale_changed_is_a_retype(tmp_path, old, new, detail):
    base = spec_of(tmp_path, f"{{name: price, type: '{old}', description: The price.}}")
    head = spec_of(tmp_path, f"{{name: price, type: '{new}', description: The price.}}")
    assert [(c.kind.id, c.detail) for c in compare("users/alpha", base, head)] == [("column-retyped", f"version 1: {detail}")]


def test_a_struct_whose_field_changes_type_is_a_retype(tmp_path):
    field = "{{name: device, type: struct, description: The device., fields: [{{name: family, type: {}}}]}}"
    base, head = spec_of(tmp_path, field.format("string")), spec_of(tmp_path, field.format("int"))
    assert [(c.kind.id, c.detail) for c in compare("users/alpha", base, head)] == [
        ("column-retyped", "version 1: column device struct<family:string> -> struct<family:int>")
    ]
