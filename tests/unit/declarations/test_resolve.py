"""Per-environment resolution: defaults < product file < environment override, nothing else varies."""

from __future__ import annotations

import pytest
from meshkit import product_text

from meshplane.declarations.loader import SpecError, parse_spec
from meshplane.declarations.resolve import resolve
from meshplane.declarations.spec import Environment, Job, Override, Product, Resources


def load(extra: str = "", job: str = "") -> Product:
    text = product_text("play-events") + job + extra
    return parse_spec(text.encode(), Product)[0]


def test_defaults_apply_where_nothing_is_written():
    for env in Environment:
        p = resolve(load(), env)
        assert p.retention_days == Product.model_fields["retention_days"].default
        assert p.job.schedule == Job.model_fields["schedule"].default
        assert p.job.replicas == 1
        assert p.job.resources == Resources()
        assert p.job.suspended is False
        assert p.environments == {}


def test_the_product_file_beats_the_defaults():
    p = resolve(load("retention_days: 30\n", job='  schedule: "@hourly"\n  replicas: 3\n  resources: {cpu: "2", memory: 8Gi}\n'), Environment.prod)
    assert (p.retention_days, p.job.schedule, p.job.replicas) == (30, "@hourly", 3)
    assert p.job.resources == Resources(cpu="2", memory="8Gi")


PRODUCT_WITH_OVERRIDES = dict(
    job='  schedule: "@hourly"\n  replicas: 3\n  resources: {cpu: "2", memory: 8Gi}\n',
    extra="""\
retention_days: 30
environments:
  dev:
    retention_days: 3
    schedule: "@daily"
    replicas: 1
    suspended: true
  staging:
    resources: {cpu: 500m}
""",
)


def test_the_environment_override_beats_the_product_file():
    p = resolve(load(**PRODUCT_WITH_OVERRIDES), Environment.dev)
    assert (p.retention_days, p.job.schedule, p.job.replicas, p.job.suspended) == (3, "@daily", 1, True)
    assert p.job.resources == Resources(cpu="2", memory="8Gi")  # not overridden in dev


def test_an_override_does_not_leak_into_other_environments():
    product = load(**PRODUCT_WITH_OVERRIDES)
    for env in (Environment.prod, Environment.local):
        p = resolve(product, env)
        assert (p.retention_days, p.job.schedule, p.job.replicas, p.job.suspended) == (30, "@hourly", 3, False)
        assert p.job.resources == Resources(cpu="2", memory="8Gi")
    # resolving dev first changes nothing for the others: resolution is pure
    resolve(product, Environment.dev)
    assert resolve(product, Environment.prod).retention_days == 30
    assert product.environments[Environment.dev].retention_days == 3


def test_a_partial_resources_override_keeps_the_products_other_values():
    p = resolve(load(**PRODUCT_WITH_OVERRIDES), Environment.staging)
    # staging writes only cpu: memory stays the product's 8Gi, not the model's default 1Gi
    assert p.job.resources == Resources(cpu="500m", memory="8Gi")
    assert (p.retention_days, p.job.schedule, p.job.replicas) == (30, "@hourly", 3)


def test_an_explicit_false_override_is_applied():
    p = resolve(load("environments:\n  prod:\n    suspended: false\n", job="  suspended: true\n"), Environment.prod)
    assert p.job.suspended is False
    assert resolve(load("environments:\n  prod:\n    suspended: false\n", job="  suspended: true\n"), Environment.dev).job.suspended is True


def test_the_other_fields_are_the_same_everywhere():
    product = load(**PRODUCT_WITH_OVERRIDES)
    fixed = {"name", "description", "owner", "kind", "classification", "output", "inputs", "consumers", "service_levels"}
    for env in Environment:
        resolved = resolve(product, env)
        assert {f: getattr(resolved, f) for f in fixed} == {f: getattr(product, f) for f in fixed}
        assert resolved.job.image == product.job.image


@pytest.mark.parametrize("field", sorted(set(Product.model_fields) - set(Override.model_fields)))
def test_fields_that_must_not_vary_cannot_be_overridden(field):
    with pytest.raises(SpecError) as err:
        load(f"environments:\n  prod:\n    {field}: x\n")
    assert err.value.items == [(18, f"unknown key 'environments.prod.{field}'")]


def test_overridable_fields_are_the_ones_that_make_sense_to_vary():
    assert set(Override.model_fields) == {"retention_days", "schedule", "replicas", "resources", "suspended"}


def test_override_values_are_validated_like_the_products():
    with pytest.raises(SpecError) as err:
        load("environments:\n  dev:\n    retention_days: 0\n    schedule: sometimes\n")
    assert err.value.items == [
        (18, "environments.dev.retention_days: Input should be greater than or equal to 1"),
        (19, "environments.dev.schedule: 'sometimes' has 1 field: a schedule has five (minute, hour, day of month, month, day of week) or is a macro"),
    ]
