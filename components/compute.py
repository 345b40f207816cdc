"""ProductCompute: the job that produces the product, on Kubernetes, with its AWS identity through EKS Pod Identity."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Mapping, Sequence

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.base import Quantum

SPARK_API = "sparkoperator.k8s.io/v1beta2"
RUN_AS = 65532  # the conventional non-root "nonroot" user of distroless images


class Engine(str, Enum):
    kubernetes = "kubernetes"  # a CronJob
    spark = "spark"  # a ScheduledSparkApplication (Spark operator)


@dataclass(frozen=True)
class ProductComputeArgs:
    namespace: pulumi.Input[str]
    service_account: str
    cluster_name: str
    image: str
    schedule: str
    engine: Engine = Engine.kubernetes
    cpu: str = "500m"
    memory: str = "1Gi"
    replicas: int = 1
    suspended: bool = False
    env: Mapping[str, str] = field(default_factory=dict)  # the output and input locations
    labels: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    role_arn: pulumi.Input[str] | None = None  # the job role; DataProduct wires its own


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


class ProductCompute(Quantum):
    TOKEN = "meshplane:index:ProductCompute"

    job_name: pulumi.Output[str]

    def __init__(self, name: str, args: ProductComputeArgs, previous: Sequence[str] = (), opts: pulumi.ResourceOptions | None = None):
        super().__init__(self.TOKEN, name, previous, opts)
        meta = {"name": args.service_account, "namespace": args.namespace, "labels": dict(args.labels)}
        account = k8s.core.v1.ServiceAccount(
            self.child_name("service-account"),
            metadata=meta,
            automount_service_account_token=False,
            opts=self.child("service-account"),
        )
        aws.eks.PodIdentityAssociation(
            self.child_name("pod-identity"),
            cluster_name=args.cluster_name,
            namespace=args.namespace,
            service_account=account.metadata.name,
            role_arn=args.role_arn,
            tags=dict(args.tags),
            opts=self.child("pod-identity"),
        )
        env = [{"name": k, "value": v} for k, v in sorted(args.env.items())]
        if args.engine is Engine.spark:
            job = self._spark(meta, args, env)
        else:
            job = self._cronjob(meta, args, env)
        self.job_name = job.metadata["name"] if isinstance(job, k8s.apiextensions.CustomResource) else job.metadata.name
        self.register_outputs({"job_name": self.job_name})

    def _cronjob(self, meta: dict, args: ProductComputeArgs, env: list[dict]) -> k8s.batch.v1.CronJob:
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
        return k8s.batch.v1.CronJob(
            self.child_name("job"),
            metadata=meta,
            spec={
                "schedule": args.schedule,
                "suspend": args.suspended,
                "concurrencyPolicy": "Forbid",
                "successfulJobsHistoryLimit": 3,
                "failedJobsHistoryLimit": 3,
                "jobTemplate": {"spec": {"parallelism": args.replicas, "completions": args.replicas, "backoffLimit": 2, "template": pod}},
            },
            opts=self.child("job"),
        )

    def _spark(self, meta: dict, args: ProductComputeArgs, env: list[dict]) -> k8s.apiextensions.CustomResource:
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
        return k8s.apiextensions.CustomResource(
            self.child_name("job"),
            api_version=SPARK_API,
            kind="ScheduledSparkApplication",
            metadata=meta,
            spec={
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
            },
            opts=self.child("job"),
        )
