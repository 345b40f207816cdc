"""What a change does to a product's contract, change by change, each classed compatible or breaking for its consumers.

The classes follow datacontract-cli's changelog rules (a field removed, retyped or made optional breaks;
an optional field added does not) and Witboost's (a breaking change needs a new major version of the
output port), and go further where a data product's consumers feel it: a partition key or the file
format changed (readers' paths and decoders), a column's order in CSV, personal data appearing in a
column, a polyseme changed (joins across domains), service levels or retention worsened, the
classification raised (consumers may lose their grant), a deprecation date brought forward, a version
retired or removed.

Both sides are plain JSON (`meshplane.snapshot`): the base may have been read by an older program.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from enum import Enum


class Compatibility(str, Enum):
    compatible = "compatible"
    breaking = "breaking"


@dataclass(frozen=True)
class Kind:
    id: str
    compatibility: Compatibility
    why: str


B, C = Compatibility.breaking, Compatibility.compatible
KINDS: dict[str, Kind] = {
    k.id: k
    for k in (
        Kind("column-added", C, "A new column: readers that name their columns are not affected."),
        Kind("column-added-inside-csv", B, "CSV is read by position: a column inserted before others shifts every reader's fields."),
        Kind("column-moved-in-csv", B, "CSV is read by position: reordering columns changes what each position holds."),
        Kind("column-removed", B, "Readers of a removed column fail, or silently read nothing."),
        Kind("column-renamed", B, "A rename is a removal for every reader that names the column."),
        Kind("column-retyped", B, "Readers decode the old type: a new type fails their queries or loses precision."),
        Kind("column-made-nullable", B, "Readers relied on every row having a value."),
        Kind("column-made-required", C, "A stronger promise: every row now has a value."),
        Kind("column-now-personal", B, "Consumers would hold personal data their own classification and retention were not set for."),
        Kind("column-no-longer-personal", C, "Consumers hold less personal data."),
        Kind("column-polyseme-changed", B, "A polyseme is what joins across domains: changing it changes what the column identifies."),
        Kind("column-described", C, "The description changed."),
        Kind("partitions-changed", B, "Partition keys are the layout readers list and filter by: adding, removing or retyping one breaks them."),
        Kind("format-changed", B, "Readers decode the files in the old format."),
        Kind("version-added", C, "A new major version of the output port, beside the old ones."),
        Kind("version-removed", B, "Consumers pinned to the version lose it; retire a version (`status: retired`) instead of removing it."),
        Kind("version-deprecated", C, "Consumers are warned with the date; the version is still served."),
        Kind("version-retired", B, "A retired version is no longer served: its consumers lose their grant."),
        Kind("deprecation-brought-forward", B, "Consumers planned their move for the announced date."),
        Kind("product-added", C, "A new product."),
        Kind("product-renamed", C, "The product answers to a new address; its data, names and grants are kept (`previous_names`), and an old address still read resolves to it."),
        Kind("product-removed", B, "Consumers lose the product (a retirement, `status: retired`, keeps its data and warns them first)."),
        Kind("product-deprecated", C, "Consumers are warned with the date; the product is still served."),
        Kind("product-retired", B, "A retired product is no longer served: its consumers lose their grants."),
        Kind("product-reactivated", C, "The product is served again."),
        Kind("product-published", C, "A draft becomes active: from now on its contract is promised."),
        Kind("product-unpublished", B, "Back to draft: the contract is no longer promised to its consumers."),
        Kind("classification-raised", B, "Consumers may lose their grant (a product no longer open to the mesh) and must classify what they derive higher."),
        Kind("classification-lowered", C, "The data is less sensitive than it was."),
        Kind("freshness-relaxed", B, "Consumers built on the data being fresher."),
        Kind("freshness-tightened", C, "Fresher data than promised before."),
        Kind("availability-lowered", B, "Consumers built on the port being available more often."),
        Kind("availability-raised", C, "The port is promised to be available more often."),
        Kind("service-levels-removed", B, "Consumers lose every promise they built on."),
        Kind("service-levels-added", C, "Promises consumers can now build on."),
        Kind("retention-shortened", B, "Consumers reading history lose the oldest data."),
        Kind("retention-extended", C, "Data is kept longer."),
    )
}
PRODUCT_WIDE = {
    "product-removed", "product-retired", "classification-raised", "freshness-relaxed", "availability-lowered",
    "service-levels-removed", "retention-shortened", "product-unpublished",
}  # fmt: skip  # breaking for every version; a new major version beside the old ones makes them acceptable


@dataclass(frozen=True)
class Change:
    kind: Kind
    product: str
    detail: str
    version: int | None = None  # the port version a schema change is to; None: the product as a whole
    at: tuple = ()  # where in the head's product file it is best shown

    @property
    def breaking(self) -> bool:
        return self.kind.compatibility is Compatibility.breaking


def compare(address: str, base: dict | None, head: dict | None) -> list[Change]:
    """Every change between the product's two resolved specs (JSON); None: the product is not on that side."""
    if base is None and head is None:
        return []
    if base is None:
        return [Change(KINDS["product-added"], address, "new product", at=("name",))]
    if head is None:
        return [Change(KINDS["product-removed"], address, "the product's file is gone")]
    found = _lifecycle(address, base, head) + _product_promises(address, base, head)
    base_ports, head_ports = ports(base), ports(head)
    for version in sorted(base_ports.keys() | head_ports.keys()):
        changes = _port(address, version, base_ports.get(version), head_ports.get(version), head)
        earlier = [v for v in head_ports if v < version]
        if version not in base_ports and earlier:  # a new major version: what it changes against the one before it
            against = _port(address, version, {**head_ports[max(earlier)], "status": "current"}, head_ports[version], head)
            if against:
                what = "; ".join(c.detail.split(": ", 1)[1] for c in against)
                changes = [replace(c, detail=f"{c.detail} (against version {max(earlier)}: {what})") for c in changes]
        found += changes
    return found


