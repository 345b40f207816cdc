"""A product's output port taken from an ODCS contract it names (`output: {contract: contracts/<file>.yaml}`).

The contract is judged by the JSON Schema of its own `apiVersion` first (`odcs_standard`); then its one schema
object becomes the port's columns (properties) and partitions (properties with `partitioned: true`, by
`partitionKeyPosition`), each typed without loss (`odcs_types`), nested properties (`properties` of an object,
`items` of an array) as struct and array columns, recursively, with their descriptions. The contract itself is
kept beside the port (`ImportedContract`): the export writes it back with only what meshplane states replaced,
and every finding about an imported column is shown at the contract's line of that property. Every problem is
reported at its line of the contract, all of them in one run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TypeVar

from pydantic import ValidationError

from meshplane.declarations import odcs_standard as odcs
from meshplane.declarations.odcs_types import column_type
from meshplane.declarations.problems import MeshError, Problem
from meshplane.declarations.spec import ARRAY, PATTERN_WORDS, STRUCT, OutputPort, QualityRule
from meshplane.declarations.spec_errors import EXPECTED, explain, shown
from meshplane.declarations.yamlsrc import Path_, YamlError, line_in, parse

P = TypeVar("P", bound=OutputPort)
# a column's fields, as an ODCS property spells them (the custom properties meshplane reads are found by name)
ODCS_KEYS = {"name": "name", "description": "description", "nullable": "required", "fields": "properties", "items": "items"}
CUSTOM = ("pii", "polyseme")  # customProperties meshplane reads on a property
# what else of a property meshplane shows (its Glue column's parameters, the catalog page), besides carrying it through
FACTS = ("businessName", "physicalType", "primaryKey", "primaryKeyPosition", "unique", "criticalDataElement", "classification", "tags")


@dataclass(frozen=True)
class ImportedContract:
    """A port's contract as its author wrote it, and where each of the port's columns came from in it."""

    path: str  # as shown in messages
    version: int  # the port's major version
    document: Mapping = field(compare=False, repr=False)
    lines: Mapping[Path_, int] = field(compare=False, repr=False)
    columns: Mapping[tuple[str, int], Path_] = field(default_factory=dict, compare=False, repr=False)  # (part, i) -> property
    # what its own version admits but the version meshplane exports refuses: (path left out of the export, why)
    left_out: tuple[tuple[Path_, str], ...] = ()

    def line_of(self, path: Path_) -> int:
        return line_in(self.lines, path)

    def property_of(self, part: str, index: int) -> Mapping:
        """The contract's property a column or partition (`part`, `index`) was taken from."""
        node: object = self.document
        for step in self.columns[(part, index)]:
            node = node[step]  # type: ignore[index]
        return node  # type: ignore[return-value]

    def facts(self, part: str, index: int) -> dict[str, str]:
        """What the contract says of a column beyond its type and description, as text: its Glue column's parameters, the
        catalog's flags (the exported contract carries the property whole)."""
        return facts(self.property_of(part, index))

    def where(self, at: Path_) -> Path_:
        """The contract's path of what a port's path (`columns`, 0, `type`) names; the nearest property when it is implied."""
        if at[:1] == ("quality",):  # the port's rules are the schema object's
            return ("schema", 0, *_original(self.document["schema"][0], at))
        if len(at) < 2 or (at[0], at[1]) not in self.columns:
            return ("schema", 0, "properties")
        path = self.columns[(str(at[0]), int(at[1]))]
        prop = self.property_of(str(at[0]), int(at[1]))
        rest = at[2:]
        while rest:
            key, rest = rest[0], rest[1:]
            if key == "type":
                return (*path, "physicalType") if "physicalType" in prop else (*path, "logicalType")
            if key == "quality":  # a rule's keys are ODCS's own
                return (*path, *_original(prop, (key, *rest)))
            if key in CUSTOM:
                custom = prop.get("customProperties") or []
                found = next((i for i, c in enumerate(custom) if isinstance(c, dict) and c.get("property") == key), None)
                return (*path, "customProperties", found) if found is not None else path
            if key == "fields" and rest and isinstance(rest[0], int):
                path, rest = (*path, "properties", rest[0]), rest[1:]
                prop = (prop.get("properties") or [{}])[path[-1]]
            elif key == "items":
                path, prop = (*path, "items"), prop.get("items") or {}
            else:
                return (*path, ODCS_KEYS.get(str(key), str(key)))
        return path

    def locate(self, at: Path_) -> int:
        """The contract's line of what a port's path names (`columns`, 0, `polyseme`)."""
        return self.line_of(self.where(at))


