"""A product's storage: its bucket, encrypted with its domain's key, private, versioned, expiring, and its policy."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from components import tokens
from components.policies import Administrators, DomainPrincipals, Location, bucket_policy
from components.spec import Child

FORMER_PARENT = "meshplane:index:ProductStorage"


@dataclass(frozen=True)
class ProductStorageArgs:
    location: Location  # the bucket's name and the alias of the domain key that encrypts it
    retention_days: int  # current objects expire this many days after they were written
    noncurrent_days: int  # a version that stopped being current (replaced, deleted, expired) goes this many days later
    job_role_arn: str  # the only writer
    domain: DomainPrincipals  # the domain's own readers
    access_points: str  # the ARN pattern of the product's access points (one per agreement)
    admins: Administrators  # the only principals that change the bucket's policy, encryption and ownership
    force_destroy: bool = False  # both keys for destroying data are turned
    tags: Mapping[str, str] = field(default_factory=dict)


def storage_children(args: ProductStorageArgs) -> list[Child]:
    loc = args.location
    bucket = {"bucket": loc.bucket}
    policy = bucket_policy(loc, args.job_role_arn, args.domain, args.access_points, args.admins)
    return [
        Child(tokens.BUCKET, "bucket", {"bucket": loc.bucket, "force_destroy": args.force_destroy, "tags": dict(args.tags)}, stateful=True),
        Child(tokens.BUCKET_OWNERSHIP, "ownership", {**bucket, "rule": {"objectOwnership": "BucketOwnerEnforced"}}, after=["bucket"]),
        Child(
            tokens.BUCKET_PUBLIC_ACCESS,
            "public-access",
            {**bucket, "block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True, "restrict_public_buckets": True},
            after=["bucket"],
        ),
        Child(
            tokens.BUCKET_ENCRYPTION,
            "encryption",
            {
                **bucket,
                "rules": [
                    {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": loc.key_alias_arn}, "bucketKeyEnabled": True}
                ],
            },
            after=["bucket"],
        ),
        Child(tokens.BUCKET_VERSIONING, "versioning", {**bucket, "versioning_configuration": {"status": "Enabled"}}, after=["bucket"]),
        Child(tokens.BUCKET_LIFECYCLE, "lifecycle", {**bucket, "rules": lifecycle_rules(args.retention_days, args.noncurrent_days)}, after=["versioning"]),
        # a policy put before the block would be judged against a bucket still open to public policies
        Child(tokens.BUCKET_POLICY, "policy", {**bucket, "policy": json.dumps(policy)}, after=["public-access"]),
    ]


def lifecycle_rules(retention_days: int, noncurrent_days: int) -> list[dict]:
    """Retention means what it says: an object expires `retention_days` after it was written, and a version that stops
    being current (replaced, deleted or expired) is deleted for good `noncurrent_days` later, so no byte outlives its
    retention by more than `noncurrent_days`; a delete marker left with no version behind it is removed, and an upload
    never completed is aborted."""
    whole_bucket = {"status": "Enabled", "filter": {"prefix": ""}}
    return [
        {
            "id": "retention",
            **whole_bucket,
            "expiration": {"days": retention_days},
            "noncurrentVersionExpiration": {"noncurrentDays": noncurrent_days},
            "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7},
        },
        # S3 refuses `expiredObjectDeleteMarker` beside `days` in one expiration, so the markers get a rule of their own
        {"id": "expired-delete-markers", **whole_bucket, "expiration": {"expiredObjectDeleteMarker": True}},
    ]
