"""The bodies of `meshplane up --local`, `verify` and `access`: plain parameters in, an exit status out."""

from __future__ import annotations

import datetime
import functools
import json
import signal
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from urllib.parse import urlparse

from botocore.exceptions import BotoCoreError, ClientError

from components import tokens
from meshplane.compose.locate import location
from meshplane.compose.stack_plan import scope
from meshplane.declarations.problems import MeshError, Problem, UsageError
from meshplane.declarations.resolve import resolve
from meshplane.declarations.spec import Status
from meshplane.declarations.suggest import did_you_mean
from meshplane.local import deployed
from meshplane.local import up as up_
from meshplane.local import verify as verify_
from meshplane.local.emulator import Emulator, connect_all, error_code, port_is_free, probe, require_loopback
from meshplane.local.lock import StackLock, deployment_lock, lock_path
from meshplane.registrations.engine import Evaluation
from meshplane.registrations.project import Project

Echo = Callable[[str], None]
CHECK_WAITS = 600.0  # seconds `access --check` waits for a run that writes the stack (up --local stops at once instead)


def aws_errors(command):
    """An AWS error the command did not expect is one line, `aws:1: error: ...`, and exit 1: never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (BotoCoreError, ClientError) as exc:
            raise MeshError([Problem("aws", 1, str(exc))]) from None

    return wrapper


def _quiet(line: str) -> None:
    pass


def _err(line: str) -> None:
    print(line, file=sys.stderr)


def _wait_forever() -> None:
    """Until Ctrl-C, or SIGTERM (a service manager's stop), either of which stops the emulator cleanly."""

    def stop(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # stopping: a second signal does not cut the stop short
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:  # started in the background of a script
        signal.signal(signal.SIGINT, stop)
    while True:
        time.sleep(3600)


def manifests_dir(project: Project, out: Path | None) -> Path:
    """--out, else the stack's `meshplane:renderManifests`, else out/manifests (those two under the project's root)."""
    return Path(out) if out else project.root / (project.settings.render_manifests or "out/manifests")


def given_at(project: Project, flag: str, given: object, key: str) -> tuple[str, int]:
    """Where a value was chosen: on the command line (`flag`), else at the stack file's `meshplane:<key>` line."""
    stack = project.stack
    if given or stack is None or stack.source is None:
        return (flag, 1)
    return (stack.source.path, stack.line_of(key))


def emulator_at(project: Project, endpoint: str | None) -> str:
    """`endpoint` (else the stack's), once known to be on this machine, with a valid port, and to answer as an AWS
    emulator within 10 s."""
    where = given_at(project, "--endpoint", endpoint, "awsEndpoint")
    endpoint = require_loopback(endpoint or project.settings.aws_endpoint or "", where)
    probe(endpoint, project.settings.region, where)
    return endpoint


@aws_errors
def up_local(
    project: Project,
    endpoint: str | None = None,
    serve: bool = False,
    out: Path | None = None,
    echo: Echo = print,
    wait: Callable[[], None] = _wait_forever,
    then_verify: bool = False,
    then_check: bool = False,
    then_data: bool = False,
    then_test: bool = False,
    then_status: bool = False,
    refresh: bool = False,
) -> int:
    """Provision the project's stack into the emulator at `endpoint`, or into a moto server started here (kept with
    `serve`); `refresh` reads every resource back even from an emulator that has answered no change since the last
    run. `then_verify` and `then_check` read the result back and prove the access matrix before the emulator stops;
    `then_data` writes each served product's sample rows as its job role, then `then_test` runs `meshplane test` and
    `then_status` `meshplane status` on what the emulator holds."""
    where_out, out = given_at(project, "--out", out, "renderManifests"), manifests_dir(project, out)
    up_.require_writable(out, where_out)
    stack = project.stack.name
    lock = StackLock(lock_path(out.parent, stack), stack, echo)
    lock.acquire()  # before an emulator starts or anything is read: a second run stops at once, naming the holder
    emulator, deployment = None, None
    try:
        if endpoint:
            endpoint = emulator_at(project, endpoint)
            if serve:
                echo(f"note: --serve has no effect with --endpoint: the emulator at {endpoint} runs on its own")
        else:
            emulator = Emulator(_serve_port(project) if serve else 0)
            endpoint = emulator.start()
        deployment = writing(endpoint, stack, echo, fresh=emulator is not None)
        deployment.acquire()  # another run writing this stack to this emulator, whatever its state folder: stop at once
        if emulator is not None:
            echo(f"started a moto server at {endpoint}")
        result = up_.up(project, endpoint, out, echo=echo, on_its_own=emulator is None, refresh=refresh)
        echo(up_.summary(result))
        status = 0
        if then_verify:  # the program as just applied: not evaluated a second time
            status = max(status, _verify(project, endpoint, result.evaluation, echo, _err))
        if then_check:
            status = max(status, access_matrix(project, True, endpoint, echo=echo, evaluation=result.evaluation, locked=True, in_process=emulator is not None))
        if then_data:
            write_samples(project, endpoint, echo)
        if then_test:
            status = max(status, test_quality(project, endpoint=endpoint, echo=echo))
        if then_status:
            status = max(status, status_stack(project, endpoint, datetime.datetime.now(datetime.UTC), echo=echo))
        lock.release()  # what follows only serves the emulator: other runs may write to it
        deployment.release()
        if emulator is None:
            return status
        if not serve:
            echo(f"the emulator stops with this command: `--serve` keeps it running, `--endpoint URL` uses one that runs")
            return status
        echo(serve_hint(result))
        try:
            wait()
        except KeyboardInterrupt:
            echo("\nstopping the emulator")
        return status
    finally:
        lock.release()
        if deployment is not None:
            deployment.release()
        if emulator is not None:
            emulator.stop()
            deployed.forget(endpoint, stack)


def writing(endpoint: str, stack: str, echo: Echo, wait: float = 0.0, fresh: bool = False) -> StackLock:
    """The lock of the stack's deployment in the emulator at `endpoint` (`fresh`: an emulator this process started)."""
    return StackLock(deployment_lock(endpoint, stack), stack, echo, wait=wait, what=f"stack {stack} in the emulator at {endpoint}", fresh=fresh)


def _serve_port(project: Project) -> int:
    """The port the stack names for its emulator (so `pulumi up -s local` reaches the same one) when free, else any."""
    configured = project.settings.aws_endpoint
    if configured:
        parsed = urlparse(configured)
        if parsed.hostname in ("127.0.0.1", "localhost") and parsed.port and port_is_free(parsed.port):
            return parsed.port
    return 0


def serve_hint(result: up_.UpResult) -> str:
    e, s = result.endpoint, result.settings
    some_bucket = next((a.real["id"] for a in result.report.applied if a.resource.type == tokens.BUCKET), "BUCKET")
    some_role = next((a.real["id"] for a in result.report.applied if a.resource.type == tokens.ROLE), "ROLE")
    database = next((a.real["id"] for a in result.report.applied if a.resource.type == tokens.DATABASE), "DATABASE")
    return "\n".join(
        [
            f"the emulator serves at {e} until Ctrl-C (credentials: any, e.g. AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test; region {s.region})",
            f"  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION={s.region}",
            f"  aws --endpoint-url {e} s3 ls",
            f"  aws --endpoint-url {e} s3api get-bucket-encryption --bucket {some_bucket}",
            f"  aws --endpoint-url {e} glue get-tables --database-name {database}",
            f"  aws --endpoint-url {e} iam list-role-policies --role-name {some_role}",
            f"  python -c 'import boto3; print(boto3.client(\"s3\", endpoint_url=\"{e}\", region_name=\"{s.region}\", "
            f"aws_access_key_id=\"test\", aws_secret_access_key=\"test\").list_buckets()[\"Buckets\"])'",
            f"  meshplane verify --env {result.stack} --endpoint {e}",
            f"  meshplane access --env {result.stack} --check --endpoint {e}",
        ]
    )


@aws_errors
def write_samples(project: Project, endpoint: str | None = None, echo: Echo = print, at: datetime.datetime | None = None) -> int:
    """Write each served product's sample rows into the emulator at `endpoint` (else the stack's) as its job role."""
    from meshplane.local import sample_data  # imported by the commands that need it: a rerun starts sooner

    endpoint = emulator_at(project, endpoint)
    at = at or datetime.datetime.now(datetime.UTC)
    written = sample_data.write(project, connect_all(endpoint, project.settings), at, echo=echo)
    rows = sum(w.rows for w in written)
    echo(f"data: {_n(len(written), 'product')} written by their job roles ({rows:,} rows, {sum(w.size for w in written):,} bytes)")
    return 0


@aws_errors
def verify_stack(project: Project, endpoint: str | None = None, echo: Echo = print, err: Echo = _err, as_json: bool = False) -> int:
    """Read the deployed state of the project's stack (the emulator it or --endpoint names, else real AWS) and report
    every departure."""
    if endpoint or project.settings.aws_endpoint:
        where = given_at(project, "--endpoint", endpoint, "awsEndpoint")
        endpoint = endpoint or project.settings.aws_endpoint
        probe(endpoint, project.settings.region, where)
    evaluation = up_.registrations(project, manifests_dir(project, None).parent, _quiet, write=False).evaluation
    return _verify(project, endpoint, evaluation, echo, err, as_json)


def _verify(project: Project, endpoint: str | None, evaluation: Evaluation, echo: Echo, err: Echo, as_json: bool = False) -> int:
    """`verify_stack` for a program already evaluated (by `up --local --verify`)."""
    stack, settings = project.stack.name, project.settings
    accounts = connect_all(endpoint, settings)
    where = endpoint or f"AWS accounts {', '.join(accounts)} ({settings.region})"
    report = verify_.verify(evaluation, project.mesh, settings, accounts)
    if as_json:
        echo(json.dumps({"stack": stack, "at": where, "products": report.products, "domains": report.domains, "checked": report.checked, "calls": report.calls,
                         "findings": [f.as_json() for f in report.findings]}, indent=2))  # fmt: skip
    checked = ", ".join(f"{n} {what}" for what, n in report.checked.items())
    (err if as_json else echo)(calls_per_resource(report))
    if report.findings:
        for finding in report.findings:
            err(str(finding))
        owners = {f.message.split(":", 1)[0] for f in report.findings}
        err(f"verify: {len(report.findings)} finding(s) in {len(owners)} product(s)/domain(s) of stack {stack} at {where}")
        return 1
    (err if as_json else echo)(f"verify: stack {stack} at {where}: {_n(report.products, 'product')} in {_n(report.domains, 'domain')} match their declarations "
         f"(checked {checked})")
    return 0


@aws_errors
def status_stack(project: Project, endpoint: str | None, at, echo: Echo = print, err: Echo = _err, as_json: bool = False, domains=()) -> int:
    """Each product's freshness, alarm and quality where the stack is deployed (the emulator it or --endpoint names, else
    real AWS), judged as of `at`; exit 1 when a product in scope is stale, failing or never written."""
    from meshplane.local import status as status_

    if endpoint or project.settings.aws_endpoint:
        where = given_at(project, "--endpoint", endpoint, "awsEndpoint")
        endpoint = endpoint or project.settings.aws_endpoint
        probe(endpoint, project.settings.region, where)
    accounts = connect_all(endpoint, project.settings)
    report = status_.status(project.mesh, project.settings, accounts.__getitem__, at, emulator=endpoint is not None, domains=domains)
    if as_json:
        echo(json.dumps({"stack": project.stack.name, **report.as_json()}, indent=2))
    else:
        for line in status_.text(report):
            echo(line)
    broken = [p.address for p in report.products if p.broken]
    (err if as_json else echo)(
        f"status: {len(report.products)} product(s) as of {at.isoformat()}, {len(broken)} stale, failing or never written; "
        f"{report.calls_per_product:.1f} API calls per product read ({report.calls} calls, {report.read} products)"
    )
    return 1 if broken else 0


def calls_per_resource(report: verify_.VerifyReport) -> str:
    """The API calls verify made per resource of each type (the same at any mesh size: nothing is read per pair), and
    those made to list what nobody declares."""
    per = ", ".join(f"{what} {report.calls.get(what, 0) / n:.1f}" for what, n in sorted(report.checked.items()))
    listings, total = report.calls.get("listings", 0), max(1, sum(report.checked.values()))
    return f"verify: API calls per resource: {per}; and {listings / total:.1f} per resource to find what nobody declares ({listings} calls)"


@aws_errors
def access_matrix(
    project: Project,
    check: bool = False,
    endpoint: str | None = None,
    as_json: bool = False,
    echo: Echo = print,
    err: Echo = _err,
    evaluation: Evaluation | None = None,
    locked: bool = False,
    whole: Project | None = None,
    in_process: bool = False,
) -> int:
    """Print the access matrix of the project's stack; with `check`, prove it against the deployment in the emulator (it
    writes probe objects and switches IAM enforcement while it probes: it holds the stack's lock, waiting for a run that holds it, unless `locked`).

    `whole`: the stack's project when `project` is narrowed to some domains (--domain): the check then decides every
    principal of the whole stack on those domains' products, and their principals on every product. `in_process`: the
    emulator runs in this process, so moto's enforcement is asked here for every pair (else over HTTP, for a sample)."""
    from meshplane.local import access as access_  # the evaluator and principalmapper: imported when asked for
    from meshplane.local import admin_check

    stack, settings = project.stack.name, project.settings
    matrix = access_.matrix(project)
    echo(access_.dumps(matrix) if as_json else access_.render(matrix))
    if not check:
        return 0
    if not (endpoint or settings.aws_endpoint):
        err(f"meshplane access: error: --check needs a local emulator: --endpoint URL (stack {stack} names none)")
        return 2
    endpoint = emulator_at(project, endpoint)
    decided_on, scope = matrix, None
    if whole is not None and settings.domains is not None:
        decided_on = access_.matrix(whole)
        scope = access_.scope_of(decided_on, list(settings.domains))
        evaluation = None  # the whole stack's registrations: every principal and product of the stack is read back
    with nullcontext() if locked else writing(endpoint, stack, err, CHECK_WAITS):
        accounts = connect_all(endpoint, (whole or project).settings)
        evaluation = evaluation or registrations_held(whole or project, endpoint, accounts, echo if not as_json else err)
        report = access_.check(decided_on, evaluation, accounts, settings.account_id, settings.region, endpoint, echo=echo if not as_json else err,
                               scope=scope, in_process=in_process)  # fmt: skip
        admin = admin_check.check(whole or project, evaluation, accounts, echo=echo if not as_json else err)
    for mismatch in (mismatches := sorted([*report.mismatches, *admin.mismatches])):
        err(str(mismatch))
    proven = (f"moto ({report.moto}) agrees on the identity half of {report.probed:,} pairs: {report.allowed:,} allowed by identity, "
              f"{report.denied:,} denied{f', {report.unsent:,} denied pairs not sent' if report.unsent else ''}")  # fmt: skip
    if mismatches:
        err(f"access check: {len(mismatches)} departure(s) from the declared matrix ({report.decided:,} cells decided, "
            f"{report.rate()}; {proven}; {admin.decided} administrative cells)")  # fmt: skip
        return 1
    (err if as_json else echo)(
        f"access check: all {report.decided:,} principal x product x action cells are as declared, rogue roles denied everything "
        f"({report.rate()}; evaluator over the documents read back; {proven}); {admin.decided} administrative "
        "cells as expected: with the perimeter, every rogue denied and each deployer allowed"
    )
    return 0


def registrations_held(project: Project, endpoint: str, accounts: dict, echo: Echo) -> Evaluation:
    """The registrations of the stack's deployment the emulator at `endpoint` holds, as the run that applied it kept them
    (whatever its --out), when the program is unchanged since; else the program's (kept in the project's out/ under the
    same key, or run now)."""
    evaluation, why = deployed.held(project, endpoint, accounts)
    if evaluation is not None:
        echo(f"registrations: {why}")
        return evaluation
    evaluation, kept, _ = up_.registrations(project, manifests_dir(project, None).parent, _quiet, write=False)
    echo(f"registrations: {why}: {'those kept in out/ for the same program' if kept else 'ran the program under the mock engine'}")
    return evaluation


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def test_quality(project: Project, products: list[str] | None = None, endpoint: str | None = None, fmt: str = "text",
                 bound: int | None = None, echo: Echo = print, err: Echo = _err) -> int:  # fmt: skip
    """Run each product's quality rules on its current version's data where the stack deploys it (the emulator it or
    --endpoint names, else real AWS by the default credential chain); store each result beside the data. Exit 1 when
    an error rule fails."""
    from meshplane.local import quality as quality_  # DuckDB: imported when asked for
    from meshplane.local import quality_role

    bound = quality_.BOUND if bound is None else bound
    settings = project.settings
    chosen = _chosen(project, products)
    if endpoint or settings.aws_endpoint:
        where = given_at(project, "--endpoint", endpoint, "awsEndpoint")
        endpoint = endpoint or settings.aws_endpoint
        probe(endpoint, settings.region, where)
    accounts = connect_all(endpoint, settings)
    reports, problems = [], []
    for declared in chosen:
        port = resolve(declared.spec, settings.environment).output
        bucket = location(settings, declared, port.version).bucket
        try:
            role = quality_role.assume(accounts[settings.account_of(declared.domain)], settings, declared, port.version)
            reports.append(quality_.run(role.writes, declared.address, port.version, port, bucket, bound,
                                        through=(role.reads, role.access_point), cloudwatch=role.metrics))  # fmt: skip
        except ClientError as exc:
            problems.append(Problem(declared.source.path, declared.source.line_of(("output",)), quality_role.refused(declared, bucket, exc)))
    if problems:
        raise MeshError(problems)
    if fmt == "json":
        echo(json.dumps([r.as_json() for r in reports], indent=2))
    elif fmt == "junit":
        echo(quality_.junit(reports))
    else:
        echo(quality_.text(reports))
    failed = [r.product for r in reports if r.failed]
    if failed:
        err(f"test: an error rule failed in {', '.join(failed)}")
    return 1 if failed else 0


def _chosen(project: Project, products: list[str] | None):
    """The stack's served products, or those `--product` names (an address, or a name unique in the scope)."""
    served = [p for d in scope(project.mesh, project.settings) for p in project.mesh.products_of(d) if p.spec.status is not Status.retired]
    if not products:
        return served
    found, wrong = [], []
    for i, wanted in enumerate(products, 1):
        match = [p for p in served if wanted in (p.address, p.spec.name)]
        if len(match) == 1:
            found.append(match[0])
        else:
            known = [p.address for p in served]
            wrong.append(Problem("--product", i, f"{wanted!r} is no served product of stack {project.stack.name}"
                                 f"{did_you_mean(wanted, known)}{' (give its address)' if match else ''}"))  # fmt: skip
    if wrong:
        raise UsageError(wrong)
    return found
