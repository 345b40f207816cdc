"""End to end on the sample mesh against a moto server on 127.0.0.1: up, verify, access, through the CLI."""

from __future__ import annotations

import json

import pytest

from meshplane import cli
from meshplane.engine import ROOT
from meshplane.project import open_project

pytestmark = pytest.mark.slow

BUCKET = "daff-local-users-play-events"  # users/play-events
CONSUMER_ROLE = "daff-local-artists-artist-royalties-job"  # artists/artist-royalties reads users/play-events
GRANT = "read-daff-local-users-play-events"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.fixture
def deployed(endpoint, tmp_path, capsys, monkeypatch):
    """The local stack, provisioned with `meshplane up --local --endpoint`."""
    monkeypatch.chdir(ROOT)
    status, out, err = run(capsys, "up", "--local", "--env", "local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 0, err
    return out


def test_up_provisions_the_sample_mesh_and_says_what_it_did(deployed, admin, tmp_path):
    buckets = {b["Name"] for b in admin("s3").list_buckets()["Buckets"]}
    assert len(buckets) == 10 and BUCKET in buckets
    rules = admin("s3").get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:aws:kms:us-east-1:123456789012:alias/daff-local-users"}
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in admin("kms").list_aliases()["Aliases"]}
    real_keys = {k["KeyId"] for k in admin("kms").list_keys()["Keys"]}
    assert aliases["alias/daff-local-users"] in real_keys  # the emulator's key, not the mock's
    assert len(real_keys) == 4
    assert len(admin("glue").get_tables(DatabaseName="daff_local_users")["TableList"]) == 2
    assert "read-daff-local-users-play-events" in admin("iam").list_role_policies(RoleName=CONSUMER_ROLE)["PolicyNames"]
    # the summary per domain, and the loud line for what the emulator cannot hold
    summary = {line.split()[0]: line.split()[1:] for line in lines(deployed) if line.startswith("  ") and line.split()[0] in ("artists", "users")}
    assert summary["users"][:4] == ["2", "2", "2", "3"]  # products, buckets, tables, roles
    assert "NOT APPLIED: 10 x aws:eks/podIdentityAssociation:PodIdentityAssociation: not applicable to the emulator" in deployed
    state = json.loads((tmp_path / "local-state.local.json").read_text())
    assert len(state["not_applicable"]) == 10 and {e["status"] for e in state["not_applicable"]} == {"not applicable to the emulator"}
    assert len(list((tmp_path / "manifests").glob("*.yaml"))) == 24


def test_a_clean_deployment_verifies_and_proves_its_access_matrix(deployed, endpoint, capsys):
    status, out, err = run(capsys, "verify", "--env", "local", "--endpoint", endpoint)
    assert (status, err) == (0, "")
    assert "10 products in 4 domains match their declarations" in out

    status, out, err = run(capsys, "access", "--env", "local", "--check", "--endpoint", endpoint)
    assert status == 0, err
    assert "all 140 principal x product pairs behave as declared" in out
    assert "bucket policies are lifted for the probe and restored afterwards" in out  # said, not hidden

    # the probe leaves nothing behind: policies restored, probe objects gone
    status, out, err = run(capsys, "verify", "--env", "local", "--endpoint", endpoint)
    assert (status, err) == (0, "")


def test_tampered_encryption_and_a_deleted_grant_are_reported_exactly(deployed, endpoint, admin, capsys):
    admin("s3").put_bucket_encryption(
        Bucket=BUCKET, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
    )
    admin("iam").delete_role_policy(RoleName=CONSUMER_ROLE, PolicyName=GRANT)

    status, out, err = run(capsys, "verify", "--env", "local", "--endpoint", endpoint)
    assert status == 1
    findings = [line for line in lines(err) if ": error: " in line]
    assert len(findings) == 2, err
    encryption, grant = sorted(findings, key=lambda line: "grant" in line)
    assert encryption.startswith("domains/users/products/play-events.yaml:1: error: users/play-events: ")
    assert f"bucket {BUCKET} encryption is AES256, declared aws:kms" in encryption
    assert grant.startswith("domains/artists/products/artist-royalties.yaml:")  # the line of the input it serves
    assert f"grant missing: role {CONSUMER_ROLE} lacks inline policy {GRANT} (read of users/play-events)" in grant

    status, out, err = run(capsys, "access", "--env", "local", "--check", "--endpoint", endpoint)
    assert status == 1
    [mismatch] = [line for line in lines(err) if ": error: " in line]
    assert "access: artists/artist-royalties job on users/play-events: declared read, observed none" in mismatch


