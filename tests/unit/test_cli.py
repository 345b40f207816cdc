"""The commands: every problem of a run at once, exit 1 for findings, exit 2 for usage, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from meshkit import MeshFiles, domain_text, product_text

from meshplane import cli
from meshplane.reports.schema import schema_texts

ROOT = Path(__file__).resolve().parents[2]

NOT_IN_A_DOMAIN = (
    "not in a domain folder: products go in `domains/<domain>/products/<product>.yaml`, domains in `domains/<domain>/domain.yaml`"
)


def broken_mesh(files: MeshFiles) -> list[str]:
    """Several files, each with its own problem; returns every line one run must report (and no second line for one
    cause: podcast-plays names users/play-events, whose own file fails)."""
    files.write("users/domain.yaml", domain_text("users").replace("contact: team@example.com", "contact: nobody"))
    files.product("users", "profile-updates", product_text("profile-updates").replace("kind: source-aligned", "kind: [oops"))
    files.product("users", "play-events", product_text("play-events") + "colour: blue\n")
    files.product("podcasts", "podcast-plays", inputs=["users/play-events", "users/nothing"], consumers=["nowhere"])
    files.product("podcasts", "listener-demographics", product_text("demographics"))
    files.write("orphans/products/lost.yaml", product_text("lost"))
    files.write("stray.yaml", product_text("stray"))
    return [
        "domains/orphans:1: error: domain folder 'orphans' has no domain.yaml",
        "domains/podcasts/products/listener-demographics.yaml:2: error: product name 'demographics' differs from its file name 'listener-demographics'",
        "domains/podcasts/products/podcast-plays.yaml:12: error: input 'users/nothing' does not resolve to a product",
        "domains/podcasts/products/podcast-plays.yaml:13: error: consumer 'nowhere' is not a known domain",
        f"domains/stray.yaml:1: error: {NOT_IN_A_DOMAIN}",
        "domains/users/domain.yaml:5: error: contact: expected an e-mail address (letters, digits and . _ + - before the @: AWS allows no other mark in a tag), got 'nobody'",
        "domains/users/products/play-events.yaml:16: error: unknown key 'colour'",
        "domains/users/products/profile-updates.yaml:6: error: malformed YAML: did not find expected ',' or ']'",
    ]


SLO = "service_levels: {freshness_hours: 24, availability: 99.5}\n"


def good_mesh(files: MeshFiles) -> None:
    """Loads clean and meets the governance rules; one input is refused (the producer does not list it)."""
    files.product("users", "profile-updates", classification="restricted", consumers=["podcasts/listener-demographics"], extra=SLO)
    files.product("users", "play-events", classification="confidential", extra=SLO)
    files.product("podcasts", "listener-demographics", classification="restricted", inputs=["users/profile-updates", "users/play-events"], extra=SLO.replace("24", "48"))


def test_one_run_reports_every_problem_of_every_file(mesh_files):
    expected = broken_mesh(mesh_files)
    assert mesh_files.errors() == expected


def test_validate_exits_1_with_every_problem_on_stderr(mesh_files, capsys):
    expected = broken_mesh(mesh_files)
    assert cli.main(["validate"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [*expected, f"{len(expected)} problem(s) found"]


def test_graph_exits_1_on_a_broken_mesh(mesh_files, capsys):
    broken_mesh(mesh_files)
    assert cli.main(["graph", "--format", "json"]) == 1
    assert capsys.readouterr().out == ""


def test_the_installed_command_prints_no_traceback(mesh_files):
    expected = broken_mesh(mesh_files)
    # a file no parser could love, too: bytes, a bomb, a loop
    mesh_files.product("artists", "bytes", b"\xff\xfe\x00garbage")
    mesh_files.product("artists", "loop", product_text("loop") + "loop: &l [*l]\n")
    run = subprocess.run(
        [str(Path(sys.executable).with_name("meshplane")), "validate"], cwd=mesh_files.root.parent, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert set(expected) <= set(lines)
    assert "domains/artists/products/bytes.yaml:1: error: not UTF-8: byte 0xff at offset 0" in lines
    assert "domains/artists/products/loop.yaml:16: error: values nest more than 64 levels deep (recursive alias?)" in lines
    assert lines[-1] == f"{len(lines) - 1} problem(s) found"


def test_validate_prints_the_summary(mesh_files, capsys):
    good_mesh(mesh_files)
    assert cli.main(["validate", "--env", "staging"]) == 0
    out, err = capsys.readouterr()
    assert " error: " not in err
    assert out.splitlines()[0] == "mesh: 2 domains, 3 products, 2 inputs, 1 grants, 1 refused (staging)"
    assert "  refused: podcasts/listener-demographics reads users/play-events, which does not list it as a consumer" in out


def test_graph_json_has_the_lineage_and_grants(mesh_files, capsys):
    good_mesh(mesh_files)
    assert cli.main(["graph", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["domains"] == {
        "podcasts": ["podcasts/listener-demographics"],
        "users": ["users/play-events", "users/profile-updates"],
    }
    assert data["edges"] == [
        {"from": "users/profile-updates", "to": "podcasts/listener-demographics", "granted": True, "via": "product"},
        {"from": "users/play-events", "to": "podcasts/listener-demographics", "granted": False, "via": None},
    ]


@pytest.mark.parametrize("fmt, needle", [("mermaid", "users__profile_updates -->|product| podcasts__listener_demographics"),
                                         ("dot", '"users/play-events" -> "podcasts/listener-demographics" [style=dashed, label="refused"];')])
def test_graph_text_formats(mesh_files, capsys, fmt, needle):
    good_mesh(mesh_files)
    assert cli.main(["graph", "--format", fmt]) == 0
    assert f"  {needle}" in capsys.readouterr().out.splitlines()


def test_a_missing_mesh_folder_is_a_finding(mesh_files, capsys):
    assert cli.main(["--domains", "elsewhere", "validate"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == "elsewhere:1: error: no such directory: the mesh lives in `domains/<domain>/...`"


def test_a_broken_federation_file_is_a_finding(mesh_files, capsys):
    good_mesh(mesh_files)
    fed = mesh_files.root.parent / "governance" / "federation.yaml"
    fed.parent.mkdir()
    fed.write_text("# yaml-language-server: $schema=../schemas/federation.schema.json\nopen_to_mesh: [everyone]\n")
    assert cli.main(["validate"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "governance/federation.yaml:2: error: open_to_mesh.0: expected 'public', 'internal', 'confidential' or 'restricted', got 'everyone'"


def test_schema_writes_the_published_schemas(tmp_path, capsys):
    ROOT = Path(__file__).resolve().parents[2]
    from meshplane.governance.registry import load_federation

    assert cli.main(["schema", "--out", str(tmp_path / "out")]) == 0
    written = {p.name: p.read_text() for p in (tmp_path / "out").iterdir()}
    assert written == schema_texts(load_federation(ROOT / "governance" / "federation.yaml"))  # as the project's federation governs


def test_schema_writes_into_the_project_it_is_run_in_from_a_subfolder(mesh_files, monkeypatch, capsys):
    good_mesh(mesh_files)
    monkeypatch.chdir(mesh_files.root / "users")
    assert cli.main(["schema"]) == 0
    assert sorted(p.name for p in (mesh_files.root.parent / "schemas").iterdir()) == sorted(schema_texts())
    assert not (mesh_files.root / "users" / "schemas").exists()


@pytest.mark.parametrize(
    "argv",
    [[], ["deploy"], ["graph", "--format", "png"], ["validate", "--verbose"]],
    ids=["no-command", "unknown-command", "unknown-format", "unknown-option"],
)
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 2
    assert "usage: meshplane" in capsys.readouterr().err


def test_the_installed_command_exits_2_on_usage_errors(tmp_path):
    run = subprocess.run([str(Path(sys.executable).with_name("meshplane")), "validate", "--env", "qa"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr == "--env:1: error: 'qa' is not an environment: dev, staging, prod, local\n"


def test_version_is_the_packages(capsys):
    import tomllib

    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"meshplane {tomllib.loads((ROOT / 'pyproject.toml').read_text())['project']['version']}\n"


def test_every_command_defaults_to_one_environment_that_writes_to_no_cloud(capsys):
    """One default, chosen once: every --env's help names it, and it is not prod (nor any cloud's)."""
    from meshplane.declarations.targets import DEFAULT_ENVIRONMENT

    assert DEFAULT_ENVIRONMENT == "local"
    parser = cli.build_parser()
    commands = parser._subparsers._group_actions[0].choices  # noqa: SLF001  (argparse keeps them there)
    with_env = {name: p for name, p in commands.items() if any("--env" in a.option_strings for a in p._actions)}  # noqa: SLF001
    assert set(with_env) == {"validate", "plan", "quotas", "up", "verify", "test", "status", "access", "diff", "export", "catalog"}
    for name, p in with_env.items():
        env = next(a for a in p._actions if "--env" in a.option_strings)  # noqa: SLF001
        assert env.default in (None, DEFAULT_ENVIRONMENT) and f"default: {DEFAULT_ENVIRONMENT}" in env.help, name
