"""IAM, S3, KMS documents as plain Python data: pure functions, least privilege, readable by tests.

Consent is enforced on both sides, each in its own quantum (docs/access.md):
- the producer's side at its data: the bucket policy denies every read that does not come through one
  of the product's access points (one per agreement, naming the one consumer it serves) or from the
  domain's own principals; the domain key's policy gives no use to IAM, so decryption needs a grant
  (one per agreement) and only ever happens through S3;
- the consumer's side in its identity: a job's policies name the access points it declared, a domain's
  readers' policies name the catalog tables its products declared.
Principals are named in conditions (`aws:PrincipalArn`), never in a `Principal` element, so no document
needs another stack's role to exist, and a role deleted and created again keeps its agreements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

VERSION = "2012-10-17"
READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion"]
WRITE_ACTIONS = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
LIST_ACTIONS = ["s3:ListBucket", "s3:GetBucketLocation"]
# what the producer's resource policies withhold: every object read and listing, every object write
OBJECT_READS, LISTINGS = ["s3:GetObject*"], ["s3:ListBucket*"]
DATA_READS = OBJECT_READS + LISTINGS
DATA_WRITES = ["s3:PutObject*", "s3:DeleteObject*", "s3:AbortMultipartUpload", "s3:RestoreObject"]
ACCESS_POINT_READS = ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"]
CATALOG_READS = ["glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"]
CATALOG_DATABASES = ["glue:GetCatalog", "glue:GetDatabase", "glue:GetDatabases"]
CATALOG_BROWSE = [*CATALOG_DATABASES, "glue:GetTables"]
KEY_USE = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"]
# the account (the deployer, through IAM) administers the key; using it takes the key policy or a grant
KEY_ADMINISTRATION = [
    "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:CreateGrant", "kms:DeleteAlias", "kms:DescribeKey", "kms:DisableKey",
    "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
    "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:RetireGrant", "kms:RevokeGrant",
    "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias", "kms:UpdateKeyDescription",
]  # fmt: skip
# what the producer's bucket policy keeps to the deployer: the bucket's policy, encryption, ownership and public access
BUCKET_ADMINISTRATION = [
    "s3:DeleteBucketPolicy", "s3:PutBucketOwnershipControls", "s3:PutBucketPolicy", "s3:PutBucketPublicAccessBlock", "s3:PutEncryptionConfiguration",
]  # fmt: skip
RESULTS_NAMESPACE = "meshplane/quality"  # the CloudWatch namespace where the quality role counts the results it writes
QUALITY_RESULTS = "_meshplane/quality/"  # where a domain's quality role writes its results, in each of its products' buckets
OWN_KEY_OPERATIONS = ["Decrypt", "Encrypt", "GenerateDataKey"]  # a job's grant on its domain's key, for its own product
READ_KEY_OPERATIONS = ["Decrypt"]  # a consumer's grant on the producer's domain key


@dataclass(frozen=True)
class Location:
    """Where a product's data lives: its bucket and the alias of the key that encrypts it."""

    bucket: str
    key_alias: str
    region: str
    account: str

    @property
    def bucket_arn(self) -> str:
        return f"arn:aws:s3:::{self.bucket}"

    @property
    def key_alias_arn(self) -> str:
        """S3 encrypts with the key behind the alias: deterministic, so no stack needs another's key ID."""
        return f"arn:aws:kms:{self.region}:{self.account}:{self.key_alias}"

    @property
    def keys_arn(self) -> str:
        return f"arn:aws:kms:{self.region}:{self.account}:key/*"

    @property
    def via_s3(self) -> str:
        """`kms:ViaService` when S3 calls KMS on a reader's behalf."""
        return f"s3.{self.region}.amazonaws.com"

    @property
    def encryption_context(self) -> dict[str, str]:
        """What S3 sends KMS with bucket keys on: the bucket's ARN."""
        return {"aws:s3:arn": self.bucket_arn}

    def access_point_arn(self, name: str) -> str:
        return f"arn:aws:s3:{self.region}:{self.account}:accesspoint/{name}"


