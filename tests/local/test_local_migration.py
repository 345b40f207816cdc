"""Moving a deployment to the access model of agreements keeps every bucket, key and table, and their data.

The sample mesh is deployed into the emulator by the program as it was before the change (commit a8c2812,
checked out beside this one), objects are written to every product, then the working tree's program
upgrades the same stack with `up --local`: every object is still there, every key is the same key, and
`verify` finds the deployment as declared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from meshplane import cli

ROOT = Path(__file__).resolve().parents[2]  # the repository: the sample project

pytestmark = pytest.mark.slow

BEFORE = "a8c2812"  # the last commit of the one-inline-policy-per-grant model


@pytest.fixture(scope="module")
def before(tmp_path_factory) -> Path:
    """The project as it was at BEFORE, checked out from this repository's history."""
    where = tmp_path_factory.mktemp("before") / "checkout"
    made = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(where), BEFORE], capture_output=True, text=True)
    assert made.returncode == 0, f"cannot check out {BEFORE} (a clone with history is needed): {made.stderr}"
    yield where
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(where)], capture_output=True)


def objects(admin, buckets: list[str]) -> dict[str, set[str]]:
    s3 = admin("s3")
    return {b: {o["Key"] for o in s3.list_objects_v2(Bucket=b).get("Contents", [])} for b in buckets}


def without_policies(admin, buckets: list[str]):
    """moto applies a bucket policy's Deny to every object request: lift them for the test's own reads and writes."""
    s3 = admin("s3")
    kept = {}
    for b in buckets:
        kept[b] = s3.get_bucket_policy(Bucket=b)["Policy"]
        s3.delete_bucket_policy(Bucket=b)
    return kept


def test_an_upgrade_keeps_every_bucket_key_table_and_object(before, endpoint, admin, project, capsys, monkeypatch, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(before)}  # the old package, not the installed one
    old = subprocess.run([sys.executable, "-m", "meshplane.cli", "up", "--local", "--endpoint", endpoint, "--out", str(tmp_path / "old")],
                         cwd=before, env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert old.returncode == 0, old.stderr[-3000:]
    assert "pruned" not in old.stdout and "read-daff-local-users-play-events" in json.dumps(
        admin("iam").list_role_policies(RoleName="daff-local-artists-artist-royalties-job")["PolicyNames"])  # the old model's grant

    buckets = sorted(b["Name"] for b in admin("s3").list_buckets()["Buckets"])
    keys = {a["AliasName"]: a["TargetKeyId"] for a in admin("kms").list_aliases()["Aliases"] if a["AliasName"].startswith("alias/daff-local-")}
    tables = {t["Name"]: t["StorageDescriptor"]["Location"] for d in ("daff_local_users", "daff_local_artists") for t in admin("glue").get_tables(DatabaseName=d)["TableList"]}
    assert len(buckets) == 10 and len(keys) == 4 and len(tables) == 4
    kept = without_policies(admin, buckets)
    for b in buckets:
        for i in range(3):
            admin("s3").put_object(Bucket=b, Key=f"day=2026-11-{i + 1:02d}/part-0.parquet", Body=f"{b} {i}".encode())
    written = objects(admin, buckets)
    for b, policy in kept.items():
        admin("s3").put_bucket_policy(Bucket=b, Policy=policy)

    # the working tree's program, the same stack: every domain still in the one account (a domain's account is where
    # its data is; moving it to another account is a copy, not a deploy)
    stack = project / "stacks" / "Pulumi.local.yaml"
    stack.write_text("".join(line for line in stack.read_text().splitlines(keepends=True) if "210987654321" not in line and "meshplane:accounts" not in line))
    monkeypatch.chdir(project)
    status = cli.main(["up", "--local", "--endpoint", endpoint, "--out", str(tmp_path / "new")])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "inline policy daff-local-artists-artist-royalties-job/read-daff-local-users-play-events" in out  # the old grant, replaced

    assert sorted(b["Name"] for b in admin("s3").list_buckets()["Buckets"]) == buckets
    assert {a["AliasName"]: a["TargetKeyId"] for a in admin("kms").list_aliases()["Aliases"] if a["AliasName"] in keys} == keys  # the same keys
    assert {t["Name"]: t["StorageDescriptor"]["Location"] for d in ("daff_local_users", "daff_local_artists")
            for t in admin("glue").get_tables(DatabaseName=d)["TableList"]} == tables  # fmt: skip
    kept = without_policies(admin, buckets)
    assert objects(admin, buckets) == written and all(len(keys_) == 3 for keys_ in written.values())
    body = admin("s3").get_object(Bucket=buckets[0], Key="day=2026-11-01/part-0.parquet")["Body"].read()
    assert body == f"{buckets[0]} 0".encode()
    for b, policy in kept.items():
        admin("s3").put_bucket_policy(Bucket=b, Policy=policy)

    assert cli.main(["verify", "--endpoint", endpoint]) == 0, capsys.readouterr().err
    assert cli.main(["access", "--check", "--endpoint", endpoint]) == 0, capsys.readouterr().err


OLD_URNS = """
import json
from meshplane.engine import evaluate
from meshplane.plan import physical_name
ev = evaluate("prod")
print(json.dumps([[r.urn, r.type, r.name, r.parent, physical_name(r) if r.custom else ""] for r in ev.resources]))
"""


def engine_urns(records: list[tuple[str, str, str, str | None, str]], stack: str = "prod") -> dict[str, tuple[str, str]]:
    """URN as the Pulumi engine makes it -> (type, physical name): the type qualified by every ancestor's type but the
    stack's (the mock monitor qualifies by the parent's own type only)."""
    by_urn = {urn: (typ, parent) for urn, typ, _, parent, _ in records}

    def chain(urn: str | None) -> list[str]:
        found = []
        while urn in by_urn:
            typ, urn = by_urn[urn]
            found.insert(0, typ)
        return found

    return {f"urn:pulumi:{stack}::meshplane::{'$'.join(chain(urn))}::{name}": (typ, physical) for urn, typ, name, _, physical in records}


def test_every_stateful_resource_keeps_its_urn_through_an_alias(before, prod):
    """Under `pulumi up`, state follows URNs: each bucket, key, database and table the old program registered is
    registered again under its URN or an alias to it, with the same physical name, so nothing is replaced."""
    from components import tokens
    from meshplane.reports.plan import physical_name

    env = {**os.environ, "PYTHONPATH": str(before)}
    old = subprocess.run([sys.executable, "-c", OLD_URNS], cwd=before, env=env, capture_output=True, text=True, timeout=300)
    assert old.returncode == 0, old.stderr[-3000:]
    registered = {urn: v for urn, v in engine_urns(json.loads(old.stdout)).items() if v[0] in tokens.STATEFUL}
    assert len(registered) == 28  # 10 buckets, 10 tables, 4 keys, 4 databases
    reached = engine_urns([(r.urn, r.type, r.name, r.parent, physical_name(r) if r.custom else "") for r in prod.resources])
    reached.update({alias: (r.type, physical_name(r)) for r in prod.custom() for alias in r.aliases})  # aliases are engine URNs
    assert {urn: reached.get(urn) for urn in registered} == registered
