"""The sandbox benchmark script still runs (a tiny configuration, a few seconds)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_benchmark_script_runs_and_reports() -> None:
    script = ROOT / "benchmarks" / "sandbox_bench.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--workers", "2", "--loops", "3", "--resources", "40"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=ROOT,
    )
    result = json.loads(proc.stdout)
    assert result["throughput"]["requests"] == 2 * 3 * 12
    assert result["throughput"]["errors"] == []
    assert result["throughput"]["server_cpu_ms_per_request"] > 0
    assert [s["resources"] for s in result["scale"]["rss_samples"]] == [0, 10, 20, 30, 40]
