"""Neutron service extensions (VPNaaS, networking-sfc, TaaS, FWaaS v1, L2 gateways, network
gateways) through the CLI on the sandbox over real HTTP: create, attributes, update in
place, delete, and nothing left behind."""

from __future__ import annotations

import json
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


def _get(state_dir: Path, path: str) -> Any:
    return cloud(state_dir, lambda c: c.network.get(path).json())


VPN = """
heat_template_version: 2018-08-31
parameters:
  mtu: {type: number, default: 1500}
  desc: {type: string, default: first}
  lifetime: {type: number, default: 3600}
resources:
  net:
    type: OS::Neutron::Net
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.70.0.0/24}
  router:
    type: OS::Neutron::Router
    properties: {external_gateway_info: {network: public}}
  interface:
    type: OS::Neutron::RouterInterface
    properties: {router: {get_resource: router}, subnet: {get_resource: subnet}}
  vpn:
    type: OS::Neutron::VPNService
    properties: {router: {get_resource: router}, subnet: {get_resource: subnet}}
    depends_on: interface
  ike:
    type: OS::Neutron::IKEPolicy
    properties: {lifetime: {units: seconds, value: {get_param: lifetime}}}
  ipsec:
    type: OS::Neutron::IPsecPolicy
  site:
    type: OS::Neutron::IPsecSiteConnection
    properties:
      vpnservice_id: {get_resource: vpn}
      ikepolicy_id: {get_resource: ike}
      ipsecpolicy_id: {get_resource: ipsec}
      peer_address: 172.24.4.233
      peer_id: 172.24.4.233
      peer_cidrs: [10.80.0.0/24]
      psk: secret-key
      mtu: {get_param: mtu}
      description: {get_param: desc}
outputs:
  site: {value: {get_attr: [site, show]}}
  status: {value: {get_attr: [site, status]}}
  vpn: {value: {get_attr: [vpn, show]}}
  ike: {value: {get_attr: [ike, lifetime]}}
"""


