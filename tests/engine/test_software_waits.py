"""Delay, AccessPolicy, UpdateWaitConditionHandle, SwiftSignal(Handle) and the AWS wait
condition through the real CLI on the embedded sandbox; SwiftSignal is signalled by PUTs to
its TempURL, as a guest would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from heatctl.errors import ExitCode

ROOT = Path(__file__).resolve().parents[2]
Sandbox = pytest.importorskip("heatctl.sandbox").Sandbox


@pytest.fixture(autouse=True)
def no_clouds_yaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for key in ("OS_AUTH_URL", "OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_USERNAME", "OS_PASSWORD"):
        monkeypatch.delenv(key, raising=False)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "t.yaml"
    path.write_text(text)
    return path


def start(state_dir: Path, tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "heatctl", "stack", *args],
        env={
            **os.environ,
            "HEATCTL_STATE_DIR": str(state_dir),
            "PYTHONPATH": str(ROOT),
            "HOME": str(tmp_path / "home"),
        },
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def attributes_when_complete(state_dir: Path, stack: str, name: str) -> dict[str, Any]:
    """A resource's stored attributes once it is CREATE_COMPLETE (another process runs)."""
    from heatctl.engine.store import StateStore

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with StateStore.open(state_dir) as store:
            found = store.find_stack(stack)
            row = store.find_resource(found.id, name) if found else None
            if row is not None and str(row.status) == "CREATE_COMPLETE":
                return store.resource_attributes(row.id, reveal=True)
        time.sleep(0.2)
    raise AssertionError(f"{name} was never created")


def outputs(run_cli: Any, stack: str) -> dict[str, Any]:
    data = json.loads(run_cli("stack", "output", stack, "--json").stdout)
    return {k: v["value"] for k, v in data.items()}


def physical(run_cli: Any, stack: str, name: str) -> str:
    data = json.loads(run_cli("stack", "resources", stack, "--json").stdout)
    return str(data[name]["physical_id"])


def inventory(state_dir: Path) -> dict[str, Any]:
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:
        return dict(sandbox.inventory())
    finally:
        sandbox.stop()


def put(url: str, body: Any) -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="PUT")
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


DELAY = """
heat_template_version: 2018-08-31
resources:
  delay:
    type: OS::Heat::Delay
    properties: {min_wait: 1, max_jitter: 0.5, jitter_multiplier: 1, actions: [CREATE, DELETE]}
  after: {type: OS::Heat::None, depends_on: delay}
"""


def test_delay_waits_on_its_actions(run_cli: Any, tmp_path: Path) -> None:
    template = write(tmp_path, DELAY)
    started = time.monotonic()
    assert run_cli("stack", "create", str(template), "--name", "d").exit_code == 0
    assert 1.0 <= time.monotonic() - started < 10
    started = time.monotonic()
    assert run_cli("stack", "update", "d", "-t", str(template)).exit_code == 0
    assert time.monotonic() - started < 1.0  # UPDATE is not one of its actions
    started = time.monotonic()
    assert run_cli("stack", "delete", "d", "--yes").exit_code == 0
    assert time.monotonic() - started >= 1.0


def test_delay_returns_wait_instead_of_sleeping() -> None:
    from heatctl.engine.lifecycle import ResourceContext
    from heatctl.engine.software_waits import delay_check, delay_start
    from heatctl.engine.wait import Wait

    clock = [100.0]
    ctx = ResourceContext(
        stack_id="s", stack_name="s", resource_id="r", name="d", type="OS::Heat::Delay",
        tag="t", properties={"min_wait": 10, "max_jitter": 0, "actions": ["CREATE"]},
        now=lambda: clock[0],
    )  # fmt: skip
    assert delay_start(ctx, "CREATE") == Wait(5.0)  # half the time left, as Heat polls
    clock[0] = 108.0
    assert delay_check(ctx) == Wait(2.0)
    clock[0] = 110.0
    assert delay_check(ctx) is None
    assert delay_start(ctx, "DELETE") is None  # not one of its actions


ACCESS = """
heat_template_version: 2018-08-31
parameters:
  allowed: {type: comma_delimited_list, default: "thing"}
resources:
  thing: {type: OS::Heat::None}
  policy:
    type: OS::Heat::AccessPolicy
    properties: {AllowedResources: {get_param: allowed}}
"""


def test_access_policy_names_resources_of_the_stack(run_cli: Any, tmp_path: Path) -> None:
    template = write(tmp_path, ACCESS)
    assert run_cli("stack", "create", str(template), "--name", "a").exit_code == 0
    bad = run_cli("stack", "create", str(template), "--name", "b", "-P", "allowed=thing,ghost")
    assert bad.exit_code == ExitCode.FAILED
    assert "AccessPolicy resource ghost not in stack" in bad.stderr


