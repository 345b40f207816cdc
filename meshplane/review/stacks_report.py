"""The stacks a change touches, for people and for a CI matrix."""

from __future__ import annotations

from meshplane.review.affected import Affected

CONVERGE = (
    "stacks of one wave that read each other both ways converge in two passes: `pulumi up --continue-on-error` on each "
    "(every principal is created; only grants naming the others' new principals fail), then `pulumi up` on each"
)


def text(found: Affected) -> str:
    what = f"against {found.base}" if found.base else ("the named files" if found.files else "every stack")
    lines = [f"{len(found.stacks)} stack(s) for {len(found.files)} changed file(s), {what}" if found.files or found.base else f"{len(found.stacks)} stack(s)"]
    for s in found.stacks:
        cycle = f"  (converges with {', '.join(s.cycle)})" if s.cycle else ""
        emulator = "  (a local emulator's)" if s.emulated else ""
        lines.append(f"  wave {s.wave}: {s.stack:<20} {s.environment:<8} {', '.join(s.domains)}{cycle}{emulator}")
        lines.extend(f"      {reason}" for reason in s.why)
    if any(s.cycle for s in found.stacks):
        lines.append(CONVERGE)
    for name in found.removed:
        lines.append(f"  removed: {name} (its file is deleted: `pulumi destroy` then `pulumi stack rm` it by hand)")
    if found.unseen:
        lines.append("  (no base: a partner whose only relation the change removes is not seen; use --base)")
    if (found.files or found.base) and not found.stacks:
        lines.append("  nothing to deploy: no stack's resources change")
    return "\n".join(lines)


def as_json(found: Affected) -> dict:
    return {
        "base": found.base,
        "files": found.files,
        "platform": found.platform,
        "stacks": [
            {"stack": s.stack, "environment": s.environment, "wave": s.wave, "domains": s.domains, "why": s.why,
             "converges_with": s.cycle, "emulated": s.emulated, "cluster": s.cluster, "region": s.region}
            for s in found.stacks
        ],
        "waves": found.waves,
        # what a cloud pipeline previews and applies: the stacks of an emulator are `meshplane up --local`'s
        "matrix": {"include": [{"stack": s.stack, "environment": s.environment, "wave": s.wave, "cluster": s.cluster, "region": s.region}
                               for s in found.stacks if not s.emulated]},
        "environments": sorted({s.environment for s in found.stacks if not s.emulated}),
        "removed": found.removed,
        "converge": CONVERGE if any(s.cycle for s in found.stacks) else None,
        "complete": not found.unseen,
    }
