"""SoftwareDeploymentGroup: one deployment per server in a child stack, each signalled on
its own; the group's maps of results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

TEMPLATE = """
heat_template_version: 2018-08-31
parameters:
  names: {type: comma_delimited_list, default: "a,b"}
resources:
  web_a: {type: OS::Heat::DeployedServer}
  web_b: {type: OS::Heat::DeployedServer}
  config:
    type: OS::Heat::SoftwareConfig
    properties: {group: script, config: "echo ok", outputs: [{name: result}]}
  group:
    type: OS::Heat::SoftwareDeploymentGroup
    properties:
      config: {get_resource: config}
      servers:
        map_merge:
          - {a: {get_resource: web_a}}
          - {b: {get_resource: web_b}}
      input_values: {colour: blue}
outputs:
  stdouts: {value: {get_attr: [group, deploy_stdouts]}}
  codes: {value: {get_attr: [group, deploy_status_codes]}}
  results: {value: {get_attr: [group, result]}}
"""


@pytest.fixture(autouse=True)
def no_clouds_yaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def test_group_members_are_signalled_one_by_one(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    from heatctl.engine.store import StateStore

    template = tmp_path / "g.yaml"
    template.write_text(TEMPLATE)
    proc = subprocess.Popen(
        [sys.executable, "-m", "heatctl", "stack", "create", str(template), "--name", "g"],
        env={**os.environ, "HEATCTL_STATE_DIR": str(state_dir), "PYTHONPATH": str(ROOT)},
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    child, members = None, []
    while child is None or len(members) < 2:
        assert time.monotonic() < deadline and proc.poll() is None, proc.poll()
        time.sleep(0.2)
        with StateStore.open(state_dir) as store:
            child = next((s for s in store.list_stacks(include_nested=True) if s.parent_id), None)
            rows = store.resources(child.id) if child else []
            members = [r for r in rows if r.physical_id and r.status.in_progress]
    assert child is not None and sorted(r.name for r in members) == ["a", "b"]
    for name in ("a", "b"):
        body = {"deploy_stdout": f"out {name}", "deploy_status_code": 0, "result": name * 2}
        signalled = run_cli("stack", "signal", child.id, name, "--data", json.dumps(body))
        assert signalled.exit_code == 0, signalled.stderr
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    data = json.loads(run_cli("stack", "output", "g", "--json").stdout)
    out = {k: v["value"] for k, v in data.items()}
    assert out["stdouts"] == {"a": "out a", "b": "out b"}
    assert out["codes"] == {"a": 0, "b": 0} and out["results"] == {"a": "aa", "b": "bb"}
    assert run_cli("stack", "delete", "g", "--yes").exit_code == 0
    with StateStore.open(state_dir) as store:
        left = store.db.execute("SELECT COUNT(*) FROM software_deployments").fetchone()[0]
    assert left == 0
