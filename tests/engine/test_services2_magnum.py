"""OS::Magnum::* on the embedded sandbox through the CLI: a cluster template and a
cluster that goes CREATE_IN_PROGRESS -> CREATE_COMPLETE, resized in place, deleted."""

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
  nodes: {type: number, default: 1}
  public: {type: boolean, default: false}
resources:
  k8s:
    type: OS::Magnum::ClusterTemplate
    properties:
      coe: kubernetes
      image: fedora
      external_network: public
      flavor: m1.small
      master_flavor: m1.medium
      volume_driver: cinder
      labels: {kube_tag: v1.27.3}
      public: {get_param: public}
  cluster:
    type: OS::Magnum::Cluster
    properties:
      cluster_template: {get_resource: k8s}
      node_count: {get_param: nodes}
outputs:
  api: {value: {get_attr: [cluster, api_address]}}
  nodes: {value: {get_attr: [cluster, node_addresses]}}
  status: {value: {get_attr: [cluster, status]}}
  template: {value: {get_attr: [cluster, cluster_template_id]}}
"""


def test_magnum_cluster_template_and_cluster(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = _write(tmp_path, "magnum.yaml", TEMPLATE)
    _ok(run_cli("stack", "create", str(template), "--name", "k"))
    outputs = _outputs(run_cli, "k")
    assert outputs["status"] == "CREATE_COMPLETE"
    assert outputs["api"].startswith("https://172.24.4.") and len(outputs["nodes"]) == 1
    assert outputs["template"] == _physical(run_cli, "k", "k8s")
    cluster_id = _physical(run_cli, "k", "cluster")
    _ok(run_cli("stack", "update", "k", "-t", str(template), "-P", "nodes=3"))
    assert _physical(run_cli, "k", "cluster") == cluster_id
    outputs = _outputs(run_cli, "k")
    assert outputs["status"] == "UPDATE_COMPLETE" and len(outputs["nodes"]) == 3

    def shown(conn: Any) -> tuple[Any, ...]:
        coe = conn.container_infrastructure_management
        template_id = _physical(run_cli, "k", "k8s")
        made = coe.get_cluster_template(template_id)
        fedora = conn.image.find_image("fedora").id
        count = coe.get_cluster(cluster_id).node_count
        return made.image_id == fedora, made.flavor_id, made.labels, count

    assert _cloud(state_dir, shown) == (True, "m1.small", {"kube_tag": "v1.27.3"}, 3)
    _delete_leaves_nothing(run_cli, state_dir, "k")


BAD = """
heat_template_version: 2018-08-31
resources:
  k8s:
    type: OS::Magnum::ClusterTemplate
    properties: {coe: swarm, image: fedora, external_network: private}
"""


def test_magnum_refuses_a_network_that_is_not_external(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    result = run_cli("stack", "create", str(_write(tmp_path, "bad.yaml", BAD)), "--name", "b")
    assert result.exit_code == 1 and "is not an external network" in result.stderr
    _delete_leaves_nothing(run_cli, state_dir, "b")
