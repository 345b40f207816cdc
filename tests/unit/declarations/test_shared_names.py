"""Physical names are injective: no two products or domains share a name in any namespace the cloud or the cluster
keeps, or the collision is refused at both declarations. Proved over generated identifiers against the resources
the program registers (the offline inventory, pinned equal to the engine's), not against the check's own list."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from meshkit import MeshFiles, product_text

from components import tokens
from components.providers import account_of_provider
from meshplane import cli
from meshplane.cloud import naming
from meshplane.cloud.manifests import file_name, is_kubernetes_object
from meshplane.compose.stack_plan import compose
from meshplane.declarations.federation import Federation
from meshplane.declarations.mesh import DeclaredDomain, DeclaredProduct, Mesh, Source
from meshplane.declarations.problems import MeshError
from meshplane.declarations.shared_names import collisions, shared_names
from meshplane.declarations.spec import NAME_PATTERN, Domain, Environment, Product
from meshplane.declarations.stack import StackSettings
from meshplane.registrations.inventory_build import build

PREFIX = "daff-prod"
SETTINGS = StackSettings(environment=Environment.prod, account_id="333333333333", region="eu-west-1", name_prefix=PREFIX, cluster="c")
IMAGE = "registry.example/job@sha256:" + "0" * 64


def identities(resources) -> Counter:
    """Each resource's identity in the namespace it lives in: two equal ones are one object to the cloud."""
    found: Counter = Counter()
    for r in resources:
        i, account = r.inputs, account_of_provider(r.provider, SETTINGS.account_id)
        key = {
            tokens.BUCKET: lambda: ("bucket", i["bucket"]),  # bucket names are global
            tokens.ROLE: lambda: ("role", account, i["name"]),
            tokens.ROLE_POLICY: lambda: ("inline policy", account, i["role"], i["name"]),
            tokens.MANAGED_POLICY: lambda: ("policy", account, i["path"], i["name"]),
            tokens.KEY_ALIAS: lambda: ("alias", account, i["name"]),
            tokens.KEY_GRANT: lambda: ("grant", i["keyId"], i["name"]),
            tokens.DATABASE: lambda: ("database", account, i["name"]),
            tokens.TABLE: lambda: ("table", account, i["databaseName"], i["name"]),
            tokens.ACCESS_POINT: lambda: ("access point", i["accountId"], i["name"]),
            tokens.POD_IDENTITY: lambda: ("pod identity", i["clusterName"], i["namespace"], i["serviceAccount"]),
        }.get(r.type)
        if key is not None:
            found[key()] += 1
        elif is_kubernetes_object(r):
            meta = i["metadata"]
            found[("object", i["kind"], meta.get("namespace", ""), meta["name"])] += 1
            found[("manifest file", file_name(r))] += 1
            for container in _containers(i):
                names = Counter(e["name"] for e in container.get("env", ()))
                found.update({("env", r.name, n): c for n, c in names.items()})
    return found


def _containers(inputs: dict) -> list[dict]:
    spec = inputs.get("spec") or {}
    pod = (spec.get("jobTemplate") or {}).get("spec", {}).get("template", {}).get("spec", {})
    template = spec.get("template") or {}
    return [*pod.get("containers", ()), *(template[k] for k in ("driver", "executor") if k in template)]


def mesh_of(products: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]) -> Mesh:
    """(domain, name, previous names, inputs) each; every product internal, so every input is granted."""
    domains = {d for d, *_ in products}
    declared_domains = {
        d: DeclaredDomain(Domain(name=d, description="A domain.", team="Team", contact="team@example.com"), Source(f"domains/{d}/domain.yaml", {("name",): 2}))
        for d in domains
    }
    declared = [
        DeclaredProduct(
            d,
            Product.model_validate({
                "name": n, "description": "A generated product of the test.", "owner": "team@example.com", "kind": "aggregate",
                "classification": "internal", "output": {"columns": [{"name": "id", "type": "string", "description": "Identifier."}]},
                "inputs": list(inputs), "previous_names": list(old), "job": {"image": IMAGE},
            }),  # fmt: skip
            Source(f"domains/{d}/products/{n}.yaml", {("name",): 2}),
        )
        for d, n, old, inputs in products
    ]
    return Mesh.build(declared_domains, declared)


