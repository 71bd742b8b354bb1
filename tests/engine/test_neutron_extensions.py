"""Neutron extension resource types through the CLI on the sandbox over real HTTP: create,
attributes, update in place where Heat allows it, delete, and nothing left behind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from heatctl.errors import ExitCode

Sandbox = pytest.importorskip("heatctl.sandbox").Sandbox


@pytest.fixture(autouse=True)
def no_clouds_yaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # openstacksdk also reads ./clouds.yaml
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for key in ("OS_AUTH_URL", "OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_USERNAME", "OS_PASSWORD"):
        monkeypatch.delenv(key, raising=False)


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "t.yaml"
    path.write_text(text)
    return str(path)


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.stderr
    return result


def outputs(run_cli: Any, stack: str) -> dict[str, Any]:
    data = json.loads(ok(run_cli("stack", "output", stack, "--json")).stdout)
    return {k: v["value"] for k, v in data.items()}


def physical(run_cli: Any, stack: str, resource: str) -> str:
    data = json.loads(ok(run_cli("stack", "resources", stack, "--json")).stdout)
    return str(data[resource]["physical_id"])


def cloud(state_dir: Path, fn: Any) -> Any:
    """fn(connection) against the stack's sandbox (started from its saved state)."""
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:
        return fn(sandbox.start().connection())
    finally:
        sandbox.stop()


def delete_leaves_nothing(run_cli: Any, state_dir: Path, stack: str) -> None:
    ok(run_cli("stack", "delete", stack, "--yes"))
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:
        assert sandbox.inventory() == {}
    finally:
        sandbox.stop()


QOS = """
heat_template_version: 2018-08-31
parameters:
  kbps: {type: number, default: 1000}
  name: {type: string, default: gold}
resources:
  policy:
    type: OS::Neutron::QoSPolicy
    properties: {name: {get_param: name}, description: gold}
  bw:
    type: OS::Neutron::QoSBandwidthLimitRule
    properties: {policy: {get_resource: policy}, max_kbps: {get_param: kbps}}
  dscp:
    type: OS::Neutron::QoSDscpMarkingRule
    properties: {policy: {get_resource: policy}, dscp_mark: 26}
  minbw:
    type: OS::Neutron::QoSMinimumBandwidthRule
    properties: {policy: {get_resource: policy}, min_kbps: 100, direction: ingress}
  minpps:
    type: OS::Neutron::QoSMinimumPacketRateRule
    properties: {policy: {get_resource: policy}, min_kpps: 10, direction: any}
outputs:
  policy: {value: {get_attr: [policy, show]}}
  bw: {value: {get_attr: [bw, show]}}
  pps: {value: {get_attr: [minpps, show]}}
"""


