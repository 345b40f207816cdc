"""moto's own identity enforcement, asked in this process: no HTTP round trip per request.

When the moto server runs in this process (`Emulator`, started by the command), the access check asks moto's
authorization code directly: an `S3IAMRequest` built from an assumed role's credentials (the access key and
session token that `sts:AssumeRole` returned, as a request signed with them would carry), whose
`check_action_permitted` collects the role's policies and decides as moto decides every enforced request
(moto 5.x: `moto.iam.access_control`; the signature is not computed: nothing was signed). Only identity
policies: moto applies a bucket policy elsewhere, in its S3 backend. The resource is the ARN moto's S3
builds for the request (`arn:aws:s3:::<bucket>` or `.../<key>`).
"""

from __future__ import annotations

from dataclasses import dataclass

ACTIONS = ("s3:GetObject", "s3:ListBucket", "s3:PutObject")
DATE = "20260101"  # the credential scope's date: moto reads the region and service from it, not the date


@dataclass(frozen=True)
class Caller:
    """An assumed role's credentials, as `sts:AssumeRole` answered them."""

    account: str
    access_key: str
    session_token: str


class Authority:
    """moto's `check_action_permitted` for a caller's S3 requests, in this process."""

    def __init__(self, region: str):
        self.region = region

    def allows(self, caller: Caller, action: str, resource: str, bucket: str) -> bool:
        from moto.iam.access_control import S3IAMRequest
        from moto.s3.exceptions import BucketAccessDeniedError, S3AccessDeniedError

        service, name = action.split(":", 1)
        headers = {
            "Authorization": f"AWS4-HMAC-SHA256 Credential={caller.access_key}/{DATE}/{self.region}/{service}/aws4_request, "
            "SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=unsigned",
            "X-Amz-Security-Token": caller.session_token,
        }
        request = S3IAMRequest(account_id=caller.account, method="GET", path=f"/{bucket}", data={"BucketName": bucket}, body=b"", headers=headers, action=name)
        try:
            request.check_action_permitted(resource)
        except (BucketAccessDeniedError, S3AccessDeniedError):
            return False
        return True
