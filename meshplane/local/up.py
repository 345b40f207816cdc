"""`meshplane up --local`: the real program under the mock engine, applied to a local AWS emulator.

Everything that can refuse the mesh refuses it before the emulator sees a request: the program's own
checks (a mesh with a problem registers nothing), the governance gate, a resource type with no
applier, a Kubernetes object its schema rejects.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from components import tokens
from meshplane.cloud.inventory import Resource
from meshplane.declarations.mesh import Mesh
from meshplane.declarations.problems import MeshError, Problem
from meshplane.declarations.stack import StackSettings
from meshplane.local import apply as applying
from meshplane.local import changes, deployed
from meshplane.local import manifests as k8s
from meshplane.local.emulator import Aws, changes_mark, connect_all
from meshplane.local.ownership import Journal
from meshplane.local.subjects import aliases, subject
from meshplane.registrations import engine, memo
from meshplane.registrations.engine import Evaluation
from meshplane.registrations.input_check import input_findings
from meshplane.registrations.project import Project

Echo = Callable[[str], None]
Gate = Callable[[Project, Evaluation], list[Problem]]
PROGRESS_FROM = 40  # resources: shorter runs need no progress lines


@dataclass
class UpResult:
    project: Project
    endpoint: str
    evaluation: Evaluation
    report: applying.ApplyReport
    manifests: list[k8s.Manifest]
    out: Path
    state_file: Path
    advisories: list[Problem] = field(default_factory=list)
    evaluate_seconds: float = 0.0
    seconds: float = 0.0
    mark: str | None = None  # the emulator's mark of changes after this run's last write (`changes`)
    key: str | None = None  # the registrations' key (`registrations.memo`): the program this run applied

    @property
    def stack(self) -> str:
        return self.project.stack.name

    @property
    def settings(self) -> StackSettings:
        return self.project.settings

    @property
    def mesh(self) -> Mesh:
        return self.project.mesh


def locator(mesh: Mesh) -> Callable[[Resource], tuple[str, int]]:
    """A resource's declaration: its product's file, else its domain's, else the program."""
    return lambda resource: mesh.declaration(resource.product, resource.domain) or ("__main__.py", 1)


def governance_gate(project: Project, evaluation: Evaluation) -> list[Problem]:
    """The rules `meshplane validate` applies: the program already refuses the mesh rules' mandatory findings; the
    resource rules are what the CrossGuard pack enforces under `pulumi up --policy-pack policies`."""
    from meshplane.governance.baseline import Baseline
    from meshplane.governance.evaluate import evaluate_mesh, evaluate_resources
    from meshplane.registrations.offline import quota_book

    env = project.settings.environment
    merged = Baseline.of(project.mesh, project.federation.open_classifications)  # deploying: the change has merged
    problems = evaluate_mesh(project.mesh, project.federation, env, merged)
    problems += evaluate_resources(evaluation.resources, project.federation, env, project.mesh, quota_book(project))  # the quotas it declares raised
    problems += input_findings(evaluation.resources, project.mesh)  # AWS's own rules: what a call would refuse
    return sorted(problems)


def state_path(out: Path, stack: str) -> Path:
    """The local state file, beside the manifests' folder: what was applied, and what could not be."""
    return out.parent / f"local-state.{stack}.json"


def journal_path(out: Path, stack: str) -> Path:
    """The creates of a run that has not finished, beside the state file (removed when the run finishes)."""
    return out.parent / f"local-journal.{stack}.jsonl"


def unwritable(folder: Path) -> str | None:
    """Why `folder` (made when missing) cannot be written into, or None: asked of the nearest part that exists, so
    nothing is made before the run is known to be able to finish."""
    part = folder.absolute()
    while not part.exists() and part.parent != part:
        part = part.parent
    if not part.is_dir():
        return f"{part} is not a folder"
    try:  # a file made and removed: permissions alone say yes to root, even on a read-only or virtual file system
        with tempfile.TemporaryFile(dir=part):
            pass
    except OSError as exc:
        return f"{part} is not writable ({exc.strerror or exc})"
    return None


def require_writable(out: Path, where: tuple[str, int]) -> None:
    """Before anything is applied: the manifests' folder, and beside it the state and the journal, can be written."""
    for folder in (out, out.parent):
        reason = unwritable(folder)
        if reason:
            raise MeshError([Problem(*where, f"cannot write the manifests to {out} (and the state beside it): {reason}")])


