"""IAM documents as plain Python data: pure functions, least privilege, readable by tests.

KMS keys have random IDs, so a key is reached through the bucket it encrypts (`kms:ViaService` and the S3
encryption context), which keeps every document deterministic and lets a domain stack grant a key it
does not manage.
"""

from __future__ import annotations

from dataclasses import dataclass

VERSION = "2012-10-17"
READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion"]
WRITE_ACTIONS = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
LIST_ACTIONS = ["s3:ListBucket", "s3:GetBucketLocation"]


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


def pod_identity_trust() -> dict:
    """Trust for EKS Pod Identity: constant, whatever the cluster (NOTES: IRSA would grow per cluster)."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "EksPodIdentity",
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
            }
        ],
    }


def people_trust(account: str) -> dict:
    """Trust for a domain's people: principals of the account, through SSO or federation, with MFA."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "AccountPrincipalsWithMfa",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            }
        ],
    }


def _key_use(sid: str, loc: Location, actions: list[str]) -> dict:
    """KMS use only through S3 and only for this bucket's objects: the encryption context names the bucket
    (with bucket keys on, it is the bucket's ARN), so the statement reaches exactly the key that bucket uses."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": actions,
        "Resource": loc.keys_arn,
        "Condition": {
            "StringEquals": {"kms:ViaService": f"s3.{loc.region}.amazonaws.com"},
            "StringLike": {"kms:EncryptionContext:aws:s3:arn": [loc.bucket_arn, f"{loc.bucket_arn}/*"]},
        },
    }


def read_statements(sid: str, loc: Location) -> list[dict]:
    """Read one product: list its bucket, get its objects, decrypt with its domain's key through S3."""
    return [
        {"Sid": f"{sid}List", "Effect": "Allow", "Action": LIST_ACTIONS, "Resource": loc.bucket_arn},
        {"Sid": f"{sid}Get", "Effect": "Allow", "Action": READ_ACTIONS, "Resource": f"{loc.bucket_arn}/*"},
        _key_use(f"{sid}Decrypt", loc, ["kms:Decrypt"]),
    ]


def job_policy(own: Location) -> dict:
    """A job writes its own product (inputs are read through grants, one policy each)."""
    return {
        "Version": VERSION,
        "Statement": [
            {"Sid": "OwnList", "Effect": "Allow", "Action": LIST_ACTIONS, "Resource": own.bucket_arn},
            {"Sid": "OwnReadWrite", "Effect": "Allow", "Action": READ_ACTIONS + WRITE_ACTIONS, "Resource": f"{own.bucket_arn}/*"},
            _key_use("OwnKey", own, ["kms:Decrypt", "kms:GenerateDataKey"]),
        ],
    }


def read_policy(producer: Location) -> dict:
    """A grant, on the consumer's side: read one producer's product."""
    return {"Version": VERSION, "Statement": read_statements("Read", producer)}


def bucket_policy(own: Location, readers: list[str]) -> dict:
    """TLS only, and the producer's side of the handshake: the roles it allowlists for reading."""
    statements: list[dict] = [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [own.bucket_arn, f"{own.bucket_arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]
    if readers:
        statements.append(
            {
                "Sid": "AllowAgreedReaders",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{own.account}:root"},
                "Action": READ_ACTIONS + LIST_ACTIONS,
                "Resource": [own.bucket_arn, f"{own.bucket_arn}/*"],
                "Condition": {"ArnEquals": {"aws:PrincipalArn": sorted(readers)}},
            }
        )
    return {"Version": VERSION, "Statement": statements}
