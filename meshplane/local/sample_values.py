"""The values sample rows are made of: the `j`-th distinct value of each column type, strings a regular expression
matches, and values no rule of a column accepts, all deterministic.

Numbers are never negative and reach their type's width: the first value of an `int` is 2,147,483,647, of a `bigint`
9,223,372,036,854,775,807 and of a `decimal(p,s)` its largest (p nines, s of them after the point); the others are
spread over the type's range by a multiplication that never repeats a value (an odd factor modulo a power of two or
ten). Dates count days from 2024-01-01, timestamps hours and microseconds from its midnight (UTC, no zone).
A struct's `j` is written in the mixed radix of its fields' domains (the first field its lowest digit), an array's in
the base of its items' domain, lowest digit first, padded with the first value to 1-3 items: a struct of booleans has
as many values as their combinations, an array of them as many as any rows need.
"""

from __future__ import annotations

import datetime
import math
import re
import string
from collections.abc import Iterator
from decimal import Decimal
from random import Random

try:  # the parser of Python's own regular expressions: its module moved in 3.11
    import re._constants as sre_constants
    import re._parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

from meshplane.declarations.spec import ARRAY, STRUCT, Element, decimal_of

FACTOR = 2_654_435_761  # odd and prime to 10: j -> j * FACTOR is one-to-one modulo any power of two or of ten
INT_BITS, BIGINT_BITS, DOUBLE_BITS = 31, 63, 53
UNBOUNDED = 10**12  # the distinct values of a string or an array: more than any sample's rows
EPOCH = datetime.datetime(2024, 1, 1)
LAST_DAY = datetime.date(9999, 12, 31)
DAYS = (LAST_DAY - EPOCH.date()).days + 1
TIMESTAMPS = 10**15  # microsecond steps of an hour and a microsecond each stay far below the year 9999
CHARS = string.ascii_letters + string.digits + string.punctuation + " "


def domain(element: Element) -> int:
    """How many distinct values `value` gives for the type."""
    kind = element.type
    if kind == "boolean":
        return 2
    if kind == "int":
        return 2**INT_BITS
    if kind in ("bigint",):
        return 2**BIGINT_BITS
    if kind == "double":
        return 2**DOUBLE_BITS
    if kind == "date":
        return DAYS
    if kind == "timestamp":
        return TIMESTAMPS
    if kind == STRUCT:
        return math.prod(domain(f) for f in element.fields)
    if kind == ARRAY:
        return UNBOUNDED
    digits = decimal_of(kind)
    if digits is not None:
        return 10 ** digits[0]
    return UNBOUNDED  # strings


def value(element: Element, j: int, name: str = "value") -> object:
    """The `j`-th distinct value of the type (0 <= j < domain), as DuckDB takes it from Python."""
    kind = element.type
    if kind == "boolean":
        return (True, False)[j % 2]
    if kind == "int":
        return _spread(j, 2**INT_BITS)
    if kind == "bigint":
        return _spread(j, 2**BIGINT_BITS)
    if kind == "double":
        return _spread(j, 2**DOUBLE_BITS) / 1024  # a binary fraction: JSON and CSV write it back exactly
    if kind == "date":
        return EPOCH.date() + datetime.timedelta(days=j % DAYS)
    if kind == "timestamp":
        return EPOCH + datetime.timedelta(hours=j, microseconds=j % 1_000_000)
    if kind == STRUCT:
        fields = {}
        for f in element.fields:
            j, digit = divmod(j, domain(f))
            fields[f.name] = value(f, digit, f.name)
        return fields
    if kind == ARRAY:
        digits, size, rest = [], domain(element.items), j
        while rest or len(digits) < 1 + j % 3:  # trailing zeros keep the number: distinct j, distinct arrays
            rest, digit = divmod(rest, size)
            digits.append(digit)
        return [value(element.items, d, name) for d in digits]
    digits = decimal_of(kind)
    if digits is not None:
        precision, scale = digits
        return Decimal(f"{_spread(j, 10**precision)}E-{scale}")  # from text: exact, whatever the context's precision
    return f"{name}-{j:05d}"


def _spread(j: int, size: int) -> int:
    """j = 0 is the largest number below `size`; the others are spread over [0, size) without a repeat."""
    return (size - 1 - j * FACTOR) % size


