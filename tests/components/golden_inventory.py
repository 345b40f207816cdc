"""Golden inventories: what the real program registers for the sample mesh, per stack, per domain, per product.

Regenerate (after a change you mean, then review the diff in tests/golden/ before committing):

    .venv/bin/python tests/components/golden_inventory.py --update

Without `--update` it checks and prints the drift, like `test_quantum_golden.py` does.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # run as a script: mockkit is a sibling

from mockkit import document, provider_name  # noqa: E402

from components import tokens
from meshplane.cloud.inventory import Resource, integral  # noqa: E402
from meshplane.registrations.engine import Evaluation, evaluate  # noqa: E402
from meshplane.reports.plan import physical_name  # noqa: E402

GOLDEN = HERE.parent / "golden"
ROOT = HERE.parents[1]  # the repository: the sample project
STACKS = ("dev", "prod")
# prod leaves podcasts to prod-podcasts (one stack per domain and environment); its golden is the environment's whole
# mesh, prod as one stack of every domain, which a test pins equal to prod and prod-podcasts together
EVERY_DOMAIN = {"meshplane:excludeDomains": "null"}


def golden_evaluation(stack: str) -> Evaluation:
    """What the golden of `stack` records: the stack's registrations (prod's over every domain)."""
    if stack != "prod":
        return evaluate(stack)
    from meshplane.registrations.project import open_project

    # a stack of every domain would overlap prod-podcasts: run on the project as loaded, past the stacks' check
    return evaluate(stack, EVERY_DOMAIN, project=open_project(ROOT))
COMMAND = ".venv/bin/python tests/components/golden_inventory.py --update"


def path_of(stack: str) -> Path:
    return GOLDEN / f"{stack}.json"


def _statements(doc: dict) -> list[dict]:
    """A policy, one line per statement: what it allows or denies, on what, under which condition keys."""
    out = []
    for s in doc["Statement"]:
        entry = {"sid": s.get("Sid"), "effect": s["Effect"], "actions": s["Action"]}
        if "Resource" in s:
            entry["resources"] = s["Resource"]
        if "Principal" in s:
            entry["principal"] = s["Principal"]
        if "Condition" in s:
            entry["condition"] = s["Condition"]
        out.append(entry)
    return out


def _tags(inputs: dict) -> dict:
    return dict(sorted((inputs.get("tags") or {}).items()))


def properties(r: Resource) -> dict:
    """The key properties of a resource, by type: what a reviewer checks, not every input."""
    i = integral(r.inputs)
    t = r.type
    if t == tokens.BUCKET:
        return {"forceDestroy": i.get("forceDestroy"), "tags": _tags(i)}
    if t == tokens.BUCKET_ENCRYPTION:
        (rule,) = i["rules"]
        default = rule["applyServerSideEncryptionByDefault"]
        return {"sseAlgorithm": default["sseAlgorithm"], "kmsMasterKeyId": default["kmsMasterKeyId"], "bucketKeyEnabled": rule["bucketKeyEnabled"]}
    if t == tokens.BUCKET_PUBLIC_ACCESS:
        return {k: i.get(k) for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")}
    if t == tokens.BUCKET_OWNERSHIP:
        return {"objectOwnership": i["rule"]["objectOwnership"]}
    if t == tokens.BUCKET_VERSIONING:
        return {"status": i["versioningConfiguration"]["status"]}
    if t == tokens.BUCKET_LIFECYCLE:
        rule, markers = i["rules"]
        return {
            "status": rule["status"],
            "expirationDays": rule["expiration"]["days"],
            "noncurrentDays": rule["noncurrentVersionExpiration"]["noncurrentDays"],
            "abortMultipartDays": rule["abortIncompleteMultipartUpload"]["daysAfterInitiation"],
            "expiredDeleteMarkers": markers["expiration"]["expiredObjectDeleteMarker"],
        }
    if t == tokens.BUCKET_POLICY:
        return {"statements": _statements(document(r))}
    if t == tokens.ROLE:
        return {"trust": _statements(document(r, "assumeRolePolicy")), "tags": _tags(i)}
    if t == tokens.ROLE_POLICY:
        return {"statements": _statements(document(r))}
    if t == tokens.KEY:
        return {"enableKeyRotation": i.get("enableKeyRotation"), "deletionWindowInDays": i.get("deletionWindowInDays"),
                "statements": _statements(document(r)), "tags": _tags(i)}  # fmt: skip
    if t == tokens.DATABASE:
        return {"tags": _tags(i)}
    if t == tokens.TABLE:
        sd = i["storageDescriptor"]
        return {
            "database": i["databaseName"],
            "location": sd["location"],
            "serde": sd["serDeInfo"]["serializationLibrary"],
            "columns": [c["name"] for c in sd["columns"]],
            "partitions": [c["name"] for c in i.get("partitionKeys") or []],
            "parameters": dict(sorted(i["parameters"].items())),
        }
    if t == tokens.POD_IDENTITY:
        return {k: i.get(k) for k in ("clusterName", "namespace", "serviceAccount", "roleArn", "targetRoleArn") if k in i} | {"tags": _tags(i)}
    if t == tokens.KEY_ALIAS:
        return {"targetKeyId": bool(i.get("targetKeyId"))}
    if t == tokens.MANAGED_POLICY:
        return {"path": i.get("path"), "statements": _statements(document(r)), "tags": _tags(i)}
    if t == tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE:
        return {"role": i["roleName"], "policies": i["policyArns"]}
    if t == tokens.ACCESS_POINT:
        return {"bucket": i["bucket"], "account": i.get("accountId"), "statements": _statements(document(r)), "tags": _tags(i)}
    if t == tokens.KEY_GRANT:
        return {k: i.get(k) for k in ("granteePrincipal", "operations", "constraints")} | {"key": bool(i.get("keyId"))}
    if t == tokens.LF_PERMISSIONS:
        return {k: i.get(k) for k in ("principal", "permissions", "table")}
    if t == tokens.LF_RESOURCE:
        return {"arn": i["arn"], "roleArn": i["roleArn"]}
    if t == tokens.NAMESPACE:
        return {"labels": dict(sorted(i["metadata"].get("labels", {}).items()))}
    if t == tokens.SERVICE_ACCOUNT:
        return {"namespace": i["metadata"]["namespace"], "automountServiceAccountToken": i.get("automountServiceAccountToken")}
    if t == tokens.CRONJOB:
        spec = i["spec"]
        job = spec["jobTemplate"]["spec"]
        (container,) = job["template"]["spec"]["containers"]
        return {
            "namespace": i["metadata"]["namespace"],
            "schedule": spec["schedule"],
            "suspend": spec["suspend"],
            "parallelism": job["parallelism"],
            "image": container["image"],
            "resources": container["resources"],
            "env": {e["name"]: e["value"] for e in container["env"]},
        }
    if t.endswith(":ScheduledSparkApplication"):
        spec = i["spec"]
        template = spec["template"]
        return {
            "namespace": i["metadata"]["namespace"],
            "schedule": spec["schedule"],
            "suspend": spec["suspend"],
            "image": template["image"],
            "driver": {k: template["driver"][k] for k in ("cores", "coreRequest", "coreLimit", "memory") if k in template["driver"]},
            "executor": {k: template["executor"][k] for k in ("instances", "cores", "coreRequest", "coreLimit", "memory") if k in template["executor"]},
            "env": {e["name"]: e["value"] for e in template["driver"]["env"]},
        }
    return {}


def provider_settings(r: Resource) -> dict:
    """A provider's inputs reach the engine as strings, objects as JSON: read them back as data."""
    out = {}
    for key, value in sorted(r.inputs.items()):
        if key in ("version", "pluginDownloadURL"):
            continue  # the SDK's own version, not ours
        out[key] = json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value
    return out


