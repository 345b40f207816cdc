"""Mock IDs to real ones: the program ran under the mock engine, the emulator answers with its own IDs.

A KMS key's ID and ARN are random in the emulator (and in AWS), while the mock derived them from the
resource's name. Every value the mock answered that the emulator answered differently is learned here,
and substituted into the inputs of the resources applied after it, whole or inside a string (a policy).

Inside a string, a learned value is replaced where it begins a word: at the start, or after a character no
ID holds (`:`, `/`, a quote, a space...), so a key ID inside its ARN is found. Learned values are indexed by
their first `MIN_LENGTH` characters, and under each by their lengths: where a word begins, the text of each
length learned under its first characters is looked up whole (longest first), so a string costs a few look-ups
per word whatever the number learned: translating stays linear in the resources (an alternation of every learned
value, compiled again after each resource, made the apply of a 100-product mesh quadratic; comparing a word
with every value learned under the same first characters, thousands of ARNs under `arn:aws:`, made the
1,000-product mesh's apply quadratic again).
"""

from __future__ import annotations

import re
from typing import Any

MIN_LENGTH = 8  # shorter values are too likely to occur by chance inside other strings
WORD_START = re.compile(r"(?<![A-Za-z0-9_.\-])[A-Za-z0-9_]")  # where an ID may begin inside a string


class IdMap:
    def __init__(self) -> None:
        self._real: dict[str, str] = {}
        self._by_anchor: dict[str, list[int]] = {}  # first MIN_LENGTH characters -> the lengths of values learned, longest first
        self.substitutions = 0  # mock values replaced in inputs so far

    def learn(self, mock: str | None, real: str | None) -> None:
        """Remember that the mock's `mock` is the emulator's `real`."""
        if not isinstance(mock, str) or not isinstance(real, str) or mock == real or not mock:
            return
        known = self._real.get(mock)
        if known is not None:
            if known != real:
                raise ValueError(f"mock value {mock!r} is both {known!r} and {real!r}")
            return
        self._real[mock] = real
        if len(mock) >= MIN_LENGTH:
            lengths = self._by_anchor.setdefault(mock[:MIN_LENGTH], [])
            if len(mock) not in lengths:
                lengths.append(len(mock))
                lengths.sort(reverse=True)  # longest first, so an ARN is replaced whole before the key ID inside it

    def learn_outputs(self, mock: dict, real: dict, keys: tuple[str, ...] = ("id", "arn", "keyId")) -> None:
        for key in keys:
            self.learn(mock.get(key), real.get(key))

    def translate(self, value: Any) -> Any:
        """`value` with every learned mock value replaced by the real one, in nested dicts, lists and strings."""
        if not self._real:
            return value
        if isinstance(value, dict):
            return {k: self.translate(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.translate(v) for v in value]
        if isinstance(value, str):
            if value in self._real:
                self.substitutions += 1
                return self._real[value]
            return self._inside(value) if self._by_anchor else value
        return value

    def _inside(self, text: str) -> str:
        parts, done = [], 0
        for match in WORD_START.finditer(text):
            start = match.start()
            if start < done:
                continue
            for length in self._by_anchor.get(text[start : start + MIN_LENGTH], ()):
                real = self._real.get(text[start : start + length])
                if real is not None:
                    parts += [text[done:start], real]
                    done = start + length
                    self.substitutions += 1
                    break
        return "".join(parts) + text[done:] if parts else text

    def items(self) -> dict[str, str]:
        return dict(self._real)

    def __len__(self) -> int:
        return len(self._real)
