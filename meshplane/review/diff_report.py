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
    stacks = f", stacks {', '.join(d.stacks)}" if d.stacks else ", no stack of its own"
    lines = [f"diff {d.ref} -> working tree, environment {d.env}{stacks} (the base read by {read_by})"]
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
    for stack, found in d.resources.items():
        tally = counts(found)
        lines.append(
            f"resources of stack {stack}: {tally['create']} to create, {tally['update']} to update, "
            f"{tally['replace']} to replace, {tally['delete']} to delete"
        )
        by_owner: dict[str, list] = defaultdict(list)
        for r in found:
            by_owner[r.record.product or r.record.domain or "(stack)"].append(r)
        for owner in sorted(by_owner):
            lines.append(f"  {owner}")
            for r in by_owner[owner]:
                flag = "  [protected]" if r.protected and r.action in (Action.replace, Action.delete) else ""
                props = f"  ({', '.join(r.properties)})" if r.properties else ""
                renamed = f"  ({r.was})" if r.renamed_from else ""
                lines.append(f"    {r.action.sign:<2} {short_type(r.record.type):<34} {physical_name_of(r.record.type, r.record.inputs) or r.record.name}{props}{renamed}{flag}")
    blocking = [p for p in d.problems if p.severity.blocks]
    if not d.products and not d.grants and not any(d.resources.values()):
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
        "stacks": d.stacks,
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
        "resources": None if not d.stacks else {
            "counts": counts([r for found in d.resources.values() for r in found]),
            "stacks": {stack: counts(found) for stack, found in d.resources.items()},
            "changes": [
                {"stack": stack, "action": r.action.value, "type": r.record.type, "name": r.record.name, "urn": r.record.urn,
                 "product": r.record.product, "domain": r.record.domain, "properties": list(r.properties), "renamed_from": r.renamed_from,
                 "protected": r.protected}
                for stack, found in d.resources.items()
                for r in found
            ],
        },  # fmt: skip
        "findings": [p.as_json() for p in d.problems],
    }
