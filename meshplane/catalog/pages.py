"""The catalog's HTML: the front page (search over every product, the mesh's lineage) and one page per product.

Pages are plain strings built from the catalog's entries; every value from a declaration is escaped.
Links are relative, so the site works from `file://` wherever it is copied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

from meshplane.catalog.entries import Agreement, Entry, State
from meshplane.declarations.odcs_import import facts

SEARCH_FIELDS = ("product", "domain", "owner", "column", "classification", "kind")
VIA = {"product": "the producer lists this product", "domain": "the producer lists its domain", "mesh": "open to every mesh member"}


@dataclass(frozen=True)
class Documents:
    """Where a product's exported documents are, relative to the site's root (None: not exported)."""

    odcs: tuple[tuple[int, str], ...]  # (major version, its contract), the current version first; none: not exported
    odps: str


def product_href(address: str) -> str:
    """A product page, relative to the site's root."""
    return f"products/{address}.html"


def layout(title: str, body: str, root: str) -> str:
    """A whole page; `root` leads from the page back to the site's root (`""` or `../../`)."""
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>"
        f'<link rel="icon" href="{root}assets/favicon.svg" type="image/svg+xml">'
        f'<link rel="stylesheet" href="{root}assets/catalog.css"></head>'
        f'<body><header><a class="home" href="{root}index.html">meshplane catalog</a></header>'
        f"<main>{body}</main></body></html>\n"
    )


def index_page(entries: list[Entry], lineage: str, lineage_caption: str, status: dict | None = None) -> str:
    domains = len({e.product.domain for e in entries})
    items = "".join(_card(e) for e in entries)
    hint = ", ".join(f"<code>{f}:</code>" for f in SEARCH_FIELDS)
    body = (
        f"<h1>Data products</h1><p class=\"lead\">{len(entries)} products in {domains} domains. "
        "Search by product, domain, owner, column or classification.</p>"
        '<div class="search"><label for="search">Search</label>'
        '<input id="search" type="search" autocomplete="off" spellcheck="false" '
        'placeholder="e.g. listener_id, podcasts, confidential, owner:users-data" autofocus>'
        f'<p class="hint">Every word must match; limit a word to a field with {hint}.</p></div>'
        f'<p id="count" aria-live="polite">{len(entries)} of {len(entries)} products</p>'
        + (_status_summary(status) if status else "")
        + f'<ul id="products">{items}</ul><p id="empty" hidden>No product matches.</p>'
        f'<section><h2>Lineage</h2><p class="caption">{escape(lineage_caption)}</p>'
        f'<div class="picture">{lineage}</div>{_legend()}</section>'
        '<script src="assets/search.js"></script>'
    )
    return layout("meshplane catalog", body, "")


def _card(entry: Entry) -> str:
    spec = entry.product.spec
    columns = [c.name for c in (*spec.output.columns, *spec.output.partitions)]
    fields = {
        "product": entry.address,
        "domain": entry.product.domain,
        "owner": f"{spec.owner} {entry.domain.contact} {entry.domain.team}",
        "column": " ".join(columns),
        "classification": spec.classification.value,
        "kind": spec.kind.value,
    }
    data = "".join(f' data-{k}="{escape(v.lower())}"' for k, v in fields.items())
    return (
        f'<li class="product"{data} data-text="{escape(spec.description.lower())}">'
        f'<a class="name" href="{product_href(entry.address)}">{escape(spec.name)}</a> '
        f'{_tag("domain", entry.product.domain)}{_tag("classification", spec.classification.value)}{_tag("kind", spec.kind.value)}'
        f'<p class="description">{escape(spec.description)}</p>'
        f'<p class="meta">Owner {escape(spec.owner)} · {len(columns)} columns: {escape(", ".join(columns))}</p></li>'
    )


def _tag(field: str, value: str) -> str:
    return f'<button type="button" class="tag {field} {escape(value)}" data-query="{field}:{escape(value)}">{escape(value)}</button>'


