"""The program's registrations, kept beside a local deployment's state and used again while nothing the program reads
has changed.

The program is a function of the stack's composed arguments (`program.load_stack`: the mesh, the federation and
the stack's settings, checked and composed), of its own code (`__main__.py`, the components, meshplane's engine
and mock cloud), of the Pulumi SDK and providers' versions, and of the stack's name. The memo is keyed by a digest
of all of them: the composed arguments in a canonical form (a value of a type it does not know makes no key, so
the program runs), every source file of `components` and `meshplane`, the project's `__main__.py`, the packages'
versions. A run that finds the key unchanged reads the registrations back instead of running the program under
the mock engine again (seconds at a hundred products); any change runs it. Deleting the file runs it too.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

from pydantic import BaseModel

import components
import meshplane
from meshplane.cloud.inventory import Resource
from meshplane.registrations.engine import Evaluation
from meshplane.registrations.program import load_stack, preloaded
from meshplane.registrations.project import Project

FORMAT = 1  # of the memo file: a file of another format is not read
PACKAGES = ("pulumi", "pulumi-aws", "pulumi-kubernetes")  # the SDK and the providers whose classes register
FIELDS = dataclasses.fields(Resource)


class Unkeyed(Exception):
    """The composed arguments hold a value the canonical form does not know: no key, the program runs."""


def memo_path(folder: Path, stack: str) -> Path:
    return folder / f"local-registrations.{stack}.json"


def canonical(value):
    """`value` as plain JSON data that says everything it holds, the same in every process (sets sorted, a mapping's
    order kept, each object named by its type)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"type": type(value).__qualname__, **{f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, BaseModel):
        return {"type": type(value).__qualname__, **{name: canonical(getattr(value, name)) for name in type(value).model_fields}}
    if isinstance(value, Enum):
        return [type(value).__qualname__, canonical(value.value)]
    if isinstance(value, dict):
        return {"mapping": [[canonical(k), canonical(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return {"set": sorted((canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))}
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (Path, date, datetime, Decimal)):
        return [type(value).__qualname__, str(value)]
    raise Unkeyed(f"{type(value).__qualname__} has no canonical form")


def _sources(package) -> list[Path]:
    return sorted(Path(package.__file__).parent.rglob("*.py"))


def code_digest(root: Path) -> str:
    """The program's code: the project's `__main__.py`, every source of `components` and `meshplane`, the versions of
    Python, the SDK and the providers."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version}".encode())
    for name in PACKAGES:
        digest.update(f"{name} {metadata.version(name)}".encode())
    for path in [root / "__main__.py", *_sources(components), *_sources(meshplane)]:
        digest.update(str(path.name).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def key(project: Project) -> str:
    """The digest of everything the program of the project's stack reads (MeshError: the program would refuse)."""
    with preloaded(project):
        plan = load_stack(project.settings, project.root, project.stack.name)
    composed = json.dumps([project.stack.name, canonical(plan)], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{code_digest(project.root)} {composed}".encode()).hexdigest()


def recall(path: Path, digest: str) -> Evaluation | None:
    """The registrations kept at `path` under `digest`, None when there are none (or another key's, or unreadable)."""
    try:
        kept = json.loads(path.read_text())
        if kept.get("format") != FORMAT or kept.get("key") != digest:
            return None
        resources = [Resource(**{**r, "aliases": tuple(r["aliases"])}) for r in kept["resources"]]
        return Evaluation(stack=kept["stack"], resources=resources, outputs=kept["outputs"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def keep(path: Path, digest: str, evaluation: Evaluation) -> None:
    """Write the registrations under `digest` (a folder that cannot be written keeps nothing: the next run evaluates)."""
    kept = {"format": FORMAT, "key": digest, "stack": evaluation.stack, "outputs": evaluation.outputs,
            "resources": [{f.name: getattr(r, f.name) for f in FIELDS} for r in evaluation.resources]}  # fmt: skip
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(kept, separators=(",", ":")))
        partial.replace(path)  # a run killed while writing leaves the last memo whole, or none
    except OSError:
        path.unlink(missing_ok=True)


class Registrations(NamedTuple):
    evaluation: Evaluation
    kept: bool  # read back from the memo, not evaluated now
    key: str | None = None  # the digest they are the program's under (None: the arguments have no canonical form)


def evaluate(project: Project, folder: Path | None, run: Callable[[Project], Evaluation], write: bool = True) -> Registrations:
    """The registrations of the project's stack: those kept in `folder` when nothing the program reads has changed,
    else `run(project)`'s (kept there when `write`). Whether they were kept ones, and their key."""
    if folder is None:
        return Registrations(run(project), False)
    try:
        digest = key(project)
    except Unkeyed:
        return Registrations(run(project), False)
    path = memo_path(folder, project.stack.name)
    kept = recall(path, digest)
    if kept is not None:
        return Registrations(kept, True, digest)
    evaluation = run(project)
    if write:
        keep(path, digest, evaluation)
    return Registrations(evaluation, False, digest)
