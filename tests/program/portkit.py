"""A small project with the real program: three domains whose products exercise versions and the lifecycle.

    producer/events      publishes version 2 (amount: bigint) beside version 1 (amount: int, deprecated)
    producer/old-events  publishes version 2; its version 1 is retired: kept as data only
    producer/gone        is retired: no job, no grants, its bucket kept
    reader-a/on-v1       reads producer/events (version 1) and producer/old-events@2
    reader-b/on-v2       reads producer/events@2
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from meshgen import write_project  # noqa: E402

IMAGE = "registry.example/job@sha256:" + "ab" * 32
COLUMNS = """    - {name: event_id, type: string, description: The event's identifier.}
    - {name: amount, type: %s, description: The amount of the event.}
"""


ROW_COUNT = "  quality: [{metric: rowCount, mustBeGreaterThan: 0, unit: rows}]\n"  # the federation asks it in prod


def product(name: str, *, output: str = "", inputs: str = "[]", consumers: str = "[]", extra: str = "", amount: str = "int") -> str:
    return (
        "# yaml-language-server: $schema=../../../schemas/product.schema.json\n"
        f"name: {name}\ndescription: The {name} product of the versioned test project.\nowner: team@example.com\n"
        f"kind: source-aligned\nclassification: internal\noutput:\n{output}{ROW_COUNT}  columns:\n{COLUMNS % amount}"
        f"inputs: {inputs}\nconsumers: {consumers}\n"
        f"service_levels: {{freshness_hours: {24 if inputs == '[]' else 48}, availability: 99.5}}\n"  # a reader: its input's + a day
        f"job:\n  image: {IMAGE}\n{extra}"
    )


def previous(version: int, status: str = "deprecated", date: str = "2031-01-01", amount: str = "int") -> str:
    return (
        f"previous_outputs:\n  - version: {version}\n    status: {status}\n    deprecation: {{date: {date}}}\n"
        f"    columns:\n{COLUMNS % amount}".replace("\n    - {", "\n      - {")
    )


FILES = {
    "producer/events": product("events", output="  version: 2\n", amount="bigint", extra=previous(1)),
    "producer/old-events": product("old-events", output="  version: 2\n", extra=previous(1, "retired", "2024-01-01")),
    "producer/gone": product("gone", extra="status: retired\ndeprecation: {date: 2024-01-01, replaced_by: producer/events}\n"),
    "reader-a/on-v1": product("on-v1", inputs="[producer/events, producer/old-events@2]"),
    "reader-b/on-v2": product("on-v2", inputs="[producer/events@2]"),
}


def write(root: Path, files: dict[str, str] = FILES) -> Path:
    """The project at `root`: the real program, the stack prod (every domain in one account), and `files`."""
    domains = sorted({address.split("/")[0] for address in files})
    write_project(root, {"domains": domains, "products": []}, "one")
    for address, text in files.items():
        domain, name = address.split("/")
        (root / "domains" / domain / "products" / f"{name}.yaml").write_text(text)
    return root
