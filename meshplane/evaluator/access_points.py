"""A request through an S3 access point, modelled from AWS's documentation (principalmapper evaluates one
resource policy per request).

"For an application or user to be able to access objects through an access point, both the access point
and the underlying bucket must permit the request"; "Permissions granted in an access point policy are
only effective if the underlying bucket also allows the same access"
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html). So:
- the access point side is AWS's usual decision (identity policies, the access point's policy as the
  resource policy, its account as the resource's owner) on the access point's ARN
  (`.../accesspoint/<name>` for ListBucket, `.../accesspoint/<name>/object/<key>` for objects);
- the bucket side is the bucket policy alone on the bucket's ARN, with the access point in the request's
  context (`s3:DataAccessPointArn`, `s3:DataAccessPointAccount`): it permits with an Allow that matches
  and no Deny (the "delegate to access points" pattern of the same page).
Whether an identity Allow on the bucket's ARN also serves the bucket side in the same account is not
documented; meshplane's buckets delegate explicitly, so the model needs no answer to it.
"""

from __future__ import annotations

from meshplane.evaluator import iam
from meshplane.evaluator.model import AccessPoint, Bucket

CONTEXT = {"aws:SecureTransport": "true"}


def through(principal: iam.Node, action: str, point: AccessPoint, bucket: Bucket, key: str | None) -> bool:
    """`action` (s3:ListBucket without `key`, an object action with it) through `point` on `bucket`."""
    point_resource = point.arn if key is None else f"{point.arn}/object/{key}"
    bucket_resource = bucket.arn if key is None else f"{bucket.arn}/{key}"
    if not iam.allowed(principal, action, point_resource, CONTEXT, point.policy, point.account):
        return False
    context = {**CONTEXT, "s3:DataAccessPointArn": point.arn, "s3:DataAccessPointAccount": point.account}
    return iam.resource_allows(principal, bucket.account, bucket.policy, action, bucket_resource, context)
