"""The inventory built without the engine is the engine's, resource by resource and property by property.

`validate` and `quotas` judge the offline inventory (seconds for 10,000 products); `plan`, `up --local` and
the CrossGuard pack run the real program. These tests pin the two equal: on every stack of the sample,
and on generated meshes of several shapes (one account and an account per domain, Spark and Kubernetes
jobs, hubs, renames).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from meshplane.registrations import engine
from meshplane.registrations.inventory_build import build
from meshplane.registrations.offline import offline
from meshplane.registrations.project import open_project

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "benchmarks"))
from meshgen import Shape, generate, write_project  # noqa: E402

FIELDS = ("type", "name", "inputs", "parent", "provider", "protect", "retain_on_delete", "aliases", "custom", "domain", "product", "id", "outputs")


def differences(project) -> list[str]:
    return compare(engine.run(project).resources, offline(project).resources)


def compare(registered, built) -> list[str]:
    by_engine = {r.urn: r for r in registered}
    by_build = {r.urn: r for r in built}
    assert len(built) == len(by_build), "the offline inventory registers one URN twice"
    found = [f"only the engine registers {u}" for u in sorted(set(by_engine) - set(by_build))]
    found += [f"only the offline inventory has {u}" for u in sorted(set(by_build) - set(by_engine))]
    for urn in sorted(set(by_engine) & set(by_build)):
        a, b = by_engine[urn], by_build[urn]
        for field in FIELDS:
            if a.is_provider and field in ("inputs", "outputs"):
                continue  # the SDK adds its own provider defaults; providers are compared by name and URN
            if getattr(a, field) != getattr(b, field):
                found.append(f"{urn} {field}: engine {getattr(a, field)!r} != offline {getattr(b, field)!r}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("stack", ["dev", "staging", "prod", "prod-podcasts", "local"])
def test_the_sample_on_every_stack(stack):
    assert differences(open_project(ROOT, stack=stack)) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "shape, accounts",
    [(Shape(products=30, domains=4, seed=1), "one"), (Shape(products=60, domains=12, seed=2, hub_domains=8), "per-domain")],
    ids=["one-account", "account-per-domain"],
)
def test_generated_meshes(tmp_path, shape, accounts):
    root = write_project(tmp_path / "project", generate(shape), accounts)
    project = open_project(root, stack="prod")
    assert len(project.mesh.products) == shape.products
    assert differences(project) == []


def test_a_generated_rename_and_a_disposable_product(tmp_path):
    mesh = generate(Shape(products=20, domains=3, seed=5))
    root = write_project(tmp_path / "project", mesh, "one")
    product = next(root.glob("domains/dom-001/products/*.yaml"))
    text = product.read_text()
    product.unlink()
    renamed = product.with_name("renamed-product.yaml")
    renamed.write_text(text.replace(f"name: {product.stem}\n", "name: renamed-product\n") + f"previous_names: [{product.stem}]\ndestroy_data: true\n")
    for other in root.glob("domains/*/products/*.yaml"):  # its consumers follow the rename
        other.write_text(other.read_text().replace(f"dom-001/{product.stem}", "dom-001/renamed-product"))
    stack = root / "stacks" / "Pulumi.prod.yaml"
    text = stack.read_text()
    assert "  meshplane:protectData: true\n" in text and "allowDataDestruction" not in text
    stack.write_text(text.replace("  meshplane:protectData: true\n", "  meshplane:protectData: false\n") + "  meshplane:allowDataDestruction: true\n")
    project = open_project(root, stack="prod")
    assert project.mesh.products["dom-001/renamed-product"].spec.previous_names == (product.stem,)
    assert differences(project) == []


def test_the_comparison_can_fail():
    import dataclasses

    project = open_project(ROOT, stack="dev")
    registered = engine.run(project).resources
    built = build(offline(project).plan, "dev")
    assert compare(registered, built) == []
    bucket = next(i for i, r in enumerate(built) if r.type == "aws:s3/bucket:Bucket")
    changed = built[:bucket] + [dataclasses.replace(built[bucket], inputs={**built[bucket].inputs, "forceDestroy": True})] + built[bucket + 1 :]
    assert [d.split(" ", 1)[1][:20] for d in compare(registered, changed)] == ["inputs: engine {'tag"]
    assert compare(registered, built[1:])[0].startswith("only the engine registers")
