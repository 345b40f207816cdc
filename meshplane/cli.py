"""`meshplane ...`: thin commands over the library. Findings exit 1, usage errors exit 2."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from meshplane import commands, heap
from meshplane.problems import MeshError

ENVIRONMENTS = ("dev", "staging", "prod", "local")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="meshplane", description="The provisioning plane of the data mesh.")
    parser.add_argument("--domains", type=Path, help="the mesh's folder (default: the project's domains/)")
    parser.add_argument("--federation", type=Path, help="the federation's file (default: the project's governance/federation.yaml)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="load and check the whole mesh, apply the governance rules; print its summary")
    p.add_argument("--env", choices=ENVIRONMENTS, default="dev", help="environment to resolve overrides for")
    p.set_defaults(run=commands.validate)

    p = sub.add_parser("graph", help="the lineage, with the grants")
    p.add_argument("--format", choices=("mermaid", "dot", "json"), default="mermaid")
    p.set_defaults(run=commands.graph)

    p = sub.add_parser("export", help="the mesh in open standards: ODCS contracts (per output port) or ODPS descriptors (per product)")
    p.add_argument("standard", choices=("odcs", "odps"), help="odcs: Open Data Contract Standard v3.2.0; odps: Open Data Product Standard v1.0.0")
    p.add_argument("--env", metavar="STACK", default="prod", help="odcs: the stack whose bucket and Glue table the contracts' servers name (default: prod)")
    p.add_argument("--out", metavar="DIR", type=Path, help="folder to write into, one file per product (default: out/<standard> in the project)")
    p.set_defaults(run=commands.export)

    p = sub.add_parser("catalog", help="the mesh as a static site that works offline (file://): search, product pages, lineage")
    p.add_argument("--out", metavar="DIR", type=Path, help="the site's folder; open DIR/index.html (default: out/catalog in the project)")
    p.add_argument("--env", metavar="STACK", default="prod", help="the stack the site's ODCS contracts name buckets and tables of (default: prod)")
    p.set_defaults(run=commands.catalog)

    p = sub.add_parser("plan", help="offline preview: every resource `pulumi up` would create, per domain and product")
    p.add_argument("--env", default="dev", help="the stack to preview (dev, staging, prod, local, or a stack such as prod-podcasts)")
    p.add_argument("--domain", action="append", help="only this domain (repeatable)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=commands.plan)

    p = sub.add_parser("quotas", help="each account's use of every AWS limit, the tightest first (exit 1 when one is over)")
    p.add_argument("--env", default="prod", help="the stack (dev, staging, prod, local, ...)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=commands.quotas)

    p = sub.add_parser("schema", help="write the JSON Schemas of the declarations")
    p.add_argument("--out", type=Path, default=Path("schemas"), help="folder to write into (default: schemas)")
    p.set_defaults(run=commands.schema)

    p = sub.add_parser("up", help="provision the stack; --local: into a local AWS emulator, without the Pulumi CLI")
    p.add_argument("--local", action="store_true", help="apply the program to a local AWS emulator (moto, started here unless --endpoint)")
    p.add_argument("--env", default="local", help="the stack to provision (default: local)")
    p.add_argument("--endpoint", help="a running emulator on this machine, e.g. http://127.0.0.1:5000 (moto or LocalStack)")
    p.add_argument("--serve", action="store_true", help="keep the emulator running until Ctrl-C, to explore it with the aws CLI or boto3")
    p.add_argument("--out", type=Path, help="folder for the Kubernetes manifests (default: the stack's renderManifests, else out/manifests)")
    p.add_argument("--verify", action="store_true", help="then read the result back (as `meshplane verify`)")
    p.add_argument("--check", action="store_true", help="then prove the access matrix (as `meshplane access --check`)")
    p.add_argument("--domain", action="append", help="only this domain, as a stack of its own would (repeatable)")
    p.set_defaults(run=commands.up)

    p = sub.add_parser("verify", help="read the deployed state with boto3; report drift from the declarations and non-compliance")
    p.add_argument("--env", default="local", help="the stack to verify (default: local)")
    p.add_argument("--endpoint", help="an emulator (default: the stack's meshplane:awsEndpoint, else real AWS by the default credential chain)")
    p.set_defaults(run=commands.verify)

    p = sub.add_parser("access", help="the effective access matrix (principal x product); --check proves it against the emulator")
    p.add_argument("--env", default="local", help="the stack (default: local)")
    p.add_argument("--check", action="store_true", help="with IAM enforcement on, act as every principal on every product and compare")
    p.add_argument("--endpoint", help="the emulator to check (default: the stack's meshplane:awsEndpoint)")
    p.add_argument("--json", action="store_true", help="the matrix as JSON")
    p.set_defaults(run=commands.access)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with heap.for_the_process():
            return args.run(args)
    except MeshError as exc:
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
    sys.exit(main())
