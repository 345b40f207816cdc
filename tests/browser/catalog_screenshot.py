"""The README's pictures of the sample mesh's catalog: `make catalog-screenshot` (or run this file).

Builds the catalog into a temporary folder, opens it in Debian's headless Chromium and writes
docs/catalog.png (the front page, searched for a column) and docs/catalog-product.png (a product page).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from browserkit import chromium  # noqa: E402

from meshplane.catalog.site import build_site  # noqa: E402
from meshplane.declarations.deployments import read_stacks  # noqa: E402
from meshplane.registrations.project import open_project  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"


def main() -> int:
    project = open_project(REPO)
    grants = project.mesh.grants(project.federation.open_classifications)
    with tempfile.TemporaryDirectory(prefix="meshplane-catalog-") as tmp:
        index = build_site(project.mesh, grants, read_stacks(project.root), "prod", Path(tmp)).index
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(index.as_uri())
            page.fill("#search", "listener_id")
            page.screenshot(path=str(DOCS / "catalog.png"), full_page=True)
            page.goto((index.parent / "products/podcasts/listener-demographics.html").as_uri())
            page.screenshot(path=str(DOCS / "catalog-product.png"), full_page=True)
    print(f"wrote {DOCS / 'catalog.png'} and {DOCS / 'catalog-product.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
