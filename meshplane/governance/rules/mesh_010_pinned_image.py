"""MESH-010: the job image is pinned, by digest or by an immutable release tag."""

from __future__ import annotations

import re
from collections.abc import Iterator

from meshplane.governance.context import MeshContext, at
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject

DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


def unpinned(image: str, immutable_tag: str) -> str | None:
    """Why the image is not pinned, or None when it is."""
    if DIGEST.search(image):
        return None
    if "@" in image:
        return "its digest is not a sha256 digest"
    name, _, tag = image.rpartition(":")
    if not name or "/" in tag:
        return "it has no tag (which means `latest`)"
    if tag == "latest":
        return "`latest` moves"
    if not re.match(immutable_tag, tag):
        return f"tag {tag!r} is not an immutable release tag"
    return None


def check(ctx: MeshContext) -> Iterator[Finding]:
    pattern = ctx.federation.images.immutable_tag_pattern
    for declared, product in ctx.products():
        reason = unpinned(product.job.image, pattern)
        if reason is not None:
            yield at(
                declared,
                ("job", "image"),
                f"image {product.job.image!r} is not pinned: {reason}; use a digest (`@sha256:...`) or a release tag",
            )


RULE = Rule(
    id="MESH-010",
    title="Job images are pinned",
    rationale="What runs in production must be what was reviewed: a moving tag changes the code that writes the data without a change to the declaration.",
    severity=Severity.error,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)
