"""Exported documents on disk: `<folder>/<domain>/<product>.<standard>.yaml`, one per product."""

from __future__ import annotations

from pathlib import Path

import yaml


class _Dumper(yaml.CSafeDumper):
    """Writes every value out: a document shared nowhere else has no use for YAML anchors."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def dump(document: dict) -> str:
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)


def relative_path(address: str, standard: str) -> str:
    """Where a product's document lives inside an export folder, e.g. `podcasts/podcast-plays.odcs.yaml`; an earlier
    major version's (`podcasts/podcast-plays@1`) beside it, `podcasts/podcast-plays.v1.odcs.yaml`."""
    domain, product = address.split("/")
    product, _, version = product.partition("@")
    return f"{domain}/{product}{f'.v{version}' if version else ''}.{standard}.yaml"


def write_documents(folder: Path, documents: dict[str, dict], standard: str) -> list[Path]:
    """Write each address's document under `folder`; the paths written, in order."""
    written = []
    for address, document in documents.items():
        path = folder / relative_path(address, standard)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(document), encoding="utf-8")
        written.append(path)
    return written
