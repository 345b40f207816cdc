"""`meshplane plan --state FILE`: what `pulumi up` would do to what is deployed, with the properties that change."""

from __future__ import annotations

from collections import defaultdict

from components import tokens
from meshplane.cloud.inventory import Resource
from meshplane.reports.plan import physical_name_of, short_type
from meshplane.review.deployed import Deployed
from meshplane.review.resource_changes import Action, Record, ResourceChange, changes, counts


def against(resources: list[Resource], state: Deployed) -> list[ResourceChange]:
    """The changes from the deployed state to the program's resources."""
    planned = [
        Record(r.urn, r.type, r.name, r.inputs, r.protect, r.aliases, r.domain, r.product)
        for r in resources
        if r.custom and not r.is_provider and (state.kubernetes or not r.type.startswith(tokens.KUBERNETES_PREFIX))
    ]
    return changes(state.records, planned)


def render(stack: str, source: str, found: list[ResourceChange], deployed: int) -> str:
    tally = counts(found)
    unchanged = deployed - tally["update"] - tally["replace"] - tally["delete"]
    lines = [
        f"plan for stack {stack} against {source} ({deployed} resources deployed): {tally['create']} to create, "
        f"{tally['update']} to update, {tally['replace']} to replace, {tally['delete']} to delete, {unchanged} unchanged"
    ]
    by_owner: dict[str, list[ResourceChange]] = defaultdict(list)
    for c in found:
        by_owner[c.record.product or c.record.domain or "(stack)"].append(c)
    for owner in sorted(by_owner):
        lines.append(f"  {owner}")
        for c in by_owner[owner]:
            props = f"  ({', '.join(c.properties)})" if c.properties else ""
            guard = "  [protected: pulumi up refuses it]" if c.protected and c.action in (Action.replace, Action.delete) else ""
            renamed = f"  [{c.was}]" if c.renamed_from else ""  # the one alias the state matched, never the others
            lines.append(f"    {c.action.sign:<2} {short_type(c.record.type):<34} {physical_name_of(c.record.type, c.record.inputs) or c.record.name}{props}{renamed}{guard}")
    return "\n".join(lines)


def as_json(stack: str, source: str, found: list[ResourceChange]) -> dict:
    return {
        "stack": stack,
        "state": source,
        "counts": counts(found),
        "changes": [
            {"action": c.action.value, "urn": c.record.urn, "type": c.record.type, "name": c.record.name, "product": c.record.product,
             "domain": c.record.domain, "properties": list(c.properties), "renamed_from": c.renamed_from, "protected": c.protected}
            for c in found
        ],
    }  # fmt: skip
