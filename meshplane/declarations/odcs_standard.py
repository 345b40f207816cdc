"""The Open Data Contract Standard (ODCS) versions meshplane judges a contract by, each by its own JSON Schema.

The schemas are the files datacontract-cli 1.2.8 ships (`datacontract/schemas/odcs-<version>.schema.json`, the
upstream fixes included), found through its installed distribution's metadata: the package is never imported,
since importing it changes PyYAML's SafeDumper. A contract is judged by the schema of its own `apiVersion`;
v3.0.0 and v3.0.1 by v3.0.2's, which admits them. jsonschema-rs checks in milliseconds what the `jsonschema`
package takes minutes over (nested properties make it exponential), and its errors are rendered here in words:
what the schema expects at the path, every allowed value, the value found (only a quoted one shortened), and no
valid key called unknown (a failed branch leaves its keys unevaluated: they are checked against the branches the
value takes).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import jsonschema_rs

from meshplane.declarations.spec_errors import shown
from meshplane.declarations.suggest import did_you_mean

API_VERSION = "v3.2.0"  # the version meshplane writes
EXPORTED = "3.2.0"  # its schema
DISTRIBUTION = "datacontract-cli"
SCHEMA_FILE = "datacontract/schemas/odcs-{}.schema.json"
JUDGED_BY = {"v3.0.0": "3.0.2", "v3.0.1": "3.0.2", "v3.0.2": "3.0.2", "v3.1.0": "3.1.0", "v3.2.0": "3.2.0"}  # apiVersion -> schema
SCHEMAS = ("3.0.2", "3.1.0", "3.2.0")
JUDGED_WORDS = "v3.0.0, v3.0.1 and v3.0.2 (by v3.0.2's schema), v3.1.0 and v3.2.0"
JSON_TYPES = {
    "object": "a mapping", "array": "a list", "string": "text", "number": "a number", "integer": "a whole number",
    "boolean": "true or false", "null": "nothing (null)",
}  # fmt: skip
Path_ = tuple[str | int, ...]
UNKNOWN = ("additionalProperties", "unevaluatedProperties")  # the kinds of error that name keys nobody declared


class StandardMissing(Exception):
    """The ODCS schemas cannot be read: datacontract-cli is not installed where meshplane runs."""


@lru_cache(maxsize=None)
def schema(version: str) -> dict:
    """The JSON Schema of ODCS `version` (such as "3.0.2") that datacontract-cli ships."""
    try:
        distribution = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise StandardMissing(f"{DISTRIBUTION} is not installed: meshplane judges contracts by the ODCS schemas it ships") from None
    path = Path(str(distribution.locate_file(SCHEMA_FILE.format(version))))
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StandardMissing(f"{DISTRIBUTION} {distribution.version} has no {SCHEMA_FILE.format(version)}: {exc.strerror}") from None


@lru_cache(maxsize=None)
def _validator(version: str) -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for(schema(version))


def dotted(path: Path_) -> str:
    return ".".join(str(p) for p in path)


def judged_by(document: object) -> tuple[str | None, list[tuple[Path_, str]]]:
    """The schema version the contract is judged by, or None and the one problem with its `apiVersion`."""
    if not isinstance(document, dict):
        return None, [((), f"expected a contract (a mapping of fields), got {shown(document)}")]
    if "apiVersion" not in document:
        return None, [((), f"missing 'apiVersion': meshplane judges ODCS {JUDGED_WORDS}")]
    version = document["apiVersion"]
    if version not in JUDGED_BY:
        got = shown(version) if not isinstance(version, str) else repr(version)
        return None, [(("apiVersion",), f"apiVersion {got}: meshplane judges ODCS {JUDGED_WORDS}")]
    return JUDGED_BY[version], []


def violations(document: object, version: str) -> list[tuple[Path_, str]]:
    """Every way `document` breaks ODCS `version`'s schema, as (path of the offending value, message), each once, in order."""
    found: dict[tuple[Path_, str], None] = {}
    errors = list(_validator(version).iter_errors(document))
    judge = _Judge(version, document, [tuple(e.instance_path) for e in errors if e.kind.name not in UNKNOWN])
    for error in errors:
        for item in judge.render(error):
            found.setdefault(item, None)
    return sorted(found, key=lambda item: ([str(p) for p in item[0]], item[1]))


