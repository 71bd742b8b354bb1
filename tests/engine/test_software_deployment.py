"""Software configs and deployments through the real CLI against the embedded sandbox:
a Nova server, a SoftwareConfig and a SoftwareDeployment signalled with
`heatctl stack signal`, or through a Swift TempURL as a guest agent would."""

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

TEMPLATE = """
heat_template_version: 2018-08-31
parameters:
  transport: {type: string, default: CFN_SIGNAL}
  who: {type: string, default: world}
  actions: {type: comma_delimited_list, default: "CREATE,UPDATE"}
resources:
  server:
    type: OS::Nova::Server
    properties: {image: cirros, flavor: m1.tiny, user_data_format: SOFTWARE_CONFIG}
  config:
    type: OS::Heat::SoftwareConfig
    properties:
      group: script
      config: |
        #!/bin/sh
        echo "hello $who" > $heat_outputs_path.greeting
      inputs: [{name: who, default: nobody}]
      outputs: [{name: greeting}]
  deployment:
    type: OS::Heat::SoftwareDeployment
    properties:
      config: {get_resource: config}
      server: {get_resource: server}
      signal_transport: {get_param: transport}
      input_values: {who: {get_param: who}}
      actions: {get_param: actions}
outputs:
  greeting: {value: {get_attr: [deployment, greeting]}}
  stdout: {value: {get_attr: [deployment, deploy_stdout]}}
  code: {value: {get_attr: [deployment, deploy_status_code]}}
  script: {value: {get_attr: [config, config]}}
"""


@pytest.fixture(autouse=True)
def no_clouds_yaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for key in ("OS_AUTH_URL", "OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_USERNAME", "OS_PASSWORD"):
        monkeypatch.delenv(key, raising=False)


