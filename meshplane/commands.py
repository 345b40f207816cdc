"""What each command does, as functions tests call directly; `cli.py` only parses arguments."""

from __future__ import annotations

import argparse
import json
import sys

from meshplane import governance
from meshplane.graph import render
from meshplane.mesh import Mesh
from meshplane.offline import offline
from meshplane.project import Project, open_project
from meshplane.resolve import resolve
from meshplane.schema import write_schemas
from meshplane.spec import Environment
from meshplane.stack import stack_file


def summary(mesh: Mesh, env: Environment, open_to_mesh) -> str:
    grants = mesh.grants(open_to_mesh)
    refused = mesh.refused_inputs(open_to_mesh)
    lines = [
        f"mesh: {len(mesh.domains)} domains, {len(mesh.products)} products, "
        f"{len(mesh.edges())} inputs, {len(grants)} grants, {len(refused)} refused ({env.value})"
    ]
    for domain in mesh.domains:
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


def project_of(args: argparse.Namespace, stack: str | None = None, overrides: dict[str, str] | None = None) -> Project:
    """The command's project, loaded once: the global --domains and --federation, and the stack it works on."""
    return open_project(domains=args.domains, federation=args.federation, stack=stack, overrides=overrides)


def validate(args: argparse.Namespace) -> int:
    project = project_of(args)
    mesh, federation, env = project.mesh, project.federation, Environment(args.env)
    print(summary(mesh, env, federation.open_classifications))
    problems = governance.evaluate_mesh(mesh, federation, env)
    scope = "mesh rules"
    if not (project.root / stack_file(env.value)).is_file():
        scope += f"; no resource rules: the project has no stack {stack_file(env.value)}"
    elif not governance.blocking(problems):  # resources only of a mesh that may deploy
        stack = offline(project.with_stack(env.value), whole_mesh=True)  # every account's quotas, whatever stack deploys what
        problems += governance.evaluate_resources(stack.resources, federation, env, mesh, stack.book)
        scope = f"mesh, resource and limit rules over {sum(r.custom for r in stack.resources):,} resources"
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        errors = sum(p.severity.blocks for p in problems)
        print(f"{len(problems)} governance finding(s): {errors} mandatory, {len(problems) - errors} advisory", file=sys.stderr)
    else:
        print(f"governance: {len(governance.RULES)} rules ({scope}), no finding for {env.value}")
    return 1 if governance.blocking(problems) else 0


def graph(args: argparse.Namespace) -> int:
    project = project_of(args)
    print(render(project.mesh, project.mesh.grants(project.federation.open_classifications), args.format))
    return 0


def plan(args: argparse.Namespace) -> int:
    from meshplane import engine
    from meshplane.plan import as_json, render

    overrides = {"meshplane:domains": json.dumps(args.domain)} if args.domain else None
    evaluation = engine.run(project_of(args, args.env, overrides))
    if args.json:
        print(json.dumps(as_json(args.env, evaluation.resources), indent=2))
    else:
        print(render(args.env, evaluation.resources))
    return 0


def schema(args: argparse.Namespace) -> int:
    for path in write_schemas(args.out):
        print(f"wrote {path}")
    return 0


def up(args: argparse.Namespace) -> int:
    from meshplane.local.run import up_local

    if not args.local:
        print("meshplane up: error: only --local is built in; provision a cloud account with `pulumi up -s <stack>`", file=sys.stderr)
        return 2
    overrides = {"meshplane:domains": json.dumps(args.domain)} if args.domain else None
    return up_local(project_of(args, args.env, overrides), args.endpoint, args.serve, args.out, then_verify=args.verify, then_check=args.check)


def verify(args: argparse.Namespace) -> int:
    from meshplane.local.run import verify_stack

    return verify_stack(project_of(args, args.env), args.endpoint)


def access(args: argparse.Namespace) -> int:
    from meshplane.local.run import access_matrix

    return access_matrix(project_of(args, args.env), args.check, args.endpoint, args.json)


def quotas(args: argparse.Namespace) -> int:
    from meshplane import quota_report

    project = project_of(args, args.env)
    rows = offline(project, whole_mesh=True).usage()
    if args.json:
        print(json.dumps(quota_report.as_json(args.env, rows), indent=2))
    else:
        print(quota_report.render(args.env, rows, project.federation.headroom))
    return 1 if any(r.used > r.limit for r in rows) else 0


def export(args: argparse.Namespace) -> int:
    from meshplane.export import odcs, odps
    from meshplane.export.files import write_documents

    if args.standard == "odcs":
        project = project_of(args, args.env)
        documents = odcs.contracts(project.mesh, project.settings)
    else:
        project = project_of(args)
        documents = odps.descriptors(project.mesh, project.mesh.grants(project.federation.open_classifications))
    out = args.out or project.root / "out" / args.standard
    written = write_documents(out, documents, args.standard)
    print(f"wrote {len(written)} {args.standard.upper()} documents into {out}")
    return 0


def catalog(args: argparse.Namespace) -> int:
    from meshplane.catalog.site import build_site
    from meshplane.deployments import read_stacks

    project = project_of(args)
    mesh, grants = project.mesh, project.mesh.grants(project.federation.open_classifications)
    site = build_site(mesh, grants, read_stacks(project.root), args.env, args.out or project.root / "out" / "catalog")
    print(f"wrote the catalog of {site.products} products ({site.contracts} ODCS contracts, {site.descriptors} ODPS descriptors): {site.index}")
    return 0
