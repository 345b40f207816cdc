"""Valid / invalid pairs for every problem the loader and the mesh checks report.

Each case writes a small mesh twice: once valid (it must load clean) and once broken (it must report
exactly the expected `path:line: error: message` lines, no more).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from meshkit import COLUMNS, CONTRACT, IMAGE, MeshFiles, domain_text, product_text

P = "domains/users/products"

Case = Callable[[MeshFiles, bool], list[str]]
CASES: dict[str, Case] = {}


def case(fn: Case) -> Case:
    CASES[fn.__name__] = fn
    return fn


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def one_product(files: MeshFiles, broken: bool, old: str, new: str | bytes, append: bool = False) -> None:
    """users/alpha from the template, with `old` replaced by `new` when broken."""
    text = product_text("alpha")
    if broken:
        if isinstance(new, bytes):
            raw = text.encode()
            assert raw.count(old.encode()) == 1
            files.product("users", "alpha", raw.replace(old.encode(), new))
            return
        text = text + new if append else edit(text, old, new)
    files.product("users", "alpha", text)


# --- one file that cannot be read ---------------------------------------------------------------


@case
def malformed_yaml(files, broken):
    one_product(files, broken, "owner: team@example.com", "owner: team@example.com: second")
    return [f"{P}/alpha.yaml:4: error: malformed YAML: mapping values are not allowed in this context"]


@case
def unclosed_flow_list(files, broken):
    one_product(files, broken, "inputs: []", "inputs: [users/beta")
    return [f"{P}/alpha.yaml:13: error: malformed YAML: did not find expected ',' or ']'"]


@case
def tab_indentation(files, broken):
    one_product(files, broken, "  columns:", "\tcolumns:")
    return [f"{P}/alpha.yaml:8: error: malformed YAML: found character that cannot start any token"]


@case
def two_documents(files, broken):
    one_product(files, broken, "", "---\nname: beta\n", append=True)
    return [f"{P}/alpha.yaml:16: error: malformed YAML: but found another document"]


@case
def control_character(files, broken):
    one_product(files, broken, "Identifier.", "Ident\x07ifier.")
    return [f"{P}/alpha.yaml:11: error: malformed YAML: control characters are not allowed (character #x0007)"]


@case
def list_document(files, broken):
    text = product_text("alpha")
    if broken:
        text = text.splitlines(keepends=True)[0] + "- name: alpha\n- kind: aggregate\n"
    files.product("users", "alpha", text)
    return [f"{P}/alpha.yaml:1: error: expected a mapping of fields, got a list"]


@case
def scalar_document(files, broken):
    text = product_text("alpha")
    if broken:
        text = text.splitlines(keepends=True)[0] + "just some words\n"
    files.product("users", "alpha", text)
    return [f"{P}/alpha.yaml:1: error: expected a mapping of fields, got a single value (str)"]


@case
def empty_file(files, broken):
    files.product("users", "alpha", b"" if broken else None)
    return [f"{P}/alpha.yaml:1: error: file is empty"]


@case
def only_the_modeline(files, broken):
    files.product("users", "alpha", product_text("alpha").splitlines(keepends=True)[0] + "\n\n" if broken else None)
    return [f"{P}/alpha.yaml:1: error: file is empty"]


@case
def null_document(files, broken):
    files.product("users", "alpha", product_text("alpha").splitlines(keepends=True)[0] + "~\n" if broken else None)
    return [f"{P}/alpha.yaml:1: error: expected a mapping of fields, got nothing"]


@case
def non_utf8(files, broken):
    one_product(files, broken, "A product", b"A caf\xe9 product")  # Latin-1, line 3
    offset = len(product_text("alpha").split("A product")[0].encode()) + len("A caf")
    return [f"{P}/alpha.yaml:3: error: not UTF-8: byte 0xe9 at offset {offset}"]


@case
def over_one_mebibyte(files, broken):
    padding = "# " + "x" * 126 + "\n"
    text = product_text("alpha") + padding * ((1 << 20) // len(padding) + 1 if broken else 1000)  # 1000: 126 KiB is fine
    files.product("users", "alpha", text)
    size = len(text.encode())
    return [f"{P}/alpha.yaml:1: error: file is {size:,} bytes; the limit is 1,048,576 (1 MiB)"]


@case
def duplicate_key(files, broken):
    one_product(files, broken, "", "kind: aggregate\n", append=True)
    return [f"{P}/alpha.yaml:16: error: duplicate key 'kind'"]


@case
def duplicate_nested_key(files, broken):
    one_product(files, broken, "      type: string\n", "      type: string\n      type: int\n")
    return [f"{P}/alpha.yaml:11: error: duplicate key 'type'"]


@case
def merge_key(files, broken):
    one_product(files, broken, "job:\n", "base: &base {image: x}\njob:\n  <<: *base\n")
    return [f"{P}/alpha.yaml:16: error: merge keys (`<<`) are not supported: write the keys out"]


@case
def complex_key(files, broken):
    one_product(files, broken, "", "? [a, b]\n: 1\n", append=True)
    return [f"{P}/alpha.yaml:16: error: mapping keys must be plain strings"]


BOMB = """\
l0: &l0 [x, x, x, x, x, x, x, x, x, x]
l1: &l1 [*l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0]
l2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]
l3: &l3 [*l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2]
l4: &l4 [*l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3]
l5: &l5 [*l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4]
l6: &l6 [*l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5]
l7: &l7 [*l6, *l6, *l6, *l6, *l6, *l6, *l6, *l6, *l6, *l6]
l8: &l8 [*l7, *l7, *l7, *l7, *l7, *l7, *l7, *l7, *l7, *l7]
"""


@case
def alias_bomb(files, broken):
    # 10^9 values if expanded: refused after 100,000, at the line where the expanded values are written
    one_product(files, broken, "", BOMB, append=True)
    return [f"{P}/alpha.yaml:16: error: document expands to more than 100,000 values (alias bomb?)"]


@case
def recursive_alias(files, broken):
    one_product(files, broken, "", "loop: &loop [*loop]\n", append=True)
    return [f"{P}/alpha.yaml:16: error: values nest more than 64 levels deep (recursive alias?)"]


@case
def deep_nesting(files, broken):
    one_product(files, broken, "", "deep: " + "[" * 500 + "]" * 500 + "\n", append=True)
    return [f"{P}/alpha.yaml:16: error: values nest more than 64 levels deep (recursive alias?)"]


# --- one file that reads but does not validate ------------------------------------------------------


@case
def missing_modeline(files, broken):
    one_product(files, broken, "# yaml-language-server: $schema=../../../schemas/product.schema.json", "# a product")
    return [f"{P}/alpha.yaml:1: error: the file must open with the schema modeline `# yaml-language-server: $schema=...` (see `meshplane schema`)"]


@case
def unknown_key(files, broken):
    one_product(files, broken, "", "colour: blue\n", append=True)
    return [f"{P}/alpha.yaml:16: error: unknown key 'colour'"]


@case
def unknown_nested_key(files, broken):
    one_product(files, broken, "", "  gpus: 1\n", append=True)
    return [f"{P}/alpha.yaml:16: error: unknown key 'job.gpus'"]


@case
def unknown_column_key(files, broken):
    one_product(files, broken, "      description: Identifier.\n", "      description: Identifier.\n      nulable: true\n")
    return [f"{P}/alpha.yaml:12: error: unknown key 'output.columns.0.nulable' (did you mean 'nullable'?)"]


@case
def unknown_key_like_a_known_one(files, broken):
    one_product(files, broken, "", "retention_day%s: 30\n" % ("" if broken else "s"), append=True)
    return [f"{P}/alpha.yaml:16: error: unknown key 'retention_day' (did you mean 'retention_days'?)"]


@case
def unknown_nested_key_like_a_known_one(files, broken):
    one_product(files, broken, "", "  %s: 0 4 * * *\n" % ("Schedule" if broken else "schedule"), append=True)
    return [f"{P}/alpha.yaml:16: error: unknown key 'job.Schedule' (did you mean 'schedule'?)"]


@case
def unknown_key_in_an_override_like_a_known_one(files, broken):
    one_product(files, broken, "", "environments:\n  prod:\n    %s: 2\n" % ("replica" if broken else "replicas"), append=True)
    return [f"{P}/alpha.yaml:18: error: unknown key 'environments.prod.replica' (did you mean 'replicas'?)"]


@case
def enum_value_like_a_known_one(files, broken):
    one_product(files, broken, "classification: internal", "classification: %s" % ("confidental" if broken else "confidential"))
    return [f"{P}/alpha.yaml:6: error: classification: expected 'public', 'internal', 'confidential' or 'restricted', got 'confidental' "
            "(did you mean 'confidential'?)"]


@case
def environment_like_a_known_one(files, broken):
    one_product(files, broken, "", "environments:\n  %s:\n    replicas: 2\n" % ("prd" if broken else "prod"), append=True)
    return [f"{P}/alpha.yaml:17: error: environments: unknown key 'prd': expected 'dev', 'staging', 'prod' or 'local' (did you mean 'prod'?)"]


@case
def unknown_key_hides_no_other_error(files, broken):
    # the product's own check (a rename to itself) runs only on fields that validate: the unknown key is set aside for it
    one_product(files, True, "", "colour: blue\nprevious_names: [%s]\n" % ("alpha" if broken else "old-alpha"), append=True)
    if not broken:
        files.product("users", "alpha", product_text("alpha", extra="previous_names: [old-alpha]\n"))
        return []
    return [f"{P}/alpha.yaml:2: error: previous_names repeats the current name 'alpha'", f"{P}/alpha.yaml:16: error: unknown key 'colour'"]


@case
def missing_key(files, broken):
    one_product(files, broken, "owner: team@example.com\n", "")
    return [f"{P}/alpha.yaml:2: error: missing required key 'owner'"]


@case
def missing_nested_key(files, broken):
    one_product(files, broken, "      type: string\n", "")
    return [f"{P}/alpha.yaml:9: error: missing required key 'output.columns.0.type'"]


@case
def wrong_type_scalar(files, broken):
    one_product(files, broken, "", "retention_days: forever\n", append=True)
    return [f"{P}/alpha.yaml:16: error: retention_days: expected an integer, got the text 'forever'"]


@case
def wrong_type_list(files, broken):
    one_product(files, broken, "inputs: []", "inputs: users/beta")
    return [f"{P}/alpha.yaml:12: error: inputs: expected a list, got the text 'users/beta'"]


@case
def wrong_type_mapping(files, broken):
    one_product(files, broken, f"job:\n  image: {IMAGE}\n", "job: registry.example/job\n")
    return [f"{P}/alpha.yaml:14: error: job: expected a mapping, got the text 'registry.example/job'"]


@case
def wrong_type_number_as_name(files, broken):
    one_product(files, broken, "name: alpha", "name: 12")
    return [
        f"{P}/alpha.yaml:2: error: name: expected text, got 12",
    ]


# --- strict values: YAML 1.1's words and forms are never numbers or booleans, and nothing is coerced ------


@case
def yaml11_boolean_word_as_a_number(files, broken):
    # YAML 1.1 reads `on` as true, and pydantic would take true for 1: a one-day expiry
    one_product(files, broken, "", "retention_days: %s\n" % ("on" if broken else "30"), append=True)
    return [f"{P}/alpha.yaml:16: error: retention_days: expected an integer, got the text 'on'"]


@case
def boolean_as_a_number(files, broken):
    one_product(files, broken, "", "retention_days: %s\n" % ("true" if broken else "30"), append=True)
    return [f"{P}/alpha.yaml:16: error: retention_days: expected an integer, got true"]


@case
def fraction_as_an_integer(files, broken):
    one_product(files, broken, "", "retention_days: %s\n" % ("30.5" if broken else "30"), append=True)
    return [f"{P}/alpha.yaml:16: error: retention_days: expected an integer, got 30.5"]


@case
def quoted_number_as_an_integer(files, broken):
    one_product(files, broken, "", "retention_days: %s\n" % ('"30"' if broken else "30"), append=True)
    return [f"{P}/alpha.yaml:16: error: retention_days: expected an integer, got the text '30'"]


@case
def octal_looking_integer(files, broken):
    # YAML 1.1 reads 010 as eight, YAML 1.2 as ten: it is neither, and says so
    one_product(files, broken, "", "retention_days: %s\n" % ("010" if broken else "10"), append=True)
    return [f"{P}/alpha.yaml:16: error: retention_days: expected an integer, got the text '010'"]


@case
def underscored_integer(files, broken):
    one_product(files, broken, "", "retention_days: %s\n" % ("1_000" if broken else "1000"), append=True)
    return [f"{P}/alpha.yaml:16: error: retention_days: expected an integer, got the text '1_000'"]


@case
def sexagesimal_integer(files, broken):
    one_product(files, broken, "", "retention_days: %s\n" % ("1:30" if broken else "90"), append=True)
    return [f"{P}/alpha.yaml:16: error: retention_days: expected an integer, got the text '1:30'"]


@case
def yaml11_word_as_a_boolean(files, broken):
    one_product(files, broken, "", "destroy_data: %s\n" % ("yes" if broken else "true"), append=True)
    return [f"{P}/alpha.yaml:16: error: destroy_data: expected true or false, got the text 'yes'"]


@case
def capitalised_boolean(files, broken):
    one_product(files, broken, "", "  suspended: %s\n" % ("True" if broken else "true"), append=True)
    return [f"{P}/alpha.yaml:16: error: job.suspended: expected true or false, got the text 'True'"]


@case
def number_as_a_boolean(files, broken):
    one_product(files, broken, "      description: Identifier.\n", "      description: Identifier.\n      pii: %s\n" % ("1" if broken else "false"))
    return [f"{P}/alpha.yaml:12: error: output.columns.0.pii: expected true or false, got 1"]


@case
def boolean_as_a_number_in_an_override(files, broken):
    one_product(files, broken, "", "environments:\n  prod:\n    replicas: %s\n" % ("off" if broken else "2"), append=True)
    return [f"{P}/alpha.yaml:18: error: environments.prod.replicas: expected an integer, got the text 'off'"]


@case
def text_as_a_number(files, broken):
    one_product(files, broken, "", "service_levels: {freshness_hours: %s, availability: 99.5}\n" % ('"24"' if broken else "24"), append=True)
    return [f"{P}/alpha.yaml:16: error: service_levels.freshness_hours: expected a number, got the text '24'"]


@case
def infinity_as_a_number(files, broken):
    one_product(files, broken, "", "service_levels: {freshness_hours: %s, availability: 99.5}\n" % (".inf" if broken else "1e2"), append=True)
    return [f"{P}/alpha.yaml:16: error: service_levels.freshness_hours: expected a number, got the text '.inf'"]


@case
def boolean_as_text(files, broken):
    # `yes` is text where text is wanted: YAML 1.1 would have made the owner a boolean
    one_product(files, broken, "owner: team@example.com", "owner: %s" % ("true" if broken else "team@example.com"))
    return [f"{P}/alpha.yaml:4: error: owner: expected text, got true"]


# --- AWS's and Kubernetes' own input rules, before anything is applied -------------------------------------


@case
def owner_with_a_mark_no_tag_takes(files, broken):
    one_product(files, broken, "owner: team@example.com", "owner: Team <team@example.com>")
    return [f"{P}/alpha.yaml:4: error: owner: expected a tag's value: letters, digits, spaces and _ . : / = + - @ (AWS allows no other mark "
            "in a tag), got 'Team <team@example.com>'"]


@case
def owner_with_the_prefix_aws_reserves(files, broken):
    one_product(files, broken, "owner: team@example.com", "owner: aws:team@example.com")
    return [f"{P}/alpha.yaml:4: error: owner: 'aws:team@example.com' starts with 'aws:', which AWS reserves in tags"]


@case
def owner_longer_than_a_tag(files, broken):
    one_product(files, broken, "owner: team@example.com", "owner: " + "t" * 250 + "@example.com")
    return [f"{P}/alpha.yaml:4: error: owner: 262 characters: at most 256"]


@case
def description_longer_than_glue_takes(files, broken):
    one_product(files, broken, "description: A product of the test mesh.", "description: " + "word " * 410)
    return [f"{P}/alpha.yaml:3: error: description: 2049 characters: at most 2048"]


@case
def column_description_over_two_lines(files, broken):
    one_product(files, broken, "      description: Identifier.", "      description: |\n        Identifier,\n        on two lines.")
    return [f"{P}/alpha.yaml:11: error: output.columns.0.description: expected one line (Glue refuses a line break or a control "
            "character in a column comment), got 'Identifier,\\non two lines.\\n'"]


@case
def column_description_longer_than_a_glue_comment(files, broken):
    one_product(files, broken, "      description: Identifier.", "      description: " + "x" * 250)
    return [f"{P}/alpha.yaml:11: error: output.columns.0.description: 250 characters: at most 249"]


@case
def schedule_out_of_range(files, broken):
    one_product(files, broken, "", "  schedule: \"%s\"\n" % ("0 24 * * *" if broken else "0 23 * * *"), append=True)
    return [f"{P}/alpha.yaml:16: error: job.schedule: hour '24': expected *, a value or a range of 0-23, each with an optional /step"]


@case
def schedule_with_four_fields(files, broken):
    one_product(files, broken, "", "  schedule: \"%s\"\n" % ("0 3 * *" if broken else "0 3 * * *"), append=True)
    return [f"{P}/alpha.yaml:16: error: job.schedule: '0 3 * *' has 4 fields: a schedule has five (minute, hour, day of month, month, "
            "day of week) or is a macro"]


@case
def schedule_range_backwards_in_an_override(files, broken):
    one_product(files, broken, "", "environments:\n  dev:\n    schedule: \"%s\"\n" % ("0 3 * * FRI-MON" if broken else "0 3 * * MON-FRI"), append=True)
    return [f"{P}/alpha.yaml:18: error: environments.dev.schedule: day of week 'FRI-MON': the range 'FRI-MON' starts after it ends"]


@case
def product_name_ending_as_s3_reserves(files, broken):
    name = "alpha-s3alias" if broken else "alpha-s3"
    files.product("users", name)
    return [f"{P}/alpha-s3alias.yaml:2: error: name: 'alpha-s3alias' ends with '-s3alias': it would end the product's S3 bucket name, "
            "and S3 reserves that ending"]


@case
def out_of_range(files, broken):
    one_product(files, broken, "", "retention_days: 0\n", append=True)
    return [f"{P}/alpha.yaml:16: error: retention_days: Input should be greater than or equal to 1"]


@case
def bad_pattern(files, broken):
    one_product(files, broken, "inputs: []", "inputs: [Users/B]")
    return [f"{P}/alpha.yaml:12: error: inputs.0: expected a product's address, `<domain>/<product>` or `<domain>/<product>@<major>`, got 'Users/B'"]


@case
def bad_enum(files, broken):
    one_product(files, broken, "classification: internal", "classification: secret")
    return [f"{P}/alpha.yaml:6: error: classification: expected 'public', 'internal', 'confidential' or 'restricted', got 'secret'"]


@case
def bad_nested_enum(files, broken):
    one_product(files, broken, "      type: string", "      type: varchar")
    return [
        f"{P}/alpha.yaml:10: error: output.columns.0.type: expected a column type: string, int, bigint, double, boolean, date, "
        "timestamp, decimal(p,s) (precision p 1 to 38, scale s 0 to p), struct (with `fields`) or array (with `items`); got 'varchar'"
    ]


@case
def bad_environment(files, broken):
    one_product(files, broken, "", "environments:\n  qa:\n    replicas: 2\n", append=True)
    return [f"{P}/alpha.yaml:17: error: environments: unknown key 'qa': expected 'dev', 'staging', 'prod' or 'local'"]


@case
def override_of_fixed_field(files, broken):
    # only retention, schedule, replicas, resources and suspension vary by environment
    one_product(files, broken, "", "environments:\n  dev:\n    replicas: 2\n" + ("    classification: public\n" if broken else ""), append=True)
    return [f"{P}/alpha.yaml:19: error: unknown key 'environments.dev.classification'"]


@case
def duplicate_columns(files, broken):
    partition = "id" if broken else "day"
    files.product("users", "alpha", edit(product_text("alpha"), "inputs: []", f"  partitions:\n    - {{name: {partition}, type: date, description: Day.}}\ninputs: []"))
    return [f"{P}/alpha.yaml:13: error: output.partitions.0.name: column 'id' is declared twice in this port (first as its column 1)"]


@case
def previous_name_is_current(files, broken):
    one_product(files, True, "", f"previous_names: [{'alpha' if broken else 'old-alpha'}]\n", append=True)
    return [f"{P}/alpha.yaml:2: error: previous_names repeats the current name 'alpha'"]


@case
def bad_consumer_syntax(files, broken):
    one_product(files, broken, "consumers: []", "consumers: [users/alpha/b]")
    return [f"{P}/alpha.yaml:13: error: consumers: consumer 'users/alpha/b' is neither a domain name nor a `<domain>/<product>` address"]


@case
def product_name_differs_from_file(files, broken):
    files.product("users", "alpha", product_text("beta" if broken else "alpha"))
    return [f"{P}/alpha.yaml:2: error: product name 'beta' differs from its file name 'alpha'"]


@case
def domain_name_differs_from_folder(files, broken):
    text = domain_text("users")
    files.write("users/domain.yaml", edit(text, "name: users", "name: people") if broken else text)
    files.product("users", "alpha")
    return ["domains/users/domain.yaml:2: error: domain name 'people' differs from its folder 'users'"]


@case
def domain_wrong_contact(files, broken):
    files.write("users/domain.yaml", edit(domain_text("users"), "contact: team@example.com", "contact: nobody") if broken else domain_text("users"))
    files.product("users", "alpha")
    return ["domains/users/domain.yaml:5: error: contact: expected an e-mail address (letters, digits and . _ + - before the @: AWS allows no other mark in a tag), got 'nobody'"]


# --- the folder tree ---------------------------------------------------------------------------


@case
def product_outside_products_folder(files, broken):
    files.product("users", "alpha")
    where = "users/beta.yaml" if broken else "users/products/beta.yaml"
    files.write(where, product_text("beta"))
    return [
        "domains/users/beta.yaml:1: error: not in a domain folder: products go in `domains/<domain>/products/<product>.yaml`, "
        "domains in `domains/<domain>/domain.yaml`"
    ]


@case
def product_at_the_top(files, broken):
    files.product("users", "alpha")
    files.write("beta.yaml" if broken else "users/products/beta.yaml", product_text("beta"))
    return [
        "domains/beta.yaml:1: error: not in a domain folder: products go in `domains/<domain>/products/<product>.yaml`, "
        "domains in `domains/<domain>/domain.yaml`"
    ]


@case
def product_too_deep(files, broken):
    files.product("users", "alpha")
    files.write("users/products/old/beta.yaml" if broken else "users/products/beta.yaml", product_text("beta"))
    return [
        "domains/users/products/old/beta.yaml:1: error: not in a domain folder: products go in "
        "`domains/<domain>/products/<product>.yaml`, domains in `domains/<domain>/domain.yaml`"
    ]


@case
def domain_folder_without_domain_file(files, broken):
    files.product("users", "alpha")
    if not broken:
        files.domain("orphans")
    files.write("orphans/products/beta.yaml", product_text("beta"))
    return ["domains/orphans:1: error: domain folder 'orphans' has no domain.yaml"]


@case
def duplicate_address_yaml_and_yml(files, broken):
    files.product("users", "alpha")
    files.write("users/products/alpha.yml" if broken else "users/products/beta.yml", product_text("alpha" if broken else "beta"))
    return [f"{P}/alpha.yml:2: error: duplicate product address 'users/alpha' (also declared in {P}/alpha.yaml)"]


@case
def duplicate_product_name_in_domain(files, broken):
    files.product("users", "alpha")
    files.product("users", "beta", product_text("alpha" if broken else "beta"))
    return [f"{P}/beta.yaml:2: error: product name 'alpha' differs from its file name 'beta'"]  # one cause, one error: alpha.yaml is not blamed


# --- the mesh as a whole ---------------------------------------------------------------------------


@case
def unresolved_input(files, broken):
    files.product("users", "alpha")
    files.product("podcasts", "beta", inputs=["users/nope" if broken else "users/alpha"])
    return ["domains/podcasts/products/beta.yaml:12: error: input 'users/nope' does not resolve to a product"]


@case
def unresolved_input_like_a_known_one(files, broken):
    files.product("users", "alpha")
    files.product("podcasts", "beta", inputs=["user/alpah" if broken else "users/alpha"])
    return ["domains/podcasts/products/beta.yaml:12: error: input 'user/alpah' does not resolve to a product (did you mean 'users/alpha'?)"]


@case
def input_of_an_unreadable_product(files, broken):
    # one cause, one error: alpha's own file says what is wrong; beta naming it is not a second error
    files.product("users", "alpha", product_text("alpha", extra="colour: blue\n") if broken else None)
    files.product("podcasts", "beta", inputs=["users/alpha"], consumers=["users/alpha"])
    return [f"{P}/alpha.yaml:16: error: unknown key 'colour'"]


@case
def consumer_of_an_unreadable_domain(files, broken):
    files.write("users/domain.yaml", edit(domain_text("users"), "contact: team@example.com", "contact: [x" if broken else "contact: team@example.com"))
    files.product("users", "alpha")
    files.product("podcasts", "beta", consumers=["users"])
    return ["domains/users/domain.yaml:6: error: malformed YAML: did not find expected ',' or ']'"]


@case
def duplicate_input(files, broken):
    files.product("users", "alpha")
    files.product("users", "gamma")
    files.product("podcasts", "beta", inputs=["users/alpha", "users/alpha" if broken else "users/gamma"])
    return ["domains/podcasts/products/beta.yaml:12: error: input 'users/alpha' is declared twice (first at line 12)"]


@case
def duplicate_input_through_a_rename(files, broken):
    files.product("users", "alpha", product_text("alpha", extra="previous_names: [old-alpha]\n"))
    files.product("users", "gamma")
    text = product_text("beta").replace("inputs: []", "inputs:\n  - users/alpha\n  - %s" % ("users/old-alpha" if broken else "users/gamma"))
    files.product("podcasts", "beta", text)
    return ["domains/podcasts/products/beta.yaml:14: error: input 'users/alpha' is declared twice (first at line 13)"]


@case
def duplicate_consumer(files, broken):
    files.product("users", "alpha", consumers=["podcasts", "podcasts" if broken else "artists"])
    files.product("podcasts", "beta")
    files.product("artists", "gamma")
    return [f"{P}/alpha.yaml:13: error: consumer 'podcasts' is declared twice (first at line 13)"]


@case
def duplicate_previous_name(files, broken):
    one_product(files, broken, "", "previous_names: [old, %s]\n" % ("old" if broken else "older"), append=True)
    return [f"{P}/alpha.yaml:16: error: previous name 'old' is declared twice"]


@case
def input_of_itself_under_an_old_name(files, broken):
    files.product("users", "alpha", product_text("alpha", inputs=["users/old-alpha"] if broken else [], extra="previous_names: [old-alpha]\n"))
    return [
        f"{P}/alpha.yaml:12: error: input 'users/alpha' is the product itself",
        f"{P}/alpha.yaml:12: error: lineage cycle: users/alpha -> users/alpha",
    ]


@case
def input_of_itself(files, broken):
    files.product("users", "alpha", inputs=["users/alpha"] if broken else [])
    return [
        f"{P}/alpha.yaml:12: error: input 'users/alpha' is the product itself",
        f"{P}/alpha.yaml:12: error: lineage cycle: users/alpha -> users/alpha",
    ]


@case
def unknown_consumer_domain(files, broken):
    files.product("users", "alpha", consumers=["nowhere" if broken else "podcasts"])
    files.product("podcasts", "beta")
    return [f"{P}/alpha.yaml:13: error: consumer 'nowhere' is not a known domain"]


@case
def unknown_consumer_domain_like_a_known_one(files, broken):
    files.product("users", "alpha", consumers=["podcast" if broken else "podcasts"])
    files.product("podcasts", "beta")
    return [f"{P}/alpha.yaml:13: error: consumer 'podcast' is not a known domain (did you mean 'podcasts'?)"]


@case
def unknown_consumer_product(files, broken):
    files.product("users", "alpha", consumers=["podcasts/nope" if broken else "podcasts/beta"])
    files.product("podcasts", "beta")
    return [f"{P}/alpha.yaml:13: error: consumer 'podcasts/nope' is not a known product"]


@case
def lineage_cycle(files, broken):
    # users/alpha <- podcasts/beta <- artists/gamma <- users/alpha: the message walks the whole loop
    files.product("users", "alpha", inputs=["artists/gamma"] if broken else [])
    files.product("podcasts", "beta", inputs=["users/alpha"])
    files.product("artists", "gamma", inputs=["podcasts/beta"])
    return ["domains/artists/products/gamma.yaml:12: error: lineage cycle: artists/gamma -> users/alpha -> podcasts/beta -> artists/gamma"]


@case
def two_lineage_cycles(files, broken):
    files.product("users", "alpha", inputs=["users/beta"] if broken else [])
    files.product("users", "beta", inputs=["users/alpha"])
    files.product("podcasts", "gamma", inputs=["podcasts/delta"] if broken else [])
    files.product("podcasts", "delta", inputs=["podcasts/gamma", "users/beta"])
    return [
        "domains/podcasts/products/delta.yaml:12: error: lineage cycle: podcasts/delta -> podcasts/gamma -> podcasts/delta",
        f"{P}/alpha.yaml:12: error: lineage cycle: users/alpha -> users/beta -> users/alpha",
    ]


@case
def previous_name_is_a_product(files, broken):
    files.product("users", "alpha")
    files.product("users", "beta", edit(product_text("beta"), "job:", "previous_names: [%s]\njob:" % ("alpha" if broken else "old-beta")))
    return [f"{P}/beta.yaml:14: error: previous name 'users/alpha' is still a product: a rename moves the data, so both cannot exist"]


@case
def previous_name_claimed_twice(files, broken):
    files.product("users", "alpha", edit(product_text("alpha"), "job:", "previous_names: [old]\njob:"))
    files.product("users", "beta", edit(product_text("beta"), "job:", "previous_names: [%s]\njob:" % ("old" if broken else "older")))
    return [f"{P}/beta.yaml:14: error: previous name 'users/old' is also claimed by 'users/alpha'"]


@case
def code_owner_listed_twice(files, broken):
    files.write("users/domain.yaml", domain_text("users") + 'code_owners:\n  - "@example/users"\n  - "@example/%s"\n' % ("users" if broken else "data"))
    files.product("users", "alpha")
    return ["domains/users/domain.yaml:8: error: code_owners.1: '@example/users' is listed twice (first as item 1)"]


@case
def two_products_meeting_in_one_name(files, broken):
    # users/play-events and users-play/events would share every physical name: refused at both declarations
    files.product("users", "play-events")
    files.product("users-play", "events" if broken else "streams")
    mine, other = f"{P}/play-events.yaml", "domains/users-play/products/events.yaml"
    shared = "would share its bucket, roles and table '<prefix>-users-play-events', job manifests '<kind>-users-play-events.yaml'"
    return [
        f"{other}:2: error: product 'users-play/events' {shared} with product 'users/play-events' ({mine}): rename one of them (a name unique today never changes)",
        f"{mine}:2: error: product 'users/play-events' {shared} with product 'users-play/events' ({other}): rename one of them (a name unique today never changes)",
    ]


# --- links: followed inside the project, refused otherwise, never skipped in silence ------------------

OUTSIDE = "outside the project: what the mesh deploys lives in the project, where its owners review it"


def outside_folder(files: MeshFiles) -> Path:
    """A folder beside the project, out of it."""
    project = files.root.parent
    folder = project.with_name(project.name + "-outside")
    folder.mkdir(exist_ok=True)
    return folder


def link(files: MeshFiles, relative: str, target: Path | str) -> None:
    path = files.root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def users_domain_in(folder: Path) -> Path:
    """users, with users/alpha, written into `folder` (to be linked into the mesh)."""
    (folder / "users" / "products").mkdir(parents=True)
    (folder / "users" / "domain.yaml").write_text(domain_text("users"))
    (folder / "users" / "products" / "alpha.yaml").write_text(product_text("alpha"))
    return folder / "users"


@case
def linked_domain_folder_outside_the_project(files, broken):
    # inside the project (teams/users), the link is read as if the folder sat in domains/; a product naming what a
    # refused link holds is no second error
    home = users_domain_in(outside_folder(files) if broken else files.root.parent / "teams")
    link(files, "users", home)
    files.product("podcasts", "beta", inputs=["users/alpha"], consumers=["users"])
    return [f"domains/users:1: error: a link to {home.resolve()}, {OUTSIDE}"]


@case
def linked_product_file_outside_the_project(files, broken):
    folder = outside_folder(files) if broken else files.root.parent / "shared"
    folder.mkdir(exist_ok=True)
    (folder / "alpha.yaml").write_text(product_text("alpha"))
    files.domain("users")
    link(files, "users/products/alpha.yaml", folder / "alpha.yaml")
    files.product("podcasts", "beta", inputs=["users/alpha"])
    return [f"{P}/alpha.yaml:1: error: a link to {(folder / 'alpha.yaml').resolve()}, {OUTSIDE}"]


@case
def linked_contract_outside_the_project(files, broken):
    folder = outside_folder(files) if broken else files.root.parent / "shared"
    folder.mkdir(exist_ok=True)
    (folder / "alpha.odcs.yaml").write_text(CONTRACT)
    text = edit(product_text("alpha"), COLUMNS, "  contract: contracts/alpha.odcs.yaml\n")
    files.product("users", "alpha", text)
    link(files, "users/contracts/alpha.odcs.yaml", folder / "alpha.odcs.yaml")
    return [f"domains/users/contracts/alpha.odcs.yaml:1: error: a link to {(folder / 'alpha.odcs.yaml').resolve()}, {OUTSIDE}"]


@case
def link_to_nothing(files, broken):
    files.product("users", "alpha")
    if not broken:
        users_domain_in(files.root.parent / "teams").rename(files.root.parent / "teams" / "podcasts")
        (files.root.parent / "teams" / "podcasts" / "domain.yaml").write_text(domain_text("podcasts"))
    link(files, "podcasts", "../teams/podcasts")
    return ["domains/podcasts:1: error: a link to ../teams/podcasts, which does not exist"]


@case
def links_leading_to_each_other(files, broken):
    files.product("users", "alpha")
    if broken:
        link(files, "users/products/beta.yaml", "gamma.yaml")
        link(files, "users/products/gamma.yaml", "beta.yaml")
    return [
        f"{P}/beta.yaml:1: error: a link to gamma.yaml, through links that lead back to each other: a loop, not followed",
        f"{P}/gamma.yaml:1: error: a link to beta.yaml, through links that lead back to each other: a loop, not followed",
    ]


@case
def folder_linked_back_up_the_tree(files, broken):
    files.product("users", "alpha")
    link(files, "users/products/again", ".." if broken else "../../../teams")
    (files.root.parent / "teams").mkdir()  # an empty folder: nothing to read, nothing refused
    return ["domains/users/products/again:1: error: a link back to domains/users, a folder it is in: a loop, not followed"]


@case
def one_folder_under_two_names(files, broken):
    # the real folder is read; the link naming it again is the one refused, whatever their order
    files.product("users", "alpha")
    if broken:
        link(files, "people", "users")
    return ["domains/people:1: error: the same folder as domains/users: a folder is read under one name only"]


@pytest.mark.parametrize("name", CASES)
def test_valid_twin_loads_clean(mesh_files, name):
    CASES[name](mesh_files, False)
    mesh_files.load()


@pytest.mark.parametrize("name", CASES)
def test_broken_twin_reports_exactly(mesh_files, name):
    expected = CASES[name](mesh_files, True)
    assert mesh_files.errors() == expected
