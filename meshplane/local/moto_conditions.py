"""The conditions of bucket and access point policies, judged for the moto server this process starts.

moto 5.2.5 applies a bucket policy to object calls (`FakeBucket.get_permission`) without the request: a statement
whose Condition it cannot match answers "denied" whatever its effect, so every conditional Deny (TLS only, reads
outside the agreements, writes but the job's) blocked every object call, and access point policies gate nothing.
Here `get_permission` decides with the request moto is serving (kept per thread when moto sets its S3 response up):

- the context: `aws:PrincipalArn` (the role behind an assumed role's access key, an IAM user, else the account's
  root), `aws:PrincipalAccount`, `s3:DataAccessPointArn` and `s3:DataAccessPointAccount` when the request came
  through an access point (its `...s3-accesspoint...` Host), `aws:SecureTransport` (see `secure`);
- the decision: `meshplane.evaluator.iam` (principalmapper's condition code, with its corrections) on the bucket's
  policy, and, through an access point, on the access point's policy too (both must permit: an explicit Deny in
  either refuses). HeadObject is authorized as s3:GetObject, as AWS does.
- listings are judged too, which moto never does for bucket-level calls: ListObjects, ListObjectsV2 and HeadBucket as
  s3:ListBucket, ListObjectVersions as s3:ListBucketVersions, ListMultipartUploads as s3:ListBucketMultipartUploads, on
  the bucket's ARN (through an access point: on the access point's ARN too), as AWS authorizes them (LISTINGS).
- a request through an access point that does not exist answers 404 NoSuchAccessPoint, as AWS does (moto: 500), and a
  Deny answers 403 AccessDenied with AWS's body (moto: none);
- an access point's ARN names its bucket's region, as AWS's does (moto 5.2.5 writes `us-east-1` into every one, so
  in any other region no access point policy matched its own ARN, and the bucket's Deny outside the agreements
  refused every consumer: `region_of_access_points`);
- fail closed: a statement whose Condition uses an operator or a key not in OPERATORS / KEYS is not guessed at. A
  Deny applies as if unconditional, an Allow grants nothing, and the emulator says so on stderr (once a statement).

aws:SecureTransport: the emulator serves plain HTTP on 127.0.0.1, standing for AWS's TLS endpoints (docs/toolchain.md).
A request is taken as over TLS unless it says otherwise: `X-Forwarded-Proto: http` (what a TLS-terminating front
sends for a plain request) makes it insecure, so the TLS-only statement can be shown to deny.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from typing import Any

from meshplane.evaluator import iam

_STRING = ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike")
_ARN = ("ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike")
OPERATORS = frozenset(op + suffix for op in ("Bool", *_STRING, *_ARN) for suffix in ("", "IfExists"))
KEYS = frozenset(("aws:principalarn", "aws:principalaccount", "aws:securetransport", "s3:dataaccesspointarn", "s3:dataaccesspointaccount"))
ACTIONS = {"s3:HeadObject": "s3:GetObject", "s3:PostObject": "s3:PutObject"}  # moto names the action by the HTTP method
# moto's S3Response method serving a bucket-level listing -> the action AWS authorizes it as
LISTINGS = {"list_objects": "s3:ListBucket", "list_objects_v2": "s3:ListBucket", "head_bucket": "s3:ListBucket",
            "list_object_versions": "s3:ListBucketVersions", "list_multipart_uploads": "s3:ListBucketMultipartUploads"}  # fmt: skip
_ACCESS_KEY = re.compile(r"Credential=([^/,\s]+)/")

_serving = threading.local()  # the S3 response moto is setting up or serving in this thread
_said: set[str] = set()
_INSTALLED = False


def unjudged(statement: dict) -> list[str]:
    """The operators and keys of a statement's Condition this module does not evaluate."""
    found = []
    for operator, pairs in (statement.get("Condition") or {}).items():
        if operator not in OPERATORS:
            found.append(f"operator {operator}")
        for key in pairs if isinstance(pairs, dict) else ():
            if key.lower() not in KEYS:
                found.append(f"key {key}")
    return found


