"""The sandbox's Neutron service extensions over real HTTP (openstacksdk's network proxy,
raw where openstacksdk has no resource: FWaaS v1, L2 gateways, network gateways): the
conflicts and validation real Neutron answers."""

from __future__ import annotations

from typing import Any

import pytest
from openstack import exceptions

from heatctl.sandbox import Sandbox


def call(conn: Any, method: str, path: str, body: Any = None) -> Any:
    """One raw Neutron call; openstacksdk's exception on an error status."""
    response = getattr(conn.network, method)(path, json=body, raise_exc=False)
    exceptions.raise_from_response(response)
    return response.json() if response.content else None


def error_type(info: Any) -> str:
    return str(info.value.response.json()["NeutronError"]["type"])


def _router_subnet(conn: Any) -> tuple[Any, Any, Any]:
    net = conn.network.create_network(name="v")
    subnet = conn.network.create_subnet(network_id=net.id, ip_version=4, cidr="10.3.0.0/24")
    public = conn.network.find_network("public")
    router = conn.network.create_router(external_gateway_info={"network_id": public.id})
    return net, subnet, router


def test_vpn_objects_in_use(conn: Any) -> None:
    _, subnet, router = _router_subnet(conn)
    with pytest.raises(exceptions.BadRequestException, match="not connected"):
        conn.network.create_vpn_service(router_id=router.id, subnet_id=subnet.id)
    conn.network.add_interface_to_router(router, subnet=subnet.id)
    service = conn.network.create_vpn_service(router_id=router.id, subnet_id=subnet.id)
    assert service.status == "PENDING_CREATE"
    ike, ipsec = conn.network.create_vpn_ike_policy(), conn.network.create_vpn_ipsec_policy()
    site = dict(peer_address="172.24.4.9", peer_id="172.24.4.9", psk="k", mtu=1500)
    with pytest.raises(exceptions.BadRequestException, match="overlaps the local subnet"):
        conn.network.create_vpn_ipsec_site_connection(
            vpnservice_id=service.id,
            ikepolicy_id=ike.id,
            ipsecpolicy_id=ipsec.id,
            peer_cidrs=["10.3.0.0/16"],
            **site,
        )
    connection = conn.network.create_vpn_ipsec_site_connection(
        vpnservice_id=service.id,
        ikepolicy_id=ike.id,
        ipsecpolicy_id=ipsec.id,
        peer_cidrs=["10.4.0.0/24"],
        **site,
    )
    assert conn.network.get_vpn_ipsec_site_connection(connection.id).status == "ACTIVE"
    assert conn.network.get_vpn_service(service.id).status == "ACTIVE"
    for delete, kind in (
        (conn.network.delete_vpn_ike_policy, "IKEPolicyInUse"),
        (conn.network.delete_vpn_service, "VPNServiceInUse"),
    ):
        with pytest.raises(exceptions.ConflictException) as info:
            delete(ike.id if kind.startswith("IKE") else service.id)
        assert error_type(info) == kind
    with pytest.raises(exceptions.ConflictException) as info:
        conn.network.remove_interface_from_router(router, subnet=subnet.id)
    assert error_type(info) == "SubnetInUseByVPNService"
    conn.network.delete_vpn_ipsec_site_connection(connection)
    assert conn.network.get_vpn_service(service.id).status == "PENDING_CREATE"


def test_service_chain_members_in_use(conn: Any, sandbox: Sandbox) -> None:
    net = conn.network.create_network(name="c")
    conn.network.create_subnet(network_id=net.id, ip_version=4, cidr="10.6.0.0/24")
    a, b, src = (conn.network.create_port(network_id=net.id) for _ in range(3))
    pair = conn.network.create_sfc_port_pair(ingress=a.id, egress=b.id)
    with pytest.raises(exceptions.ConflictException) as info:
        conn.network.create_sfc_port_pair(ingress=a.id, egress=b.id)
    assert error_type(info) == "PortPairIngressEgressInUse"
    group = conn.network.create_sfc_port_pair_group(port_pairs=[pair.id])
    with pytest.raises(exceptions.ConflictException):
        conn.network.create_sfc_port_pair_group(port_pairs=[pair.id])
    classifier = conn.network.create_sfc_flow_classifier(logical_source_port=src.id)
    with pytest.raises(exceptions.BadRequestException):
        conn.network.create_sfc_flow_classifier(
            logical_source_port=src.id, protocol="icmp", destination_port_range_min=80
        )
    chain = conn.network.create_sfc_port_chain(
        port_pair_groups=[group.id], flow_classifiers=[classifier.id]
    )
    assert chain.chain_parameters["correlation"] == "mpls"
    for delete, obj in (
        (conn.network.delete_sfc_port_pair, pair),
        (conn.network.delete_sfc_port_pair_group, group),
        (conn.network.delete_sfc_flow_classifier, classifier),
    ):
        with pytest.raises(exceptions.ConflictException):
            delete(obj)
    for delete, obj in (
        (conn.network.delete_sfc_port_chain, chain),
        (conn.network.delete_sfc_port_pair_group, group),
        (conn.network.delete_sfc_port_pair, pair),
        (conn.network.delete_sfc_flow_classifier, classifier),
    ):
        delete(obj)
    for port in (a, b, src):
        conn.network.delete_port(port)
    conn.network.delete_network(net)
    assert sandbox.inventory() == {}


