"""One writer per stack: two `up --local` at once (each with a state folder of its own), a lock held by a live run,
a lock left by a dead one, `access --check` waiting for a run, and the duplicate keys earlier runs left behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from meshplane.local.lock import StackLock, deployment_lock, lock_path

ROOT = Path(__file__).resolve().parents[2]
MESHPLANE = Path(sys.executable).parent / "meshplane"
A, B = "123456789012", "210987654321"

pytestmark = pytest.mark.slow


def live_keys(kms) -> list[str]:
    keys = [kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"] for k in kms.list_keys()["Keys"]]
    return sorted(k["KeyId"] for k in keys if k["KeyState"] != "PendingDeletion")


def errors(text: str) -> list[str]:
    return [line for line in text.splitlines() if ": error: " in line]


def test_two_up_local_at_once_leave_one_key_per_domain_and_verify_clean(endpoint, admin, other, tmp_path, command, monkeypatch):
    """Each run writes its state to a folder of its own (two copies of the project): the emulator's lock keeps one."""
    argv = [str(MESHPLANE), "up", "--local", "--env", "local", "--endpoint", endpoint, "--out"]
    runs = [subprocess.Popen(argv + [str(tmp_path / copy / "manifests")], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for copy in ("one", "two")]  # fmt: skip
    results = [(run.wait(timeout=600), *run.communicate()) for run in runs]
    assert sorted(status for status, _, _ in results) == [0, 1], results
    for status, out, err in results:
        if status != 0:  # the second stopped at once, in one line naming the first
            assert status == 1 and len(errors(err)) == 1, err
            assert f"{deployment_lock(endpoint, 'local')}:1: error: stack local in the emulator at {endpoint} is being written by another run, process " in err
            assert "`meshplane up --local --env local --endpoint" in err and "nothing was done" in err
            assert "provisioned" not in out
    monkeypatch.chdir(ROOT)
    status, out, err = command("verify", "--env", "local", "--endpoint", endpoint)
    assert (status, errors(err)) == (0, []), err
    assert len(live_keys(admin("kms"))) == 4 and len(live_keys(other("kms"))) == 4  # users and podcasts; artists and playlists: data and alerts
    assert not deployment_lock(endpoint, "local").exists()  # released by the run that held it
    assert not lock_path(tmp_path / "one", "local").exists() and not lock_path(tmp_path / "two", "local").exists()


def test_a_run_writing_the_stack_to_the_emulator_stops_another_whatever_its_state_folder(endpoint, admin, tmp_path, command, monkeypatch):
    monkeypatch.chdir(ROOT)
    lock = deployment_lock(endpoint, "local")
    with StackLock(lock, "local", command="meshplane up --local (another copy of the project)"):
        status, out, err = command("up", "--local", "--env", "local", "--endpoint", endpoint, "--out", str(tmp_path / "elsewhere" / "manifests"))
        assert status == 1
        assert errors(err) == [
            f"{lock}:1: error: stack local in the emulator at {endpoint} is being written by another run, process {os.getpid()} on "
            f"{os.uname().nodename} (`meshplane up --local (another copy of the project)`, since {json.loads(lock.read_text())['since']}): "
            "nothing was done; run again when it has finished"
        ]
    assert admin("s3").list_buckets()["Buckets"] == []  # nothing was applied
    assert not lock_path(tmp_path / "elsewhere", "local").exists()  # its own state's lock released on the way out


def test_access_check_waits_for_a_run_writing_the_stack(deployed, endpoint, command, monkeypatch):
    monkeypatch.chdir(ROOT)
    holder = StackLock(deployment_lock(endpoint, "local"), "local", command="meshplane up --local (a run writing the stack)")
    holder.acquire()
    releasing = threading.Timer(3.0, holder.release)
    releasing.start()
    started = time.monotonic()
    try:
        status, out, err = command("access", "--env", "local", "--check", "--endpoint", endpoint)
    finally:
        releasing.join()
    assert (status, errors(err)) == (0, []), err
    assert f"waiting up to 600 s for the lock of stack local in the emulator at {endpoint}, held by process {os.getpid()}" in err
    assert time.monotonic() - started >= 3.0  # it began only once the run had finished


def test_a_live_holders_lock_stops_a_second_run_in_one_line(endpoint, admin, tmp_path, command, monkeypatch):
    monkeypatch.chdir(ROOT)
    with StackLock(lock_path(tmp_path, "local"), "local", command="meshplane up --local (the first run)"):
        status, out, err = command("up", "--local", "--env", "local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
        assert status == 1
        assert errors(err) == [
            f"{lock_path(tmp_path, 'local')}:1: error: stack local is being written by another run, process {os.getpid()} on {os.uname().nodename} "
            f"(`meshplane up --local (the first run)`, since {json.loads(lock_path(tmp_path, 'local').read_text())['since']}): "
            "nothing was done; run again when it has finished"
        ]
    assert admin("s3").list_buckets()["Buckets"] == []  # nothing was applied


def test_a_lock_whose_holder_is_gone_is_taken_over_and_said_so(endpoint, tmp_path, command, monkeypatch):
    monkeypatch.chdir(ROOT)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    lock = lock_path(tmp_path, "local")
    lock.write_text(json.dumps({"pid": int(gone), "host": "here", "command": "meshplane up --local (killed)", "since": "2026-12-07T00:00:00+00:00"}))
    status, out, err = command("up", "--local", "--env", "local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 0, err
    assert (f"note: the lock of stack local was held by process {gone} on here (`meshplane up --local (killed)`, since 2026-12-07T00:00:00+00:00), "
            "which is gone: taken over") in out  # fmt: skip
    assert not lock.exists()


def test_a_duplicate_key_an_earlier_run_left_is_scheduled_for_deletion_and_named(deployed, endpoint, admin, tmp_path, command, monkeypatch):
    kms = admin("kms")
    kept = kms.describe_key(KeyId="alias/daff-local-users")["KeyMetadata"]["KeyId"]
    tags = kms.list_resource_tags(KeyId=kept)["Tags"]
    duplicate = kms.create_key(Description="Data of domain users", Tags=tags)["KeyMetadata"]["KeyId"]  # what a run at the same time made
    monkeypatch.chdir(ROOT)
    status, out, err = command("verify", "--env", "local", "--endpoint", endpoint)
    assert status == 1 and f"KMS key {duplicate} (Data of domain users): is no longer declared" in err

    status, out, err = command("up", "--local", "--env", "local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 0, err
    assert (f"note: users: KMS key alias/daff-local-users: key {duplicate} duplicates the stack's key {kept} (the one its alias and the last "
            "state name; two runs at once each made one): scheduled for deletion in 30 days") in out  # fmt: skip
    assert kms.describe_key(KeyId=duplicate)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    assert kms.describe_key(KeyId=kept)["KeyMetadata"]["KeyState"] == "Enabled"
    status, out, err = command("verify", "--env", "local", "--endpoint", endpoint)
    assert (status, errors(err)) == (0, []), err
