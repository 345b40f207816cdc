"""The explicit providers of a stack: AWS (an account, a region, default tags; or a local emulator) and Kubernetes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a provider is made: specs and names need neither SDK
    import pulumi_aws as aws
    import pulumi_kubernetes as k8s

EMULATED_SERVICES = ("s3", "s3control", "iam", "kms", "glue", "lakeformation", "eks", "sts")


@dataclass(frozen=True)
class AwsProviderArgs:
    region: str
    account: str
    default_tags: Mapping[str, str] = field(default_factory=dict)
    endpoint: str | None = None  # a local AWS emulator every service is reached at
    assume_role: str | None = None  # the role the deployment assumes in `account` (an account of some domains)


@dataclass(frozen=True)
class KubernetesProviderArgs:
    context: str | None = None  # the kubeconfig context (default: the current one)
    render_to: str | None = None  # write the manifests to this folder instead of applying them


@dataclass(frozen=True)
class StackProviders:
    aws: AwsProviderArgs  # the default account's: the cluster's, and every domain's not placed elsewhere
    kubernetes: KubernetesProviderArgs
    accounts: Mapping[str, AwsProviderArgs] = field(default_factory=dict)  # other accounts, by ID


def aws_provider_name(account: str | None) -> str:
    """`aws` for the default account, `aws-<account>` for another."""
    return f"aws-{account}" if account else "aws"


def account_of_provider(reference: str | None, default: str) -> str:
    """The account an AWS provider reference (`<urn>::<id>`) works in, from its name (`aws_provider_name`)."""
    name = reference.split("::")[-2] if reference else ""
    return name.removeprefix("aws-") if name.startswith("aws-") else default


def aws_provider_props(args: AwsProviderArgs) -> dict:
    props: dict = {
        "region": args.region,
        "allowed_account_ids": None if args.endpoint else [args.account],
        "default_tags": {"tags": dict(args.default_tags)},
    }
    if args.assume_role:
        import pulumi_aws as aws

        props["assume_roles"] = [aws.ProviderAssumeRoleArgs(role_arn=args.assume_role, session_name="meshplane")]
    if args.endpoint:
        props.update(
            endpoints=[{service: args.endpoint for service in EMULATED_SERVICES}],
            s3_use_path_style=True,
            skip_credentials_validation=True,
            skip_requesting_account_id=True,
            skip_metadata_api_check=True,
            access_key="test",
            secret_key="test",
        )
    return props


def aws_provider(name: str, args: AwsProviderArgs) -> aws.Provider:
    import pulumi_aws as aws

    return aws.Provider(name, **aws_provider_props(args))


def kubernetes_provider(name: str, args: KubernetesProviderArgs) -> k8s.Provider:
    import pulumi_kubernetes as k8s

    return k8s.Provider(name, context=args.context, render_yaml_to_directory=args.render_to)
