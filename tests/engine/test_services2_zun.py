"""OS::Zun::Container on the embedded sandbox through the CLI: Creating -> Created ->
Running with a real Neutron port, renamed and resized in place, moved to another
network in place, deleted with its ports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.engine.test_plugins_more import (
    _cloud,
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
  memory: {type: number, default: 256}
  network: {type: string, default: private}
resources:
  net:
    type: OS::Neutron::Net
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 192.168.50.0/24}
  web:
    type: OS::Zun::Container
    depends_on: subnet
    properties:
      image: nginx:latest
      command: nginx -g "daemon off;"
      memory: {get_param: memory}
      restart_policy: on-failure:3
      environment: {MODE: prod}
      networks: [{network: {get_param: network}}]
outputs:
  addresses: {value: {get_attr: [web, addresses]}}
  show: {value: {get_attr: [web, show]}}
"""


def test_zun_container(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = _write(tmp_path, "zun.yaml", TEMPLATE)
    _ok(run_cli("stack", "create", str(template), "--name", "c"))
    outputs = _outputs(run_cli, "c")
    show = outputs["show"]
    assert show["status"] == "Running" and show["command"] == ["nginx", "-g", "daemon off;"]
    assert show["restart_policy"] == {"Name": "on-failure", "MaximumRetryCount": "3"}
    [address] = outputs["addresses"]["private"]  # Heat adds the network's name as a key
    [network_id] = [key for key in outputs["addresses"] if key != "private"]
    assert outputs["addresses"][network_id] == [address] and address["addr"].startswith("10.0.0.")
    container = _physical(run_cli, "c", "web")
    port = _cloud(state_dir, lambda c: c.network.get_port(address["port"]))
    assert port.device_id == container and port.network_id == network_id
    net = _physical(run_cli, "c", "net")
    _ok(run_cli("stack", "update", "c", "-t", str(template), "-P", "memory=512",
                "-P", f"network={net}"))  # fmt: skip
    assert _physical(run_cli, "c", "web") == container
    outputs = _outputs(run_cli, "c")
    assert outputs["show"]["memory"] == "512"
    [moved] = outputs["addresses"][net]
    assert "private" not in outputs["addresses"] and moved["addr"].startswith("192.168.50.")
    assert _cloud(state_dir, lambda c: c.network.find_port(address["port"])) is None
    _delete_leaves_nothing(run_cli, state_dir, "c")
