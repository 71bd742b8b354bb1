"""Benchmark (c): engine overhead with zero latency.

N OS::Heat::None resources (a generated HOT template; each depends on the one 10 before
it, so the graph has edges) are loaded by the Model Interpreter, then created and deleted
through the whole engine: planner, walker with its thread pool, the OS::Heat::None plugin,
store rows, transitions and events, outputs. Loading and validating the template is timed
apart (the Model Interpreter's own benchmark covers it). Reported: CPU time per resource (all
threads, `time.process_time`), wall time, and peak RSS of a fresh process per N (memory
should grow linearly). Target: under 2 ms of CPU per resource.

    .venv/bin/python benchmarks/engine_overhead.py [N ...]     (default 1000 2500 5000 10000)
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_case(n: int) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    import yaml

    from heatctl.engine.model import Source, load_model
    from heatctl.engine.runtime import CloudFactory, build_engine, open_store
    from heatctl.engine.stack import RunOptions

    resources = {
        f"r{i}": {
            "type": "OS::Heat::None",
            "properties": {
                "index": i,
                **({"after": {"get_resource": f"r{i - 10}"}} if i >= 10 else {}),
            },
        }
        for i in range(n)
    }
    doc = {"heat_template_version": "2018-08-31", "resources": resources}
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as state:
        path = Path(state) / "none.yaml"
        path.write_text(yaml.safe_dump(doc))
        load0 = time.perf_counter()
        # 10,000 resources are past Heat's 512 KiB template limit: raised for the benchmark.
        source = Source(str(path), max_template_size=64 * 1024 * 1024)
        model = load_model(source, stack_name="bench")
        load = time.perf_counter() - load0
        store = open_store(Path(state))
        engine = build_engine(store, CloudFactory(Path(state)))
        cpu0, wall0 = time.process_time(), time.perf_counter()
        created = engine.create("bench", model, RunOptions(max_parallel=None))
        cpu1, wall1 = time.process_time(), time.perf_counter()
        deleted = engine.delete("bench", RunOptions(max_parallel=None))
        cpu2, wall2 = time.process_time(), time.perf_counter()
        assert created.ok and deleted.ok, (created.stack.status, deleted.stack.status)
        assert store.integrity_check() == "ok"
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "n": n,
        "create_cpu_ms_per_resource": 1000 * (cpu1 - cpu0) / n,
        "delete_cpu_ms_per_resource": 1000 * (cpu2 - cpu1) / n,
        "create_wall_s": wall1 - wall0,
        "delete_wall_s": wall2 - wall1,
        "peak_rss_mb": rss / 1024,
        "rss_growth_mb": (rss - rss_before) / 1024,
        "load_s": load,
    }


def main(argv: list[str]) -> None:
    if argv[:1] == ["--case"]:
        print(json.dumps(one_case(int(argv[1]))))
        return
    sizes = [int(a) for a in argv] or [1000, 2500, 5000, 10000]
    print(
        "| N | create CPU ms/res | delete CPU ms/res | create wall s | delete wall s | peak RSS MB"
        " | RSS growth MB | load+validate s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for n in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--case", str(n)], capture_output=True, text=True, check=True
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"| {n} | {r['create_cpu_ms_per_resource']:.2f} | {r['delete_cpu_ms_per_resource']:.2f} "
            f"| {r['create_wall_s']:.2f} | {r['delete_wall_s']:.2f} | {r['peak_rss_mb']:.0f} "
            f"| {r['rss_growth_mb']:.0f} | {r['load_s']:.2f} |"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
