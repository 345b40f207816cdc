"""End to end on the sample mesh against a moto server on 127.0.0.1: up, verify, access, through the CLI.

The local stack places artists and playlists in a second account (210987654321), so their agreements with
users and podcasts cross accounts. The tests that read the deployment, or change it behind the stack's back and undo
it, share one (`sample`); those that deploy again, or change it through the stack, deploy their own (`deployed`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from localkit import Deployment, deployed_once, deployments  # noqa: F401 (fixtures)

from meshplane import cli
from meshplane.local.emulator import connect
from meshplane.registrations.project import open_project

ROOT = Path(__file__).resolve().parents[2]  # the repository: the sample project

pytestmark = pytest.mark.slow

BUCKET = "daff-local-users-play-events"  # users/play-events, in the default account
CONSUMER_ROLE = "daff-local-artists-artist-royalties-job"  # artists/artist-royalties reads users/play-events, from account B
OTHER = "210987654321"
SLOT = "daff-local-artists-artist-royalties-job-reads"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def errors(text: str) -> list[str]:
    return [line for line in lines(text) if ": error: " in line]


def counted_calls(monkeypatch) -> list[str]:
    """The API calls `up` makes through its clients from here on."""
    from meshplane.local.emulator import Aws

    calls: list[str] = []
    made = Aws.client

    def counted(self, service):
        client = made(self, service)
        if not getattr(client, "_counted_by_test", False):
            client.meta.events.register("before-call", lambda model, **_: calls.append(model.name))
            client._counted_by_test = True
        return client

    monkeypatch.setattr(Aws, "client", counted)
    return calls


@pytest.fixture
def sample(deployed_once, monkeypatch) -> Deployment:
    """The module's one deployment of the sample, the commands run from the repository."""
    monkeypatch.chdir(ROOT)
    return deployed_once


@pytest.fixture
def account(sample):
    """boto3 clients of the shared deployment's default account (the conftest's `admin` empties the emulator first)."""
    return connect(sample.endpoint, "us-east-1", "123456789012").client