def test_vpn_service_policies_and_site_connection(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = write(tmp_path, VPN)
    ok(run_cli("stack", "create", template, "--name", "v"))
    out = outputs(run_cli, "v")
    assert out["status"] == "ACTIVE" and out["site"]["mtu"] == 1500
    assert "psk" not in out["site"] and out["site"]["auth_mode"] == "psk"
    assert out["vpn"]["router_id"] == physical(run_cli, "v", "router")
    assert out["ike"] == {"units": "seconds", "value": 3600}
    site, ike = physical(run_cli, "v", "site"), physical(run_cli, "v", "ike")
    ok(run_cli("stack", "update", "v", "-t", template, "-P", "desc=second"))
    assert physical(run_cli, "v", "site") == site
    connection = _get(state_dir, f"/vpn/ipsec-site-connections/{site}")["ipsec_site_connection"]
    assert connection["description"] == "second"
    # Heat does not update mtu in place: the connection is replaced.
    ok(run_cli("stack", "update", "v", "-t", template, "-P", "desc=second", "-P", "mtu=1400"))
    site = physical(run_cli, "v", "site")
    listed = _get(state_dir, "/vpn/ipsec-site-connections")["ipsec_site_connections"]
    assert [(c["id"], c["mtu"]) for c in listed] == [(site, 1400)]
    # Neutron refuses to change an IKE policy a connection uses, and the update says so.
    refused = run_cli(
        "stack",
        "update",
        "v",
        "-t",
        template,
        "-P",
        "desc=second",
        "-P",
        "mtu=1400",
        "-P",
        "lifetime=7200",
    )
    assert refused.exit_code != 0 and "is in use by existing IPsecSiteConnection" in refused.stderr
    assert physical(run_cli, "v", "ike") == ike
    # The pre-shared key never reaches the output.
    shown = run_cli("stack", "show", "v", "--json")
    assert "secret-key" not in shown.stdout + shown.stderr
    # Every resource is found again in the cloud by its tag or identity.
    ok(run_cli("stack", "check", "v"))
    delete_leaves_nothing(run_cli, state_dir, "v")


CHAIN = """
heat_template_version: 2018-08-31
parameters:
  description: {type: string, default: first}
resources:
  net:
    type: OS::Neutron::Net
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.90.0.0/24}
  source:
    type: OS::Neutron::Port
    properties: {network: {get_resource: net}}
    depends_on: subnet
  ingress:
    type: OS::Neutron::Port
    properties: {network: {get_resource: net}}
    depends_on: subnet
  egress:
    type: OS::Neutron::Port
    properties: {network: {get_resource: net}}
    depends_on: subnet
  mirror:
    type: OS::Neutron::Port
    properties: {network: {get_resource: net}}
    depends_on: subnet
  classifier:
    type: OS::Neutron::FlowClassifier
    properties:
      logical_source_port: {get_resource: source}
      protocol: tcp
      destination_port_range_min: 80
      destination_port_range_max: 80
  pair:
    type: OS::Neutron::PortPair
    properties: {ingress: {get_resource: ingress}, egress: {get_resource: egress}}
  group:
    type: OS::Neutron::PortPairGroup
    properties: {port_pairs: [{get_resource: pair}]}
  chain:
    type: OS::Neutron::PortChain
    properties:
      description: {get_param: description}
      port_pair_groups: [{get_resource: group}]
      flow_classifiers: [{get_resource: classifier}]
  tap:
    type: OS::Neutron::TaaS::TapService
    properties: {port: {get_resource: mirror}}
  flow:
    type: OS::Neutron::TaaS::TapFlow
    properties:
      tap_service: {get_resource: tap}
      port: {get_resource: source}
      description: {get_param: description}
outputs:
  chain: {value: {get_attr: [chain, show]}}
  flow: {value: {get_attr: [flow, show]}}
"""


def test_service_chain_and_tap(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = write(tmp_path, CHAIN)
    ok(run_cli("stack", "create", template, "--name", "c"))
    out = outputs(run_cli, "c")
    group, classifier = physical(run_cli, "c", "group"), physical(run_cli, "c", "classifier")
    assert out["chain"]["port_pair_groups"] == [group]
    assert out["chain"]["flow_classifiers"] == [classifier]
    assert out["chain"]["chain_parameters"]["correlation"] == "mpls"
    tap, source = physical(run_cli, "c", "tap"), physical(run_cli, "c", "source")
    assert (out["flow"]["tap_service_id"], out["flow"]["source_port"]) == (tap, source)
    assert (out["flow"]["status"], out["flow"]["direction"]) == ("ACTIVE", "BOTH")
    chain, flow = physical(run_cli, "c", "chain"), physical(run_cli, "c", "flow")
    ok(run_cli("stack", "update", "c", "-t", template, "-P", "description=second"))
    assert (physical(run_cli, "c", "chain"), physical(run_cli, "c", "flow")) == (chain, flow)
    assert _get(state_dir, f"/sfc/port_chains/{chain}")["port_chain"]["description"] == "second"
    assert _get(state_dir, f"/taas/tap_flows/{flow}")["tap_flow"]["description"] == "second"
    # Every resource is found again in the cloud by its tag or identity.
    ok(run_cli("stack", "check", "c"))
    delete_leaves_nothing(run_cli, state_dir, "c")


GATEWAYS = """
heat_template_version: 2018-08-31
parameters:
  action: {type: string, default: deny}
  vlan: {type: number, default: 10}
resources:
  allow_web:
    type: OS::Neutron::FirewallRule
    properties: {protocol: tcp, destination_port: "80", action: allow}
  other:
    type: OS::Neutron::FirewallRule
    properties: {action: {get_param: action}}
  policy:
    type: OS::Neutron::FirewallPolicy
    properties: {firewall_rules: [{get_resource: allow_web}, {get_resource: other}]}
  firewall:
    type: OS::Neutron::Firewall
    properties: {firewall_policy_id: {get_resource: policy}}
  net:
    type: OS::Neutron::Net
  l2gw:
    type: OS::Neutron::L2Gateway
    properties:
      name: gw1
      devices: [{device_name: switch1, interfaces: [{name: eth1}]}]
  l2gw_connection:
    type: OS::Neutron::L2GatewayConnection
    properties: {l2_gateway_id: {get_resource: l2gw}, network_id: {get_resource: net}, segmentation_id: "20"}
  netgw:
    type: OS::Neutron::NetworkGateway
    properties:
      devices: [{id: dev1, interface_name: breth1}]
      connections:
      - {network: {get_resource: net}, segmentation_type: vlan, segmentation_id: {get_param: vlan}}
outputs:
  firewall: {value: {get_attr: [firewall, show]}}
  shared: {value: {get_attr: [firewall, shared]}}
  protocol: {value: {get_attr: [other, protocol]}}
  connection: {value: {get_attr: [l2gw_connection, show]}}
  netgw: {value: {get_attr: [netgw, show]}}
"""


def test_firewall_and_gateways(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = write(tmp_path, GATEWAYS)
    ok(run_cli("stack", "create", template, "--name", "g"))
    out = outputs(run_cli, "g")
    assert out["firewall"]["status"] == "ACTIVE" and out["shared"].startswith("This attribute")
    assert out["protocol"] is None  # 'any' is sent as null
    policy = _get(state_dir, f"/fw/firewall_policies/{physical(run_cli, 'g', 'policy')}")
    rules = [physical(run_cli, "g", "allow_web"), physical(run_cli, "g", "other")]
    assert policy["firewall_policy"]["firewall_rules"] == rules
    net = physical(run_cli, "g", "net")
    assert (out["connection"]["network_id"], out["connection"]["segmentation_id"]) == (net, "20")
    assert [p["segmentation_id"] for p in out["netgw"]["ports"]] == [10]
    rule, gateway = physical(run_cli, "g", "other"), physical(run_cli, "g", "netgw")
    ok(run_cli("stack", "update", "g", "-t", template, "-P", "action=allow", "-P", "vlan=11"))
    assert (physical(run_cli, "g", "other"), physical(run_cli, "g", "netgw")) == (rule, gateway)
    assert _get(state_dir, f"/fw/firewall_rules/{rule}")["firewall_rule"]["action"] == "allow"
    ports = _get(state_dir, f"/network-gateways/{gateway}")["network_gateway"]["ports"]
    assert [(p["network_id"], p["segmentation_id"]) for p in ports] == [(net, 11)]
    listed = json.loads(ok(run_cli("stack", "resources", "g", "--json")).stdout)
    assert all(r["status"].endswith("COMPLETE") for r in listed.values())
    # Every resource is found again in the cloud by its tag or identity.
    ok(run_cli("stack", "check", "g"))
    delete_leaves_nothing(run_cli, state_dir, "g")
