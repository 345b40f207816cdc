"""What each command does, as functions tests call directly; `cli.py` only parses arguments."""

from __future__ import annotations

import argparse
import json
import sys

from meshplane import snapshot
from meshplane.declarations.deployments import project_problems
from meshplane.declarations.mesh import Mesh
from meshplane.declarations.problems import MeshError, Problem, Severity, blocking
from meshplane.declarations.resolve import resolve
from meshplane.declarations.spec import Environment
from meshplane.declarations.stack import stack_file
from meshplane.governance.baseline import Baseline
from meshplane.governance.evaluate import evaluate_mesh, evaluate_resources
from meshplane.governance.registry import RULES
from meshplane.registrations.input_check import input_findings
from meshplane.registrations.offline import offline
from meshplane.declarations.targets import DEFAULT_ENVIRONMENT, target
from meshplane.registrations.project import DOMAINS, Project, domain_folders, find_root, open_project
from meshplane.reports.graph import render
from meshplane.reports.schema import write_schemas
from meshplane.review import findings


def summary(mesh: Mesh, env: Environment, open_to_mesh) -> str:
    """The mesh (or, read around some domains, their part of it) in a few lines per domain."""
    domains = [d for d in mesh.domains if mesh.answers_for(d)]
    products = [p for d in domains for p in mesh.products_of(d)]
    touches = lambda producer, consumer: mesh.answers_for(producer) or mesh.answers_for(consumer)  # noqa: E731
    grants = [g for g in mesh.grants(open_to_mesh) if touches(g.producer, g.consumer)]
    refused = [(src, dst) for src, dst in mesh.refused_inputs(open_to_mesh) if touches(src, dst)]
    inputs = sum(1 for src, dst in mesh.edges() if touches(src, dst))
    what = "mesh" if mesh.around is None else f"mesh around {', '.join(sorted(mesh.around))}"
    lines = [f"{what}: {len(domains)} domains, {len(products)} products, {inputs} inputs, {len(grants)} grants, {len(refused)} refused ({env.value})"]
    for domain in domains:
        lines.append(f"  {domain}")
        for declared in mesh.products_of(domain):
            p = resolve(declared.spec, env)
            lines.append(
                f"    {declared.spec.name:<24} {p.kind.value:<17} {p.classification.value:<13} "
                f"retention {p.retention_days}d  {p.job.engine.value} {p.job.schedule!r}"
            )
    for src, dst in refused:
        lines.append(f"  refused: {dst} reads {src}, which does not list it as a consumer")
    return "\n".join(lines)


def project_of(args: argparse.Namespace) -> Project:
    """The command's project, loaded once, with the global --domains and --federation."""
    return open_project(domains=args.domains, federation=args.federation)


def stack_name(args: argparse.Namespace) -> str:
    """The stack a command works on: --stack, else the environment's (--env, else every command's default) or, with
    --domain, the stack of that environment deploying those domains (`meshplane.declarations.targets`)."""
    root = find_root()
    return target(root, args.env, args.stack, args.domain or [], domain_folders(args.domains or root / DOMAINS))


def stack_project(args: argparse.Namespace, quotas: bool = False, name: str | None = None) -> Project:
    """The project on the command's stack (`name`, else the command line's), narrowed by --domain; the mesh read around
    the domains it deploys (with `quotas`, around every domain sharing their accounts too)."""
    overrides = {"meshplane:domains": json.dumps(args.domain)} if args.domain else None
    return open_project(
        domains=args.domains, federation=args.federation, stack=name or stack_name(args), overrides=overrides, scoped=True, quotas=quotas
    )


def validate(args: argparse.Namespace) -> int:
    name = stack_name(args)
    if args.stack is not None or args.domain or (find_root() / stack_file(name)).is_file():
        project = stack_project(args, quotas=True, name=name)
        env = project.settings.environment
    else:  # an environment without a stack of its own: the declarations alone
        project, env = project_of(args), Environment(name)
    mesh, federation = project.mesh, project.federation
    base, against = baseline(project, env, args.base)
    problems = evaluate_mesh(mesh, federation, env, base)
    problems += project_problems(project.root, mesh, project.domain_folders())
    scope = "mesh rules" + ("" if project.stack else f"; no resource rules: the project has no stack {stack_file(env.value)}")
    resources = 0
    if project.stack is not None and not blocking(problems):  # resources only of a mesh that may deploy
        stack = offline(project, whole_mesh=True)  # every account's quotas, whatever stack deploys what
        problems += evaluate_resources(stack.resources, federation, env, mesh, stack.book)
        problems += input_findings(stack.resources, mesh)
        resources = sum(r.custom for r in stack.resources if mesh.answers_for(r.product or r.domain))
        scope = f"mesh, resource and limit rules over {resources:,} resources"
        if stack.book.partial:
            scope += f"; the account-wide quotas of {', '.join(sorted(stack.book.partial))} are the whole environment's run's"
    if args.format == "json":
        print(json.dumps({**findings_json(env, project, problems, resources), "base": against}, indent=2))
    elif args.format == "text":
        print(summary(mesh, env, federation.open_classifications))
        if against:
            print(f"refused inputs judged against {against}")
    else:
        print(report(args.format, problems, f"meshplane/validate/{env.value}"))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        errors = sum(p.severity.blocks for p in problems)
        print(f"{len(problems)} governance finding(s): {errors} mandatory, {len(problems) - errors} advisory", file=sys.stderr)
    elif args.format == "text":
        print(f"governance: {len(RULES)} rules ({scope}), no finding for {env.value}")
    return 1 if blocking(problems) else 0


