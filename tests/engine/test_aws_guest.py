"""AWS::ElasticLoadBalancing::LoadBalancer (Octavia) and AWS::RDS::DBInstance (Trove) on the
embedded sandbox through the CLI, with CFN templates as users write them: create,
attributes, updates in place, delete, nothing left; a cloud without the service fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from heatctl.errors import ExitCode
from tests.conftest import corpus_path
from tests.engine.test_aws_ec2 import (
    _cloud,
    _delete_leaves_nothing,
    _inventory,
    _ok,
    _outputs,
    _prepare,
    _resources,
    _unprepare,
    _write,
)

Sandbox = pytest.importorskip("heatctl.sandbox").Sandbox


@pytest.fixture(autouse=True)
def no_clouds_yaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for key in ("OS_AUTH_URL", "OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_USERNAME", "OS_PASSWORD"):
        monkeypatch.delenv(key, raising=False)


ELB_YAML = """
AWSTemplateFormatVersion: '2010-09-09'
Description: Two web servers behind a load balancer, no VPC.
Parameters:
  Members: {Type: String, Default: both}
  Timeout: {Type: String, Default: '5'}
  Check: {Type: String, Default: 'HTTP:8080/health'}
Conditions:
  Both: {'Fn::Equals': [{Ref: Members}, both]}
Resources:
  Web1:
    Type: AWS::EC2::Instance
    Properties: {ImageId: cirros, InstanceType: m1.tiny}
  Web2:
    Type: AWS::EC2::Instance
    Properties: {ImageId: cirros, InstanceType: m1.tiny}
  ElasticLoadBalancer:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      AvailabilityZones: {'Fn::GetAZs': ''}
      Instances:
        'Fn::If': [Both, [{Ref: Web1}, {Ref: Web2}], [{Ref: Web2}]]
      Listeners:
        - {LoadBalancerPort: '80', InstancePort: '8080', Protocol: HTTP}
        - {LoadBalancerPort: '2222', InstancePort: '22', Protocol: TCP}
      HealthCheck:
        Target: {Ref: Check}
        HealthyThreshold: '3'
        UnhealthyThreshold: '5'
        Interval: '30'
        Timeout: {Ref: Timeout}
Outputs:
  URL: {Value: {'Fn::Join': ['', ['http://', {'Fn::GetAtt': [ElasticLoadBalancer, DNSName]}]]}}
  Zone: {Value: {'Fn::GetAtt': [ElasticLoadBalancer, CanonicalHostedZoneName]}}
  Group: {Value: {'Fn::GetAtt': [ElasticLoadBalancer, SourceSecurityGroup.GroupName]}}
  Name: {Value: {Ref: ElasticLoadBalancer}}
