"""One Open Data Product Standard v1.0.0 descriptor per product, its ports linked to the ODCS contracts.

A descriptor is the same in every environment: it says what the product is, who owns it, what it reads
(input ports, each the upstream port's contract and whether the producer agrees) and what it offers
(an output port per kept major version: its contract, the contracts it depends on, and where that version keeps
its data in each stack that deploys the product: its own bucket and table).
"""

from __future__ import annotations

from collections.abc import Mapping

from meshplane.compose.locate import glue_table, location
from meshplane.compose.product import ports_of
from meshplane.declarations.deployments import deployments
from meshplane.declarations.ids import PORT, contract_id, contract_version, port_status, port_version, product_id
from meshplane.declarations.mesh import DeclaredProduct, Grant, Mesh
from meshplane.declarations.people import support, team
from meshplane.declarations.stack import StackSettings
from meshplane.export.odps_model import (
    API_VERSION,
    CustomProperty,
    DataProduct,
    Description,
    InputContract,
    InputPort,
    Kind,
    OutputPort,
    Support,
    Team,
)


def descriptors(mesh: Mesh, grants: list[Grant], stacks: Mapping[str, StackSettings] | None = None) -> dict[str, dict]:
    """Address -> descriptor document, for every product of the mesh; each output port names its data in `stacks`."""
    agreed = {(g.producer, g.consumer): g.via.value for g in grants}
    stacks = stacks or {}
    deployed = deployments(mesh, dict(stacks))
    return {
        address: descriptor(mesh, p, agreed, {name: stacks[name] for name in deployed[address]}).document() for address, p in mesh.products.items()
    }


def descriptor(
    mesh: Mesh, declared: DeclaredProduct, agreed: dict[tuple[str, str], str], stacks: Mapping[str, StackSettings] | None = None
) -> DataProduct:
    """The product's descriptor; `agreed` maps (producer, consumer) to why the producer agrees (grants only); `stacks`:
    those that deploy the product, by name."""
    spec = declared.spec
    reads = [(a, v) for a, v in declared.reads if a in mesh.products]
    inputs = [a for a, _ in reads]
    return DataProduct(
        api_version=API_VERSION,
        kind=Kind.data_product,
        id=product_id(declared.address),
        name=declared.address,
        version=port_version(spec.output.version),
        status=spec.status.value,
        domain=declared.domain,
        description=Description(
            purpose=spec.description,
            limitations=f"Classified {spec.classification.value}; read access needs both sides' agreement.",
        ),
        tags=(spec.kind.value, spec.classification.value),
        custom_properties=(
            _custom("meshplaneAddress", declared.address),
            _custom("kind", spec.kind.value),
            _custom("dataClassification", spec.classification.value),
            _custom("consumers", list(spec.consumers)),
        ),
        input_ports=tuple(
            InputPort(
                name=address,
                version=contract_version(mesh.products[address], version),
                contract_id=contract_id(address),
                custom_properties=(_custom("agreement", "granted" if (address, declared.address) in agreed else "refused"),),
            )
            for address, version in reads
        )
        or None,
        output_ports=tuple(
            OutputPort(
                name=PORT,
                description=f"{port.format.value} files in S3, catalogued as a Glue table ({port_status(spec, version)})",
                type="table",
                version=contract_version(declared, version),
                contract_id=contract_id(declared.address),
                input_contracts=tuple(InputContract(id=contract_id(a), version=contract_version(mesh.products[a], v)) for a, v in reads) or None,
                custom_properties=(_custom("locations", _locations(declared, version, stacks or {})),) if stacks else None,
            )
            for version, port in ports_of(spec)
        ),
        support=tuple(Support.model_validate(channel) for channel in support(mesh, declared)),
        team=Team.model_validate(team(mesh, declared)),
    )


def _locations(declared: DeclaredProduct, version: int, stacks: Mapping[str, StackSettings]) -> list[dict]:
    """Where major version `version` keeps its data in each stack: a bucket and a table of its own."""
    return [
        {
            "stack": name,
            "environment": settings.environment.value,
            "bucket": location(settings, declared, version).bucket,
            "table": ".".join(glue_table(settings, declared, version)),
        }
        for name, settings in sorted(stacks.items())
    ]


def _custom(name: str, value: object) -> CustomProperty:
    return CustomProperty.model_validate({"property": name, "value": value})
