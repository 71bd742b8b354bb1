"""Benchmark of the Model Interpreter: load + validate + dependency graph of large templates.

    python benchmarks/dsl_bench.py [--sizes 100,1000,10000] [--repeat 3] [--markdown]

Generated HOT templates with N resources in three shapes:
- independent: N OS::Heat::RandomString, no references;
- chain: each resource takes `get_resource` of the previous one (depth N);
- layered: a DAG of layers ~sqrt(N) wide, each resource reading `get_attr` of two
  resources of the layer before.

CPU time is `time.process_time()` around `validate_file` (the best of --repeat runs); peak
memory is measured in a separate run under `tracemalloc`. `heatctl --help` start-up is the
best wall time of 5 runs of a fresh interpreter.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from heatctl.dsl.loader import Limits, load_file  # noqa: E402
from heatctl.dsl.validate import Options, validate_file  # noqa: E402

HEADER = (
    "heat_template_version: 2018-08-31\ndescription: generated benchmark template\nresources:\n"
)


def independent(n: int) -> str:
    body = "".join(
        f"  r{i}:\n    type: OS::Heat::RandomString\n    properties:\n      length: 8\n"
        for i in range(n)
    )
    return HEADER + body


def chain(n: int) -> str:
    parts = ["  r0:\n    type: OS::Heat::RandomString\n"]
    parts += [
        f"  r{i}:\n    type: OS::Heat::RandomString\n    properties:\n"
        f"      salt: {{get_resource: r{i - 1}}}\n"
        for i in range(1, n)
    ]
    return HEADER + "".join(parts)


def layered(n: int) -> str:
    width = max(1, int(math.sqrt(n)))
    parts = []
    for i in range(n):
        layer, slot = divmod(i, width)
        if layer == 0:
            parts.append(f"  r{i}:\n    type: OS::Heat::RandomString\n")
            continue
        a = (layer - 1) * width + slot
        b = (layer - 1) * width + (slot + 1) % width
        parts.append(
            f"  r{i}:\n    type: OS::Heat::RandomString\n    properties:\n"
            f"      salt: {{list_join: ['-', [{{get_attr: [r{a}, value]}},"
            f" {{get_attr: [r{b}, value]}}]]}}\n"
        )
    return HEADER + "".join(parts)


SHAPES: dict[str, Callable[[int], str]] = {
    "independent": independent,
    "chain": chain,
    "layered": layered,
}


def as_json(text: str) -> str:
    """The same template as JSON (JSON is valid HOT too)."""
    return json.dumps(yaml.load(text, Loader=yaml.CSafeLoader), default=str)


def measure(path: Path, repeat: int) -> dict[str, float]:
    options = Options(max_template_size=64 * 1024 * 1024)
    best = best_load = math.inf
    summary: dict[str, object] = {}
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        result = validate_file(path, options=options)
        best = min(best, time.process_time() - start)
        if not result.valid:
            raise SystemExit(f"{path}: unexpectedly invalid: {result.diagnostics[:3]}")
        summary = result.summary
        del result
        gc.collect()
        start = time.process_time()
        load_file(path, limits=Limits(max_bytes=options.max_template_size))
        best_load = min(best_load, time.process_time() - start)
    tracemalloc.start()
    validate_file(path, options=options)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "cpu_s": best,
        "load_s": best_load,
        "peak_mib": peak / 2**20,
        "depth": float(summary["depth"]),  # type: ignore[arg-type]
        "width": float(summary["width"]),  # type: ignore[arg-type]
        "bytes": float(path.stat().st_size),
    }


def help_startup() -> float:
    best = math.inf
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "heatctl", "--help"], cwd=ROOT, capture_output=True, check=True
        )
        best = min(best, time.perf_counter() - start)
    return best


def machine() -> str:
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()},"
        f" PyYAML {yaml.__version__} (libyaml: {yaml.__with_libyaml__}), load average {load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument(
        "--format", choices=["yaml", "json"], default="yaml", help="write the templates as"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for shape, make in SHAPES.items():
            for n in sizes:
                path = Path(tmp) / f"{shape}-{n}.{args.format}"
                text = make(n)
                path.write_text(text if args.format == "yaml" else as_json(text))
                rows.append((shape, n, measure(path, args.repeat)))
                print(f"{shape:12} {n:>6}: {rows[-1][2]}", file=sys.stderr)
    startup = help_startup()
    if args.markdown:
        print(
            "| shape | resources | file size | CPU load+validate+graph |"
            " of which load | peak memory | depth | widest level |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for shape, n, m in rows:
            print(
                f"| {shape} | {n:,} | {m['bytes'] / 1024:,.0f} KiB | {m['cpu_s'] * 1000:,.0f} ms |"
                f" {m['load_s'] * 1000:,.0f} ms | {m['peak_mib']:,.1f} MiB | {m['depth']:,.0f} |"
                f" {m['width']:,.0f} |"
            )
        print(f"\n`heatctl --help` start-up: {startup * 1000:.0f} ms (best of 5, wall time)")
        print(f"\nMachine: {machine()}")
    else:
        for shape, n, m in rows:
            print(shape, n, m)
        print("help startup", startup)


if __name__ == "__main__":
    main()