def ports(spec: dict) -> dict[int, dict]:
    """Major version -> port (its status: current, deprecated or retired)."""
    found = {p["version"]: {**p, "status": p.get("status", "deprecated"), "index": i} for i, p in enumerate(spec.get("previous_outputs") or ())}
    current = spec["output"]
    found[current.get("version", 1)] = {**current, "status": "current", "index": None}
    return found


def _where(port: dict, *path) -> tuple:
    return ("output", *path) if port["index"] is None else ("previous_outputs", port["index"], *path)


def _lifecycle(address: str, base: dict, head: dict) -> list[Change]:
    was, now = base.get("status", "active"), head.get("status", "active")
    if was == now:
        old, new = (base.get("deprecation") or {}).get("date"), (head.get("deprecation") or {}).get("date")
        if old and new and _date(new) < _date(old):
            return [Change(KINDS["deprecation-brought-forward"], address, f"retirement moved from {old} to {new}", at=("deprecation", "date"))]
        return []
    if now == "active":
        kind = "product-published" if was == "draft" else "product-reactivated"
    else:
        kind = {"deprecated": "product-deprecated", "retired": "product-retired", "draft": "product-unpublished"}[now]
    when = (head.get("deprecation") or {}).get("date")
    detail = f"status {was} -> {now}" + (f" (retired on {when})" if when else "")
    return [Change(KINDS[kind], address, detail, at=("status",))]


def _product_promises(address: str, base: dict, head: dict) -> list[Change]:
    found: list[Change] = []
    order = ("public", "internal", "confidential", "restricted")
    old, new = base["classification"], head["classification"]
    if old != new:
        kind = "classification-raised" if order.index(new) > order.index(old) else "classification-lowered"
        found.append(Change(KINDS[kind], address, f"classification {old} -> {new}", at=("classification",)))
    slo_old, slo_new = base.get("service_levels"), head.get("service_levels")
    if slo_old and not slo_new:
        found.append(Change(KINDS["service-levels-removed"], address, "service levels no longer stated", at=("name",)))
    elif slo_new and not slo_old:
        found.append(Change(KINDS["service-levels-added"], address, "service levels stated", at=("service_levels",)))
    elif slo_old and slo_new:
        f_old, f_new = slo_old["freshness_hours"], slo_new["freshness_hours"]
        if f_old != f_new:
            kind = "freshness-relaxed" if f_new > f_old else "freshness-tightened"
            found.append(Change(KINDS[kind], address, f"freshness {f_old:g} h -> {f_new:g} h", at=("service_levels", "freshness_hours")))
        a_old, a_new = slo_old["availability"], slo_new["availability"]
        if a_old != a_new:
            kind = "availability-lowered" if a_new < a_old else "availability-raised"
            found.append(Change(KINDS[kind], address, f"availability {a_old:g}% -> {a_new:g}%", at=("service_levels", "availability")))
    r_old, r_new = base["retention_days"], head["retention_days"]
    if r_old != r_new:
        kind = "retention-shortened" if r_new < r_old else "retention-extended"
        found.append(Change(KINDS[kind], address, f"retention {r_old} -> {r_new} days", at=("retention_days",)))
    return found


