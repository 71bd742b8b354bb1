"""Schemas, property validation and rules against OpenStack Heat itself (opt-in).

Set HEATCTL_HEAT_PYTHON to a Python with openstack-heat 27.0.1 (and `fixtures`) installed;
the test runs tests/resources/heat_parity.py with it. Skipped otherwise.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

HEAT_PYTHON = os.environ.get("HEATCTL_HEAT_PYTHON")


@pytest.mark.skipif(
    not HEAT_PYTHON, reason="set HEATCTL_HEAT_PYTHON to a Python with openstack-heat 27"
)
def test_heat_parity():
    script = Path(__file__).with_name("heat_parity.py")
    result = subprocess.run(
        [str(HEAT_PYTHON), str(script), "20"], capture_output=True, text=True, timeout=600
    )
    summary = [
        line for line in result.stdout.splitlines() if not line.startswith(("OS::", "AWS::"))
    ]
    assert result.returncode == 0, "\n".join(summary[:40]) + result.stderr[-2000:]
    assert "schemas: 0 differences" in result.stdout
