"""OS::Octavia::* on the embedded sandbox (real HTTP through openstacksdk): create, read
attributes, update in place, delete, nothing left behind; the corpus's Octavia templates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from heatctl.sandbox import Sandbox

from ..conftest import corpus_path
from .cli_helpers import (
    adoption_context,
    cloud,
    inventory,
    no_clouds_yaml,  # noqa: F401 (an autouse fixture)
    ok,
    outputs,
    physical,
)

LB_TEMPLATE = """
heat_template_version: 2018-08-31
parameters:
  weight: {type: number, default: 1}
  delay: {type: number, default: 5}
resources:
  lb:
    type: OS::Octavia::LoadBalancer
    properties: {vip_subnet: private-subnet, description: web}
  listener:
    type: OS::Octavia::Listener
    properties:
      loadbalancer: {get_resource: lb}
      protocol: HTTP
      protocol_port: 80
  pool:
    type: OS::Octavia::Pool
    properties:
      listener: {get_resource: listener}
      protocol: HTTP
      lb_algorithm: ROUND_ROBIN
      session_persistence: {type: APP_COOKIE, cookie_name: sid}
  member:
    type: OS::Octavia::PoolMember
    properties:
      pool: {get_resource: pool}
      address: 10.0.0.10
      protocol_port: 8080
      subnet: private-subnet
      weight: {get_param: weight}
  monitor:
    type: OS::Octavia::HealthMonitor
    properties: {pool: {get_resource: pool}, type: HTTP, delay: {get_param: delay}, timeout: 3, max_retries: 3}
  policy:
    type: OS::Octavia::L7Policy
    properties:
      listener: {get_resource: listener}
      action: REDIRECT_TO_URL
      redirect_url: https://example.org/
  rule:
    type: OS::Octavia::L7Rule
    properties: {l7policy: {get_resource: policy}, type: PATH, compare_type: STARTS_WITH, value: /old}
outputs:
  vip: {value: {get_attr: [lb, vip_address]}}
  port: {value: {get_attr: [lb, vip_port_id]}}
  subnet: {value: {get_attr: [lb, vip_subnet_id]}}
  lbs: {value: {get_attr: [listener, loadbalancers]}}
  monitor_pools: {value: {get_attr: [monitor, pools]}}
  member: {value: {get_attr: [member, show]}}
"""


def test_load_balancer_stack_create_update_delete(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = tmp_path / "lb.yaml"
    template.write_text(LB_TEMPLATE)
    ok(run_cli("stack", "create", str(template), "--name", "web"))
    out = outputs(run_cli, "web")
    lb_id, pool_id = physical(run_cli, "web", "lb"), physical(run_cli, "web", "pool")
    assert out["vip"].startswith("10.0.0.")
    # Attributes are read when each resource completes: the listener's default pool is
    # set afterwards, by the pool, so it is checked in the cloud below.
    assert (out["lbs"], out["monitor_pools"]) == ([lb_id], [pool_id])
    assert (out["member"]["weight"], out["member"]["provisioning_status"]) == (1, "ACTIVE")

    def check(conn: Any, sandbox: Any) -> None:
        lb = conn.load_balancer.get_load_balancer(lb_id)
        assert (lb.provisioning_status, lb.operating_status) == ("ACTIVE", "ONLINE")
        port = conn.network.get_port(out["port"])  # the VIP port lives in Neutron
        assert port.device_owner == "Octavia"
        assert port.fixed_ips[0]["ip_address"] == out["vip"]
        listener = conn.load_balancer.get_listener(physical(run_cli, "web", "listener"))
        assert listener.default_pool_id == pool_id
        pool = conn.load_balancer.get_pool(pool_id)
        assert pool.session_persistence == {"type": "APP_COOKIE", "cookie_name": "sid"}
        assert pool.health_monitor_id == physical(run_cli, "web", "monitor")

    cloud(state_dir, check)
    member = physical(run_cli, "web", "member")
    assert "CHECK_COMPLETE (in sync)" in ok(run_cli("stack", "check", "web")).stderr
    monitor = physical(run_cli, "web", "monitor")
    ok(run_cli("stack", "update", "web", "-t", str(template), "-P", "weight=7", "-P", "delay=9"))
    assert physical(run_cli, "web", "member") == member  # updated in place
    assert physical(run_cli, "web", "monitor") == monitor

    def updated(conn: Any, sandbox: Any) -> tuple[int, int]:
        got = conn.load_balancer.get_member(member, pool_id)
        return got.weight, conn.load_balancer.get_health_monitor(monitor).delay

    assert cloud(state_dir, updated) == (7, 9)
    ok(run_cli("stack", "delete", "web", "--yes"))
    assert inventory(state_dir) == {}


ADMIN_TEMPLATE = """
heat_template_version: 2018-08-31
parameters:
  lbs: {type: number, default: 5}
