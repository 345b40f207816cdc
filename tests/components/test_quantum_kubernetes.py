"""Every Kubernetes object the program registers, validated offline against a current Kubernetes schema.

Namespace, ServiceAccount and CronJob are validated with kubernetes-validate (strict: unknown fields
are errors) for Kubernetes 1.37, the newest version the installed kubernetes-validate 1.37.0 ships.

ScheduledSparkApplication is a custom resource: Kubernetes has no schema for it and kubernetes-validate
none either. It is checked here against a JSON Schema written from the Spark operator's v1beta2 API
(kubeflow/spark-operator, api/v1beta2: SparkPodSpec, DriverSpec, ExecutorSpec): the known fields only,
the types of the ones meshplane sets, and Kubernetes' own definitions for the embedded core types (EnvVar,
SecurityContext, ...). Then each driver and executor pod is built as the operator would build it and
validated as a Kubernetes Pod, strict. Tests with broken objects show that both checks can fail.
"""

from __future__ import annotations

import copy
import json

import jsonschema
import kubernetes_validate
import pytest
from kubernetes_validate.utils import latest_version, major_minor
from mockkit import quantity
from referencing import Registry
from referencing import Resource as SchemaResource

from meshplane.cloud.inventory import integral

K8S = "1.37"
SPARK_KIND = "ScheduledSparkApplication"
BUILTIN = {"Namespace", "ServiceAccount", "CronJob"}

DEFS = "https://kubernetes.io/api/_definitions.json#/$defs/"
CORE = DEFS + "io.k8s.api.core.v1."
QUANTITY = r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$"
JVM_MEMORY = r"^[0-9]+[kmgt]?$"  # what spark.{driver,executor}.memory accepts ("8g"), not a Kubernetes quantity ("8Gi")
DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"

# The fields of the operator's SparkPodSpec, and what DriverSpec / ExecutorSpec add (api/v1beta2).
SPARK_POD_FIELDS = (
    "template", "cores", "coreLimit", "memory", "memoryOverhead", "gpu", "image", "configMaps", "secrets", "env",
    "envVars", "envFrom", "envSecretKeyRefs", "labels", "annotations", "volumeMounts", "affinity", "tolerations",
    "podSecurityContext", "securityContext", "schedulerName", "sidecars", "initContainers", "hostNetwork",
    "nodeSelector", "dnsConfig", "terminationGracePeriodSeconds", "serviceAccount", "hostAliases",
    "shareProcessNamespace", "runtimeClassName",
)
DRIVER_FIELDS = ("podName", "coreRequest", "javaOptions", "lifecycle", "kubernetesMaster", "serviceAnnotations",
                 "serviceLabels", "ports", "priorityClassName")
EXECUTOR_FIELDS = ("instances", "coreRequest", "javaOptions", "lifecycle", "deleteOnTermination", "ports", "priorityClassName")
APPLICATION_FIELDS = (
    "type", "sparkVersion", "mode", "proxyUser", "image", "imagePullPolicy", "imagePullSecrets", "mainClass",
    "mainApplicationFile", "arguments", "sparkConf", "hadoopConf", "sparkConfigMap", "hadoopConfigMap", "volumes",
    "driver", "executor", "deps", "restartPolicy", "nodeSelector", "failureRetries", "retryInterval", "pythonVersion",
    "memoryOverheadFactor", "monitoring", "batchScheduler", "timeToLiveSeconds", "batchSchedulerOptions",
    "sparkUIOptions", "driverIngressOptions", "dynamicAllocation",
)
TYPED = {
    "cores": {"type": "integer", "minimum": 1},
    "coreRequest": {"type": "string", "pattern": QUANTITY},
    "coreLimit": {"type": "string", "pattern": QUANTITY},
    "memory": {"type": "string", "pattern": JVM_MEMORY},
    "image": {"type": "string", "minLength": 1},
    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    "serviceAccount": {"type": "string", "pattern": DNS_SUBDOMAIN},
    "env": {"type": "array", "items": {"$ref": CORE + "EnvVar"}},
    "securityContext": {"$ref": CORE + "SecurityContext"},
    "podSecurityContext": {"$ref": CORE + "PodSecurityContext"},
    "volumeMounts": {"type": "array", "items": {"$ref": CORE + "VolumeMount"}},
    "instances": {"type": "integer", "minimum": 1},
}


def _pod_spec(extra: tuple[str, ...]) -> dict:
    return {"type": "object", "additionalProperties": False, "properties": {f: TYPED.get(f, {}) for f in SPARK_POD_FIELDS + extra}}


