"""Problems in the formats CI reads: SARIF 2.1.0 (code scanning) and GitHub's workflow commands (annotations).

Each format is a pure function of the problems and of the rules that may have raised them, so a command
prints any of them with one call, and a test reads the result back with a library of its own.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from meshplane.declarations.problems import Problem, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
DECLARATIONS = "MESHPLANE"  # the rule of a problem no governance rule raised: a declaration that does not load or check
FORMATS = ("text", "json", "sarif", "github")


@dataclass(frozen=True)
class Descriptor:
    """What a rule is, for a reader of the findings: its ID, title, why it exists, and how serious it is by default."""

    id: str
    title: str
    rationale: str
    severity: Severity = Severity.error
    tags: tuple[str, ...] = ()


DECLARATIONS_RULE = Descriptor(
    DECLARATIONS,
    "Declarations load and agree",
    "A file that does not parse, a field of the wrong type or a reference to nothing stops the whole mesh: nothing is provisioned.",
    tags=("declarations",),
)


def tool_version() -> str:
    try:
        return version("meshplane")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "0"


def sarif(problems: Sequence[Problem], rules: Iterable[Descriptor], category: str) -> dict:
    """One SARIF 2.1.0 log with one run: the tool and every rule it knows, and a result per problem.

    `category` tells code scanning which analysis the run is (its `automationDetails.id`), so that several
    (validate per environment, diff) live side by side in one repository."""
    known = {d.id: d for d in (DECLARATIONS_RULE, *rules)}
    used = [known[i] for i in sorted({p.rule or DECLARATIONS for p in problems} | set(known)) if i in known]
    index = {d.id: i for i, d in enumerate(used)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "meshplane",
                        "version": tool_version(),
                        "rules": [_rule(d) for d in used],
                    }
                },
                "automationDetails": {"id": f"{category.strip('/')}/"},
                "columnKind": "unicodeCodePoints",
                "results": [_result(p, index) for p in problems],
            }
        ],
    }


def _rule(d: Descriptor) -> dict:
    return {
        "id": d.id,
        "name": "".join(re.sub(r"[^A-Za-z0-9]", "", word).capitalize() for word in d.title.replace("-", " ").split()),
        "shortDescription": {"text": d.title},
        "fullDescription": {"text": d.rationale},
        "defaultConfiguration": {"level": d.severity.value},
        "properties": {"tags": list(d.tags)},
    }


def _result(p: Problem, index: dict[str, int]) -> dict:
    rule = p.rule if p.rule in index else DECLARATIONS
    return {
        "ruleId": rule,
        "ruleIndex": index[rule],
        "level": p.severity.value,
        "message": {"text": p.message},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": _uri(p.path), "uriBaseId": "%SRCROOT%"}, "region": {"startLine": max(p.line, 1)}}}
        ],
        # the same finding on the same file keeps its identity when lines move above it
        "partialFingerprints": {"meshplane/v1": hashlib.sha256(f"{rule}\0{p.path}\0{p.message}".encode()).hexdigest()},
    }


def _uri(path: str) -> str:
    """A path relative to the repository, as a URI reference (spaces and such escaped)."""
    from urllib.parse import quote

    return quote(path.replace("\\", "/").removeprefix("./"), safe="/@:+,=-._~")


def github(problems: Sequence[Problem]) -> str:
    """GitHub Actions workflow commands: an annotation per problem, on its file and line."""
    commands = {Severity.error: "error", Severity.warning: "warning", Severity.note: "notice"}
    lines = []
    for p in problems:
        title = f"{p.rule} {p.severity.value}" if p.rule else p.severity.value
        properties = f"file={_property(p.path)},line={max(p.line, 1)},title={_property(title)}"
        lines.append(f"::{commands[p.severity]} {properties}::{_data(p.message)}")
    return "\n".join(lines)


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