def cast(raw: object, kind: str) -> object:
    """A value as written in a rule (validValues, missingValues) in the column's type; ValueError when it has none."""
    if raw is None:
        return None
    if kind == "string":
        return raw if isinstance(raw, str) else _text(raw)
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in ("true", "false"):
            return str(raw).lower() == "true"
        raise ValueError(raw)
    if kind in ("int", "bigint"):
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValueError(raw)
        return int(raw)
    if kind == "double":
        if isinstance(raw, bool):
            raise ValueError(raw)
        return float(raw)
    if kind == "date":
        return datetime.date.fromisoformat(str(raw))
    if kind == "timestamp":
        return datetime.datetime.fromisoformat(str(raw)).replace(tzinfo=None)
    if decimal_of(kind) is not None:
        if isinstance(raw, bool):
            raise ValueError(raw)
        return Decimal(str(raw))
    raise ValueError(raw)  # struct, array: no rule's value is one


def _text(raw: object) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def matches(pattern: str, text: object) -> bool:
    """What `REGEXP_LIKE(column, pattern)` answers: a match anywhere in the value."""
    return re.search(pattern, str(text)) is not None


def examples(pattern: str, rng: Random, wanted: int, tries: int | None = None) -> Iterator[str]:
    """Up to `wanted` distinct strings the pattern matches, drawn by walking its parse tree with `rng`; each is
    checked with the pattern itself (what a walk cannot promise, lookarounds and back-references, is filtered out)."""
    tree = sre_parse.parse(pattern)
    seen: set[str] = set()
    for _ in range(tries if tries is not None else 20 * wanted + 200):
        if len(seen) >= wanted:
            return
        text = _walk(tree, rng, {})
        if text is not None and text not in seen and matches(pattern, text):
            seen.add(text)
            yield text


def _walk(tree, rng: Random, groups: dict[int, str]) -> str | None:
    out = []
    for op, arg in tree:
        piece = _piece(op, arg, rng, groups)
        if piece is None:
            return None
        out.append(piece)
    return "".join(out)


def _piece(op, arg, rng: Random, groups: dict[int, str]) -> str | None:
    c = sre_constants
    if op is c.LITERAL:
        return chr(arg)
    if op is c.NOT_LITERAL:
        return rng.choice([ch for ch in CHARS if ord(ch) != arg])
    if op is c.ANY:
        return rng.choice(string.ascii_letters + string.digits)
    if op is c.IN:
        allowed = [ch for ch in CHARS if _in_class(ch, arg)]
        return rng.choice(allowed) if allowed else None
    if op is c.CATEGORY:
        allowed = [ch for ch in CHARS if _category(ch, arg)]
        return rng.choice(allowed) if allowed else None
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, high, sub = arg
        count = rng.randint(low, min(high, low + 4))
        parts = [_walk(sub, rng, groups) for _ in range(count)]
        return None if any(p is None for p in parts) else "".join(parts)  # type: ignore[arg-type]
    if op is c.SUBPATTERN:
        group, sub = arg[0], arg[-1]
        text = _walk(sub, rng, groups)
        if group is not None and text is not None:
            groups[group] = text
        return text
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _walk(arg, rng, groups)
    if op is c.BRANCH:
        return _walk(rng.choice(arg[1]), rng, groups)
    if op is c.GROUPREF:
        return groups.get(arg, "")
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return ""  # anchors and lookarounds hold or not: the pattern itself judges the whole
    return None


def _in_class(ch: str, items) -> bool:
    c = sre_constants
    negate = False
    found = False
    for op, arg in items:
        if op is c.NEGATE:
            negate = True
        elif op is c.LITERAL:
            found |= ord(ch) == arg
        elif op is c.RANGE:
            found |= arg[0] <= ord(ch) <= arg[1]
        elif op is c.CATEGORY:
            found |= _category(ch, arg)
    return found != negate


def _category(ch: str, category) -> bool:
    c = sre_constants
    tests = {
        c.CATEGORY_DIGIT: ch.isdigit(), c.CATEGORY_NOT_DIGIT: not ch.isdigit(),
        c.CATEGORY_WORD: ch.isalnum() or ch == "_", c.CATEGORY_NOT_WORD: not (ch.isalnum() or ch == "_"),
        c.CATEGORY_SPACE: ch.isspace(), c.CATEGORY_NOT_SPACE: not ch.isspace(),
    }  # fmt: skip
    return tests.get(category, False)