def test_firewall_v1_rules_policies_and_firewalls(conn: Any) -> None:
    rule = call(
        conn,
        "post",
        "/fw/firewall_rules",
        {"firewall_rule": {"protocol": "tcp", "destination_port": "80:90", "action": "allow"}},
    )["firewall_rule"]
    with pytest.raises(exceptions.BadRequestException, match="ports are not allowed"):
        call(
            conn,
            "post",
            "/fw/firewall_rules",
            {"firewall_rule": {"protocol": "icmp", "source_port": "22"}},
        )
    policy = call(
        conn,
        "post",
        "/fw/firewall_policies",
        {"firewall_policy": {"firewall_rules": [rule["id"]], "audited": True}},
    )["firewall_policy"]
    shown = call(conn, "get", f"/fw/firewall_rules/{rule['id']}")["firewall_rule"]
    assert (shown["firewall_policy_id"], shown["position"]) == (policy["id"], 1)
    with pytest.raises(exceptions.ConflictException) as info:
        call(
            conn,
            "post",
            "/fw/firewall_policies",
            {"firewall_policy": {"firewall_rules": [rule["id"]]}},
        )
    assert error_type(info) == "FirewallRuleInUse"
    renamed = call(
        conn, "put", f"/fw/firewall_policies/{policy['id']}", {"firewall_policy": {"name": "p"}}
    )
    assert renamed["firewall_policy"]["audited"] is False  # any change clears the mark
    firewall = call(
        conn, "post", "/fw/firewalls", {"firewall": {"firewall_policy_id": policy["id"]}}
    )["firewall"]
    assert firewall["status"] == "PENDING_CREATE"
    assert call(conn, "get", f"/fw/firewalls/{firewall['id']}")["firewall"]["status"] == "ACTIVE"
    with pytest.raises(exceptions.ConflictException) as info:
        call(conn, "delete", f"/fw/firewall_policies/{policy['id']}")
    assert error_type(info) == "FirewallPolicyInUse"
    call(conn, "delete", f"/fw/firewalls/{firewall['id']}")
    call(conn, "delete", f"/fw/firewall_policies/{policy['id']}")
    call(conn, "delete", f"/fw/firewall_rules/{rule['id']}")  # free once its policy is gone


def test_gateways(conn: Any, sandbox: Sandbox) -> None:
    net = conn.network.create_network(name="g")
    devices = [{"device_name": "sw1", "interfaces": [{"name": "eth1"}]}]
    gateway = call(
        conn, "post", "/l2-gateways", {"l2_gateway": {"name": "gw", "devices": devices}}
    )["l2_gateway"]
    with pytest.raises(exceptions.BadRequestException, match="Segmentation id must be specified"):
        call(
            conn,
            "post",
            "/l2-gateway-connections",
            {"l2_gateway_connection": {"l2_gateway_id": gateway["id"], "network_id": net.id}},
        )
    body = {
        "l2_gateway_connection": {
            "l2_gateway_id": gateway["id"],
            "network_id": net.id,
            "segmentation_id": "5",
        }
    }
    connection = call(conn, "post", "/l2-gateway-connections", body)["l2_gateway_connection"]
    with pytest.raises(exceptions.ConflictException) as info:
        call(conn, "post", "/l2-gateway-connections", body)
    assert error_type(info) == "L2GatewayConnectionExists"
    with pytest.raises(exceptions.ConflictException) as info:
        call(conn, "delete", f"/l2-gateways/{gateway['id']}")
    assert error_type(info) == "L2GatewayInUse"
    call(conn, "delete", f"/l2-gateway-connections/{connection['id']}")
    call(conn, "delete", f"/l2-gateways/{gateway['id']}")
    nsx = call(
        conn,
        "post",
        "/network-gateways",
        {"network_gateway": {"devices": [{"id": "d1", "interface_name": "br1"}]}},
    )["network_gateway"]
    link = {"network_id": net.id, "segmentation_type": "vlan", "segmentation_id": 3}
    info_body = call(conn, "put", f"/network-gateways/{nsx['id']}/connect_network", link)
    assert info_body["connection_info"]["network_id"] == net.id
    with pytest.raises(exceptions.ConflictException):
        call(conn, "put", f"/network-gateways/{nsx['id']}/connect_network", link)
    with pytest.raises(exceptions.ConflictException):
        call(conn, "delete", f"/network-gateways/{nsx['id']}")
    call(conn, "put", f"/network-gateways/{nsx['id']}/disconnect_network", link)
    call(conn, "delete", f"/network-gateways/{nsx['id']}")
    conn.network.delete_network(net)
    assert sandbox.inventory() == {}
