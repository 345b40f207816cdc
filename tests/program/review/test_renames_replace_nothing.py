"""Renames replace nothing: every product of the sample renamed, one at a time, as its team would (the file and its
`name` renamed, the old name in `previous_names`, every reader and producer writing the new address), is planned
against what is deployed and diffed against the base with zero creations, replacements and deletions, in every stack
of prod; the diff compares the renamed product's contract and agreements with what they were."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from gitkit import diff, git, meshplane, repository
from statekit import exported

from meshplane.registrations import engine
from meshplane.registrations.project import open_project

pytestmark = pytest.mark.slow  # left out of `make test-fast`: tests/components/test_quantum_rename.py covers the aliases there

ROOT = Path(__file__).resolve().parents[3]
PRODUCTS = sorted(p.relative_to(ROOT / "domains").with_suffix("").as_posix().replace("/products/", "/") for p in (ROOT / "domains").glob("*/products/*.yaml"))
STACKS = ("prod", "prod-podcasts")
NOTHING_LOST = {"create": 0, "replace": 0, "delete": 0}


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return repository(tmp_path_factory.mktemp("renames"))


@pytest.fixture(scope="module")
def deployed(repo, tmp_path_factory):
    """Each prod stack as `pulumi stack export` writes it after deploying the sample."""
    folder = tmp_path_factory.mktemp("states")
    for stack in STACKS:
        (folder / f"{stack}.json").write_text(json.dumps(exported(engine.run(open_project(repo, stack=stack)))))
    return folder


def rename(root: Path, address: str) -> str:
    """Rename the product as its team would; every file naming it writes the new address. Returns the new address."""
    domain, name = address.split("/")
    new = f"{name}-next"
    products = root / "domains" / domain / "products"
    git(root, "mv", f"domains/{domain}/products/{name}.yaml", f"domains/{domain}/products/{new}.yaml")
    text = (products / f"{new}.yaml").read_text().replace(f"\nname: {name}\n", f"\nname: {new}\n", 1)
    if "\nprevious_names:\n" in text:  # renamed before: the oldest name stays first (the list closes the file)
        assert text.rstrip("\n").rsplit("\n", 1)[-1].startswith("  - ")
        text = text.rstrip("\n") + f"\n  - {name}\n"
    else:
        text += f"previous_names:\n  - {name}\n"
    (products / f"{new}.yaml").write_text(text)
    written = re.compile(rf"(?<=[\s\[,]){re.escape(address)}(?=[@\s,\]])")
    for path in (root / "domains").glob("*/products/*.yaml"):
        path.write_text(written.sub(f"{domain}/{new}", path.read_text()))
    return f"{domain}/{new}"


def undo(root: Path) -> None:
    subprocess.run(["git", "reset", "-q", "--hard"], cwd=root, check=True)
    subprocess.run(["git", "clean", "-qfd"], cwd=root, check=True)


@pytest.mark.parametrize("address", PRODUCTS)
def test_a_rename_creates_replaces_and_deletes_nothing(address, repo, deployed, monkeypatch, capsys):
    try:
        new = rename(repo, address)
        for stack in STACKS:
            code, out, err = meshplane(repo, monkeypatch, capsys, "plan", "--stack", stack, "--state", str(deployed / f"{stack}.json"), "--format", "json")
            assert code == 0, err
            planned = json.loads(out)
            assert {k: planned["counts"][k] for k in NOTHING_LOST} == NOTHING_LOST, [c for c in planned["changes"] if c["action"] != "update"]
            assert "meshplane: warning" not in err
        code, found = diff(repo, monkeypatch, capsys, "--env", "prod")
        assert code == 0, found["findings"]
        for stack in STACKS:
            tally = found["resources"]["stacks"][stack]
            assert {k: tally[k] for k in NOTHING_LOST} == NOTHING_LOST, [c for c in found["resources"]["changes"] if c["action"] != "update"]
        # the contract and the agreements are compared with what they were: a rename, nothing new, nothing gone
        assert found["products"] == {new: [{
            "kind": "product-renamed", "class": "compatible", "version": None, "severity": "note", "why": "compatible", "consumers": [],
            "detail": f"renamed from {address}: its data, names and grants are kept",
        }]}  # fmt: skip
        assert found["grants"] == []
    finally:
        undo(repo)


def test_a_rename_with_a_breaking_change_is_compared_with_the_old_contract(repo, monkeypatch, capsys):
    """Renaming does not hide a change: the renamed product's columns are compared with the old product's."""
    try:
        new = rename(repo, "users/play-events")
        path = repo / "domains/users/products/play-events-next.yaml"
        text = path.read_text()
        assert text.count("    - name: played_seconds\n      type: int\n") == 1
        path.write_text(text.replace("    - name: played_seconds\n      type: int\n", "    - name: played_seconds\n      type: bigint\n"))
        code, found = diff(repo, monkeypatch, capsys, "--env", "prod")
        assert code == 1
        assert [(c["kind"], c["severity"]) for c in found["products"][new]] == [("product-renamed", "note"), ("column-retyped", "error")]
        assert found["products"][new][1]["consumers"] == ["artists/artist-royalties", "playlists/listener-taste"]
    finally:
        undo(repo)
