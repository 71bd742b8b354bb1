"""OS::Blazar::* on the embedded sandbox through the CLI: a host made reservable with
an extra capability, and a lease that reserves it by that capability; replaced on
change, deleted with nothing left behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.engine.test_plugins_more import (
    _delete_leaves_nothing,
    _ok,
    _outputs,
    _physical,
    _write,
    no_clouds_yaml,
)

__all__ = ["no_clouds_yaml"]

TEMPLATE = """
heat_template_version: 2018-08-31
parameters:
  start: {type: string, default: "2031-01-01 10:00"}
  end: {type: string, default: "2031-01-02 10:00"}
  name: {type: string, default: gpu-week}
resources:
  host:
    type: OS::Blazar::Host
    properties: {name: compute1, extra_capability: {gpu: "yes"}}
  lease:
    type: OS::Blazar::Lease
    depends_on: host
    properties:
      name: {get_param: name}
      start_date: {get_param: start}
      end_date: {get_param: end}
      reservations:
        - resource_type: physical:host
          min: 1
          max: 1
          resource_properties: '["==", "$gpu", "yes"]'
outputs:
  status: {value: {get_attr: [lease, status]}}
  reservations: {value: {get_attr: [lease, reservations]}}
  vcpus: {value: {get_attr: [host, vcpus]}}
  extra: {value: {get_attr: [host, extra_capability]}}
"""


def test_blazar_host_and_lease(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = _write(tmp_path, "blazar.yaml", TEMPLATE)
    _ok(run_cli("stack", "create", str(template), "--name", "r"))
    outputs = _outputs(run_cli, "r")
    assert outputs["status"] == "PENDING" and outputs["vcpus"] == 32
    assert outputs["extra"] == {"gpu": "yes"}
    [reservation] = outputs["reservations"]
    assert reservation["resource_type"] == "physical:host" and reservation["min"] == 1
    lease = _physical(run_cli, "r", "lease")
    # New dates replace the lease (Heat's lease has no update_allowed property); the new
    # one is made before the old one goes, so it needs its own name and a free host then.
    _ok(run_cli("stack", "update", "r", "-t", str(template), "-P", "name=gpu-next",
                "-P", "start=2031-02-01 10:00", "-P", "end=2031-02-02 10:00"))  # fmt: skip
    assert _physical(run_cli, "r", "lease") != lease
    overlapping = run_cli("stack", "update", "r", "-t", str(template), "-P", "name=gpu-3",
                          "-P", "start=2031-02-01 12:00", "-P", "end=2031-02-03 10:00")  # fmt: skip
    assert overlapping.exit_code == 1 and "Not enough hosts available" in overlapping.stderr
    _delete_leaves_nothing(run_cli, state_dir, "r")


TOO_MANY = TEMPLATE.replace("min: 1\n          max: 1", "min: 2\n          max: 2")


def test_blazar_lease_without_enough_hosts_fails(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = _write(tmp_path, "many.yaml", TOO_MANY)
    result = run_cli("stack", "create", str(template), "--name", "m")
    assert result.exit_code == 1 and "Not enough hosts available" in result.stderr
    _delete_leaves_nothing(run_cli, state_dir, "m")
