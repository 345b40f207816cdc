"""OrganizationPerimeter: each domain account's SCP and RCP, created and attached in the organization's management
account (the documents are meshplane.cloud.perimeter's, handed over by compose)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

import pulumi

from components import tokens
from components.base import DataProtection, Quantum
from components.spec import Child, Ref


class PolicyType(str, Enum):
    scp = "SERVICE_CONTROL_POLICY"
    rcp = "RESOURCE_CONTROL_POLICY"


@dataclass(frozen=True)
class PerimeterPolicy:
    target: str  # the account it is attached to
    type: PolicyType
    name: str
    content: Mapping  # the document


@dataclass(frozen=True)
class OrganizationPerimeterArgs:
    policies: Sequence[PerimeterPolicy]
    tags: Mapping[str, str] = field(default_factory=dict)


def perimeter_children(args: OrganizationPerimeterArgs) -> list[Child]:
    children = []
    for p in args.policies:
        suffix = f"{p.target}-{p.type.name}"
        description = f"meshplane: administration of account {p.target}'s data kept to its deployer"
        props = {"name": p.name, "type": p.type.value, "content": json.dumps(p.content), "description": description, "tags": dict(args.tags)}
        children += [
            Child(tokens.ORG_POLICY, suffix, props),
            Child(tokens.ORG_POLICY_ATTACHMENT, f"{suffix}-attachment", {"policy_id": Ref(suffix, "id"), "target_id": p.target}, after=[suffix]),
        ]
    return children


class OrganizationPerimeter(Quantum):
    TOKEN = "meshplane:index:OrganizationPerimeter"

    def __init__(self, name: str, args: OrganizationPerimeterArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(name, (), opts)
        self.add(perimeter_children(args), DataProtection.standard)
        self.register_outputs({})
