"""JSON Schemas for the declarations, generated from the same models the loader uses."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from meshplane.spec import Domain, Product

SCHEMAS: dict[str, type[BaseModel]] = {"domain": Domain, "product": Product}


def schema_texts() -> dict[str, str]:
    """File name -> JSON text, for every schema meshplane publishes."""
    from meshplane.federation import Federation

    models = {**SCHEMAS, "federation": Federation}
    return {
        f"{name}.schema.json": json.dumps(
            {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema()}, indent=2
        )
        + "\n"
        for name, model in models.items()
    }


def write_schemas(folder: Path | str = "schemas") -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        path.write_text(text)
        written.append(path)
    return written
