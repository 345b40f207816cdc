"""S3 buckets and the separate configuration resources (companions) that secure them.

pulumi-aws 7 configures a bucket through separate resources, each naming its bucket in a `bucket`
input; a check on one bucket must find its companions among all the stack's resources. They are
indexed once per resource list (by bucket name, and by parent for a preview's unknown names), so the
bucket rules stay linear in the number of resources.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from components import tokens
from meshplane.cloud.documents import is_unknown
from meshplane.cloud.inventory import Resource

BUCKET_TYPES = (tokens.BUCKET, tokens.BUCKET_V2)
ENCRYPTION_TYPES = (tokens.BUCKET_ENCRYPTION, tokens.BUCKET_ENCRYPTION_V2)
PUBLIC_ACCESS_BLOCK_TYPES = (tokens.BUCKET_PUBLIC_ACCESS,)
POLICY_TYPES = (tokens.BUCKET_POLICY,)
VERSIONING_TYPES = (tokens.BUCKET_VERSIONING, tokens.BUCKET_VERSIONING_V2)
COMPANION_TYPES = frozenset(ENCRYPTION_TYPES + PUBLIC_ACCESS_BLOCK_TYPES + POLICY_TYPES + VERSIONING_TYPES)


def bucket_name(bucket: Resource) -> str | None:
    name = bucket.inputs.get("bucket")
    return name if isinstance(name, str) and not is_unknown(name) else None


class Index:
    """The buckets of a resource list and, per bucket name and per parent, their companions."""

    def __init__(self, resources: Sequence[Resource]):
        self.buckets = [r for r in resources if r.type in BUCKET_TYPES]
        self.by_name: dict[str, list[Resource]] = defaultdict(list)
        self.by_parent: dict[str | None, list[Resource]] = defaultdict(list)  # companions whose bucket is not known
        self.buckets_under: dict[str | None, int] = defaultdict(int)
        for r in resources:
            if r.type in BUCKET_TYPES:
                self.buckets_under[r.parent] += 1
            elif r.type in COMPANION_TYPES:
                target = r.inputs.get("bucket")
                if isinstance(target, str) and not is_unknown(target):
                    self.by_name[target].append(r)
                self.by_parent[r.parent].append(r)

    def companions_of(self, bucket: Resource, types: tuple[str, ...]) -> list[Resource]:
        """The resources of `types` configuring `bucket`: they name it in their `bucket` input.

        When a name is not known (during a preview), a companion sharing the bucket's parent counts,
        provided the parent holds no other bucket.
        """
        name = bucket_name(bucket)
        found = [r for r in self.by_name.get(name, ()) if r.type in types] if name is not None else []
        if bucket.parent is not None and self.buckets_under[bucket.parent] == 1:
            for r in self.by_parent.get(bucket.parent, ()):
                target = r.inputs.get("bucket")
                unknown = not isinstance(target, str) or is_unknown(target)
                if r.type in types and (name is None or unknown) and r not in found:
                    found.append(r)
        return found


_last: tuple[Sequence[Resource], Index] | None = None


def index(resources: Sequence[Resource]) -> Index:
    """The index of `resources`, built once however many bucket rules read the same list."""
    global _last
    if _last is None or _last[0] is not resources:
        _last = (resources, Index(resources))
    return _last[1]


def buckets(resources: Sequence[Resource]) -> list[Resource]:
    return index(resources).buckets


def companions_of(bucket: Resource, resources: Sequence[Resource], types: tuple[str, ...]) -> list[Resource]:
    return index(resources).companions_of(bucket, types)
