"""pydantic's validation errors as one line each for the author of the file: the field, what it expects, what it got."""

from __future__ import annotations

import copy
import re
import types
import typing
from collections.abc import Iterable

from pydantic import BaseModel

from meshplane.declarations.spec import PATTERN_WORDS
from meshplane.declarations.suggest import did_you_mean
from meshplane.declarations.yamlsrc import Document

EXPECTED = {
    "int_type": "an integer",
    "bool_type": "true or false",
    "float_type": "a number",
    "string_type": "text",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "tuple_type": "a list",
    "list_type": "a list",
}


def shown(value: object) -> str:
    """A value as its author wrote it in YAML: true, 12, 1.5, the text 'on', a list, a mapping, nothing."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return f"the text {_short(value)!r}"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def explain(err: dict, doc: Document, model: type[BaseModel], prefix: str = "") -> tuple[int, str]:
    """One error of `model.model_validate(doc.data)` as (line, message); `prefix` goes before the field's name."""
    loc = tuple(err["loc"]) + tuple((err.get("ctx") or {}).get("at", ()))  # a model's error about one of its fields
    where = prefix + dotted(loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        return doc.line_of(loc), f"unknown key {where!r}{did_you_mean(str(loc[-1]), keys_at(model, loc[:-1]))}"
    if kind == "missing":
        return doc.line_of(loc[:-1]), f"missing required key {where!r}"
    if kind in EXPECTED:
        return doc.line_of(loc), f"{where}: expected {EXPECTED[kind]}, got {shown(err.get('input'))}"
    if kind == "string_pattern_mismatch" and err["ctx"]["pattern"] in PATTERN_WORDS:
        return doc.line_of(loc), f"{where}: expected {PATTERN_WORDS[err['ctx']['pattern']]}, got {_short(str(err.get('input')))!r}"
    if kind in ("string_too_long", "too_long") and isinstance(err.get("input"), str):
        return doc.line_of(loc), f"{where}: {len(str(err.get('input')))} characters: at most {err['ctx']['max_length']}"
    if kind == "enum":
        value = err.get("input")
        choices = re.findall(r"'([^']*)'", err.get("ctx", {}).get("expected", ""))
        got = repr(_short(value)) if isinstance(value, str) else shown(value)
        hint = did_you_mean(value, choices) if isinstance(value, str) else ""
        if loc[-1:] == ("[key]",):  # a mapping's key, such as an environment's name
            return doc.line_of(loc), f"{prefix}{dotted(loc[:-2])}: unknown key {got}: expected {err['ctx']['expected']}{hint}"
        return doc.line_of(loc), f"{where}: expected {err['ctx']['expected']}, got {got}{hint}"
    message = err["msg"].removeprefix("Value error, ")
    return doc.line_of(loc), f"{where}: {message}" if loc else message


def dotted(loc: tuple) -> str:
    """`output.columns.0.type`; a key that cannot be shown as it is (a newline in it) is quoted."""
    return ".".join(str(p) if str(p).isprintable() else repr(p) for p in loc) or "(document)"


def keys_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys a file may write at `loc` (a mapping of `model`'s), as written in files (aliases)."""
    found = _model_at(model, loc)
    if found is None:
        return []
    return [field.alias or name for name, field in found.model_fields.items()]


def without(data: dict, locs: Iterable[tuple]) -> dict:
    """A copy of `data` with the keys at `locs` removed: what is left to validate once unknown keys are reported."""
    data = copy.deepcopy(data)
    for loc in locs:
        parent: object = data
        for part in loc[:-1]:
            try:
                parent = parent[part]  # type: ignore[index]
            except (KeyError, IndexError, TypeError):
                parent = None
                break
        if isinstance(parent, dict):
            parent.pop(loc[-1], None)
    return data


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    annotation: object = model
    for part in loc:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = next((f for n, f in annotation.model_fields.items() if part in (n, f.alias)), None)
            if field is None:
                return None
            annotation = _unwrapped(field.annotation)
        else:  # an item of a list, or a value of a mapping
            annotation = _unwrapped(_item(annotation))
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _item(annotation: object) -> object:
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin is dict:
        return args[1]
    return args[0] if args else None


def _unwrapped(annotation: object) -> object:
    """`X` of `Annotated[X, ...]`, `X | None`."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            rest = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(rest) != 1:
                return annotation
            annotation = rest[0]
        else:
            return annotation


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."