def fail_closed(policy: dict, where: str) -> dict:
    """The policy with each statement whose Condition is not judged here made safe: a Deny without its Condition, an
    Allow dropped; each said on stderr once."""
    statements = policy.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    kept = []
    for statement in statements:
        missing = unjudged(statement)
        if not missing:
            kept.append(statement)
            continue
        deny = statement.get("Effect") == "Deny"
        _say(f"emulator: error: {where}: statement {statement.get('Sid', '(no Sid)')}: {', '.join(missing)} not evaluated by the emulator: "
             f"{'the Deny applies whatever its condition' if deny else 'the Allow grants nothing'}")  # fmt: skip
        if deny:
            kept.append({k: v for k, v in statement.items() if k != "Condition"})
    return {**policy, "Statement": kept}


def decide(policy: dict, where: str, action: str, resource: str, principal: str, owner: str, context: dict[str, str]) -> iam.Match:
    """What one resource policy says of a request: deny, allow or none (AWS's semantics, conditions judged)."""
    # the evaluator's nodes are roles: another principal (a user, the root) is matched in `Principal` as its account
    node = iam.node(principal if ":role/" in principal else f"arn:aws:iam::{principal.split(':')[4]}:role/account-principal", ())
    return iam.resource_says(node, owner, fail_closed(policy, where), action, resource, context)


def secure(headers: Any) -> bool:
    """aws:SecureTransport: true (plain HTTP on 127.0.0.1 stands for AWS's TLS), unless the request says it was not."""
    return (headers.get("X-Forwarded-Proto") or "https").lower() == "https"


def principal_of(response: Any) -> tuple[str, str]:
    """(aws:PrincipalArn, its account) of the request moto serves: the role of an assumed role's access key, an IAM
    user's ARN, else the account's root (moto's default credentials act as the account)."""
    from moto.iam.models import get_account_id_from, iam_backends
    from moto.sts.models import sts_backends

    found = _ACCESS_KEY.search(response.headers.get("Authorization") or "")
    key = found.group(1) if found else (response.querystring.get("X-Amz-Credential") or [""])[0].split("/")[0]
    account = get_account_id_from(key) if key else response.current_account  # the key's, not the account a request names
    if key:
        role = sts_backends[account]["aws"].get_assumed_role_from_access_key(key)
        if role is not None:
            return role.role_arn, role.role_arn.split(":")[4]
        user = iam_backends[account]["aws"].get_user_from_access_key_id(key) if key.startswith("AKIA") else None
        if user is not None:
            return user.arn, account
    return f"arn:aws:iam::{account}:root", account


def _access_point(response: Any):
    """The moto access point a request came through (its Host), or None."""
    if not response.is_access_point:
        return None
    from moto.s3control import s3control_backends

    name = response.headers["host"].split(".s3-accesspoint.")[0]
    account = name.rsplit("-", 1)[1]
    try:
        return s3control_backends[account]["aws"].get_access_point(account, name.rsplit("-", 1)[0])
    except Exception:  # moto's AccessPointNotFound: moto answers the request itself
        return None


def permission(bucket: Any, action: str, resource: str):
    """`FakeBucket.get_permission` with the request's context: DENIED when the bucket's policy or the access point's
    denies (or when they cannot be judged: said on stderr), PERMITTED when they allow, else NEUTRAL."""
    from moto.iam.access_control import PermissionResult

    try:
        return _permission(bucket, action, resource)
    except Exception as exc:  # a policy this module cannot read: the request is refused, never let through
        _say(f"emulator: error: bucket {bucket.name}: {action} on {resource} refused: its policies could not be judged ({type(exc).__name__}: {exc})")
        return PermissionResult.DENIED


