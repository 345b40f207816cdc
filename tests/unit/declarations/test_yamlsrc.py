"""Safe YAML reading: plain data, the line of every value, aliases only within bounds."""

from __future__ import annotations

import pytest
from meshkit import PRODUCT_MODELINE, product_text

from meshplane.declarations.loader import SpecError, parse_spec
from meshplane.declarations.spec import Product
from meshplane.declarations.yamlsrc import MAX_DEPTH, YamlError, parse

DOC = """\
# a comment
name: x
job:
  image: y
  resources:
    cpu: 1
list:
  - a
  - {k: v}
"""


def test_lines_of_keys_and_items():
    doc = parse(DOC.encode())
    assert doc.line_of(("name",)) == 2
    assert doc.line_of(("job", "resources", "cpu")) == 6
    assert doc.line_of(("list", 1, "k")) == 9
    assert doc.line_of(("job", "resources", "memory")) == 5  # missing: the deepest known parent
    assert doc.line_of(("nothing", "here")) == 2  # the document starts at line 2


@pytest.mark.parametrize(
    "text, value",
    [
        ("v: 12", 12), ("v: -3", -3), ("v: +3", 3), ("v: 0", 0), ("v: 2.5", 2.5), ("v: .5", 0.5), ("v: 1.5e+3", 1500.0), ("v: 1e3", 1000.0),
        ("v: true", True), ("v: false", False), ("v: ~", None), ("v: null", None), ("v: NULL", None), ("v:", None), ("v: '12'", "12"),
        ("v: 2024-01-01", "2024-01-01"), ("v: .inf", ".inf"), ("v: .nan", ".nan"), ("v: !!binary aGk=", "aGk="), ("v: !custom x", "x"),
        # YAML 1.1's booleans and number forms stay text (strict: a field that wants a number or a boolean refuses them)
        ("v: yes", "yes"), ("v: no", "no"), ("v: on", "on"), ("v: Off", "Off"), ("v: y", "y"), ("v: N", "N"), ("v: True", "True"),
        ("v: FALSE", "FALSE"), ("v: 0x1f", "0x1f"), ("v: 0o17", "0o17"), ("v: 017", "017"), ("v: 01.5", "01.5"), ("v: 1_000", "1_000"),
        ("v: 1:30", "1:30"), ("v: 190:20:30.15", "190:20:30.15"),
        # an explicit tag is honoured only where the text is the plain form's
        ("v: !!int 5", 5), ("v: !!int 0x10", "0x10"), ("v: !!bool yes", "yes"), ("v: !!bool true", True), ("v: !!float 3", 3.0),
        ("v: !!str 5", "5"), ("v: !!null x", "x"),
    ],
)
def test_scalars_are_plain_data(text, value):
    assert parse(text.encode()).data == {"v": value}


def test_no_object_is_ever_constructed():
    assert parse(b"v: !!python/object/apply:os.system [echo hacked]").data == {"v": ["echo hacked"]}


def test_small_aliases_work():
    doc = parse(b"a: &cols [x, y]\nb: *cols\nc: &d {k: 1}\nd: *d\n")
    assert doc.data == {"a": ["x", "y"], "b": ["x", "y"], "c": {"k": 1}, "d": {"k": 1}}
    assert doc.line_of(("b",)) == 2


def test_an_alias_reused_in_a_product_is_fine():
    text = product_text("play-events").replace("description: Identifier.", "description: &same Identifier.")
    text += "  resources: &res {cpu: 250m, memory: 512Mi}\nenvironments:\n  dev:\n    resources: *res\n"
    spec, _ = parse_spec(text.encode(), Product)
    assert spec.environments["dev"].resources == spec.job.resources


def test_nesting_up_to_the_bound_is_fine():
    ok = "v: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse(ok.encode()).data
    with pytest.raises(YamlError, match="nest more than"):
        parse(("v: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)).encode())


def test_a_byte_order_mark_is_accepted():
    raw = b"\xef\xbb\xbf" + product_text("play-events").encode()
    assert parse_spec(raw, Product)[0].name == "play-events"


def test_a_control_character_is_reported_at_its_line_after_multibyte_text():
    raw = "v: café\nw: ü\nx: a\x01b\n".encode()
    with pytest.raises(YamlError) as err:
        parse(raw)
    assert (err.value.line, err.value.message) == (3, "malformed YAML: control characters are not allowed (character #x0001)")


def test_a_key_with_a_newline_stays_on_one_line():
    raw = (PRODUCT_MODELINE + 'environments:\n  "a\\nb": {}\n').encode()
    with pytest.raises(SpecError) as err:
        parse_spec(raw, Product)
    messages = [m for _, m in err.value.items]
    assert "environments: unknown key 'a\\nb': expected 'dev', 'staging', 'prod' or 'local'" in messages
    assert all("\n" not in m for m in messages)


def test_an_item_error_is_not_also_reported_as_a_short_list():
    text = product_text("play-events").replace("type: string", "type: text")
    with pytest.raises(SpecError) as err:
        parse_spec(text.encode(), Product)
    assert [line for line, _ in err.value.items] == [10]


def test_an_empty_list_is_still_too_short():
    text = product_text("play-events").replace(
        "  columns:\n    - name: id\n      type: string\n      description: Identifier.\n", "  columns: []\n"
    )
    with pytest.raises(SpecError) as err:
        parse_spec(text.encode(), Product)
    assert err.value.items == [(8, "output.columns: Tuple should have at least 1 item after validation, not 0")]
