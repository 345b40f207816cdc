"""Did-you-mean: the known name closest to an unknown one, for the message that refuses it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known name most like `word` (a typo, a wrong case, a missing letter), or None when none is close."""
    candidates = list(known)
    by_case = {c.lower(): c for c in candidates}
    if word.lower() in by_case and by_case[word.lower()] != word:
        return by_case[word.lower()]
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.75)
    return found[0] if found else None


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """` (did you mean 'x'?)` to append to a message, or nothing."""
    match = closest(word, known)
    return f" (did you mean {match!r}?)" if match is not None else ""
