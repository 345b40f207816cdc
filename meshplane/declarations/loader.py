"""Read every declaration under `domains/` into a validated Mesh, or fail with every problem found."""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from meshplane.declarations.contract_terms import review
from meshplane.declarations.mesh import DeclaredDomain, DeclaredProduct, Mesh, Source, check_mesh
from meshplane.declarations.mesh_tree import MeshTree, walk
from meshplane.declarations.odcs_import import ImportedContract, import_port
from meshplane.declarations.problems import MeshError, Problem, display_path
from meshplane.declarations.shared_names import shared_names
from meshplane.declarations.spec import CONTRACTS_FOLDER, Domain, OutputPort, Product
from meshplane.declarations.spec_errors import explain, without
from meshplane.declarations.yamlsrc import Document, YamlError, parse

MODELINE = "# yaml-language-server: $schema="
DOMAIN_FILES = ("domain.yaml", "domain.yml")

M = TypeVar("M", bound=BaseModel)
P = TypeVar("P", bound=OutputPort)


def load_mesh(
    root: Path | str = "domains", around: Collection[str] | None = None, also: Collection[str] = (), project: Path | None = None
) -> Mesh:
    """Load and check the whole mesh under `root`; raise MeshError listing every problem.

    With `around` (domain names), only what a stack of those domains needs: their files, the products they
    read and the products that read them. Another domain's file is opened only when its bytes name one of
    those domains (or hold an escape that could spell one), so a one-domain run reads a fraction of a large
    mesh; references into the domains left unread are not checked (the whole-mesh run checks them), and the
    mesh answers only for the `around` domains' products. The `also` domains are read the same way, for what
    the scope shares with them (an account's quotas), without being answered for.

    A link under `root` is followed while it stays in the `project` (default: `root`'s parent; `root` itself when the
    mesh lives elsewhere), and refused at its path otherwise (`meshplane.declarations.mesh_tree`)."""
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        raise MeshError([Problem(str(root), 1, "no such directory: the mesh lives in `domains/<domain>/...`")])
    reader = _Reader(root, problems)
    tree = _tree(root, project, str(reader.base))
    for parts, why in tree.refused.items():
        reader.refuse(parts, why)
    files, folders = tree.files, tree.folders
    unread: frozenset[str] = frozenset()
    if around is None:
        for parts in files:
            reader.read(parts)
    else:
        unread = _read_around(reader, files, folders, frozenset(around) | frozenset(also))
    for folder in folders:
        if folder not in unread and folder not in reader.unreadable and not any((root / folder / n).is_file() for n in DOMAIN_FILES):
            problems.append(Problem(str(reader.base / folder), 1, f"domain folder {folder!r} has no domain.yaml"))
    mesh = Mesh.build(reader.domains, reader.products, None if around is None else frozenset(around), unread)
    problems.extend(check_mesh(mesh, reader.unreadable))
    problems.extend(shared_names(mesh))
    terms = [p for d in mesh.products.values() if d.contracts and d.domain in mesh.domains and mesh.answers_for(d.address) for p in review(mesh, d)]
    problems.extend(p for p in terms if p.severity.blocks)
    warnings = tuple(sorted(p for p in terms if not p.severity.blocks))
    if problems:
        raise MeshError([*problems, *warnings])
    return replace(mesh, notices=(*mesh.notices, *warnings))


