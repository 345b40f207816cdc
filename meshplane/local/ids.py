"""Mock IDs to real ones: the program ran under the mock engine, the emulator answers with its own IDs.

A KMS key's ID and ARN are random in the emulator (and in AWS), while the mock derived them from the
resource's name. Every value the mock answered that the emulator answered differently is learned here,
and substituted into the inputs of the resources applied after it, whole or inside a string (a policy).
"""

from __future__ import annotations

import re
from typing import Any

MIN_LENGTH = 8  # shorter values are too likely to occur by chance inside other strings


class IdMap:
    def __init__(self) -> None:
        self._real: dict[str, str] = {}
        self._pattern: re.Pattern | None = None
        self.substitutions = 0  # mock values replaced in inputs so far

    def learn(self, mock: str | None, real: str | None) -> None:
        """Remember that the mock's `mock` is the emulator's `real`."""
        if not isinstance(mock, str) or not isinstance(real, str) or mock == real or not mock:
            return
        known = self._real.get(mock)
        if known is not None and known != real:
            raise ValueError(f"mock value {mock!r} is both {known!r} and {real!r}")
        self._real[mock] = real
        self._pattern = None

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
            pattern = self._compiled()
            if pattern is None:
                return value
            result, count = pattern.subn(lambda m: self._real[m.group(0)], value)
            self.substitutions += count
            return result
        return value

    def items(self) -> dict[str, str]:
        return dict(self._real)

    def _compiled(self) -> re.Pattern | None:
        if self._pattern is None:
            # longest first, so an ARN is replaced whole before the key ID inside it
            long_enough = sorted((m for m in self._real if len(m) >= MIN_LENGTH), key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, long_enough))) if long_enough else None
        return self._pattern

    def __len__(self) -> int:
        return len(self._real)