def baseline(project: Project, env: Environment, ref: str | None) -> tuple[Baseline | None, str | None]:
    """The mesh before the change under review, and what it is: `--base REF`'s; without one, inside a git checkout, the
    merge-base with the upstream branch's (`gitref.upstream_base`); else none, and a refused input is only a warning.
    Read only when an input is refused, the one thing a baseline decides."""
    from meshplane.review.gitref import commit_of, upstream_base

    if ref:
        commit_of(project.root, ref)  # a ref that is not there is an error, needed or not
    if not project.mesh.refused_inputs(project.federation.open_classifications):
        return None, None
    if ref:
        return Baseline.of_snapshot(snapshot.of_ref(project.root, ref, env.value)), ref
    found = upstream_base(project.root)
    if found is None:
        return None, None
    taken = snapshot.of_ref(project.root, found[0], env.value)
    if taken.get("problems"):  # a base that does not load tells nothing: every refusal is a warning
        return None, None
    return Baseline.of_snapshot(taken), found[1]


def rule_descriptors() -> list[findings.Descriptor]:
    return [findings.Descriptor(r.id, r.title, r.rationale, r.severity, (r.scope.value,)) for r in RULES.values()]


def report(fmt: str, problems: list[Problem], category: str) -> str:
    """Problems in a machine format: SARIF 2.1.0 or GitHub workflow commands."""
    if fmt == "sarif":
        return json.dumps(findings.sarif(problems, rule_descriptors(), category), indent=2)
    return findings.github(problems)


def problems_report(args: argparse.Namespace, problems: list[Problem]) -> str | None:
    """What a command in a machine format prints on stdout when problems stop it (text prints nothing more)."""
    if args.format == "json":
        return json.dumps({"problems": [p.as_json() for p in problems]}, indent=2)
    if args.format in ("sarif", "github"):
        named = getattr(args, "env", None) or getattr(args, "stack", None) or DEFAULT_ENVIRONMENT
        return report(args.format, problems, f"meshplane/{args.command}/{named}")
    return None


def findings_json(env: Environment, project: Project, problems: list[Problem], resources: int) -> dict:
    errors = sum(p.severity.blocks for p in problems)
    return {
        "environment": env.value,
        "stack": project.stack.name if project.stack else None,
        "domains": project.settings.domains if project.stack else None,
        "products": len([p for p in project.mesh.products if project.mesh.answers_for(p)]),
        "resources": resources,
        "rules": len(RULES),
        "findings": [p.as_json() for p in problems],
        "mandatory": errors,
        "advisory": len(problems) - errors,
    }


def diff(args: argparse.Namespace) -> int:
    from meshplane.review import diff as differ
    from meshplane.review import diff_report

    project = project_of(args)

    def head(stacks: list[str]) -> dict:  # read by its own program (this process, when it runs from the working tree); --domains: this one
        return snapshot.of_project(project, args.env, stacks) if args.domains else snapshot.of_tree(project.root, args.env, stacks)

    found = differ.build(*snapshot.sides(project.root, args.base, args.env, args.stack, head), project, args.base, args.env)
    if args.format == "text":
        print(diff_report.text(found))
    elif args.format == "json":
        print(json.dumps(diff_report.as_json(found), indent=2))
    elif args.format == "sarif":
        print(json.dumps(findings.sarif(found.problems, [*rule_descriptors(), *differ.descriptors()], f"meshplane/diff/{args.env}"), indent=2))
    else:
        print(findings.github(found.problems))
    for problem in found.problems:
        if problem.severity is not Severity.note:
            print(problem, file=sys.stderr)
    return 1 if found.blocking else 0


