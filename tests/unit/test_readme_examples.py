"""Every YAML example in the README is a file meshplane accepts as it stands: a product or domain is loaded into the
sample mesh in place of its namesake and governed in every environment, a stack file is read as a stack; each also
validates against its JSON Schema."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest

from meshplane.governance import evaluate_mesh, load_federation
from meshplane.loader import load_mesh
from meshplane.spec import Environment
from meshplane.stack import read_stack
from meshplane.yamlsrc import parse

REPO = Path(__file__).resolve().parents[2]
BLOCKS = re.findall(r"```yaml\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)


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
