"""OS::Trove::* on the embedded sandbox through the CLI: an instance BUILD -> ACTIVE
with databases and users, resized and given new databases and users in place, and a
cluster; deleted with nothing left behind."""

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

TEMPLATE = """
heat_template_version: 2018-08-31
parameters:
  size: {type: number, default: 1}
  flavor: {type: string, default: m1.small}
  databases: {type: json, default: [{name: app}]}
  users:
    type: json
    default: [{name: app_user, password: secret1, databases: [app]}]
resources:
  db:
    type: OS::Trove::Instance
    properties:
      flavor: {get_param: flavor}
      size: {get_param: size}
      datastore_type: mysql
      datastore_version: "8.0"
      networks: [{network: private}]
      databases: {get_param: databases}
      users: {get_param: users}
  cluster:
    type: OS::Trove::Cluster
    properties:
      datastore_type: mongodb
      datastore_version: "4.0"
      instances:
        - {flavor: m1.small, volume_size: 1}
        - {flavor: m1.small, volume_size: 1}
outputs:
  hostname: {value: {get_attr: [db, hostname]}}
  href: {value: {get_attr: [db, href]}}
  members: {value: {get_attr: [cluster, instances]}}
  ips: {value: {get_attr: [cluster, ip]}}
"""


def test_trove_instance_and_cluster(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = _write(tmp_path, "trove.yaml", TEMPLATE)
    _ok(run_cli("stack", "create", str(template), "--name", "t"))
    outputs = _outputs(run_cli, "t")
    instance_id = _physical(run_cli, "t", "db")
    assert outputs["hostname"] == f"{instance_id[:8]}.trove.sandbox"
    assert outputs["href"].endswith(f"/instances/{instance_id}")
    assert len(outputs["members"]) == 2 and len(outputs["ips"]) == 2
    databases = [{"name": "app"}, {"name": "reports"}]
    users = [{"name": "viewer", "password": "secret2", "databases": ["reports"]}]
    _ok(
        run_cli(
            "stack", "update", "t", "-t", str(template), "-P", "size=2", "-P", "flavor=m1.medium",
            "-P", f"databases={json.dumps(databases)}", "-P", f"users={json.dumps(users)}",
        )
    )  # fmt: skip
    assert _physical(run_cli, "t", "db") == instance_id

    def shown(conn: Any) -> tuple[Any, ...]:
        instance = conn.database.get(f"/instances/{instance_id}").json()["instance"]
        users = conn.database.get(f"/instances/{instance_id}/users").json()["users"]
        names = sorted(d.name for d in conn.database.databases(instance_id))
        medium = conn.compute.find_flavor("m1.medium").id
        return (
            instance["status"], instance["volume"]["size"], instance["flavor"]["id"] == medium,
            names, [(u["name"], u["databases"]) for u in users],
        )  # fmt: skip

    assert _cloud(state_dir, shown) == (
        "ACTIVE", 2, True, ["app", "reports"], [("viewer", [{"name": "reports"}])]
    )  # fmt: skip
    _delete_leaves_nothing(run_cli, state_dir, "t")


BAD = """
heat_template_version: 2018-08-31
resources:
  cluster:
    type: OS::Trove::Cluster
    properties:
      datastore_type: mysql
      datastore_version: "5.7"
      instances: [{flavor: m1.small, volume_size: 1}]
"""


def test_trove_cluster_of_a_datastore_that_does_not_cluster_fails(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    result = run_cli("stack", "create", str(_write(tmp_path, "bad.yaml", BAD)), "--name", "b")
    assert result.exit_code == 1 and "Clusters not supported for mysql" in result.stderr
    _delete_leaves_nothing(run_cli, state_dir, "b")
