"""What a stack has deployed, read from Pulumi's deployment format (`pulumi stack export`, version 3) or from the
local emulator's state file (`up --local`), as records `meshplane.review.resource_changes` compares with the program."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from components import tokens
from meshplane.declarations.problems import MeshError, Problem
from meshplane.review.resource_changes import Record

SECRET_SIG = "4dabf18193072939515e22adb298388d"  # Pulumi's marker of a secret value in a deployment
STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass(frozen=True)
class Deployed:
    records: list[Record]
    kubernetes: bool  # whether it records Kubernetes objects (a local state has them as manifests instead)


def read(path: Path, stack: str | None = None, project: str | None = None) -> Deployed:
    """The cloud resources recorded in `path`; MeshError, at the file's line, when it is neither format, when an entry is
    damaged, or when its URNs name another stack or project than `stack` and `project` (when given)."""
    shown = str(path)
    try:
        text = path.read_text()
        data = json.loads(text)
    except OSError as exc:
        raise MeshError([Problem(shown, 1, f"cannot read the state: {exc.strerror}")]) from None
    except ValueError as exc:
        raise MeshError([Problem(shown, getattr(exc, "lineno", 1), f"the state is not JSON: {exc}")]) from None
    if isinstance(data, dict) and "applied" in data and "stack" in data:
        records, problems = _local(data, shown, _entry_lines(text, "applied") + _entry_lines(text, "not_applicable"))
        kubernetes = False
    elif not isinstance(data, dict) or data.get("version") != 3 or not isinstance(data.get("deployment"), dict):
        found = data.get("version") if isinstance(data, dict) else type(data).__name__
        raise MeshError([Problem(shown, 1, f"not a Pulumi deployment of version 3 (`pulumi stack export`), nor a local state: version {found!r}")])
    else:
        records, problems = _pulumi(data["deployment"].get("resources"), shown, _entry_lines(text, "resources"))
        kubernetes = True
    if not problems and stack is not None:
        problems = _other_stack(records, shown, text, stack, project)
    if problems:
        raise MeshError(problems)
    return Deployed(records, kubernetes)


def urn_parts(urn: str) -> tuple[str, str]:
    """(stack, project) a URN names: `urn:pulumi:<stack>::<project>::<type>::<name>`."""
    head = urn.split("::", 2)
    return head[0].removeprefix("urn:pulumi:"), head[1] if len(head) > 1 else ""


def _other_stack(records: list[Record], shown: str, text: str, stack: str, project: str | None) -> list[Problem]:
    for record in records:
        found_stack, found_project = urn_parts(record.urn)
        if found_stack != stack or (project is not None and found_project != project):
            at = text.find(json.dumps(record.urn))
            line = text.count("\n", 0, at) + 1 if at >= 0 else 1
            return [Problem(shown, line, f"this state is of stack '{found_stack}' of project '{found_project}' (its URNs say so: {record.urn}), "
                                         f"not of stack '{stack}' of project '{project or found_project}': refused, nothing is planned against it")]  # fmt: skip
    return []


def _pulumi(resources, shown: str, lines: list[int]) -> tuple[list[Record], list[Problem]]:
    records, problems = [], []
    for i, r in enumerate(resources if isinstance(resources, list) else []):
        line = lines[i] if i < len(lines) else 1
        if not isinstance(r, dict) or not isinstance(r.get("urn"), str) or not isinstance(r.get("type"), str):
            problems.append(Problem(shown, line, f"deployment.resources[{i}]: a resource needs its urn and type"))
            continue
        if not isinstance(r.get("inputs") or {}, dict):
            problems.append(Problem(shown, line, f"deployment.resources[{i}] ({r['urn']}): inputs must be an object"))
            continue
        if not r.get("custom") or r["type"].startswith(tokens.PROVIDER_PREFIX) or r["type"] == STACK_TYPE or r.get("delete"):
            continue  # components, providers, the stack, and resources only pending deletion
        records.append(Record(r["urn"], r["type"], r["urn"].rsplit("::", 1)[-1], _plain(r.get("inputs") or {}), bool(r.get("protect")), tuple(r.get("aliases") or ())))
    return records, problems


def _local(data: dict, shown: str, lines: list[int]) -> tuple[list[Record], list[Problem]]:
    records, problems = [], []
    entries = [(f"{key}[{i}]", e) for key in ("applied", "not_applicable") for i, e in enumerate(data.get(key) or [])]
    for n, (where, entry) in enumerate(entries):
        line = lines[n] if n < len(lines) else 1
        if isinstance(entry, dict) and "urn" not in entry and isinstance(entry.get("type"), str):
            problems.append(Problem(shown, line, "a local state written before resources carried their URN and inputs: run `meshplane up --local` again"))
            continue
        damage = _damage(entry)
        if damage:
            problems.append(Problem(shown, line, f"{where}: {damage} (run `meshplane up --local` again to write a new state)"))
            continue
        inputs = entry.get("program_inputs", entry.get("inputs")) or {}  # as the program gave them, not as the emulator named them
        records.append(Record(entry["urn"], entry["type"], entry["name"], inputs, bool(entry.get("protect")), (), entry.get("domain"), entry.get("product")))
    return records, problems


def _damage(entry) -> str | None:
    """What makes a local state's entry unreadable, or None."""
    if not isinstance(entry, dict):
        return f"an entry must be an object, not {type(entry).__name__}"
    for key in ("urn", "type", "name"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            return f"{key} must be a text, found {json.dumps(entry.get(key))}"
    if not entry["urn"].startswith("urn:pulumi:") or entry["urn"].count("::") < 3:
        return f"urn {entry['urn']!r} is not a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>)"
    for key in ("inputs", "program_inputs"):
        if key in entry and not isinstance(entry[key], dict):
            return f"{key} must be an object, not {type(entry[key]).__name__}"
    for key in ("domain", "product"):
        if entry.get(key) is not None and not isinstance(entry[key], str):
            return f"{key} must be a text, found {json.dumps(entry[key])}"
    return None


def _entry_lines(text: str, key: str) -> list[int]:
    """The line each element of the first array under `key` starts on (what JSON parsers do not tell)."""
    start = re.search(rf'"{key}"\s*:\s*\[', text)
    if start is None:
        return []
    decoder, lines, at = json.JSONDecoder(), [], start.end()
    while True:
        at = _skip(text, at)
        if at >= len(text) or text[at] == "]":
            return lines
        lines.append(text.count("\n", 0, at) + 1)
        try:
            _, at = decoder.raw_decode(text, at)
        except ValueError:
            return lines
        at = _skip(text, at)
        if at < len(text) and text[at] == ",":
            at += 1


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def _plain(value):
    """Inputs with Pulumi's secrets unwrapped where the state holds them in clear; an encrypted one stays opaque."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG) == "1b47061264138c4ac30d75fd1eb44270":
            return _plain(value["plaintext"]) if "plaintext" in value else {"secret": value.get("ciphertext")}
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