resources:
  profile:
    type: OS::Octavia::FlavorProfile
    properties: {provider_name: amphora, flavor_data: '{"loadbalancer_topology": "SINGLE"}'}
  flavor:
    type: OS::Octavia::Flavor
    properties: {flavor_profile: {get_resource: profile}}
  az_profile:
    type: OS::Octavia::AvailabilityZoneProfile
    properties: {provider_name: amphora, availability_zone_data: '{"compute_zone": "nova"}'}
  az:
    type: OS::Octavia::AvailabilityZone
    properties: {availability_zone_profile: {get_resource: az_profile}, name: az1}
  quota:
    type: OS::Octavia::Quota
    properties: {project: admin, loadbalancer: {get_param: lbs}, pool: 10}
  lb:
    type: OS::Octavia::LoadBalancer
    properties: {vip_subnet: private-subnet, flavor: {get_resource: flavor}, availability_zone: {get_resource: az}}
outputs:
  profile_id: {value: {get_attr: [flavor, flavor_profile_id]}}
  flavor_id: {value: {get_attr: [lb, flavor_id]}}
"""


def test_admin_objects_and_quota(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = tmp_path / "admin.yaml"
    template.write_text(ADMIN_TEMPLATE)
    ok(run_cli("stack", "create", str(template), "--name", "adm"))
    out = outputs(run_cli, "adm")
    assert out["profile_id"] == physical(run_cli, "adm", "profile")
    assert out["flavor_id"] == physical(run_cli, "adm", "flavor")
    assert physical(run_cli, "adm", "az") == "az1"

    def quota(conn: Any, sandbox: Any) -> tuple[int, int, int]:
        project = conn.identity.find_project("admin").id
        got = conn.load_balancer.get_quota(project)
        return got.load_balancers, got.pools, got.listeners

    assert cloud(state_dir, quota) == (5, 10, -1)
    assert "CHECK_COMPLETE (in sync)" in ok(run_cli("stack", "check", "adm")).stderr
    ok(run_cli("stack", "update", "adm", "-t", str(template), "-P", "lbs=1"))
    assert cloud(state_dir, quota) == (1, 10, -1)

    def over_quota(conn: Any, sandbox: Any) -> str:
        subnet = conn.network.find_subnet("private-subnet").id
        with pytest.raises(Exception) as error:
            conn.load_balancer.create_load_balancer(vip_subnet_id=subnet)
        return str(error.value)

    assert "Quota has been met" in cloud(state_dir, over_quota)
    ok(run_cli("stack", "delete", "adm", "--yes"))
    assert inventory(state_dir) == {}


def test_a_refused_create_fails_with_octavias_reason(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = tmp_path / "dup.yaml"
    template.write_text(
        """
heat_template_version: 2018-08-31
resources:
  lb:
    type: OS::Octavia::LoadBalancer
    properties: {vip_subnet: private-subnet}
  one:
    type: OS::Octavia::Listener
    properties: {loadbalancer: {get_resource: lb}, protocol: HTTP, protocol_port: 80}
  two:
    type: OS::Octavia::Listener
    properties: {loadbalancer: {get_resource: lb}, protocol: TCP, protocol_port: 80}
