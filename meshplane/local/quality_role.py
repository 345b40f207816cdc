"""`meshplane test` acts as the domain's quality role, so that a run proves that role's access: assumed with the
caller's credentials (its trust policy names the stack's deployer of the account), it reads the product through the
access point made for it and stores its result in the bucket, under the prefix its bucket policy leaves it."""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import ClientError

from meshplane.compose.locate import location
from meshplane.compose.monitoring import quality_name, quality_role_arn
from meshplane.declarations.mesh import DeclaredProduct
from meshplane.declarations.stack import StackSettings
from meshplane.local.emulator import Aws, error_code

SESSION = "meshplane-test"


@dataclass(frozen=True)
class QualityRole:
    arn: str
    access_point: str  # the ARN of the access point it reads the version through
    reads: object  # an S3 client through access points, as the role
    writes: object  # an S3 client, as the role
    metrics: object  # a CloudWatch client, as the role (it publishes the results it stores, for the freshness alarm)


def assume_domain(aws: Aws, settings: StackSettings, domain: str) -> Aws:
    """The quality role of `domain`, assumed with `aws`'s credentials (raises ClientError)."""
    arn = quality_role_arn(settings, domain)
    return aws.as_credentials(aws.client("sts").assume_role(RoleArn=arn, RoleSessionName=SESSION)["Credentials"])


def access_point(settings: StackSettings, declared: DeclaredProduct, version: int) -> str:
    """The ARN of the access point the domain's quality role reads one version of `declared` through."""
    return location(settings, declared, version).access_point_arn(quality_name(settings, declared, version))


def assume(aws: Aws, settings: StackSettings, declared: DeclaredProduct, version: int) -> QualityRole:
    """The domain's quality role for one version of `declared`, assumed with `aws`'s credentials (raises ClientError)."""
    role = assume_domain(aws, settings, declared.domain)
    return QualityRole(quality_role_arn(settings, declared.domain), access_point(settings, declared, version),
                       role.through_access_points(), role.client("s3"), role.client("cloudwatch"))  # fmt: skip


def refused(declared: DeclaredProduct, bucket: str, exc: ClientError) -> str:
    """One line for a product `test` could not read or store, naming the call that failed and as whom."""
    code, operation = error_code(exc) or str(exc), exc.operation_name
    if operation == "AssumeRole":
        return f"{declared.address}: cannot assume the quality role of domain {declared.domain} ({code}): its trust policy names the deployer"
    if code in ("NoSuchBucket", "NoSuchAccessPoint", "AccessPointNotFound"):
        return f"{declared.address}: cannot read s3://{bucket}/ ({code}): is the stack deployed?"
    return f"{declared.address}: the domain's quality role cannot {operation} on s3://{bucket}/ through its access point ({code})"
