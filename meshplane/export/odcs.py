"""One Open Data Contract Standard v3.2.0 contract per product output port, for one stack or an environment's stacks.

The contract states what the port promises (its schema with logical and physical types, classification,
service levels, retention), who stands behind it (team, support) and where it is read in the stack's
environment: the product's bucket and its Glue table, named as the program names them.
"""

from __future__ import annotations

from meshplane.cloud import naming
from meshplane.cloud.inventory import whole
from meshplane.compose.locate import glue_table, location
from meshplane.compose.product import ports_of
from meshplane.compose.stack_plan import scope
from meshplane.declarations import odcs_standard as odcs
from meshplane.declarations.mesh import DeclaredProduct, Mesh
from meshplane.declarations.resolve import resolve
from meshplane.declarations.spec import Column, Format, OutputPort, Product
from meshplane.declarations.stack import StackSettings
from meshplane.export.ids import contract_id, document_key, port_status, port_version
from meshplane.export.people import support, team


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
    """The contract of one major version of the product's output port (the current one by default), as it deploys with `settings`."""
    product = resolve(declared.spec, settings.environment)
    version = product.output.version if version is None else version
    port = dict(ports_of(product))[version]
    classification = product.classification.value
    return {
        "apiVersion": odcs.API_VERSION,
        "kind": "DataContract",
        "id": contract_id(declared.address),
        "name": declared.address,
        "version": port_version(version),
        "status": port_status(product, version),
        "domain": declared.domain,
        "tags": [product.kind.value, classification],
        "description": {
            "purpose": product.description,
            "usage": "Read the files at the s3 server, or query the glue server's table. Access is a two-sided agreement: "
            "the consumer declares this product among its inputs and the producer lists the consumer.",
            "limitations": f"Classified {classification}; data is kept {product.retention_days} days.",
        },
        "schema": [_object(product, port, glue_table(settings, declared, version)[1])],
        "servers": _servers(declared, product, port, version, settings),
        "team": team(mesh, declared),
        "support": support(mesh, declared),
        "slaProperties": _service_levels(product),
        "customProperties": [
            {"property": "meshplaneAddress", "value": declared.address},
            {"property": "kind", "value": product.kind.value},
            {"property": "dataClassification", "value": classification},
            {"property": "inputs", "value": list(product.inputs)},
            {"property": "consumers", "value": list(product.consumers)},
            *_deprecation(declared.address, product, version),
        ],
    }


def _deprecation(address: str, product: Product, version: int) -> list[dict]:
    """When the port version stops being served, and what replaces it (ODCS has no field of its own for it)."""
    earlier = next((p for p in product.previous_outputs if p.version == version), None)
    deprecation = earlier.deprecation if earlier is not None else product.deprecation
    if deprecation is None:
        return []
    replaced = deprecation.replaced_by or (None if earlier is None else f"{contract_id(address)} {port_version(product.output.version)}")
    return [{"property": "deprecationDate", "value": str(deprecation.date)}, *([{"property": "replacedBy", "value": replaced}] if replaced else [])]


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
    }


def _property(column: Column, classification: str, partition: int | None = None) -> dict:
    logical, options = odcs.logical_type(column.type)
    prop: dict = {"name": column.name, "logicalType": logical}
    if options:
        prop["logicalTypeOptions"] = options
    prop.update(physicalType=column.type.value, description=column.description, classification=classification)
    if not column.nullable:
        prop["required"] = True
    if partition is not None:
        prop.update(partitioned=True, partitionKeyPosition=partition)
    custom = [{"property": "pii", "value": True}] if column.pii else []
    if column.polyseme:
        custom.append({"property": "polyseme", "value": column.polyseme})
    if custom:
        prop["customProperties"] = custom
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
