"""A stack's settings: what differs between environments, read from `stacks/Pulumi.<stack>.yaml`."""

from __future__ import annotations

from pydantic import Field

from meshplane.spec import Environment, Name, Spec


class StackSettings(Spec):
    """The `meshplane:*` keys of a stack's configuration."""

    environment: Environment = Field(description="The environment the stack deploys (dev, staging, prod, local).")
    domains: tuple[Name, ...] | None = Field(default=None, description="Deploy only these domains (default: every domain).")
    account_id: str = Field(alias="accountId", pattern=r"^[0-9]{12}$", description="The AWS account every name and ARN is derived in.")
    region: str = Field(pattern=r"^[a-z]{2}(-[a-z]+)+-[0-9]$", description="The AWS region (the same as `aws:region`).")
    name_prefix: str = Field(alias="namePrefix", pattern=r"^[a-z][a-z0-9-]{1,19}$", description="Prefix of every physical name, e.g. `daff-prod`.")
    cluster: str = Field(min_length=1, max_length=100, description="The EKS cluster the jobs run on.")
    protect_data: bool = Field(
        default=True, alias="protectData", description="The environment keeps data: stateful resources are protected and retained."
    )
    allow_data_destruction: bool = Field(
        default=False,
        alias="allowDataDestruction",
        description="First key for destroying data; a product's `destroy_data` is the second.",
    )
    aws_endpoint: str | None = Field(
        default=None,
        alias="awsEndpoint",
        pattern=r"^https?://[^/\s]+/?$",
        description="A local AWS emulator (moto, LocalStack) every AWS service is reached at, instead of AWS.",
    )
    kube_context: str | None = Field(default=None, alias="kubeContext", description="The kubeconfig context (default: the current one).")
    render_manifests: str | None = Field(
        default=None, alias="renderManifests", description="Write the Kubernetes manifests to this folder instead of applying them."
    )

    model_config = {**Spec.model_config, "populate_by_name": True}


def stack_file(stack: str) -> str:
    """The stack's configuration file, relative to the project (`stackConfigDir` in Pulumi.yaml)."""
    return f"stacks/Pulumi.{stack}.yaml"
