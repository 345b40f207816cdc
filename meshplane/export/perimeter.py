"""The perimeter's documents on disk, as AWS Organizations takes them: `<folder>/<account>.scp.json` and
`<folder>/<account>.rcp.json`, one SCP and one RCP per account of the stack's domains (meshplane.cloud.perimeter)."""

from __future__ import annotations

import json
from pathlib import Path

from meshplane.cloud.documents import size
from meshplane.cloud.perimeter import AccountPerimeter


def write_perimeter(folder: Path, perimeters: list[AccountPerimeter]) -> list[tuple[Path, int]]:
    """Write each account's SCP and RCP under `folder`; each path written and its size as AWS counts it."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for p in perimeters:
        for kind, document in p.documents().items():
            path = folder / f"{p.account}.{kind}.json"
            path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
            written.append((path, size(document)))
    return written
