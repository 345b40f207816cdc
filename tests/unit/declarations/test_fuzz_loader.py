"""Whatever bytes a domain team commits, the loader answers with its own error (SpecError) or a model."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from meshkit import PRODUCT_MODELINE, product_text

from meshplane.declarations.loader import SpecError, parse_spec
from meshplane.declarations.spec import Domain, Product
from meshplane.declarations.yamlsrc import parse

FUZZ = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

VALID = parse(product_text("play-events").encode()).data
FIELDS = sorted({*Product.model_fields, "columns", "image", "name", "type", "pii", "dev", "prod", "replicas", "cpu"})


def outcome(raw: bytes, model=Product) -> str:
    try:
        parse_spec(raw, model)
    except SpecError as exc:
        assert exc.items, "a SpecError names at least one problem"
        for line, message in exc.items:
            assert isinstance(line, int) and line >= 1
            assert message and "\n" not in message, message  # one line per problem
        return "error"
    return "ok"


# YAML-ish text: the characters YAML gives meaning to, so the parser goes down many paths
yamlish = st.text(alphabet=st.sampled_from(list("ab01 -:#&*!|>[]{},?'\"\n\t%@`~<=.\\x\u00e9\u2028\ufeff\x00")), max_size=200)


@FUZZ
@given(yamlish)
def test_yamlish_text(text):
    outcome(text.encode("utf-8", "surrogatepass"))
    outcome((PRODUCT_MODELINE + text).encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.text(max_size=300))
def test_arbitrary_text(text):
    outcome(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes(raw):
    outcome(raw)
    outcome(PRODUCT_MODELINE.encode() + raw, Domain)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20), st.sampled_from(FIELDS)
)
structures = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=5),
    max_leaves=30,
)


@pytest.mark.slow
@FUZZ
@given(st.dictionaries(st.sampled_from(FIELDS), structures, max_size=8))
def test_generated_structures(data):
    outcome((PRODUCT_MODELINE + yaml.safe_dump(data, allow_unicode=True)).encode())


@FUZZ
@given(st.sampled_from(sorted(VALID)), structures)
def test_one_field_of_a_valid_product_replaced(field, value):
    data = {**VALID, field: value}
    outcome((PRODUCT_MODELINE + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)).encode())


@FUZZ
@given(st.lists(st.sampled_from(product_text("play-events").encode().splitlines(keepends=True)), max_size=20), st.binary(max_size=8))
def test_shuffled_lines_of_a_valid_product(lines, noise):
    outcome(b"".join(lines) + noise)


def test_the_template_is_valid():
    assert outcome(product_text("play-events").encode()) == "ok"
