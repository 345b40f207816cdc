"""Per-environment resolution: one pure function, one precedence.

Precedence, lowest first: the model's defaults < the product file < the product's override for the
environment. Only the fields of `Override` can vary; everything else is the same everywhere.
"""

from __future__ import annotations

from meshplane.declarations.spec import Environment, Product

JOB_FIELDS = ("schedule", "replicas", "resources", "suspended")


def resolve(product: Product, env: Environment) -> Product:
    """The product as it deploys to `env`, with its overrides applied and no environments left."""
    override = product.environments.get(env)
    update: dict[str, object] = {"environments": {}}
    if override is not None:
        job = {f: getattr(override, f) for f in JOB_FIELDS if getattr(override, f) is not None}
        if override.resources is not None:
            # only the keys the override writes: an unset one keeps the product's value, not the default
            written = override.resources.model_dump(include=override.resources.model_fields_set)
            job["resources"] = product.job.resources.model_copy(update=written)
        if job:
            update["job"] = product.job.model_copy(update=job)
        if override.retention_days is not None:
            update["retention_days"] = override.retention_days
    return product.model_copy(update=update)
