"""The tags and labels every resource carries: who manages it, and which domain and product it belongs to."""

from __future__ import annotations

from meshplane.declarations.mesh import DeclaredDomain, DeclaredProduct
from meshplane.declarations.spec import Product

MANAGED_BY = "meshplane"


def domain_tags(declared: DeclaredDomain) -> dict[str, str]:
    return {"domain": declared.name, "owner": declared.spec.contact}


def domain_labels(domain: str) -> dict[str, str]:
    return {"app.kubernetes.io/managed-by": MANAGED_BY, "meshplane.io/domain": domain}


def product_tags(declared: DeclaredProduct, product: Product) -> dict[str, str]:
    return {"domain": declared.domain, "product": declared.address, "owner": product.owner, "classification": product.classification.value}


def product_labels(declared: DeclaredProduct) -> dict[str, str]:
    return {**domain_labels(declared.domain), "meshplane.io/product": declared.spec.name}