def up(project: Project, endpoint: str, out: Path, gate: Gate | None = governance_gate, echo: Echo = print, on_its_own: bool = False,
       refresh: bool = False) -> UpResult:
    """Evaluate the program for the project's stack, refuse a mesh with a problem, apply it to the emulator at `endpoint`
    (`on_its_own`: an emulator in a process of its own, which the last run may have deployed to: read ahead). When
    nothing the program reads has changed and the emulator has answered no change since the last run applied it, the
    last run's state stands and nothing is read (`changes`), unless `refresh`."""
    started = time.monotonic()
    stack, settings = project.stack.name, project.settings
    evaluation, kept, key = registrations(project, out.parent, echo)  # MeshError: the mesh has problems, nothing is provisioned
    evaluate_seconds = time.monotonic() - started
    where = locator(project.mesh)
    cloud = applying.cloud_resources(evaluation)
    how = "the last run's registrations: nothing the program reads has changed" if kept else "evaluated the program"
    echo(f"{how} for stack {stack}: {len(evaluation.custom())} resources ({len(cloud)} AWS, {len(evaluation.custom()) - len(cloud)} Kubernetes) "
         f"in {evaluate_seconds:.1f} s")

    advisories: list[Problem] = []
    if gate is not None:
        findings = gate(project, evaluation)
        errors = [p for p in findings if p.severity.blocks]
        if errors:
            raise MeshError(errors + [Problem("(governance)", 1, f"{len(errors)} mandatory governance finding(s): nothing is provisioned")])
        advisories = findings
    problems = applying.unsupported(evaluation, where)
    manifests, invalid = k8s.render(evaluation.resources, where)
    if problems or invalid:
        raise MeshError(problems + invalid)

    state_file = state_path(out, stack)
    last = last_run(state_file)
    journal = Journal.open(journal_path(out, stack))  # a run that did not finish began creates: read everything back
    mark = changes_mark(endpoint)  # before this run writes anything
    standing = not refresh and kept and not journal.earlier and unchanged_since(last, endpoint, key, mark)
    report = as_last_applied(evaluation, last) if standing else None
    if report is not None:
        echo(f"the emulator at {endpoint} has answered no change since the last run applied stack {stack} (its mark "
             f"{mark}): its {len(report.applied)} AWS resources stand as that run left them, none read back (`--refresh` reads each)")
    else:
        report, mark = _apply(evaluation, endpoint, settings, last, on_its_own, journal, where, echo, mark)
    k8s.write(manifests, out, previous_manifests(last, out))
    result = UpResult(project, endpoint, evaluation, report, manifests, out, state_file, advisories, evaluate_seconds, mark=mark, key=key)
    result.seconds = time.monotonic() - started
    _write_state(result)
    keys = [a.real["arn"] for a in report.applied if a.resource.type == tokens.KEY and a.real.get("arn")]
    deployed.remember(endpoint, stack, key, memo.memo_path(out.parent, stack), keys)  # for access --check against this emulator
    journal.close()
    return result


def _apply(evaluation: Evaluation, endpoint: str, settings: StackSettings, last: dict, on_its_own: bool, journal: Journal,
           where: Callable[[Resource], tuple[str, int]], echo: Echo, before: str | None) -> tuple[applying.ApplyReport, str | None]:
    """Read each resource back and write what departs from its declaration; with the emulator's mark of changes after
    the last write, when nothing but this run changed the emulator since its mark `before` (else None, as from an
    emulator that keeps no mark: the next run reads everything back)."""
    cloud = applying.cloud_resources(evaluation)
    counted: list[int] = []
    accounts = connect_all(endpoint, settings, counted)
    for account, aws in accounts.items():
        govern_catalog(aws)
    echo(f"applying {len(cloud)} AWS resources to {endpoint} (accounts {', '.join(accounts)}; {settings.region}); "
         "each account's Lake Formation governs its catalog (the account bootstrap docs/access.md asks for)")
    progress = _progress(echo) if len(cloud) >= PROGRESS_FROM else None
    read_ahead = on_its_own and last.get("endpoint") == endpoint  # it holds what the last run applied: read it all at once
    report = applying.apply(evaluation, accounts, settings.account_id, progress, journal, where, known_keys(last), read_ahead)
    return report, changes.own_changes_only(before, changes_mark(endpoint), counted)


def unchanged_since(last: dict, endpoint: str, key: str | None, mark: str | None) -> bool:
    """Whether the last run's state is of this program (its registrations' `key`) at this endpoint, and keeps the
    emulator's `mark`: nothing has changed the emulator since that run applied the stack."""
    return mark is not None and last.get("endpoint") == endpoint and last.get("registrations") == key and last.get("changes") == mark


