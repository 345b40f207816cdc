"""A stack file, `stacks/Pulumi.<stack>.yaml`, read as strictly as a domain file: every problem at its line.

What the Pulumi CLI hands the program is each config value as a string (an object as JSON), keyed
`namespace:key`; a key without a namespace is the project's (`meshplane:`). This module reads the file
into exactly that, refusing what the CLI would read otherwise or not at all: malformed YAML, a file or
a `config` that is not a mapping, keys Pulumi does not know, `meshplane:` keys meshplane does not know
(with a did-you-mean), and secrets where meshplane reads plain settings.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from meshplane.declarations.problems import MeshError, Problem
from meshplane.declarations.spec_errors import shown
from meshplane.declarations.suggest import did_you_mean
from meshplane.declarations.yamlsrc import YamlError, line_in, parse

PROJECT = "meshplane"  # Pulumi.yaml's name: a config key without a namespace is in this one
FILE_KEYS = ("config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt")  # a Pulumi stack file's keys


def stack_file(stack: str) -> str:
    """The stack's configuration file, relative to the project (`stackConfigDir` in Pulumi.yaml)."""
    return f"stacks/Pulumi.{stack}.yaml"


def stack_names(root: Path) -> list[str]:
    """The stacks of the project at `root`, by name."""
    folder = (root / stack_file("any")).parent
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in folder.glob("Pulumi.*.yaml"))


def misnamed_stack_files(root: Path) -> list[Problem]:
    """Stack files the Pulumi CLI would not read (`Pulumi.qa.yml`, `Pulumi.qa.YAML`): refused, never skipped in silence."""
    folder = (root / stack_file("any")).parent
    problems = []
    for path in sorted(folder.glob("*")) if folder.is_dir() else ():
        stem, suffix = os.path.splitext(path.name)
        if not path.name.lower().startswith("pulumi.") or suffix.lower() not in (".yaml", ".yml"):
            continue  # not meant as a stack's file
        if path.name.startswith("Pulumi.") and suffix == ".yaml":
            continue  # read
        name = stem.split(".", 1)[-1]
        problems.append(Problem(f"{folder.name}/{path.name}", 1, f"the Pulumi CLI reads a stack's file as {stack_file('<stack>')}: rename it Pulumi.{name}.yaml"))
    return problems


@dataclass(frozen=True)
class StackFile:
    """A stack file's config as the Pulumi CLI hands it to the program, and the line of every value in it."""

    path: str  # as shown, relative to the project: stacks/Pulumi.<stack>.yaml
    config: dict[str, str]  # `namespace:key` -> its value as text (objects as JSON)
    lines: dict[tuple, int] = field(default_factory=dict, compare=False, repr=False)  # (`namespace:key`, *inside) -> line

    def line_of(self, key: str, *inside: str | int) -> int:
        """The line that sets `key` (`meshplane:domains`), or a value inside it; 1 when the file does not set it."""
        return line_in(self.lines, (key, *inside)) if (key,) in self.lines else 1


def read_stack_file(root: Path, name: str, known: Collection[str]) -> StackFile:
    """Read the stack `name` of the project at `root`; `known`: the `meshplane:` keys meshplane reads. MeshError lists
    every problem of the file."""
    path = stack_file(name)
    try:
        raw = (root / path).read_bytes()
    except FileNotFoundError:
        hint = did_you_mean(name, stack_names(root))
        raise MeshError([Problem(path, 1, f"no stack {name!r}{hint} (known: {', '.join(stack_names(root)) or 'none'})")]) from None
    except OSError as exc:
        raise MeshError([Problem(path, 1, f"cannot read: {exc.strerror}")]) from None
    try:
        doc = parse(raw)
    except YamlError as exc:
        raise MeshError([Problem(path, exc.line, exc.message)]) from None
    if not isinstance(doc.data, dict):
        raise MeshError([Problem(path, 1, f"expected a mapping with a `config` mapping, got {shown(doc.data)}")])
    problems = [
        Problem(path, doc.line_of((key,)), f"unknown key {key!r}{did_you_mean(key, FILE_KEYS)} (a stack file holds {', '.join(FILE_KEYS)})")
        for key in doc.data
        if key not in FILE_KEYS
    ]
    settings = doc.data.get("config")
    if settings is None:
        settings = {}
    if not isinstance(settings, dict):
        raise MeshError([*problems, Problem(path, doc.line_of(("config",)), f"config: expected a mapping of `namespace:key: value`, got {shown(settings)}")])
    config: dict[str, str] = {}
    lines: dict[tuple, int] = {}
    for key, value in settings.items():
        line = doc.line_of(("config", key))
        full = key if ":" in key else f"{PROJECT}:{key}"
        namespace, _, name_ = full.partition(":")
        if namespace == PROJECT and name_ not in known:
            problems.append(Problem(path, line, f"unknown key {full!r}{_like(name_, known)}"))
            continue
        if namespace == PROJECT and isinstance(value, dict) and set(value) == {"secure"}:
            problems.append(Problem(path, line, f"{full}: a secret: meshplane's settings are plain (nothing in them is secret)"))
            continue
        if full in config:
            problems.append(Problem(path, line, f"{full} is set twice (first at line {lines[(full,)]})"))
            continue
        config[full] = value if isinstance(value, str) else json.dumps(value)
        lines.update({(full, *p[2:]): n for p, n in doc.lines.items() if p[:2] == ("config", key)})
    if problems:
        raise MeshError(problems)
    return StackFile(path, config, lines)


def _like(name: str, known: Collection[str]) -> str:
    hint = did_you_mean(name, known)
    return hint.replace("(did you mean '", f"(did you mean '{PROJECT}:") if hint else ""