UPDATE_HANDLE = """
heat_template_version: 2018-08-31
resources:
  handle: {type: OS::Heat::UpdateWaitConditionHandle}
  user: {type: OS::Heat::Value, properties: {value: {get_resource: handle}}}
outputs:
  seen: {value: {get_attr: [user, value]}}
"""


def test_update_wait_condition_handle_is_new_on_every_update(run_cli: Any, tmp_path: Path) -> None:
    template = write(tmp_path, UPDATE_HANDLE)
    assert run_cli("stack", "create", str(template), "--name", "u").exit_code == 0
    first = physical(run_cli, "u", "handle")
    result = run_cli("stack", "update", "u", "-t", str(template))  # nothing changed
    assert result.exit_code == 0, result.stderr
    second = physical(run_cli, "u", "handle")
    assert second != first and outputs(run_cli, "u")["seen"] == second


SWIFT = """
heat_template_version: 2018-08-31
parameters:
  timeout: {type: number, default: 60}
resources:
  handle: {type: OS::Heat::SwiftSignalHandle}
  signal:
    type: OS::Heat::SwiftSignal
    properties: {handle: {get_resource: handle}, count: 2, timeout: {get_param: timeout}}
outputs:
  data: {value: {get_attr: [signal, data]}}
  curl: {value: {get_attr: [handle, curl_cli]}}
"""


def test_swift_signal_counts_puts_to_the_temp_url(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = write(tmp_path, SWIFT)
    proc = start(state_dir, tmp_path, "create", str(template), "--name", "s")
    endpoint = attributes_when_complete(state_dir, "s", "handle")["endpoint"]
    assert "temp_url_sig=" in endpoint
    assert put(endpoint, {"id": "web1", "data": "first"}) == 201
    assert put(endpoint, {"id": "web1", "data": "again"}) == 201  # same id: one signal
    time.sleep(1.5)
    assert proc.poll() is None
    assert put(endpoint, {"status": "SUCCESS", "data": 42}) == 201
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    out = outputs(run_cli, "s")
    assert json.loads(out["data"]) == {"web1": "again", "3": 42}  # Heat numbers every body
    assert out["curl"].startswith("curl -i -X PUT 'http://127.0.0.1:")
    assert run_cli("stack", "delete", "s", "--yes").exit_code == 0
    assert inventory(state_dir) == {}


def test_swift_signal_failure_and_timeout(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = write(tmp_path, SWIFT)
    proc = start(state_dir, tmp_path, "create", str(template), "--name", "s")
    endpoint = attributes_when_complete(state_dir, "s", "handle")["endpoint"]
    put(endpoint, {"status": "FAILURE", "reason": "no disk"})
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == ExitCode.FAILED and "SwiftSignalFailure: no disk" in err
    assert run_cli("stack", "delete", "s", "--yes").exit_code == 0
    late = run_cli("stack", "create", str(template), "--name", "t", "-P", "timeout=1")
    assert late.exit_code == ExitCode.FAILED
    assert "SwiftSignalTimeout: 0 of 2 received" in late.stderr
    assert run_cli("stack", "delete", "t", "--yes").exit_code == 0
    assert inventory(state_dir) == {}


AWS = """
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Timeout: {Type: Number, Default: 60}
Resources:
  Handle: {Type: 'AWS::CloudFormation::WaitConditionHandle'}
  Wait:
    Type: 'AWS::CloudFormation::WaitCondition'
    Properties: {Handle: {Ref: Handle}, Count: 1, Timeout: {Ref: Timeout}}
Outputs:
  Data: {Value: {'Fn::GetAtt': [Wait, Data]}}
  Url: {Value: {Ref: Handle}}
"""


def test_aws_wait_condition_takes_cfn_signals(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = write(tmp_path, AWS)
    proc = start(state_dir, tmp_path, "create", str(template), "--name", "w")
    attributes_when_complete(state_dir, "w", "Handle")
    bad = run_cli("stack", "signal", "w", "Handle", "--data", '{"status": "SUCCESS"}')
    assert bad.exit_code == ExitCode.INVALID and "UniqueId" in bad.stderr
    body = '{"Status": "SUCCESS", "Reason": "up", "UniqueId": "i-1", "Data": "ready"}'
    assert run_cli("stack", "signal", "w", "Handle", "--data", body).exit_code == 0
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    out = outputs(run_cli, "w")
    assert json.loads(out["Data"]) == {"i-1": "ready"}
    assert out["Url"] == "heatctl://stacks/w/resources/Handle/waitcondition"
    late = run_cli("stack", "create", str(template), "--name", "x", "-P", "Timeout=1")
    assert late.exit_code == ExitCode.FAILED and "WaitConditionTimeout: 0 of 1" in late.stderr
