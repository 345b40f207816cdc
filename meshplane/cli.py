"""`meshplane ...`: thin commands over the library. Findings exit 1, usage errors exit 2."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from meshplane import commands
from meshplane.declarations.problems import MeshError, UsageError
from meshplane.declarations.stack import stack_names
from meshplane.declarations.targets import DEFAULT_ENVIRONMENT, ENVIRONMENTS, environment
from meshplane.registrations import heap
from meshplane.registrations.project import find_root
from meshplane.review.findings import FORMATS

DEFAULT = f"default: {DEFAULT_ENVIRONMENT}, every command's"


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("meshplane")
    except PackageNotFoundError:  # run from a tree that is not installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="meshplane",
        description="The provisioning plane of the data mesh.",
        epilog=f"Every command works on environment {DEFAULT_ENVIRONMENT} (the local emulator's stack) unless --env or --stack names another.",
    )
    parser.add_argument("--version", action="version", version=f"meshplane {version()}")
    parser.add_argument("--domains", type=Path, help="the mesh's folder (default: the project's domains/)")
    parser.add_argument("--federation", type=Path, help="the federation's file (default: the project's governance/federation.yaml)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="load and check the mesh, apply the governance rules; print its summary")
    stack_options(p, "the mesh, its resources and its accounts' quotas")
    findings_option(p)
    p.add_argument("--base", metavar="REF", help="the git ref the change is reviewed against: an input the change adds without its producer's agreement is MESH-005's, one declared before is MESH-015's")
    p.set_defaults(run=commands.validate)

    p = sub.add_parser("graph", help="the lineage, with the grants")
    p.add_argument("--format", choices=("mermaid", "dot", "json"), default="mermaid")
    p.set_defaults(run=commands.graph)

    p = sub.add_parser("export", help="the mesh in open standards: ODCS contracts (per output port) or ODPS descriptors (per product); "
                                      "or the stack's perimeter: an SCP and an RCP per domain account")  # fmt: skip
    p.add_argument("standard", choices=("odcs", "odps", "perimeter"),
                   help="odcs: Open Data Contract Standard v3.2.0; odps: Open Data Product Standard v1.0.0; perimeter: the AWS Organizations "
                        "policies that keep the administration of the stack's data to its deployer")  # fmt: skip
    p.add_argument("--env", metavar="STACK", default=DEFAULT_ENVIRONMENT, help=f"odcs: the environment (or stack) whose buckets and Glue tables the contracts' servers name; perimeter: the environment's stack ({DEFAULT})")
    p.add_argument("--stack", help="perimeter: a stack of the project by name, such as prod-podcasts")
    p.add_argument("--out", metavar="DIR", type=Path, help="folder to write into, one file per product, or per account and policy (default: out/<standard> in the project)")
    p.set_defaults(domain=None)
    p.set_defaults(run=commands.export)

    p = sub.add_parser("catalog", help="the mesh as a static site that works offline (file://): search, product pages, lineage")
    p.add_argument("--out", metavar="DIR", type=Path, help="the site's folder; open DIR/index.html (default: out/catalog in the project)")
    p.add_argument("--env", metavar="STACK", default=DEFAULT_ENVIRONMENT, help=f"the environment (or stack) the site's ODCS contracts name buckets and tables of ({DEFAULT})")
    p.add_argument("--status", metavar="FILE", type=Path, help="show `meshplane status --format json`'s output on the product pages and the front page")
    p.set_defaults(run=commands.catalog)

    p = sub.add_parser("plan", help="offline preview: every resource `pulumi up` would create, per domain and product; against a state, the changes")
    stack_options(p, "the resources")
    format_option(p)
    p.add_argument("--state", type=Path, metavar="FILE", help="what is deployed: `pulumi stack export` JSON (deployment version 3), or up --local's state file; a renamed resource shows the alias the state matched")
    p.add_argument("--aliases", action="store_true", help="also every URN alias each resource carries (the URNs it had under earlier names and parents)")
    p.set_defaults(run=commands.plan)

    p = sub.add_parser("diff", help="what the change does against a git ref, product by product: contract changes classed compatible or breaking, grants, resources")
    p.add_argument("--base", metavar="REF", required=True, help="the git ref to compare with (its tree is read by its own program)")
    p.add_argument("--env", default=DEFAULT_ENVIRONMENT, help=f"the environment products are resolved for, whose every stack's resources are compared ({DEFAULT})")
    p.add_argument("--stack", help="only this stack's resources (default: every stack of the environment)")
    findings_option(p)
    p.set_defaults(run=commands.diff)

    p = sub.add_parser("stacks", help="the project's stacks; --changed: the ones a change touches, in the order to deploy them")
    p.add_argument("--changed", action="store_true", help="only the stacks the change touches (against --base, or the FILEs named)")
    p.add_argument("--base", metavar="REF", help="the git ref the change is made against (default with --changed and no FILE: HEAD)")
    p.add_argument("files", nargs="*", metavar="FILE", help="the files the change touches, relative to the project (instead of --base)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="json feeds a CI matrix (default: text)")
    p.add_argument("--json", dest="format", action="store_const", const="json", help="the same as --format json")
    p.set_defaults(run=commands.stacks)

    p = sub.add_parser("codeowners", help="write .github/CODEOWNERS: each domain's folder owned by its domain.yaml's code_owners, the rest by the platform")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 when the committed file is out of date")
    p.set_defaults(run=commands.codeowners)

    p = sub.add_parser("quotas", help="each account's use of every AWS limit, the tightest first (exit 1 when one is over)")
    stack_options(p, "the accounts")
    format_option(p)
    p.set_defaults(run=commands.quotas)

    p = sub.add_parser("schema", help="write the JSON Schemas of the declarations")
    p.add_argument("--out", type=Path, help="folder to write into (default: the project's schemas/)")
    p.set_defaults(run=commands.schema)

    p = sub.add_parser("up", help="provision the stack; --local: into a local AWS emulator, without the Pulumi CLI")
    p.add_argument("--local", action="store_true", help="apply the program to a local AWS emulator (moto, started here unless --endpoint)")
    stack_options(p, "the resources")
    p.add_argument("--endpoint", help="a running emulator on this machine, e.g. http://127.0.0.1:5000 (moto or LocalStack)")
    p.add_argument("--serve", action="store_true", help="keep the emulator running until Ctrl-C, to explore it with the aws CLI or boto3")
    p.add_argument("--refresh", action="store_true", help="read every resource back, even from an emulator that has answered no change since the last run applied the stack")
    p.add_argument("--out", type=Path, help="folder for the Kubernetes manifests (default: the stack's renderManifests, else out/manifests)")
    p.add_argument("--verify", action="store_true", help="then read the result back (as `meshplane verify`)")
    p.add_argument("--check", action="store_true", help="then prove the access matrix (as `meshplane access --check`)")
    p.add_argument("--data", action="store_true", help="then write each served product's sample rows (from its schema, honouring its quality rules) as its job role")
    p.add_argument("--test", action="store_true", help="then run each product's quality rules on its data (as `meshplane test`)")
    p.add_argument("--status", action="store_true", help="then show each product's freshness, alarm and quality (as `meshplane status`)")
    p.set_defaults(run=commands.up)

    p = sub.add_parser("verify", help="read the deployed state with boto3; report drift from the declarations and non-compliance")
    stack_options(p, "what is read back")
    format_option(p)
    p.add_argument("--endpoint", help="an emulator (default: the stack's meshplane:awsEndpoint, else real AWS by the default credential chain)")
    p.set_defaults(run=commands.verify)

    p = sub.add_parser("test", help="run each product's quality rules on its deployed data (DuckDB over the bytes read with boto3)")
    stack_options(p, "the products tested")
    p.add_argument("--product", action="append", metavar="PRODUCT", help="only this product, by address or name (repeatable)")
    p.add_argument("--format", choices=("text", "json", "junit"), default="text", help="text for people, json for programs, junit for CI (default: text)")
    p.add_argument("--bound-mib", type=int, default=256, help="read at most this many MiB per product, newest objects first; beyond it the run samples (default: 256)")
    p.add_argument("--endpoint", help="an emulator (default: the stack's meshplane:awsEndpoint, else real AWS by the default credential chain)")
    p.set_defaults(run=commands.test, reports=True)
    p = sub.add_parser("status", help="each product's last write against its freshness, its alarm, its last quality result, and what it puts at risk")
    stack_options(p, "the products shown")
    format_option(p)
    p.add_argument("--at", type=moment, help="judge as of this time (ISO 8601, e.g. 2026-12-07T12:00:00Z; default: now)")
    p.add_argument("--endpoint", help="an emulator (default: the stack's meshplane:awsEndpoint, else real AWS by the default credential chain)")
    p.set_defaults(run=commands.status)

    p = sub.add_parser("access", help="the effective access matrix (principal x product); --check proves it against the emulator")
    stack_options(p, "the matrix")
    p.add_argument("--check", action="store_true", help="with IAM enforcement on, act as every principal on every product and compare")
    p.add_argument("--endpoint", help="the emulator to check (default: the stack's meshplane:awsEndpoint)")
    format_option(p)
    p.set_defaults(run=commands.access)
    return parser


def moment(text: str):
    """An ISO 8601 time; one without a zone is UTC."""
    import datetime

    try:
        value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an ISO 8601 time such as 2026-12-07T12:00:00Z, got {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)


def stack_options(p: argparse.ArgumentParser, narrowed: str) -> None:
    """One vocabulary for the commands that work on a stack: --env, --stack, --domain."""
    p.add_argument("--env", help=f"the environment, whose stack is stacks/Pulumi.<env>.yaml, or with --domain the one deploying those domains ({DEFAULT})")
    p.add_argument("--stack", help="a stack of the project by name, such as prod-podcasts (its environment is its file's)")
    p.add_argument("--domain", action="append", metavar="DOMAIN", help=f"narrow {narrowed} to this domain, as a stack of its own would (repeatable)")
    p.set_defaults(on_a_stack=True)


def format_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text", help="text for people, json for programs (default: text)")
    p.add_argument("--json", dest="format", action="store_const", const="json", help="the same as --format json")
    p.set_defaults(reports=True)  # its --format json also carries the problems that stop it


def findings_option(p: argparse.ArgumentParser) -> None:
    """--format for the commands whose output is findings: also SARIF (code scanning) and GitHub annotations."""
    p.add_argument(
        "--format", choices=FORMATS, default="text",
        help="text for people, json for programs, sarif (2.1.0) for code scanning, github for workflow annotations (default: text)",
    )  # fmt: skip
    p.add_argument("--json", dest="format", action="store_const", const="json", help="the same as --format json")
    p.set_defaults(reports=True)


def names_a_stack(name: str) -> bool:
    try:
        return name in stack_names(find_root())
    except MeshError:
        return False


def check_target(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """--env names an environment (a stack's name there still works, with a warning, where a stack is meant); a domain
    is named once. A name that is not there is a UsageError at its option."""
    if args.command == "diff":
        environment(args.env)
    if not getattr(args, "on_a_stack", False):
        return
    if args.env is not None and args.env not in ENVIRONMENTS:
        if args.stack is None and names_a_stack(args.env):
            print(f"meshplane: warning: --env {args.env} names a stack, not an environment: write --stack {args.env}", file=sys.stderr)
            args.stack, args.env = args.env, None
        else:
            environment(args.env)
    seen: set[str] = set()
    for domain in args.domain or ():
        if domain in seen:
            parser.error(f"--domain {domain} is given twice")
        seen.add(domain)


def main(argv: list[str] | None = None) -> int:
    """Run one command in this process (as the tests do): the collector is off while it runs, and collects what
    it left once it ends."""
    with heap.suspended():
        return run(argv)


def entry() -> None:
    """The `meshplane` command: the process ends with the command, so what it built is neither collected nor
    walked again at exit."""
    with heap.for_the_process():
        code = run(None)
    sys.exit(code)


def run(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        check_target(parser, args)
        return args.run(args)
    except UsageError as exc:  # the command line names what is not there: located at the option, as argparse exits
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    except MeshError as exc:
        if getattr(args, "reports", False):  # a program reading stdout gets the problems too, in its format
            report = commands.problems_report(args, exc.problems)
            if report is not None:
                print(report)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `meshplane plan | head`
        sys.stderr.close()
        return 0
    except OSError as exc:
        print(f"meshplane: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug of ours, not the user's input: say so in one line, traceback on request
        if os.environ.get("MESHPLANE_DEBUG"):
            raise
        print(f"meshplane: internal error: {type(exc).__name__}: {exc} (set MESHPLANE_DEBUG=1 for the traceback)", file=sys.stderr)
        return 70


if __name__ == "__main__":
    entry()
