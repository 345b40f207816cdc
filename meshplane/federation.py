"""The federation's data file: what the federated governance decides, as data (`governance/federation.yaml`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from meshplane.spec import Classification, Spec

DEFAULT_PATH = Path("governance/federation.yaml")


class Federation(Spec):
    """Global decisions of the federation of domain representatives."""

    open_to_mesh: tuple[Classification, ...] = Field(
        default=(Classification.public, Classification.internal),
        description="Classifications any mesh member may read once it declares the input (no producer listing needed).",
    )

    @property
    def open_classifications(self) -> frozenset[Classification]:
        return frozenset(self.open_to_mesh)


def load_federation(path: Path | str = DEFAULT_PATH) -> Federation:
    """Read the federation's file (defaults when it does not exist); raise MeshError on any problem."""
    from meshplane.loader import read_spec

    path = Path(path)
    if not path.exists():
        return Federation()
    return read_spec(path, Federation)[0]