class _Reader:
    """Reads the mesh's files one by one into declarations, every problem kept."""

    def __init__(self, root: Path, problems: list[Problem]):
        self.root, self.problems = root, problems
        self.base = Path(display_path(root, root))  # resolved once: every file is shown under it, as it sits in the mesh
        self.domains: dict[str, DeclaredDomain] = {}
        self.products: list[DeclaredProduct] = []
        self.done: set[tuple[str, ...]] = set()
        self.unreadable: set[str] = set()  # what files that failed would have declared: naming it elsewhere is no second error
        self.refused: set[tuple[str, ...]] = set()  # links not followed (their problem is said): never read

    def refuse(self, parts: tuple[str, ...], why: str) -> None:
        """A path the walk refused: one problem at it, and what it would have declared is no second error elsewhere."""
        self.refused.add(parts)
        self.problems.append(Problem(str(self.base.joinpath(*parts)), 1, why))
        if len(parts) == 1:  # a domain's folder: the domain and its products
            self.unreadable.update((parts[0], f"{parts[0]}/*"))
        elif len(parts) == 2 and parts[1].lower() in DOMAIN_FILES:
            self.unreadable.add(parts[0])
        elif parts[1:] == ("products",):
            self.unreadable.add(f"{parts[0]}/*")
        elif is_product_file(parts):
            self.unreadable.add(f"{parts[0]}/{os.path.splitext(parts[2])[0]}")

    def read(self, parts: tuple[str, ...], raw: bytes | None = None) -> None:
        if parts in self.done:
            return
        self.done.add(parts)
        path, shown = self.root.joinpath(*parts), str(self.base.joinpath(*parts))
        if len(parts) == 2 and parts[1] in DOMAIN_FILES:
            declared = _read(path, shown, Domain, self.problems, raw)
            if declared is None:
                self.unreadable.add(parts[0])
            else:
                spec, source = declared
                if spec.name != parts[0]:
                    self.problems.append(Problem(shown, source.line_of(("name",)), f"domain name {spec.name!r} differs from its folder {parts[0]!r}"))
                self.domains[parts[0]] = DeclaredDomain(spec=spec, source=source)
        elif is_product_file(parts):
            declared = _read(path, shown, Product, self.problems, raw)
            if declared is None:
                self.unreadable.add(f"{parts[0]}/{Path(parts[2]).stem}")
            else:
                spec, source = declared
                if spec.name != path.stem:  # one cause, one error: its readers and its namesake are not blamed for it
                    self.problems.append(Problem(shown, source.line_of(("name",)), f"product name {spec.name!r} differs from its file name {path.stem!r}"))
                    self.unreadable.add(f"{parts[0]}/{path.stem}")
                    return
                contracts: dict[int, ImportedContract] = {}
                if spec.output.contract is not None or any(p.contract is not None for p in spec.previous_outputs):
                    spec, contracts = _with_contract(spec, self.root / parts[0], source, self.problems, self.refused)
                self.products.append(DeclaredProduct(domain=parts[0], spec=spec, source=source, contracts=contracts))
        elif len(parts) == 3 and parts[1] == CONTRACTS_FOLDER:
            return  # read when a product names it
        else:
            self.problems.append(Problem(shown, 1, "not in a domain folder: products go in `domains/<domain>/products/<product>.yaml`, domains in `domains/<domain>/domain.yaml`"))


def is_product_file(parts: tuple[str, ...]) -> bool:
    return len(parts) == 3 and parts[1] == "products"


def _read_around(reader: _Reader, files: list[tuple[str, ...]], folders: list[str], around: frozenset[str]) -> frozenset[str]:
    """Read what a stack of the `around` domains needs (see `load_mesh`); the domains left partly read."""
    by_domain: dict[str, list[tuple[str, ...]]] = {}
    for parts in files:
        by_domain.setdefault(parts[0], []).append(parts)
    whole = set(around) & set(by_domain)
    for domain in sorted(whole):  # the scope's own files, all of them
        for parts in by_domain[domain]:
            reader.read(parts)
    names = [d.encode() for d in around]
    for parts in files:  # who reads the scope: a file that cannot spell a scope domain cannot name its products
        if parts[0] not in whole and is_product_file(parts):
            try:
                raw = reader.root.joinpath(*parts).read_bytes()
            except OSError:
                reader.read(parts)  # it says why
                continue
            if b"\\" in raw or any(name in raw for name in names):
                reader.read(parts, raw)
    for product in [p for p in reader.products if p.domain in whole]:  # what the scope reads
        for address, _ in product.reads:
            domain, _, name = address.partition("/")
            if domain in whole or domain not in by_domain:
                continue
            own = [parts for parts in by_domain[domain] if is_product_file(parts) and os.path.splitext(parts[2])[0] == name]
            if own:
                for parts in own:
                    reader.read(parts)
            else:  # renamed, or misnamed: only the whole domain can say
                whole.add(domain)
                for parts in by_domain[domain]:
                    reader.read(parts)
    for domain in {p.domain for p in reader.products} - whole:  # the domain files of every product read
        for parts in by_domain.get(domain, ()):
            if len(parts) == 2 and parts[1] in DOMAIN_FILES:
                reader.read(parts)
    return frozenset(folders) - whole


def _with_contract(
    spec: Product, domain_folder: Path, source: Source, problems: list[Problem], refused: set[tuple[str, ...]]
) -> tuple[Product, dict[int, ImportedContract]]:
    """The product with each output port's schema taken from the ODCS contract it names (`refused`: links not followed),
    and the contracts read, by port version."""
    contracts: dict[int, ImportedContract] = {}
    output = _imported(spec.output, ("output",), domain_folder, source, problems, refused, contracts)
    previous = tuple(
        _imported(port, ("previous_outputs", i), domain_folder, source, problems, refused, contracts) for i, port in enumerate(spec.previous_outputs)
    )
    return spec.model_copy(update={"output": output, "previous_outputs": previous}), contracts


