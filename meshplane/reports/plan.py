"""`meshplane plan`: what `pulumi up` would create, per domain and product, from the real program under mocks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from components import tokens
from meshplane.cloud.inventory import Resource


def physical_name(resource: Resource) -> str:
    """The name the resource gets in the cloud (or the cluster), as far as its inputs tell."""
    return physical_name_of(resource.type, resource.inputs)


def physical_name_of(token: str, inputs: Mapping) -> str:
    if token.startswith(tokens.KUBERNETES_PREFIX):
        return str((inputs.get("metadata") or {}).get("name", ""))
    if token == tokens.ROLE_POLICY:
        return f"{inputs.get('role', '')}/{inputs.get('name', '')}"
    for key in ("name", "bucket", "serviceAccount"):
        if isinstance(inputs.get(key), str):
            return inputs[key]
    return ""


def short_type(token: str) -> str:
    """`aws:s3/bucket:Bucket` -> `aws:s3:Bucket`, `kubernetes:batch/v1:CronJob` -> `k8s:CronJob`."""
    package, module, name = (token.split(":") + ["", ""])[:3]
    if package == "kubernetes":
        return f"k8s:{name}"
    return f"{package}:{module.split('/')[0]}:{name}"


def flags(resource: Resource, aliases: bool = False) -> str:
    """The resource's protection; with `aliases`, every URN it had under earlier names and parents (long: on request)."""
    marks = []
    if resource.protect:
        marks.append("protected")
    if resource.retain_on_delete:
        marks.append("retained")
    if resource.inputs.get("forceDestroy"):
        marks.append("force-destroy")
    if aliases and resource.aliases:
        marks.append("alias " + ", ".join(resource.aliases))
    return f"  [{'; '.join(marks)}]" if marks else ""


def in_order(resources: list[Resource]) -> list[Resource]:
    """The cloud resources, stack-level first, then by domain, product and name: the engine registers them as
    their inputs resolve, in no fixed order, and a plan reads the same every time."""
    return sorted((r for r in resources if r.custom), key=lambda r: (r.domain or "", r.product or "", r.name, r.type))


def as_json(stack: str, resources: list[Resource], aliases: bool = False) -> dict:
    """The plan for programs; each resource's URN aliases only with `aliases`."""
    cloud = in_order(resources)
    return {
        "stack": stack,
        "total": len(cloud),
        "by_type": dict(sorted(Counter(r.type for r in cloud).items())),
        "resources": [
            {
                "type": r.type,
                "name": r.name,
                "physical_name": physical_name(r),
                "domain": r.domain,
                "product": r.product,
                "protect": r.protect,
                "retain_on_delete": r.retain_on_delete,
                **({"aliases": list(r.aliases)} if aliases else {}),
            }
            for r in cloud
        ],
    }


def render(stack: str, resources: list[Resource], aliases: bool = False) -> str:
    """The plan for people; each resource's URN aliases only with `aliases`."""
    cloud = in_order(resources)
    domains: dict[str, list[Resource]] = {}  # the domain's own resources
    products: dict[str, dict[str, list[Resource]]] = {}  # domain -> product -> its resources
    stack_level: list[Resource] = []
    for r in cloud:  # grouped in one pass
        if r.domain is None:
            stack_level.append(r)
        elif r.product is None:
            domains.setdefault(r.domain, []).append(r)
        else:
            domains.setdefault(r.domain, [])
            products.setdefault(r.domain, {}).setdefault(r.product, []).append(r)
    count = sum(len(p) for p in products.values())
    lines = [f"plan for stack {stack}: {len(cloud)} resources to create, {len(domains)} domains, {count} products"]
    if stack_level:
        lines.append(f"stack ({len(stack_level)})")
        lines.extend(f"  + {short_type(r.type):<40} {r.name}" for r in stack_level)
    for domain, own in domains.items():
        mine = products.get(domain, {})
        lines.append(f"{domain} ({len(own)} + {sum(len(rs) for rs in mine.values())} in products)")
        lines.extend(f"  + {short_type(r.type):<40} {physical_name(r) or r.name}{flags(r, aliases)}" for r in own)
        for product, rs in mine.items():
            lines.append(f"  {product} ({len(rs)})")
            lines.extend(f"    + {short_type(r.type):<38} {physical_name(r) or r.name}{flags(r, aliases)}" for r in rs)
    counts = Counter(short_type(r.type) for r in cloud)
    lines.append("by type: " + ", ".join(f"{n} {t}" for t, n in sorted(counts.items())))
    return "\n".join(lines)