SPARK_SCHEMA = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"const": "sparkoperator.k8s.io/v1beta2"},
        "kind": {"const": SPARK_KIND},
        "metadata": {"$ref": DEFS + "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
        "spec": {
            "type": "object",
            "required": ["schedule", "template"],
            "additionalProperties": False,
            "properties": {
                "schedule": {"type": "string", "minLength": 1},
                "timeZone": {"type": "string"},
                "suspend": {"type": "boolean"},
                "concurrencyPolicy": {"enum": ["Allow", "Forbid", "Replace"]},
                "successfulRunHistoryLimit": {"type": "integer", "minimum": 1},
                "failedRunHistoryLimit": {"type": "integer", "minimum": 1},
                "template": {
                    "type": "object",
                    "required": ["type", "sparkVersion", "driver", "executor"],
                    "additionalProperties": False,
                    "properties": {
                        **{f: {} for f in APPLICATION_FIELDS},
                        "type": {"enum": ["Java", "Scala", "Python", "R"]},
                        "mode": {"enum": ["cluster", "client", "in-cluster-client"]},
                        "sparkVersion": {"type": "string", "pattern": r"^[0-9]+\.[0-9]+\.[0-9]+$"},
                        "image": {"type": "string", "minLength": 1},
                        "imagePullPolicy": {"enum": ["Always", "IfNotPresent", "Never"]},
                        "mainApplicationFile": {"type": "string", "minLength": 1},
                        "restartPolicy": {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {
                                "type": {"enum": ["Never", "Always", "OnFailure"]},
                                "onSubmissionFailureRetries": {"type": "integer"},
                                "onFailureRetries": {"type": "integer"},
                                "onSubmissionFailureRetryInterval": {"type": "integer"},
                                "onFailureRetryInterval": {"type": "integer"},
                            },
                        },
                        "driver": _pod_spec(DRIVER_FIELDS),
                        "executor": _pod_spec(EXECUTOR_FIELDS),
                    },
                },
            },
        },
    },
}


@pytest.fixture(scope="module")
def spark_validator() -> jsonschema.Draft202012Validator:
    """The Spark schema, resolving Kubernetes' core types from kubernetes-validate's strict definitions."""
    from importlib.resources import files

    version = next(v for v in reversed(kubernetes_validate.utils.all_versions()) if major_minor(v) == K8S)
    defs = json.loads(files("kubernetes_validate").joinpath(f"kubernetes-json-schema/v{version}-local-strict/_definitions.json").read_text())
    registry = SchemaResource.from_contents(defs) @ Registry()
    return jsonschema.Draft202012Validator(SPARK_SCHEMA, registry=registry)


def objects(ev) -> list[dict]:
    """Kubernetes objects as the cluster receives them (the mock engine's floats back to integers)."""
    return [integral(r.inputs) for r in ev.custom() if r.type.startswith("kubernetes:")]


def spark_pods(app: dict) -> list[dict]:
    """The driver and executor pods, built as the Spark operator builds them from the application."""
    template = app["spec"]["template"]
    pods = []
    for role in ("driver", "executor"):
        spec = template[role]
        container = {
            "name": f"spark-kubernetes-{role}",
            "image": spec.get("image", template["image"]),
            "imagePullPolicy": template["imagePullPolicy"],
            "env": spec.get("env", []),
            "securityContext": spec.get("securityContext", {}),
            "resources": {
                # the JVM's memory; Spark adds its overhead: a schema check, not a sizing check
                "requests": {"cpu": spec.get("coreRequest", str(spec.get("cores", 1))), "memory": spec["memory"].upper() + "i"},
                "limits": {"cpu": spec["coreLimit"]},
            },
        }
        pods.append(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": f"{app['metadata']['name']}-{role}", "namespace": app["metadata"]["namespace"], "labels": spec.get("labels", {})},
                "spec": {
                    "serviceAccountName": spec["serviceAccount"],
                    "restartPolicy": "Never",
                    "securityContext": spec.get("podSecurityContext", {}),
                    "containers": [container],
                },
            }
        )
    return pods


def test_the_version_is_the_newest_kubernetes_validate_ships():
    assert major_minor(latest_version()) == K8S


def test_every_builtin_object_is_valid_for_kubernetes_strict(env_eval):
    kinds = set()
    for obj in objects(env_eval):
        if obj["kind"] == SPARK_KIND:
            continue
        assert obj["kind"] in BUILTIN, f"{obj['kind']}: a kind these tests do not know yet; validate it"
        assert kubernetes_validate.validate(obj, K8S, strict=True) == K8S
        kinds.add(obj["kind"])
    assert kinds == BUILTIN