def entry(r: Resource) -> dict:
    item = {"type": r.type, "name": r.name, "physical": physical_name(r) or None, "provider": provider_name(r)}
    if r.protect:
        item["protect"] = True
    if r.retain_on_delete:
        item["retainOnDelete"] = True
    if r.aliases:
        item["aliases"] = sorted(r.aliases)
    props = properties(r)
    if props:
        item["properties"] = props
    return item


def _counts(resources: list[Resource]) -> dict:
    return dict(sorted(Counter(r.type for r in resources).items()))


def inventory(ev: Evaluation) -> dict:
    """The golden form of an evaluation: counts by type per stack, domain and product, then each resource."""
    cloud = ev.custom()
    providers = [r for r in ev.resources if r.is_provider]
    components = [r for r in ev.resources if not r.custom]
    order = lambda r: (r.type, r.name)  # noqa: E731 registration order follows the mock's scheduling, not the program's
    domains = sorted({r.domain for r in cloud if r.domain})
    products = sorted({r.product for r in cloud if r.product})
    return {
        "regenerate": COMMAND,
        "stack": ev.stack,
        "totals": {"cloud": len(cloud), "components": len(components), "providers": len(providers), "by_type": _counts(cloud)},
        "providers": {r.name: provider_settings(r) for r in sorted(providers, key=order)},
        "components": _counts(components),
        "domains": {
            d: {
                "by_type": _counts([r for r in cloud if r.domain == d]),
                "own": [entry(r) for r in sorted((r for r in cloud if r.domain == d and r.product is None), key=order)],
            }
            for d in domains
        },
        "products": {
            p: {
                "by_type": _counts([r for r in cloud if r.product == p]),
                "resources": [entry(r) for r in sorted((r for r in cloud if r.product == p), key=order)],
            }
            for p in products
        },
        "outputs": ev.outputs,
    }


