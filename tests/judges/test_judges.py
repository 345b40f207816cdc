"""Independent judges over everything the program generates for the sample mesh.

parliament lints every IAM document, cloudsplaining looks for privilege escalation, data exfiltration
and resource exposure, and checkov runs its Kubernetes checks on the rendered manifests. Each judge
is shown a bad document first, so a judge that cannot fail would fail here.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from cloudsplaining.scan.policy_document import PolicyDocument
from parliament import analyze_policy_string

from components import tokens
from meshplane.cloud.manifests import write_manifests
from meshplane.registrations.engine import evaluate

ROOT = Path(__file__).resolve().parents[2]

# Trust policies name no Resource by design; parliament has no trust-policy mode and says so.
TRUST_ONLY_FINDING = "MALFORMED"

# parliament reads every document as an identity policy; these findings do not apply to the resource policies
# below, each for the reason given (and only these findings, only for that kind of document).
RESOURCE_POLICY_FINDINGS = {
    "key": {
        "RESOURCE_STAR": "in a key policy, Resource * is the key itself (docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html)",
        "PERMISSIONS_MANAGEMENT_ACTIONS": "the key's account administers it (CreateGrant, PutKeyPolicy...); using it takes a grant",
    },
    "access point": {
        "RESOURCE_MISMATCH": "an access point policy can only name the access point's own ARNs, not the bucket's objects that "
        "parliament's action table asks for (docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html)",
    },
    "bucket": {
        "UNKNOWN_CONDITION_FOR_ACTION": "the Deny of reads outside agreements covers s3:GetObject* and s3:ListBucket*, whose torrent "
        "and replication actions have no access point key: the negated condition then holds and they are denied, as meant",
        "MISMATCHED_TYPE_BUT_USABLE": "s3:DataAccessPointArn is a string key in S3's documentation, matched with StringLike",
    },
    "identity": {},
}

# identity documents with a finding that is their purpose, each with its reason (only that finding, only for them).
IDENTITY_FINDINGS = {
    "-quality-policy": {
        "PERMISSIONS_MANAGEMENT_ACTIONS": "iam:PassRole of the quality role itself, to Glue alone (iam:PassedToService): Glue Data Quality "
        "evaluates a ruleset as the role the run names (docs.aws.amazon.com/glue/latest/webapi/API_StartDataQualityRulesetEvaluationRun.html)",
    },
}

# checkov checks that do not apply, each with its reason.
CHECKOV_SKIPS = {
    "CKV_K8S_43": "Image should use digest: governance (MESH-010) accepts immutable version tags as well as "
    "digests; tag-pinned jobs pull with imagePullPolicy Always so the registry's immutability is checked at every start",
}


@pytest.fixture(scope="module", params=["dev", "prod"])
def evaluation(request):
    return evaluate(request.param)


KINDS = {
    tokens.ROLE_POLICY: "identity",
    tokens.MANAGED_POLICY: "identity",
    tokens.BUCKET_POLICY: "bucket",
    tokens.ACCESS_POINT: "access point",
    tokens.KEY: "key",
}


def documents(evaluation, kinds: set[str]) -> list[tuple[str, str, str]]:
    found = []
    for r in evaluation.resources:
        if r.type == tokens.ROLE and "trust" in kinds:
            found.append(("trust", r.name, r.inputs["assumeRolePolicy"]))
        elif KINDS.get(r.type) in kinds:
            found.append((KINDS[r.type], r.name, r.inputs["policy"]))
    return found


def parliament_findings(document: str) -> list[str]:
    policy = analyze_policy_string(document, include_community_auditors=True)
    return [f"{f.issue}: {f.detail}" for f in policy.findings]


def test_parliament_can_fail():
    bad = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}]}
    assert parliament_findings(json.dumps(bad))


def test_every_identity_and_resource_policy_passes_parliament(evaluation):
    docs = documents(evaluation, set(RESOURCE_POLICY_FINDINGS))
    assert {kind for kind, _, _ in docs} == set(RESOURCE_POLICY_FINDINGS)
    def expected(kind: str, name: str) -> dict:
        return {**RESOURCE_POLICY_FINDINGS[kind], **next((v for k, v in IDENTITY_FINDINGS.items() if kind == "identity" and name.endswith(k)), {})}

    findings = {name: [f for f in parliament_findings(doc) if f.split(":")[0] not in expected(kind, name)] for kind, name, doc in docs}
    assert {n: f for n, f in findings.items() if f} == {}


def test_trust_policies_pass_parliament_but_for_their_missing_resource(evaluation):
    docs = documents(evaluation, {"trust"})
    assert docs
    for _, name, doc in docs:
        issues = {f.split(":")[0] for f in parliament_findings(doc)}
        assert issues <= {TRUST_ONLY_FINDING}, (name, issues)


def cloudsplaining_risks(document: str) -> dict[str, list[str]]:
    policy = PolicyDocument(json.loads(document))
    risks = {
        "privilege_escalation": [e["type"] for e in policy.allows_privilege_escalation],
        "data_exfiltration": policy.allows_data_exfiltration_actions,
        "resource_exposure": policy.permissions_management_without_constraints,
        "credentials_exposure": policy.credentials_exposure,
        "infrastructure_modification": policy.infrastructure_modification,
    }
    return {k: v for k, v in risks.items() if v}


def test_cloudsplaining_can_fail():
    bad = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "iam:PassRole", "ec2:RunInstances"], "Resource": "*"}]}
    risks = cloudsplaining_risks(json.dumps(bad))
    assert {"data_exfiltration", "privilege_escalation"} <= set(risks)


def test_no_identity_policy_carries_a_cloudsplaining_risk(evaluation):
    docs = documents(evaluation, {"identity"})
    assert any(name.endswith("/reads") for _, name, _ in docs)  # the slots are judged too
    assert docs
    assert {name: r for _, name, doc in docs if (r := cloudsplaining_risks(doc))} == {}


def checkov_binary() -> str:
    candidates = [os.environ.get("MESHPLANE_CHECKOV"), str(ROOT / ".venv-checkov" / "bin" / "checkov")]
    for candidate in filter(None, candidates):
        if Path(candidate).is_file():
            return candidate
    pytest.fail("checkov is not installed: `make test` installs it into .venv-checkov (it cannot share pulumi's venv)")


def run_checkov(folder: Path) -> list[dict]:
    proc = subprocess.run(
        [checkov_binary(), "-d", str(folder), "--framework", "kubernetes", "-o", "json", "--quiet", "--skip-download"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    report = json.loads(proc.stdout) if proc.stdout.strip() else {}
    reports = report if isinstance(report, list) else [report]
    return [f for r in reports if r for f in r.get("results", {}).get("failed_checks", [])]


def test_checkov_can_fail(tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: bad, namespace: x}\nspec:\n  schedule: '@daily'\n"
        "  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n"
        "          containers: [{name: c, image: 'busybox:latest', securityContext: {privileged: true}}]\n"
    )
    failed = {f["check_id"] for f in run_checkov(tmp_path)}
    assert {"CKV_K8S_16", "CKV_K8S_14"} <= failed  # privileged; image tag latest


def test_every_kubernetes_object_passes_checkov(tmp_path_factory):
    folder = tmp_path_factory.mktemp("manifests")
    written = write_manifests([*evaluate("prod").resources, *evaluate("prod-podcasts").resources], folder)
    assert len(written) >= 20
    failed = sorted({(f["check_id"], f["resource"]) for f in run_checkov(folder) if f["check_id"] not in CHECKOV_SKIPS})
    assert failed == []