def stacks(args: argparse.Namespace) -> int:
    from meshplane.review import affected, stacks_report

    if args.files and args.base:
        print("meshplane stacks: error: name the changed FILEs or --base REF, not both", file=sys.stderr)
        return 2
    if (args.files or args.base) and not args.changed:
        print("meshplane stacks: error: FILEs and --base go with --changed", file=sys.stderr)
        return 2
    project = project_of(args)
    if not args.changed:
        found = affected.every_stack(project)
    elif args.files:
        found = affected.affected(project, [relative_to(project.root, f) for f in args.files], None, None)
    else:
        ref = args.base or "HEAD"
        files, base = affected.of_ref(project.root, ref)
        found = affected.affected(project, files, base, ref)
    print(json.dumps(stacks_report.as_json(found), indent=2) if args.format == "json" else stacks_report.text(found))
    return 0


def relative_to(root, name: str) -> str:
    """A FILE as the change names it: relative to the project (from the working directory, or as given)."""
    from pathlib import Path

    path = Path(name)
    candidate = (Path.cwd() / path).resolve()
    try:
        return candidate.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix().removeprefix("./")


def codeowners(args: argparse.Namespace) -> int:
    from meshplane.review import codeowners as owners

    project = project_of(args)
    prefix = owners.prefix_in_repository(project.root)
    text, warnings = owners.render(project, prefix)
    top = project.root.parents[prefix.count("/") - 1] if prefix else project.root
    path = top / owners.PATH
    for problem in warnings:
        print(problem, file=sys.stderr)
    current = path.read_text() if path.is_file() else None
    if args.check:
        if current != text:
            print(Problem(str(owners.PATH), 1, "out of date with the declarations: run `meshplane codeowners`"), file=sys.stderr)
            return 1
        print(f"{owners.PATH} is up to date")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print(f"wrote {path}")
    return 0


def graph(args: argparse.Namespace) -> int:
    project = project_of(args)
    print(render(project.mesh, project.mesh.grants(project.federation.open_classifications), args.format))
    return 0


def plan(args: argparse.Namespace) -> int:
    from meshplane.registrations import engine
    from meshplane.reports.plan import as_json, render

    project = stack_project(args)
    evaluation = engine.run(project)
    pending = pending_agreements(project)
    if args.state is not None:
        from meshplane.review import deployed, plan_changes

        stack, name = deployed.urn_parts(evaluation.resources[0].urn) if evaluation.resources else (project.stack.name, None)
        state = deployed.read(args.state, stack, name)
        found = plan_changes.against(evaluation.resources, state)
        if args.format == "json":
            print(json.dumps({**plan_changes.as_json(project.stack.name, str(args.state), found), "agreements": pending}, indent=2))
        else:
            print(plan_changes.render(project.stack.name, str(args.state), found, len(state.records)))
            print(agreements_text(pending))
        return 0
    if args.format == "json":
        print(json.dumps({**as_json(project.stack.name, evaluation.resources, args.aliases), "agreements": pending}, indent=2))
    else:
        print(render(project.stack.name, evaluation.resources, args.aliases))
        print(agreements_text(pending))
    return 0


def pending_agreements(project: Project) -> list[dict]:
    """The agreements of the stack's products that one side still waits for: refused (the consumer reads, the producer does
    not agree) and pending (the producer agrees, the consumer does not read it yet)."""
    mesh = project.mesh
    touches = lambda a, b: mesh.answers_for(a) or mesh.answers_for(b.split("/")[0] if "/" not in b else b)  # noqa: E731
    refused = [{"producer": p, "consumer": c, "state": "refused"} for p, c in mesh.refused_inputs(project.federation.open_classifications) if touches(p, c)]
    pending = [{"producer": p, "consumer": c, "state": "pending"} for p, c in mesh.pending() if touches(p, c)]
    return refused + pending


def agreements_text(waiting: list[dict]) -> str:
    if not waiting:
        return "agreements: every declared input is granted, and every listed consumer reads"
    lines = [f"agreements: {len(waiting)} waiting for one side"]
    for a in waiting:
        if a["state"] == "refused":
            lines.append(f"  ? refused  {a['consumer']} reads {a['producer']}: the producer does not list it (no grant)")
        else:
            lines.append(f"  ? pending  {a['producer']} agrees to serve {a['consumer']}, which does not read it yet")
    return "\n".join(lines)


def schema(args: argparse.Namespace) -> int:
    project = project_of(args)
    for path in write_schemas(args.out or project.root / "schemas", project.federation):
        print(f"wrote {path}")
    return 0


def up(args: argparse.Namespace) -> int:
    from meshplane.local.run import up_local

    if not args.local:
        print("meshplane up: error: only --local is built in; provision a cloud account with `pulumi up -s <stack>`", file=sys.stderr)
        return 2
    return up_local(stack_project(args), args.endpoint, args.serve, args.out, then_verify=args.verify, then_check=args.check,
                    then_data=args.data, then_test=args.test, then_status=args.status, refresh=args.refresh)


