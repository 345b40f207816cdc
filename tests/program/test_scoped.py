"""A stack of some domains reads the mesh around them only, and gets what the whole mesh would give it.

`load_mesh(around=...)` opens another domain's file only when its bytes can name a scope domain; these
tests pin that a scoped stack composes, resource by resource, what the same stack composes from the whole
mesh, on the sample and on generated meshes (renames, escapes, an account shared or not), and that a scoped
`validate` reports exactly the whole run's findings that concern its domains and their accounts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from meshplane import cli
from meshplane.declarations.problems import MeshError
from meshplane.registrations.inventory_build import build
from meshplane.registrations.offline import offline
from meshplane.registrations.project import open_project

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(Path(__file__).resolve().parent / "registrations"))  # test_inventory_offline
from meshgen import Shape, generate, write_project  # noqa: E402
from test_inventory_offline import compare  # noqa: E402


def composed(root: Path, domains: list[str], scoped: bool, stack: str = "prod"):
    project = open_project(root, stack=stack, overrides={"meshplane:domains": json.dumps(domains)}, scoped=scoped)
    return project, build(offline(project).plan, stack)


def same_stack(root: Path, domains: list[str], stack: str = "prod") -> list[str]:
    narrow, scoped = composed(root, domains, scoped=True, stack=stack)
    _, whole = composed(root, domains, scoped=False, stack=stack)
    assert narrow.mesh.around == frozenset(domains)
    return compare(whole, scoped)


@pytest.mark.parametrize("domain, stack", [("users", "prod"), ("podcasts", "prod-podcasts"), ("artists", "prod"), ("playlists", "prod")])
def test_each_domain_of_the_sample(domain, stack):
    assert same_stack(ROOT, [domain], stack) == []


@pytest.mark.slow
@pytest.mark.parametrize("accounts", ["one", "per-domain"])
def test_generated_meshes_read_a_fraction_and_compose_the_same(tmp_path, accounts):
    root = write_project(tmp_path / "p", generate(Shape(products=240, domains=24, seed=3, hub_domains=20)), accounts)
    whole = open_project(root).mesh
    for domain in ("dom-000", "dom-005", "dom-017"):  # dom-000 holds a hub, read by most domains
        assert same_stack(root, [domain]) == []
        mesh = open_project(root, stack="prod", overrides={"meshplane:domains": json.dumps([domain])}, scoped=True).mesh
        ours = {p.address for p in whole.products_of(domain)}
        needed = ours | {g.producer for g in whole.grants() if g.consumer in ours} | {g.consumer for g in whole.grants() if g.producer in ours}
        assert needed <= set(mesh.products)
        assert len(mesh.products) < len(whole.products) / 2, f"{domain}: read {len(mesh.products)} of {len(whole.products)}"
    assert same_stack(root, ["dom-003", "dom-011"]) == []


def test_a_renamed_producer_and_an_escaped_name(tmp_path):
    root = write_project(tmp_path / "p", generate(Shape(products=60, domains=6, seed=4)), "per-domain")
    whole = open_project(root).mesh
    grant = next(g for g in whole.grants() if g.producer.startswith("dom-002/") and g.consumer.startswith("dom-004/"))
    producer = root / "domains" / "dom-002" / "products" / f"{grant.producer.split('/')[1]}.yaml"
    text = producer.read_text()  # the producer is renamed, its consumers follow
    producer.unlink()
    (producer.parent / "renamed.yaml").write_text(text.replace(f"name: {producer.stem}\n", "name: renamed\n") + f"previous_names: [{producer.stem}]\n")
    for other in root.glob("domains/*/products/*.yaml"):
        other.write_text(other.read_text().replace(grant.producer, "dom-002/renamed"))
    # a consumer of a dom-004 product spells the domain with a YAML escape: its bytes do not hold "dom-004"
    reader = next(g for g in whole.grants() if g.producer.startswith("dom-004/") and not g.consumer.startswith("dom-004/"))
    spelled = root / "domains" / reader.consumer.split("/")[0] / "products" / f"{reader.consumer.split('/')[1]}.yaml"
    spelled.write_text(spelled.read_text().replace(reader.producer, '"dom\\x2d004/' + reader.producer.split("/")[1] + '"'))
    assert open_project(root).mesh.products[reader.consumer].spec.inputs.count(reader.producer) == 1
    mesh = open_project(root, stack="prod", overrides={"meshplane:domains": '["dom-004"]'}, scoped=True).mesh
    assert {"dom-002/renamed", reader.consumer} <= set(mesh.products)
    assert same_stack(root, ["dom-004"]) == []
    assert same_stack(root, ["dom-002"]) == []


def test_what_the_scope_cannot_resolve_is_reported_as_the_whole_load_would(tmp_path):
    root = write_project(tmp_path / "p", generate(Shape(products=30, domains=3, seed=8)), "one")
    product = next(root.glob("domains/dom-001/products/*.yaml"))
    product.write_text(product.read_text().replace("inputs: [", "inputs: [dom-002/no-such-product, dom-404/nothing, "))
    with pytest.raises(MeshError) as whole:
        open_project(root)
    with pytest.raises(MeshError) as scoped:
        open_project(root, stack="prod", overrides={"meshplane:domains": '["dom-001"]'}, scoped=True)
    assert [str(p) for p in scoped.value.problems] == [str(p) for p in whole.value.problems]
    assert len(whole.value.problems) == 2


def validate(root: Path, monkeypatch, capsys, *args: str) -> tuple[int, set[tuple]]:
    monkeypatch.chdir(root)
    code = cli.main(["validate", "--env", "prod", "--format", "json", *args])
    out = json.loads(capsys.readouterr().out)
    return code, {(f["path"], f["line"], f["rule"], f["message"]) for f in out["findings"]}


def test_a_scoped_validate_reports_what_concerns_its_domains(tmp_path, monkeypatch, capsys):
    mesh = generate(Shape(products=80, domains=8, seed=6))
    root = write_project(tmp_path / "p", mesh, "per-domain")
    (root / "governance").unlink()  # a federation keeping a wide headroom: limit findings per account, role and key
    (root / "governance").mkdir()
    federation = (ROOT / "governance" / "federation.yaml").read_text().replace("headroom: 0.8", "headroom: 0.001")
    # the refused input stays advisory, so the resource and limit rules run too
    assert "environments: {prod: mandatory}" in federation
    (root / "governance" / "federation.yaml").write_text(federation.replace("environments: {prod: mandatory}", "environments: {prod: advisory}"))
    refusing = next(p for p in root.glob("domains/dom-003/products/*.yaml") if "consumers: [dom" in p.read_text())
    refusing.write_text("\n".join("consumers: []" if line.startswith("consumers:") else line for line in refusing.read_text().splitlines()) + "\n")

    code, everything = validate(root, monkeypatch, capsys)
    rules = {rule for _, _, rule, _ in everything}
    assert {"LIM-010", "MESH-015"} <= rules, rules  # outside a git checkout a refused input warns
    for domain in ("dom-001", "dom-003", "dom-006"):
        code, scoped = validate(root, monkeypatch, capsys, "--domain", domain)
        assert scoped <= everything
        ours = {f for f in everything if f[0].startswith(f"domains/{domain}/")}
        account = {f for f in everything if f[0].startswith("stacks/") and f"account 2000000000{domain[-2:]}" in f[3]}
        assert ours and account and ours | account <= scoped, f"{domain}: missing {sorted((ours | account) - scoped)[:3]}"
        others = {f for f in scoped if f[0].startswith("domains/") and not f[0].startswith(f"domains/{domain}/")}
        assert all(f[2] == "MESH-015" for f in others), others  # a refused input of ours, located at our consumer's line
