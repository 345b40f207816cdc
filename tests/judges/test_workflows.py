"""The GitHub workflows: actionlint accepts them, they hold no secret, they run what the README says, and the deploy
script applies the stacks wave by wave (checked with a stand-in `pulumi` and `aws` that record their calls).

What cannot run here (GitHub's runners, OIDC, a cluster) is checked by reading the workflows: the Pulumi CLI comes
from its official action pinned by commit, every job that runs `pulumi` has the cluster's credentials, the tests run on
every Python `requires-python` allows, a fork's pull request gets notices where it lacks permissions, and every
variable the workflows read is listed in the README."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
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
            {"stack": "prod-playlists", "environment": "prod", "wave": 1, "converges_with": ["prod-users"], "emulated": False, "cluster": "c-1", "region": "eu-west-1"},
            {"stack": "prod-users", "environment": "prod", "wave": 1, "converges_with": ["prod-playlists"], "emulated": False, "cluster": "c-1", "region": "eu-west-1"},
            {"stack": "prod-podcasts", "environment": "prod", "wave": 2, "converges_with": [], "emulated": False, "cluster": "c-2", "region": "eu-central-1"},
            {"stack": "dev", "environment": "dev", "wave": 1, "converges_with": [], "emulated": False, "cluster": "d", "region": "eu-west-1"},
            {"stack": "local", "environment": "prod", "wave": 1, "converges_with": [], "emulated": True, "cluster": "local", "region": "us-east-1"},
        ]
    }  # fmt: skip
    (tmp_path / "stacks.json").write_text(json.dumps(plan))
    calls = tmp_path / "calls"
    fake = tmp_path / "pulumi"
    fake.write_text(f'#!/usr/bin/env bash\necho "$MESHPLANE_ENVIRONMENT $*" >> {calls}\n[[ "$*" == *continue-on-error* ]] && exit 255\nexit 0\n')
    fake.chmod(0o755)
    aws = tmp_path / "aws"
    aws.write_text(f'#!/usr/bin/env bash\necho "aws $*" >> {calls}\n')
    aws.chmod(0o755)
    run = subprocess.run(
        ["bash", str(ROOT / ".github" / "scripts" / "deploy.sh"), "stacks.json", "prod"],
        cwd=tmp_path, env={**os.environ, "PULUMI": str(fake), "AWS": str(aws)}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    lines = calls.read_text().splitlines()
    # the Kubernetes provider gets the stack's cluster before each of its `pulumi up`
    credentials = [line for line in lines if line.startswith("aws ")]
    assert credentials[0] == "aws eks update-kubeconfig --name c-1 --region eu-west-1"
    assert credentials[-1] == "aws eks update-kubeconfig --name c-2 --region eu-central-1"
    assert all(lines[i].startswith("aws eks update-kubeconfig") for i, line in enumerate(lines) if i % 2 == 0)
    lines = [line for line in lines if not line.startswith("aws ")]
    made = [line.split()[1:4] + (["continue"] if "--continue-on-error" in line else []) for line in lines]
    assert made == [
        ["up", "--stack", "prod-playlists", "continue"],
        ["up", "--stack", "prod-users", "continue"],
        ["up", "--stack", "prod-playlists"],
        ["up", "--stack", "prod-users"],
        ["up", "--stack", "prod-podcasts"],
    ]
    assert all(line.startswith("prod ") and "--policy-pack policies" in line for line in lines)


def test_the_deploy_script_stops_at_a_failing_stack(tmp_path):
    plan = {"stacks": [{"stack": s, "environment": "prod", "wave": w, "converges_with": [], "emulated": False} for s, w in (("a", 1), ("b", 2))]}
    (tmp_path / "stacks.json").write_text(json.dumps(plan))
    fake = tmp_path / "pulumi"
    fake.write_text(f'#!/usr/bin/env bash\necho "$*" >> {tmp_path / "calls"}\nexit 1\n')
    fake.chmod(0o755)
    run = subprocess.run(["bash", str(ROOT / ".github" / "scripts" / "deploy.sh"), "stacks.json", "prod"], cwd=tmp_path,
                         env={**os.environ, "PULUMI": str(fake), "AWS": "true"}, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert run.returncode != 0 and len((tmp_path / "calls").read_text().splitlines()) == 1


PULUMI_ACTION = re.compile(r"uses: pulumi/actions@[0-9a-f]{40} # v[0-9]+\.[0-9]+\.[0-9]+$")
FORK = "github.event.pull_request.head.repo.full_name"


def test_every_action_is_pinned_by_commit_with_its_tag_cited():
    for path in WORKFLOWS:
        for line in path.read_text().splitlines():
            if "uses:" in line:
                assert re.search(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v[0-9]+(\.[0-9]+)*$", line), f"{path.name}: {line.strip()}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_the_pulumi_cli_comes_from_its_official_action_and_each_stack_gets_its_clusters_credentials(path):
    """No `curl | sh`: the CLI at the SDK's version, from pulumi/actions pinned by commit; before `pulumi` runs against a
    stack, kubeconfig has that stack's EKS cluster (the job's OIDC role reaches it)."""
    text = path.read_text()
    assert "curl" not in text and "get.pulumi.com" not in text and not (ROOT / ".github/scripts/install-pulumi.sh").exists()
    pulumi_version = re.search(r'"pulumi==([0-9.]+)"', (ROOT / "pyproject.toml").read_text()).group(1)
    for name, job in load(path)["jobs"].items():
        runs = [s.get("run", "") for s in job.get("steps", [])]
        if not any(re.search(r"\bpulumi (up|preview)\b|deploy\.sh", r) for r in runs):
            continue
        actions = [s for s in job["steps"] if s.get("uses", "").startswith("pulumi/actions@")]
        assert len(actions) == 1 and actions[0]["with"] == {"pulumi-version": pulumi_version}, name
        assert any(PULUMI_ACTION.search(line) for line in text.splitlines())
        order = [i for i, s in enumerate(job["steps"]) if "configure-aws-credentials" in s.get("uses", "")]
        kubeconfig = [i for i, r in enumerate(runs) if "aws eks update-kubeconfig" in r or "deploy.sh" in r]
        assert order and kubeconfig and order[0] < kubeconfig[0], name
        if "deploy.sh" not in "".join(runs):
            step = job["steps"][kubeconfig[0]]
            assert step["env"] == {"CLUSTER": "${{ matrix.cluster }}", "REGION": "${{ matrix.region }}"}, name
    assert "aws\" eks update-kubeconfig" in (ROOT / ".github/scripts/deploy.sh").read_text()


def test_the_tests_run_on_every_python_the_package_allows():
    allowed = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    low, high = re.fullmatch(r">=3\.([0-9]+),<3\.([0-9]+)", allowed).groups()
    tests = load(ROOT / ".github" / "workflows" / "pull-request.yml")["jobs"]["tests"]
    assert tests["strategy"]["matrix"]["python"] == [f"3.{m}" for m in range(int(low), int(high))] == ["3.11", "3.12", "3.13"]
    assert tests["steps"][1]["with"]["python-version"] == "${{ matrix.python }}"


def test_a_pull_request_from_a_fork_gets_notices_not_failures():
    """A fork's pull request has no OIDC token and read-only permissions: what needs them is skipped with a notice."""
    workflow = load(ROOT / ".github" / "workflows" / "pull-request.yml")
    review = workflow["jobs"]["review"]
    for step in review["steps"]:
        if "upload-sarif" in step.get("uses", "") or "gh pr comment" in step.get("run", ""):
            assert step["if"] == f"{FORK} == github.repository", step
    (notice,) = [s for s in review["steps"] if s.get("if") == f"{FORK} != github.repository"]
    assert notice["run"].startswith('echo "::notice::')
    assert workflow["jobs"]["preview"]["if"].endswith(f"&& {FORK} == github.repository")
    gate = next(s for s in review["steps"] if s.get("name", "").startswith("the gate"))
    assert "if" in gate and FORK not in gate["if"]  # a fork's change is judged like any other


def test_every_variable_the_workflows_read_is_listed_in_the_readme():
    read = {v for path in WORKFLOWS for v in re.findall(r"vars\.([A-Z_]+)", path.read_text())}
    readme = (ROOT / "README.md").read_text()
    listed = set(re.findall(r"`([A-Z][A-Z_]+)`", readme[readme.index("**Repository variables**") :].split("\n\n")[0]))
    assert read == {"PULUMI_BACKEND_URL", "AWS_PREVIEW_ROLE_ARN", "AWS_DEPLOY_ROLE_ARN", "AWS_REGION"}
    assert read <= listed, read - listed
