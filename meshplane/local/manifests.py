"""The Kubernetes objects of `up --local`: rendered, validated offline (strict) where a schema exists, then written.

kubernetes-validate knows the built-in kinds; a custom resource (the Spark operator's
ScheduledSparkApplication) has no schema there, and is written with that said, not passed off as valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import kubernetes_validate

from meshplane.cloud.inventory import Resource
from meshplane.cloud.manifests import file_name, is_kubernetes_object, manifest, write_files
from meshplane.declarations.problems import Problem

KUBERNETES_VERSION = kubernetes_validate.latest_version()


@dataclass(frozen=True)
class Manifest:
    resource: Resource
    body: dict
    file: str
    validated: bool  # False: no schema for the kind (a custom resource)


def render(resources: list[Resource], where=None, version: str = KUBERNETES_VERSION) -> tuple[list[Manifest], list[Problem]]:
    """Every Kubernetes object as a manifest, and one problem per object its schema rejects."""
    manifests, problems = [], []
    for resource in filter(is_kubernetes_object, resources):
        body = manifest(resource)
        validated = True
        try:
            kubernetes_validate.validate(body, version, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            validated = False
        except kubernetes_validate.ValidationError as exc:
            path, line = where(resource) if where else (resource.urn, 1)
            field = ".".join(str(p) for p in exc.path) or "(object)"
            problems.append(Problem(path, line, f"{body.get('kind')} {resource.name!r} is not valid Kubernetes {version}: {field}: {exc.message}"))
            continue
        manifests.append(Manifest(resource, body, file_name(resource), validated))
    return manifests, problems


def write(manifests: list[Manifest], out: Path, previous: list[str] = ()) -> list[Path]:
    """Write each manifest; delete the files an earlier run wrote that this one does not (objects no longer declared)."""
    written = write_files([(m.file, m.body) for m in manifests], out)
    current = {m.file for m in manifests}
    for stale in previous:
        if stale not in current and (out / stale).is_file() and Path(stale).name == stale:
            (out / stale).unlink()
    return written
