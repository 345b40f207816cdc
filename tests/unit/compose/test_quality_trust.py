"""Who may assume a domain's quality role for `meshplane test`: the deployer of the domain's account, in every account of
a stack (the default one included), besides EventBridge Scheduler and Glue for the account's own evaluations."""

from __future__ import annotations

from pathlib import Path

import pytest

from meshplane.compose.monitoring import domain_monitoring
from meshplane.registrations.project import open_project

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("stack", ["local", "prod"])
def test_the_quality_role_trusts_the_deployer_of_its_account(stack):
    project = open_project(ROOT, stack=stack)
    settings = project.settings
    for domain in project.mesh.domains:
        account = settings.account_of(domain)
        trust = domain_monitoring(project.mesh, settings, domain, {}).quality_trust
        people = [s for s in trust["Statement"] if "AWS" in s["Principal"]]
        assert people == [{"Sid": "Deployer", "Effect": "Allow", "Principal": {"AWS": settings.deployer(account)}, "Action": "sts:AssumeRole"}], domain
        assert settings.deployer(account).startswith(f"arn:aws:iam::{account}:role/")