def start(state_dir: Path, tmp_path: Path, command: str, *args: str) -> subprocess.Popen[str]:
    template = tmp_path / "sd.yaml"
    template.write_text(TEMPLATE)
    name = ["--name", "sd"] if command == "create" else []
    return subprocess.Popen(
        [sys.executable, "-m", "heatctl", "stack", command, *name, *args],
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


def resources(run_cli: Any) -> dict[str, Any]:
    result = run_cli("stack", "resources", "sd", "--json")
    return json.loads(result.stdout) if result.exit_code == 0 else {}


def wait_in_progress(run_cli: Any, proc: subprocess.Popen[str], action: str) -> dict[str, Any]:
    """The deployment row once it waits for its result (its data has been saved)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        row = resources(run_cli).get("deployment", {})
        if row.get("status") == f"{action}_IN_PROGRESS" and row.get("physical_id"):
            return row
        if proc.poll() is not None:
            raise AssertionError(proc.communicate()[1])
        time.sleep(0.2)
    raise AssertionError("the deployment never started")


def outputs(run_cli: Any) -> dict[str, Any]:
    data = json.loads(run_cli("stack", "output", "sd", "--json").stdout)
    return {k: v["value"] for k, v in data.items()}


def finish(proc: subprocess.Popen[str]) -> str:
    _, err = proc.communicate(timeout=90)
    assert proc.returncode == 0, err
    return err


def inventory(state_dir: Path) -> dict[str, Any]:
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:
        return dict(sandbox.inventory())
    finally:
        sandbox.stop()


def software_rows(state_dir: Path) -> tuple[int, int]:
    from heatctl.engine.store import StateStore

    with StateStore.open(state_dir) as store:
        configs = store.db.execute("SELECT COUNT(*) FROM software_configs").fetchone()[0]
        deployments = store.db.execute("SELECT COUNT(*) FROM software_deployments").fetchone()[0]
    return int(configs), int(deployments)


def delivered(state_dir: Path, deployment_id: str, action: str) -> dict[str, Any]:
    """The derived config's inputs once the deployment gave the server `action`: only then
    does a result count for it (Heat ignores results that come before)."""
    deadline = time.monotonic() + 30
    while (inputs := derived_inputs(state_dir, deployment_id)).get("deploy_action") != action:
        assert time.monotonic() < deadline, f"the {action} run was never delivered"
        time.sleep(0.2)
    return inputs


def derived_inputs(state_dir: Path, deployment_id: str) -> dict[str, Any]:
    """The inputs (name: value) of the config the deployment gives the server now."""
    from heatctl.engine.store import StateStore

    with StateStore.open(state_dir) as store:
        derived = store.db.execute(
            "SELECT c.inputs FROM software_deployments d"
            " JOIN software_configs c ON c.id = d.config_id WHERE d.id = ?",
            [deployment_id],
        ).fetchone()
    if derived is None:  # the operation has not written it yet
        return {}
    return {i["name"]: i["value"] for i in json.loads(derived[0])}


def signal(run_cli: Any, body: dict[str, Any]) -> None:
    result = run_cli("stack", "signal", "sd", "deployment", "--data", json.dumps(body))
    assert result.exit_code == 0, result.stderr


def test_signalled_deployment_create_update_delete(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    proc = start(state_dir, tmp_path, "create", str(tmp_path / "sd.yaml"))
    wait_in_progress(run_cli, proc, "CREATE")
    signal(run_cli, {"deploy_stdout": "done", "deploy_stderr": "", "deploy_status_code": 0,
                     "greeting": "hello world"})  # fmt: skip
    finish(proc)
    out = outputs(run_cli)
    assert out["greeting"] == "hello world" and out["stdout"] == "done"
    assert out["code"] == 0 and out["script"].startswith("#!/bin/sh")
    # update: a new input value runs the deployment again (UPDATE is in actions)
    proc = start(state_dir, tmp_path, "update", "sd", "-P", "who=you")
    delivered(state_dir, wait_in_progress(run_cli, proc, "UPDATE")["physical_id"], "UPDATE")
    signal(run_cli, {"deploy_stdout": "again", "deploy_status_code": "0", "greeting": "hi you"})
    finish(proc)
    assert outputs(run_cli)["greeting"] == "hi you"
    assert software_rows(state_dir) == (2, 1)  # the config and the derived config
    assert run_cli("stack", "delete", "sd", "--yes").exit_code == 0
    assert inventory(state_dir) == {}
    assert software_rows(state_dir) == (0, 0)


def test_non_zero_status_fails_with_stderr(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    proc = start(state_dir, tmp_path, "create", str(tmp_path / "sd.yaml"))
    wait_in_progress(run_cli, proc, "CREATE")
    signal(run_cli, {"deploy_stdout": "", "deploy_stderr": "disk full", "deploy_status_code": 2})
    _, err = proc.communicate(timeout=90)
    assert proc.returncode == ExitCode.FAILED
    assert "Deployment to server failed: deploy_status_code : Deployment exited with" in err
    assert "non-zero status code: 2" in err and "disk full" in err
    assert run_cli("stack", "delete", "sd", "--yes").exit_code == 0
    assert inventory(state_dir) == {}


def test_no_signal_and_delete_action(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = tmp_path / "sd.yaml"
    template.write_text(TEMPLATE)
    params = ["-P", "transport=NO_SIGNAL", "-P", "actions=CREATE,DELETE"]
    created = run_cli("stack", "create", str(template), "--name", "sd", *params)
    assert created.exit_code == 0, created.stderr
    assert outputs(run_cli)["code"] is None  # nothing was signalled
    assert run_cli("stack", "delete", "sd", "--yes").exit_code == 0
    assert inventory(state_dir) == {}


def test_temp_url_signal_is_a_put_by_the_guest(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    proc = start(state_dir, tmp_path, "create", str(tmp_path / "sd.yaml"), "-P",
                 "transport=TEMP_URL_SIGNAL", "-P", "actions=CREATE,DELETE")  # fmt: skip
    row = wait_in_progress(run_cli, proc, "CREATE")
    inputs = derived_inputs(state_dir, row["physical_id"])
    assert inputs["who"] == "world" and inputs["deploy_action"] == "CREATE"
    assert inputs["deploy_signal_verb"] == "PUT" and inputs["deploy_resource_name"] == "deployment"
    assert inputs["deploy_server_id"] == resources(run_cli)["server"]["physical_id"]
    body = json.dumps({"deploy_stdout": "via swift", "deploy_status_code": 0, "greeting": "x"})
    request = urllib.request.Request(inputs["deploy_signal_id"], data=body.encode(), method="PUT")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
    finish(proc)
    assert outputs(run_cli)["stdout"] == "via swift"
    # DELETE is in actions: the delete waits for the guest's result to the same URL
    proc = start(state_dir, tmp_path, "delete", "sd", "--yes")
    wait_in_progress(run_cli, proc, "DELETE")
    inputs = delivered(state_dir, row["physical_id"], "DELETE")
    request = urllib.request.Request(
        inputs["deploy_signal_id"], data=b'{"deploy_status_code": 0}', method="PUT"
    )
    urllib.request.urlopen(request, timeout=10).close()
    finish(proc)
    assert inventory(state_dir) == {}


def test_delete_only_deployment_runs_on_delete(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = tmp_path / "sd.yaml"
    template.write_text(TEMPLATE)
    created = run_cli("stack", "create", str(template), "--name", "sd", "-P", "actions=DELETE")
    assert created.exit_code == 0, created.stderr  # nothing to wait for on create
    assert software_rows(state_dir) == (1, 0)
    proc = start(state_dir, tmp_path, "delete", "sd", "--yes")
    row = wait_in_progress(run_cli, proc, "DELETE")
    delivered(state_dir, row["physical_id"], "DELETE")
    signal(run_cli, {"deploy_stdout": "bye", "deploy_status_code": 0})
    finish(proc)
    assert software_rows(state_dir) == (0, 0) and inventory(state_dir) == {}


def test_a_killed_create_resumes_and_takes_the_signal(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    proc = start(state_dir, tmp_path, "create", str(tmp_path / "sd.yaml"))
    row = wait_in_progress(run_cli, proc, "CREATE")
    delivered(state_dir, row["physical_id"], "CREATE")
    proc.kill()  # heatctl dies while the deployment waits for its result
    proc.communicate(timeout=30)
    signal(run_cli, {"deploy_stdout": "after the crash", "deploy_status_code": 0})
    resumed = run_cli("stack", "resume", "sd")
    assert resumed.exit_code == 0, resumed.stderr
    assert outputs(run_cli)["stdout"] == "after the crash"
    assert resources(run_cli)["deployment"]["physical_id"] == row["physical_id"]
    assert software_rows(state_dir) == (2, 1)  # no second deployment, no second config
    assert run_cli("stack", "delete", "sd", "--yes").exit_code == 0
    assert inventory(state_dir) == {} and software_rows(state_dir) == (0, 0)
