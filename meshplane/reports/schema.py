"""JSON Schemas for the declarations, generated from the same models the loader uses, and the product's from what the
federation makes mandatory in every environment (`meshplane.governance.schema_governance`)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from meshplane.declarations.federation import Federation
from meshplane.declarations.spec import Domain, Product

SCHEMAS: dict[str, type[BaseModel]] = {"domain": Domain, "product": Product}


def schema_texts(federation: Federation | None = None) -> dict[str, str]:
    """File name -> JSON text, for every schema meshplane publishes; the product's as `federation` governs it (its
    defaults when None)."""
    from meshplane.governance.schema_governance import product_schema

    schemas = {name: model.model_json_schema() for name, model in SCHEMAS.items()}
    schemas["product"] = product_schema(federation or Federation())
    schemas["federation"] = Federation.model_json_schema()
    return {
        f"{name}.schema.json": json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}, indent=2) + "\n"
        for name, schema in schemas.items()
    }


def write_schemas(folder: Path | str, federation: Federation | None = None) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts(federation).items():
        path = folder / name
        path.write_text(text)
        written.append(path)
    return written
