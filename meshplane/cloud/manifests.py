"""Kubernetes objects as the cluster would receive them: from the inventory to plain manifests."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

from components import tokens
from meshplane.cloud.inventory import Resource, integral
from meshplane.cloud.naming import manifest_file


def is_kubernetes_object(resource: Resource) -> bool:
    return resource.custom and resource.type.startswith(tokens.KUBERNETES_PREFIX) and not resource.is_provider


def manifest(resource: Resource) -> dict:
    """The object with its keys in the usual order; the mock engine's floats back to integers."""
    body = integral(resource.inputs)
    head = {k: body.pop(k) for k in ("apiVersion", "kind", "metadata") if k in body}
    return {**head, **body}


def file_name(resource: Resource) -> str:
    meta = resource.inputs.get("metadata") or {}
    return manifest_file(resource.inputs.get("kind", "Object"), meta.get("namespace", ""), meta.get("name", resource.name))


def write_manifests(resources: list[Resource], out: Path | str) -> list[Path]:
    """One YAML file per Kubernetes object, named `<kind>-<namespace>-<name>.yaml`."""
    return write_files([(file_name(r), manifest(r)) for r in filter(is_kubernetes_object, resources)], out)


DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's: the same text, ten times faster


def write_files(manifests: Iterable[tuple[str, dict]], out: Path | str) -> list[Path]:
    """Each (file name, object) as a YAML file in `out`; a file that already says it is left as it is."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, body in manifests:
        path, text = out / name, yaml.dump(body, Dumper=DUMPER, sort_keys=False).encode()
        try:
            same = path.read_bytes() == text
        except OSError:
            same = False
        if not same:
            path.write_bytes(text)
        written.append(path)
    return written


