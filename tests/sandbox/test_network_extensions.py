"""The sandbox's Neutron extensions through openstacksdk: allocation, validation and the
conflicts real Neutron answers (status code and NeutronError type)."""

from __future__ import annotations

from typing import Any

import pytest
from openstack import exceptions

from heatctl.sandbox import Sandbox


def _error_type(info: Any) -> str:
    return str(info.value.response.json()["NeutronError"]["type"])


def _net(conn: Any, cidr: str = "10.40.0.0/24") -> tuple[Any, Any]:
    net = conn.network.create_network(name="x-net")
    return net, conn.network.create_subnet(network_id=net.id, ip_version=4, cidr=cidr)


def test_extensions_listed(conn: Any) -> None:
    aliases = {e.alias for e in conn.network.extensions()}
    wanted = {"subnet_allocation", "address-scope", "trunk", "rbac-policies", "segment", "metering"}
    assert wanted | {"floating-ip-port-forwarding", "vpnaas", "fwaas", "sfc", "taas"} <= aliases
    assert {"extraroute-atomic", "qos-pps-minimum", "l2-gateway", "network-gateway"} <= aliases


def test_subnet_pool_allocation_and_scope(conn: Any, sandbox: Sandbox) -> None:
    net = conn.network.create_network(name="n")
    pool = conn.network.create_subnet_pool(
        name="p", prefixes=["10.10.0.0/22"], default_prefix_length=24
    )
    cidrs = [
        conn.network.create_subnet(network_id=net.id, ip_version=4, subnet_pool_id=pool.id).cidr
        for _ in range(4)
    ]
    assert cidrs == ["10.10.0.0/24", "10.10.1.0/24", "10.10.2.0/24", "10.10.3.0/24"]
    with pytest.raises(exceptions.ConflictException) as info:  # the pool is full
        conn.network.create_subnet(network_id=net.id, ip_version=4, subnet_pool_id=pool.id)
    assert _error_type(info) == "SubnetAllocationError"
    with pytest.raises(exceptions.BadRequestException, match="superset"):
        conn.network.update_subnet_pool(pool.id, prefixes=["10.20.0.0/16"])
    scope = conn.network.create_address_scope(name="s", ip_version=4)
    other = conn.network.create_subnet_pool(name="q", prefixes=["10.10.2.0/24"])
    conn.network.update_subnet_pool(pool.id, address_scope_id=scope.id)
    with pytest.raises(exceptions.BadRequestException) as info:  # overlaps in the scope
        conn.network.update_subnet_pool(other, address_scope_id=scope.id)
    assert _error_type(info) == "AddressScopePrefixConflict"
    with pytest.raises(exceptions.ConflictException) as info:
        conn.network.delete_address_scope(scope)
    assert _error_type(info) == "AddressScopeInUse"
    with pytest.raises(exceptions.ConflictException) as info:
        conn.network.delete_subnet_pool(pool)
    assert _error_type(info) == "SubnetPoolInUse"
    conn.network.delete_network(net)  # its subnets go with it, and the pool is free
    for item in (pool, other):
        conn.network.delete_subnet_pool(item)
    conn.network.delete_address_scope(scope)
    assert sandbox.inventory() == {}


def test_trunk_rules(conn: Any) -> None:
    net, _ = _net(conn)
    parent, sub, other = (conn.network.create_port(network_id=net.id) for _ in range(3))
    trunk = conn.network.create_trunk(
        port_id=parent.id,
        sub_ports=[{"port_id": sub.id, "segmentation_type": "vlan", "segmentation_id": 100}],
    )
    assert trunk.status == "DOWN"
    with pytest.raises(exceptions.ConflictException) as info:
        conn.network.create_trunk(port_id=parent.id)
    assert _error_type(info) == "TrunkPortInUse"
    with pytest.raises(exceptions.ConflictException) as info:
        conn.network.add_trunk_subports(
            trunk, [{"port_id": other.id, "segmentation_type": "vlan", "segmentation_id": 100}]
        )
    assert _error_type(info) == "DuplicateSubPort"
    for port, kind in ((parent, "PortInUseAsTrunkParent"), (sub, "PortInUseAsSubPort")):
        with pytest.raises(exceptions.ConflictException) as info:
            conn.network.delete_port(port)
        assert _error_type(info) == kind
    conn.network.update_port(parent, device_id="server-1")  # bound: the trunk is in use
    assert conn.network.get_trunk(trunk.id).status == "ACTIVE"
    with pytest.raises(exceptions.ConflictException) as info:
        conn.network.delete_trunk(trunk)
    assert _error_type(info) == "TrunkInUse"
    conn.network.update_port(parent, device_id="")
    conn.network.delete_trunk(trunk)
    assert conn.network.get_port(sub.id).device_owner == ""
    conn.network.delete_port(sub)


