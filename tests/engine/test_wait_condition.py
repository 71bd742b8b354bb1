"""WaitCondition / WaitConditionHandle with `heatctl stack signal`, across processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from heatctl.engine import builtin
from heatctl.errors import ExitCode

ROOT = Path(__file__).resolve().parents[2]

TEMPLATE = """
heat_template_version: 2018-08-31
parameters:
  timeout: {type: number, default: 30}
resources:
  handle:
    type: OS::Heat::WaitConditionHandle
  wait:
    type: OS::Heat::WaitCondition
    properties:
      handle: {get_resource: handle}
      count: 2
      timeout: {get_param: timeout}
  after:
    type: OS::Heat::None
    depends_on: wait
outputs:
  data: {value: {get_attr: [wait, data]}}
  how: {value: {get_attr: [handle, curl_cli]}}
"""


def start_create(state_dir: Path, template: Path, *params: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "heatctl", "stack", "create", str(template), "--name", "w", *params],
        env={**os.environ, "HEATCTL_STATE_DIR": str(state_dir), "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_handle(run_cli) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        result = run_cli("stack", "resources", "w", "--json")
        if (
            result.exit_code == 0
            and json.loads(result.stdout)["handle"]["status"] == "CREATE_COMPLETE"
        ):
            return
        time.sleep(0.1)
    raise AssertionError("the handle was never created")


def test_signals_complete_the_wait_and_fill_data(run_cli, state_dir: Path, tmp_path: Path) -> None:
    template = tmp_path / "wait.yaml"
    template.write_text(TEMPLATE)
    proc = start_create(state_dir, template)
    wait_for_handle(run_cli)
    first = run_cli(
        "stack", "signal", "w", "handle", "--data", '{"data": "10.0.0.5", "id": "web1"}'
    )
    assert first.exit_code == 0, first.stderr
    assert (
        run_cli("stack", "signal", "w", "handle", "--data", '{"id": "web1"}').exit_code == 0
    )  # same id
    assert proc.poll() is None  # two signals, one id: still waiting
    assert (
        run_cli(
            "stack", "signal", "w", "handle", "--data", '{"status": "SUCCESS", "data": 42}'
        ).exit_code
        == 0
    )
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    outputs = json.loads(run_cli("stack", "output", "w", "--json").stdout)
    assert json.loads(outputs["data"]["value"]) == {"3": 42, "web1": None}
    assert outputs["how"]["value"] == "heatctl stack signal w handle --data"


def test_a_failure_signal_fails_the_wait_with_its_reason(
    run_cli, state_dir: Path, tmp_path: Path
) -> None:
    template = tmp_path / "wait.yaml"
    template.write_text(TEMPLATE)
    proc = start_create(state_dir, template)
    wait_for_handle(run_cli)
    bad = run_cli(
        "stack", "signal", "w", "handle", "--data", '{"status": "FAILURE", "reason": "disk full"}'
    )
    assert bad.exit_code == 0
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == ExitCode.FAILED
    assert "wait: WaitConditionFailure: disk full" in err


def test_the_wait_times_out(run_cli, tmp_path: Path) -> None:
    template = tmp_path / "wait.yaml"
    template.write_text(TEMPLATE)
    result = run_cli("stack", "create", str(template), "--name", "w", "-P", "timeout=1")
    assert result.exit_code == ExitCode.FAILED
    assert "WaitConditionTimeout: 0 of 2 received" in result.stderr


def test_bad_signals_are_refused(run_cli, tmp_path: Path) -> None:
    template = tmp_path / "wait.yaml"
    template.write_text(TEMPLATE)
    run_cli("stack", "create", str(template), "--name", "w", "-P", "timeout=1")
    for data, message in (
        ("{bad json", "--data:"),
        ('{"status": "MAYBE"}', "not SUCCESS or FAILURE"),
        ('{"colour": 1}', "unknown signal keys colour"),
    ):
        result = run_cli("stack", "signal", "w", "handle", "--data", data)
        assert result.exit_code == ExitCode.INVALID and message in result.stderr
    assert run_cli("stack", "signal", "w", "nothing").exit_code == ExitCode.INVALID


def test_signal_defaults_follow_heat() -> None:
    assert builtin.normalize_signal({}, 3) == {
        "status": "SUCCESS",
        "reason": "Signal 3 received",
        "data": None,
        "id": "3",
    }
    with pytest.raises(ValueError):
        builtin.normalize_signal([1], 1)


def test_cancel_stops_a_running_create_from_another_process(
    run_cli, state_dir: Path, tmp_path: Path
) -> None:
    template = tmp_path / "wait.yaml"
    template.write_text(TEMPLATE)
    proc = start_create(state_dir, template)  # waits for signals that never come
    wait_for_handle(run_cli)
    started = time.monotonic()
    result = run_cli("stack", "cancel", "w")
    assert result.exit_code == 0, result.stderr
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - started < 10
    assert proc.returncode == ExitCode.FAILED and "cancelled (heatctl stack cancel)" in err
    rows = json.loads(run_cli("stack", "resources", "w", "--json").stdout)
    assert (
        rows["wait"]["status"] == "CREATE_FAILED" and rows["wait"]["status_reason"] == "cancelled"
    )
    again = run_cli("stack", "cancel", "w")
    assert again.exit_code == ExitCode.CONFLICT and "nothing runs to cancel" in again.stderr
