"""The right project: the nearest folder at or above the working directory holding Pulumi.yaml, never the folder meshplane
is installed in. Outside any project every command says so in one located line and exits 1, writing nothing; inside one,
from any of its folders, every output goes under its root."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from meshplane import cli
from meshplane.registrations.project import find_root

ROOT = Path(__file__).resolve().parents[3]
NOT_A_PROJECT = "error: not in a meshplane project: no Pulumi.yaml here or in any folder above"

COMMANDS = {
    "validate": ["validate"],
    "plan": ["plan"],
    "quotas": ["quotas"],
    "graph": ["graph"],
    "export odcs": ["export", "odcs"],
    "export odps": ["export", "odps"],
    "catalog": ["catalog"],
    "schema": ["schema"],
    "stacks": ["stacks"],
    "codeowners": ["codeowners"],
    "diff": ["diff", "--base", "HEAD"],
    "up --local": ["up", "--local"],
    "verify": ["verify"],
    "access": ["access"],
}


def copy_of_the_sample(folder: Path) -> Path:
    """A project in `folder`: the sample with one product more than the project meshplane is installed in
    (users/extra-events, a copy of users/play-events), so a test can tell which of the two a command read."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "Pulumi.yaml", folder / "Pulumi.yaml")
    (folder / "__main__.py").symlink_to(ROOT / "__main__.py")
    for name in ("domains", "governance", "stacks"):
        shutil.copytree(ROOT / name, folder / name)
    products = folder / "domains" / "users" / "products"
    text = (products / "play-events.yaml").read_text()
    (products / "extra-events.yaml").write_text(text.replace("name: play-events\n", "name: extra-events\n", 1))
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("argv", COMMANDS.values(), ids=COMMANDS.keys())
def test_outside_any_project_a_command_says_so_in_one_line_and_writes_nothing(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(argv) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{tmp_path.resolve()}:1: {NOT_A_PROJECT}", "1 problem(s) found"]
    assert list(tmp_path.iterdir()) == []


def test_the_nearest_project_above_the_working_directory_is_the_one(tmp_path):
    outer = tmp_path / "outer"
    inner = outer / "vendor" / "inner"
    for project in (outer, inner):
        project.mkdir(parents=True)
        (project / "Pulumi.yaml").write_text("name: meshplane\nruntime: python\n")
    (inner / "domains" / "users").mkdir(parents=True)
    assert find_root(inner / "domains" / "users") == inner.resolve()
    assert find_root(outer / "vendor") == outer.resolve()
    assert find_root(outer) == outer.resolve()


def test_a_command_run_in_a_folder_of_a_project_reads_that_project_not_the_installed_one(tmp_path, monkeypatch, capsys):
    project = copy_of_the_sample(tmp_path / "project")
    monkeypatch.chdir(project / "domains" / "users" / "products")
    assert cli.main(["validate", "--env", "dev"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("mesh: 4 domains, 11 products"), out  # the project meshplane is installed in has 10
    assert cli.main(["plan", "--env", "dev", "--domain", "users"]) == 0  # the program under the engine finds the same project
    assert "users/extra-events" in capsys.readouterr().out


def test_outputs_go_under_the_project_root_from_any_of_its_folders(tmp_path, monkeypatch, capsys):
    project = copy_of_the_sample(tmp_path / "project")
    here = project / "domains" / "users"
    monkeypatch.chdir(here)
    before = sorted(p.name for p in here.iterdir())
    assert cli.main(["schema"]) == 0
    assert cli.main(["export", "odcs"]) == 0
    assert cli.main(["export", "odps"]) == 0
    assert cli.main(["catalog"]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in here.iterdir()) == before, "nothing is written where the command was run"
    assert {p.name for p in (project / "schemas").iterdir()} == {"domain.schema.json", "product.schema.json", "federation.schema.json"}
    assert (project / "out" / "odcs" / "users" / "extra-events.odcs.yaml").is_file()
    assert (project / "out" / "odps" / "users" / "extra-events.odps.yaml").is_file()
    assert "extra-events" in (project / "out" / "catalog" / "index.html").read_text()


def test_the_engine_runs_the_program_of_the_project_it_is_given_or_the_one_around_the_working_directory(tmp_path, monkeypatch):
    from meshplane.registrations import engine

    project = copy_of_the_sample(tmp_path / "project")
    monkeypatch.chdir(project / "governance")
    products = {r.product for r in engine.evaluate("dev").custom() if r.product}
    assert "users/extra-events" in products and len(products) == 11
    assert not hasattr(engine, "ROOT"), "the engine has no default project of its own"


def test_a_domain_folder_linked_from_inside_the_project_is_read_as_if_it_sat_in_domains(tmp_path, monkeypatch):
    from meshkit import MeshFiles, domain_text, product_text

    monkeypatch.chdir(tmp_path)
    files = MeshFiles(tmp_path)
    team = tmp_path / "teams" / "users"
    (team / "products").mkdir(parents=True)
    (team / "domain.yaml").write_text(domain_text("users"))
    (team / "products" / "alpha.yaml").write_text(product_text("alpha"))
    (files.root / "users").symlink_to(team)
    files.product("podcasts", "beta", inputs=["users/alpha"])
    mesh = files.load()
    assert mesh.products["users/alpha"].source.path == "domains/users/products/alpha.yaml"
    assert mesh.edges() == [("users/alpha", "podcasts/beta")]


def test_a_loop_of_links_ends_in_errors_not_a_hang(tmp_path, monkeypatch):
    from meshkit import MeshFiles

    monkeypatch.chdir(tmp_path)
    files = MeshFiles(tmp_path)
    files.product("users", "alpha")
    (files.root / "users" / "products" / "up").symlink_to("../..")  # domains/ from inside it
    (files.root / "users" / "archive").symlink_to("../users")  # its own domain folder
    assert files.errors() == [
        "domains/users/archive:1: error: a link back to domains/users, a folder it is in: a loop, not followed",
        "domains/users/products/up:1: error: a link back to domains, a folder it is in: a loop, not followed",
    ]