def _permission(bucket: Any, action: str, resource: str):
    from moto.iam.access_control import PermissionResult

    response = getattr(_serving, "response", None)
    action = ACTIONS.get(action, action)
    if response is None:  # not an HTTP request this module saw: moto's own answer
        return _moto_permission(bucket, action, resource)
    principal, account = principal_of(response)
    context = {"aws:PrincipalArn": principal, "aws:PrincipalAccount": account,
               "aws:SecureTransport": "true" if secure(response.headers) else "false"}  # fmt: skip
    point = _access_point(response)
    said = []
    if point is not None:
        context |= {"s3:DataAccessPointArn": point.arn, "s3:DataAccessPointAccount": point.arn.split(":")[4]}
        if point.policy:
            key = resource.split(":::", 1)[1].split("/", 1)[1] if "/" in resource else ""
            on_point = f"{point.arn}/object/{key}" if key else point.arn
            said.append(decide(json.loads(point.policy), f"access point {point.name}", action, on_point, principal, point.arn.split(":")[4], context))
    if bucket.policy is not None:
        said.append(decide(json.loads(bucket.policy.decode()), f"bucket {bucket.name}", action, resource, principal, bucket.account_id, context))
    if iam.Match.deny in said:
        return PermissionResult.DENIED
    return PermissionResult.PERMITTED if said and all(s is iam.Match.allow for s in said) else PermissionResult.NEUTRAL


_moto_permission: Any = None


def region_of_access_points() -> None:
    """moto's `AccessPoint` with its ARN in the region of its bucket (moto: always `us-east-1`)."""
    from moto.s3 import s3_backends
    from moto.s3control.models import AccessPoint

    made = AccessPoint.__init__

    def init(self, account_id: str, region_name: str, name: str, bucket: str, *args, **kwargs) -> None:
        made(self, account_id, region_name, name, bucket, *args, **kwargs)
        found = s3_backends[account_id][self.arn.split(":")[1]].buckets.get(bucket)
        if found is not None:  # AWS refuses an access point on a bucket that does not exist; moto does not
            self.arn = f"arn:{found.partition}:s3:{found.region_name}:{account_id}:accesspoint/{name}"

    AccessPoint.__init__ = init


def _error(code: str, message: str) -> str:
    return f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"


def _say(line: str) -> None:
    if line not in _said:
        _said.add(line)
        print(line, file=sys.stderr, flush=True)


def install() -> None:
    """Judge bucket and access point policy conditions in this process's moto (once per process)."""
    global _INSTALLED, _moto_permission
    if _INSTALLED:
        return
    from moto.s3.models import FakeBucket
    from moto.s3.responses import S3Response

    setup = S3Response.setup_class

    def setup_class(self, request, full_url=None, headers=None) -> None:
        _serving.response = None  # a response half set up is not judged by
        setup(self, request, full_url, headers)
        _serving.response = self

    def missing_access_point(answer):
        def answered(self, *args, **kwargs):
            from moto.s3control.exceptions import AccessPointNotFound

            try:
                status, headers, body = answer(self, *args, **kwargs)
            except AccessPointNotFound:  # moto answers 500: AWS answers 404 NoSuchAccessPoint
                return 404, {"Content-Type": "application/xml"}, _error("NoSuchAccessPoint", "The specified accesspoint does not exist")
            if status == 403 and not body and args[0].method != "HEAD":  # a policy's Deny: moto answers without a body
                return 403, {**headers, "Content-Type": "application/xml"}, _error("AccessDenied", "Access Denied")
            return status, headers, body

        return answered

    def judged_listing(listing, action: str):
        def listed(self):
            try:
                bucket = self.backend.get_bucket(self.bucket_name)
            except Exception:  # no such bucket: moto answers
                return listing(self)
            if permission(bucket, action, f"arn:{bucket.partition}:s3:::{bucket.name}") == PermissionResult.DENIED:
                return 403, {}, ""  # answered with AWS's body by `missing_access_point`, but for HEAD (no body)
            return listing(self)

        return listed

    from moto.iam.access_control import PermissionResult

    _moto_permission = FakeBucket.get_permission
    region_of_access_points()
    for method, action in LISTINGS.items():
        setattr(S3Response, method, judged_listing(getattr(S3Response, method), action))
    S3Response.setup_class = setup_class
    S3Response.bucket_response = missing_access_point(S3Response.bucket_response)
    S3Response.key_response = missing_access_point(S3Response.key_response)
    FakeBucket.get_permission = lambda bucket, action, resource: permission(bucket, action, resource)
    _INSTALLED = True