def as_last_applied(evaluation: Evaluation, state: dict) -> applying.ApplyReport | None:
    """The last run's report, each resource unchanged, when its state holds every AWS resource the evaluation declares
    with the same inputs, and no other (None otherwise: the deployment is read back)."""
    try:
        applied = {a["urn"]: a for a in state.get("applied", ())}
        report = applying.ApplyReport()
        for mock, real in dict(state.get("ids") or {}).items():
            report.ids.learn(mock, real)
        report.ids.substitutions = int(state.get("substitutions", 0))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # a state this run cannot read
    for resource in applying.cloud_resources(evaluation):
        if resource.type in applying.NOT_APPLICABLE:
            report.not_applicable.append((resource, applying.NOT_APPLICABLE[resource.type]))
            continue
        was = applied.pop(resource.urn, None)
        if was is None or was.get("type") != resource.type or was.get("inputs") != resource.inputs or not isinstance(was.get("real"), dict):
            return None
        report.applied.append(applying.Applied(resource, was["real"], applying.UNCHANGED))
    return None if applied else report


def registrations(project: Project, folder: Path, echo: Echo = print, write: bool = True) -> memo.Registrations:
    """The program's registrations for the project's stack: those the last run in `folder` kept when nothing the
    program reads has changed (`registrations.memo`), else the program's, run under the mock engine now; with their key."""

    def run(project: Project) -> Evaluation:
        echo(f"running the program for stack {project.stack.name} under the mock engine")
        return engine.run(project)

    return memo.evaluate(project, folder, run, write)


def govern_catalog(aws: Aws) -> None:
    """An account's bootstrap: Lake Formation, not IAM alone, decides who reads the catalog (no IAMAllowedPrincipals
    default on new databases and tables), and the deployer administers it so it can grant."""
    deployer = aws.client("sts").get_caller_identity()["Arn"]
    aws.client("lakeformation").put_data_lake_settings(
        DataLakeSettings={
            "DataLakeAdmins": [{"DataLakePrincipalIdentifier": deployer}],
            "CreateDatabaseDefaultPermissions": [],
            "CreateTableDefaultPermissions": [],
        }
    )


def _progress(echo: Echo) -> Callable[[int, int, float], None]:
    """A line per quarter, with the rate of that quarter: a rate that falls as the run goes on is a cost that grows."""
    step = {"next": 0.25, "done": 0, "seconds": 0.0}

    def progress(done: int, total: int, seconds: float) -> None:
        if done / total >= step["next"] or done == total:
            rate = (done - step["done"]) / max(seconds - step["seconds"], 1e-6)
            echo(f"  {done}/{total} applied ({seconds:.1f} s; {rate:.0f} resources/s)")
            step["done"], step["seconds"] = done, seconds
            while step["next"] <= done / total:
                step["next"] += 0.25

    return progress


def summary(result: UpResult) -> str:
    """Per domain: products, buckets, tables, roles, grants; then what the emulator does not hold, and the manifests."""
    counts: dict[str, Counter] = {}
    kinds = {
        tokens.BUCKET: "buckets",
        tokens.TABLE: "tables",
        tokens.ROLE: "roles",
        tokens.ROLE_POLICY: "policies",
        tokens.KEY: "keys",
    }
    products: dict[str, set] = {}
    for applied in result.report.applied:
        r = applied.resource
        domain = r.domain or "(stack)"
        counts.setdefault(domain, Counter())
        if r.type in kinds:
            counts[domain][kinds[r.type]] += 1
        if r.product:
            products.setdefault(domain, set()).add(r.product)
    manifests_by_domain = Counter(m.resource.domain or "(stack)" for m in result.manifests)
    header = f"  {'domain':<14} {'products':>8} {'buckets':>8} {'tables':>7} {'roles':>6} {'policies':>9} {'keys':>5} {'manifests':>10}"
    lines = [f"provisioned stack {result.stack} at {result.endpoint} in {result.seconds:.1f} s", header]
    for domain in sorted(counts):
        c = counts[domain]
        lines.append(
            f"  {domain:<14} {len(products.get(domain, ())):>8} {c['buckets']:>8} {c['tables']:>7} {c['roles']:>6} "
            f"{c['policies']:>9} {c['keys']:>5} {manifests_by_domain[domain]:>10}"
        )
    status = Counter(a.status for a in result.report.applied)
    lines.append(
        f"  {len(result.report.applied)} AWS resources: {status[applying.CREATED]} created, {status[applying.UPDATED]} updated, "
        f"{status[applying.UNCHANGED]} unchanged; {result.report.ids.substitutions} mock ID(s) in later inputs replaced by the emulator's"
    )
    lines += repairs(result.report.applied)
    if result.report.pruned:
        lines.append(f"  removed {len(result.report.pruned)} resource(s) no longer declared: {', '.join(result.report.pruned)}")
    lines += [f"note: {note}" for note in result.report.notes]
    by_type = Counter(r.type for r, _ in result.report.not_applicable)
    for typ, n in sorted(by_type.items()):
        reason = applying.NOT_APPLICABLE[typ]
        lines.append(f"NOT APPLIED: {n} x {typ}: not applicable to the emulator ({reason}); recorded in {result.state_file}")
    unvalidated = [m for m in result.manifests if not m.validated]
    lines.append(
        f"  {len(result.manifests)} Kubernetes manifests written to {result.out}: {len(result.manifests) - len(unvalidated)} valid "
        f"(strict, Kubernetes {k8s.KUBERNETES_VERSION})"
        + (f", {len(unvalidated)} without a schema to check ({', '.join(sorted({m.body['kind'] for m in unvalidated}))})" if unvalidated else "")
    )
    if result.advisories:
        lines.append(f"  governance: {len(result.advisories)} advisory finding(s) (`meshplane validate --env {result.settings.environment.value}` lists them)")
    return "\n".join(lines)


