"""Drift behind the stack's back: every property the program sets, changed through boto3 after `up --local`, is a
located finding of `verify`, and the next `up --local` puts it back (a repointed alias is reported, never followed).

One deployment is tampered with everywhere at once, then verified, repaired and verified again.
"""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.slow

A, B = "123456789012", "210987654321"
PLAYS = "daff-local-users-play-events"  # users/play-events (account A)
PROFILES = "daff-local-users-profile-updates"  # users/profile-updates (account A)
PLAYS_JOB = "daff-local-users-play-events-job"
ROYALTIES_JOB = "daff-local-artists-artist-royalties-job"  # account B
SLOT = "daff-local-artists-artist-royalties-job-reads"
PLAYS_FILE = "domains/users/products/play-events.yaml:1: error: users/play-events: "
PROFILES_FILE = "domains/users/products/profile-updates.yaml:1: error: users/profile-updates: "
USERS_FILE = "domains/users/domain.yaml:1: error: users: "
PODCASTS_FILE = "domains/podcasts/domain.yaml:1: error: podcasts: "
ARTISTS_FILE = "domains/artists/domain.yaml:1: error: artists: "
ROYALTIES_FILE = "domains/artists/products/artist-royalties.yaml:1: error: artists/artist-royalties: "


def errors(text: str) -> list[str]:
    return [line for line in text.splitlines() if ": error: " in line]


def finding(found: list[str], start: str, *fragments: str) -> str:
    """The one finding that starts with `start` (its location, owner and resource) and says every fragment."""
    matching = [line for line in found if line.startswith(start) and all(f in line for f in fragments)]
    assert len(matching) == 1, f"no single finding {start!r} {fragments}, in:\n" + "\n".join(found)
    return matching[0]


def tamper_bucket(s3) -> None:
    s3.put_bucket_encryption(Bucket=PLAYS, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_public_access_block(Bucket=PLAYS, PublicAccessBlockConfiguration={"BlockPublicAcls": False, "IgnorePublicAcls": True,
                                                                              "BlockPublicPolicy": True, "RestrictPublicBuckets": True})  # fmt: skip
    s3.put_bucket_ownership_controls(Bucket=PLAYS, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    s3.put_bucket_versioning(Bucket=PLAYS, VersioningConfiguration={"Status": "Suspended"})
    rules = s3.get_bucket_lifecycle_configuration(Bucket=PROFILES)["Rules"]
    rules[0]["Expiration"]["Days"] = 1
    s3.put_bucket_lifecycle_configuration(Bucket=PROFILES, LifecycleConfiguration={"Rules": rules})
    policy = json.loads(s3.get_bucket_policy(Bucket=PROFILES)["Policy"])
    policy["Statement"] = [s for s in policy["Statement"] if s["Sid"] != "DenyInsecureTransport"]
    s3.put_bucket_policy(Bucket=PROFILES, Policy=json.dumps(policy))
    tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=PROFILES)["TagSet"]}
    s3.put_bucket_tagging(Bucket=PROFILES, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in {**tags, "classification": "public"}.items()]})


