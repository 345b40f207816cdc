import pytest

from meshkit import MeshFiles


@pytest.fixture
def mesh_files(tmp_path, monkeypatch) -> MeshFiles:
    """An empty mesh in a temporary folder, which is also the working directory."""
    monkeypatch.chdir(tmp_path)
    return MeshFiles(tmp_path)