"""


def _octavia(conn: Any) -> dict[str, Any]:
    octavia = conn.load_balancer
    pools = {}
    for pool in octavia.pools():
        members = sorted((m.address, m.protocol_port) for m in octavia.members(pool.id))
        pools[pool.protocol] = members
    monitors = [
        (m.type, m.delay, m.timeout, m.max_retries, m.max_retries_down, m.url_path)
        for m in octavia.health_monitors()
    ]
    listeners = sorted((li.protocol, li.protocol_port) for li in octavia.listeners())
    lbs = [(lb.vip_address, lb.provisioning_status) for lb in octavia.load_balancers()]
    return {"lbs": lbs, "listeners": listeners, "pools": pools, "monitors": monitors}


def _monitor_ports(conn: Any) -> dict[int, list[int | None]]:
    octavia = conn.load_balancer
    return {
        member.protocol_port: sorted(
            (m.monitor_port for m in octavia.members(pool.id)), key=lambda p: p or 0
        )
        for pool in octavia.pools()
        for member in list(octavia.members(pool.id))[:1]
    }


def _addresses(conn: Any, ids: dict[str, str]) -> dict[str, str]:
    return {
        name: next(iter(conn.network.ports(device_id=ids[name]))).fixed_ips[0]["ip_address"]
        for name in ("Web1", "Web2")
    }


def test_elb_on_octavia_create_update_delete(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = _write(tmp_path, "elb.yaml", ELB_YAML)
    _ok(run_cli("stack", "create", str(template), "--name", "web"))
    ids = {name: row["physical_id"] for name, row in _resources(run_cli, "web").items()}
    out = _outputs(run_cli, "web")
    seen = _cloud(state_dir, _octavia)
    ip = _cloud(state_dir, lambda c: _addresses(c, ids))
    assert seen["lbs"] == [(out["URL"].removeprefix("http://"), "ACTIVE")]
    assert out["Zone"] == "" and out["Group"] == "" and out["Name"] == "ElasticLoadBalancer"
    assert seen["listeners"] == [("HTTP", 80), ("TCP", 2222)]
    assert seen["pools"] == {
        "HTTP": sorted([(ip["Web1"], 8080), (ip["Web2"], 8080)]),
        "TCP": sorted([(ip["Web1"], 22), (ip["Web2"], 22)]),
    }
    assert seen["monitors"] == [("HTTP", 30, 5, 3, 5, "/health")] * 2

    lb_id = ids["ElasticLoadBalancer"]
    _ok(run_cli("stack", "update", "web", "--existing", "-P", "Members=one", "-P", "Timeout=7"))
    after = _cloud(state_dir, _octavia)
    assert _resources(run_cli, "web")["ElasticLoadBalancer"]["physical_id"] == lb_id
    assert after["pools"] == {"HTTP": [(ip["Web2"], 8080)], "TCP": [(ip["Web2"], 22)]}
    assert after["monitors"] == [("HTTP", 30, 7, 3, 5, "/health")] * 2
    assert _cloud(state_dir, _monitor_ports) == {8080: [None], 22: [8080]}

    _ok(run_cli("stack", "update", "web", "--existing", "-P", "Members=both", "-P", "Check=TCP:22"))
    again = _cloud(state_dir, _octavia)
    assert len(again["pools"]["HTTP"]) == 2 and again["lbs"] == seen["lbs"]
    assert [m[0] for m in again["monitors"]] == ["TCP", "TCP"]
    assert _cloud(state_dir, _monitor_ports) == {8080: [22, 22], 22: [None, None]}
    _delete_leaves_nothing(run_cli, state_dir, "web")


BAD_CHECK = """
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Lb:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      AvailabilityZones: [nova]
      Listeners: [{LoadBalancerPort: '80', InstancePort: '80', Protocol: HTTP}]
      HealthCheck: {Target: 'HTTP:80/', HealthyThreshold: '3', UnhealthyThreshold: '5',
                    Interval: '5', Timeout: '30'}
"""


def test_elb_interval_below_timeout_fails_before_anything_is_made(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    result = run_cli("stack", "create", str(_write(tmp_path, "lb.yaml", BAD_CHECK)), "--name", "b")
    assert result.exit_code == ExitCode.FAILED
    assert "Interval must be larger than Timeout" in result.stderr
    assert "Traceback" not in result.stderr
    _delete_leaves_nothing(run_cli, state_dir, "b")


RDS_YAML = """
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  DBPassword: {Type: String, NoEcho: 'true'}
  DBClass: {Type: String, Default: db.m1.small}
  Storage: {Type: String, Default: '5'}
Resources:
  DB:
    Type: AWS::RDS::DBInstance
    Properties:
      DBName: wordpress
      Engine: MySQL
      MasterUsername: admin
      MasterUserPassword: {Ref: DBPassword}
      DBInstanceClass: {Ref: DBClass}
      AllocatedStorage: {Ref: Storage}
      DBSecurityGroups: []
      Port: '3307'
Outputs:
  Host: {Value: {'Fn::GetAtt': [DB, Endpoint.Address]}}
  Port: {Value: {'Fn::GetAtt': [DB, Endpoint.Port]}}