def test_up_provisions_the_sample_mesh_across_two_accounts_and_says_what_it_did(sample, account):
    other = connect(sample.endpoint, "us-east-1", OTHER, f"arn:aws:iam::{OTHER}:role/meshplane-deployer").client
    deployed, tmp_path = sample.out, sample.folder
    here = {b["Name"] for b in account("s3").list_buckets()["Buckets"]}
    there = {b["Name"] for b in other("s3").list_buckets()["Buckets"]}
    assert len(here) == 5 and BUCKET in here and len(there) == 5 and all("-artists-" in b or "-playlists-" in b for b in there)
    rules = account("s3").get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:aws:kms:us-east-1:123456789012:alias/daff-local-users"}
    key = account("kms").describe_key(KeyId="alias/daff-local-users")["KeyMetadata"]
    policy = json.loads(account("kms").get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["KeyAdministration", "BreakGlassAdministration", "DomainReadsThroughS3", "DenyUseOutsideS3"]
    grantees = {g["GranteePrincipal"] for g in account("kms").list_grants(KeyId=key["KeyId"])["Grants"]}
    assert f"arn:aws:iam::{OTHER}:role/{CONSUMER_ROLE}" in grantees  # a consumer in the other account
    points = account("s3control").list_access_points(AccountId="123456789012")["AccessPointList"]
    assert {p["Bucket"] for p in points} >= {BUCKET}
    attached = other("iam").list_attached_role_policies(RoleName=CONSUMER_ROLE)["AttachedPolicies"]
    assert [a["PolicyName"] for a in attached] == [SLOT]
    summary = {line.split()[0]: line.split()[1:] for line in lines(deployed) if line.startswith("  ") and line.split()[0] in ("artists", "users")}
    assert summary["users"][:3] == ["2", "2", "2"]  # products, buckets, tables
    assert "NOT APPLIED: 10 x aws:eks/podIdentityAssociation:PodIdentityAssociation: not applicable to the emulator" in deployed
    state = json.loads((tmp_path / "local-state.local.json").read_text())
    # 10 pod identities, 10 metrics configurations, 10 errors and 2 warnings rulesets
    assert len(state["not_applicable"]) == 32 and {e["status"] for e in state["not_applicable"]} == {"not applicable to the emulator"}
    assert len(list((tmp_path / "manifests").glob("*.yaml"))) == 24


def test_plan_against_the_local_state_finds_nothing_to_do_until_the_mesh_changes(sample, tmp_path, capsys):
    state = str(sample.folder / "local-state.local.json")
    status, out, _ = run(capsys, "plan", "--env", "local", "--state", state, "--format", "json")
    assert status == 0 and json.loads(out)["counts"] == {"create": 0, "update": 0, "replace": 0, "delete": 0}
    changed = json.loads((sample.folder / "local-state.local.json").read_text())
    bucket = next(e for e in changed["applied"] if e["name"] == "users/play-events-lifecycle")
    bucket["inputs"]["rules"][0]["expiration"]["days"] = 1.0
    (tmp_path / "changed.json").write_text(json.dumps(changed))
    status, out, _ = run(capsys, "plan", "--env", "local", "--state", str(tmp_path / "changed.json"))
    assert "0 to create, 1 to update, 0 to replace, 0 to delete" in out and "(rules)" in out


def test_a_clean_deployment_verifies_and_proves_its_access_matrix(sample, capsys):
    endpoint = sample.endpoint
    status, out, err = run(capsys, "verify", "--env", "local", "--endpoint", endpoint)
    assert (status, err) == (0, "")
    assert "10 products in 4 domains match their declarations" in out

    status, out, err = run(capsys, "access", "--env", "local", "--check", "--endpoint", endpoint)
    assert status == 0, err
    assert "all 1,680 principal x product x action cells are as declared, rogue roles denied everything" in out
    assert " s per 100,000 cells (" in out  # its rate is printed
    # over HTTP, a sample, counted each way: every pair allowed an action by identity, a denied pair per principal and product
    sent = re.search(r"identity policies of (\d+) principal x product pairs: (\d+) allowed an action by identity, (\d+) denied every one "
                     r"\(over HTTP, a sample: .*; (\d+) other denied pairs not sent", out)  # fmt: skip
    assert sent, out
    pairs, allowed, denied, unsent = map(int, sent.groups())
    assert pairs == allowed + denied and pairs + unsent == 240 and allowed >= 30 and denied >= 20
    assert "every agreement's access point reaches its bucket (20 read through their access points, each by its consumer)" in out
    assert "note: catalog: Lake Formation modelled" in out  # what is modelled, not emulated, is said

    # the check leaves nothing behind: policies restored, probe objects and rogue roles gone
    status, out, err = run(capsys, "verify", "--env", "local", "--endpoint", endpoint)
    assert (status, err) == (0, "")


def test_the_administrative_cells_are_the_deployers_with_the_perimeter_and_what_the_readme_lists_without(sample, capsys):
    status, out, err = run(capsys, "access", "--env", "local", "--check", "--endpoint", sample.endpoint)
    assert status == 0, err
    assert "decided 20 administrative cells (a rogue and the deployer of each of 2 domain accounts x kms:CreateGrant, kms:PutKeyPolicy, " in out
    assert "20 administrative cells as expected: with the perimeter, every rogue denied and each deployer allowed" in out
    # without the perimeter: what the README says a rogue of a domain account may still do, no more, in each account
    readme = (ROOT / "README.md").read_text()
    listed = readme.split("<!-- open-without-perimeter -->")[1].split("<!-- /open-without-perimeter -->")[0]
    promised = {line.split("`")[1] for line in lines(listed)}
    decided = {line.split()[7]: set(line.split(": ", 1)[1].split(", ")) for line in lines(out) if line.startswith("without the perimeter, the rogue of")}
    assert decided == {"123456789012": promised, OTHER: promised}


def test_a_scoped_check_catches_a_principal_of_another_domain_handed_a_grant(sample, account, capsys):
    """`access --check --domain users` decides every principal of the stack on users' products, and users' principals
    on every product: a KMS grant on users' key handed to a job of podcasts (which has no agreement with users) is
    found, at that job's file."""
    endpoint = sample.endpoint
    status, out, err = run(capsys, "access", "--env", "local", "--check", "--domain", "users", "--endpoint", endpoint)
    assert (status, errors(err)) == (0, []), err
    assert "scope: domain(s) users, every principal on its products and its principals on every product; 24 principals, 2 of them rogue" in out
    assert "all 728 principal x product x action cells are as declared" in out  # (22 x 2 + 5 x 8 + the 2 rogues x 10) pairs x 7 actions

    key = account("kms").describe_key(KeyId="alias/daff-local-users")["KeyMetadata"]["Arn"]
    grantee = "arn:aws:iam::123456789012:role/daff-local-podcasts-podcast-plays-job"
    grant = account("kms").create_grant(KeyId=key, GranteePrincipal=grantee, Operations=["Decrypt"],
                                      Constraints={"EncryptionContextSubset": {"aws:s3:arn": f"arn:aws:s3:::{BUCKET}"}})  # fmt: skip
    try:
        status, out, err = run(capsys, "access", "--env", "local", "--check", "--domain", "users", "--endpoint", endpoint)
    finally:
        account("kms").revoke_grant(KeyId=key, GrantId=grant["GrantId"])
    assert status == 1
    assert errors(err) == [
        "domains/podcasts/products/podcast-plays.yaml:1: error: access: podcasts/podcast-plays job on users/play-events: declared ., "
        f"decided decrypt allowed (as {grantee})"
    ]


def test_a_broad_identity_policy_reads_nothing_the_producer_did_not_agree_to(sample, account, capsys):
    """A role of the producer's own account allowed everything by IAM is still refused at the data: verify reports the
    drift, and the access check finds every cell as declared."""
    outsider = "daff-local-users-profile-updates-job"  # users/profile-updates has no agreement on play-events
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "kms:*"], "Resource": "*"}]}
    account("iam").put_role_policy(RoleName=outsider, PolicyName="backdoor", PolicyDocument=json.dumps(document))
    try:
        status, out, err = run(capsys, "verify", "--env", "local", "--endpoint", sample.endpoint)
        assert status == 1
        [finding] = errors(err)
        assert finding.startswith("domains/users/products/profile-updates.yaml:1: error: users/profile-updates: role ")
        assert "inline policies is [\"backdoor\", \"write-own-product\"], declared [\"write-own-product\"]" in finding

        status, out, err = run(capsys, "access", "--env", "local", "--check", "--endpoint", sample.endpoint)
        assert (status, errors(err)) == (0, []), err  # its identity allows the reads (moto agrees); the bucket and the key refuse them
    finally:
        account("iam").delete_role_policy(RoleName=outsider, PolicyName="backdoor")


