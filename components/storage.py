"""ProductStorage: the product's bucket, encrypted with its domain's key, private, versioned, expiring."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import pulumi
import pulumi_aws as aws

from components.base import DataProtection, Quantum
from components.policies import Location, bucket_policy


@dataclass(frozen=True)
class ProductStorageArgs:
    location: Location  # the bucket's name and the alias of the domain key that encrypts it
    retention_days: int  # objects (and old versions) expire after this many days
    readers: Sequence[str] = ()  # role ARNs the producer allowlists (its side of the handshake)
    protection: DataProtection = DataProtection.protected
    tags: Mapping[str, str] = field(default_factory=dict)


class ProductStorage(Quantum):
    TOKEN = "meshplane:index:ProductStorage"

    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]

    def __init__(self, name: str, args: ProductStorageArgs, previous: Sequence[str] = (), opts: pulumi.ResourceOptions | None = None):
        super().__init__(self.TOKEN, name, previous, opts)
        loc = args.location
        bucket = aws.s3.Bucket(
            self.child_name("bucket"),
            bucket=loc.bucket,
            force_destroy=args.protection is DataProtection.disposable,
            tags=dict(args.tags),
            opts=self.child("bucket", args.protection),
        )
        aws.s3.BucketOwnershipControls(
            self.child_name("ownership"),
            bucket=bucket.bucket,
            rule={"object_ownership": "BucketOwnerEnforced"},
            opts=self.child("ownership"),
        )
        block = aws.s3.BucketPublicAccessBlock(
            self.child_name("public-access"),
            bucket=bucket.bucket,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=self.child("public-access"),
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            self.child_name("encryption"),
            bucket=bucket.bucket,
            rules=[
                {
                    "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": loc.key_alias_arn},
                    "bucket_key_enabled": True,
                }
            ],
            opts=self.child("encryption"),
        )
        versioning = aws.s3.BucketVersioning(
            self.child_name("versioning"),
            bucket=bucket.bucket,
            versioning_configuration={"status": "Enabled"},
            opts=self.child("versioning"),
        )
        aws.s3.BucketLifecycleConfiguration(
            self.child_name("lifecycle"),
            bucket=bucket.bucket,
            rules=[
                {
                    "id": "retention",
                    "status": "Enabled",
                    "filter": {"prefix": ""},
                    "expiration": {"days": args.retention_days},
                    "noncurrent_version_expiration": {"noncurrent_days": args.retention_days},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
                }
            ],
            opts=self.child("lifecycle", depends_on=[versioning]),
        )
        aws.s3.BucketPolicy(
            self.child_name("policy"),
            bucket=bucket.bucket,
            policy=json.dumps(bucket_policy(loc, list(args.readers))),
            # a policy put before the block would be judged against a bucket still open to public policies
            opts=self.child("policy", depends_on=[block]),
        )
        self.bucket_name = bucket.bucket
        self.bucket_arn = bucket.arn
        self.register_outputs({"bucket_name": self.bucket_name, "bucket_arn": self.bucket_arn})
