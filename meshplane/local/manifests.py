"""The Kubernetes objects of `up --local`: rendered, validated offline (strict) where a schema exists, then written.

The schemas are the strict ones kubernetes-validate ships for its newest Kubernetes version, read as files and
compiled once per kind by jsonschema-rs (kubernetes-validate itself parses its 1.8 MB of definitions again for
every object, which made a rerun's manifests cost more than its reading of the cloud). A custom resource (the
Spark operator's ScheduledSparkApplication) has no schema there, and is written with that said, not passed off as
valid.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import jsonschema_rs
import kubernetes_validate

from meshplane.cloud.inventory import Resource
from meshplane.cloud.manifests import file_name, is_kubernetes_object, manifest, write_files
from meshplane.declarations.problems import Problem

KUBERNETES_VERSION = kubernetes_validate.latest_version()
SCHEMAS = files("kubernetes_validate").joinpath("kubernetes-json-schema")
DEFINITIONS = "_definitions.json"  # what every kind's schema refers to


@dataclass(frozen=True)
class Manifest:
    resource: Resource
    body: dict
    file: str
    validated: bool  # False: no schema for the kind (a custom resource)


def schema_file(body: dict) -> str:
    """kubernetes-validate's file for an object's kind: `rbac.authorization.k8s.io/v1` Role is `role-rbac-v1.json`."""
    api_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", str(body.get("apiVersion", "")))
    return f"{str(body.get('kind', '')).lower()}-{api_version}.json"


@lru_cache(maxsize=None)
def _definitions(version: str) -> dict:
    return json.loads(SCHEMAS.joinpath(f"v{version}-local-strict", DEFINITIONS).read_text())


@lru_cache(maxsize=None)
def validator(version: str, name: str) -> jsonschema_rs.Validator | None:
    """The strict schema of one kind, compiled once (its references into the definitions resolved); None when
    kubernetes-validate ships none (a custom resource)."""
    path = SCHEMAS.joinpath(f"v{version}-local-strict", name)
    if not path.is_file():
        return None
    return jsonschema_rs.Draft202012Validator(json.loads(path.read_text()), validate_formats=False, retriever=lambda uri: _definitions(version))


def render(resources: list[Resource], where=None, version: str = KUBERNETES_VERSION) -> tuple[list[Manifest], list[Problem]]:
    """Every Kubernetes object as a manifest, and one problem per object its schema rejects."""
    manifests, problems = [], []
    for resource in filter(is_kubernetes_object, resources):
        body = manifest(resource)
        check = validator(version, schema_file(body))
        error = next(check.iter_errors(body), None) if check is not None else None
        if error is not None:
            path, line = where(resource) if where else (resource.urn, 1)
            field = ".".join(str(p) for p in error.instance_path) or "(object)"
            problems.append(Problem(path, line, f"{body.get('kind')} {resource.name!r} is not valid Kubernetes {version}: {field}: {error.message}"))
            continue
        manifests.append(Manifest(resource, body, file_name(resource), check is not None))
    return manifests, problems


def write(manifests: list[Manifest], out: Path, previous: list[str] = ()) -> list[Path]:
    """Write each manifest; delete the files an earlier run wrote that this one does not (objects no longer declared)."""
    written = write_files([(m.file, m.body) for m in manifests], out)
    current = {m.file for m in manifests}
    for stale in previous:
        if stale not in current and (out / stale).is_file() and Path(stale).name == stale:
            (out / stale).unlink()
    return written
