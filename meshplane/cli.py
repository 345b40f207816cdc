"""`meshplane ...`: thin commands over the library. Findings exit 1, usage errors exit 2."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from meshplane import commands
from meshplane.problems import MeshError

ENVIRONMENTS = ("dev", "staging", "prod", "local")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="meshplane", description="The provisioning plane of the data mesh.")
    parser.add_argument("--domains", type=Path, default=Path("domains"), help="the mesh's folder (default: domains)")
    parser.add_argument("--federation", type=Path, default=Path("governance/federation.yaml"), help="the federation's file")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="load and check the whole mesh, apply the governance rules; print its summary")
    p.add_argument("--env", choices=ENVIRONMENTS, default="dev", help="environment to resolve overrides for")
    p.set_defaults(run=commands.validate)

    p = sub.add_parser("graph", help="the lineage, with the grants")
    p.add_argument("--format", choices=("mermaid", "dot", "json"), default="mermaid")
    p.set_defaults(run=commands.graph)

    p = sub.add_parser("plan", help="offline preview: every resource `pulumi up` would create, per domain and product")
    p.add_argument("--env", default="dev", help="the stack to preview (dev, staging, prod, local, or a stack such as prod-podcasts)")
    p.add_argument("--domain", action="append", help="only this domain (repeatable)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=commands.plan)

    p = sub.add_parser("schema", help="write the JSON Schemas of the declarations")
    p.add_argument("--out", type=Path, default=Path("schemas"), help="folder to write into (default: schemas)")
    p.set_defaults(run=commands.schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
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


if __name__ == "__main__":
    sys.exit(main())
