"""Retries and errors against the sandbox's fault rules, over real HTTP: a create that
reached the cloud but was answered 503 is found by its tag (not made twice), 429 waits
for Retry-After, quota errors fail at once with the cloud's message."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from heatctl.errors import ExitCode
from heatctl.sandbox import Sandbox

TEMPLATE = """
heat_template_version: 2018-08-31
resources:
  net:
    type: OS::Neutron::Net
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.20.0.0/24}
  port:
    type: OS::Neutron::Port
    properties: {network: {get_resource: net}, fixed_ips: [{subnet: {get_resource: subnet}}]}
"""


@pytest.fixture
def cloud(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    sandbox = Sandbox(state_path=tmp_path / "cloud.db").start()
    clouds = sandbox.write_clouds_yaml(tmp_path / "clouds.yaml")
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds))
    monkeypatch.chdir(tmp_path)
    for key in [k for k in os.environ if k.startswith("OS_") and k != "OS_CLIENT_CONFIG_FILE"]:
        monkeypatch.delenv(key)
    template = tmp_path / "net.yaml"
    template.write_text(TEMPLATE)
    yield sandbox, template
    sandbox.stop()


def _posts(sandbox: Sandbox, suffix: str) -> list[int]:
    return [r.status for r in sandbox.request_log if r.method == "POST" and r.path.endswith(suffix)]


def test_created_but_503_is_found_by_tag_and_429_waits(run_cli, cloud) -> None:
    sandbox, template = cloud
    sandbox.rules.add(
        [
            {
                "name": "ghost",
                "match": {"resource": "network", "method": "POST", "nth": 1},
                "action": {"commit_then": 503},
            }
        ]
    )
    sandbox.rules.add(
        [
            {
                "name": "slow-down",
                "match": {"resource": "port", "method": "POST", "nth": 1},
                "action": {"status": 429, "retry_after": 1},
            }
        ]
    )
    result = run_cli("stack", "create", str(template), "--name", "f", "--os-cloud", "sandbox")
    assert result.exit_code == 0, result.stderr
    inventory = sandbox.inventory()
    assert len(inventory["network/network"]) == 1  # the 503'd create was adopted, not repeated
    assert len(inventory["network/port"]) == 1
    assert _posts(sandbox, "/networks") == [503]  # never re-POSTed: found by its tag
    assert _posts(sandbox, "/ports") == [429, 201]
    rows = json.loads(run_cli("stack", "resources", "f", "--json").stdout)
    assert rows["net"]["physical_id"] == inventory["network/network"][0]
    assert run_cli("stack", "delete", "f", "--yes", "--os-cloud", "sandbox").exit_code == 0
    assert sandbox.inventory() == {}


def test_quota_fails_fast_with_the_clouds_message(run_cli, cloud) -> None:
    sandbox, template = cloud
    sandbox.rules.add(
        [
            {
                "name": "quota",
                "match": {"resource": "subnet", "method": "POST"},
                "action": {"status": 409, "message": "Quota exceeded for resources: ['subnet']."},
            }
        ]
    )
    result = run_cli("stack", "create", str(template), "--name", "q", "--os-cloud", "sandbox")
    assert result.exit_code == ExitCode.FAILED
    assert (
        "subnet: subnet.create: quota (HTTP 409): Quota exceeded for resources: ['subnet']."
        in result.stderr
    )
    assert _posts(sandbox, "/subnets") == [409]  # no retry
    resources = json.loads(run_cli("stack", "resources", "q", "--json").stdout)
    assert resources["port"]["status"] == "INIT_COMPLETE"  # skipped: depends on the subnet


def test_transient_errors_are_retried_with_backoff(run_cli, cloud) -> None:
    sandbox, template = cloud
    sandbox.rules.add(
        [
            {
                "name": "flaky",
                "match": {"resource": "subnet", "method": "POST", "times": 2},
                "action": {"status": 503},
            }
        ]
    )
    result = run_cli("stack", "create", str(template), "--name", "t", "--os-cloud", "sandbox")
    assert result.exit_code == 0, result.stderr
    assert _posts(sandbox, "/subnets") == [503, 503, 201]
    assert len(sandbox.inventory()["network/subnet"]) == 1