def _port(address: str, version: int, base: dict | None, head: dict | None, head_spec: dict) -> list[Change]:
    def change(kind: str, detail: str, *path) -> Change:
        return Change(KINDS[kind], address, f"version {version}: {detail}", version, _where(head, *path) if head else ("output",))

    if base is None:
        return [change("version-added", "published")]
    if head is None:
        return [change("version-removed", "no longer kept")]
    found: list[Change] = []
    if base["status"] != head["status"]:
        if head["status"] == "retired":
            found.append(change("version-retired", "retired", "status"))
        elif head["status"] == "deprecated":
            found.append(change("version-deprecated", f"deprecated, retired on {head['deprecation']['date']}", "deprecation", "date"))
    elif base["status"] == "deprecated":
        old, new = base["deprecation"]["date"], head["deprecation"]["date"]
        if _date(new) < _date(old):
            found.append(change("deprecation-brought-forward", f"retirement moved from {old} to {new}", "deprecation", "date"))
    if base.get("format", "parquet") != head.get("format", "parquet"):
        found.append(change("format-changed", f"format {base.get('format', 'parquet')} -> {head.get('format', 'parquet')}", "format"))
    found += _columns(head, base.get("columns") or [], head.get("columns") or [], head.get("format", "parquet") == "csv", change)
    old_keys = [(c["name"], c["type"]) for c in base.get("partitions") or []]
    new_keys = [(c["name"], c["type"]) for c in head.get("partitions") or []]
    if old_keys != new_keys:
        spell = lambda keys: ", ".join(f"{n} {t}" for n, t in keys) or "none"  # noqa: E731
        found.append(change("partitions-changed", f"partitions ({spell(old_keys)}) -> ({spell(new_keys)})", "partitions"))
    return found


def _columns(port: dict, old: list[dict], new: list[dict], csv: bool, change) -> list[Change]:
    found: list[Change] = []
    before = {c["name"]: (i, c) for i, c in enumerate(old)}
    after = {c["name"]: (i, c) for i, c in enumerate(new)}
    removed = [n for n in before if n not in after]
    added = [n for n in after if n not in before]
    renamed: dict[str, str] = {}
    for name in removed:  # the same type and description at the same place: a rename, not a removal and an addition
        i, column = before[name]
        twin = next((a for a in added if after[a][0] == i and glue_type(after[a][1]) == glue_type(column) and after[a][1].get("description") == column.get("description")), None)
        if twin is not None:
            renamed[name] = twin
            added.remove(twin)
    for name in removed:
        if name in renamed:
            found.append(change("column-renamed", f"column {name} renamed to {renamed[name]}", "columns", after[renamed[name]][0], "name"))
        else:
            found.append(change("column-removed", f"column {name} ({before[name][1]['type']}) removed", "columns"))
    kept = [n for n in after if n in before]
    for name in added:
        i, column = after[name]
        inside = csv and any(after[k][0] > i for k in kept)  # CSV is read by position: only an appended column is harmless
        kind = "column-added-inside-csv" if inside else "column-added"
        nullable = "nullable" if column.get("nullable", True) else "required"
        found.append(change(kind, f"column {name} ({glue_type(column)}, {nullable}) added", "columns", i))
    if csv and kept != [n for n in before if n in after]:
        found.append(change("column-moved-in-csv", "columns reordered", "columns"))
    for name in kept:
        i, new_column = after[name]
        old_column = before[name][1]
        found += _column(name, i, old_column, new_column, change)
    return found


def _column(name: str, i: int, old: dict, new: dict, change) -> list[Change]:
    found = []
    if glue_type(old) != glue_type(new):  # a decimal's precision or scale, a struct's field or an array's element too
        found.append(change("column-retyped", f"column {name} {glue_type(old)} -> {glue_type(new)}", "columns", i, "type"))
    was, now = old.get("nullable", True), new.get("nullable", True)
    if was != now:
        kind = "column-made-nullable" if now else "column-made-required"
        found.append(change(kind, f"column {name} {'nullable' if now else 'required'}", "columns", i))
    if bool(old.get("pii")) != bool(new.get("pii")):
        kind = "column-now-personal" if new.get("pii") else "column-no-longer-personal"
        found.append(change(kind, f"column {name} {'holds' if new.get('pii') else 'no longer holds'} personal data", "columns", i))
    if old.get("polyseme") != new.get("polyseme"):
        found.append(change("column-polyseme-changed", f"column {name} polyseme {old.get('polyseme')} -> {new.get('polyseme')}", "columns", i))
    if old.get("description") != new.get("description"):
        found.append(change("column-described", f"column {name} described anew", "columns", i, "description"))
    return found


def glue_type(column: dict) -> str:
    """A column's (a field's, an element's) whole type, as Glue spells it, from its JSON (a base's may have no nesting)."""
    if column.get("fields"):
        return "struct<" + ",".join(f"{f['name']}:{glue_type(f)}" for f in column["fields"]) + ">"
    if column.get("items"):
        return f"array<{glue_type(column['items'])}>"
    return str(column["type"])


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(str(text))