def _imported(
    port: P, where: tuple, domain_folder: Path, source: Source, problems: list[Problem], refused: set[tuple[str, ...]], contracts: dict[int, ImportedContract]
) -> P:
    if port.contract is None or (domain_folder.name, *port.contract.split("/")) in refused:  # a refused link: said once
        return port
    path = domain_folder / port.contract
    if not path.is_file():
        shown = display_path(path, domain_folder.parent)
        problems.append(Problem(source.path, source.line_of((*where, "contract")), f"{'.'.join(map(str, where))}.contract: no such file {shown!r}"))
        return port
    try:
        port, contracts[port.version] = import_port(port, path, display_path(path, domain_folder.parent))
    except MeshError as exc:
        problems.extend(exc.problems)
    return port


def _tree(root: Path, project: Path | None, shown: str) -> MeshTree:
    """The mesh's files under `root`, links followed inside the project (else inside `root`, when the mesh lives outside)."""
    top = root.resolve()
    boundary = project.resolve() if project is not None else top.parent
    if not top.is_relative_to(boundary):
        return walk(root, top, "the mesh's folder", shown)
    return walk(root, boundary, "the project", shown)


def _read(path: Path, shown: str, model: type[M], problems: list[Problem], raw: bytes | None = None) -> tuple[M, Source] | None:
    try:
        raw = path.read_bytes() if raw is None else raw
    except OSError as exc:
        problems.append(Problem(shown, 1, f"cannot read: {exc.strerror}"))
        return None
    try:
        spec, doc = parse_spec(raw, model)
    except SpecError as exc:
        problems.extend(Problem(shown, line, message) for line, message in exc.items)
        return None
    return spec, Source(path=shown, lines=doc.lines)


def read_spec(path: Path, model: type[M]) -> tuple[M, Source]:
    """Read one file outside the mesh (such as the federation's) as `model`; raise MeshError."""
    problems: list[Problem] = []
    declared = _read(path, display_path(path, path.parent), model, problems)
    if declared is None:
        raise MeshError(problems)
    return declared


class SpecError(Exception):
    """Every problem of one file, as (line, message) pairs."""

    def __init__(self, items: list[tuple[int, str]]):
        self.items = items
        super().__init__("; ".join(f"{line}: {msg}" for line, msg in items))


def parse_spec(raw: bytes, model: type[M]) -> tuple[M, Document]:
    """Parse and validate one file's bytes as `model`; raise SpecError only."""
    try:
        doc = parse(raw)
    except YamlError as exc:
        raise SpecError([(exc.line, exc.message)]) from None
    items: list[tuple[int, str]] = []
    if not raw.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(MODELINE.encode()):  # an editor may add a BOM
        items.append((1, f"the file must open with the schema modeline `{MODELINE}...` (see `meshplane schema`)"))
    if not isinstance(doc.data, dict):
        items.append((1, f"expected a mapping of fields, got {_kind(doc.data)}"))
        raise SpecError(items)
    try:
        spec = model.model_validate(doc.data)
    except ValidationError as exc:
        items.extend(_problems(exc, doc, model))
        raise SpecError(items) from None
    if items:
        raise SpecError(items)
    return spec, doc


def _problems(exc: ValidationError, doc: Document, model: type[BaseModel]) -> list[tuple[int, str]]:
    """Every problem of the file: unknown keys, then what the rest says once they are set aside (a model's own checks
    run only on fields that validate, so an unknown key would otherwise hide them)."""
    errors = [e for e in exc.errors(include_url=False) if not _short_by_failed_items(e)]
    found = [explain(e, doc, model) for e in errors]
    unknown = [tuple(e["loc"]) for e in errors if e["type"] == "extra_forbidden"]
    if unknown and isinstance(doc.data, dict):
        try:
            model.model_validate(without(doc.data, unknown))
        except ValidationError as rest:
            found += [explain(e, doc, model) for e in rest.errors(include_url=False) if not _short_by_failed_items(e)]
    return list(dict.fromkeys(found))


def _short_by_failed_items(err: dict) -> bool:
    """pydantic also says "too short" when items failed: those items' own errors say it better."""
    if err["type"] != "too_short" or not isinstance(err.get("input"), (list, tuple, dict)):
        return False
    return len(err["input"]) >= err.get("ctx", {}).get("min_length", 0)


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"a single value ({type(value).__name__})"