"""


def _trove(conn: Any, instance: str) -> dict[str, Any]:
    def get(path: str) -> Any:
        return conn.database.request(f"/instances/{instance}{path}", "GET").json()

    body = get("")["instance"]
    flavor = conn.compute.get_flavor(body["flavor"]["id"]).name
    users = [(u["name"], [d["name"] for d in u["databases"]]) for u in get("/users")["users"]]
    return {
        "flavor": flavor,
        "size": body["volume"]["size"],
        "datastore": body["datastore"]["type"],
        "hostname": body["hostname"],
        "databases": [d["name"] for d in get("/databases")["databases"]],
        "users": users,
    }


def test_rds_on_trove_create_update_delete(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = _write(tmp_path, "rds.yaml", RDS_YAML)
    result = _ok(
        run_cli("stack", "create", str(template), "--name", "db", "-P", "DBPassword=pw1Secret")
    )
    instance = _resources(run_cli, "db")["DB"]["physical_id"]
    seen = _cloud(state_dir, lambda c: _trove(c, instance))
    assert seen == {
        "flavor": "m1.small",
        "size": 5,
        "datastore": "mysql",
        "hostname": seen["hostname"],
        "databases": ["wordpress"],
        "users": [("admin", ["wordpress"])],
    }
    assert _outputs(run_cli, "db") == {"Host": seen["hostname"], "Port": "3307"}

    changed = run_cli(
        "stack", "update", "db", "--existing", "-P", "DBClass=db.m1.large", "-P", "Storage=8",
        "-P", "DBPassword=pw2Secret",
    )  # fmt: skip
    _ok(changed)
    assert _resources(run_cli, "db")["DB"]["physical_id"] == instance
    after = _cloud(state_dir, lambda c: _trove(c, instance))
    assert (after["flavor"], after["size"]) == ("m1.large", 8)

    shown = [
        _ok(run_cli("stack", *command, "db", "--json")).stdout
        for command in (("events",), ("show",), ("resources",))
    ]
    for text in (result.stdout, result.stderr, changed.stdout, changed.stderr, *shown):
        assert "pw1Secret" not in text and "pw2Secret" not in text
    _delete_leaves_nothing(run_cli, state_dir, "db")


def test_rds_refuses_what_heat_refuses_without_leaking_the_password(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = _write(tmp_path, "rds.yaml", RDS_YAML)
    bad = run_cli(
        "stack", "create", str(template), "--name", "c", "-P", "DBPassword=pw3Secret",
        "-P", "DBClass=db.m1.medium",
    )  # fmt: skip
    assert bad.exit_code == ExitCode.FAILED
    assert "DBInstanceClass 'db.m1.medium' is not one of Heat's" in bad.stderr
    assert "pw3Secret" not in bad.stderr + bad.stdout and "Traceback" not in bad.stderr
    _delete_leaves_nothing(run_cli, state_dir, "c")


def test_missing_services_fail_at_create_naming_them(
    run_cli: Any, state_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from heatctl.sandbox import identity

    kept = [e for e in identity.CATALOG if e[0] not in ("load-balancer", "database")]
    monkeypatch.setattr(identity, "CATALOG", kept)  # a cloud without Octavia and Trove
    both = RDS_YAML.replace("Outputs:", BAD_CHECK.split("Resources:")[1] + "Outputs:")
    both = both.replace("Interval: '5', Timeout: '30'", "Interval: '30', Timeout: '5'")
    result = run_cli(
        "stack", "create", str(_write(tmp_path, "x.yaml", both)), "--name", "x",
        "-P", "DBPassword=pw4Secret",
    )  # fmt: skip
    assert result.exit_code == ExitCode.FAILED
    assert "needs the cloud's database (Trove) service" in result.stderr
    assert "needs the cloud's load-balancer (Octavia) service" in result.stderr
    assert "pw4Secret" not in result.stderr
    _delete_leaves_nothing(run_cli, state_dir, "x")


def test_corpus_wordpress_with_rds(run_cli: Any, state_dir: Path) -> None:
    template = corpus_path("heat-templates", "cfn", "F17", "WordPress_With_RDS.template")
    _prepare(state_dir, "F17-x86_64-cfntools")
    _ok(run_cli("stack", "create", str(template), "--name", "wp", "-P", "KeyName=heat_key"))
    ids = {name: row["physical_id"] for name, row in _resources(run_cli, "wp").items()}
    seen = _cloud(state_dir, lambda c: _trove(c, ids["DatabaseServer"]))
    assert (seen["flavor"], seen["size"], seen["databases"]) == ("m1.small", 5, ["wordpress"])
    assert _outputs(run_cli, "wp")["WebsiteURL"].endswith("/wordpress")
    _ok(run_cli("stack", "delete", "wp", "--yes"))
    _unprepare(state_dir, "F17-x86_64-cfntools")
    assert _inventory(state_dir) == {}
    assert json.loads(_ok(run_cli("stack", "list", "--json")).stdout) == []


def _until_done(step: Any, ctx: Any, first: Any) -> None:
    import time

    waiting = first
    for _ in range(200):
        if waiting is None:
            return
        time.sleep(min(waiting.after or 0.1, 0.3))
        waiting = step(ctx)
    raise AssertionError("never completed")


def test_elb_create_cut_short_by_a_crash_adopts_what_it_made(tmp_path: Path) -> None:
    """The load balancer is found by its tag, and every step looks its object up first:
    a create resumed with its data lost makes nothing twice."""
    from heatctl.engine.lifecycle import ResourceContext
    from heatctl.engine.runtime import plugin_for

    sandbox = Sandbox(state_path=tmp_path / "sandbox.db").start()
    try:
        conn = sandbox.connection()
        props = {
            "AvailabilityZones": ["nova"],
            "Listeners": [
                {"LoadBalancerPort": 80, "InstancePort": 80, "Protocol": "HTTP"},
                {"LoadBalancerPort": 443, "InstancePort": 443, "Protocol": "TCP"},
            ],
            "HealthCheck": {
                "Target": "TCP:80",
                "Interval": 10,
                "Timeout": 5,
                "HealthyThreshold": 2,
                "UnhealthyThreshold": 3,
            },
        }

        def context() -> Any:
            return ResourceContext(
                stack_id="s", stack_name="s", resource_id="r", name="lb",
                type="AWS::ElasticLoadBalancing::LoadBalancer", tag="heatctl:s:lb:1",
                properties=props, connection_factory=lambda: conn,
            )  # fmt: skip

        plugin = plugin_for("AWS::ElasticLoadBalancing::LoadBalancer")
        made = context()
        waiting = plugin.create(made)
        while len(made.data.get("listeners") or {}) < 1 or "pool" in made.data["listeners"]["80"]:
            assert waiting is not None
            waiting = plugin.check_create_complete(made)
        resumed = context()  # the crash: the listener is made, its id never saved
        resumed.physical_id = plugin.find_by_tag(resumed)
        assert resumed.physical_id == made.physical_id
        _until_done(plugin.check_create_complete, resumed, plugin.check_create_complete(resumed))
        octavia = conn.load_balancer
        assert len(list(octavia.load_balancers())) == 1
        assert sorted(li.protocol_port for li in octavia.listeners()) == [80, 443]
        assert len(list(octavia.pools())) == 2 and len(list(octavia.health_monitors())) == 2
        assert (
            resumed.data["listeners"]["80"]["listener"] == made.data["listeners"]["80"]["listener"]
        )
        _until_done(plugin.check_delete_complete, resumed, plugin.delete(resumed))
        assert plugin.find_by_tag(context()) is None
        assert dict(sandbox.inventory()) == {}
    finally:
        sandbox.stop()
