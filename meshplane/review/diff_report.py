"""A diff for people (text, a pull request's comment) and for programs (JSON)."""

from __future__ import annotations

from collections import defaultdict

from meshplane.declarations.problems import Severity
from meshplane.reports.plan import physical_name_of, short_type
from meshplane.review.diff import Diff
from meshplane.review.resource_changes import Action, counts

MARK = {Severity.error: "BLOCKS  ", Severity.warning: "warning ", Severity.note: "        "}


def text(d: Diff) -> str:
    read_by = "its own program" if d.program == "own" else "this program (the base predates `meshplane.snapshot`)"
    lines = [f"diff {d.ref} -> working tree, environment {d.env} (the base read by {read_by})"]
    if d.base_problems:
        lines.append(f"the base does not load ({len(d.base_problems)} problems): everything shows as new")
    for address, classed in d.products.items():
        lines.append(f"{address}")
        for c in classed:
            lines.append(f"  {MARK[c.severity]}{c.change.kind.compatibility.value:<10} {c.change.detail}")
            if c.severity is not Severity.note:
                lines.append(f"  {'':8}{'':11}-> {c.why}")
    if d.grants:
        lines.append("grants")
        for g in d.grants:
            said = g.detail if g.what == "pending" else f"{g.consumer} reads {g.producer}: {g.detail}"
            lines.append(f"  {MARK[g.severity]}{g.what:<13} {said}")
    if d.stack:
        tally = counts(d.resources)
        lines.append(
            f"resources of stack {d.stack}: {tally['create']} to create, {tally['update']} to update, "
            f"{tally['replace']} to replace, {tally['delete']} to delete"
        )
        by_owner: dict[str, list] = defaultdict(list)
        for r in d.resources:
            by_owner[r.record.product or r.record.domain or "(stack)"].append(r)
        for owner in sorted(by_owner):
            lines.append(f"  {owner}")
            for r in by_owner[owner]:
                flag = "  [protected]" if r.protected and r.action in (Action.replace, Action.delete) else ""
                props = f"  ({', '.join(r.properties)})" if r.properties else ""
                renamed = f"  (was {r.renamed_from.rsplit('::', 1)[-1]})" if r.renamed_from else ""
                lines.append(f"    {r.action.sign:<2} {short_type(r.record.type):<34} {physical_name_of(r.record.type, r.record.inputs) or r.record.name}{props}{renamed}{flag}")
    blocking = [p for p in d.problems if p.severity.blocks]
    if not d.products and not d.grants and not any(r for r in d.resources):
        lines.append("no change to any product, grant or resource")
    lines.append(
        f"{len(blocking)} blocking change(s): the pull request cannot merge as it is" if blocking else "nothing blocks: consumers are safe"
    )
    return "\n".join(lines)


def as_json(d: Diff) -> dict:
    return {
        "base": d.ref,
        "base_read_by": d.program,
        "environment": d.env,
        "stack": d.stack,
        "blocking": d.blocking,
        "products": {
            address: [
                {"kind": c.change.kind.id, "class": c.change.kind.compatibility.value, "version": c.change.version,
                 "detail": c.change.detail, "severity": c.severity.value, "why": c.why, "consumers": list(c.consumers)}
                for c in classed
            ]
            for address, classed in d.products.items()
        },  # fmt: skip
        "grants": [
            {"producer": g.producer, "consumer": g.consumer, "change": g.what, "detail": g.detail, "severity": g.severity.value} for g in d.grants
        ],
        "resources": None if not d.stack else {
            "counts": counts(d.resources),
            "changes": [
                {"action": r.action.value, "type": r.record.type, "name": r.record.name, "urn": r.record.urn, "product": r.record.product,
                 "domain": r.record.domain, "properties": list(r.properties), "renamed_from": r.renamed_from, "protected": r.protected}
                for r in d.resources
            ],
        },  # fmt: skip
        "findings": [p.as_json() for p in d.problems],
    }
