"""A stack as `pulumi stack export` writes it after `pulumi up` of a program run: what `plan --state` reads."""

from __future__ import annotations

import copy

from meshplane.registrations import engine
from meshplane.review.resource_changes import canonical


def exported(evaluation: engine.Evaluation) -> dict:
    """The stack as `pulumi stack export` writes it after `pulumi up` of the same program: URNs as a real engine
    spells them, every resource with its inputs and protection."""
    resources = [{"urn": f"urn:pulumi:{evaluation.stack}::meshplane::pulumi:pulumi:Stack::meshplane-{evaluation.stack}", "custom": False, "type": "pulumi:pulumi:Stack"}]
    for r in evaluation.resources:
        entry = {"urn": canonical(r.urn), "custom": r.custom, "type": r.type, "inputs": copy.deepcopy(r.inputs), "protect": r.protect}
        if r.parent:
            entry["parent"] = canonical(r.parent)
        if r.retain_on_delete:
            entry["retainOnDelete"] = True
        resources.append(entry)
    return {"version": 3, "deployment": {"manifest": {"version": "v3.272.0"}, "resources": resources}}
