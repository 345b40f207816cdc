"""Every stack file runs through the real program; each stack's providers are configured from its settings."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
import yaml

from meshplane.registrations import engine

ROOT = Path(__file__).resolve().parents[3]
STACKS = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))


@functools.cache
def evaluation_of(stack: str) -> engine.Evaluation:
    """One mock run per stack for this module, whose tests only read it."""
    return engine.evaluate(stack)


def provider(evaluation: engine.Evaluation, package: str, name: str | None = None) -> dict:
    (found,) = [r for r in evaluation.resources if r.type == f"pulumi:providers:{package}" and r.name == (name or package)]
    return {k: json.loads(v) if isinstance(v, str) and v[:1] in "[{" else v for k, v in found.inputs.items()}


def test_the_environments_and_a_domain_stack_are_there():
    assert {"dev", "staging", "prod", "local", "prod-podcasts"} <= set(STACKS)


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_disables_default_providers_and_runs(stack):
    config = yaml.safe_load((ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
    assert sorted(config["pulumi:disable-default-providers"]) == ["aws", "kubernetes"]
    evaluation = evaluation_of(stack)
    custom = [r for r in evaluation.custom()]
    assert custom and all(r.provider for r in custom)
    aws = provider(evaluation, "aws")
    assert aws["region"] == config["meshplane:region"]
    assert aws["defaultTags"] == {"tags": {"environment": config["meshplane:environment"], "managed-by": "meshplane"}}


@pytest.mark.parametrize("stack", ["dev", "staging", "prod", "prod-podcasts"])
def test_cloud_stacks_pin_their_account_and_use_the_default_credential_chain(stack):
    config = yaml.safe_load((ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
    aws = provider(evaluation_of(stack), "aws")
    assert aws["allowedAccountIds"] == [config["meshplane:accountId"]]
    assert not {"endpoints", "accessKey", "secretKey"} & set(aws)


def test_the_local_stack_points_every_service_at_the_emulator():
    evaluation = evaluation_of("local")
    aws = provider(evaluation, "aws")
    services = ("s3", "s3control", "iam", "kms", "glue", "lakeformation", "eks", "sts")
    assert aws["endpoints"] == [{s: "http://127.0.0.1:5000" for s in services}]
    assert aws["s3UsePathStyle"] == "true" and aws["skipCredentialsValidation"] == "true"
    assert aws["skipRequestingAccountId"] == "true" and aws["skipMetadataApiCheck"] == "true"
    assert aws["accessKey"] == "test" and "allowedAccountIds" not in aws
    assert provider(evaluation, "kubernetes") == {"renderYamlToDirectory": "out/manifests"}


def test_a_domain_in_another_account_gets_that_accounts_provider():
    """The local stack places artists and playlists in a second account: one explicit provider per account."""
    evaluation = evaluation_of("local")
    other = provider(evaluation, "aws", "aws-210987654321")
    assert other["assumeRoles"] == [{"roleArn": "arn:aws:iam::210987654321:role/meshplane-deployer", "sessionName": "meshplane"}]
    accounts = {r.domain: r.provider.split("::")[-2] for r in evaluation.custom() if r.type == "aws:s3/bucket:Bucket"}
    assert accounts == {"artists": "aws-210987654321", "playlists": "aws-210987654321", "podcasts": "aws", "users": "aws"}
