"""The GitHub workflows: actionlint accepts them, they hold no secret, they run what the README says, and the deploy
script applies the stacks wave by wave (checked with a stand-in `pulumi` that records its calls)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = Path(sys.executable).with_name("actionlint")


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_the_three_workflows_are_there():
    assert [p.name for p in WORKFLOWS] == ["deploy.yml", "drift.yml", "pull-request.yml"]


def test_actionlint_accepts_every_workflow():
    run = subprocess.run([str(ACTIONLINT), "-no-color", *map(str, WORKFLOWS)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_actionlint_can_fail(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope.nothing }}\n        uses: x/y@v1\n")
    run = subprocess.run([str(ACTIONLINT), "-no-color", str(broken)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and "broken.yml:" in run.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_no_secret_in_a_file_credentials_by_oidc_actions_pinned(path):
    text = path.read_text()
    assert "secrets." not in text and "aws-access-key-id" not in text and "PULUMI_ACCESS_TOKEN" not in text
    workflow = load(path)
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        uses = [s["uses"] for s in job.get("steps", []) if "uses" in s]
        assert all(re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", u) for u in uses), uses
        aws = [s for s in job.get("steps", []) if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
        if aws:
            assert job["permissions"]["id-token"] == "write", name
            assert all(s["with"]["role-to-assume"].startswith("${{ vars.") for s in aws)
            assert job["env"]["PULUMI_BACKEND_URL"] == "${{ vars.PULUMI_BACKEND_URL }}"
        for step in job.get("steps", []):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_a_pull_request_is_tested_validated_diffed_and_previewed_per_changed_stack():
    workflow = load(ROOT / ".github" / "workflows" / "pull-request.yml")
    runs = "\n".join(s.get("run", "") for s in steps(workflow))
    assert "make test" in runs
    assert '.venv/bin/meshplane validate --env prod --base "$BASE" --format sarif > validate.sarif' in runs
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif@") and s["with"]["sarif_file"] == "validate.sarif" for s in steps(workflow))
    assert '.venv/bin/meshplane diff --base "$BASE" --env prod > diff.txt' in runs and "gh pr comment" in runs
    assert '.venv/bin/meshplane stacks --changed --base "$BASE" --format json > stacks.json' in runs
    preview = workflow["jobs"]["preview"]
    assert preview["strategy"]["matrix"] == "${{ fromJSON(needs.review.outputs.matrix) }}"
    assert 'pulumi preview --stack "$STACK" --policy-pack policies' in preview["steps"][-1]["run"]


def test_a_merge_applies_the_touched_stacks_wave_by_wave_and_the_night_checks_drift():
    deploy = load(ROOT / ".github" / "workflows" / "deploy.yml")
    assert deploy["on"] == {"push": {"branches": ["main"]}}
    assert deploy["jobs"]["up"]["environment"] == "${{ matrix.environment }}"
    assert deploy["jobs"]["up"]["steps"][-1]["run"] == '.github/scripts/deploy.sh stacks.json "$ENVIRONMENT"'
    drift = load(ROOT / ".github" / "workflows" / "drift.yml")
    assert "schedule" in drift["on"]
    assert "--refresh --expect-no-changes --policy-pack policies" in drift["jobs"]["drift"]["steps"][-1]["run"]


def test_the_deploy_script_goes_wave_by_wave_and_converges_a_cycle_in_two_passes(tmp_path):
    plan = {
        "stacks": [
            {"stack": "prod-playlists", "environment": "prod", "wave": 1, "converges_with": ["prod-users"], "emulated": False},
            {"stack": "prod-users", "environment": "prod", "wave": 1, "converges_with": ["prod-playlists"], "emulated": False},
            {"stack": "prod-podcasts", "environment": "prod", "wave": 2, "converges_with": [], "emulated": False},
            {"stack": "dev", "environment": "dev", "wave": 1, "converges_with": [], "emulated": False},
            {"stack": "local", "environment": "prod", "wave": 1, "converges_with": [], "emulated": True},
        ]
    }
    (tmp_path / "stacks.json").write_text(json.dumps(plan))
    calls = tmp_path / "calls"
    fake = tmp_path / "pulumi"
    fake.write_text(f'#!/usr/bin/env bash\necho "$MESHPLANE_ENVIRONMENT $*" >> {calls}\n[[ "$*" == *continue-on-error* ]] && exit 255\nexit 0\n')
    fake.chmod(0o755)
    run = subprocess.run(
        ["bash", str(ROOT / ".github" / "scripts" / "deploy.sh"), "stacks.json", "prod"],
        cwd=tmp_path, env={**os.environ, "PULUMI": str(fake)}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    made = [line.split()[1:4] + (["continue"] if "--continue-on-error" in line else []) for line in calls.read_text().splitlines()]
    assert made == [
        ["up", "--stack", "prod-playlists", "continue"],
        ["up", "--stack", "prod-users", "continue"],
        ["up", "--stack", "prod-playlists"],
        ["up", "--stack", "prod-users"],
        ["up", "--stack", "prod-podcasts"],
    ]
    assert all(line.startswith("prod ") and "--policy-pack policies" in line for line in calls.read_text().splitlines())


def test_the_deploy_script_stops_at_a_failing_stack(tmp_path):
    plan = {"stacks": [{"stack": s, "environment": "prod", "wave": w, "converges_with": [], "emulated": False} for s, w in (("a", 1), ("b", 2))]}
    (tmp_path / "stacks.json").write_text(json.dumps(plan))
    fake = tmp_path / "pulumi"
    fake.write_text(f'#!/usr/bin/env bash\necho "$*" >> {tmp_path / "calls"}\nexit 1\n')
    fake.chmod(0o755)
    run = subprocess.run(["bash", str(ROOT / ".github" / "scripts" / "deploy.sh"), "stacks.json", "prod"], cwd=tmp_path,
                         env={**os.environ, "PULUMI": str(fake)}, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert run.returncode != 0 and len((tmp_path / "calls").read_text().splitlines()) == 1
