"""Fixtures of the governance tests: small meshes built from product dicts, and a compliant stack of resources.

Meshes are parsed from YAML text exactly as the loader does, so findings carry real line numbers.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import replace

import yaml

from components import tokens
from meshplane.cloud.inventory import Resource
from meshplane.declarations.federation import Federation
from meshplane.declarations.loader import parse_spec
from meshplane.declarations.mesh import DeclaredDomain, DeclaredProduct, Mesh, Source
from meshplane.declarations.spec import Domain, Product

PRODUCT_MODELINE = "# yaml-language-server: $schema=../../../schemas/product.schema.json\n"
FEDERATION_MODELINE = "# yaml-language-server: $schema=../schemas/federation.schema.json\n"
DIGEST = "@sha256:" + "ab" * 32

# The test federation: written out (not the repository's file), so each case states its thresholds.
FEDERATION_TEXT = FEDERATION_MODELINE + """\
open_to_mesh: [public, internal]
classifications:
  confidential:
    retention: {min_days: 3, max_days: 1095}
vocabulary:
  listener_id: {type: string, description: "A listener, issued at sign-up."}
  episode_id: {type: string, description: "A podcast episode, issued at release."}
rules:
  MESH-010:
    environments: {dev: advisory}
"""


def federation(text: str = FEDERATION_TEXT, path: str = "governance/federation.yaml") -> Federation:
    """A federation read from text, remembering its source like `load_federation` does."""
    spec, doc = parse_spec(text.encode(), Federation)
    spec._source = Source(path=path, lines=doc.lines)
    return spec


def federation_with(extra: str) -> Federation:
    return federation(FEDERATION_TEXT + extra)


def listens() -> dict:
    """users/play-events: confidential, PII, serves the podcasts domain."""
    return {
        "name": "play-events",
        "description": "Every stream a listener plays, for royalties and recommendations.",
        "owner": "users-data@daff.example",
        "kind": "source-aligned",
        "classification": "confidential",
        "output": {
            "columns": [
                {"name": "listener_id", "type": "string", "description": "Pseudonymous listener.", "pii": True, "polyseme": "listener_id"},
                {"name": "played_seconds", "type": "int", "description": "Seconds actually played."},
            ],
            "partitions": [{"name": "play_date", "type": "date", "description": "Day of the stream (UTC)."}],
        },
        "consumers": ["podcasts"],
        "service_levels": {"freshness_hours": 24, "availability": 99.9},
        "retention_days": 400,
        "job": {"image": "registry.daff.example/users/play-events" + DIGEST},
    }


def plays() -> dict:
    """podcasts/podcast-plays: internal, reads users/play-events."""
    return {
        "name": "podcast-plays",
        "description": "Podcast plays per episode and day, for the podcasts team.",
        "owner": "podcasts-data@daff.example",
        "kind": "aggregate",
        "classification": "internal",
        "output": {
            "columns": [
                {"name": "episode_id", "type": "string", "description": "Episode identifier.", "polyseme": "episode_id"},
                {"name": "plays", "type": "bigint", "description": "Plays of the episode."},
            ]
        },
        "inputs": ["users/play-events"],
        "service_levels": {"freshness_hours": 48, "availability": 99.5},  # its input's 24 + a daily job's 24
        "retention_days": 365,
        "job": {"image": "registry.daff.example/podcasts/podcast-plays:1.4.0"},
        "declassification": "Counts plays per episode and day; no listener identifier leaves the job.",
    }


def product_text(data: dict) -> str:
    return PRODUCT_MODELINE + yaml.safe_dump(data, sort_keys=False)


def build_mesh(*products: tuple[str, dict]) -> Mesh:
    """A mesh of (domain, product dict) pairs; raises if a product does not validate."""
    domains = {}
    declared = []
    for domain, data in products:
        domains[domain] = DeclaredDomain(
            spec=Domain(name=domain, description=f"The {domain} domain.", team=f"{domain} team", contact=f"{domain}@daff.example"),
            source=Source(path=f"domains/{domain}/domain.yaml"),
        )
        spec, doc = parse_spec(product_text(data).encode(), Product)
        declared.append(DeclaredProduct(domain=domain, spec=spec, source=Source(path=f"domains/{domain}/products/{spec.name}.yaml", lines=doc.lines)))
    return Mesh.build(domains, declared)


def mesh(change_listens: Callable[[dict], None] | None = None, change_plays: Callable[[dict], None] | None = None) -> Mesh:
    """The two-product test mesh, each product changed in place by its function first."""
    a, b = listens(), plays()
    if change_listens:
        change_listens(a)
    if change_plays:
        change_plays(b)
    return build_mesh(("users", a), ("podcasts", b))


# --- resources -----------------------------------------------------------------------------------------

BUCKET = "daff-dev-users-play-events"
ROLE = "daff-dev-users-play-events-job"
PARENT = "urn:pulumi:dev::meshplane::meshplane:index:DataProduct$meshplane:index:ProductStorage::users/play-events"
ACCESS = "urn:pulumi:dev::meshplane::meshplane:index:DataProduct$meshplane:index:ProductAccess::users/play-events"
COMPUTE = "urn:pulumi:dev::meshplane::meshplane:index:DataProduct$meshplane:index:ProductCompute::users/play-events"


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


TLS_DENY = {
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
READERS = {
    "Sid": "AllowAgreedReaders",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
    "Action": ["s3:GetObject", "s3:ListBucket"],
    "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
    "Condition": {"ArnEquals": {"aws:PrincipalArn": ["arn:aws:iam::111111111111:role/daff-dev-podcasts-readers"]}},
}
POD_IDENTITY_TRUST = {
    "Effect": "Allow",
    "Principal": {"Service": "pods.eks.amazonaws.com"},
    "Action": ["sts:AssumeRole", "sts:TagSession"],
}
WRITE_OWN = {
    "Sid": "WriteOwn",
    "Effect": "Allow",
    "Action": ["s3:PutObject", "s3:GetObject", "s3:ListBucket"],
    "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
}
SECURITY = {
    "runAsNonRoot": True,
    "runAsUser": 65532.0,
    "readOnlyRootFilesystem": True,
    "allowPrivilegeEscalation": False,
    "privileged": False,
    "capabilities": {"drop": ["ALL"]},
}


def _r(type_: str, name: str, inputs: dict, parent: str = PARENT, product: str | None = "users/play-events") -> Resource:
    urn = f"{parent}${type_}::{name}"
    return Resource(urn=urn, type=type_, name=name, inputs=inputs, parent=parent, domain="users" if product else None, product=product)


def compliant_stack() -> list[Resource]:
    """One product's resources, compliant with every resource and limit rule."""
    return [
        _r(tokens.BUCKET, "users/play-events-bucket", {"bucket": BUCKET, "forceDestroy": False}),
        _r(
            tokens.BUCKET_ENCRYPTION,
            "users/play-events-encryption",
            {"bucket": BUCKET, "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "alias/daff-dev-users"}, "bucketKeyEnabled": True}]},
        ),
        _r(
            tokens.BUCKET_PUBLIC_ACCESS,
            "users/play-events-public-access",
            {"bucket": BUCKET, "blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True},
        ),
        _r(tokens.BUCKET_POLICY, "users/play-events-policy", {"bucket": BUCKET, "policy": doc(TLS_DENY, READERS)}),
        _r(tokens.BUCKET_VERSIONING, "users/play-events-versioning", {"bucket": BUCKET, "versioningConfiguration": {"status": "Enabled"}}),
        _r(tokens.ROLE, "users/play-events-job", {"name": ROLE, "assumeRolePolicy": doc(POD_IDENTITY_TRUST)}, parent=ACCESS),
        _r(tokens.ROLE_POLICY, "users/play-events-write", {"name": "write", "role": ROLE, "policy": doc(WRITE_OWN)}, parent=ACCESS),
        _r(tokens.MANAGED_POLICY, "users/play-events-read", {"name": "read", "policy": doc(WRITE_OWN)}, parent=ACCESS),
        _r(tokens.ROLE_POLICY_ATTACHMENT, "users/play-events-read", {"role": ROLE, "policyArn": "arn:aws:iam::111111111111:policy/read"}, parent=ACCESS),
        _r(
            tokens.CRONJOB,
            "users/play-events-job",
            {
                "apiVersion": "batch/v1",
                "kind": "CronJob",
                "metadata": {"name": "play-events", "namespace": "users"},
                "spec": {
                    "schedule": "@hourly",
                    "jobTemplate": {
                        "spec": {
                            "template": {
                                "spec": {
                                    "securityContext": {"runAsNonRoot": True, "runAsUser": 65532.0},
                                    "containers": [
                                        {
                                            "name": "job",
                                            "image": "registry.daff.example/users/play-events" + DIGEST,
                                            "securityContext": dict(SECURITY),
                                            "resources": {"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"cpu": "1", "memory": "2Gi"}},
                                        }
                                    ],
                                }
                            }
                        }
                    },
                },
            },
            parent=COMPUTE,
        ),
        _r(
            tokens.SCHEDULED_SPARK_APPLICATION,
            "users/play-events-spark",
            {
                "apiVersion": "sparkoperator.k8s.io/v1beta2",
                "kind": "ScheduledSparkApplication",
                "metadata": {"name": "play-events-spark", "namespace": "users"},
                "spec": {
                    "schedule": "@daily",
                    "template": {
                        "type": "Python",
                        "driver": {"cores": 1.0, "coreLimit": "1", "memory": "2g", "securityContext": dict(SECURITY)},
                        "executor": {"cores": 2.0, "coreLimit": "2", "memory": "4g", "instances": 2.0, "securityContext": dict(SECURITY)},
                    },
                },
            },
            parent=COMPUTE,
        ),
    ]


def changed(stack: list[Resource], type_suffix: str, change: Callable[[dict], object]) -> list[Resource]:
    """The stack with the inputs of every resource whose type ends with `type_suffix` changed in place by `change`."""
    result = []
    for r in stack:
        if r.type.endswith(type_suffix):
            inputs = copy.deepcopy(r.inputs)
            change(inputs)
            r = replace(r, inputs=inputs)
        result.append(r)
    return result


def without(stack: list[Resource], type_suffix: str) -> list[Resource]:
    return [r for r in stack if not r.type.endswith(type_suffix)]


def with_extra(stack: list[Resource], *extra: Resource) -> list[Resource]:
    return [*stack, *extra]


def resource(type_: str, name: str, inputs: dict, **kw) -> Resource:
    return _r(type_, name, inputs, **kw)
