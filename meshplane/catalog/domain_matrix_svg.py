"""Who reads whom between domains, as an inline SVG matrix: what a large mesh's front page draws.

Past a few dozen products a lineage graph is a hairball, and between domains it is full of cycles; a
matrix stays readable at any size: a row per reading domain, a column per producing domain, each cell
shaded by how many inputs cross, red where the producer refuses some of them.
"""

from __future__ import annotations

from html import escape

CELL = 14
CHAR_W = 7  # the width of a label's character at the labels' size, roughly
PAD = 8


def render(domains: list[str], crossings: dict[tuple[str, str], tuple[int, int]], title: str) -> str:
    """`crossings`: (producer, consumer) domains -> (granted, refused) inputs between them."""
    label_w = CHAR_W * max((len(d) for d in domains), default=0) + PAD
    left, top = PAD + label_w, PAD + label_w
    size = len(domains) * CELL
    most = max((g + r for g, r in crossings.values()), default=1)
    index = {d: i for i, d in enumerate(domains)}
    parts = [
        f'<svg class="matrix" xmlns="http://www.w3.org/2000/svg" role="img" width="{left + size + PAD}" '
        f'height="{top + size + PAD}" viewBox="0 0 {left + size + PAD} {top + size + PAD}"><title>{escape(title)}</title>'
    ]
    for i, domain in enumerate(domains):
        y = top + i * CELL + CELL - 3
        x = left + i * CELL + CELL - 3
        parts.append(f'<a href="#q=domain:{escape(domain)}"><text x="{left - 6}" y="{y}" font-size="11" text-anchor="end">{escape(domain)}</text></a>')
        parts.append(f'<text x="{x}" y="{top - 6}" font-size="11" transform="rotate(-90 {x} {top - 6})">{escape(domain)}</text>')
    for (producer, consumer), (granted, refused) in sorted(crossings.items()):
        x = left + index[producer] * CELL
        y = top + index[consumer] * CELL
        shade = 0.25 + 0.75 * (granted + refused) / most
        colour = "#dc2626" if refused else "#2563eb"
        parts.append(
            f'<rect x="{x}" y="{y}" width="{CELL - 1}" height="{CELL - 1}" fill="{colour}" fill-opacity="{shade:.2f}">'
            f"<title>{escape(consumer)} reads {escape(producer)}: {granted} granted, {refused} refused</title></rect>"
        )
    parts.append(
        f'<rect x="{left}" y="{top}" width="{size}" height="{size}" fill="none" stroke="#cbd5e1"/></svg>'
    )
    return "".join(parts)
