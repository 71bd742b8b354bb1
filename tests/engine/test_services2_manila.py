"""OS::Manila::* on the embedded sandbox through the CLI (real HTTP through openstacksdk):
create, attributes, update in place, delete, and nothing left behind."""

from __future__ import annotations

import json
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

SHARES = """
heat_template_version: 2018-08-31
parameters:
  rules:
    type: json
    default: [{access_to: 10.0.0.0/24, access_type: ip, access_level: ro}]
  share_name: {type: string, default: first}
resources:
  security:
    type: OS::Manila::SecurityService
    properties: {type: ldap, server: ldap.example.org, user: admin, password: s3cret}
  network:
    type: OS::Manila::ShareNetwork
    properties:
      neutron_network: private
      neutron_subnet: private-subnet
      security_services: [{get_resource: security}]
  share_type:
    type: OS::Manila::ShareType
    properties:
      name: gold
      driver_handles_share_servers: true
      extra_specs: {replication_type: dr}
  share:
    type: OS::Manila::Share
    properties:
      name: {get_param: share_name}
      share_protocol: NFS
      size: 1
      share_network: {get_resource: network}
      share_type: gold
      metadata: {team: a}
      access_rules: {get_param: rules}
    depends_on: share_type
outputs:
  exports: {value: {get_attr: [share, export_locations]}}
  status: {value: {get_attr: [share, status]}}
  cidr: {value: {get_attr: [network, cidr]}}
  show: {value: {get_attr: [share, show]}}
"""


def _rules(conn: Any, share_id: str) -> list[tuple[str, str]]:
    return sorted(
        (rule.access_to, rule.access_level)
        for rule in conn.shared_file_system.access_rules(share_id)
    )


def test_manila_share_network_type_and_security_service(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = _write(tmp_path, "manila.yaml", SHARES)
    _ok(run_cli("stack", "create", str(template), "--name", "m"))
    outputs = _outputs(run_cli, "m")
    share_id = _physical(run_cli, "m", "share")
    assert outputs["status"] == "available"
    assert outputs["exports"] == [f"127.0.0.1:/shares/share-{share_id}"]
    assert outputs["cidr"] == "10.0.0.0/24"
    assert outputs["show"]["name"] == "first" and outputs["show"]["share_protocol"] == "NFS"
    network_id = _physical(run_cli, "m", "network")
    security_id = _physical(run_cli, "m", "security")

    def check(conn: Any) -> None:
        share = conn.shared_file_system.get_share(share_id)
        assert share.share_network_id == network_id
        assert share.share_type_name == "gold"
        assert share.metadata["team"] == "a"
        assert _rules(conn, share_id) == [("10.0.0.0/24", "ro")]
        network = conn.shared_file_system.get(f"/share-networks/{network_id}").json()
        assert network["share_network"]["security_services"] == [security_id]
        specs = conn.shared_file_system.get_share_type(_physical(run_cli, "m", "share_type"))
        assert specs.extra_specs["driver_handles_share_servers"] == "True"
        assert specs.extra_specs["replication_type"] == "dr"

    _cloud(state_dir, check)
    # Rename and change the rules in place: the ro rule goes, two rw rules come.
    rules = [
        {"access_to": "10.1.0.0/24", "access_type": "ip"},
        {"access_to": "10.2.0.0/24", "access_type": "ip", "access_level": "rw"},
    ]
    _ok(
        run_cli(
            "stack", "update", "m", "-t", str(template),
            "-P", "share_name=second", "-P", f"rules={json.dumps(rules)}",
        )
    )  # fmt: skip
    assert _physical(run_cli, "m", "share") == share_id

    def check_updated(conn: Any) -> None:
        assert _rules(conn, share_id) == [("10.1.0.0/24", "rw"), ("10.2.0.0/24", "rw")]
        assert conn.shared_file_system.get_share(share_id).name == "second"

    _cloud(state_dir, check_updated)
    _delete_leaves_nothing(run_cli, state_dir, "m")


BAD_RULE = """
heat_template_version: 2018-08-31
resources:
  share:
    type: OS::Manila::Share
    properties:
      share_protocol: NFS
      size: 1
      access_rules: [{access_to: not-an-address, access_type: ip}]
"""


def test_manila_share_refused_rule_fails_the_resource(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = _write(tmp_path, "bad.yaml", BAD_RULE)
    result = run_cli("stack", "create", str(template), "--name", "b")
    assert result.exit_code == 1
    assert "Error during applying access rules" in result.stderr
    assert "not-an-address" in result.stderr
    _delete_leaves_nothing(run_cli, state_dir, "b")
