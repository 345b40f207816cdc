"""Problems found in the declarations: one line each, `path:line: error: message`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    """How serious a problem is. An error blocks: nothing is provisioned while one stands; a warning is reported; a
    note tells a reviewer what a change does (a compatible change, a grant added)."""

    error = "error"
    warning = "warning"
    note = "note"

    @property
    def blocks(self) -> bool:
        return self is Severity.error


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    severity: Severity = Severity.error
    rule: str | None = None

    def __post_init__(self) -> None:
        """A problem is one line, whatever its message quotes (an HTTP body, a YAML value with newlines)."""
        if any(c in self.message for c in "\n\r\t\v\f"):
            object.__setattr__(self, "message", " ".join(self.message.split()))

    def __str__(self) -> str:
        label = f"{self.rule} {self.severity.value}" if self.rule else self.severity.value
        return f"{self.path}:{self.line}: {label}: {self.message}"

    def as_json(self) -> dict:
        return {"path": self.path, "line": self.line, "severity": self.severity.value, "rule": self.rule, "message": self.message}


def blocking(problems: Iterable[Problem]) -> bool:
    """True when a problem that blocks (an error) stands: nothing may be provisioned."""
    return any(p.severity.blocks for p in problems)


class MeshError(Exception):
    """Raised with every problem found, so one run reports them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: Path, root: Path) -> str:
    """The path as a user wrote it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        try:
            return str(path.resolve().relative_to(root.resolve().parent))
        except ValueError:
            return str(path)


class UsageError(MeshError):
    """A command line that names what is not there: its problems are located at the option (`--domain:1: ...`), exit 2."""
