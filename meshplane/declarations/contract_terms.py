"""What a port's ODCS contract and its product must agree on, and what meshplane states in the contract itself.

A contract is taken as its author wrote it; meshplane refuses it only where it contradicts the product: a property
classified above the product, a status, a major version, or a service level (latency, availability, retention,
units converted; retention against every environment's resolved `retention_days`) other than the product's, a
property whose `physicalName` is not its `name` (the Glue column is named after `name`). Each contradiction is an
error at both lines. What meshplane states (`STATED`: the standard's version, the contract's identity, its team
and support, its servers and the Glue table) stays meshplane's: a contract saying otherwise is warned at that line,
and the export writes meshplane's. Quality rules are exported as written; meshplane evaluates its library and sql rules
(the port's `quality`), and says at its line each rule it does not evaluate: text and custom rules, and a rule its model
does not hold (`severity: info`, say).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping

from meshplane.cloud import naming
from meshplane.declarations.ids import contract_id, port_status, port_version
from meshplane.declarations.mesh import DeclaredProduct, Mesh
from meshplane.declarations.odcs_import import ImportedContract, quality_rules
from meshplane.declarations.odcs_standard import API_VERSION, dotted
from meshplane.declarations.people import support, team
from meshplane.declarations.problems import Problem, Severity
from meshplane.declarations.resolve import resolve
from meshplane.declarations.spec import Classification, Environment, Product
from meshplane.declarations.yamlsrc import Path_

# fields meshplane states, whatever the contract says: what each is, in words (README, "Taking a port's schema from a contract")
STATED = {
    "apiVersion": "the version of the standard it writes",
    "id": "the contract's id, `<domain>.<product>.output`",
    "name": "the product's address",
    "domain": "the product's domain",
    "team": "the team (the domain's team, the product's owner and the domain's contact)",
    "support": "the support channels (the owner's and the domain's addresses)",
    "servers": "the servers (each stack's S3 bucket and Glue table)",
}
TABLE_WORDS = "the Glue table"
SECONDS = {
    **dict.fromkeys(("ms", "millisecond", "milliseconds"), 0.001),
    **dict.fromkeys(("s", "sec", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "day", "days"), 86400),
    **dict.fromkeys(("w", "week", "weeks"), 7 * 86400),
    **dict.fromkeys(("y", "yr", "year", "years"), 365 * 86400),  # a year of 365 days
}
UNIT_WORDS = "ms, s, m (minutes), h, d, w or y (365 days), or their names"
VERSION = re.compile(r"v?(\d+)(\.\d+)*([-+][0-9A-Za-z.-]*)?")


def stated(mesh: Mesh, declared: DeclaredProduct, product: Product, version: int) -> dict[str, object]:
    """What meshplane states in the contract of the port's major `version` (servers aside: they are each stack's)."""
    return {
        "apiVersion": API_VERSION,
        "id": contract_id(declared.address),
        "name": declared.address,
        "domain": declared.domain,
        "team": team(mesh, declared),
        "support": support(mesh, declared),
        "customProperties": custom_properties(declared.address, product, version),
    }


def custom_properties(address: str, product: Product, version: int) -> list[dict]:
    """meshplane's own custom properties of a port's contract: the address, kind, classification, agreements, deprecation."""
    earlier = next((p for p in product.previous_outputs if p.version == version), None)
    deprecation = earlier.deprecation if earlier is not None else product.deprecation
    found = [
        {"property": "meshplaneAddress", "value": address},
        {"property": "kind", "value": product.kind.value},
        {"property": "dataClassification", "value": product.classification.value},
        {"property": "inputs", "value": list(product.inputs)},
        {"property": "consumers", "value": list(product.consumers)},
    ]
    if deprecation is not None:  # ODCS has no field of its own for it
        found.append({"property": "deprecationDate", "value": str(deprecation.date)})
        replaced = deprecation.replaced_by or (None if earlier is None else f"{contract_id(address)} {port_version(product.output.version)}")
        if replaced:
            found.append({"property": "replacedBy", "value": replaced})
    return found


def review(mesh: Mesh, declared: DeclaredProduct) -> list[Problem]:
    """Every contradiction between the product and its ports' contracts (errors, at both lines), and every value a
    contract states that meshplane states otherwise (warnings)."""
    found: list[Problem] = []
    for version, contract in sorted(declared.contracts.items()):
        terms = _Terms(mesh, declared, version, contract)
        found += [*terms.classifications(), *terms.names(), *terms.status(), *terms.version(), *terms.service_levels()]
        found += [*terms.stated(), *terms.quality(), *terms.left_out()]
    return found


class _Terms:
    """One port version's contract, against its product."""

    def __init__(self, mesh: Mesh, declared: DeclaredProduct, version: int, contract: ImportedContract):
        self.mesh, self.declared, self.major, self.contract = mesh, declared, version, contract
        self.doc: Mapping = contract.document
        spec = declared.spec
        index = next((i for i, p in enumerate(spec.previous_outputs) if p.version == version), None)
        self.port_path: Path_ = ("output",) if index is None else ("previous_outputs", index)
        self.port = spec.output if index is None else spec.previous_outputs[index]

    def error(self, path: Path_, message: str) -> Problem:
        return Problem(self.contract.path, self.contract.line_of(path), message)

    def warning(self, path: Path_, message: str) -> Problem:
        return Problem(self.contract.path, self.contract.line_of(path), message, Severity.warning)

    def at_product(self, path: Path_, message: str) -> Problem:
        """An error in the product's file at `path`, or at the port's `contract` line when the file leaves it to a default."""
        source = self.declared.source
        where = path if path in source.lines else (*self.port_path, "contract")
        return Problem(source.path, source.line_of(where), message)

    def product_line(self, path: Path_) -> str:
        source = self.declared.source
        return f"{source.path}:{source.line_of(path if path in source.lines else (*self.port_path, 'contract'))}"

    def contract_line(self, path: Path_) -> str:
        return f"{self.contract.path}:{self.contract.line_of(path)}"

    def classifications(self) -> Iterator[Problem]:
        product = self.declared.spec.classification
        for path, prop in _properties(self.doc):
            if "classification" not in prop:
                continue
            value, where = prop["classification"], (*path, "classification")
            known = next((c for c in Classification if c.value == value), None)
            if known is None:
                yield self.error(where, f"{dotted(where)}: {value!r} is no classification meshplane knows: "
                                 f"{', '.join(c.value for c in Classification)}")  # fmt: skip
            elif known.rank > product.rank:
                yield self.error(where, f"{dotted(where)}: {known.value} is above its product's classification {product.value} "
                                 f"({self.product_line(('classification',))}): classify the product {known.value}, or the property lower")  # fmt: skip

    def names(self) -> Iterator[Problem]:
        for path, prop in _properties(self.doc):
            physical, name = prop.get("physicalName"), prop.get("name")
            if physical is not None and name is not None and physical != name:
                where = (*path, "physicalName")
                yield self.error(where, f"{dotted(where)}: {physical!r} is not its name {name!r}: the Glue column is named after `name`, "
                                 "so its readers would look for a column that is not there; make them equal, or drop physicalName")  # fmt: skip

    def status(self) -> Iterator[Problem]:
        mine, theirs = port_status(self.declared.spec, self.major), self.doc.get("status")
        if theirs is not None and theirs != mine:  # v3.2.0 may leave it unsaid: the export says the port's
            where = ("status",) if self.port_path == ("output",) else (*self.port_path, "status")
            yield self.error(("status",), f"status: {theirs!r} is not its port's status {mine!r} ({self.product_line(where)}): "
                             "the contract and the product say the same")  # fmt: skip
            yield self.at_product(where, f"{dotted(where)}: {mine}, but its contract ({self.contract_line(('status',))}) says {theirs!r}")

    def version(self) -> Iterator[Problem]:
        text = self.doc.get("version")
        match = VERSION.fullmatch(text) if isinstance(text, str) else None
        where = (*self.port_path, "version")
        if match is None:
            yield self.error(("version",), f"version {text!r}: expected a semantic version, MAJOR.MINOR.PATCH, whose major is the "
                             f"port's version {self.major} ({self.product_line(where)})")  # fmt: skip
        elif int(match[1]) != self.major:
            yield self.error(("version",), f"version {text}: its major version {match[1]} is not the port's version {self.major} "
                             f"({self.product_line(where)}): a major version is published as a port of its own")  # fmt: skip
            yield self.at_product(where, f"{dotted(where)}: {self.major}, but its contract ({self.contract_line(('version',))}) "
                                  f"is version {text}")  # fmt: skip

    def service_levels(self) -> Iterator[Problem]:
        spec = self.declared.spec
        for i, item in enumerate(self.doc.get("slaProperties") or []):
            prop = str(item.get("property", "")).lower()
            if prop not in ("latency", "availability", "retention"):
                continue  # the contract's own promises: carried through
            path: Path_ = ("slaProperties", i)
            value, unit = item.get("value"), item.get("unit")
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                yield self.error((*path, "value"), f"{dotted(path)}.value: {prop} {value!r}: expected a number, to compare with the product's")
                continue
            if prop == "availability":
                if unit not in (None, "%", "percent"):
                    yield self.error((*path, "unit"), f"{dotted(path)}.unit: availability {unit!r}: expected % (a percentage of the time)")
                else:
                    yield from self._level(path, f"availability {value:g}%", float(value), "availability", "{:g}%")
                continue
            seconds = SECONDS.get(unit) if isinstance(unit, str) else None
            if seconds is None:
                said = f"unit {unit!r} is no unit meshplane converts" if unit is not None else "no unit"
                yield self.error((*path, "unit") if unit is not None else path, f"{dotted(path)}: {prop} {value:g} with {said}: "
                                 f"say it in {UNIT_WORDS}")  # fmt: skip
            elif prop == "latency":
                hours = value * seconds / 3600
                yield from self._level(path, f"latency {value:g} {unit} ({hours:g} hours)", hours, "freshness_hours", "freshness of {:g} hours")
            else:
                yield from self._retention(path, value, unit, value * seconds / 86400, spec)

    def _level(self, path: Path_, said: str, theirs: float, field: str, ours_words: str) -> Iterator[Problem]:
        """A level the product declares as `service_levels.<field>`, against the contract's (`theirs`, in its units)."""
        levels = self.declared.spec.service_levels
        if levels is None:
            yield self.error(path, f"{dotted(path)}: {said}: its product declares no service levels ({self.product_line(('name',))}), "
                             "so nobody watches this promise: declare `service_levels`")  # fmt: skip
            return
        ours, where = getattr(levels, field), ("service_levels", field)
        if not math.isclose(theirs, ours, rel_tol=1e-9):
            yield self.error(path, f"{dotted(path)}: {said} is not the product's {ours_words.format(ours)} ({self.product_line(where)})")
            yield self.at_product(where, f"{dotted(where)}: {ours:g}, but its contract ({self.contract_line(path)}) promises {said}")

    def _retention(self, path: Path_, value: float, unit: str, days: float, spec: Product) -> Iterator[Problem]:
        differing: dict[int, list[Environment]] = {}
        for env in Environment:
            kept = resolve(spec, env).retention_days
            if not math.isclose(days, kept, rel_tol=1e-9):
                differing.setdefault(kept, []).append(env)
        for kept, envs in differing.items():
            names = ", ".join(e.value for e in envs)
            overridden = [e for e in envs if e in spec.environments and spec.environments[e].retention_days is not None]
            where = ("environments", overridden[0].value, "retention_days") if overridden else ("retention_days",)
            yield self.error(path, f"{dotted(path)}: retention {value:g} {unit} ({days:g} days) is not the {kept} days the product keeps "
                             f"its data in {names} ({self.product_line(where)})")  # fmt: skip
            yield self.at_product(where, f"{dotted(where)}: {kept} days in {names}, but its contract ({self.contract_line(path)}) "
                                  f"promises a retention of {value:g} {unit}")  # fmt: skip

    def stated(self) -> Iterator[Problem]:
        mine = stated(self.mesh, self.declared, self.declared.spec, self.major)
        for key, words in STATED.items():
            if key in self.doc and (key == "servers" or self.doc[key] != mine[key]):
                value = f", {mine[key]!r}" if isinstance(mine.get(key), str) else ""
                yield self.warning((key,), f"{key}: meshplane states {words}{value}: the exported contract has meshplane's, not this one")
        table = naming.glue_table(naming.port_identity(self.declared.identity, self.major))
        physical = (self.doc.get("schema") or [{}])[0].get("physicalName")
        if physical is not None and physical != table:
            where = ("schema", 0, "physicalName")
            yield self.warning(where, f"{dotted(where)}: {physical!r}: meshplane states {TABLE_WORDS}, {table!r}: the exported contract names it")
        own = {c["property"]: c["value"] for c in mine["customProperties"]}  # type: ignore[union-attr]
        for i, item in enumerate(self.doc.get("customProperties") or []):
            name = item.get("property")
            if name in own and item.get("value") != own[name]:
                where = ("customProperties", i)
                yield self.warning(where, f"{dotted(where)}: meshplane states {name!r} ({own[name]!r}): the exported contract has meshplane's")

    def left_out(self) -> Iterator[Problem]:
        version = self.doc.get("apiVersion")
        for path, why in self.contract.left_out:
            yield self.warning(path, f"{dotted(path)}: ODCS {version} admits it, but {API_VERSION}, the version meshplane exports, does "
                               f"not ({why}): the exported contract leaves it out")  # fmt: skip

    def quality(self) -> Iterator[Problem]:
        gone = {path for path, _ in self.contract.left_out}  # left out of the export: `left_out` says so
        for path, node in _quality(self.doc):
            kept, refused = quality_rules(node)
            for i, rule in enumerate(node["quality"]):
                where = (*path, i)
                if rule in kept and rule.get("type") in ("text", "custom"):
                    yield self.warning(where, f"{dotted(where)}: not evaluated: a {rule['type']} rule is exported as written, "
                                       "and meshplane does not run it")  # fmt: skip
            for i, why in refused:
                where = (*path, i)
                if where in gone:
                    continue
                yield self.warning(where, f"{dotted(where)}: not evaluated: {why}; it is exported as written")


def _properties(doc: Mapping) -> Iterator[tuple[Path_, Mapping]]:
    """Every property of the contract's schema objects, nested ones included, with its path."""
    for s, obj in enumerate(doc.get("schema") or []):
        yield from _nested(("schema", s), obj)


def _nested(path: Path_, node: Mapping) -> Iterator[tuple[Path_, Mapping]]:
    for i, prop in enumerate(node.get("properties") or []):
        where = (*path, "properties", i)
        yield where, prop
        yield from _nested(where, prop)
    items = node.get("items")
    if isinstance(items, dict):
        yield (*path, "items"), items
        yield from _nested((*path, "items"), items)


def _quality(doc: Mapping) -> Iterator[tuple[Path_, Mapping]]:
    """Every schema object and property with quality rules: (the path of its `quality`, the object or property)."""
    for s, obj in enumerate(doc.get("schema") or []):
        for path, node in [(("schema", s), obj), *_nested(("schema", s), obj)]:
            if node.get("quality"):
                yield (*path, "quality"), node