def product_page(entry: Entry, lineage: str, documents: Documents, contracts_stack: str, status: tuple[str, dict | None] | None = None) -> str:
    spec = entry.product.spec
    root = "../../"
    slo = spec.service_levels
    levels = (
        f"<tr><th>Freshness</th><td>at most {slo.freshness_hours:g} hours old</td></tr>"
        f"<tr><th>Availability</th><td>{slo.availability:g}%</td></tr>"
        if slo
        else '<tr><td colspan="2">No service level objectives declared.</td></tr>'
    )
    versions = ", ".join(f'<a href="{root}{href}">version {version}</a>' for version, href in documents.odcs)
    odcs = (
        f"ODCS contract of each version: {versions} (Open Data Contract Standard v3.2.0, stack {escape(contracts_stack)})"
        if documents.odcs
        else f"no ODCS contract: stack {escape(contracts_stack)} does not deploy this product"
    )
    body = (
        f'<nav class="crumbs"><a href="{root}index.html">All products</a> / {escape(entry.product.domain)}</nav>'
        f"<h1>{escape(spec.name)} {_tag('classification', spec.classification.value)}</h1>"
        f'<p class="lead">{escape(spec.description)}</p>'
        '<section class="facts"><h2>About</h2><table>'
        f"<tr><th>Address</th><td><code>{escape(entry.address)}</code></td></tr>"
        f"<tr><th>Domain</th><td>{escape(entry.product.domain)}: {escape(entry.domain.description)}</td></tr>"
        f"<tr><th>Kind</th><td>{escape(spec.kind.value)}</td></tr>"
        f"<tr><th>Classification</th><td>{escape(spec.classification.value)}</td></tr>"
        f"<tr><th>Owner</th><td>{_mail(spec.owner)}</td></tr>"
        f"<tr><th>Contact</th><td>{escape(entry.domain.team)}, {_mail(entry.domain.contact)}</td></tr>"
        f"<tr><th>Status</th><td>{_status(spec)}</td></tr>"
        f"<tr><th>Version</th><td>{_versions(spec)}</td></tr>"
        f"<tr><th>Format</th><td>{escape(spec.output.format.value)}</td></tr>"
        f"<tr><th>Retention</th><td>{spec.retention_days} days</td></tr>"
        f"<tr><th>Documents</th><td>{odcs}<br>"
        f'<a href="{root}{documents.odps}">ODPS descriptor</a> (Open Data Product Standard v1.0.0)</td></tr>'
        "</table></section>"
        f'<section><h2>Service levels</h2><table class="levels">{levels}</table></section>'
        + (_product_status(status[0], status[1], root) if status else "")
        +         f"<section><h2>Schema</h2>{_schema(entry)}</section>"
        f'<section><h2>Lineage</h2><div class="picture">{lineage}</div>{_legend()}</section>'
        f"<section><h2>Inputs</h2>{_agreements(entry.inputs, root, 'Reads nothing from the mesh.')}</section>"
        f"<section><h2>Consumers</h2>{_agreements(entry.consumers, root, 'No consumer yet.')}</section>"
        f"<section><h2>Environments</h2>{_deployments(entry)}</section>"
    )
    return layout(f"{entry.address} · meshplane catalog", body, root)


def _status_summary(status: dict) -> str:
    """The front page's view of `meshplane status`: how many products are in each state, and those in trouble."""
    products = status["products"]
    counts: dict[str, int] = {}
    for p in products:
        counts[p["state"]] = counts.get(p["state"], 0) + 1
    trouble = [p for p in products if p["state"] != "fresh" or p["quality"] == "failed" or p["at_risk"]]
    items = "".join(
        f'<li><a href="{product_href(p["product"])}">{escape(p["product"])}</a>: {escape(_state_words(p))}</li>' for p in trouble
    )
    told = ", ".join(f"{n} {escape(state)}" for state, n in sorted(counts.items()))
    return (
        f'<section class="status"><h2>Status</h2><p>As of {escape(status["at"])}: {told}.</p>'
        + (f"<ul>{items}</ul>" if items else "<p>Every product is fresh and none is at risk.</p>")
        + "</section>"
    )


def _state_words(p: dict) -> str:
    words = [p["state"]]
    if p["quality"] == "failed":
        words.append("its last quality run failed")
    if p["at_risk"]:
        words.append("at risk through " + ", ".join(risk["path"][-1] for risk in p["at_risk"]))
    return "; ".join(words)


def _product_status(at: str, p: dict | None, root: str) -> str:
    if p is None:
        return f'<section class="status"><h2>Status</h2><p>Not in the status of {escape(at)}.</p></section>'
    age = "never written" if p["last_write"] is None else f'{p["last_write"]} ({p["age_hours"]:g} hours before)'
    risks = "".join(
        "<li>" + " ← ".join(f'<a href="{root}{product_href(a)}">{escape(a)}</a>' for a in risk["path"]) + f' ({escape(risk["because"])})</li>'
        for risk in p["at_risk"]
    )
    return (
        f'<section class="status"><h2>Status</h2><table class="levels">'
        f'<tr><th>As of</th><td>{escape(at)}</td></tr>'
        f'<tr><th>Freshness</th><td>{escape(p["state"])}</td></tr>'
        f"<tr><th>Last write</th><td>{escape(age)}</td></tr>"
        f'<tr><th>Alarm</th><td>{escape(p["alarm"])}</td></tr>'
        f'<tr><th>Quality</th><td>{escape(p["quality"])}</td></tr>'
        "</table>"
        + (f"<p>At risk through its inputs:</p><ul>{risks}</ul>" if risks else "<p>No input puts it at risk.</p>")
        + "</section>"
    )


def _status(spec) -> str:
    deprecation = spec.deprecation
    if deprecation is None:
        return escape(spec.status.value)
    instead = f", replaced by <code>{escape(deprecation.replaced_by)}</code>" if deprecation.replaced_by else ""
    return f"{escape(spec.status.value)} (retired on {deprecation.date}{instead})"


