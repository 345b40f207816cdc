"""`access --check` against an emulator running on its own (over HTTP): no bucket policy is lifted, the probe object is
the job role's, and IAM enforcement switched on for the probe is off again however the command ends."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from moto import settings

from meshplane.local.emulator import connect

ROOT = Path(__file__).resolve().parents[2]  # the repository: the sample project
MESHPLANE = str(Path(sys.executable).parent / "meshplane")

pytestmark = pytest.mark.slow


def policies(admin) -> dict[str, str]:
    s3 = admin("s3")
    return {b["Name"]: s3.get_bucket_policy(Bucket=b["Name"])["Policy"] for b in s3.list_buckets()["Buckets"]}


def test_the_check_over_http_lifts_no_policy_and_the_bucket_policies_apply_to_its_probe(deployed, endpoint, admin, command, monkeypatch):
    from moto.s3.models import S3Backend

    lifted: list[str] = []
    delete = S3Backend.delete_bucket_policy
    monkeypatch.setattr(S3Backend, "delete_bucket_policy", lambda self, name: (lifted.append(name), delete(self, name))[1])
    before = policies(admin)
    status, out, err = command("access", "--env", "local", "--check", "--endpoint", endpoint)
    assert status == 0, err
    assert lifted == []
    assert policies(admin) == before
    assert "over HTTP, a sample" in out and "the bucket policies apply, their conditions judged by the emulator" in out
    assert "access points, each by its consumer)" in out
    job = admin("sts").assume_role(RoleArn="arn:aws:iam::123456789012:role/daff-local-users-play-events-job", RoleSessionName="test")["Credentials"]
    as_job = connect(endpoint, "us-east-1", "123456789012").as_credentials(job).client("s3")  # the bucket policy lets only it list
    versions = as_job.list_object_versions(Bucket="daff-local-users-play-events", Prefix="meshplane/")
    assert not versions.get("Versions") and not versions.get("DeleteMarkers")  # the job role removed its probe objects


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_enforcement_is_off_again_when_the_check_is_stopped_midway(deployed, endpoint, stop):
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # as from a terminal: a runner's worker may ignore SIGINT, and a child would inherit that
    check = subprocess.Popen([MESHPLANE, "access", "--env", "local", "--check", "--endpoint", endpoint], cwd=ROOT, env=environment,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        while settings.INITIAL_NO_AUTH_ACTION_COUNT != 0:  # this process's moto: the check switched enforcement on
            assert check.poll() is None and time.monotonic() < deadline, check.communicate()
            time.sleep(0.005)
        check.send_signal(stop)
        out, err = check.communicate(timeout=60)
    finally:
        if check.poll() is None:
            check.kill()
    assert check.returncode == 130, err
    assert settings.INITIAL_NO_AUTH_ACTION_COUNT == float("inf")
    assert "Traceback" not in err