def test_without_the_producers_deny_the_evaluator_sees_the_rogue_read(sample, account, capsys):
    """The check can fail: a bucket policy that only allows (the model before this one) lets any broad role read."""
    declared = account("s3").get_bucket_policy(Bucket=BUCKET)["Policy"]
    policy = json.loads(declared)
    policy["Statement"] = [s for s in policy["Statement"] if s["Sid"] != "DenyReadsOutsideAgreements"]
    account("s3").put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
    try:
        status, out, err = run(capsys, "access", "--env", "local", "--check", "--endpoint", sample.endpoint)
    finally:
        account("s3").put_bucket_policy(Bucket=BUCKET, Policy=declared)
    assert status == 1
    rogue = [e for e in errors(err) if "rogue on users/play-events" in e]
    assert rogue and "read allowed" in rogue[0] and "decrypt" not in rogue[0]  # the key still refuses it: a second gate


def test_a_key_administered_by_the_account_again_gives_the_rogue_its_grants(sample, account, capsys):
    """The administrative check can fail: with the key policy of the model before this one (the account administers
    the key), a role of the account that IAM allows `kms:*` may create grants and change the policy where no perimeter
    stands (its SCP still refuses them)."""
    kms = account("kms")
    key = kms.describe_key(KeyId="alias/daff-local-users")["KeyMetadata"]["KeyId"]
    declared = kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"]
    policy = json.loads(declared)
    administration = next(s for s in policy["Statement"] if s["Sid"] == "KeyAdministration")
    administration["Principal"] = {"AWS": "arn:aws:iam::123456789012:root"}
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=json.dumps(policy))
    try:
        status, out, err = run(capsys, "access", "--env", "local", "--check", "--endpoint", sample.endpoint)
    finally:
        kms.put_key_policy(KeyId=key, PolicyName="default", Policy=declared)
    assert status == 1
    assert [e.split(": error: ", 1)[1].split(" (as ")[0] for e in errors(err)] == [
        "access: the rogue of account 123456789012: kms:CreateGrant allowed on some of the account's resources without the perimeter",
        "access: the rogue of account 123456789012: kms:PutKeyPolicy allowed on some of the account's resources without the perimeter",
    ]


