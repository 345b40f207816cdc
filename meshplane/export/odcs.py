"""One Open Data Contract Standard v3.2.0 contract per product output port, for one stack or an environment's stacks.

The contract states what the port promises (its schema with logical and physical types, classification,
service levels, retention), who stands behind it (team, support) and where it is read in the stack's
environment: the product's bucket and its Glue table, named as the program names them.
"""

from __future__ import annotations

import copy

from meshplane.cloud import naming
from meshplane.cloud.inventory import whole
from meshplane.compose.locate import glue_table, location
from meshplane.compose.product import ports_of
from meshplane.compose.stack_plan import scope
from meshplane.declarations.contract_terms import STATED, stated
from meshplane.declarations.ids import document_key, port_status, port_version
from meshplane.declarations.mesh import DeclaredProduct, Mesh
from meshplane.declarations.odcs_import import ImportedContract
from meshplane.declarations.odcs_types import logical_type
from meshplane.declarations.resolve import resolve
from meshplane.declarations.spec import Column, Element, Format, OutputPort, Product, QualityRule, StructField
from meshplane.declarations.stack import StackSettings


def contracts(mesh: Mesh, *stacks: StackSettings) -> dict[str, dict]:
    """Address -> contract of the current port version (`address@N` -> an earlier kept version's), for every product the
    stacks (an environment's) deploy, in the mesh's order; each names the buckets and tables of the stack that deploys it."""
    placed = {d: settings for settings in stacks for d in scope(mesh, settings)}
    found = {}
    for d in (d for d in mesh.domains if d in placed):
        for p in mesh.products_of(d):
            for version, _ in ports_of(p.spec):
                found[document_key(p.address, version, p.spec.output.version)] = contract(mesh, p, placed[d], version)
    return found


def contract(mesh: Mesh, declared: DeclaredProduct, settings: StackSettings, version: int | None = None) -> dict:
    """The contract of one major version of the product's output port (the current one by default), as it deploys with
    `settings`. A port taken from a contract exports that contract as its author wrote it, with only what meshplane
    states replaced (`meshplane.declarations.contract_terms`) and what it leaves unsaid filled in."""
    product = resolve(declared.spec, settings.environment)
    version = product.output.version if version is None else version
    port = dict(ports_of(product))[version]
    classification = product.classification.value
    mine = stated(mesh, declared, product, version)
    own = {
        "apiVersion": mine["apiVersion"],
        "kind": "DataContract",
        "id": mine["id"],
        "name": mine["name"],
        "version": port_version(version),
        "status": port_status(product, version),
        "domain": mine["domain"],
        "tags": [product.kind.value, classification],
        "description": {
            "purpose": product.description,
            "usage": "Read the files at the s3 server, or query the glue server's table. Access is a two-sided agreement: "
            "the consumer declares this product among its inputs and the producer lists the consumer.",
            "limitations": f"Classified {classification}; data is kept {product.retention_days} days.",
        },
        "schema": [_object(product, port, glue_table(settings, declared, version)[1])],
        "servers": _servers(declared, product, port, version, settings),
        "team": mine["team"],
        "support": mine["support"],
        "slaProperties": _service_levels(product),
        "customProperties": mine["customProperties"],
    }
    imported = declared.contracts.get(version)
    return own if imported is None else _carried(imported, own)


def _carried(imported: ImportedContract, own: dict) -> dict:
    """The contract as its author wrote it, with what meshplane states in place and what the author left unsaid filled in
    (each key where the author put it, meshplane's own after them); what the exported version refuses is left out (the
    import warned of it)."""
    carried = copy.deepcopy(dict(imported.document))
    for path, _ in reversed(imported.left_out):  # the last first: an earlier item's index stays right
        parent = carried
        for step in path[:-1]:
            parent = parent[step]
        del parent[path[-1]]
    for key in (*STATED, "apiVersion"):
        carried[key] = own[key]
    carried["schema"][0]["physicalName"] = own["schema"][0]["physicalName"]
    for key in ("description", "tags", "status"):
        carried.setdefault(key, own[key])
    said = {str(item.get("property", "")).lower() for item in carried.get("slaProperties") or []}
    levels = [level for level in own["slaProperties"] if level["property"] not in said]
    if levels:
        carried["slaProperties"] = [*(carried.get("slaProperties") or []), *levels]
    mine = {item["property"]: item for item in own["customProperties"]}
    custom = [mine.pop(item.get("property"), item) for item in carried.get("customProperties") or []]
    carried["customProperties"] = [*custom, *mine.values()]
    return carried


