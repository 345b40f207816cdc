"""One Open Data Contract Standard v3.2.0 contract per product output port, for one stack or an environment's stacks.

The contract states what the port promises (its schema with logical and physical types, classification,
service levels, retention), who stands behind it (team, support) and where it is read in the stack's
environment: the product's bucket and its Glue table, named as the program names them.
"""

from __future__ import annotations

from meshplane import naming
from meshplane.inventory import whole
from meshplane import odcs_standard as odcs
from meshplane.compose import scope
from meshplane.compose.locate import glue_table, location
from meshplane.export.ids import PORT_VERSION, STATUS, contract_id
from meshplane.export.people import support, team
from meshplane.mesh import DeclaredProduct, Mesh
from meshplane.resolve import resolve
from meshplane.spec import Column, Format, Product
from meshplane.stack import StackSettings


def contracts(mesh: Mesh, *stacks: StackSettings) -> dict[str, dict]:
    """Address -> contract, for every product the stacks (an environment's) deploy, in the mesh's order; each names
    the buckets and tables of the stack that deploys its product."""
    placed = {d: settings for settings in stacks for d in scope(mesh, settings)}
    return {p.address: contract(mesh, p, placed[d]) for d in mesh.domains if d in placed for p in mesh.products_of(d)}


def contract(mesh: Mesh, declared: DeclaredProduct, settings: StackSettings) -> dict:
    """The contract of the product's output port, as it deploys with `settings`."""
    product = resolve(declared.spec, settings.environment)
    classification = product.classification.value
    return {
        "apiVersion": odcs.API_VERSION,
        "kind": "DataContract",
        "id": contract_id(declared.address),
        "name": declared.address,
        "version": PORT_VERSION,
        "status": STATUS,
        "domain": declared.domain,
        "tags": [product.kind.value, classification],
        "description": {
            "purpose": product.description,
            "usage": "Read the files at the s3 server, or query the glue server's table. Access is a two-sided agreement: "
            "the consumer declares this product among its inputs and the producer lists the consumer.",
            "limitations": f"Classified {classification}; data is kept {product.retention_days} days.",
        },
        "schema": [_object(product, glue_table(settings, declared)[1])],
        "servers": _servers(declared, product, settings),
        "team": team(mesh, declared),
        "support": support(mesh, declared),
        "slaProperties": _service_levels(product),
        "customProperties": [
            {"property": "meshplaneAddress", "value": declared.address},
            {"property": "kind", "value": product.kind.value},
            {"property": "dataClassification", "value": classification},
            {"property": "inputs", "value": list(product.inputs)},
            {"property": "consumers", "value": list(product.consumers)},
        ],
    }


def _object(product: Product, table: str) -> dict:
    classification = product.classification.value
    properties = [_property(c, classification) for c in product.output.columns]
    properties += [_property(c, classification, position) for position, c in enumerate(product.output.partitions, 1)]
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
    if partition is not None:
        prop.update(partitioned=True, partitionKeyPosition=partition)
    custom = [{"property": "pii", "value": True}] if column.pii else []
    if column.polyseme:
        custom.append({"property": "polyseme", "value": column.polyseme})
    if custom:
        prop["customProperties"] = custom
    return prop


def _servers(declared: DeclaredProduct, product: Product, settings: StackSettings) -> list[dict]:
    env = settings.environment.value
    files = f"s3://{location(settings, declared).bucket}/"
    fmt = product.output.format.value
    delimiter = {"delimiter": "new_line"} if product.output.format is Format.json else {}
    database, table = glue_table(settings, declared)
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
