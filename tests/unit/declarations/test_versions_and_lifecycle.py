"""The declarations of versions and the lifecycle: every mistake a located line, every good file loaded."""

from __future__ import annotations

import datetime

from meshkit import product_text

from meshplane.declarations.mesh import published, serves, split_input
from meshplane.declarations.spec import PortStatus, Status

P = "domains/users/products"
V1 = "previous_outputs:\n  - version: 1\n    deprecation: {date: 2031-01-01}\n    columns:\n      - {name: id, type: string, description: Identifier.}\n"


def versioned(name: str, version: int = 2, previous: str = V1, **fields) -> str:
    return product_text(name, **fields).replace("output:\n", f"output:\n  version: {version}\n") + previous


def test_a_product_with_two_versions_and_a_lifecycle_loads(mesh_files):
    mesh_files.product("users", "alpha", versioned("alpha", extra="", consumers=()))
    mesh_files.product("users", "beta", product_text("beta", inputs=["users/alpha@2"], extra="status: deprecated\ndeprecation: {date: 2031-06-30, replaced_by: users/alpha}\n"))
    mesh_files.product("users", "gamma", product_text("gamma", inputs=["users/alpha"], extra="status: draft\n"))
    mesh = mesh_files.load()
    alpha, beta = mesh.products["users/alpha"].spec, mesh.products["users/beta"].spec
    assert (alpha.output.version, [p.version for p in alpha.previous_outputs], alpha.previous_outputs[0].status) == (2, [1], PortStatus.deprecated)
    assert (beta.status, beta.deprecation.date, beta.deprecation.replaced_by) == (Status.deprecated, datetime.date(2031, 6, 30), "users/alpha")
    assert mesh.products["users/beta"].reads == (("users/alpha", 2),)
    assert published(alpha) == [1, 2] and serves(alpha, 1) and serves(alpha, 2) and not serves(alpha, 3)
    assert {(g.consumer, g.version) for g in mesh.grants()} == {("users/beta", 2), ("users/gamma", 1)}
    assert mesh.edges() == [("users/alpha", "users/beta"), ("users/alpha", "users/gamma")]


def test_split_input():
    assert split_input("users/play-events") == ("users/play-events", 1)
    assert split_input("users/play-events@12") == ("users/play-events", 12)


def test_nullable_defaults_to_true_and_is_read(mesh_files):
    mesh_files.product("users", "alpha", product_text("alpha").replace("      description: Identifier.\n", "      description: Identifier.\n      nullable: false\n"))
    assert mesh_files.load().products["users/alpha"].spec.output.columns[0].nullable is False
    mesh_files.product("users", "alpha", product_text("alpha"))
    assert mesh_files.load().products["users/alpha"].spec.output.columns[0].nullable is True


def test_lifecycle_mistakes_are_located(mesh_files):
    mesh_files.product("users", "alpha", product_text("alpha", extra="status: deprecated\n"))
    mesh_files.product("users", "beta", product_text("beta", extra="deprecation: {date: 2031-01-01}\n"))
    mesh_files.product("users", "gamma", product_text("gamma", extra="status: deprecated\ndeprecation: {date: soon}\n"))
    assert mesh_files.errors() == [
        f"{P}/alpha.yaml:16: error: status: a deprecated product says when it is retired: add `deprecation: {{date: YYYY-MM-DD}}`",
        f"{P}/beta.yaml:16: error: deprecation: only a deprecated or retired product has one: set `status: deprecated` (it is active)",
        f"{P}/gamma.yaml:17: error: deprecation.date: expected a day, YYYY-MM-DD, got 'soon'",
    ]


def test_version_mistakes_are_located(mesh_files):
    mesh_files.product("users", "alpha", versioned("alpha", version=1))
    mesh_files.product("users", "beta", versioned("beta", previous=V1 + V1.replace("previous_outputs:\n", "")))
    mesh_files.product("users", "gamma", versioned("gamma", previous=V1.replace("{date: 2031-01-01}", "{date: 2031-01-01, replaced_by: users/beta}")))
    mesh_files.product("users", "delta", versioned("delta", previous=V1.replace("    columns:\n      - {name: id, type: string, description: Identifier.}\n", "")))
    assert mesh_files.errors() == [
        f"{P}/alpha.yaml:18: error: previous_outputs.0.version: 1 is not older than the current output's version 1",
        f"{P}/beta.yaml:22: error: previous_outputs.1.version: 1 is listed twice",
        f"{P}/delta.yaml:18: error: previous_outputs.0: the port declares its `columns`, or takes them from an ODCS `contract`",
        f"{P}/gamma.yaml:19: error: previous_outputs.0.deprecation.replaced_by: an earlier port version is replaced by the product's current `output`: drop it",
    ]


def test_inputs_pin_a_version_the_producer_keeps_and_read_one_version_each(mesh_files):
    mesh_files.product("users", "alpha", versioned("alpha"))
    mesh_files.product("users", "beta", product_text("beta", inputs=["users/alpha@3"]))
    mesh_files.product("users", "gamma", product_text("gamma", inputs=["users/alpha", "users/alpha@2"]))
    mesh_files.product("users", "delta", product_text("delta", inputs=["users/alpha@0"]))
    assert mesh_files.errors() == [
        f"{P}/beta.yaml:12: error: input 'users/alpha@3': users/alpha publishes no version 3 (it keeps 1, 2)",
        f"{P}/delta.yaml:12: error: inputs.0: expected a product's address, `<domain>/<product>` or `<domain>/<product>@<major>`, got 'users/alpha@0'",
        f"{P}/gamma.yaml:12: error: input 'users/alpha@2': users/alpha is already read at line 12; a product reads one version of each input",
    ]


def test_retired_products_and_versions_grant_nothing(mesh_files):
    retired_v1 = V1.replace("    deprecation:", "    status: retired\n    deprecation:")
    mesh_files.product("users", "alpha", versioned("alpha", previous=retired_v1))
    mesh_files.product("users", "beta", product_text("beta", extra="status: retired\ndeprecation: {date: 2024-01-01}\n"))
    mesh_files.product("users", "gamma", product_text("gamma", inputs=["users/alpha", "users/beta"]))
    mesh_files.product("users", "delta", product_text("delta", inputs=["users/alpha@2"], extra="status: retired\n"))
    mesh = mesh_files.load()  # reading them is governance's finding (MESH-012), not a load error
    assert mesh.grants() == [] and mesh.refused_inputs() == []
