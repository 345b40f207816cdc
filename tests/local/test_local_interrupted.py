"""A run killed mid-apply leaves nothing the next `up --local` cannot adopt, KMS keys included; what the stack did not
create is refused, at its declaration, and left as it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from meshplane.local import up
from meshplane.local.emulator import Aws
from meshplane.registrations.project import open_project

ROOT = Path(__file__).resolve().parents[2]  # the repository: the sample project

pytestmark = pytest.mark.slow

BUCKET = "daff-local-users-play-events"


class Killed(BaseException):
    """The process ends here: nothing after the call runs, not even an `except Exception`."""


def kill_after(monkeypatch, event: str) -> None:
    """The first call that `event` names (`after-call.kms.CreateKey`) is made, then the run is killed."""
    made = Aws.client

    def boom(**_):
        raise Killed(event)

    def client(self, service):
        found = made(self, service)
        found.meta.events.register(event, boom, unique_id="kill")
        return found

    monkeypatch.setattr(Aws, "client", client)


def keys(admin, other) -> int:
    return len(admin("kms").list_keys()["Keys"]) + len(other("kms").list_keys()["Keys"])


def test_runs_killed_after_a_create_leave_what_the_next_run_adopts(endpoint, admin, other, command, tmp_path, monkeypatch):
    project, out = open_project(ROOT, stack="local"), tmp_path / "manifests"
    with monkeypatch.context() as patch:
        kill_after(patch, "after-call.kms.CreateKey")
        with pytest.raises(Killed):
            up.up(project, endpoint, out, echo=lambda line: None)
    journal = [json.loads(line) for line in up.journal_path(out, "local").read_text().splitlines()]
    assert journal[-1]["type"] == "aws:kms/key:Key" and keys(admin, other) == 1  # a key without its alias, and no state
    assert not up.state_path(out, "local").exists()

    with monkeypatch.context() as patch:
        kill_after(patch, "after-call.s3.CreateBucket")
        with pytest.raises(Killed):
            up.up(project, endpoint, out, echo=lambda line: None)
    assert admin("s3").list_buckets()["Buckets"] or other("s3").list_buckets()["Buckets"]  # a bucket, not yet tagged

    result = up.up(project, endpoint, out, echo=lambda line: None)
    assert keys(admin, other) == 8  # two per domain (data, alerts): the killed run's key adopted, found by its tags
    assert not up.journal_path(out, "local").exists() and up.state_path(out, "local").exists()
    assert {a.status for a in result.report.applied if a.resource.type == "aws:s3/bucket:Bucket"} == {"created", "updated"}
    monkeypatch.chdir(ROOT)
    status, _, err = command("verify", "--env", "local", "--endpoint", endpoint)
    assert (status, err.count(": error: ")) == (0, 0), err


def test_a_bucket_the_stack_did_not_create_is_refused_at_its_declaration(endpoint, admin, command, tmp_path, monkeypatch):
    admin("s3").create_bucket(Bucket=BUCKET)
    admin("s3").put_bucket_tagging(Bucket=BUCKET, Tagging={"TagSet": [{"Key": "team", "Value": "someone-else"}]})
    monkeypatch.chdir(ROOT)
    status, out, err = command("up", "--local", "--env", "local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 1
    [line] = [e for e in err.splitlines() if ": error: " in e]
    assert line.startswith(f"domains/users/products/play-events.yaml:1: error: users/play-events: bucket {BUCKET}: exists and was not created by this "
                           'stack (its tags: {"team": "someone-else"}; this stack\'s marker: managed-by=meshplane, environment=local, domain=users): '
                           "up --local adopts only what it created")  # fmt: skip
    assert "Traceback" not in err and "urn:" not in err
    assert admin("s3").get_bucket_tagging(Bucket=BUCKET)["TagSet"] == [{"Key": "team", "Value": "someone-else"}]  # left as it was


def test_a_bucket_a_killed_run_began_and_nobody_declares_any_more_is_marked_for_verify(endpoint, admin, command, tmp_path, monkeypatch):
    """The run that began it was killed before tagging it, then its product was removed: the next run finds it in the
    journal, tags it as the journal says it was declared, and verify reports it."""
    out, old = tmp_path / "manifests", "daff-local-users-listening-sessions"
    tags = {"managed-by": "meshplane", "environment": "local", "domain": "users", "product": "users/listening-sessions"}
    admin("s3").create_bucket(Bucket=old)
    line = {"run": "killed", "type": "aws:s3/bucket:Bucket", "account": "123456789012", "name": old, "tags": tags}
    up.journal_path(out, "local").write_text(json.dumps(line) + "\n")
    monkeypatch.chdir(ROOT)
    status, said, err = command("up", "--local", "--env", "local", "--endpoint", endpoint, "--out", str(out))
    assert status == 0, err
    assert f"note: users/listening-sessions: bucket {old}: begun by a run that did not finish and no longer declared: tagged as the stack's" in said
    status, _, err = command("verify", "--env", "local", "--endpoint", endpoint)
    assert status == 1
    assert [e for e in err.splitlines() if ": error: " in e] == [
        f"domains/users/domain.yaml:1: error: users/listening-sessions: bucket {old}: is no longer declared (in account 123456789012): "
        "remove it, or declare it again"
    ]