def verify(args: argparse.Namespace) -> int:
    from meshplane.local.run import verify_stack

    return verify_stack(stack_project(args), args.endpoint, as_json=args.format == "json")


def test(args: argparse.Namespace) -> int:
    from meshplane.local.run import test_quality

    return test_quality(stack_project(args), args.product, args.endpoint, args.format, args.bound_mib * 1024 * 1024)


def status(args: argparse.Namespace) -> int:
    import datetime

    from meshplane.local.run import status_stack

    at = args.at or datetime.datetime.now(datetime.timezone.utc)
    return status_stack(stack_project(args), args.endpoint, at, as_json=args.format == "json", domains=args.domain or ())


def access(args: argparse.Namespace) -> int:
    from meshplane.local.run import access_matrix

    whole = stack_project(argparse.Namespace(**{**vars(args), "domain": None}), name=stack_name(args)) if args.domain and args.check else None
    return access_matrix(stack_project(args), args.check, args.endpoint, args.format == "json", whole=whole)


def quotas(args: argparse.Namespace) -> int:
    from meshplane.reports import quota_report

    project = stack_project(args, quotas=True)
    rows = offline(project, whole_mesh=True).usage()
    if args.format == "json":
        print(json.dumps(quota_report.as_json(project.stack.name, rows), indent=2))
    else:
        print(quota_report.render(project.stack.name, rows, project.federation.headroom))
    return 1 if any(r.used > r.limit for r in rows) else 0


def export(args: argparse.Namespace) -> int:
    from meshplane.declarations.deployments import read_stacks, stacks_named
    from meshplane.export import odcs, odps
    from meshplane.export.files import write_documents

    if args.standard == "perimeter":
        return export_perimeter(args)
    project = project_of(args)
    stacks = read_stacks(project.root, project.domain_folders())
    if args.standard == "odcs":
        documents = odcs.contracts(project.mesh, *stacks_named(stacks, args.env))
    else:
        documents = odps.descriptors(project.mesh, project.mesh.grants(project.federation.open_classifications), stacks)
    out = args.out or project.root / "out" / args.standard
    written = write_documents(out, documents, args.standard)
    print(f"wrote {len(written)} {args.standard.upper()} documents into {out}")
    return 0


def export_perimeter(args: argparse.Namespace) -> int:
    from meshplane.cloud.perimeter import check
    from meshplane.compose.perimeter import perimeters
    from meshplane.compose.stack_plan import scope
    from meshplane.export.perimeter import write_perimeter

    if args.stack is not None and args.env == DEFAULT_ENVIRONMENT:  # export's --env has a default; a named stack has its own
        args.env = None
    project = stack_project(args)
    found = perimeters(project.settings, scope(project.mesh, project.settings))
    problems = check(found)
    if problems:
        raise MeshError([Problem(project.stack.file, project.stack.line_of("deployerRoleArn"), p) for p in problems])
    out = args.out or project.root / "out" / "perimeter" / project.stack.name
    written = write_perimeter(out, found)
    for p in found:
        print(f"account {p.account}: administration kept to {p.deployer} and {p.break_glass}")
    for path, used in written:
        print(f"  {path.name}: {used:,} characters (at most 5,120)")
    print(f"wrote {len(written)} documents (an SCP and an RCP per domain account) into {out}")
    return 0


def read_status(path) -> dict | None:
    """`meshplane status --format json`'s output, checked enough to show: a problem at the file's first line otherwise."""
    if path is None:
        return None
    try:
        status = json.loads(path.read_text(encoding="utf-8"))
        if not (isinstance(status, dict) and isinstance(status.get("at"), str) and isinstance(status.get("products"), list)):
            raise ValueError("expected the output of `meshplane status --format json` (an object with `at` and `products`)")
        for p in status["products"]:
            missing = {"product", "state", "alarm", "quality", "last_write", "age_hours", "at_risk"} - (set(p) if isinstance(p, dict) else set())
            if missing:
                raise ValueError(f"a product without {', '.join(sorted(missing))}")
    except (OSError, ValueError) as exc:
        raise MeshError([Problem(str(path), 1, f"--status: {exc}")]) from None
    return status


def catalog(args: argparse.Namespace) -> int:
    from meshplane.catalog.site import build_site
    from meshplane.declarations.deployments import read_stacks

    project = project_of(args)
    mesh, grants = project.mesh, project.mesh.grants(project.federation.open_classifications)
    stacks = read_stacks(project.root, project.domain_folders())
    site = build_site(mesh, grants, stacks, args.env, args.out or project.root / "out" / "catalog", read_status(args.status))
    print(f"wrote the catalog of {site.products} products ({site.contracts} ODCS contracts, {site.descriptors} ODPS descriptors): {site.index}")
    return 0
