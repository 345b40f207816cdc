"""`catalog --status FILE`: `meshplane status`'s JSON on each product page and the front page; without it, nothing changes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from catalogkit import REPO

from meshplane import cli
from meshplane.catalog.site import build_site
from meshplane.declarations.loader import load_mesh
from meshplane.governance.registry import load_federation

SECTION = re.compile(r'<section class="status">.*?</section>')
AT = "2026-12-07T15:00:00+00:00"


def _status(mesh) -> dict:
    """Every product fresh but users/play-events, stale, which puts its readers at risk."""
    products = []
    for address, declared in sorted(mesh.products.items()):
        stale = address == "users/play-events"
        reads = [a for a, _ in declared.reads]
        products.append({
            "product": address, "bucket": f"daff-prod-{address.replace('/', '-')}", "freshness_hours": 2,
            "last_write": "2026-12-07T11:00:00+00:00", "age_hours": 4, "state": "stale" if stale else "fresh",
            "alarm": "ALARM" if stale else "OK", "quality": "passed", "quality_at": None,
            "at_risk": [{"path": [address, "users/play-events"], "because": "stale"}] if "users/play-events" in reads else [],
        })  # fmt: skip
    return {"at": AT, "products": products, "calls": 12, "calls_per_product": 1.2}


def _build(out: Path, status: dict | None, stacks) -> Path:
    mesh = load_mesh(REPO / "domains")
    build_site(mesh, mesh.grants(load_federation(REPO / "governance" / "federation.yaml").open_classifications), stacks, "prod", out, status)
    return out


def test_the_status_shows_on_the_pages_and_nothing_else_changes(tmp_path, stacks):
    plain = _build(tmp_path / "plain", None, stacks)
    shown = _build(tmp_path / "shown", _status(load_mesh(REPO / "domains")), stacks)
    plain_files = sorted(p.relative_to(plain) for p in plain.rglob("*") if p.is_file())
    assert plain_files == sorted(p.relative_to(shown) for p in shown.rglob("*") if p.is_file())
    for name in plain_files:
        before, after = (plain / name).read_bytes(), (shown / name).read_bytes()
        if name.suffix == ".html":
            assert len(SECTION.findall(after.decode())) == 1, name  # one status section a page
            assert SECTION.sub("", after.decode()).encode() == before, name  # and nothing else differs
        else:
            assert after == before, name
    front = (shown / "index.html").read_text()
    assert f"As of {AT}: 9 fresh, 1 stale." in front
    assert "users/play-events</a>: stale" in front
    page = (shown / "products/playlists/listener-taste.html").read_text()
    assert "<tr><th>Freshness</th><td>fresh</td></tr>" in page
    assert 'listener-taste</a> ← <a href="../../products/users/play-events.html">users/play-events</a> (stale)' in page


def test_catalog_status_reads_the_file_and_refuses_one_that_is_not_a_status(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    good = tmp_path / "status.json"
    good.write_text(json.dumps(_status(load_mesh(REPO / "domains"))))
    assert cli.main(["catalog", "--out", str(tmp_path / "site"), "--status", str(good)]) == 0
    assert "As of " in (tmp_path / "site" / "index.html").read_text()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"products": [{"product": "users/play-events"}]}))
    assert cli.main(["catalog", "--out", str(tmp_path / "site2"), "--status", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:1: error: --status: expected the output of `meshplane status --format json`" in err
