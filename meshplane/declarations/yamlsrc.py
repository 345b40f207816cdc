"""Safe YAML reading that keeps the line of every value.

PyYAML composes a node graph (no object construction, so no code runs); this module turns the
graph into plain data, refusing duplicate keys, merge keys and alias expansion past a bound, and
records the line of each value under its path, so validation errors can point at `file:line`.

Plain scalars are read strictly, not as YAML 1.1 does: booleans are only `true` and `false` (`yes`,
`no`, `on`, `off`, `y`, `n` stay text), integers are decimal (`017`, `0x1f`, `1_000` and `1:30` stay
text), floats are decimal with an optional exponent (`.inf` and `.nan` stay text), null is `null`,
`Null`, `NULL`, `~` or nothing. What stays text is refused by a field that wants a number or a boolean,
at its line; nothing is coerced behind the author's back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - libyaml is in PyYAML's wheels
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]



class _Loader(_SafeLoader):
    """The safe loader, its implicit tags memoised: a mesh repeats the same keys and values thousands of times,
    and no path resolver is registered, so none is walked."""

    def descend_resolver(self, current_node, current_index) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            return _implicit_tag(value)
        return super().resolve(kind, value, implicit)


STR, NULL, BOOL, INT, FLOAT, MERGE = (f"tag:yaml.org,2002:{t}" for t in ("str", "null", "bool", "int", "float", "merge"))
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_BOOL = {"true": True, "false": False}
_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|(0|[1-9][0-9]*)(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


@lru_cache(maxsize=1 << 16)
def _implicit_tag(value: str) -> str:
    """The tag of a plain scalar: null, bool, int, float (as described above), else str."""
    if value in _NULL:
        return NULL
    if value == "<<":  # refused as a key by `_convert`
        return MERGE
    if value in _BOOL:
        return BOOL
    if _INT.fullmatch(value):
        return INT
    if _FLOAT.fullmatch(value):
        return FLOAT
    return STR

MAX_BYTES = 1 << 20
MAX_NODES = 100_000
MAX_DEPTH = 64

Path_ = tuple[str | int, ...]


class YamlError(Exception):
    """A problem that stops a file from being read at all, at a 1-based line."""

    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message
        super().__init__(f"{line}: {message}")


@dataclass
class Document:
    data: object
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int:
        return line_in(self.lines, path)


def line_in(lines: dict[Path_, int], path: Path_) -> int:
    """The line of the deepest known prefix of `path` (1 when nothing matches)."""
    for end in range(len(path), -1, -1):
        line = lines.get(tuple(path[:end]))
        if line is not None:
            return line
    return 1




def parse(raw: bytes) -> Document:
    """Parse one YAML document from bytes; raise YamlError on anything unreadable."""
    if len(raw) > MAX_BYTES:
        raise YamlError(1, f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,} (1 MiB)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError(line, f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}") from None
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.reader.ReaderError as exc:
        # libyaml reports a UTF-8 byte offset; its own text spans lines, so say it in one
        line = raw[: exc.position].count(b"\n") + 1
        raise YamlError(line, f"malformed YAML: {exc.reason} (character #x{exc.character:04x})") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(line, f"malformed YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise YamlError(1, f"malformed YAML: {exc}") from None
    if root is None:
        raise YamlError(1, "file is empty")
    doc = Document(data=None)
    budget = [MAX_NODES]
    doc.data = _convert(root, (), doc, budget)
    return doc


def _convert(node: yaml.Node, path: Path_, doc: Document, budget: list[int]) -> object:
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlError(node.start_mark.line + 1, f"document expands to more than {MAX_NODES:,} values (alias bomb?)")
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if len(path) > MAX_DEPTH and isinstance(node, yaml.CollectionNode):
        # also ends a recursive alias (`&a [*a]`), which would otherwise expand forever
        raise YamlError(node.start_mark.line + 1, f"values nest more than {MAX_DEPTH} levels deep (recursive alias?)")
    if isinstance(node, yaml.MappingNode):
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError(line, "mapping keys must be plain strings")
            key = key_node.value
            if key_node.tag == MERGE:
                raise YamlError(line, "merge keys (`<<`) are not supported: write the keys out")
            if key in result:
                raise YamlError(line, f"duplicate key {key!r}")
            doc.lines[(*path, key)] = line
            result[key] = _convert(value_node, (*path, key), doc, budget)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), doc, budget) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.ScalarNode) -> object:
    """A scalar as plain data; an explicit tag (`!!int 5`) is honoured only where the text is what the plain form allows."""
    tag = node.tag
    value = node.value
    if tag == STR:
        return value
    if tag == NULL:
        return None if value in _NULL else value
    if tag == BOOL:
        return _BOOL.get(value, value)
    if tag == INT:
        return int(value) if _INT.fullmatch(value) else value
    if tag == FLOAT:
        return float(value) if _FLOAT.fullmatch(value) or _INT.fullmatch(value) else value
    # timestamps, binary and custom tags stay text: the models decide what they accept
    return value
