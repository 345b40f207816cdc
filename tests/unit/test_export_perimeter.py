"""`meshplane export perimeter`: one SCP and one RCP per account of the stack's domains, as AWS Organizations takes them,
each within AWS's 5,120 characters."""

from __future__ import annotations

import json
from pathlib import Path

from meshplane import cli

ROOT = Path(__file__).resolve().parents[2]


def test_the_local_stack_gets_a_perimeter_for_each_of_its_two_accounts(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert cli.main(["export", "perimeter", "--env", "local", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "123456789012.rcp.json", "123456789012.scp.json", "210987654321.rcp.json", "210987654321.scp.json",
    ]  # fmt: skip
    scp = json.loads((tmp_path / "210987654321.scp.json").read_text())
    (deny,) = scp["Statement"]
    assert deny["Effect"] == "Deny" and {"lakeformation:GrantPermissions", "s3:CreateAccessPoint", "kms:CreateGrant"} <= set(deny["Action"])
    assert deny["Condition"]["ArnNotLike"]["aws:PrincipalArn"] == [
        "arn:aws:iam::210987654321:role/meshplane-break-glass", "arn:aws:iam::210987654321:role/meshplane-deployer",
    ]  # fmt: skip
    assert "  210987654321.scp.json: 867 characters (at most 5,120)" in out


def test_a_stack_of_one_account_and_a_name_that_is_not_a_stack(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert cli.main(["export", "perimeter", "--stack", "prod-podcasts", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["333333333333.rcp.json", "333333333333.scp.json"]
    capsys.readouterr()
    assert cli.main(["export", "perimeter", "--stack", "prod-podcast", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("--stack:1: error: no stack 'prod-podcast' (did you mean 'prod-podcasts'?)")
