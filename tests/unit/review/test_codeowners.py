"""`.github/CODEOWNERS` comes from the declarations, and the committed one says what they say."""

from __future__ import annotations

from pathlib import Path

from meshkit import MeshFiles, product_text

from meshplane import cli
from meshplane.registrations.project import open_project
from meshplane.review.codeowners import render

ROOT = Path(__file__).resolve().parents[3]


def test_the_committed_file_is_the_declarations():
    text, warnings = render(open_project(ROOT))
    assert (ROOT / ".github" / "CODEOWNERS").read_text() == text, "run `meshplane codeowners`"
    assert warnings == []
    owners = dict(line.split() for line in text.splitlines() if line and not line.startswith("#"))
    assert owners["*"] == "@daff/data-platform" and owners["/domains/users/"] == "@daff/users-data"


def test_a_domain_without_owners_falls_to_the_platform_with_a_warning(mesh_files: MeshFiles, capsys):
    (mesh_files.root.parent / "governance").mkdir()
    (mesh_files.root.parent / "governance" / "federation.yaml").write_text(
        "# yaml-language-server: $schema=../schemas/federation.schema.json\nplatform_owners: ['@acme/platform']\n"
    )
    mesh_files.product("users", "alpha", product_text("alpha"))
    mesh_files.write("users/domain.yaml", (mesh_files.root / "users" / "domain.yaml").read_text() + "code_owners: ['@acme/users', '@alice']\n")
    mesh_files.product("podcasts", "beta", product_text("beta"))
    assert cli.main(["codeowners", "--check"]) == 1
    assert ".github/CODEOWNERS:1: error: out of date with the declarations: run `meshplane codeowners`" in capsys.readouterr().err
    assert cli.main(["codeowners"]) == 0
    err = capsys.readouterr().err
    assert "domains/podcasts/domain.yaml:1: warning: domain 'podcasts' names no code_owners: the platform team reviews its changes" in err
    lines = (mesh_files.root.parent / ".github" / "CODEOWNERS").read_text().splitlines()
    assert [line.split() for line in lines if line and not line.startswith("#")] == [["*", "@acme/platform"], ["/domains/users/", "@acme/users", "@alice"]]
    assert cli.main(["codeowners", "--check"]) == 0


def test_a_handle_is_checked_where_it_is_written(mesh_files: MeshFiles):
    mesh_files.product("users", "alpha", product_text("alpha"))
    mesh_files.write("users/domain.yaml", (mesh_files.root / "users" / "domain.yaml").read_text() + "code_owners: [users-team]\n")
    (error,) = mesh_files.errors()
    assert error.startswith("domains/users/domain.yaml:6: error: code_owners.0: String should match pattern")
