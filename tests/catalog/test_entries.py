"""What the catalog says of each product: agreements in three states, and the stacks that deploy it."""

from __future__ import annotations

import pytest
from catalogkit import REPO

from meshplane.catalog.entries import Agreement, State, entries
from meshplane.declarations.deployments import deployments, read_stacks
from meshplane.declarations.problems import MeshError
from meshplane.declarations.stack import stack_names


def test_agreements_granted_refused_and_pending(mesh_files, stacks):
    mesh_files.product("users", "profiles", classification="restricted", consumers=["podcasts/listeners", "artists/royalties"])
    mesh_files.product("users", "plays", classification="confidential", consumers=["playlists"])
    mesh_files.product("users", "open", classification="internal")
    mesh_files.product("podcasts", "listeners", inputs=["users/profiles", "users/plays", "users/open"])
    mesh_files.product("artists", "royalties")
    mesh_files.domain("playlists")
    mesh_files.product("playlists", "taste")
    mesh = mesh_files.load()
    found = {e.address: e for e in entries(mesh, mesh.grants(), stacks, deployments(mesh, stacks))}
    assert found["podcasts/listeners"].inputs == (
        Agreement("users/profiles", State.granted, "product"),
        Agreement("users/plays", State.refused),
        Agreement("users/open", State.granted, "mesh"),
    )
    assert found["users/profiles"].consumers == (
        Agreement("podcasts/listeners", State.granted, "product"),
        Agreement("artists/royalties", State.pending),
    )
    assert found["users/plays"].consumers == (Agreement("podcasts/listeners", State.refused), Agreement("playlists", State.pending))
    assert found["artists/royalties"].inputs == found["artists/royalties"].consumers == ()


def test_a_domain_that_reads_is_no_longer_pending(mesh_files, stacks):
    mesh_files.product("users", "plays", classification="confidential", consumers=["podcasts"])
    mesh_files.product("podcasts", "listeners", inputs=["users/plays"])
    mesh = mesh_files.load()
    (plays,) = [e for e in entries(mesh, mesh.grants(), stacks, deployments(mesh, stacks)) if e.address == "users/plays"]
    assert plays.consumers == (Agreement("podcasts/listeners", State.granted, "domain"),)


def test_every_stack_deploys_every_domain_unless_it_names_some_or_leaves_some_out(stacks):
    from meshplane.declarations.loader import load_mesh

    mesh = load_mesh(REPO / "domains")
    assert set(stacks) == {"dev", "local", "prod", "prod-podcasts", "staging"} == set(stack_names(REPO))
    deployed = deployments(mesh, stacks)
    assert deployed["podcasts/podcast-plays"] == ["dev", "local", "prod-podcasts", "staging"]  # prod leaves podcasts out
    assert deployed["users/play-events"] == ["dev", "local", "prod", "staging"]
    (entry,) = [e for e in entries(mesh, mesh.grants(), stacks, deployed) if e.address == "playlists/listener-taste"]
    prod = [d for d in entry.deployments if d.stack == "prod"][0]
    assert (prod.environment, prod.bucket, prod.table) == ("prod", "daff-prod-playlists-taste-profiles", "daff_prod_playlists.taste_profiles")


def test_a_stack_naming_an_unknown_domain_is_located_at_its_line(mesh_files):
    mesh_files.product("users", "plays")
    with pytest.raises(MeshError) as error:
        read_stacks(REPO, ["users"])
    assert [str(p) for p in error.value.problems] == [
        "stacks/Pulumi.local.yaml:9: error: meshplane:accounts: 'artists' is not a domain of the mesh: its account would place nothing",
        "stacks/Pulumi.local.yaml:10: error: meshplane:accounts: 'playlists' is not a domain of the mesh: its account would place nothing",
        "stacks/Pulumi.prod-podcasts.yaml:4: error: meshplane:domains: 'podcasts' is not a domain of the mesh",
    ]


def test_every_broken_stack_file_in_one_run(tmp_path):
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.a.yaml").write_text("config:\n  meshplane:environment: dev\n")
    (tmp_path / "stacks" / "Pulumi.b.yaml").write_text("config:\n  meshplane:environment: moon\n  meshplane:accountId: '1'\n")
    with pytest.raises(MeshError) as error:
        read_stacks(tmp_path)
    problems = [str(p) for p in error.value.problems]
    assert "stacks/Pulumi.a.yaml:1: error: missing required key 'meshplane:accountId'" in problems
    assert "stacks/Pulumi.b.yaml:2: error: meshplane:environment: expected 'dev', 'staging', 'prod' or 'local', got 'moon'" in problems
    assert "stacks/Pulumi.b.yaml:3: error: meshplane:accountId: String should match pattern '^[0-9]{12}$'" in problems