@dataclass(frozen=True)
class DomainPrincipals:
    """The roles a product's own domain reads it with, besides its job (which writes it)."""

    readers: str  # the domain's people
    lakeformation: str  # the role Lake Formation reads registered locations with, for queries it authorises
    quality: str | None = None  # the role that evaluates the domain's quality rules: it writes results under QUALITY_RESULTS


@dataclass(frozen=True)
class Administrators:
    """Who administers an account's data: the role that deploys the account, and its break-glass role."""

    deployer: str
    break_glass: str

    @property
    def arns(self) -> list[str]:
        return sorted([self.deployer, self.break_glass])


def _statement(sid: str, effect: str, actions: list[str] | str, resources: list[str] | str, **extra) -> dict:
    return {"Sid": sid, "Effect": effect, **({"Principal": extra.pop("principal")} if "principal" in extra else {}),
            "Action": actions, "Resource": resources, **extra}  # fmt: skip


def document(*statements: dict) -> dict:
    return {"Version": VERSION, "Statement": list(statements)}


# trust ----------------------------------------------------------------------------------------------


def pod_identity_trust() -> dict:
    """Trust for EKS Pod Identity: constant, whatever the cluster (IRSA would grow per cluster)."""
    return document(
        {"Sid": "EksPodIdentity", "Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}
    )


def broker_trust(broker: str) -> dict:
    """Trust for a job whose domain lives in another account than the cluster: EKS Pod Identity reaches it by
    chaining from the domain's broker role in the cluster's account (the association's target role)."""
    return document({"Sid": "PodIdentityBroker", "Effect": "Allow", "Principal": {"AWS": broker}, "Action": ["sts:AssumeRole", "sts:TagSession"]})


def broker_policy(job_roles: str) -> dict:
    """The broker may chain into its domain's job roles (each trusts its own domain's broker only)."""
    return document(_statement("ChainToTheDomainsJobs", "Allow", ["sts:AssumeRole", "sts:TagSession"], job_roles))


def people_trust(account: str) -> dict:
    """Trust for a domain's people: principals of the account, through SSO or federation, with MFA."""
    return document(
        {
            "Sid": "AccountPrincipalsWithMfa",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        }
    )


def lakeformation_trust() -> dict:
    """Trust for the role Lake Formation reads a domain's registered locations with."""
    return document({"Sid": "LakeFormation", "Effect": "Allow", "Principal": {"Service": "lakeformation.amazonaws.com"}, "Action": "sts:AssumeRole"})


# the producer's side --------------------------------------------------------------------------------


def bucket_policy(own: Location, job: str, domain: DomainPrincipals, access_points: str, admins: Administrators) -> dict:
    """The producer's consent, enforced at its data, constant in size whatever the number of agreements.

    TLS only; reads only through the product's access points (`access_points`: their ARN pattern) or by the
    domain's own principals; listings by those and by the administrators too (the deployer's provider reads the
    bucket with HeadBucket, which S3 authorizes as s3:ListBucket; it reads no object); writes by the job alone. The
    access points decide who reads through them. Only the deployer (and the break-glass role) changes the bucket's
    policy, encryption, ownership or public access block.
    """
    bucket, objects = own.bucket_arn, f"{own.bucket_arn}/*"
    own_readers = [domain.readers, domain.lakeformation]
    return document(
        _statement("DenyInsecureTransport", "Deny", "s3:*", [bucket, objects], principal="*",
                   Condition={"Bool": {"aws:SecureTransport": "false"}}),
        _statement("DenyReadsOutsideAgreements", "Deny", OBJECT_READS, objects, principal="*",
                   Condition={"StringNotLike": {"s3:DataAccessPointArn": access_points},
                              "ArnNotEquals": {"aws:PrincipalArn": sorted([job, *own_readers])}}),
        _statement("DenyListingsOutsideAgreements", "Deny", LISTINGS, bucket, principal="*",
                   Condition={"StringNotLike": {"s3:DataAccessPointArn": access_points},
                              "ArnNotEquals": {"aws:PrincipalArn": sorted([job, *own_readers, *admins.arns])}}),
        _statement("DenyWritesButTheJob", "Deny", DATA_WRITES, objects, principal="*",
                   Condition={"ArnNotEquals": {"aws:PrincipalArn": sorted([job, domain.quality]) if domain.quality else job}}),
        *([{"Sid": "DenyQualityWritesButResults", "Effect": "Deny", "Principal": "*", "Action": DATA_WRITES,
            "NotResource": f"{bucket}/{QUALITY_RESULTS}*", "Condition": {"ArnEquals": {"aws:PrincipalArn": domain.quality}}}] if domain.quality else []),
        _statement("DelegateToAgreements", "Allow", ACCESS_POINT_READS, [bucket, objects], principal="*",
                   Condition={"StringLike": {"s3:DataAccessPointArn": access_points}}),
        _statement("AllowTheDomainToRead", "Allow", READ_ACTIONS + LIST_ACTIONS, [bucket, objects], principal="*",
                   Condition={"ArnEquals": {"aws:PrincipalArn": sorted(own_readers)}}),
        _statement("DenyAdministrationButTheDeployer", "Deny", BUCKET_ADMINISTRATION, bucket, principal="*",
                   Condition={"ArnNotEquals": {"aws:PrincipalArn": admins.arns}}),
    )  # fmt: skip


def access_point_policy(access_point: str, consumer: str, consumer_account: str) -> dict:
    """One agreement: the one consumer reads through this access point, with its own identity's consent too
    (the account principal delegates to the consumer's IAM); every other principal is denied."""
    resources = [access_point, f"{access_point}/object/*"]
    return document(
        _statement("AllowTheConsumer", "Allow", ACCESS_POINT_READS, resources, principal={"AWS": f"arn:aws:iam::{consumer_account}:root"},
                   Condition={"ArnEquals": {"aws:PrincipalArn": consumer}}),
        _statement("DenyEveryoneElse", "Deny", DATA_READS + DATA_WRITES, resources, principal="*",
                   Condition={"ArnNotEquals": {"aws:PrincipalArn": consumer}}),
    )  # fmt: skip


def _key_administration(account: str, admins: Administrators) -> list[dict]:
    """A key's administration: its account's deployer, and the break-glass role (named in a condition, so the key needs
    no break-glass role to exist), never the account as a whole."""
    return [
        _statement("KeyAdministration", "Allow", KEY_ADMINISTRATION, "*", principal={"AWS": admins.deployer}),
        _statement("BreakGlassAdministration", "Allow", KEY_ADMINISTRATION, "*", principal={"AWS": f"arn:aws:iam::{account}:root"},
                   Condition={"ArnEquals": {"aws:PrincipalArn": admins.break_glass}}),
    ]  # fmt: skip


def key_policy(account: str, region: str, domain: DomainPrincipals, admins: Administrators) -> dict:
    """A domain key that IAM alone cannot open: the account's deployer administers it (the break-glass role too, when
    its own policies allow it), not the account, so no other principal of the account can be given a grant or change
    the policy; its readers and Lake Formation decrypt through S3; jobs and agreed consumers decrypt through grants;
    nobody uses it outside S3."""
    via_s3 = f"s3.{region}.amazonaws.com"
    return document(
        *_key_administration(account, admins),
        _statement("DomainReadsThroughS3", "Allow", ["kms:Decrypt"], "*", principal="*",
                   Condition={"StringEquals": {"kms:ViaService": via_s3, "kms:CallerAccount": account},
                              "ArnEquals": {"aws:PrincipalArn": sorted([domain.readers, domain.lakeformation])}}),
        _statement("DenyUseOutsideS3", "Deny", KEY_USE, "*", principal="*", Condition={"StringNotEquals": {"kms:ViaService": via_s3}}),
    )  # fmt: skip


# the consumer's side --------------------------------------------------------------------------------


def job_policy(own: Sequence[Location], input_key_accounts: Sequence[str] = ()) -> dict:
    """A job writes its own product (each major version it serves); it reads its inputs through the access points its
    slots name. Keys of another account also need the job's own consent to be used through S3 (cross-account)."""
    buckets = [loc.bucket_arn for loc in own]
    statements = [
        _statement("OwnList", "Allow", LIST_ACTIONS, buckets[0] if len(buckets) == 1 else buckets),
        _statement("OwnReadWrite", "Allow", READ_ACTIONS + WRITE_ACTIONS, f"{buckets[0]}/*" if len(buckets) == 1 else [f"{b}/*" for b in buckets]),
    ]
    if input_key_accounts:
        keys = [f"arn:aws:kms:{own[0].region}:{a}:key/*" for a in sorted(set(input_key_accounts))]
        statements.append(_statement("InputKeysThroughS3", "Allow", ["kms:Decrypt"], keys, Condition={"StringEquals": {"kms:ViaService": own[0].via_s3}}))
    return document(*statements)


def readers_policy(account: str, region: str, database: str) -> dict:
    """What a domain's people need besides their agreements: their own database, the databases of the catalogs they
    read from (Lake Formation shows only what it granted), and Lake Formation's data access (which vends only what
    Lake Formation granted)."""
    own = f"arn:aws:glue:{region}:{account}"
    return document(
        _statement("OwnCatalog", "Allow", CATALOG_READS + CATALOG_BROWSE, [f"{own}:catalog", f"{own}:database/{database}", f"{own}:table/{database}/*"]),
        _statement("BrowseCatalogs", "Allow", CATALOG_DATABASES, catalog_levels(region)),
        _statement("QueryThroughLakeFormation", "Allow", ["lakeformation:GetDataAccess"], "*"),
    )  # fmt: skip


def access_point_reads(resources: list[str]) -> dict:
    """The statement of a job's slot: the access points of its agreements (and the buckets behind them)."""
    return _statement("ReadInputsThroughAccessPoints", "Allow", ACCESS_POINT_READS, sorted(resources))


def catalog_levels(region: str) -> list[str]:
    """The catalog and database levels of any account: reading a table takes all three levels, and the table level
    (one ARN per agreement) is the scope."""
    return [f"arn:aws:glue:{region}:*:catalog", f"arn:aws:glue:{region}:*:database/*"]


def catalog_reads(resources: list[str]) -> dict:
    """The statement of a readers' slot: the catalog tables of the domain's agreements."""
    region = resources[0].split(":")[3]
    return _statement("ReadAgreedTables", "Allow", CATALOG_READS, sorted(resources) + catalog_levels(region))


# monitoring -----------------------------------------------------------------------------------------

QUALITY_RUNS = ["glue:StartDataQualityRulesetEvaluationRun", "glue:GetDataQualityRuleset", "glue:GetDataQualityRulesetEvaluationRun",
                "glue:GetDataQualityResult", "glue:PublishDataQuality"]  # fmt: skip


def quality_trust(account: str, deployer: str | None) -> dict:
    """Who may act as a domain's quality role: EventBridge Scheduler and Glue for the account's own schedules and
    evaluations, and the stack's deployer (the CI role that runs `meshplane test`), or the account's principals with MFA."""
    own = {"StringEquals": {"aws:SourceAccount": account}}
    person = ({"Sid": "Deployer", "Effect": "Allow", "Principal": {"AWS": deployer}, "Action": "sts:AssumeRole"} if deployer else
              {"Sid": "AccountPrincipalsWithMfa", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole",
               "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})  # fmt: skip
    return document(
        {"Sid": "Scheduler", "Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": own},
        {"Sid": "GlueDataQuality", "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": own},
        person,
    )


def quality_policy(access_points: str, buckets: Sequence[str], database: str, role_arn: str, region: str, account: str) -> dict:
    """A domain's quality role reads its domain's products the way a consumer does: through the access points made for it
    (`access_points`: their ARN pattern), decrypting with their key grants, and their tables through Lake Formation; it
    writes results under QUALITY_RESULTS of those buckets (`buckets`: their ARNs, or a pattern) and counts them in
    RESULTS_NAMESPACE (the freshness alarms take them off the writes), and starts the
    evaluations of its rulesets as itself."""
    glue = f"arn:aws:glue:{region}:{account}"
    catalog = [f"{glue}:catalog", f"{glue}:database/{database}", f"{glue}:table/{database}/*"]
    return document(
        _statement("ReadThroughItsAccessPoints", "Allow", ACCESS_POINT_READS, [access_points, f"{access_points}/object/*", *buckets, *(f"{b}/*" for b in buckets)]),
        _statement("WriteResults", "Allow", ["s3:PutObject"], [f"{b}/{QUALITY_RESULTS}*" for b in buckets]),
        _statement("CountResults", "Allow", ["cloudwatch:PutMetricData"], "*",
                   Condition={"StringEquals": {"cloudwatch:namespace": RESULTS_NAMESPACE}}),  # PutMetricData takes no resource
        _statement("ReadOwnCatalog", "Allow", CATALOG_READS + CATALOG_DATABASES, catalog),
        _statement("QueryThroughLakeFormation", "Allow", ["lakeformation:GetDataAccess"], "*"),
        _statement("RunEvaluations", "Allow", QUALITY_RUNS, [f"{glue}:dataQualityRuleset/*", *catalog]),
        _statement("PassItselfToGlue", "Allow", ["iam:PassRole"], role_arn, Condition={"StringEquals": {"iam:PassedToService": "glue.amazonaws.com"}}),
    )  # fmt: skip


def alerts_key_policy(account: str, admins: Administrators) -> dict:
    """The key of a domain's alerts topic: the account's deployer administers it (as the data key), the account uses it
    through SNS; CloudWatch and EventBridge (of that account alone) may use it to publish to the topic."""
    return document(
        *_key_administration(account, admins),
        _statement("AccountUsesItThroughSns", "Allow", ["kms:Decrypt", "kms:GenerateDataKey"], "*", principal={"AWS": f"arn:aws:iam::{account}:root"},
                   Condition={"StringLike": {"kms:ViaService": "sns.*.amazonaws.com"}}),
        _statement("AlarmsAndEventsPublish", "Allow", ["kms:Decrypt", "kms:GenerateDataKey"], "*",
                   principal={"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]},
                   Condition={"StringEquals": {"aws:SourceAccount": account}}),
    )  # fmt: skip


def topic_policy(topic_arn: str, account: str, region: str, rule_arn: str) -> dict:
    """Only the account's CloudWatch alarms and its failed-evaluation rule publish to a domain's alerts topic; the
    account administers it and subscribes to it."""
    return document(
        _statement("AccountAdministers", "Allow", ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission",
                                                    "sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic"], topic_arn,
                   principal={"AWS": f"arn:aws:iam::{account}:root"}),
        _statement("AlarmsPublish", "Allow", "sns:Publish", topic_arn, principal={"Service": "cloudwatch.amazonaws.com"},
                   Condition={"ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:{region}:{account}:alarm:*"}, "StringEquals": {"aws:SourceAccount": account}}),
        _statement("FailedEvaluationsPublish", "Allow", "sns:Publish", topic_arn, principal={"Service": "events.amazonaws.com"},
                   Condition={"ArnEquals": {"aws:SourceArn": rule_arn}, "StringEquals": {"aws:SourceAccount": account}}),
    )  # fmt: skip
