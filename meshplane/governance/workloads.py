"""The containers a Kubernetes workload runs, read from its object (the resource's inputs).

Covers the job kinds the platform provisions: a CronJob or Job (pod template containers), and the
Spark operator's SparkApplication / ScheduledSparkApplication (driver and executor pod specs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from components import tokens
from meshplane.cloud.inventory import Resource


@dataclass(frozen=True)
class Container:
    where: str  # e.g. "container 'job'", "spark driver"
    security: Mapping = field(default_factory=dict)  # the container's securityContext
    pod_security: Mapping = field(default_factory=dict)  # the pod's securityContext
    requests: Mapping = field(default_factory=dict)
    limits: Mapping = field(default_factory=dict)

    def effective(self, key: str) -> object:
        """A security setting as Kubernetes applies it: the container's, else the pod's."""
        value = self.security.get(key)
        return self.pod_security.get(key) if value is None else value


def _dig(obj: object, *keys: str) -> object:
    for key in keys:
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(key)
    return obj


def _mapping(value: object) -> Mapping:
    return value if isinstance(value, Mapping) else {}


def containers(resource: Resource) -> list[Container] | None:
    """The containers of a workload, or None when the resource is not one."""
    inputs = resource.inputs
    if resource.type == tokens.CRONJOB:
        return _pod_containers(_dig(inputs, "spec", "jobTemplate", "spec", "template", "spec"))
    if resource.type == tokens.JOB:
        return _pod_containers(_dig(inputs, "spec", "template", "spec"))
    if resource.type == tokens.SPARK_APPLICATION:
        return _spark_containers(_dig(inputs, "spec"))
    if resource.type == tokens.SCHEDULED_SPARK_APPLICATION:
        return _spark_containers(_dig(inputs, "spec", "template"))
    return None


def _pod_containers(pod: object) -> list[Container]:
    pod = _mapping(pod)
    pod_security = _mapping(pod.get("securityContext"))
    result = []
    for kind in ("initContainers", "containers"):
        for item in pod.get(kind) or ():
            item = _mapping(item)
            resources = _mapping(item.get("resources"))
            label = "init container" if kind == "initContainers" else "container"
            result.append(
                Container(
                    where=f"{label} {item.get('name', '?')!r}",
                    security=_mapping(item.get("securityContext")),
                    pod_security=pod_security,
                    requests=_mapping(resources.get("requests")),
                    limits=_mapping(resources.get("limits")),
                )
            )
    return result


def _spark_containers(spec: object) -> list[Container]:
    spec = _mapping(spec)
    result = []
    for role in ("driver", "executor"):
        pod = _mapping(spec.get(role))
        # Spark sizes pods from cores / coreLimit / memory: cores is the CPU request, coreLimit the
        # CPU limit, and memory (plus overhead) both the memory request and limit.
        requests = {k: v for k, v in (("cpu", pod.get("cores")), ("memory", pod.get("memory"))) if v is not None}
        limits = {k: v for k, v in (("cpu", pod.get("coreLimit")), ("memory", pod.get("memory"))) if v is not None}
        result.append(
            Container(
                where=f"spark {role}",
                security=_mapping(pod.get("securityContext")),
                pod_security=_mapping(pod.get("podSecurityContext")),
                requests=requests,
                limits=limits,
            )
        )
    return result
