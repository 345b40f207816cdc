"""A second major version in the emulator: its own bucket and table, the consumer that pins it reads it (across
accounts) and nothing else, the consumers of version 1 keep reading version 1, and the proof decides every port."""

from __future__ import annotations

import re

import pytest

from meshplane import cli

pytestmark = pytest.mark.slow

PLAYS = "domains/users/products/play-events.yaml"
DEVICE = re.compile(r"    - name: device\n(?:      .*\n)*")  # the column and its quality rules


def publish_version_2(root) -> None:
    path = root / PLAYS
    text = path.read_text()
    v1 = text[text.index("  columns:\n") : text.index("consumers:\n")]
    text = DEVICE.sub("", text, count=1).replace("output:\n", "output:\n  version: 2\n", 1)
    path.write_text(text + "previous_outputs:\n  - version: 1\n    deprecation: {date: 2031-06-30}\n" + "".join(f"  {line}\n" for line in v1.splitlines()))
    taste = root / "domains/playlists/products/listener-taste.yaml"
    taste.write_text(taste.read_text().replace("  - users/play-events\n", "  - users/play-events@2\n"))


def test_a_pinned_version_is_provisioned_granted_and_proved(project, endpoint, admin, other, capsys, monkeypatch, tmp_path):
    publish_version_2(project)
    monkeypatch.chdir(project)
    status = cli.main(["up", "--local", "--env", "local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"), "--verify", "--check"])
    out, err = capsys.readouterr()
    assert status == 0, err[-3000:]
    buckets = {b["Name"] for b in admin("s3").list_buckets()["Buckets"]}
    assert {"daff-local-users-play-events", "daff-local-users-play-events--v2"} <= buckets
    tables = {t["Name"] for t in admin("glue").get_tables(DatabaseName="daff_local_users")["TableList"]}
    assert {"play_events", "play_events__v2"} <= tables
    points = {p["Name"]: p["Bucket"] for p in admin("s3control").list_access_points(AccountId="123456789012")["AccessPointList"]}
    assert sorted(set(points.values()) & {"daff-local-users-play-events", "daff-local-users-play-events--v2"}) == [
        "daff-local-users-play-events", "daff-local-users-play-events--v2",
    ]  # fmt: skip  # artist-royalties on version 1, listener-taste (account B) on version 2
    assert "users/play-events@2" in out and "mismatch" not in out.lower()
    status = cli.main(["access", "--env", "local", "--format", "json"])
    matrix = __import__("json").loads(capsys.readouterr().out)
    taste = next(p for p in matrix["principals"] if p["owner"] == "playlists/listener-taste" and p["kind"] == "job")
    royalties = next(p for p in matrix["principals"] if p["owner"] == "artists/artist-royalties" and p["kind"] == "job")
    reads = ["decrypt", "list", "read"]
    assert (taste["access"]["users/play-events@2"], taste["access"]["users/play-events"]) == (reads, [])
    assert (royalties["access"]["users/play-events"], royalties["access"]["users/play-events@2"]) == (reads, [])
