"""OS::Ironic::Port on the embedded sandbox through the CLI, on a node made through
openstacksdk's baremetal proxy: created, attributes, changed in place by JSON-patch
(address, extra, moved to another node), deleted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.engine.test_plugins_more import (
    _cloud,
    _inventory,
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
  node: {type: string, default: rack1-node1}
  mac: {type: string, default: "52:54:00:12:34:56"}
resources:
  nic:
    type: OS::Ironic::Port
    properties:
      node: {get_param: node}
      address: {get_param: mac}
      pxe_enabled: false
      local_link_connection: {switch_id: "0a:1b:2c:3d:4e:5f", port_id: Ethernet3/1}
      extra: {rack: "1"}
outputs:
  node: {value: {get_attr: [nic, node_uuid]}}
  address: {value: {get_attr: [nic, address]}}
  pxe: {value: {get_attr: [nic, pxe_enabled]}}
"""


def test_ironic_port(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    def nodes(conn: Any) -> list[str]:
        return [
            conn.baremetal.create_node(name=name, driver="fake-hardware").id
            for name in ("rack1-node1", "rack1-node2")
        ]

    # The sandbox starts with no bare metal node: make two through openstacksdk.
    first_node, second_node = _cloud(state_dir, nodes)
    template = _write(tmp_path, "ironic.yaml", TEMPLATE)
    _ok(run_cli("stack", "create", str(template), "--name", "i"))
    assert _outputs(run_cli, "i") == {
        "node": first_node, "address": "52:54:00:12:34:56", "pxe": False
    }  # fmt: skip
    port_id = _physical(run_cli, "i", "nic")
    _ok(run_cli("stack", "update", "i", "-t", str(template), "-P", "node=rack1-node2",
                "-P", "mac=52:54:00:12:34:57"))  # fmt: skip
    assert _physical(run_cli, "i", "nic") == port_id
    port = _cloud(state_dir, lambda c: c.baremetal.get_port(port_id))
    assert (port.node_id, port.address) == (second_node, "52:54:00:12:34:57")
    assert port.local_link_connection["port_id"] == "Ethernet3/1"
    _ok(run_cli("stack", "delete", "i", "--yes"))
    assert set(_inventory(state_dir)) == {"baremetal/node"}
    _cloud(state_dir, lambda c: [c.baremetal.delete_node(n) for n in (first_node, second_node)])
    assert _inventory(state_dir) == {}
