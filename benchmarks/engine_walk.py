"""Benchmark (a): makespan of a layered DAG of OS::Heat::TestResource with a 50 ms create wait.

The template is the one OpenStack Heat's own engine is timed on
(`../shared/tools/heat_engine_bench.py template --shape layered --n N --rtype test50ms`:
10 layers, each resource needing two of the layer before, through get_attr/get_resource),
so the figures sit next to docs/benchmarks.md's Heat numbers. Everything runs: the Model
Interpreter loads and validates the template, the planner plans, the walker runs the
TestResource plugins, every transition goes to the SQLite store.

Bounds: the critical path is depth x 50 ms; with at most P resources in progress the
makespan cannot be below max(depth x 50 ms, N x 50 ms / P). Target: within 1.15x.

    .venv/bin/python benchmarks/engine_walk.py [--n 1000] [--parallel 10,100,0]
        [--heat-python HEATVENV/bin/python]

Benchmark (b): with --heat-python (a Python with `openstack-heat` and `fixtures`
installed, see ../shared/reference/heat_engine_bench.md), the same template is also
created by Heat's own engine in the same run (legacy engine as shipped, `--mode poll`,
and convergence when --heat-convergence is given), printed in the same table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("HEATCTL_SHARED", ROOT.parent / "shared"))
TOOL = SHARED / "tools" / "heat_engine_bench.py"
WAIT = 0.05
DEPTH = 10


def template(n: int, directory: Path) -> Path:
    path = directory / f"layered{n}.yaml"
    text = subprocess.run(
        [
            sys.executable,
            str(TOOL),
            "template",
            "--shape",
            "layered",
            "--n",
            str(n),
            "--rtype",
            "test50ms",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path.write_text(text)
    return path


def run(n: int, parallel: int, path: Path) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from heatctl.engine.model import Source, load_model
    from heatctl.engine.runtime import CloudFactory, build_engine, open_store
    from heatctl.engine.stack import RunOptions

    with tempfile.TemporaryDirectory() as state:
        store = open_store(Path(state))
        engine = build_engine(store, CloudFactory(Path(state)))
        t0 = time.perf_counter()
        model = load_model(Source(str(path)), stack_name="bench")
        t1 = time.perf_counter()
        cpu = time.process_time()
        result = engine.create("bench", model, RunOptions(max_parallel=parallel or None))
        t2 = time.perf_counter()
        cpu = time.process_time() - cpu
        assert result.ok, result.stack.status_reason
    bound = max(DEPTH * WAIT, n * WAIT / (parallel or n))
    return {"load": t1 - t0, "makespan": t2 - t1, "bound": bound, "cpu": cpu}


def heat(python: str, n: int, mode: str) -> dict[str, float] | None:
    """Time Heat's engine on the same template (a fresh process, like the tool does)."""
    with tempfile.TemporaryDirectory() as cwd:
        done = subprocess.run(
            [
                python,
                str(TOOL),
                "case",
                "--shape",
                "layered",
                "--n",
                str(n),
                "--rtype",
                "test50ms",
                "--mode",
                mode,
            ],
            capture_output=True,
            text=True,
            cwd=cwd,
            timeout=900,
        )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        return None
    result = json.loads(lines[-1][len("RESULT ") :])
    phases = {row[0]: row[1] for row in result.get("rows", [])}
    create = next((v for k, v in phases.items() if k.startswith("create")), None)
    if not result.get("ok") or create is None:
        return None
    load = sum(phases.get(k, 0.0) for k in ("parse", "validate", "store"))
    return {"makespan": create, "load": load}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--parallel", default="10,100,0", help="comma list; 0 = no limit")
    parser.add_argument("--heat-python", default=None, help="Python with openstack-heat")
    parser.add_argument("--heat-convergence", action="store_true", help="also Heat convergence")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = template(args.n, Path(tmp))
        print(
            "| engine | N | max_parallel | bound s | makespan s | ratio | engine CPU s | load+validate s |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for parallel in (int(p) for p in args.parallel.split(",")):
            r = run(args.n, parallel, path)
            print(
                f"| heatctl | {args.n} | {parallel or 'unbounded'} | {r['bound']:.2f} "
                f"| {r['makespan']:.2f} | {r['makespan'] / r['bound']:.3f} | {r['cpu']:.2f} "
                f"| {r['load']:.2f} |",
                flush=True,
            )
        modes = ["poll", "convergence"] if args.heat_convergence else ["poll"]
        for mode in modes if args.heat_python else []:
            h = heat(args.heat_python, args.n, mode)
            bound = DEPTH * WAIT
            if h is None:
                print(
                    f"| Heat 27 ({mode}) | {args.n} | - | {bound:.2f} | failed or stalled | | | |"
                )
                continue
            print(
                f"| Heat 27 ({mode}) | {args.n} | graph width | {bound:.2f} | {h['makespan']:.2f} "
                f"| {h['makespan'] / bound:.1f} | | {h['load']:.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
