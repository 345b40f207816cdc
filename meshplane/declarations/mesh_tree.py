"""The files of a mesh's folder, links included: a link is followed when it stays inside the project, and refused, with
its reason, when it leads outside, leads nowhere, loops back to a folder it is in, or names a folder read already.

Nothing is skipped in silence: what a domain team links into the mesh is read, or the run says why it is not (a YAML
file whose extension is in capitals, `.YAML`, included). A link
out of the project is refused because the project is what is reviewed: a declaration living elsewhere would deploy
without its code owners seeing the change. Real folders are read before any link, so a link, never the folder it
names, is the one refused for naming a folder twice.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

YAML_SUFFIXES = (".yaml", ".yml")

Parts = tuple[str, ...]  # a path relative to the mesh's folder


@dataclass
class MeshTree:
    """What walking the mesh's folder found: its YAML files, its domains' folders, and what it refused, with the reason."""

    files: list[Parts] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)  # the top-level folders read
    refused: dict[Parts, str] = field(default_factory=dict)


@dataclass
class _Walk:
    boundary: Path  # links are followed only inside it
    outside: str  # what the boundary is, as a refusal names it
    shown: str  # the mesh's folder, as messages show it
    tree: MeshTree = field(default_factory=MeshTree)
    seen: dict[tuple[int, int], Parts] = field(default_factory=dict)  # every folder read, by device and inode
    links: list[tuple[Path, Parts]] = field(default_factory=list)  # links met, followed once every real folder is read

    def show(self, parts: Parts) -> str:
        return "/".join((self.shown, *parts))


def walk(root: Path, boundary: Path, outside: str = "the project", shown: str = "domains") -> MeshTree:
    """Every YAML file under `root`, as parts relative to it, sorted. Links are followed only inside `boundary`, which
    `outside` names in the reason a link out of it is refused; `shown` is `root` as messages show it."""
    w = _Walk(boundary.resolve(), outside, shown)
    w.seen[_identity(root)] = ()
    _scan(root, (), w)
    while w.links:
        path, here = w.links.pop(0)
        _follow(path, here, w)
    w.tree.files.sort()
    w.tree.folders.sort()
    return w.tree


def _scan(folder: Path, parts: Parts, w: _Walk) -> None:
    """Read a folder's real entries; queue its links."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        w.tree.refused[parts] = f"cannot read: {exc.strerror}"
        return
    for entry in entries:
        here = (*parts, entry.name)
        if entry.is_symlink():
            w.links.append((Path(entry.path), here))
        elif entry.is_dir(follow_symlinks=False):
            _enter(Path(entry.path), here, w)
        elif _is_yaml(entry.name) and entry.is_file(follow_symlinks=False):
            w.tree.files.append(here)
        elif _in_capitals(entry.name):
            w.tree.refused[here] = _capitals(entry.name)


def _enter(folder: Path, here: Parts, w: _Walk) -> None:
    w.seen[_identity(folder)] = here
    if len(here) == 1:
        w.tree.folders.append(here[0])
    _scan(folder, here, w)


def _follow(link: Path, here: Parts, w: _Walk) -> None:
    why = _link_problem(link, w)
    if why is not None:
        w.tree.refused[here] = why
    elif link.is_dir():
        first = w.seen.get(_identity(link))
        if first is not None:
            w.tree.refused[here] = f"the same folder as {w.show(first)}: a folder is read under one name only"
        else:
            _enter(link, here, w)
    elif _is_yaml(link.name) and link.is_file():
        w.tree.files.append(here)
    elif _in_capitals(link.name):
        w.tree.refused[here] = _capitals(link.name)


def _link_problem(link: Path, w: _Walk) -> str | None:
    """Why the link is not followed, or None when it leads to something inside the boundary and out of its own way."""
    target = os.readlink(link)
    try:
        resolved = link.resolve(strict=True)
    except FileNotFoundError:
        return f"a link to {target}, which does not exist"
    except (RuntimeError, OSError):  # links leading to each other: Python 3.11 says RuntimeError, later ones OSError
        return f"a link to {target}, through links that lead back to each other: a loop, not followed"
    if not resolved.is_relative_to(w.boundary):
        return f"a link to {resolved}, outside {w.outside}: what the mesh deploys lives in {w.outside}, where its owners review it"
    if link.parent.resolve().is_relative_to(resolved):
        where = w.seen.get(_identity(resolved))
        return f"a link back to {w.show(where) if where is not None else resolved}, a folder it is in: a loop, not followed"
    return None


def _is_yaml(name: str) -> bool:
    return os.path.splitext(name)[1] in YAML_SUFFIXES


def _in_capitals(name: str) -> bool:
    """A YAML file whose extension is not written in lower case (`.YAML`, `.Yml`): refused, never skipped in silence."""
    suffix = os.path.splitext(name)[1]
    return suffix.lower() in YAML_SUFFIXES and suffix not in YAML_SUFFIXES


def _capitals(name: str) -> str:
    stem, suffix = os.path.splitext(name)
    return f"a YAML file's extension is written in lower case: rename it {stem}{suffix.lower()} (a {suffix} file is not read)"


def _identity(path: Path) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_dev, info.st_ino