def tamper_keys(kms, kms_b) -> str:
    """users' key disabled, unrotated, its policy and tags changed; podcasts' alias pointed at a key nobody declares;
    artists' key scheduled for deletion. Returns the stray key's ID."""
    users = kms.describe_key(KeyId="alias/daff-local-users")["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=users)
    kms.disable_key_rotation(KeyId=users)
    policy = json.loads(kms.get_key_policy(KeyId=users, PolicyName="default")["Policy"])
    policy["Statement"] = [s for s in policy["Statement"] if s["Sid"] != "DenyUseOutsideS3"]
    kms.put_key_policy(KeyId=users, PolicyName="default", Policy=json.dumps(policy))
    kms.tag_resource(KeyId=users, Tags=[{"TagKey": "owner", "TagValue": "someone-else@example.com"}])
    kms.update_key_description(KeyId=users, Description="changed")
    stray = kms.create_key(Description="not the stack's")["KeyMetadata"]["KeyId"]
    kms.update_alias(AliasName="alias/daff-local-podcasts", TargetKeyId=stray)
    kms_b.schedule_key_deletion(KeyId=kms_b.describe_key(KeyId="alias/daff-local-artists")["KeyMetadata"]["KeyId"], PendingWindowInDays=7)
    return stray


def tamper_roles(iam, iam_b) -> None:
    trust = iam.get_role(RoleName=PLAYS_JOB)["Role"]["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    trust["Statement"][0]["Principal"] = {"AWS": "arn:aws:iam::999999999999:root"}
    iam.update_assume_role_policy(RoleName=PLAYS_JOB, PolicyDocument=json.dumps(trust))
    wide = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    iam.put_role_policy(RoleName=PLAYS_JOB, PolicyName="write-own-product", PolicyDocument=json.dumps(wide))
    iam.put_role_policy(RoleName=PLAYS_JOB, PolicyName="backdoor", PolicyDocument=json.dumps(wide))
    iam.tag_role(RoleName=PLAYS_JOB, Tags=[{"Key": "cost-centre", "Value": "nobody"}])
    iam.update_role(RoleName=PLAYS_JOB, Description="changed")
    slot = f"arn:aws:iam::{B}:policy/meshplane/{SLOT}"
    iam_b.detach_role_policy(RoleName=ROYALTIES_JOB, PolicyArn=slot)
    iam_b.create_policy_version(PolicyArn=slot, PolicyDocument=json.dumps(wide), SetAsDefault=True)
    iam_b.tag_policy(PolicyArn=slot, Tags=[{"Key": "owner", "Value": "someone-else@example.com"}])


def tamper_catalog(glue) -> None:
    glue.update_database(Name="daff_local_users", DatabaseInput={"Name": "daff_local_users", "Description": "changed"})
    glue.tag_resource(ResourceArn=f"arn:aws:glue:us-east-1:{A}:database/daff_local_users", TagsToAdd={"owner": "someone-else@example.com"})
    table = glue.get_table(DatabaseName="daff_local_users", Name="play_events")["Table"]
    descriptor = table["StorageDescriptor"]
    descriptor["Location"] = "s3://somewhere-else/"
    descriptor["Columns"] = descriptor["Columns"][1:]  # the first column dropped
    changed = {"Name": "play_events", "TableType": table["TableType"], "Description": "changed", "PartitionKeys": table.get("PartitionKeys", []),
               "Parameters": {**table["Parameters"], "data_classification": "public"}, "StorageDescriptor": descriptor}  # fmt: skip
    glue.update_table(DatabaseName="daff_local_users", TableInput=changed)


def add_strays(s3control, kms, lf) -> None:
    """On the stack's bucket, key and database: an access point, a key grant and a catalog grant nobody declares."""
    s3control.create_access_point(AccountId=A, Name="stray-point", Bucket=PROFILES)
    job = f"arn:aws:iam::{A}:role/{PLAYS_JOB}"
    kms.create_grant(KeyId=kms.describe_key(KeyId="alias/daff-local-users")["KeyMetadata"]["KeyId"], GranteePrincipal=job, Operations=["Decrypt"], Name="stray-grant")
    lf.grant_permissions(CatalogId=A, Principal={"DataLakePrincipalIdentifier": job}, Permissions=["SELECT"],
                         Resource={"Table": {"CatalogId": A, "DatabaseName": "daff_local_users", "Name": "play_events"}})  # fmt: skip


def test_every_property_changed_behind_the_stacks_back_is_found_then_repaired(deployed, endpoint, admin, other, command, tmp_path):
    tamper_bucket(admin("s3"))
    stray = tamper_keys(admin("kms"), other("kms"))
    tamper_roles(admin("iam"), other("iam"))
    tamper_catalog(admin("glue"))
    add_strays(admin("s3control"), admin("kms"), admin("lakeformation"))

    status, out, err = command("verify", "--env", "local", "--endpoint", endpoint)
    assert status == 1
    found = errors(err)
    # the bucket: every configuration the program puts, and its tags
    finding(found, PLAYS_FILE + f"bucket encryption {PLAYS}: ", "algorithm is 'AES256', declared 'aws:kms'")
    finding(found, PLAYS_FILE + f"bucket encryption {PLAYS}: bucketKey is False, declared True")
    finding(found, PLAYS_FILE + f"bucket encryption {PLAYS}: key is None, declared 'arn:aws:kms:us-east-1:{A}:key/")
    finding(found, PLAYS_FILE + f"public access block {PLAYS}: ", "blockPublicAcls is False, declared True")
    finding(found, PLAYS_FILE + f"bucket ownership {PLAYS}: ", "objectOwnership is 'ObjectWriter', declared 'BucketOwnerEnforced'")
    finding(found, PLAYS_FILE + f"bucket versioning {PLAYS}: ", "status is 'Suspended', declared 'Enabled'")
    finding(found, PROFILES_FILE + f"bucket lifecycle {PROFILES}: rules[retention].Expiration.Days is 1, declared ")
    finding(found, PROFILES_FILE + f"bucket policy {PROFILES}: policy.Statement[DenyInsecureTransport] is absent, declared ")
    finding(found, PROFILES_FILE + f"bucket {PROFILES}: tags.classification is 'public', declared ")
    # the keys: state, rotation, policy, tags; an alias pointed elsewhere; a key scheduled for deletion
    finding(found, USERS_FILE + "KMS key alias/daff-local-users: ", "state is 'Disabled', declared 'Enabled'")
    finding(found, USERS_FILE + "KMS key alias/daff-local-users: ", "rotation is False, declared True")
    finding(found, USERS_FILE + "KMS key alias/daff-local-users: policy.Statement[DenyUseOutsideS3] is absent, declared ")
    finding(found, USERS_FILE + "KMS key alias/daff-local-users: tags.owner is 'someone-else@example.com', declared ")
    finding(found, USERS_FILE + "KMS key alias/daff-local-users: description is 'changed', declared 'Data of domain users'")
    finding(found, PODCASTS_FILE + "KMS alias alias/daff-local-podcasts: ", f"target is '{stray} (a key this stack did not create; its tags: {{}})', declared '")
    finding(found, ARTISTS_FILE + "KMS key alias/daff-local-artists: ", "state is 'PendingDeletion', declared 'Enabled'")
    assert len([f for f in found if f.startswith("domains/podcasts/products/") and "bucket encryption" in f and f"key/{stray}" in f]) == 3
    # the roles: trust, inline policies (one changed, one added), attached policies, tags; the managed policy itself
    finding(found, PLAYS_FILE + f"role {PLAYS_JOB}: trust.Statement[EksPodIdentity].Principal.AWS is 'arn:aws:iam::999999999999:root', declared absent")
    finding(found, PLAYS_FILE + f"role {PLAYS_JOB}: inline policies is [\"backdoor\", \"write-own-product\"], declared [\"write-own-product\"]")
    finding(found, PLAYS_FILE + f"role {PLAYS_JOB}: tags.cost-centre is 'nobody', declared absent")
    finding(found, PLAYS_FILE + f"role {PLAYS_JOB}: description is 'changed', declared ")
    finding(found, PLAYS_FILE + "inline policy write-own-product: policy.Statement[#0] is {\"Action\": \"s3:*\"", "policy.Statement[OwnList] is absent")
    finding(found, ROYALTIES_FILE + f"attached policies {ROYALTIES_JOB}: attached policies is [], declared [\"arn:aws:iam::{B}:policy/meshplane/{SLOT}\"]")
    finding(found, ROYALTIES_FILE + f"managed policy {SLOT}: policy.Statement[#0] is {{\"Action\": \"s3:*\"", "policy.Statement[ReadInputsThroughAccessPoints] is absent")
    finding(found, ROYALTIES_FILE + f"managed policy {SLOT}: tags.owner is 'someone-else@example.com', declared ")
    # the catalog: the database's description and tags, the table's columns, location and parameters
    finding(found, USERS_FILE + "Glue database daff_local_users: description is 'changed', declared ")
    finding(found, USERS_FILE + "Glue database daff_local_users: tags.owner is 'someone-else@example.com', declared ")
    finding(found, PLAYS_FILE + "Glue table daff_local_users.play_events: columns is ")
    finding(found, PLAYS_FILE + "Glue table daff_local_users.play_events: location is 's3://somewhere-else/', declared 's3://daff-local-users-play-events/'")
    finding(found, PLAYS_FILE + "Glue table daff_local_users.play_events: parameters.data_classification is 'public', declared ")
    finding(found, PLAYS_FILE + "Glue table daff_local_users.play_events: description is 'changed', declared ")
    # what sits on the stack's resources and nobody declares
    finding(found, PROFILES_FILE + f"bucket {PROFILES}: access point stray-point on it is not declared (in account {A})")
    finding(found, USERS_FILE + "KMS key alias/daff-local-users: key grant stray-grant on it is not declared")
    finding(found, USERS_FILE + f"Glue database daff_local_users: catalog grant to arn:aws:iam::{A}:role/{PLAYS_JOB} on daff_local_users.play_events on it")
    assert len(found) == 36  # each one asserted above (the podcasts buckets' three encryption findings counted): nothing else

    status, out, err = command("up", "--local", "--env", "local", "--endpoint", endpoint, "--out", str(tmp_path / "manifests"))
    assert status == 0, err
    note = next(line for line in out.splitlines() if line.startswith("note: podcasts: KMS key alias/daff-local-podcasts: "))
    assert f"the alias named key {stray}, which this stack did not create" in note and "not adopted" in note
    assert " AWS resources: 0 created, " in out  # nothing made again: every resource adopted, the podcasts key found by its tags
    assert f"  updated users/play-events: bucket versioning {PLAYS}: status is 'Suspended', declared 'Enabled'" in out.splitlines()
    assert (f"  updated artists/artist-royalties: attached policies {ROYALTIES_JOB}: attached policies is [], "
            f"declared [\"arn:aws:iam::{B}:policy/meshplane/{SLOT}\"]") in out.splitlines()
    assert "inline policy daff-local-users-play-events-job/backdoor" in out
    assert all(stray in out for stray in ("access point stray-point", "key grant stray-grant", f"catalog grant to arn:aws:iam::{A}:role/{PLAYS_JOB}"))
    status, out, err = command("verify", "--env", "local", "--endpoint", endpoint)
    assert (status, errors(err)) == (0, []), err
    assert admin("kms").describe_key(KeyId=stray)["KeyMetadata"]["KeyState"] == "Enabled"  # left alone: not the stack's


def test_a_removed_products_resources_are_reported_as_no_longer_declared(deployed, endpoint, project, command, monkeypatch):
    (project / "domains/artists/products/artist-royalties.yaml").unlink()
    plays = project / "domains/users/products/play-events.yaml"
    plays.write_text(plays.read_text().replace("  - artists/artist-royalties\n", ""))
    monkeypatch.chdir(project)
    status, out, err = command("verify", "--env", "local", "--endpoint", endpoint)
    assert status == 1
    found = errors(err)
    gone = ARTISTS_FILE.replace("artists: ", "artists/artist-royalties: ")  # its file is gone: its domain's
    for what in ("bucket daff-local-artists-artist-royalties", f"role {ROYALTIES_JOB}", f"managed policy {SLOT}"):
        finding(found, f"{gone}{what}: is no longer declared (in account {B}): remove it, or declare it again")
    finding(found, f"{ARTISTS_FILE}Glue table daff_local_artists.artist_royalties: is no longer declared (in account {B})")