SHOWN_REPAIRS = 20  # lines: the state file keeps every one


def repairs(applied: list[applying.Applied]) -> list[str]:
    """What each update changed: the properties that departed from their declarations, as verify names them."""
    updated, names = [a for a in applied if a.status == applying.UPDATED], aliases(a.resource for a in applied)
    shown = [f"  updated {subject(a.resource, names)}: {'; '.join(a.changes) or 'rewritten'}" for a in updated[:SHOWN_REPAIRS]]
    if len(updated) > SHOWN_REPAIRS:
        shown.append(f"  ... and {len(updated) - SHOWN_REPAIRS} more update(s), each with what it changed in the state file")
    return shown


def last_run(state_file: Path) -> dict:
    """The state the last run wrote ({} when there is none, or one this run cannot read)."""
    try:
        state = json.loads(state_file.read_text())
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def known_keys(state: dict) -> frozenset[str]:
    """The KMS key IDs the last run's state names (the stack's keys, should duplicates be found)."""
    try:
        return frozenset(a["real"]["keyId"] for a in state.get("applied", ()) if a.get("type") == tokens.KEY and a.get("real", {}).get("keyId"))
    except (KeyError, TypeError, AttributeError):
        return frozenset()  # a state this run cannot read: the keys are found through their aliases and tags


def previous_manifests(state: dict, out: Path) -> list[str]:
    """The manifests the last run wrote into `out` (those this run does not write are removed)."""
    written = state.get("manifests") or {}
    return list(written.get("files") or []) if isinstance(written, dict) and written.get("dir") == str(out) else []


def _write_state(result: UpResult) -> None:
    report = result.report
    state = {
        "stack": result.stack,
        "endpoint": result.endpoint,
        "account": result.settings.account_id,
        "region": result.settings.region,
        "changes": result.mark,  # the emulator's mark: the same at the next run, nothing has changed it since
        "registrations": result.key,
        "substitutions": report.ids.substitutions,
        "applied_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "applied": [
            {"urn": a.resource.urn, "type": a.resource.type, "name": a.resource.name, "product": a.resource.product,
             "domain": a.resource.domain, "status": a.status, **({"changes": list(a.changes)} if a.changes else {}), "real": a.real, "protect": a.resource.protect, "inputs": a.resource.inputs}
            for a in report.applied
        ],
        "not_applicable": [
            {"urn": r.urn, "type": r.type, "name": r.name, "product": r.product, "domain": r.domain, "reason": reason, "protect": r.protect,
             "status": "not applicable to the emulator", "inputs": report.ids.translate(r.inputs), "program_inputs": r.inputs}
            for r, reason in report.not_applicable
        ],
        "ids": report.ids.items(),  # mock value -> the emulator's
        "pruned": report.pruned,
        "manifests": {
            "dir": str(result.out),
            "files": [m.file for m in result.manifests],
            "without_schema": [m.file for m in result.manifests if not m.validated],
        },
    }
    result.state_file.parent.mkdir(parents=True, exist_ok=True)
    result.state_file.write_text(json.dumps(state, indent=2) + "\n")
