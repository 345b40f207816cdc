"""What a stack has deployed, read from Pulumi's deployment format (`pulumi stack export`, version 3) or from the
local emulator's state file (`up --local`), as records `meshplane.review.resource_changes` compares with the program."""

from __future__ import annotations

import json
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


def read(path: Path) -> Deployed:
    """The cloud resources recorded in `path`; MeshError, at the file, when it is neither format."""
    shown = str(path)
    try:
        data = json.loads(path.read_text())
    except OSError as exc:
        raise MeshError([Problem(shown, 1, f"cannot read the state: {exc.strerror}")]) from None
    except ValueError as exc:
        raise MeshError([Problem(shown, getattr(exc, "lineno", 1), f"the state is not JSON: {exc}")]) from None
    if isinstance(data, dict) and "applied" in data and "stack" in data:
        return Deployed(_local(data, shown), kubernetes=False)
    if not isinstance(data, dict) or data.get("version") != 3 or not isinstance(data.get("deployment"), dict):
        found = data.get("version") if isinstance(data, dict) else type(data).__name__
        raise MeshError([Problem(shown, 1, f"not a Pulumi deployment of version 3 (`pulumi stack export`), nor a local state: version {found!r}")])
    records, problems = [], []
    for i, r in enumerate(data["deployment"].get("resources") or []):
        if not isinstance(r, dict) or not isinstance(r.get("urn"), str) or not isinstance(r.get("type"), str):
            problems.append(Problem(shown, 1, f"deployment.resources[{i}]: a resource needs its urn and type"))
            continue
        if not r.get("custom") or r["type"].startswith(tokens.PROVIDER_PREFIX) or r["type"] == STACK_TYPE or r.get("delete"):
            continue  # components, providers, the stack, and resources only pending deletion
        records.append(Record(r["urn"], r["type"], r["urn"].rsplit("::", 1)[-1], _plain(r.get("inputs") or {}), bool(r.get("protect")), tuple(r.get("aliases") or ())))
    if problems:
        raise MeshError(problems)
    return Deployed(records, kubernetes=True)


def _local(data: dict, shown: str) -> list[Record]:
    records = []
    for entry in [*(data.get("applied") or []), *(data.get("not_applicable") or [])]:
        if "urn" not in entry:
            raise MeshError([Problem(shown, 1, "a local state written before resources carried their URN and inputs: run `meshplane up --local` again")])
        inputs = entry.get("program_inputs", entry.get("inputs")) or {}  # as the program gave them, not as the emulator named them
        records.append(Record(entry["urn"], entry["type"], entry["name"], inputs, bool(entry.get("protect")), (), entry.get("domain"), entry.get("product")))
    return records


def _plain(value):
    """Inputs with Pulumi's secrets unwrapped where the state holds them in clear; an encrypted one stays opaque."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG) == "1b47061264138c4ac30d75fd1eb44270":
            return _plain(value["plaintext"]) if "plaintext" in value else {"secret": value.get("ciphertext")}
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
