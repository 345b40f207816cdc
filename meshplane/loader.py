"""Read every declaration under `domains/` into a validated Mesh, or fail with every problem found."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from meshplane.mesh import DeclaredDomain, DeclaredProduct, Mesh, Source, check_mesh
from meshplane.odcs_import import import_port
from meshplane.problems import MeshError, Problem, display_path
from meshplane.spec import CONTRACTS_FOLDER, Domain, Product
from meshplane.yamlsrc import Document, YamlError, parse

MODELINE = "# yaml-language-server: $schema="
YAML_SUFFIXES = (".yaml", ".yml")

M = TypeVar("M", bound=BaseModel)


def load_mesh(root: Path | str = "domains") -> Mesh:
    """Load and check the whole mesh under `root`; raise MeshError listing every problem."""
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        raise MeshError([Problem(str(root), 1, "no such directory: the mesh lives in `domains/<domain>/...`")])
    domains: dict[str, DeclaredDomain] = {}
    products: list[DeclaredProduct] = []
    base = Path(display_path(root, root))  # resolved once: every file is shown under it, as it sits in the mesh
    for parts in yaml_files(root):
        path, shown = root.joinpath(*parts), str(base.joinpath(*parts))
        if len(parts) == 2 and parts[1] in ("domain.yaml", "domain.yml"):
            declared = _read(path, shown, Domain, problems)
            if declared is not None:
                spec, source = declared
                if spec.name != parts[0]:
                    problems.append(Problem(shown, source.line_of(("name",)), f"domain name {spec.name!r} differs from its folder {parts[0]!r}"))
                domains[parts[0]] = DeclaredDomain(spec=spec, source=source)
        elif len(parts) == 3 and parts[1] == "products":
            declared = _read(path, shown, Product, problems)
            if declared is not None:
                spec, source = declared
                if spec.name != path.stem:
                    problems.append(Problem(shown, source.line_of(("name",)), f"product name {spec.name!r} differs from its file name {path.stem!r}"))
                if spec.output.contract is not None:
                    spec = _with_contract(spec, root / parts[0], source, problems)
                products.append(DeclaredProduct(domain=parts[0], spec=spec, source=source))
        elif len(parts) == 3 and parts[1] == CONTRACTS_FOLDER:
            continue  # read when a product names it
        else:
            problems.append(Problem(shown, 1, "not in a domain folder: products go in `domains/<domain>/products/<product>.yaml`, domains in `domains/<domain>/domain.yaml`"))
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if not any((folder / n).is_file() for n in ("domain.yaml", "domain.yml")):
            problems.append(Problem(str(base / folder.name), 1, f"domain folder {folder.name!r} has no domain.yaml"))
    mesh = Mesh.build(domains, products)
    problems.extend(check_mesh(mesh))
    if problems:
        raise MeshError(problems)
    return mesh


def _with_contract(spec: Product, domain_folder: Path, source: Source, problems: list[Problem]) -> Product:
    """The product with its output port's schema taken from the ODCS contract it names."""
    contract = str(spec.output.contract)
    path = domain_folder / contract
    if not path.is_file():
        shown = display_path(path, domain_folder.parent)
        problems.append(Problem(source.path, source.line_of(("output", "contract")), f"output.contract: no such file {shown!r}"))
        return spec
    try:
        port = import_port(spec.output, path, display_path(path, domain_folder.parent))
    except MeshError as exc:
        problems.extend(exc.problems)
        return spec
    return spec.model_copy(update={"output": port})


def yaml_files(root: Path) -> list[tuple[str, ...]]:
    """The path, as parts relative to `root`, of every YAML file under it, sorted; a linked folder is followed once."""
    found: list[tuple[str, ...]] = []
    seen: set[tuple[int, int]] = set()
    for folder, subfolders, files in os.walk(root, followlinks=True):
        info = os.stat(folder)
        if (info.st_dev, info.st_ino) in seen:  # a link back up the tree: read it once, never loop
            subfolders.clear()
            continue
        seen.add((info.st_dev, info.st_ino))
        rel = Path(folder).relative_to(root).parts
        found.extend((*rel, name) for name in files if os.path.splitext(name)[1] in YAML_SUFFIXES and os.path.isfile(os.path.join(folder, name)))
    return sorted(found)


def _read(path: Path, shown: str, model: type[M], problems: list[Problem]) -> tuple[M, Source] | None:
    try:
        raw = path.read_bytes()
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
        items.extend(_explain(err, doc) for err in exc.errors(include_url=False) if not _short_by_failed_items(err))
        raise SpecError(items) from None
    if items:
        raise SpecError(items)
    return spec, doc


def _explain(err: dict, doc: Document) -> tuple[int, str]:
    loc = tuple(err["loc"])
    where = ".".join(str(p) if str(p).isprintable() else repr(p) for p in loc) or "(document)"  # a key may hold a newline
    if err["type"] == "extra_forbidden":
        return doc.line_of(loc), f"unknown key {where!r}"
    if err["type"] == "missing":
        return doc.line_of(loc[:-1]), f"missing required key {where!r}"
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "enum":
        message = f"{message} (got {err.get('input')!r})"
    return doc.line_of(loc), f"{where}: {message}" if loc else message


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
