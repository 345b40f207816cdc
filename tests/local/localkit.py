"""The local tier's helpers: the repository (the sample project) and the files a copy of the project holds. Test
modules import from here, never from `conftest`: another tier's conftest may be the one Python knows by that name."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository: the sample project

PROJECT_FILES = ("Pulumi.yaml", "__main__.py", "domains", "governance", "stacks", "schemas")
