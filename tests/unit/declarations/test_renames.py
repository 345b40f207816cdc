"""A producer's rename never breaks a consumer: the old address still resolves, with a warning naming the new one."""

from __future__ import annotations

from meshkit import MeshFiles, product_text

from meshplane import cli
from meshplane.declarations.problems import Severity

P = "domains/users/products"
SLO = "service_levels: {freshness_hours: 24, availability: 99.5}\n"


def renamed_mesh(files: MeshFiles) -> None:
    """users/alpha was users/old-alpha; podcasts/beta still reads it, and users/gamma still serves it, by the old address."""
    files.product("users", "alpha", product_text("alpha", classification="confidential", consumers=["podcasts/beta"], extra="previous_names: [old-alpha]\n" + SLO))
    files.product("podcasts", "beta", classification="confidential", inputs=["users/old-alpha"], extra=SLO.replace("24", "48"))  # its input's + a day
    files.product("users", "gamma", classification="confidential", consumers=["podcasts/old-beta", "users/old-alpha"], extra=SLO)
    files.product("podcasts", "delta", product_text("delta", extra="previous_names: [old-beta, older-beta]\n" + SLO))


def test_an_old_address_resolves_to_the_product_under_its_new_one(mesh_files):
    renamed_mesh(mesh_files)
    mesh = mesh_files.load()
    assert mesh.products["podcasts/beta"].spec.inputs == ("users/alpha",)
    assert mesh.products["users/gamma"].spec.consumers == ("podcasts/delta", "users/alpha")
    assert [(g.producer, g.consumer, g.via.value) for g in mesh.grants()] == [("users/alpha", "podcasts/beta", "product")]
    assert mesh.edges() == [("users/alpha", "podcasts/beta")]


def test_each_old_address_written_is_a_warning_at_its_line_naming_the_new_one(mesh_files):
    renamed_mesh(mesh_files)
    assert [(str(p), p.severity) for p in sorted(mesh_files.load().notices)] == [
        ("domains/podcasts/products/beta.yaml:12: warning: input 'users/old-alpha' was renamed to 'users/alpha': write the new address", Severity.warning),
        (f"{P}/gamma.yaml:13: warning: consumer 'podcasts/old-beta' was renamed to 'podcasts/delta': write the new address", Severity.warning),
        (f"{P}/gamma.yaml:13: warning: consumer 'users/old-alpha' was renamed to 'users/alpha': write the new address", Severity.warning),
    ]


def test_a_current_address_is_no_warning(mesh_files):
    mesh_files.product("users", "alpha", product_text("alpha", extra="previous_names: [old-alpha]\n"))
    mesh_files.product("podcasts", "beta", inputs=["users/alpha"])
    assert mesh_files.load().notices == ()


def test_validate_reports_the_warning_and_passes(mesh_files, capsys):
    renamed_mesh(mesh_files)
    assert cli.main(["validate"]) == 0
    err = capsys.readouterr().err
    assert "domains/podcasts/products/beta.yaml:12: warning: input 'users/old-alpha' was renamed to 'users/alpha': write the new address" in err