def _versions(spec) -> str:
    """The current major version of the output port, and the earlier ones still kept beside it."""
    earlier = "".join(
        f"; version {p.version} {escape(p.status.value)} (retired on {p.deprecation.date})" for p in sorted(spec.previous_outputs, key=lambda p: p.version)
    )
    return f"{spec.output.version}{earlier}"


def _mail(who: str) -> str:
    return f'<a href="mailto:{escape(who)}">{escape(who)}</a>' if "@" in who else escape(who)


def _flags(column, facts: dict[str, str]) -> list[str]:
    key = facts.get("primaryKeyPosition", "")
    return [
        *(["personal data"] if getattr(column, "pii", False) else []),
        *([f"shared id {escape(column.polyseme)}"] if getattr(column, "polyseme", None) else []),
        *(["required"] if not getattr(column, "nullable", True) else []),
        *([f"primary key{' ' + escape(key) if key not in ('', '-1') else ''}"] if facts.get("primaryKey") == "true" else []),
        *(["unique"] if facts.get("unique") == "true" else []),
        *(["critical data element"] if facts.get("criticalDataElement") == "true" else []),
        *([f"classified {escape(facts['classification'])}"] if "classification" in facts else []),
        *([f"tags {escape(facts['tags'])}"] if "tags" in facts else []),
    ]


def _schema(entry: Entry) -> str:
    declared = entry.product
    port = declared.spec.output
    contract = declared.contracts.get(port.version)
    rows: list[str] = []
    for part, role in (("columns", ""), ("partitions", "partition")):
        for i, column in enumerate(getattr(port, part)):
            prop = contract.property_of(part, i) if contract is not None else {}
            rows += _rows(column, column.name, role, prop)
    source = f'<p class="caption">Taken from the ODCS contract <code>{escape(port.contract)}</code>.</p>' if port.contract else ""
    return (
        f'{source}<table class="schema"><thead><tr><th>Column</th><th>Type</th><th>Description</th><th>Flags</th>'
        f"<th>Role</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _rows(element, label: str, role: str, prop: Mapping) -> list[str]:
    """A column's row, then a row for each field of a struct (`address.city`) or the element of an array (`tags[]`)."""
    shown = facts(prop)
    business = f"{escape(shown['businessName'])}: " if "businessName" in shown else ""
    rows = [
        f"<tr><td><code>{escape(label)}</code></td><td>{escape(element.type)}</td><td>{business}{escape(element.description or '')}</td>"
        f"<td>{' · '.join(_flags(element, shown))}</td><td>{role}</td></tr>"
    ]
    for i, field in enumerate(element.fields):
        rows += _rows(field, f"{label}.{field.name}", "field", (prop.get("properties") or [{}] * (i + 1))[i])
    if element.items is not None:
        rows += _rows(element.items, f"{label}[]", "element", prop.get("items") or {})
    return rows


def _agreements(agreements: tuple[Agreement, ...], root: str, none: str) -> str:
    if not agreements:
        return f"<p>{none}</p>"
    rows = "".join(
        f"<tr><td>{_party(a, root)}</td><td><span class=\"state {a.state.value}\">{a.state.value}</span></td>"
        f"<td>{escape(_why(a))}</td></tr>"
        for a in agreements
    )
    return f'<table class="agreements"><thead><tr><th>Product</th><th>Agreement</th><th>Why</th></tr></thead><tbody>{rows}</tbody></table>'


def _party(agreement: Agreement, root: str) -> str:
    if agreement.is_product:
        return f'<a href="{root}{product_href(agreement.party)}">{escape(agreement.party)}</a>'
    return f"every product of domain {escape(agreement.party)}"


def _why(agreement: Agreement) -> str:
    if agreement.state is State.granted:
        return f"both sides agree: declared as an input, and {VIA.get(agreement.via or '', agreement.via or '')}"
    if agreement.state is State.refused:
        return "declared as an input, but the producer does not list it: no access"
    return "the producer agrees to serve it; it does not declare the input yet"


def _deployments(entry: Entry) -> str:
    if not entry.deployments:
        return "<p>No stack deploys this product.</p>"
    rows = "".join(
        f"<tr><td>{escape(d.stack)}</td><td>{escape(d.environment)}</td><td>{d.version} ({escape(d.status)})</td>"
        f"<td><code>s3://{escape(d.bucket)}/</code></td><td><code>{escape(d.table)}</code></td></tr>"
        for d in entry.deployments
    )
    head = "<th>Stack</th><th>Environment</th><th>Version</th><th>Bucket</th><th>Glue table</th>"
    return f'<table class="deployments"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _legend() -> str:
    return (
        '<p class="legend"><span class="key granted"></span> granted: both sides agree '
        '<span class="key refused"></span> refused: declared, not agreed by the producer</p>'
    )
