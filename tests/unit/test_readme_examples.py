"""Every YAML example in the README is a file meshplane accepts as it stands: a product or domain is loaded into the
sample mesh in place of its namesake and governed in every environment, a stack file is read as a stack; each also
validates against its JSON Schema. Every refusal the README shows ("When a declaration is wrong") is what the command
prints today, replayed on a copy of the sample."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest

from meshplane import cli
from meshplane.declarations.loader import load_mesh
from meshplane.declarations.spec import Environment
from meshplane.declarations.stack import read_stack
from meshplane.declarations.yamlsrc import parse
from meshplane.governance.evaluate import evaluate_mesh
from meshplane.governance.registry import load_federation

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```yaml\n(.*?)```", README, re.S)
REFUSALS = re.findall(r"```console\n(.*?)```", README.split("## When a declaration is wrong\n", 1)[-1].split("\n## ", 1)[0], re.S)


def kind(block: str) -> str:
    if "schemas/product.schema.json" in block.splitlines()[0]:
        return "product"
    if "schemas/domain.schema.json" in block.splitlines()[0]:
        return "domain"
    if block.lstrip().startswith(("config:", "#")) and "meshplane:" in block:
        return "stack"
    raise AssertionError(f"a README example meshplane cannot check:\n{block}")


def test_the_readme_has_examples():
    assert BLOCKS and {kind(b) for b in BLOCKS} >= {"product"}


@pytest.mark.parametrize("block", BLOCKS, ids=[f"{kind(b)}-{i}" for i, b in enumerate(BLOCKS)])
def test_each_example_is_accepted_as_it_stands(block, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    what = kind(block)
    if what == "stack":
        shutil.copytree(REPO / "stacks", tmp_path / "stacks")
        (tmp_path / "stacks" / "Pulumi.readme.yaml").write_text(block)
        read_stack(tmp_path, "readme")
        return
    data = parse(block.encode()).data
    schema = json.loads((REPO / "schemas" / f"{what}.schema.json").read_text())
    assert [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)] == []
    domains = tmp_path / "domains"
    shutil.copytree(REPO / "domains", domains)
    (target,) = domains.glob(f"*/products/{data['name']}.yaml") if what == "product" else [domains / data["name"] / "domain.yaml"]
    target.write_text(block)
    mesh = load_mesh(domains)
    federation = load_federation(REPO / "governance" / "federation.yaml")
    for env in Environment:
        assert [str(p) for p in evaluate_mesh(mesh, federation, env) if p.severity.blocks] == [], env


def retention_on(project: Path) -> None:
    edit(project / "domains/users/products/play-events.yaml", "retention_days: 400\n", "retention_days: on\n")


def names_that_collide(project: Path) -> None:
    users, twin = project / "domains/users", project / "domains/users-play"
    (twin / "products").mkdir(parents=True)
    (twin / "domain.yaml").write_text((users / "domain.yaml").read_text().replace("name: users\n", "name: users-play\n"))
    (twin / "products/events.yaml").write_text((users / "products/play-events.yaml").read_text().replace("name: play-events\n", "name: events\n"))


def stack_key_typo(project: Path) -> None:
    edit(project / "stacks/Pulumi.prod-podcasts.yaml", "meshplane:domains:", "meshplane:domain:")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new))


REFUSED = [(retention_on, ["validate", "--env", "prod"]), (names_that_collide, ["validate", "--env", "prod"]), (stack_key_typo, ["plan", "--stack", "prod-podcasts"])]


def test_the_readme_shows_three_refusals():
    assert len(REFUSALS) == len(REFUSED) == 3


@pytest.mark.parametrize("index", range(len(REFUSED)), ids=[f.__name__ for f, _ in REFUSED])
def test_each_refusal_is_what_the_command_prints(index, tmp_path, monkeypatch, capsys):
    change, argv = REFUSED[index]
    for name in ("domains", "governance", "stacks"):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    change(tmp_path)
    monkeypatch.chdir(tmp_path)
    code = cli.main(argv)
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")  # nothing composed, nothing printed but the problems
    assert REFUSALS[index] == f"$ meshplane {' '.join(argv)}\n{err}$ echo $?\n{code}\n"
