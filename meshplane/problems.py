"""Problems found in the declarations: one line each, `path:line: error: message`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    severity: str = "error"
    rule: str | None = None

    def __str__(self) -> str:
        label = f"{self.rule} {self.severity}" if self.rule else self.severity
        return f"{self.path}:{self.line}: {label}: {self.message}"


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
