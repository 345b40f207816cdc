"""What governance will say of one product file, in its JSON Schema, so that an editor says it first.

A mesh rule that looks at one file only and is mandatory in every environment (as the federation decides)
becomes constraints of `product.schema.json`: the owner's e-mail address (MESH-001), the descriptions'
least length (MESH-002), the classification a PII column asks for (MESH-003), the shared vocabulary
(MESH-006, MESH-007), the retention bounds per classification (MESH-008) and the column naming convention
(MESH-011). A rule mandatory only in some environments, or about several files (the handshake, a cycle),
stays governance's alone.
"""

from __future__ import annotations

import copy

from meshplane.cloud import aws_inputs as aws
from meshplane.declarations.federation import Federation
from meshplane.declarations.spec import Classification, Environment, Product
from meshplane.governance.registry import RULES

FILE_RULES = ("MESH-001", "MESH-002", "MESH-003", "MESH-006", "MESH-007", "MESH-008", "MESH-011")


def mandatory_everywhere(federation: Federation) -> set[str]:
    """The rules of one file that block in every environment."""
    return {r for r in FILE_RULES if all(federation.severity_of(r, env, RULES[r].severity).blocks for env in Environment)}


def product_schema(federation: Federation) -> dict:
    """`Product`'s JSON Schema with the constraints of the rules `mandatory_everywhere` for `federation`."""
    schema = copy.deepcopy(Product.model_json_schema())
    rules = mandatory_everywhere(federation)
    product, column = schema["properties"], schema["$defs"]["Column"]
    everywhere: list[dict] = []  # constraints of the whole product
    columns: list[dict] = []  # constraints of every column and partition
    if "MESH-001" in rules:
        product["owner"] = {**product["owner"], "allOf": [{"pattern": aws.EMAIL_PATTERN}], "format": "email"}
    if "MESH-002" in rules:
        naming = federation.naming
        product["description"]["minLength"] = max(product["description"].get("minLength", 0), naming.product_description_min)
        column["properties"]["description"]["minLength"] = max(column["properties"]["description"].get("minLength", 0), naming.column_description_min)
    if "MESH-003" in rules:
        least = federation.pii_min_classification
        allowed = [c.value for c in Classification if c.rank >= least.rank]
        pii = {"contains": {"properties": {"pii": {"const": True}}, "required": ["pii"]}}
        holds_pii = {"anyOf": [{"properties": {part: pii}, "required": [part]} for part in ("columns", "partitions")]}
        everywhere.append({"if": {"properties": {"output": holds_pii}, "required": ["output"]}, "then": {"properties": {"classification": {"enum": allowed}}}})
    vocabulary = federation.vocabulary
    if "MESH-006" in rules:
        column["properties"]["polyseme"]["anyOf"][0]["enum"] = sorted(vocabulary)
        for name, entry in sorted(vocabulary.items()):
            carries = {"properties": {"polyseme": {"const": name}}, "required": ["polyseme"]}
            columns.append({"if": carries, "then": {"properties": {"name": {"const": name}, "type": {"const": entry.type}}}})
    if "MESH-007" in rules and vocabulary:
        named = {"properties": {"name": {"enum": sorted(vocabulary)}}, "required": ["name"]}
        columns.append({"if": named, "then": {"properties": {"polyseme": {"type": "string"}}, "required": ["polyseme"]}})
    if "MESH-008" in rules:
        default = Product.model_fields["retention_days"].default
        for classification in Classification:
            bounds = federation.policy_for(classification).retention
            days = {"minimum": bounds.min_days, "maximum": bounds.max_days}
            then: dict = {"properties": {"retention_days": days, "environments": {"additionalProperties": {"properties": {"retention_days": days}}}}}
            if not bounds.min_days <= default <= bounds.max_days:
                then["required"] = ["retention_days"]
            everywhere.append({"if": {"properties": {"classification": {"const": classification.value}}, "required": ["classification"]}, "then": then})
    if "MESH-011" in rules:
        naming = federation.naming
        name = column["properties"]["name"]
        name["maxLength"] = min(name.get("maxLength", naming.column_name_max), naming.column_name_max)
        name["allOf"] = [{"pattern": naming.column_pattern}]
    if everywhere:
        schema["allOf"] = everywhere
    if columns:
        column["allOf"] = columns
    return schema