def test_an_extra_grant_is_reported_by_verify_and_by_the_access_check(deployed, endpoint, admin, capsys):
    outsider = "daff-local-users-profile-updates-job"  # users/profile-updates may not read play-events
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": f"arn:aws:s3:::{BUCKET}"},
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"arn:aws:s3:::{BUCKET}/*"},
    ]}
    admin("iam").put_role_policy(RoleName=outsider, PolicyName="backdoor", PolicyDocument=json.dumps(document))

    status, out, err = run(capsys, "verify", "--env", "local", "--endpoint", endpoint)
    assert status == 1
    [finding] = [line for line in lines(err) if ": error: " in line]
    assert finding.startswith("domains/users/products/profile-updates.yaml:1: error: users/profile-updates: extra grant: ")
    assert f"role {outsider} has inline policy backdoor" in finding

    status, out, err = run(capsys, "access", "--env", "local", "--check", "--endpoint", endpoint)
    assert status == 1
    [mismatch] = [line for line in lines(err) if ": error: " in line]
    assert "users/profile-updates job on users/play-events: declared none, observed read" in mismatch


def test_up_again_converges_and_revokes_what_is_no_longer_declared(deployed, endpoint, admin, capsys, tmp_path):
    admin("iam").put_role_policy(RoleName=CONSUMER_ROLE, PolicyName="read-something-revoked", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*"}]}))
    status, out, err = run(capsys, "up", "--local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 0, err
    assert "(0 created, 46 updated, 96 configurations put)" in out
    assert f"pruned 1 inline policies no longer declared: {CONSUMER_ROLE}/read-something-revoked" in out
    assert len(admin("kms").list_keys()["Keys"]) == 4  # keys found again through their aliases, not created twice
    status, out, err = run(capsys, "verify", "--endpoint", endpoint)
    assert (status, err) == (0, "")


def test_another_environment_lands_in_its_own_account_of_the_emulator(endpoint, admin, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    status, out, err = run(capsys, "up", "--local", "--env", "dev", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 0, err
    assert "account 111111111111, eu-west-1" in out
    assert admin("s3").list_buckets()["Buckets"] == []  # not in the emulator's default account
    status, out, err = run(capsys, "verify", "--env", "dev", "--endpoint", endpoint)
    assert (status, err) == (0, "")


def test_up_without_local_is_a_usage_error(capsys):
    status, out, err = run(capsys, "up")
    assert status == 2 and "pulumi up -s" in err


def test_the_matrix_needs_no_cloud(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    status, out, err = run(capsys, "access", "--env", "local", "--json")
    assert status == 0
    matrix = json.loads(out)
    royalties = next(p for p in matrix["principals"] if p["role"] == CONSUMER_ROLE)
    assert royalties["access"]["users/play-events"] == "read" and royalties["access"]["artists/artist-royalties"] == "write"


def test_serve_starts_an_emulator_shows_how_to_explore_it_and_stops_it(endpoint, tmp_path):
    import re
    import urllib.error
    import urllib.request

    from meshplane.local.run import up_local

    said: list[str] = []
    waited: list[bool] = []
    status = up_local(open_project(ROOT, stack="local"), serve=True, out=tmp_path / "manifests", echo=said.append, wait=lambda: waited.append(True))
    text = "\n".join(said)
    assert status == 0 and waited == [True]
    served = re.search(r"the emulator serves at (http://127\.0\.0\.1:\d+) until Ctrl-C", text).group(1)
    assert f"aws --endpoint-url {served} s3 ls" in text and f"meshplane access --env local --check --endpoint {served}" in text
    assert "boto3.client(" in text
    with pytest.raises(urllib.error.URLError):  # stopped on the way out
        urllib.request.urlopen(served, timeout=2)