class _Judge:
    """Renders one version's errors about one document."""

    def __init__(self, version: str, document: object, faults: list[Path_]):
        self.version, self.document, self.root = version, document, schema(version)
        self.faults = faults  # where the document breaks the schema, unknown keys aside

    def render(self, error: jsonschema_rs.ValidationError) -> list[tuple[Path_, str]]:
        path, kind, value = tuple(error.instance_path), error.kind, error.instance
        where = dotted(path)
        name = kind.name
        if name in UNKNOWN:
            return self._unknown(path, value, list(kind.unexpected), error.schema_path)
        if name in ("anyOf", "oneOf") and kind.context:
            return self._alternatives(path, value, kind.context)
        if name == "required":
            return [(path, f"{where + ': ' if where else ''}missing {kind.property!r}{self._needed_by(error.schema_path)}")]
        return [(path, f"{where + ': ' if where else ''}{_expects(kind, value)}")]

    def _unknown(self, path: Path_, value: object, keys: list[str], schema_path: list) -> list[tuple[Path_, str]]:
        taken, untaken = self._declared(_at(self.root, list(schema_path)[:-1]), value)
        found = []
        for key in keys:
            if key in taken:
                continue  # a valid key, left unevaluated by a branch that failed: that failure is reported on its own
            if key in untaken and any(fault[: len(path)] == path for fault in self.faults):
                continue  # it belongs to a branch the value would take but for another fault (its logicalType), reported
            where = f"unknown key {dotted((*path, key))!r}: ODCS v{self.version} has "
            if key in untaken:
                found.append(((*path, key), f"{where}it only where {untaken[key]}"))
                continue
            later = [f"v{v}" for v in SCHEMAS if v > self.version and key in _all_keys(v) and key not in _all_keys(self.version)]
            hint = f" (ODCS {' and '.join(later)} {'has' if len(later) == 1 else 'have'} it: declare that apiVersion)" if later else ""
            found.append(((*path, key), f"{where}no such key here{hint}{'' if later else did_you_mean(key, sorted(taken))}"))
        return found

    def _declared(self, node: object, value: object, depth: int = 0) -> tuple[set[str], dict[str, str]]:
        """The keys `node` declares for `value` (its own properties and those of every branch the value takes), and those
        declared by a branch it does not take, with that branch's condition in words."""
        taken: set[str] = set()
        untaken: dict[str, str] = {}
        if not isinstance(node, dict) or depth > 32:
            return taken, untaken
        subs = [_at(self.root, _pointer(node["$ref"]))] if "$ref" in node else []
        subs += list(node.get("allOf") or ())
        for kind in ("anyOf", "oneOf"):
            options = node.get(kind) or []
            subs += [sub for sub in options if self._holds(sub, value)] or options
        taken |= set(node.get("properties") or {})
        if "if" in node:
            holds = self._holds(node["if"], value)
            subs.append(node.get("then") if holds else node.get("else"))
            other = node.get("else") if holds else node.get("then")
            if isinstance(other, dict):
                words = _condition(node["if"], holds)
                untaken |= {key: words for key in self._declared(other, value, depth + 1)[0]}
        for sub in subs:
            more, elsewhere = self._declared(sub, value, depth + 1)
            taken |= more
            untaken |= elsewhere
        return taken, {k: v for k, v in untaken.items() if k not in taken}

    def _holds(self, sub: object, value: object) -> bool:
        return _sub_validator(self.version, json.dumps(sub, sort_keys=True)).is_valid(value)

    def _alternatives(self, path: Path_, value: object, branches: list[list]) -> list[tuple[Path_, str]]:
        if all(len(b) == 1 and b[0].kind.name == "type" and tuple(b[0].instance_path) == path for b in branches):
            wanted = [t for b in branches for t in b[0].kind.types]
            words = list(dict.fromkeys(JSON_TYPES.get(t, t) for t in wanted))
            return [(path, f"{dotted(path) + ': ' if path else ''}expected {_either(words)}; got {shown(value)}")]
        failed = [b for b in branches if b]
        if not failed:
            return [(path, f"{dotted(path) + ': ' if path else ''}expected exactly one of the shapes ODCS allows here; got {shown(value)}")]
        # the branch that came closest: its errors lie deepest, and are fewest
        best = min(failed, key=lambda b: (-max(len(e.instance_path) for e in b), len(b)))
        return [item for error in best for item in self.render(error)]

    def _needed_by(self, schema_path: list) -> str:
        names = [str(p) for p in schema_path if isinstance(p, str) and p[:1].isupper()]
        return f" (ODCS v{self.version}'s {names[-1]} needs it)" if names else ""