def test_up_refresh_reads_every_resource_back_and_writes_nothing(sample, capsys, monkeypatch):
    """Run on the shared deployment: whatever the tests before it changed behind the stack's back, they undid. `--refresh`
    reads every resource back whatever the emulator answers (`test_up_with_nothing_to_change_reads_nothing...`)."""
    endpoint, tmp_path = sample.endpoint, sample.folder

    first = json.loads((tmp_path / "local-state.local.json").read_text())
    calls = counted_calls(monkeypatch)
    status, out, err = run(capsys, "up", "--local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"), "--refresh")
    assert status == 0, err
    assert "282 AWS resources: 0 created, 0 updated, 282 unchanged" in out and "updated " not in out
    assert "the last run's registrations: nothing the program reads has changed for stack local" in out  # not evaluated again
    writes = sorted({c for c in calls if not c.startswith(("Get", "List", "Describe", "Head"))})
    assert writes == ["AssumeRole", "PutDataLakeSettings"], writes  # into the second account; its bootstrap, idempotent
    # the buckets' and alarms' tags: one listing per account (the tagging API), not a call per bucket or alarm
    assert "GetBucketTagging" not in calls and calls.count("GetResources") == calls.count("ListBuckets") == 2, calls
    again = json.loads((tmp_path / "local-state.local.json").read_text())
    assert {a["urn"]: a["real"] for a in again["applied"]} == {a["urn"]: a["real"] for a in first["applied"]}
    assert {a["status"] for a in again["applied"]} == {"unchanged"}


def test_the_check_uses_the_registrations_of_the_deployment_the_emulator_holds_else_runs_the_program(deployed, endpoint, project, capsys, monkeypatch):
    """`up --local` wrote its registrations beside its state (`--out` elsewhere than the project's out/): `access --check`
    against the same emulator uses them, not running the program; with the program changed since, or in an emulator
    that no longer holds that deployment (restarted), it does not use them."""
    from meshplane.local.emulator import reset
    from meshplane.registrations import engine

    ran: list[str] = []
    real = engine.run
    monkeypatch.setattr(engine, "run", lambda p: ran.append(p.stack.name) or real(p))
    status, out, err = run(capsys, "access", "--env", "local", "--check", "--endpoint", endpoint)
    assert status == 0, err
    assert "registrations: the registrations of stack local's deployment the emulator holds (the program is unchanged)" in out
    assert ran == [] and "all 1,680 principal x product x action cells are as declared" in out

    product = project / "domains/users/products/play-events.yaml"  # a copy of the project whose program reads one change more
    product.write_text(product.read_text().replace("description: Every stream", "description: Each stream", 1))
    monkeypatch.chdir(project)
    status, out, err = run(capsys, "access", "--env", "local", "--check", "--endpoint", endpoint)
    assert (status, errors(err)) == (0, []), err  # a description: the same access
    assert f"registrations: the program has changed since stack local was applied to {endpoint}: ran the program under the mock engine" in out
    assert ran == ["local"]

    reset(endpoint)  # another emulator at the same address: it holds none of the deployment
    monkeypatch.chdir(ROOT)
    status, out, err = run(capsys, "access", "--env", "local", "--check", "--endpoint", endpoint)
    assert status == 1 and "bucket daff-local-users-play-events is missing" in err
    assert f"registrations: the emulator at {endpoint} no longer holds the deployment recorded (restarted since?)" in out