def _object(product: Product, port: OutputPort, table: str) -> dict:
    classification = product.classification.value
    properties = [_property(c, classification) for c in port.columns]
    properties += [_property(c, classification, position) for position, c in enumerate(port.partitions, 1)]
    return {
        "name": naming.glue_table(product.name),
        "physicalName": table,
        "physicalType": "table",
        "logicalType": "object",
        "description": product.description,
        "properties": properties,
        **({"quality": [quality_rule(r) for r in port.quality]} if port.quality else {}),
    }


def _property(column: Column, classification: str, partition: int | None = None) -> dict:
    prop = {"name": column.name, **_element(column), "classification": classification}
    if partition is not None:
        prop.update(partitioned=True, partitionKeyPosition=partition)
    if column.polyseme:
        prop["customProperties"] = [*prop.get("customProperties", []), {"property": "polyseme", "value": column.polyseme}]
    if column.quality:
        prop["quality"] = [quality_rule(r) for r in column.quality]
    return prop


def quality_rule(rule: QualityRule) -> dict:
    """A declared rule as ODCS v3.2's DataQuality: every field it states, type, unit and severity always, whole numbers whole."""
    written = rule.model_dump(mode="json", exclude_none=True)
    return {key: _whole(value) for key, value in written.items() if value != []}


def _whole(value: object) -> object:
    if isinstance(value, float):
        return whole(value)
    if isinstance(value, list):
        return [_whole(v) for v in value]
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    return value


def _element(element: Element) -> dict:
    """A column, a struct's field or an array's element as an ODCS property (its name aside)."""
    logical, options = logical_type(element.type)
    prop: dict = {"logicalType": logical, **({"logicalTypeOptions": options} if options else {}), "physicalType": element.glue_type}
    if element.description:
        prop["description"] = element.description
    if isinstance(element, StructField):
        if not element.nullable:
            prop["required"] = True
        if element.pii:
            prop["customProperties"] = [{"property": "pii", "value": True}]
    if element.fields:
        prop["properties"] = [{"name": f.name, **_element(f)} for f in element.fields]
    if element.items is not None:
        prop["items"] = _element(element.items)
    return prop


def _servers(declared: DeclaredProduct, product: Product, port: OutputPort, version: int, settings: StackSettings) -> list[dict]:
    env = settings.environment.value
    files = f"s3://{location(settings, declared, version).bucket}/"
    fmt = port.format.value
    delimiter = {"delimiter": "new_line"} if port.format is Format.json else {}
    database, table = glue_table(settings, declared, version)
    region = [{"property": "region", "value": settings.region}]
    return [
        {
            "id": "s3",
            "server": f"{env}-s3",
            "type": "s3",
            "environment": env,
            "description": "The product's files, SSE-KMS encrypted with its domain's key.",
            "location": files,
            **({"endpointUrl": settings.aws_endpoint} if settings.aws_endpoint else {}),
            "format": fmt,
            **delimiter,
            "customProperties": region,
        },
        {
            "id": "glue",
            "server": f"{env}-glue",
            "type": "glue",
            "environment": env,
            "description": f"The product's table in the Glue Data Catalog: {database}.{table}.",
            "account": settings.account_of(declared.domain),
            "database": database,
            "location": files,
            "format": fmt,
            "customProperties": [*region, {"property": "table", "value": table}],
        },
    ]


def _service_levels(product: Product) -> list[dict]:
    levels = []
    slo = product.service_levels
    if slo is not None:
        levels += [
            {
                "property": "latency",
                "value": _number(slo.freshness_hours),
                "unit": "h",
                "scheduler": "cron",
                "schedule": product.job.schedule,
                "description": f"The newest data is at most {slo.freshness_hours:g} hours old.",
            },
            {
                "property": "availability",
                "value": _number(slo.availability),
                "unit": "%",
                "description": f"The output port is available {slo.availability:g}% of the time.",
            },
        ]
    levels.append(
        {
            "property": "retention",
            "value": product.retention_days,
            "unit": "d",
            "description": f"Objects are kept {product.retention_days} days, then expire.",
        }
    )
    return levels


def _number(value: float) -> int | float:
    return whole(float(value))
