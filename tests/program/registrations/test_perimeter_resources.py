"""A stack that names its organization's management account creates each domain account's SCP and RCP there, as
`aws:organizations` policies attached to the account: in the program (under the mock engine), in the offline inventory
(pinned equal) and in the plan. A stack that names none creates nothing of the organization's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from meshplane import cli
from meshplane.cloud.perimeter import account_perimeter
from meshplane.registrations import engine
from meshplane.registrations.offline import offline
from meshplane.registrations.project import open_project

from test_inventory_offline import compare

ROOT = Path(__file__).resolve().parents[3]
MANAGEMENT = "999999999999"
ORG_POLICY, ATTACHMENT = "aws:organizations/policy:Policy", "aws:organizations/policyAttachment:PolicyAttachment"


def project_naming_the_management_account(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    for name in ("__main__.py", "Pulumi.yaml", "governance", "schemas", "domains"):
        (root / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "stacks", root / "stacks")
    stack = root / "stacks" / "Pulumi.local.yaml"
    management = json.dumps({"accountId": MANAGEMENT, "roleArn": f"arn:aws:iam::{MANAGEMENT}:role/meshplane-organizations"})
    stack.write_text(stack.read_text().replace("  pulumi:disable", f"  meshplane:organizationsManagementAccount: {management}\n  pulumi:disable"))
    return root


def test_the_perimeter_is_created_in_the_management_account_and_attached_to_each_domain_account(tmp_path):
    project = open_project(project_naming_the_management_account(tmp_path), stack="local")
    registered = engine.run(project).resources
    assert compare(registered, offline(project).resources) == []
    policies = [r for r in registered if r.type == ORG_POLICY]
    attachments = [r for r in registered if r.type == ATTACHMENT]
    assert sorted((r.inputs["type"], r.name) for r in policies) == [
        ("RESOURCE_CONTROL_POLICY", "perimeter-123456789012-rcp"), ("RESOURCE_CONTROL_POLICY", "perimeter-210987654321-rcp"),
        ("SERVICE_CONTROL_POLICY", "perimeter-123456789012-scp"), ("SERVICE_CONTROL_POLICY", "perimeter-210987654321-scp"),
    ]  # fmt: skip
    assert all(r.provider.split("::")[-2] == f"aws-{MANAGEMENT}" for r in policies + attachments)
    ids = {r.name: r.id for r in policies}
    assert {(a.inputs["targetId"], a.inputs["policyId"]) for a in attachments} == {
        (name.split("-")[1], policy_id) for name, policy_id in ids.items()
    }
    expected = account_perimeter("210987654321", "arn:aws:iam::210987654321:role/meshplane-deployer", "arn:aws:iam::210987654321:role/meshplane-break-glass")
    assert json.loads(next(r for r in policies if r.name == "perimeter-210987654321-scp").inputs["content"]) == expected.scp


def test_the_plan_lists_the_perimeter_and_a_stack_without_a_management_account_creates_none(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(project_naming_the_management_account(tmp_path))
    assert cli.main(["plan", "--env", "local"]) == 0
    out = capsys.readouterr().out
    assert "4 aws:organizations:Policy, 4 aws:organizations:PolicyAttachment" in out
    assert "  + aws:organizations:PolicyAttachment       perimeter-210987654321-scp-attachment" in out
    plain = engine.run(open_project(ROOT, stack="local")).resources
    assert not [r for r in plain if r.type.startswith("aws:organizations")]
