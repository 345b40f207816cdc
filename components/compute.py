"""A product's job, on Kubernetes, with its AWS identity through EKS Pod Identity."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from components import tokens
from components.spec import Child

FORMER_PARENT = "meshplane:index:ProductCompute"
SPARK_API = "sparkoperator.k8s.io/v1beta2"
RUN_AS = 65532  # the conventional non-root "nonroot" user of distroless images


class Engine(str, Enum):
    kubernetes = "kubernetes"  # a CronJob
    spark = "spark"  # a ScheduledSparkApplication (Spark operator)


@dataclass(frozen=True)
class ProductComputeArgs:
    namespace: str
    service_account: str
    cluster_name: str
    role_arn: str  # the role EKS Pod Identity assumes: the job's, or its domain's broker when the domain lives elsewhere
    image: str
    schedule: str
    target_role_arn: str | None = None  # the job's role, chained into from the broker
    engine: Engine = Engine.kubernetes
    cpu: str = "500m"
    memory: str = "1Gi"
    replicas: int = 1
    suspended: bool = False
    env: Mapping[str, str] = field(default_factory=dict)  # the output and input locations
    labels: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)


def pull_policy(image: str) -> str:
    """A digest names one image forever; a tag is checked against the registry at every start."""
    return "IfNotPresent" if "@sha256:" in image else "Always"


def whole_cores(cpu: str) -> int:
    """Spark counts cores in whole numbers: "500m" -> 1, "2" -> 2, "2.5" -> 2."""
    cores = float(cpu[:-1]) / 1000 if cpu.endswith("m") else float(cpu)
    return max(1, int(cores))


def container_security() -> dict:
    return {
        "runAsNonRoot": True,
        "runAsUser": RUN_AS,
        "readOnlyRootFilesystem": True,
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def compute_children(args: ProductComputeArgs) -> list[Child]:
    meta = {"name": args.service_account, "namespace": args.namespace, "labels": dict(args.labels)}
    env = [{"name": k, "value": v} for k, v in sorted(args.env.items())]
    association = {
        "cluster_name": args.cluster_name,
        "namespace": args.namespace,
        "service_account": args.service_account,
        "role_arn": args.role_arn,
        "target_role_arn": args.target_role_arn,
        "tags": dict(args.tags),
    }
    job = _spark(meta, args, env) if args.engine is Engine.spark else _cronjob(meta, args, env)
    return [
        Child(tokens.SERVICE_ACCOUNT, "service-account", {"metadata": meta, "automount_service_account_token": False}, provider="kubernetes"),
        Child(tokens.POD_IDENTITY, "pod-identity", association, after=["service-account", "job-role"], provider="cluster"),
        job,
    ]


def _cronjob(meta: dict, args: ProductComputeArgs, env: list[dict]) -> Child:
    resources = {"cpu": args.cpu, "memory": args.memory}
    pod = {
        "metadata": {"labels": dict(args.labels)},
        "spec": {
            "serviceAccountName": args.service_account,
            "automountServiceAccountToken": False,  # EKS Pod Identity projects a token of its own
            "restartPolicy": "Never",
            "securityContext": {"runAsNonRoot": True, "runAsUser": RUN_AS, "fsGroup": RUN_AS, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [
                {
                    "name": "job",
                    "image": args.image,
                    "imagePullPolicy": pull_policy(args.image),
                    "env": env,
                    "resources": {"requests": resources, "limits": resources},
                    "securityContext": container_security(),
                    "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
                }
            ],
            "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "1Gi"}}],
        },
    }
    spec = {
        "schedule": args.schedule,
        "suspend": args.suspended,
        "concurrencyPolicy": "Forbid",
        "successfulJobsHistoryLimit": 3,
        "failedJobsHistoryLimit": 3,
        "jobTemplate": {"spec": {"parallelism": args.replicas, "completions": args.replicas, "backoffLimit": 2, "template": pod}},
    }
    return Child(tokens.CRONJOB, "job", {"metadata": meta, "spec": spec}, after=["service-account"], provider="kubernetes")


def _spark(meta: dict, args: ProductComputeArgs, env: list[dict]) -> Child:
    pod = {
        "cores": whole_cores(args.cpu),
        # the pod's CPU request is `cores` unless set: 1 core over a "500m" limit is a pod Kubernetes refuses
        "coreRequest": args.cpu,
        "coreLimit": args.cpu,
        "memory": args.memory.replace("Gi", "g").replace("Mi", "m"),
        "labels": dict(args.labels),
        "serviceAccount": args.service_account,
        "env": env,
        "securityContext": container_security(),
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],  # Spark spills there; the root is read-only
    }
    spec = {
        "schedule": args.schedule,
        "suspend": args.suspended,
        "concurrencyPolicy": "Forbid",
        "template": {
            "type": "Python",
            "mode": "cluster",
            "image": args.image,
            "imagePullPolicy": pull_policy(args.image),
            "mainApplicationFile": "local:///app/main.py",
            "sparkVersion": "3.5.3",
            "restartPolicy": {"type": "Never"},
            "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "10Gi"}}],
            "driver": pod,
            "executor": {**pod, "instances": args.replicas},
        },
    }
    props = {"api_version": SPARK_API, "kind": "ScheduledSparkApplication", "metadata": meta, "spec": spec}
    return Child(tokens.SCHEDULED_SPARK_APPLICATION, "job", props, after=["service-account"], provider="kubernetes")