def test_a_consumer_withdrawing_loses_access_at_its_own_deploy(deployed, endpoint, project, admin, capsys, monkeypatch, tmp_path):
    """Two consumers drop an input and deploy their domain alone: artists/artist-royalties (account B) drops
    users/play-events, podcasts/listener-demographics (the producer's account) drops users/profile-updates."""
    for path, line in (("artists/products/artist-royalties.yaml", "  - users/play-events\n"), ("podcasts/products/listener-demographics.yaml", "  - users/profile-updates\n")):
        product = project / "domains" / path
        assert line in product.read_text()
        product.write_text(product.read_text().replace(line, ""))
    monkeypatch.chdir(project)
    for domain in ("artists", "podcasts"):
        status, out, err = run(capsys, "up", "--local", "--endpoint", endpoint, "--domain", domain, "--out", str(tmp_path / domain))
        assert status == 0, err
    status, out, err = run(capsys, "access", "--check", "--endpoint", endpoint)
    # neither job lists, reads or queries any more. The producer's key grants go at the producer's deploy: across
    # accounts the consumer's own IAM no longer lets it use the key; in one account the grant alone still would,
    # which decrypts nothing: S3 reads nothing for the job any more, and the key refuses any use outside S3
    assert [e.split(": error: ", 1)[1] for e in errors(err)] == [
        "access: podcasts/listener-demographics job on users/profile-updates: declared ., decided decrypt allowed "
        "(as arn:aws:iam::123456789012:role/daff-local-podcasts-listener-demographics-job)"
    ]
    status, out, err = run(capsys, "up", "--local", "--endpoint", endpoint, "--domain", "users", "--out", str(tmp_path / "users"))
    assert status == 0, err
    assert "key grant" in out and "access point" in out  # the producer's side of both agreements, and nothing else
    status, out, err = run(capsys, "access", "--check", "--endpoint", endpoint)
    assert (status, errors(err)) == (0, [])


def test_a_producer_withdrawing_revokes_at_its_own_deploy(deployed, endpoint, project, capsys, monkeypatch, tmp_path):
    """users/play-events stops listing artists/artist-royalties; only the users domain deploys."""
    product = project / "domains/users/products/play-events.yaml"
    text = product.read_text()
    assert "  - artists/artist-royalties\n" in text
    product.write_text(text.replace("  - artists/artist-royalties\n", ""))
    artists = project / "domains/artists/products/artist-royalties.yaml"  # the consumer keeps declaring the input (refused now)
    monkeypatch.chdir(project)
    status, out, err = run(capsys, "up", "--local", "--endpoint", endpoint, "--domain", "users", "--out", str(tmp_path / "m2"))
    assert status == 0, err
    assert "access point" in out and "key grant" in out  # the agreement's own resources went, nothing else changed
    status, out, err = run(capsys, "access", "--check", "--endpoint", endpoint)
    assert (status, errors(err)) == (0, []), err
    assert "users/play-events" in artists.read_text()


