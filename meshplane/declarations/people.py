"""Who owns a product and how to reach them, as both standards spell it (their Team and Support shapes agree)."""

from __future__ import annotations

from meshplane.declarations.mesh import DeclaredProduct, Mesh


def team(mesh: Mesh, declared: DeclaredProduct) -> dict:
    """The domain's team, with the product owner and the domain's contact as members."""
    domain = mesh.domains[declared.domain].spec
    members = [{"username": declared.spec.owner, "role": "owner"}]
    if domain.contact != declared.spec.owner:
        members.append({"username": domain.contact, "role": "domain contact"})
    return {"name": domain.team, "description": domain.description, "members": members}


def support(mesh: Mesh, declared: DeclaredProduct) -> list[dict]:
    """E-mail channels: the owner (when an address) for questions, the domain's contact for issues."""
    contact = mesh.domains[declared.domain].spec.contact
    owner = declared.spec.owner
    channels = []
    if "@" in owner and owner != contact:
        channels.append({"channel": "owner", "tool": "email", "scope": "interactive", "url": f"mailto:{owner}"})
    channels.append({"channel": "domain-team", "tool": "email", "scope": "issues", "url": f"mailto:{contact}"})
    return channels