# names made of few words, so that `<domain>-<product>` strings meet often; and long ones, cut to fit their limits
word = st.sampled_from(["a", "b", "ab", "play", "events", "x1"])
short = st.lists(word, min_size=1, max_size=3).map("-".join).filter(lambda n: len(n) >= 2)
long_ = st.lists(st.sampled_from(["segment", "events", "a"]), min_size=4, max_size=5).map("-".join).map(lambda n: n[:40].rstrip("-"))
name = short | long_


def fits(n: str) -> bool:
    return 2 <= len(n) <= 40 and re.fullmatch(NAME_PATTERN, n) is not None


@st.composite
def meshes(draw):
    products, seen = [], set()
    for _ in range(draw(st.integers(2, 6))):
        d, n = draw(name), draw(name)
        if products and draw(st.booleans()):  # often: another product whose `<domain>-<name>` is one already there
            whole = "-".join(draw(st.sampled_from(products))[:2])
            splits = [(whole[:i], whole[i + 1 :]) for i, c in enumerate(whole) if c == "-" and fits(whole[:i]) and fits(whole[i + 1 :])]
            d, n = draw(st.sampled_from(splits))
        if (d, n) in seen:
            continue
        seen.add((d, n))
        old = tuple(o for o in draw(st.lists(name, max_size=1)) if o != n)
        products.append((d, n, old, ()))
    addresses = [f"{d}/{n}" for d, n, _, _ in products]
    # each product may read some of the others (no cycle: only those before it)
    return [(d, n, old, tuple(a for a in draw(st.lists(st.sampled_from(addresses[:i]), max_size=2, unique=True)) if addresses[:i]))
            if i else (d, n, old, ()) for i, (d, n, old, _) in enumerate(products)]  # fmt: skip


def valid(mesh: Mesh) -> bool:
    """Whether the mesh passes the mesh's own checks (previous names claimed once, no address twice)."""
    from meshplane.declarations.mesh import check_mesh

    return not mesh.duplicates and not check_mesh(mesh)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(meshes())
def test_the_names_of_every_generated_mesh_are_injective_or_refused_at_both_declarations(products):
    mesh = mesh_of(products)
    if not valid(mesh):
        return
    refused = shared_names(mesh) + collisions(mesh, PREFIX)
    repeated = {k: n for k, n in identities(build(compose(mesh, SETTINGS, Federation()), "prod")).items() if n > 1}
    assert bool(refused) == bool(repeated), (refused, repeated)
    for problem in refused:  # each side of a collision at its own declaration, naming the other
        owner = problem.message.split("'")[1]
        assert problem.path == mesh.products[owner].source.path and problem.line == 2


def test_two_domains_meeting_in_one_string_are_refused_at_both_declarations(mesh_files):
    mesh_files.product("users", "play-events")
    mesh_files.product("users-play", "events")
    bucket = "domains/users/products/play-events.yaml"
    other = "domains/users-play/products/events.yaml"
    assert mesh_files.errors() == [
        f"{other}:2: error: product 'users-play/events' would share its bucket, roles and table '<prefix>-users-play-events', job manifests "
        f"'<kind>-users-play-events.yaml' with product 'users/play-events' ({bucket}): rename one of them (a name unique today never changes)",
        f"{bucket}:2: error: product 'users/play-events' would share its bucket, roles and table '<prefix>-users-play-events', job manifests "
        f"'<kind>-users-play-events.yaml' with product 'users-play/events' ({other}): rename one of them (a name unique today never changes)",
    ]