def test_strict_validation_catches_an_unknown_or_mistyped_field(prod):
    cronjob = next(o for o in objects(prod) if o["kind"] == "CronJob")
    unknown = copy.deepcopy(cronjob)
    unknown["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["runAsUser"] = 1000  # belongs in securityContext
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(unknown, K8S, strict=True)
    mistyped = copy.deepcopy(cronjob)
    mistyped["spec"]["suspend"] = "no"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(mistyped, K8S, strict=True)


def test_spark_applications_match_the_operator_api(env_eval, spark_validator):
    apps = [o for o in objects(env_eval) if o["kind"] == SPARK_KIND]
    assert len(apps) == 2
    for app in apps:
        errors = sorted(spark_validator.iter_errors(app), key=lambda e: list(e.absolute_path))
        assert not errors, "\n".join(f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


@pytest.mark.parametrize(
    "path, value",
    [
        (("driver", "memory"), "8Gi"),  # a Kubernetes quantity where Spark wants "8g"
        (("executor", "cores"), 0),
        (("executor", "instances"), "3"),
        (("driver", "cpu"), "2"),  # not a field of the operator's API
        (("driver", "env"), [{"name": "A", "val": "b"}]),  # not an EnvVar
        (("executor", "securityContext"), {"runAsNonRoot": True, "readOnlyRootFS": True}),  # not a SecurityContext
        (("restartPolicy",), {"type": "Sometimes"}),
    ],
)
def test_the_spark_schema_can_fail(prod, spark_validator, path, value):
    app = copy.deepcopy(next(o for o in objects(prod) if o["kind"] == SPARK_KIND))
    target = app["spec"]["template"]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert list(spark_validator.iter_errors(app)), f"{path} = {value!r} passed"


def test_spark_driver_and_executor_pods_are_valid_pods(env_eval):
    for app in (o for o in objects(env_eval) if o["kind"] == SPARK_KIND):
        for pod in spark_pods(app):
            assert kubernetes_validate.validate(pod, K8S, strict=True) == K8S
            (container,) = pod["spec"]["containers"]
            resources = container["resources"]
            assert quantity(resources["requests"]["cpu"]) <= quantity(resources["limits"]["cpu"]), pod["metadata"]["name"]


def test_a_spark_pod_asking_more_cpu_than_its_limit_is_caught(prod):
    app = copy.deepcopy(next(o for o in objects(prod) if o["kind"] == SPARK_KIND))
    del app["spec"]["template"]["executor"]["coreRequest"]
    app["spec"]["template"]["executor"]["coreLimit"] = "500m"  # cores (1) over the limit
    executor = spark_pods(app)[1]["spec"]["containers"][0]["resources"]
    assert quantity(executor["requests"]["cpu"]) > quantity(executor["limits"]["cpu"])


def test_containers_are_locked_down_and_sized(env_eval):
    def locked(security: dict) -> None:
        assert security["runAsNonRoot"] is True and security["runAsUser"] > 0
        assert security["readOnlyRootFilesystem"] is True
        assert security["allowPrivilegeEscalation"] is False and security["privileged"] is False
        assert security["capabilities"] == {"drop": ["ALL"]}
        assert security["seccompProfile"] == {"type": "RuntimeDefault"}

    for obj in objects(env_eval):
        if obj["kind"] == "CronJob":
            pod = obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
            (container,) = pod["containers"]
            locked(container["securityContext"])
            assert container["resources"]["requests"] == container["resources"]["limits"]
            assert set(container["resources"]["limits"]) == {"cpu", "memory"}
            assert pod["serviceAccountName"] == obj["metadata"]["name"]
        elif obj["kind"] == SPARK_KIND:
            for role in ("driver", "executor"):
                locked(obj["spec"]["template"][role]["securityContext"])
                assert obj["spec"]["template"][role]["serviceAccount"] == obj["metadata"]["name"]


def test_namespaces_enforce_the_restricted_pod_security_standard(env_eval):
    for obj in objects(env_eval):
        if obj["kind"] == "Namespace":
            assert obj["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
        else:
            assert obj["metadata"]["namespace"] in {o["metadata"]["name"] for o in objects(env_eval) if o["kind"] == "Namespace"}


def test_jobs_get_their_output_and_granted_inputs_as_environment(prod):
    for obj in objects(prod):
        if obj["kind"] == "CronJob":
            env = obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["env"]
        elif obj["kind"] == SPARK_KIND:
            env = obj["spec"]["template"]["driver"]["env"]
            assert env == obj["spec"]["template"]["executor"]["env"]
        else:
            continue
        names = [e["name"] for e in env]
        assert names == sorted(names)
        values = {e["name"]: e["value"] for e in env}
        assert values["OUTPUT_LOCATION"].startswith("s3://daff-prod-") and values["AWS_REGION"] == "eu-west-1"
        # an input is read through the access point its producer made for this job (its ARN stands for a bucket in every SDK)
        assert all(v.startswith("arn:aws:s3:eu-west-1:333333333333:accesspoint/daff-prod-") for k, v in values.items() if k.startswith("INPUT_"))
