"""Crash safety of the new types: after an interrupted create, each plugin's find_by_tag
finds the object this resource made (by its tag, name, MAC...) and not another one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from heatctl.engine import runtime
from heatctl.engine.lifecycle import ResourceContext
from heatctl.engine.store import StateStore
from heatctl.sandbox import Sandbox
from tests.engine.test_plugins_more import _delete_leaves_nothing, _ok, _write, no_clouds_yaml

__all__ = ["no_clouds_yaml"]

TEMPLATE = """
heat_template_version: 2018-08-31
resources:
  security: {type: OS::Manila::SecurityService, properties: {type: ldap}}
  network: {type: OS::Manila::ShareNetwork}
  share: {type: OS::Manila::Share, properties: {share_protocol: NFS, size: 1}}
  flow:
    type: OS::Mistral::Workflow
    properties: {type: direct, tasks: [{name: a, action: std.noop}]}
  cron:
    type: OS::Mistral::CronTrigger
    properties: {pattern: "0 * * * *", workflow: {name: {get_resource: flow}}}
  queue: {type: OS::Zaqar::Queue}
  hook:
    type: OS::Zaqar::Subscription
    properties: {queue_name: {get_resource: queue}, subscriber: "mailto:a@example.org"}
  k8s:
    type: OS::Magnum::ClusterTemplate
    properties: {coe: kubernetes, image: cirros, external_network: public}
  cluster: {type: OS::Magnum::Cluster, properties: {cluster_template: {get_resource: k8s}}}
  db: {type: OS::Trove::Instance, properties: {flavor: m1.small, size: 1}}
  box: {type: OS::Zun::Container, properties: {image: cirros}}
"""
# Types whose finder uses a name the template does not give: another tag finds nothing.
BY_OWN_NAME = {
    "network",
    "security",
    "share",
    "flow",
    "cron",
    "queue",
    "k8s",
    "cluster",
    "db",
    "box",
}


def _context(row: Any, stack_name: str, conn: Any, tag: str | None = None) -> ResourceContext:
    return ResourceContext(
        stack_id=row.stack_id,
        stack_name=stack_name,
        resource_id=row.id,
        name=row.name,
        type=row.type,
        tag=tag or row.tag,
        properties=dict(row.properties),
        connection_factory=lambda: conn,
    )


def test_find_by_tag_finds_the_resources_own_object(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    _ok(run_cli("stack", "create", str(_write(tmp_path, "all.yaml", TEMPLATE)), "--name", "a"))
    store = StateStore.open(state_dir)
    stack = store.get_stack("a")
    rows = store.resources(stack.id)
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:
        conn = sandbox.start().connection()
        for row in rows:
            plugin = runtime.plugin_for(row.type)
            found = plugin.find_by_tag(_context(row, stack.name, conn))  # type: ignore[attr-defined]
            assert found == row.physical_id, row.name
            if row.name in BY_OWN_NAME:
                other = _context(row, stack.name, conn, tag=f"{row.tag}-other")
                assert plugin.find_by_tag(other) is None, row.name  # type: ignore[attr-defined]
    finally:
        sandbox.stop()
    _delete_leaves_nothing(run_cli, state_dir, "a")