def test_up_again_converges_and_removes_what_is_no_longer_declared(deployed, endpoint, admin, capsys, tmp_path):
    admin("iam").put_role_policy(RoleName="daff-local-users-readers", PolicyName="read-something-revoked", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*"}]}))
    status, out, err = run(capsys, "up", "--local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 0, err
    assert "282 AWS resources: 0 created, 1 updated, 281 unchanged" in out
    assert ('  updated users: role daff-local-users-readers: inline policies is ["read-own-domain", "read-something-revoked"], '
            'declared ["read-own-domain"]') in lines(out)  # fmt: skip
    assert "inline policy daff-local-users-readers/read-something-revoked" in out
    assert len(admin("kms").list_keys()["Keys"]) == 4  # keys (data and alerts) found again through their aliases, not created twice
    status, out, err = run(capsys, "verify", "--endpoint", endpoint)
    assert (status, err) == (0, "")


def test_up_with_nothing_to_change_reads_nothing_from_an_emulator_that_answered_no_change(deployed, endpoint, capsys, tmp_path, monkeypatch):
    from meshplane.local.emulator import changes_mark

    first = json.loads((tmp_path / "local-state.local.json").read_text())
    mark = changes_mark(endpoint)
    assert first["changes"] == mark  # the emulator's mark after the run's last write
    status, out, err = run(capsys, "verify", "--endpoint", endpoint)
    assert (status, err) == (0, "") and changes_mark(endpoint) == mark  # reads, and a session in the second account
    calls = counted_calls(monkeypatch)
    status, out, err = run(capsys, "up", "--local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 0, err
    assert calls == [] and changes_mark(endpoint) == mark
    assert f"the emulator at {endpoint} has answered no change since the last run applied stack local (its mark {mark}): its 282 AWS resources" in out
    assert "282 AWS resources: 0 created, 0 updated, 282 unchanged" in out and "updated " not in out
    assert "NOT APPLIED: 10 x aws:eks/podIdentityAssociation:PodIdentityAssociation" in out
    again = json.loads((tmp_path / "local-state.local.json").read_text())
    assert {a["urn"]: a["real"] for a in again["applied"]} == {a["urn"]: a["real"] for a in first["applied"]}
    assert {a["status"] for a in again["applied"]} == {"unchanged"} and again["ids"] == first["ids"]
    assert [r["urn"] for r in again["not_applicable"]] == [r["urn"] for r in first["not_applicable"]]


def test_any_change_to_the_emulator_since_the_last_run_reads_everything_back(deployed, endpoint, admin, other, capsys, tmp_path):
    other("cloudwatch").tag_resource(ResourceARN="arn:aws:cloudwatch:us-east-1:210987654321:alarm:daff-local-artists-artist-royalties-freshness",
                                     Tags=[{"Key": "owner", "Value": "someone-else@example.com"}])  # fmt: skip
    status, out, err = run(capsys, "up", "--local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 0, err
    assert "has answered no change" not in out and "282 AWS resources: 0 created, 1 updated, 281 unchanged" in out
    assert ("  updated artists/artist-royalties: alarm daff-local-artists-artist-royalties-freshness: tags.owner is "
            "'someone-else@example.com', declared 'artists-finance@daff.example'") in lines(out)
    admin("s3").create_bucket(Bucket="not-of-this-stack")  # a change the stack does not hold: read back all the same
    status, out, err = run(capsys, "up", "--local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 0, err
    assert "has answered no change" not in out and "282 AWS resources: 0 created, 0 updated, 282 unchanged" in out
    status, out, err = run(capsys, "up", "--local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 0, err
    assert "has answered no change" in out and "282 AWS resources: 0 created, 0 updated, 282 unchanged" in out


def test_a_change_another_client_makes_while_a_run_reads_is_repaired_by_the_next(deployed, endpoint, admin, capsys, tmp_path, monkeypatch):
    from meshplane.local import up as up_

    applied = up_.applying.apply

    def then_someone_else_writes(*args, **kwargs):
        report = applied(*args, **kwargs)  # every resource read: the write below comes after the bucket's reading
        admin("s3").put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
        return report

    monkeypatch.setattr(up_.applying, "apply", then_someone_else_writes)
    status, out, err = run(capsys, "up", "--local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"), "--refresh")
    assert status == 0, err
    assert json.loads((tmp_path / "local-state.local.json").read_text())["changes"] is None  # not only its own changes
    monkeypatch.setattr(up_.applying, "apply", applied)
    status, out, err = run(capsys, "up", "--local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 0, err
    assert "has answered no change" not in out and "282 AWS resources: 0 created, 1 updated, 281 unchanged" in out
    assert f"bucket versioning {BUCKET}: status is 'Suspended', declared 'Enabled'" in out


def test_an_unfinished_run_or_another_programs_state_reads_everything_back(deployed, endpoint, capsys, tmp_path):
    from meshplane.local import up as up_

    state_file = tmp_path / "local-state.local.json"
    journal = up_.journal_path(tmp_path / "manifests", "local")
    journal.write_text(json.dumps({"run": "killed", "type": "aws:s3/bucket:Bucket", "account": "123456789012", "name": BUCKET}) + "\n")
    status, out, err = run(capsys, "up", "--local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 0, err
    assert "has answered no change" not in out and "0 created, 0 updated, 282 unchanged" in out and not journal.exists()
    state = json.loads(state_file.read_text())
    state_file.write_text(json.dumps({**state, "registrations": "another program's"}))
    status, out, err = run(capsys, "up", "--local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 0, err
    assert "has answered no change" not in out and "0 created, 0 updated, 282 unchanged" in out
    state = json.loads(state_file.read_text())
    state["applied"][0]["inputs"] = {"edited": True}
    state_file.write_text(json.dumps(state))
    status, out, err = run(capsys, "up", "--local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 0, err
    assert "has answered no change" not in out and "0 created, 0 updated, 282 unchanged" in out
    status, out, err = run(capsys, "up", "--local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert "has answered no change" in out  # each of those runs kept the mark: the next reads nothing


def test_another_environment_lands_in_its_own_account_of_the_emulator(endpoint, admin, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    status, out, err = run(capsys, "up", "--local", "--env", "dev", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 0, err
    assert "accounts 111111111111; eu-west-1" in out
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
    royalties = next(p for p in matrix["principals"] if p["role"].endswith(f":role/{CONSUMER_ROLE}"))
    assert royalties["access"]["users/play-events"] == ["decrypt", "list", "read"]
    assert royalties["access"]["artists/artist-royalties"] == ["decrypt", "list", "read", "write"]


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


def test_up_with_its_own_emulator_asks_motos_enforcement_in_process_for_every_pair(endpoint, tmp_path):
    """`up --local --check` started the emulator: moto's own authorization code is asked in this process for every
    principal x product pair (no HTTP request per pair), with the counts each way."""
    from meshplane.local.run import up_local

    said: list[str] = []
    status = up_local(open_project(ROOT, stack="local"), out=tmp_path / "manifests", echo=said.append, then_check=True)
    text = "\n".join(said)
    assert status == 0, text
    found = re.search(r"identity policies of 240 principal x product pairs: (\d+) allowed an action by identity, (\d+) denied every one "
                      r"\(asked in process \(the command started the emulator\), every pair;", text)  # fmt: skip
    assert found and int(found.group(1)) + int(found.group(2)) == 240, text
    assert "not sent" not in text
    from meshplane.local import deployed

    started = re.search(r"started a moto server at (\S+)", text).group(1)  # stopped with the command: it holds nothing any more
    assert not deployed.record_path(started, "local").exists()


def test_motos_own_authorization_answers_in_process_with_an_assumed_roles_credentials(endpoint, admin):
    """The in-process authority is moto's decision, not ours: what the role's policy allows, and a refusal of
    credentials moto never issued."""
    from meshplane.local.moto_authority import Authority, Caller

    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}
    admin("iam").create_role(RoleName="reader", AssumeRolePolicyDocument=json.dumps(trust))
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::some-bucket/*"}]}
    admin("iam").put_role_policy(RoleName="reader", PolicyName="read", PolicyDocument=json.dumps(policy))
    creds = admin("sts").assume_role(RoleArn="arn:aws:iam::123456789012:role/reader", RoleSessionName="test")["Credentials"]
    caller, authority = Caller("123456789012", creds["AccessKeyId"], creds["SessionToken"]), Authority("us-east-1")
    assert authority.allows(caller, "s3:GetObject", "arn:aws:s3:::some-bucket/key", "some-bucket")
    assert not authority.allows(caller, "s3:PutObject", "arn:aws:s3:::some-bucket/key", "some-bucket")
    assert not authority.allows(caller, "s3:GetObject", "arn:aws:s3:::other-bucket/key", "other-bucket")
    with pytest.raises(Exception, match="(?i)invalid|security token|access key"):
        authority.allows(Caller("123456789012", "ASIANOTISSUED", "token"), "s3:GetObject", "arn:aws:s3:::some-bucket/key", "some-bucket")
