"""Profile the access check's evaluator: every principal x product cell of a deployed stack, under cProfile.

    cd MESH && .venv/bin/python benchmarks/profile_access.py --endpoint URL [--top 25]

The stack `prod` of the project in the working directory must be deployed in the emulator at URL (`meshplane up
--local --env prod --serve`). The documents are read back once (not profiled), then every cell the check decides
(`meshplane.local.access.decide`) is decided under cProfile; prints the cells, the seconds, the seconds per
100,000 cells and the functions taking the most time (cumulative).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time

from meshplane.evaluator.decide import Decider
from meshplane.local import access
from meshplane.local.emulator import connect_all
from meshplane.local.readback import read_back
from meshplane.local.run import manifests_dir
from meshplane.local.up import registrations
from meshplane.registrations.project import open_project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    project = open_project(stack="prod")
    m = access.matrix(project)
    evaluation = registrations(project, manifests_dir(project, None).parent, lambda _: None, write=False)[0]
    accounts = connect_all(args.endpoint, project.settings)
    deployment = read_back(evaluation, accounts, project.settings.account_id, project.settings.region)
    principals = [deployment.principals[p.arn] for p in m.principals if p.arn in deployment.principals]
    buckets = [deployment.buckets[m.buckets[a]] for a in m.products if m.buckets[a] in deployment.buckets]
    profile = cProfile.Profile()
    started, cpu = time.perf_counter(), time.process_time()
    profile.enable()
    decider = Decider(deployment)
    cells = sum(len(decider.cell(p, b)) for p in principals for b in buckets)
    profile.disable()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{cells:,} cells ({len(principals)} principals x {len(buckets)} products) in {seconds:.1f} s ({cpu:.1f} CPU s) under cProfile: "
          f"{seconds / cells * 100_000:.1f} s per 100,000 cells")  # fmt: skip
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