def test_qos_policy_and_rules(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = write(tmp_path, QOS)
    ok(run_cli("stack", "create", template, "--name", "q"))
    out = outputs(run_cli, "q")
    policy = physical(run_cli, "q", "policy")
    assert out["policy"]["name"] == "gold" and out["policy"]["id"] == policy
    assert (out["bw"]["max_kbps"], out["bw"]["direction"]) == (1000, "egress")
    assert out["bw"]["qos_policy_id"] == policy and out["pps"]["direction"] == "any"
    rule = physical(run_cli, "q", "bw")
    # max_kbps changes in place: the same rule.
    ok(run_cli("stack", "update", "q", "-t", template, "-P", "kbps=2000"))
    assert physical(run_cli, "q", "bw") == rule
    shown = cloud(state_dir, lambda c: c.network.get_qos_policy(policy))
    limits = {r["type"]: r for r in shown.rules}
    assert limits["bandwidth_limit"]["max_kbps"] == 2000
    kinds = {"bandwidth_limit", "dscp_marking", "minimum_bandwidth", "minimum_packet_rate"}
    assert set(limits) == kinds and len(shown.rules) == 4
    # Every resource is found again in the cloud by its tag or identity.
    ok(run_cli("stack", "check", "q"))
    delete_leaves_nothing(run_cli, state_dir, "q")


POOLS = """
heat_template_version: 2018-08-31
parameters:
  prefixes: {type: comma_delimited_list, default: "10.50.0.0/16"}
resources:
  scope:
    type: OS::Neutron::AddressScope
    properties: {ip_version: 4}
  pool:
    type: OS::Neutron::SubnetPool
    properties:
      prefixes: {get_param: prefixes}
      default_prefixlen: 24
      address_scope: {get_resource: scope}
      tags: [blue]
  net:
    type: OS::Neutron::Net
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, subnetpool: {get_resource: pool}}
  subnet2:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, subnetpool: {get_resource: pool}, prefixlen: 26}
    depends_on: subnet
outputs:
  pool: {value: {get_attr: [pool, show]}}
  cidrs: {value: [{get_attr: [subnet, cidr]}, {get_attr: [subnet2, cidr]}]}
"""


POLICY_ONLY = """
heat_template_version: 2018-08-31
parameters:
  name: {type: string, default: gold}
resources:
  policy:
    type: OS::Neutron::QoSPolicy
    properties: {name: {get_param: name}, shared: true}
"""


def test_qos_policy_updates_in_place(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = write(tmp_path, POLICY_ONLY)
    ok(run_cli("stack", "create", template, "--name", "qp"))
    policy = physical(run_cli, "qp", "policy")
    ok(run_cli("stack", "update", "qp", "-t", template, "-P", "name=silver"))
    assert physical(run_cli, "qp", "policy") == policy
    shown = cloud(state_dir, lambda c: c.network.get_qos_policy(policy))
    assert (shown.name, shown.is_shared) == ("silver", True)
    # Every resource is found again in the cloud by its tag or identity.
    ok(run_cli("stack", "check", "qp"))
    delete_leaves_nothing(run_cli, state_dir, "qp")


def test_subnet_pool_allocates_and_only_grows(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = write(tmp_path, POOLS)
    ok(run_cli("stack", "create", template, "--name", "p"))
    out = outputs(run_cli, "p")
    assert out["cidrs"] == ["10.50.0.0/24", "10.50.1.0/26"]
    assert out["pool"]["address_scope_id"] == physical(run_cli, "p", "scope")
    assert "blue" in out["pool"]["tags"] and out["pool"]["name"].startswith("p-pool-")
    pool = physical(run_cli, "p", "pool")
    ok(run_cli("stack", "update", "p", "-t", template, "-P", "prefixes=10.50.0.0/16,10.60.0.0/16"))
    assert physical(run_cli, "p", "pool") == pool
    prefixes = cloud(state_dir, lambda c: c.network.get_subnet_pool(pool).prefixes)
    assert sorted(prefixes) == ["10.50.0.0/16", "10.60.0.0/16"]
    # Heat refuses to shrink a pool's prefixes, before Neutron is asked.
    shrunk = run_cli("stack", "update", "p", "-t", template, "-P", "prefixes=10.60.0.0/16")
    assert shrunk.exit_code == ExitCode.FAILED
    assert "should be superset of existing value" in shrunk.stderr
    # A pool with subnets cannot be deleted: the cloud says so (409 SubnetPoolInUse).
    refused = cloud(state_dir, lambda c: _delete_error(c.network.delete_subnet_pool, pool))
    assert "allocated from the pool" in refused
    # Every resource is found again in the cloud by its tag or identity.
    ok(run_cli("stack", "check", "p"))
    delete_leaves_nothing(run_cli, state_dir, "p")


def _delete_error(delete: Any, oid: str) -> str:
    from openstack import exceptions

    try:
        delete(oid)
    except exceptions.ConflictException as error:
        return str(error)
    raise AssertionError("the delete was not refused")


TRUNK = """
heat_template_version: 2018-08-31
parameters:
  both: {type: boolean, default: false}
  name: {type: string, default: t1}
conditions:
  both: {get_param: both}
resources:
  net:
    type: OS::Neutron::Net
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.9.0.0/24}
  parent:
    type: OS::Neutron::Port
    properties: {network: {get_resource: net}}
    depends_on: subnet
  sub_a:
    type: OS::Neutron::Port
    properties: {network: {get_resource: net}}
    depends_on: subnet
  sub_b:
    type: OS::Neutron::Port
    properties: {network: {get_resource: net}}
    depends_on: subnet
  trunk:
    type: OS::Neutron::Trunk
    properties:
      name: {get_param: name}
      port: {get_resource: parent}
      sub_ports:
        if:
        - both
        - - {port: {get_resource: sub_a}, segmentation_type: vlan, segmentation_id: 10}
          - {port: {get_resource: sub_b}, segmentation_type: vlan, segmentation_id: 20}
        - - {port: {get_resource: sub_a}, segmentation_type: vlan, segmentation_id: 10}
outputs:
  port_id: {value: {get_attr: [trunk, port_id]}}
  trunk: {value: {get_attr: [trunk, show]}}
"""


def test_trunk_subports_update_in_place(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = write(tmp_path, TRUNK)
    ok(run_cli("stack", "create", template, "--name", "t"))
    out = outputs(run_cli, "t")
    parent, sub_a = physical(run_cli, "t", "parent"), physical(run_cli, "t", "sub_a")
    assert out["port_id"] == parent and out["trunk"]["status"] == "DOWN"
    assert [(s["port_id"], s["segmentation_id"]) for s in out["trunk"]["sub_ports"]] == [
        (sub_a, 10)
    ]
    trunk = physical(run_cli, "t", "trunk")
    ok(run_cli("stack", "update", "t", "-t", template, "-P", "both=true", "-P", "name=t2"))
    assert physical(run_cli, "t", "trunk") == trunk
    shown = cloud(state_dir, lambda c: c.network.get_trunk(trunk))
    sub_b = physical(run_cli, "t", "sub_b")
    assert shown.name == "t2"
    assert sorted((s["port_id"], s["segmentation_id"]) for s in shown.sub_ports) == sorted(
        [(sub_a, 10), (sub_b, 20)]
    )
    # Every resource is found again in the cloud by its tag or identity.
    ok(run_cli("stack", "check", "t"))
    delete_leaves_nothing(run_cli, state_dir, "t")


ADMIN = """
heat_template_version: 2018-08-31
parameters:
  target: {type: string, default: "*"}
  ports: {type: number, default: 40}
resources:
  net:
    type: OS::Neutron::Net
  rbac:
    type: OS::Neutron::RBACPolicy
    properties:
      object_type: network
      object_id: {get_resource: net}
      action: access_as_shared
      target_tenant: {get_param: target}
  segment:
    type: OS::Neutron::Segment
    properties:
      network: {get_resource: net}
      network_type: vlan
      physical_network: physnet1
      segmentation_id: 200
  provider:
    type: OS::Neutron::ProviderNet
    properties:
      network_type: vlan
      physical_network: physnet2
      segmentation_id: "300"
      router_external: true
  quota:
    type: OS::Neutron::Quota
    properties: {project: admin, port: {get_param: ports}, network: 20}
outputs:
  shared: {value: {get_attr: [rbac, show, target_tenant]}}
  segment: {value: {get_attr: [segment, show]}}
  provider: {value: {get_attr: [provider, show]}}
  status: {value: {get_attr: [provider, status]}}
  quota: {value: {get_attr: [quota, show]}}
"""


def test_rbac_segment_provider_net_and_quota(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = write(tmp_path, ADMIN)
    ok(run_cli("stack", "create", template, "--name", "a"))
    out = outputs(run_cli, "a")
    net = physical(run_cli, "a", "net")
    assert out["shared"] == "*" and cloud(state_dir, lambda c: c.network.get_network(net).is_shared)
    assert (out["segment"]["network_id"], out["segment"]["segmentation_id"]) == (net, 200)
    provider = out["provider"]
    assert provider["provider:segmentation_id"] == 300 and provider["router:external"] is True
    assert out["status"] == "ACTIVE" and out["quota"]["port"] == 40
    rbac, quota = physical(run_cli, "a", "rbac"), physical(run_cli, "a", "quota")
    ok(run_cli("stack", "update", "a", "-t", template, "-P", "target=alt", "-P", "ports=60"))
    assert physical(run_cli, "a", "rbac") == rbac
    limits = cloud(
        state_dir,
        lambda c: (c.network.get_quota(quota).ports, c.network.get_network(net).is_shared),
    )
    assert limits == (60, False)
    # Every resource is found again in the cloud by its tag or identity.
    ok(run_cli("stack", "check", "a"))
    delete_leaves_nothing(run_cli, state_dir, "a")
    # The project's quotas are back to the defaults.
    assert cloud(state_dir, lambda c: c.network.get_quota(quota).ports) == 500


GHOSTS = """
heat_template_version: 2018-08-31
resources:
  scope:
    type: OS::Neutron::AddressScope
    properties: {ip_version: 4}
  policy:
    type: OS::Neutron::QoSPolicy
  rule:
    type: OS::Neutron::QoSDscpMarkingRule
    properties: {policy: {get_resource: policy}, dscp_mark: 10}
  net:
    type: OS::Neutron::Net
  rbac:
    type: OS::Neutron::RBACPolicy
    properties:
      object_type: network
      object_id: {get_resource: net}
      action: access_as_shared
      target_tenant: "*"
  label:
    type: OS::Neutron::MeteringLabel
"""


def test_created_but_answered_503_is_adopted_not_made_twice(
    run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each create reaches Neutron but is answered 503: heatctl finds the object by its tag
    or by what identifies it (name, rule type in its policy, RBAC tuple) and adopts it."""
    sandbox = Sandbox(state_path=tmp_path / "cloud.db").start()
    try:
        clouds = sandbox.write_clouds_yaml(tmp_path / "clouds.yaml")
        monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds))
        paths = {
            "scope": "/address-scopes$",
            "policy": "/qos/policies$",
            "rule": "/dscp_marking_rules$",
            "rbac": "/rbac-policies$",
            "label": "/metering-labels$",
        }
        sandbox.rules.add(
            [
                {
                    "name": name,
                    "match": {"method": "POST", "path": path, "nth": 1},
                    "action": {"commit_then": 503},
                }
                for name, path in paths.items()
            ]
        )
        template = write(tmp_path, GHOSTS)
        ok(run_cli("stack", "create", template, "--name", "g", "--os-cloud", "sandbox"))
        posts = {
            name: [
                r.status
                for r in sandbox.request_log
                if r.method == "POST" and r.path.endswith(p[:-1])
            ]
            for name, p in paths.items()
        }
        assert posts == {name: [503] for name in paths}  # never re-POSTed
        inventory = sandbox.inventory()
        for kind in ("address_scope", "qos_rule", "rbac_policy", "metering_label"):
            assert len(inventory[f"network/{kind}"]) == 1, kind
        assert physical(run_cli, "g", "scope") == inventory["network/address_scope"][0]
        assert physical(run_cli, "g", "rbac") == inventory["network/rbac_policy"][0]
        ok(run_cli("stack", "delete", "g", "--yes", "--os-cloud", "sandbox"))
        assert sandbox.inventory() == {}
    finally:
        sandbox.stop()