def facts(prop: Mapping) -> dict[str, str]:
    """A property's `FACTS`, those it states, as text (lists joined by commas)."""
    found = {}
    for key in FACTS:
        value = prop.get(key)
        if value is None or value == []:
            continue
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        found[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return found


_NOWHERE = SimpleNamespace(line_of=lambda path: 0)  # a rule's own words, without a line: the contract's line is added


def _original(node: Mapping, at: Path_) -> Path_:
    """`("quality", i, ...)` of the port's i-th rule taken from `node`, as the i-th of the contract's rules meshplane reads."""
    if len(at) < 2 or not isinstance(at[1], int):
        return at
    refused = {i for i, _ in quality_rules(node)[1]}
    read = [i for i in range(len(node.get("quality") or [])) if i not in refused]
    return ("quality", read[at[1]] if at[1] < len(read) else at[1], *at[2:])


def quality_rules(node: Mapping) -> tuple[list[dict], list[tuple[int, str]]]:
    """The rules of a schema object's or property's `quality` that meshplane reads (every ODCS v3.2 rule its model
    holds), and why each other one is not evaluated: (index, reason). Every rule is exported as written either way."""
    kept, refused = [], []
    for i, rule in enumerate(node.get("quality") or []):
        try:
            QualityRule.model_validate(rule)
        except ValidationError as exc:
            refused.append((i, explain(exc.errors(include_url=False)[0], _NOWHERE, QualityRule)[1]))  # type: ignore[arg-type]
        else:
            kept.append(rule)
    return kept, refused


def import_port(port: P, path: Path, shown_as: str) -> tuple[P, ImportedContract]:
    """`port` with the columns and partitions of the contract at `path` (reported as `shown_as`), and the contract kept;
    raise MeshError with every problem."""
    try:
        doc = parse(path.read_bytes())
    except OSError as exc:
        raise MeshError([Problem(shown_as, 1, f"cannot read: {exc.strerror}")]) from None
    except YamlError as exc:
        raise MeshError([Problem(shown_as, exc.line, exc.message)]) from None
    try:
        version, wrong = odcs.judged_by(doc.data)
        found = wrong or odcs.violations(doc.data, version)
    except odcs.StandardMissing as exc:
        raise MeshError([Problem(shown_as, 1, str(exc))]) from None
    if found:  # a problem of the whole document (no apiVersion) is at line 1
        raise MeshError([Problem(shown_as, doc.line_of(where) if where else 1, message) for where, message in found])
    data: dict = doc.data  # type: ignore[assignment]  # judged: a mapping
    objects = data.get("schema") or []
    if len(objects) != 1:
        what = f"{len(objects)} schema objects" if objects else "no schema object"
        raise MeshError([Problem(shown_as, doc.line_of(("schema",)), f"the contract has {what}: a product's output port takes exactly one")])
    if not objects[0].get("properties"):
        name = objects[0].get("name")
        raise MeshError([Problem(shown_as, doc.line_of(("schema", 0)), f"schema.0: the schema object {name!r} has no properties: "
                                 "list the port's columns under its `properties`")])  # fmt: skip
    problems: list[tuple[Path_, str]] = []
    columns: list[tuple[int, dict]] = []
    partitions: list[tuple[int, int, dict]] = []
    for i, prop in enumerate(objects[0]["properties"]):
        raw = _raw(prop, ("schema", 0, "properties", i), problems, column=True)
        if prop.get("partitioned") is True:
            position = prop.get("partitionKeyPosition", -1)
            partitions.append((position if isinstance(position, int) and position > 0 else 1 << 30, i, raw))
        else:
            columns.append((i, raw))
    partitions.sort(key=lambda item: item[:2])
    origin = {("columns", k): ("schema", 0, "properties", i) for k, (i, _) in enumerate(columns)}
    origin |= {("partitions", k): ("schema", 0, "properties", i) for k, (_, i, _) in enumerate(partitions)}
    contract = ImportedContract(shown_as, port.version, data, doc.lines, origin, _left_out(data, version))
    if problems:
        raise MeshError([Problem(shown_as, doc.line_of(where), message) for where, message in problems])
    try:
        imported = OutputPort.model_validate(
            {"format": port.format.value, "columns": [raw for _, raw in columns], "partitions": [raw for _, _, raw in partitions],
             "quality": quality_rules(objects[0])[0]}
        )
    except ValidationError as exc:
        raise MeshError([_problem(contract, error) for error in exc.errors(include_url=False)]) from None
    # the port keeps what the contract does not say (its version, its format, its lifecycle)
    return port.model_copy(update={"columns": imported.columns, "partitions": imported.partitions, "quality": imported.quality}), contract


def _left_out(data: dict, version: str) -> tuple[tuple[Path_, str], ...]:
    """What of an older contract the version meshplane exports refuses (a v3.0.2 quality rule's `rule`, say), each cut to
    the smallest piece that holds it and is not a schema object or a property: left out of the export, and said."""
    if version == odcs.EXPORTED:
        return ()
    exported = {k: v for k, v in data.items() if k not in ("team", "support", "servers")}  # meshplane writes its own
    found: dict[Path_, str] = {}
    for path, message in odcs.violations({**exported, "apiVersion": odcs.API_VERSION}, odcs.EXPORTED):
        cut = _cut(path)
        if cut is not None:
            found.setdefault(cut, message)
    return tuple(sorted(found.items(), key=lambda item: [(isinstance(step, str), step) for step in item[0]]))


def _cut(path: Path_) -> Path_ | None:
    kept = 0  # past the deepest schema object, property or element on the path: those are the port's columns
    for i in range(1, len(path)):
        if (isinstance(path[i], int) and path[i - 1] in ("schema", "properties")) or path[i] == "items":
            kept = i + 1
    tail = path[kept:]
    if not tail:
        return None
    item = next((j for j, step in enumerate(tail) if isinstance(step, int)), None)
    return path[: kept + item + 1] if item is not None else path[: kept + 1]


def _raw(prop: dict, where: Path_, problems: list[tuple[Path_, str]], column: bool = False) -> dict:
    """The column (a struct's field, an array's element) a property describes, as the port's model reads it."""
    typed = column_type(prop.get("physicalType"), prop.get("logicalType"), prop.get("logicalTypeOptions"))
    if typed.column_type is None:
        problems.append(((*where, typed.key), f"{odcs.dotted(where)}: {typed.refusal}"))
    custom = {c["property"]: c.get("value") for c in prop.get("customProperties") or [] if c.get("property") in CUSTOM}
    raw: dict = {"type": typed.column_type or "string", "description": prop.get("description")}
    if "name" in prop:
        raw["name"] = prop["name"]
    if prop.get("required") is not None:
        raw["nullable"] = not prop["required"]
    if "pii" in custom:
        raw["pii"] = custom["pii"]
    if column and "polyseme" in custom:
        raw["polyseme"] = custom["polyseme"]
    if column and prop.get("quality"):
        raw["quality"] = quality_rules(prop)[0]
    if typed.column_type == STRUCT:
        if not prop.get("properties"):
            problems.append(((*where, "logicalType"), f"{odcs.dotted(where)}: an object lists its fields under `properties`"))
        raw["fields"] = [_raw(p, (*where, "properties", i), problems) for i, p in enumerate(prop.get("properties") or [])]
    elif typed.column_type == ARRAY:
        if not isinstance(prop.get("items"), dict):
            problems.append(((*where, "logicalType"), f"{odcs.dotted(where)}: an array says what its elements are under `items`"))
        else:
            item = _raw(prop["items"], (*where, "items"), problems)
            raw["items"] = {k: v for k, v in item.items() if k not in ("name", "nullable", "pii")}
    return {k: v for k, v in raw.items() if v is not None}


def _problem(contract: ImportedContract, error: dict) -> Problem:
    loc = (*error["loc"], *(error.get("ctx") or {}).get("at", ()))
    if len(loc) < 2:  # the port as a whole (columns named twice)
        where: Path_ = ("schema", 0, "properties")
    else:
        where = contract.where(loc)
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "too_short" and loc == ("columns",):
        message = "every property is a partition: the port needs at least one column"
    elif error["type"] == "missing":
        key = ODCS_KEYS.get(str(loc[-1]), str(loc[-1]))
        where = contract.where(loc[:-1])
        message = f"missing {key!r}: meshplane describes every column" if key == "description" else f"missing {key!r}"
    elif error["type"] in EXPECTED:
        message = f"expected {EXPECTED[error['type']]}, got {shown(error.get('input'))}"
    elif error["type"] == "string_pattern_mismatch" and error["ctx"]["pattern"] in PATTERN_WORDS:
        message = f"expected {PATTERN_WORDS[error['ctx']['pattern']]}, got {shown(error.get('input'))}"
    elif error["type"] == "string_too_long":
        message = f"{len(str(error.get('input')))} characters: at most {error['ctx']['max_length']}"
    return Problem(contract.path, contract.line_of(where), f"{odcs.dotted(where)}: {message}")