LIMITS = {  # a keyword's limit, in words
    "minItems": "at least {} item(s)", "maxItems": "at most {} item(s)", "minLength": "at least {} character(s)",
    "maxLength": "at most {} character(s)", "minProperties": "at least {} key(s)", "maxProperties": "at most {} key(s)",
    "minimum": "a number of at least {}", "maximum": "a number of at most {}", "exclusiveMinimum": "a number above {}",
    "exclusiveMaximum": "a number below {}",
}  # fmt: skip
EXPECTED = {  # what another keyword asks for, in words
    "const": lambda k: _option(k.expected_value), "type": lambda k: _either([JSON_TYPES.get(t, t) for t in k.types]),
    "pattern": lambda k: f"text matching the pattern {k.pattern}", "format": lambda k: f"a {k.format}",
    "multipleOf": lambda k: f"a multiple of {k.multiple_of}", "uniqueItems": lambda k: "every item once",
    "oneOf": lambda k: "exactly one of the shapes ODCS allows here (it fits several)", "falseSchema": lambda k: "nothing here",
}  # fmt: skip


def _expects(kind: jsonschema_rs.ValidationErrorKind, value: object) -> str:
    name, got = kind.name, shown(value)
    if name == "enum":
        options = [_option(o) for o in kind.options]
        return f"expected {options[0] if len(options) == 1 else 'one of ' + ', '.join(options)}; got {got}"
    if name in LIMITS:
        return f"expected {LIMITS[name].format(kind.limit)}; got {got}"
    if name in EXPECTED:
        return f"expected {EXPECTED[name](kind)}; got {got}"
    if name == "not":
        return f"{got} is a value ODCS refuses here"
    return f"{got} breaks the schema's {name!r} rule"


def _condition(rule: object, held: bool) -> str:
    """An `if` of the schema in words (`logicalType is array`), or its negation when it `held`."""
    alternatives = rule.get("anyOf", [rule]) if isinstance(rule, dict) else []
    said = []
    for alternative in alternatives:
        for key, sub in (alternative.get("properties") or {}).items() if isinstance(alternative, dict) else ():
            if isinstance(sub, dict) and "const" in sub:
                said.append(f"{key} is {_option(sub['const'])}")
    words = " or ".join(said) or "another shape applies"
    return f"not ({words})" if held else words


def _option(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _pointer(ref: str) -> list[str]:
    return [part.replace("~1", "/").replace("~0", "~") for part in ref.removeprefix("#").strip("/").split("/") if part]


def _at(root: object, parts: list) -> object:
    node = root
    for part in parts:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return None
    return node


@lru_cache(maxsize=4096)
def _sub_validator(version: str, sub: str) -> jsonschema_rs.Validator:
    """A validator of one branch of the schema, its references resolved against the whole schema's definitions."""
    return jsonschema_rs.Draft201909Validator({**json.loads(sub), "$defs": schema(version).get("$defs", {})})


@lru_cache(maxsize=None)
def _all_keys(version: str) -> frozenset[str]:
    """Every key some object of the version's schema declares."""
    return frozenset(_keys_in(schema(version)))


def _keys_in(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, sub in node.items():
            if key == "properties" and isinstance(sub, dict):
                yield from sub
            yield from _keys_in(sub)
    elif isinstance(node, list):
        for sub in node:
            yield from _keys_in(sub)
