"""The Open Data Product Standard (Bitol) v1.0.0 descriptor, as pydantic models of its JSON Schema.

Every object of the schema is a model here with its properties, the ones it requires, its enums, and
`additionalProperties: false` as `extra="forbid"`; `format: uri` and `format: date(-time)` are checked too.
Descriptors are built with these models, so one that breaks the standard cannot be written.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, JsonValue

API_VERSION = "v1.0.0"

Uri = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", json_schema_extra={"format": "uri"})]
Tags = Annotated[
    tuple[str, ...],
    Field(description="Tags that categorize the element, for example `finance`, `sensitive`, `employee_record`."),
]


class Odps(BaseModel):
    """Base of every ODPS object: immutable, unknown keys rejected, camelCase keys on the wire."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def document(self) -> dict:
        """The object as a JSON-ready mapping, with the standard's keys, leaving out what is unset."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class ApiVersion(str, Enum):
    v0_9_0 = "v0.9.0"
    v1_0_0 = "v1.0.0"


class Kind(str, Enum):
    data_product = "DataProduct"


class CustomProperty(Odps):
    """A key/value pair for custom properties."""

    property: str = Field(description="The name of the key, in camel case, as if it were a permanent property.")
    value: JsonValue = Field(description="The value of the key.")
    description: str | None = Field(default=None, description="Optional description.")


CustomProperties = Annotated[tuple[CustomProperty, ...] | None, Field(description="A list of key/value pairs for custom properties.")]


class AuthoritativeDefinition(Odps):
    """A type/link pair for authoritative definitions."""

    type: str = Field(description="Type of definition for authority, e.g. `businessDefinition`, `implementation`.")
    url: Uri = Field(description="URL to the authority.")
    description: str | None = Field(default=None, description="Optional description.")


AuthoritativeDefinitions = Annotated[
    tuple[AuthoritativeDefinition, ...] | None,
    Field(alias="authoritativeDefinitions", description="Links to sources that provide more details."),
]


class Description(Odps):
    """Object containing the descriptions."""

    purpose: str | None = Field(default=None, description="Intended purpose for the provided data.")
    limitations: str | None = Field(default=None, description="Technical, compliance, and legal limitations for data use.")
    usage: str | None = Field(default=None, description="Recommended usage of the data.")
    authoritative_definitions: AuthoritativeDefinitions = None
    custom_properties: CustomProperties = Field(default=None, alias="customProperties")


class InputPort(Odps):
    """An input port describing expectations."""

    name: str = Field(description="Name of the input port.")
    version: str = Field(description="Version of the input port.")
    contract_id: str = Field(alias="contractId", description="Contract ID for the input port.")
    tags: Tags | None = None
    custom_properties: CustomProperties = Field(default=None, alias="customProperties")
    authoritative_definitions: AuthoritativeDefinitions = None


class Sbom(Odps):
    """Software Bill of Materials."""

    type: str = Field(default="external", description="Type of SBOM.")
    url: Uri = Field(description="URL to the SBOM.")


class InputContract(Odps):
    """Input contract dependency."""

    id: str = Field(description="Contract ID or contractId.")
    version: str = Field(description="Version of the input contract.")


class OutputPort(Odps):
    """An output port describing promises."""

    name: str = Field(description="Name of the output port.")
    description: str | None = Field(default=None, description="Human readable short description of the output port.")
    type: str | None = Field(default=None, description="The type of output port, each automated and handled differently.")
    version: str = Field(description="Version of the port: name and version together are the key.")
    contract_id: str | None = Field(default=None, alias="contractId", description="Contract ID for the output port.")
    sbom: tuple[Sbom, ...] | None = Field(default=None, description="The SBOM, at the version level.")
    input_contracts: tuple[InputContract, ...] | None = Field(
        default=None, alias="inputContracts", description="Dependencies or input contracts."
    )
    tags: Tags | None = None
    custom_properties: CustomProperties = Field(default=None, alias="customProperties")
    authoritative_definitions: AuthoritativeDefinitions = None


class ManagementPort(Odps):
    """Management port for managing the data product."""

    name: str = Field(description="Endpoint identifier or unique name.")
    content: str = Field(description="Content type, e.g. `discoverability`, `observability`, `control`, `dictionary`.")
    type: str = Field(default="rest", description="Type: can be `rest` or `topic`. Default is `rest`.")
    url: Uri | None = Field(default=None, description="URL to access the endpoint.")
    channel: str | None = Field(default=None, description="Channel to communicate with the data product.")
    description: str | None = Field(default=None, description="Purpose and usage.")
    tags: Tags | None = None
    custom_properties: CustomProperties = Field(default=None, alias="customProperties")
    authoritative_definitions: AuthoritativeDefinitions = None


class Support(Odps):
    """Support channel."""

    channel: str = Field(description="Channel name or identifier.")
    url: Uri = Field(description="Access URL using normal URL scheme (https, mailto, etc.).")
    description: str | None = Field(default=None, description="Description of the channel, free text.")
    tool: str | None = Field(default=None, description="Name of the tool: `email`, `slack`, `teams`, `discord`, `ticket`, `other`.")
    scope: str | None = Field(default=None, description="Scope can be: `interactive`, `announcements`, `issues`.")
    invitation_url: Uri | None = Field(
        default=None, alias="invitationUrl", description="Invitation URL for requesting or subscribing, where a tool uses one."
    )
    tags: Tags | None = None
    custom_properties: CustomProperties = Field(default=None, alias="customProperties")
    authoritative_definitions: AuthoritativeDefinitions = None


class TeamMember(Odps):
    """Team member information."""

    username: str = Field(description="The user's username or email.")
    name: str | None = Field(default=None, description="The user's name.")
    description: str | None = Field(default=None, description="The user's description.")
    role: str | None = Field(default=None, description="The user's job role, such as owner or data steward.")
    date_in: date | None = Field(default=None, alias="dateIn", description="The date when the user joined the team.")
    date_out: date | None = Field(default=None, alias="dateOut", description="The date when the user ceased to be part of the team.")
    replaced_by_username: str | None = Field(
        default=None, alias="replacedByUsername", description="The username of the user who replaced the previous user."
    )
    tags: Tags | None = None
    custom_properties: CustomProperties = Field(default=None, alias="customProperties")
    authoritative_definitions: AuthoritativeDefinitions = None


class Team(Odps):
    """Team information."""

    name: str | None = Field(default=None, description="Team name.")
    description: str | None = Field(default=None, description="Team description.")
    members: tuple[TeamMember, ...] | None = Field(default=None, description="List of members.")
    tags: Tags | None = None
    custom_properties: CustomProperties = Field(default=None, alias="customProperties")
    authoritative_definitions: AuthoritativeDefinitions = None


class DataProduct(Odps):
    """An Open Data Product Standard descriptor: one data product."""

    api_version: ApiVersion = Field(alias="apiVersion", description="Version of the standard used to build the data product.")
    kind: Kind = Field(description="The kind of file this is: `DataProduct`.")
    id: str = Field(description="A unique identifier used to reduce the risk of dataset name collisions, such as a UUID.")
    name: str | None = Field(default=None, description="Name of the data product.")
    version: str | None = Field(default=None, description="Current version of the data product.")
    status: str = Field(description="Current status: proposed, draft, active, deprecated, retired.")
    domain: str | None = Field(default=None, description="Business domain.")
    tenant: str | None = Field(default=None, description="Organization identifier.")
    authoritative_definitions: AuthoritativeDefinitions = None
    description: Description | None = Field(default=None, description="Object containing the descriptions.")
    custom_properties: CustomProperties = Field(default=None, alias="customProperties")
    tags: Tags | None = None
    input_ports: tuple[InputPort, ...] | None = Field(default=None, alias="inputPorts", description="Where the product gets its data.")
    output_ports: tuple[OutputPort, ...] | None = Field(default=None, alias="outputPorts", description="What the product offers.")
    management_ports: tuple[ManagementPort, ...] | None = Field(
        default=None, alias="managementPorts", description="Access points for managing the data product."
    )
    support: tuple[Support, ...] | None = Field(default=None, description="Support and communication channels.")
    team: Team | None = Field(default=None, description="Team information.")
    product_created_ts: datetime | None = Field(
        default=None, alias="productCreatedTs", description="Timestamp in UTC of when the data product was created (ISO 8601)."
    )