def test_rbac_segments_and_provider_networks(conn: Any) -> None:
    net = conn.network.create_network(name="n")
    policy = conn.network.create_rbac_policy(
        object_type="network", object_id=net.id, action="access_as_shared", target_project_id="*"
    )
    assert conn.network.get_network(net.id).is_shared
    with pytest.raises(exceptions.ConflictException) as info:
        conn.network.create_rbac_policy(
            object_type="network",
            object_id=net.id,
            action="access_as_shared",
            target_project_id="*",
        )
    assert _error_type(info) == "DuplicateRbacPolicy"
    with pytest.raises(exceptions.BadRequestException, match="Invalid action"):
        conn.network.create_rbac_policy(
            object_type="qos_policy",
            object_id=net.id,
            action="access_as_external",
            target_project_id="*",
        )
    conn.network.delete_rbac_policy(policy)
    assert not conn.network.get_network(net.id).is_shared
    segment = conn.network.create_segment(
        network_id=net.id, network_type="vlan", physical_network="physnet1", segmentation_id=7
    )
    with pytest.raises(exceptions.ConflictException) as info:
        conn.network.create_network(
            provider_network_type="vlan",
            provider_physical_network="physnet1",
            provider_segmentation_id=7,
        )
    assert _error_type(info) == "VlanIdInUse"
    with pytest.raises(exceptions.BadRequestException, match="physical_network required"):
        conn.network.create_network(provider_network_type="flat")
    subnet = conn.network.create_subnet(
        network_id=net.id, ip_version=4, cidr="10.1.0.0/24", segment_id=segment.id
    )
    with pytest.raises(exceptions.ConflictException) as info:
        conn.network.delete_segment(segment)
    assert _error_type(info) == "SegmentInUse"
    conn.network.delete_subnet(subnet)
    conn.network.delete_network(net)  # the segment goes with its network
    assert conn.network.find_segment(segment.id) is None


def test_quotas_per_project(conn: Any) -> None:
    project = conn.current_project_id
    used = len(list(conn.network.networks(project_id=project)))  # the seeded ones count
    conn.network.update_quota(project, networks=used + 1)
    conn.network.create_network(name="one")
    with pytest.raises(exceptions.ConflictException) as info:
        conn.network.create_network(name="two")
    assert _error_type(info) == "OverQuota"
    with pytest.raises(exceptions.BadRequestException):
        conn.network.update_quota(project, networks=-5)  # below -1
    conn.network.delete_quota(project)
    assert conn.network.get_quota(project).networks == 100
    conn.network.create_network(name="two")


def test_extra_routes_and_port_forwarding(conn: Any) -> None:
    net, subnet = _net(conn, "10.5.0.0/24")
    public = conn.network.find_network("public")
    router = conn.network.create_router(external_gateway_info={"network_id": public.id})
    with pytest.raises(exceptions.BadRequestException, match="nexthop is not connected"):
        conn.network.add_extra_routes_to_router(
            router, {"router": {"routes": [{"destination": "10.9.0.0/24", "nexthop": "10.5.0.9"}]}}
        )
    conn.network.add_interface_to_router(router, subnet=subnet.id)
    route = {"destination": "10.9.0.0/24", "nexthop": "10.5.0.9"}
    added = conn.network.add_extra_routes_to_router(router, {"router": {"routes": [route]}})
    assert added.routes == [route]
    port = conn.network.create_port(network_id=net.id, fixed_ips=[{"ip_address": "10.5.0.20"}])
    fip = conn.network.create_ip(floating_network_id=public.id)
    forward = dict(internal_ip_address="10.5.0.20", internal_port=22, protocol="tcp")
    made = conn.network.create_port_forwarding(
        floatingip_id=fip.id, internal_port_id=port.id, external_port=2022, **forward
    )
    with pytest.raises(exceptions.ConflictException, match="duplicate port forwarding"):
        conn.network.create_port_forwarding(
            floatingip_id=fip.id, internal_port_id=port.id, external_port=2022, **forward
        )
    with pytest.raises(exceptions.BadRequestException, match="not a fixed IP"):
        conn.network.create_port_forwarding(
            floatingip_id=fip.id,
            internal_port_id=port.id,
            external_port=2023,
            **{**forward, "internal_ip_address": "10.5.0.99"},
        )
    with pytest.raises(exceptions.ConflictException, match="Port Forwarding"):
        conn.network.update_ip(fip, port_id=port.id)
    assert [p.id for p in conn.network.port_forwardings(fip)] == [made.id]
    conn.network.delete_ip(fip)  # its port forwardings go with it
    conn.network.remove_extra_routes_from_router(router, {"router": {"routes": [route]}})
    conn.network.remove_interface_from_router(router, subnet=subnet.id)
