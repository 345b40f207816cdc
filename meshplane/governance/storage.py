"""S3 buckets and the separate configuration resources (companions) that secure them.

pulumi-aws 7 configures a bucket through separate resources, each naming its bucket in a `bucket`
input; a check on one bucket must find its companions among all the stack's resources.
"""

from __future__ import annotations

from typing import Sequence

from components import tokens
from meshplane.governance.documents import is_unknown
from meshplane.inventory import Resource

BUCKET_TYPES = (tokens.BUCKET, tokens.BUCKET_V2)
ENCRYPTION_TYPES = (
    tokens.BUCKET_ENCRYPTION,
    tokens.BUCKET_ENCRYPTION_V2,
)
PUBLIC_ACCESS_BLOCK_TYPES = (tokens.BUCKET_PUBLIC_ACCESS,)
POLICY_TYPES = (tokens.BUCKET_POLICY,)
VERSIONING_TYPES = (
    tokens.BUCKET_VERSIONING,
    tokens.BUCKET_VERSIONING_V2,
)


def bucket_name(bucket: Resource) -> str | None:
    name = bucket.inputs.get("bucket")
    return name if isinstance(name, str) and not is_unknown(name) else None


def buckets(resources: Sequence[Resource]) -> list[Resource]:
    return [r for r in resources if r.type in BUCKET_TYPES]


def companions_of(bucket: Resource, resources: Sequence[Resource], types: tuple[str, ...]) -> list[Resource]:
    """The resources of `types` configuring `bucket`: they name it in their `bucket` input.

    When a name is not known (during a preview), a companion sharing the bucket's parent counts,
    provided the parent holds no other bucket.
    """
    name = bucket_name(bucket)
    found = []
    for r in resources:
        if r.type not in types:
            continue
        target = r.inputs.get("bucket")
        if name is not None and target == name:
            found.append(r)
        elif (name is None or not isinstance(target, str) or is_unknown(target)) and _sole_bucket_sibling(bucket, r, resources):
            found.append(r)
    return found


def _sole_bucket_sibling(bucket: Resource, companion: Resource, resources: Sequence[Resource]) -> bool:
    if bucket.parent is None or companion.parent != bucket.parent:
        return False
    return sum(1 for r in resources if r.type in BUCKET_TYPES and r.parent == bucket.parent) == 1
