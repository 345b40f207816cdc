"""Injective physical names: two products or domains never share a bucket, a role, an alias, a database, a table,
an access point, a Kubernetes object or a manifest file.

Names are derived, never stored, and a name that is unique today never changes (it would replace protected
data). So a collision is refused, at both declarations, rather than disambiguated. Two checks:

- `shared_names(mesh)`, whatever the stack: `<prefix>-<domain>-<product>` is one string for `users/play-events`
  and `users-play/events`, for every prefix, so every name built on it collides;
- `collisions(mesh, prefix)`, the names as a stack of that prefix makes them: a name cut to fit a limit ends in
  a hash of the whole (`meshplane.cloud.naming.fit`), which a crafted name could equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from meshplane.cloud import naming
from meshplane.declarations.mesh import Mesh, domain_of
from meshplane.declarations.problems import Problem

Entry = tuple[str, str, str]  # (what is named, the name, its owner: a product's address or a domain's name)
SHOWN = 3  # names listed in one message, the rest counted


def shared_names(mesh: Mesh) -> list[Problem]:
    """Products of two domains whose names collide for every stack: the same `<domain>-<name>`, under their oldest name
    (the names of their data and of their jobs' Kubernetes manifests). In one domain the same strings are the same
    address or a previous name claimed twice: the mesh's checks say so."""
    entries: list[Entry] = []
    for p in mesh.products.values():
        entries.append(("bucket, roles and table", f"<prefix>-{p.domain}-{p.identity}", p.address))
        entries.append(("job manifests", f"<kind>-{p.domain}-{p.identity}.yaml", p.address))
    return _clashes(mesh, entries, across_domains_only=True)


def collisions(mesh: Mesh, prefix: str) -> list[Problem]:
    """Products and domains whose names, as a stack with `prefix` makes them, collide."""
    return _clashes(mesh, physical_names(mesh, prefix))


def physical_names(mesh: Mesh, prefix: str) -> Iterator[Entry]:
    """Every name a stack with `prefix` gives the mesh's products and domains, per namespace that must not repeat one."""
    database, namespace = {}, {}
    for domain in mesh.domains:
        database[domain], namespace[domain] = naming.glue_database(prefix, domain), naming.k8s_name(domain)
        yield "KMS alias", naming.key_alias(prefix, domain), domain
        yield "Glue database", database[domain], domain
        for role in (naming.reader_role_name, naming.lakeformation_role_name, naming.broker_role_name):
            yield "IAM role", role(prefix, domain), domain
        yield "Kubernetes namespace", namespace[domain], domain
    for p in mesh.products.values():
        d, identity = p.domain, p.identity
        ns = namespace.get(d) or naming.k8s_name(d)
        yield "S3 bucket", naming.bucket_name(prefix, d, identity), p.address
        yield "IAM role", naming.job_role_name(prefix, d, identity), p.address
        yield "Glue table", f"{database.get(d) or naming.glue_database(prefix, d)}.{naming.glue_table(identity)}", p.address
        yield "access point prefix", naming.access_point_prefix(prefix, d, identity), p.address
        yield "agreement key", naming.digest(f"{d}/{identity}", 10), p.address  # the consumer's half of an access point's name
        yield "Kubernetes objects and manifests", naming.manifest_file("<kind>", ns, naming.k8s_name(identity)), p.address


def _clashes(mesh: Mesh, entries: Iterable[Entry], across_domains_only: bool = False) -> list[Problem]:
    first: dict[tuple[str, str], str] = {}
    shared: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (owner, other) -> [(what, name)]
    for what, name, owner in entries:
        other = first.setdefault((what, name), owner)
        if other != owner and not (across_domains_only and domain_of(other) == domain_of(owner)):
            shared.setdefault((other, owner), []).append((what, name))
    problems = []
    for (a, b), names in shared.items():
        listed = ", ".join(f"{what} {name!r}" for what, name in names[:SHOWN]) + (f" and {len(names) - SHOWN} more" if len(names) > SHOWN else "")
        for mine, theirs in ((a, b), (b, a)):
            path, line = _declared(mesh, mine)
            other_path, _ = _declared(mesh, theirs)
            problems.append(Problem(path, line, f"{_what(mine)} {mine!r} would share its {listed} with {_what(theirs)} {theirs!r} "
                                                f"({other_path}): rename one of them (a name unique today never changes)"))  # fmt: skip
    return problems


def _what(owner: str) -> str:
    return "product" if "/" in owner else "domain"


def _declared(mesh: Mesh, owner: str) -> tuple[str, int]:
    declared = mesh.products.get(owner) or mesh.domains.get(owner)
    assert declared is not None, owner
    return declared.source.path, declared.source.line_of(("name",))