"""
    )
    result = run_cli("stack", "create", str(template), "--name", "dup")
    assert result.exit_code == 1
    assert "already using protocol_port 80" in result.stderr
    ok(run_cli("stack", "delete", "dup", "--yes"))
    assert inventory(state_dir) == {}


def test_corpus_lb_server_joins_an_existing_pool(run_cli: Any, state_dir: Path) -> None:
    template = corpus_path("heat-templates", "hot", "lb_server.yaml")

    def make_pool(conn: Any, sandbox: Any) -> tuple[str, str]:
        subnet = conn.network.find_subnet("private-subnet").id
        lb = conn.load_balancer.create_load_balancer(vip_subnet_id=subnet)
        conn.load_balancer.wait_for_load_balancer(lb.id, interval=0.1, wait=10)
        pool = conn.load_balancer.create_pool(
            loadbalancer_id=lb.id, protocol="HTTP", lb_algorithm="ROUND_ROBIN"
        )
        conn.load_balancer.wait_for_load_balancer(lb.id, interval=0.1, wait=10)
        conn.compute.create_keypair(name="k1")
        return lb.id, pool.id

    lb_id, pool_id = cloud(state_dir, make_pool)
    params = {
        "image": "cirros",
        "key_name": "k1",
        "flavor": "m1.tiny",
        "pool_id": pool_id,
        "user_data": "",
        "metadata": "{}",
        "network": "private",
        "subnet": "private-subnet",
    }
    args = [arg for key, value in params.items() for arg in ("-P", f"{key}={value}")]
    ok(run_cli("stack", "create", str(template), "--name", "member", *args))
    out = outputs(run_cli, "member")
    assert out["lb_member"]["address"] == out["server_ip"]
    ok(run_cli("stack", "delete", "member", "--yes"))

    def cleanup(conn: Any, sandbox: Any) -> dict[str, Any]:
        assert list(conn.load_balancer.members(pool_id)) == []
        # The member's delete left the load balancer PENDING_UPDATE for a moment.
        conn.load_balancer.wait_for_load_balancer(lb_id, interval=0.1, wait=10)
        conn.load_balancer.delete_load_balancer(lb_id, cascade=True)
        conn.compute.delete_keypair("k1")
        sandbox.clock.advance(5)
        return dict(sandbox.inventory())

    assert cloud(state_dir, cleanup) == {}


def test_corpus_autoscaling_creates_its_octavia_part(run_cli: Any, state_dir: Path) -> None:
    """hot/autoscaling.yaml: the load balancer, listener, pool, monitor and the floating
    IP on the VIP port are created; the stack stops at the Aodh alarms, whose actions are
    the scaling policies' signal_url, which has no value until heatctl has a webhook
    listener (a clear failure, not a fake success)."""
    template = corpus_path("heat-templates", "hot", "autoscaling.yaml")
    cloud(state_dir, lambda conn, sandbox: conn.compute.create_keypair(name="k1"))
    params = {
        "image": "cirros",
        "key": "k1",
        "flavor": "m1.tiny",
        "database_flavor": "m1.small",
        "network": "private",
        "subnet_id": "private-subnet",
        "external_network_id": "public",
    }
    args = [arg for key, value in params.items() for arg in ("-P", f"{key}={value}")]
    result = run_cli("stack", "create", str(template), "--name", "as", *args)
    data = json.loads(ok(run_cli("stack", "resources", "as", "--json")).stdout)
    for name in ("lb", "listener", "pool", "lb_monitor", "lb_floating"):
        assert data[name]["status"] == "CREATE_COMPLETE", name
    if result.exit_code != 0:
        assert "AlarmUrl" in result.stderr and "cpu_alarm" in result.stderr
    port = data["lb"]["physical_id"]
    vip_port = cloud(state_dir, lambda c, s: c.load_balancer.get_load_balancer(port).vip_port_id)
    floating = data["lb_floating"]["physical_id"]
    assert cloud(state_dir, lambda c, s: c.network.get_ip(floating).port_id) == vip_port
    ok(run_cli("stack", "delete", "as", "--yes"))
    cloud(state_dir, lambda conn, sandbox: conn.compute.delete_keypair("k1"))
    assert inventory(state_dir) == {}


def test_corpus_servers_with_octavia_is_refused_as_heat_refuses_it(run_cli: Any) -> None:
    """Heat's OS::Octavia::HealthMonitor has no max_retries_down: Heat rejects this
    template, and so does heatctl, with the place."""
    template = corpus_path("heat-templates", "hot", "octavia", "servers_with_octavia.yaml")
    result = run_cli("stack", "create", str(template), "--name", "s", "-P", "subnet=x")
    assert result.exit_code == 3
    assert "servers_with_octavia.yaml:73:7: error: unknown property 'max_retries_down'" in (
        result.stderr
    )


def test_adopted_after_a_crash_by_tag_or_name(tmp_path: Path) -> None:
    """find_by_tag finds the object this resource made (by tag, or by the generated name
    for untagged admin objects), not one made for another resource, and nothing once
    deleted."""
    from heatctl.engine.runtime import plugin_for

    with Sandbox(state_path=tmp_path / "s.db", virtual_clock=True) as sandbox:
        conn = sandbox.connection()
        cases = {
            "OS::Octavia::LoadBalancer": {"vip_subnet": "private-subnet"},
            "OS::Octavia::FlavorProfile": {"provider_name": "amphora", "flavor_data": "{}"},
        }
        for type_name, props in cases.items():
            plugin = plugin_for(type_name)
            made = adoption_context(conn, type_name, "heatctl:s:res:1", props)
            plugin.create(made)
            sandbox.clock.advance(5)
            assert plugin.check_create_complete(made) is None
            again = adoption_context(conn, type_name, "heatctl:s:res:1", props)
            assert plugin.find_by_tag(again) == made.physical_id, type_name
            other = adoption_context(conn, type_name, "heatctl:s:res:2", props)
            assert plugin.find_by_tag(other) is None, type_name
            plugin.delete(made)
            sandbox.clock.advance(5)
            assert plugin.check_delete_complete(made) is None
            assert plugin.find_by_tag(again) is None, type_name
        assert sandbox.inventory() == {}


def test_a_load_balancer_going_to_error_fails_the_resource(tmp_path: Path) -> None:
    """A fault rule sends the amphora to ERROR: the create fails with the status."""
    from heatctl.engine.lifecycle import ResourceFailed
    from heatctl.engine.runtime import plugin_for

    rules = [
        {
            "name": "amphora-dies",
            "match": {"service": "load-balancer", "method": "POST"},
            "action": {"state": "error"},
        }
    ]
    with Sandbox(state_path=tmp_path / "s.db", rules=rules, virtual_clock=True) as sandbox:
        conn = sandbox.connection()
        plugin = plugin_for("OS::Octavia::LoadBalancer")
        ctx = adoption_context(
            conn, "OS::Octavia::LoadBalancer", "t", {"vip_subnet": "private-subnet"}
        )
        plugin.create(ctx)
        sandbox.clock.advance(5)
        with pytest.raises(ResourceFailed, match="load balancer went to status ERROR"):
            plugin.check_create_complete(ctx)
        conn.load_balancer.delete_load_balancer(ctx.physical_id)
        sandbox.clock.advance(5)
        assert sandbox.inventory() == {}
