"""How many stacks a pipeline previews and applies for a change: a one-domain change against a platform change, on the
sample mesh (its five stacks) and on the 1,000-product benchmark mesh with one stack per domain (50), each measured as
`meshplane stacks --changed --base HEAD` run as a process of its own in a throw-away git repository.

    .venv/bin/python benchmarks/bench_stacks.py          # prints the table; writes benchmarks/results/stacks.json and docs/stacks-selected.png
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from meshgen import Shape, generate, write_project  # noqa: E402

PROGRAM = ("Pulumi.yaml", "__main__.py", "pyproject.toml", "components", "meshplane", "governance", "policies", "schemas")
MESHPLANE = Path(sys.executable).with_name("meshplane")


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", *args], cwd=root, check=True, capture_output=True)


def copy_program(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for name in PROGRAM:
        target = root / name
        if target.is_symlink() or target.exists():
            target.unlink() if target.is_symlink() or target.is_file() else shutil.rmtree(target)
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        else:
            shutil.copy2(source, target)


def sample(root: Path) -> Path:
    copy_program(root)
    for name in ("stacks", "domains"):
        shutil.copytree(ROOT / name, root / name)
    return root


def benchmark_mesh(root: Path, products: int, domains: int) -> Path:
    mesh = generate(Shape(products=products, domains=domains))
    write_project(root, mesh, "per-domain")
    prod = (root / "stacks" / "Pulumi.prod.yaml").read_text()
    for domain in mesh["domains"]:  # one stack per domain, the environment-wide one removed
        (root / "stacks" / f"Pulumi.prod-{domain}.yaml").write_text(prod.replace("config:\n", f'config:\n  meshplane:domains: ["{domain}"]\n'))
    (root / "stacks" / "Pulumi.prod.yaml").unlink()
    copy_program(root)
    return root


def measure(root: Path, change) -> dict:
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    described = change(root)
    started = time.perf_counter()
    run = subprocess.run([str(MESHPLANE), "stacks", "--changed", "--base", "HEAD", "--format", "json"], cwd=root, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    found = json.loads(run.stdout)
    every = subprocess.run([str(MESHPLANE), "stacks", "--format", "json"], cwd=root, capture_output=True, text=True, check=True)
    return {"change": described, "selected": len(found["stacks"]), "of": len(json.loads(every.stdout)["stacks"]), "seconds": round(seconds, 2),
            "stacks": [s["stack"] for s in found["stacks"]]}  # fmt: skip


def column_added(path: str):
    def change(root: Path) -> str:
        file = root / path
        text = file.read_text()
        file.write_text(text.replace("  columns:\n", "  columns:\n    - {name: added_column, type: string, description: A column the change adds.}\n", 1))
        return f"a column added to {path.split('/')[1]}/{Path(path).stem}"

    return change


def platform_change(root: Path) -> str:
    file = root / "components" / "storage.py"
    file.write_text(file.read_text().replace('"daysAfterInitiation": 7', '"daysAfterInitiation": 3'))
    return "components/storage.py edited"


def run_all(products: int, domains: int) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for mesh, build, one in (
            ("sample", sample, "domains/users/products/play-events.yaml"),
            (f"{products:,} products, a stack per domain", lambda r: benchmark_mesh(r, products, domains), None),
        ):
            for kind in ("one domain", "platform"):
                root = build(Path(tmp) / f"{len(results)}")
                path = one or next(str(p.relative_to(root)) for p in sorted((root / "domains" / "dom-007" / "products").glob("*.yaml")))
                change = column_added(path) if kind == "one domain" else platform_change
                results.append({"mesh": mesh, "kind": kind, **measure(root, change)})
    return results


def table(results: list[dict]) -> str:
    lines = ["| mesh | change | stacks selected | of | `stacks --changed` |", "|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['mesh']} | {r['change']} | {r['selected']} | {r['of']} | {r['seconds']:.1f} s |")
    return "\n".join(lines)


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    meshes = list(dict.fromkeys(r["mesh"] for r in results))
    fig, axes = plt.subplots(1, len(meshes), figsize=(9, 3.2))
    for ax, mesh in zip(axes, meshes):
        rows = [r for r in results if r["mesh"] == mesh]
        bars = ax.bar([r["kind"] for r in rows], [r["selected"] for r in rows], color=["#4c78a8", "#e45756"])
        ax.bar_label(bars, labels=[f"{r['selected']} of {r['of']}" for r in rows])
        ax.set_ylim(0, rows[0]["of"] * 1.2)
        ax.set_title(mesh, fontsize=10)
        ax.set_ylabel("stacks to preview and apply")
    fig.suptitle("meshplane stacks --changed: a one-domain change against a platform change", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--domains", type=int, default=50)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    os.environ.setdefault("GIT_CONFIG_NOSYSTEM", "1")
    results = run_all(args.products, args.domains)
    print(table(results))
    if not args.no_write:
        (HERE / "results" / "stacks.json").write_text(json.dumps(results, indent=2) + "\n")
        plot(results, ROOT / "docs" / "stacks-selected.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