def test_a_renamed_product_keeps_every_name_of_its_oldest_one_its_jobs_included(mesh_files):
    """A rename replaces nothing, the job's Kubernetes objects included: every name, the manifests' too, is the oldest
    name's, so the new name meets no other domain's and the old one still does."""
    mesh_files.product("users", "play-events", product_text("play-events", extra="previous_names: [old-plays]\n"))
    mesh_files.product("users-play", "events")
    assert mesh_files.load().products.keys() == {"users/play-events", "users-play/events"}
    mesh_files.product("users-old", "plays")
    assert [e.split(" with ")[0] for e in mesh_files.errors()] == [
        "domains/users-old/products/plays.yaml:2: error: product 'users-old/plays' would share its bucket, roles and table "
        "'<prefix>-users-old-plays', job manifests '<kind>-users-old-plays.yaml'",
        "domains/users/products/play-events.yaml:2: error: product 'users/play-events' would share its bucket, roles and table "
        "'<prefix>-users-old-plays', job manifests '<kind>-users-old-plays.yaml'",
    ]


def crafted(prefix: str = PREFIX) -> tuple[str, str, str]:
    """A product (domain, name) whose bucket name is cut to fit, and a product of the same domain named so that its
    bucket's name, uncut, is the cut one: a hash can be matched by a name chosen for it."""
    domain, long_name = "a" * 30, "b" * 39
    cut = naming.bucket_name(prefix, domain, long_name)
    forged = cut.removeprefix(f"{prefix}-{domain}-")
    assert naming.bucket_name(prefix, domain, forged) == cut and len(forged) <= 40
    return domain, long_name, forged


def test_a_name_forged_to_equal_a_cut_one_is_refused_for_the_stack_that_cuts_it():
    domain, long_name, forged = crafted()
    mesh = mesh_of([(domain, long_name, (), ()), (domain, forged, (), ())])
    assert shared_names(mesh) == []  # not the same string before the stack's prefix cuts it
    problems = [str(p) for p in collisions(mesh, PREFIX)]
    assert len(problems) == 2 and all(f"would share its S3 bucket '{naming.bucket_name(PREFIX, domain, long_name)}'" in p for p in problems)
    assert collisions(mesh, "daff-dev") == []  # another prefix cuts elsewhere


def test_validate_and_the_program_refuse_a_forged_name(mesh_files, capsys):
    from meshplane.registrations.engine import evaluate

    ROOT = Path(__file__).resolve().parents[3]

    domain, long_name, forged = crafted()
    slo = "service_levels: {freshness_hours: 24, availability: 99.5}\n"
    counted = "output:\n  quality: [{metric: rowCount, mustBeGreaterThan: 0, unit: rows}]\n"  # the federation asks it in prod
    mesh_files.product(domain, long_name, product_text(long_name, extra=slo).replace("output:\n", counted))
    mesh_files.product(domain, forged, product_text(forged, extra=slo).replace("output:\n", counted))
    root = mesh_files.root.parent
    (root / "stacks").mkdir()
    (root / "stacks" / "Pulumi.prod.yaml").write_text((ROOT / "stacks" / "Pulumi.prod.yaml").read_text().replace('["podcasts"]', f'["{domain}"]'))
    (root / "stacks" / "Pulumi.other.yaml").write_text(
        (ROOT / "stacks" / "Pulumi.prod.yaml").read_text().replace("excludeDomains", "domains").replace('["podcasts"]', f'["{domain}"]'))
    for link in ("__main__.py", "governance"):
        (root / link).symlink_to(ROOT / link)
    assert cli.main(["validate", "--stack", "other"]) == 1
    err = capsys.readouterr().err
    assert err.count("would share its S3 bucket") == 2 and f"domains/{domain}/products/{forged}.yaml:2: error: product" in err
    with pytest.raises(MeshError, match="would share its S3 bucket"):
        evaluate("other", root=root)