def render(data: dict) -> str:
    return json.dumps(data, indent=1, sort_keys=False) + "\n"


def changes(expected, actual, path: tuple = ()) -> list[str]:
    """What differs, one line per leaf, resources named by their logical name rather than a list index."""
    where = " > ".join(map(str, path)) or "(top)"
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key in list(expected) + [k for k in actual if k not in expected]:
            if key not in actual:
                out.append(f"{where} > {key}: gone")
            elif key not in expected:
                out.append(f"{where} > {key}: new")
            else:
                out.extend(changes(expected[key], actual[key], path + (key,)))
        return out
    if isinstance(expected, list) and isinstance(actual, list) and all(isinstance(i, dict) and "name" in i for i in expected + actual):
        named = lambda items: {(i["type"], i["name"]): i for i in items}  # noqa: E731
        return changes({f"{t} {n}": v for (t, n), v in named(expected).items()}, {f"{t} {n}": v for (t, n), v in named(actual).items()}, path)
    if expected != actual:
        return [f"{where}: {json.dumps(expected)} -> {json.dumps(actual)}"]
    return []


def drift(stack: str, ev: Evaluation | None = None) -> str:
    """What changed from the golden file to what the program registers now (a summary, then a unified diff); empty when they agree."""
    data = inventory(ev or golden_evaluation(stack))
    actual = render(data)
    path = path_of(stack)
    expected = path.read_text() if path.is_file() else ""
    if actual == expected:
        return ""
    summary = changes(json.loads(expected), json.loads(actual)) if expected else [f"no golden file {path.name}"]
    shown = summary[:40] + ([f"... and {len(summary) - 40} more"] if len(summary) > 40 else [])
    diff = difflib.unified_diff(
        expected.splitlines(keepends=True), actual.splitlines(keepends=True), f"tests/golden/{stack}.json (golden)", f"{stack} (program now)", n=3
    )
    return "\n".join(shown) + "\n\n" + "".join(diff)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check or regenerate the golden inventories (tests/golden/<stack>.json).")
    parser.add_argument("--update", action="store_true", help="write the inventories the program registers now")
    parser.add_argument("stacks", nargs="*", default=list(STACKS), help=f"stacks (default: {' '.join(STACKS)})")
    args = parser.parse_args(argv)
    status = 0
    for stack in args.stacks:
        if args.update:
            path_of(stack).parent.mkdir(parents=True, exist_ok=True)
            path_of(stack).write_text(render(inventory(golden_evaluation(stack))))
            print(f"wrote {path_of(stack).relative_to(Path.cwd()) if path_of(stack).is_relative_to(Path.cwd()) else path_of(stack)}")
        else:
            diff = drift(stack)
            if diff:
                print(diff, end="")
                status = 1
            else:
                print(f"{stack}: matches {path_of(stack).name}")
    return status


if __name__ == "__main__":
    sys.exit(main())
