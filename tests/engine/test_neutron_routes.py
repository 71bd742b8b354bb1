"""Router extra routes, floating IP port forwardings and metering through the CLI on the
sandbox over real HTTP: create, attributes, update in place, delete, nothing left."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.engine.test_neutron_extensions import (
    cloud,
    delete_leaves_nothing,
    no_clouds_yaml,
    ok,
    outputs,
    physical,
    write,
)

__all__ = ["no_clouds_yaml"]  # the autouse fixture, used here too

ROUTES = """
heat_template_version: 2018-08-31
parameters:
  second: {type: string, default: 10.31.0.0/24}
resources:
  net:
    type: OS::Neutron::Net
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.30.0.0/24}
  router:
    type: OS::Neutron::Router
  interface:
    type: OS::Neutron::RouterInterface
    properties: {router: {get_resource: router}, subnet: {get_resource: subnet}}
  one:
    type: OS::Neutron::ExtraRoute
    properties: {router_id: {get_resource: router}, destination: 10.40.0.0/24, nexthop: 10.30.0.5}
    # ExtraRoute reads, changes and writes the router's routes: next to anything else
    # changing them it must not run at the same time (Heat marks it unsupported for that).
    depends_on: [interface, set]
  set:
    type: OS::Neutron::ExtraRouteSet
    properties:
      router: {get_resource: router}
      routes:
      - {destination: 10.50.0.0/24, nexthop: 10.30.0.6}
      - {destination: {get_param: second}, nexthop: 10.30.0.7}
    depends_on: interface
"""


def _routes(state_dir: Path, router: str) -> list[tuple[str, str]]:
    shown = cloud(state_dir, lambda c: c.network.get_router(router).routes)
    return sorted((r["destination"], r["nexthop"]) for r in shown)


def test_extra_routes_and_route_sets(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = write(tmp_path, ROUTES)
    ok(run_cli("stack", "create", template, "--name", "r"))
    router = physical(run_cli, "r", "router")
    assert physical(run_cli, "r", "one") == f"{router}:10.40.0.0/24:10.30.0.5"
    assert physical(run_cli, "r", "set") == router
    assert _routes(state_dir, router) == [
        ("10.31.0.0/24", "10.30.0.7"),
        ("10.40.0.0/24", "10.30.0.5"),
        ("10.50.0.0/24", "10.30.0.6"),
    ]
    # One route of the set changes: only that one is removed and added again.
    ok(run_cli("stack", "update", "r", "-t", template, "-P", "second=10.32.0.0/24"))
    assert _routes(state_dir, router) == [
        ("10.32.0.0/24", "10.30.0.7"),
        ("10.40.0.0/24", "10.30.0.5"),
        ("10.50.0.0/24", "10.30.0.6"),
    ]
    ok(run_cli("stack", "check", "r"))
    # The interface the nexthops use cannot go while the routes need it (409).
    subnet = physical(run_cli, "r", "subnet")
    refused = cloud(state_dir, lambda c: _refused(c, router, subnet))
    assert "required by one or more routes" in refused
    # Every resource is found again in the cloud by its tag or identity.
    ok(run_cli("stack", "check", "r"))
    delete_leaves_nothing(run_cli, state_dir, "r")


def _refused(conn: Any, router: str, subnet: str) -> str:
    from openstack import exceptions

    try:
        conn.network.remove_interface_from_router(router, subnet=subnet)
    except exceptions.ConflictException as error:
        return str(error)
    raise AssertionError("the interface was removed")


FORWARD = """
heat_template_version: 2018-08-31
parameters:
  external: {type: number, default: 2222}
resources:
  net:
    type: OS::Neutron::Net
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.21.0.0/24}
  router:
    type: OS::Neutron::Router
    properties: {external_gateway_info: {network: public}}
  interface:
    type: OS::Neutron::RouterInterface
    properties: {router: {get_resource: router}, subnet: {get_resource: subnet}}
  port:
    type: OS::Neutron::Port
    properties: {network: {get_resource: net}, fixed_ips: [{ip_address: 10.21.0.10}]}
    depends_on: subnet
  fip:
    type: OS::Neutron::FloatingIP
    properties: {floating_network: public}
  forward:
    type: OS::Neutron::FloatingIPPortForward
    properties:
      floating_ip: {get_resource: fip}
      internal_port: {get_resource: port}
      internal_ip_address: 10.21.0.10
      internal_port_number: 22
      external_port: {get_param: external}
      protocol: tcp
    depends_on: interface
  label:
    type: OS::Neutron::MeteringLabel
    properties: {description: web traffic}
  rule:
    type: OS::Neutron::MeteringRule
    properties:
      metering_label_id: {get_resource: label}
      remote_ip_prefix: 10.21.0.0/24
      direction: egress
outputs:
  forward: {value: {get_attr: [forward, show]}}
  label: {value: {get_attr: [label, show]}}
  rule: {value: {get_attr: [rule, show]}}
"""


def test_port_forwarding_and_metering(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = write(tmp_path, FORWARD)
    ok(run_cli("stack", "create", template, "--name", "f"))
    out = outputs(run_cli, "f")
    forward, port = out["forward"], physical(run_cli, "f", "port")
    assert (forward["internal_port_id"], forward["internal_port"]) == (port, 22)
    assert (forward["external_port"], forward["protocol"]) == (2222, "tcp")
    label = physical(run_cli, "f", "label")
    assert out["label"]["description"] == "web traffic" and out["label"]["name"].startswith(
        "f-label-"
    )
    assert (out["rule"]["metering_label_id"], out["rule"]["direction"]) == (label, "egress")
    assert out["rule"]["excluded"] is False
    first = physical(run_cli, "f", "forward")
    ok(run_cli("stack", "update", "f", "-t", template, "-P", "external=2200"))
    assert physical(run_cli, "f", "forward") == first
    fip = physical(run_cli, "f", "fip")
    shown = cloud(state_dir, lambda c: c.network.get_port_forwarding(first, fip))
    assert shown.external_port == 2200
    # Every resource is found again in the cloud by its tag or identity.
    ok(run_cli("stack", "check", "f"))
    delete_leaves_nothing(run_cli, state_dir, "f")
