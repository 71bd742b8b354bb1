"""Real conflicts and quotas, with each service's status code and error body."""

from __future__ import annotations

from typing import Any

import pytest
from openstack import exceptions

from heatctl.sandbox import Sandbox


def _net(conn: Any, cidr: str = "10.40.0.0/24") -> tuple[Any, Any]:
    net = conn.network.create_network(name="c-net")
    return net, conn.network.create_subnet(network_id=net.id, ip_version=4, cidr=cidr)


def test_network_in_use(conn: Any) -> None:
    net, _ = _net(conn)
    port = conn.network.create_port(network_id=net.id)
    with pytest.raises(exceptions.ConflictException) as info:
        conn.network.delete_network(net)
    assert "NetworkInUse" in str(info.value.response.json()["NeutronError"]["type"])
    conn.network.delete_port(port)
    conn.network.delete_network(net)  # its subnet goes with it
    assert conn.network.find_subnet("c-net") is None


def test_router_with_interfaces_and_router_port(conn: Any) -> None:
    _, subnet = _net(conn)
    router = conn.network.create_router(name="r")
    info = conn.network.add_interface_to_router(router, subnet=subnet.id)
    with pytest.raises(exceptions.ConflictException, match="still has ports"):
        conn.network.delete_router(router)
    with pytest.raises(exceptions.ConflictException, match="device owner"):
        conn.network.delete_port(info["port_id"])
    conn.network.remove_interface_from_router(router, subnet=subnet.id)
    conn.network.delete_router(router)


def test_subnet_exhaustion(conn: Any) -> None:
    net, _ = _net(conn, "10.50.0.0/29")  # 8 addresses: network, gateway, 5 usable, broadcast
    for _ in range(5):
        conn.network.create_port(network_id=net.id)
    with pytest.raises(exceptions.ConflictException) as info:
        conn.network.create_port(network_id=net.id)
    assert info.value.response.json()["NeutronError"]["type"] == "IpAddressGenerationFailure"


def test_duplicate_fixed_ip_and_overlapping_subnet(conn: Any) -> None:
    net, _ = _net(conn)
    conn.network.create_port(network_id=net.id, fixed_ips=[{"ip_address": "10.40.0.9"}])
    with pytest.raises(exceptions.ConflictException, match="already allocated"):
        conn.network.create_port(network_id=net.id, fixed_ips=[{"ip_address": "10.40.0.9"}])
    with pytest.raises(exceptions.BadRequestException, match="overlaps"):
        conn.network.create_subnet(network_id=net.id, ip_version=4, cidr="10.40.0.128/25")


def test_security_group_in_use_and_default(conn: Any) -> None:
    net, _ = _net(conn)
    group = conn.network.create_security_group(name="web")
    port = conn.network.create_port(network_id=net.id, security_groups=[group.id])
    with pytest.raises(exceptions.ConflictException, match="in use"):
        conn.network.delete_security_group(group)
    default = conn.network.find_security_group("default")
    with pytest.raises(exceptions.ConflictException):
        conn.network.delete_security_group(default)
    conn.network.delete_port(port)
    conn.network.delete_security_group(group)


def test_attached_volume_cannot_be_deleted(conn: Any) -> None:
    server = conn.compute.create_server(
        name="vm", flavor_id="1", image_id=conn.image.find_image("cirros").id, networks="none"
    )
    conn.compute.wait_for_server(server, interval=0.05, wait=5)
    volume = conn.block_storage.create_volume(size=1)
    conn.block_storage.wait_for_status(volume, "available", interval=0.05, wait=5)
    conn.compute.create_volume_attachment(server, volume=volume)
    with pytest.raises(exceptions.BadRequestException, match="Invalid volume"):
        conn.block_storage.delete_volume(volume)
    conn.compute.delete_server(server)  # detaches
    conn.block_storage.wait_for_status(volume, "available", interval=0.05, wait=5)
    conn.block_storage.delete_volume(volume)


def test_non_empty_container(conn: Any) -> None:
    conn.object_store.create_container(name="full")
    conn.object_store.upload_object(container="full", name="a", data=b"1")
    with pytest.raises(exceptions.ConflictException):
        conn.object_store.delete_container("full")


def test_floating_ip_needs_a_router_to_the_port(conn: Any) -> None:
    net, _ = _net(conn)
    port = conn.network.create_port(network_id=net.id)
    public = conn.network.find_network("public")
    with pytest.raises(exceptions.NotFoundException, match="not reachable"):
        conn.network.create_ip(floating_network_id=public.id, port_id=port.id)


def test_nova_quota_is_403(tmp_path: Any) -> None:
    with Sandbox(quotas={"compute": {"instances": 1}}, timings={"server_build": 0}) as sb:
        conn = sb.connection()
        image = conn.image.find_image("cirros").id
        conn.compute.create_server(name="a", flavor_id="1", image_id=image, networks="none")
        with pytest.raises(exceptions.ForbiddenException) as info:
            conn.compute.create_server(name="b", flavor_id="1", image_id=image, networks="none")
        body = info.value.response.json()
        assert body["forbidden"]["message"].startswith("Quota exceeded for instances")


def test_neutron_quota_is_409_over_quota() -> None:
    with Sandbox(quotas={"network": {"network": 2}}) as sb:  # public and private are seeded
        conn = sb.connection()
        with pytest.raises(exceptions.ConflictException) as info:
            conn.network.create_network(name="one-too-many")
        assert info.value.response.json()["NeutronError"]["type"] == "OverQuota"


def test_cinder_quota_is_413_with_retry_after() -> None:
    with Sandbox(quotas={"volume": {"gigabytes": 5}}) as sb:
        conn = sb.connection()
        with pytest.raises(exceptions.HttpException) as info:
            conn.block_storage.create_volume(size=6)
        assert info.value.status_code == 413
        assert info.value.response.headers["Retry-After"] == "0"
        assert "gigabytes quota" in info.value.response.json()["overLimit"]["message"]


def test_router_routes_need_a_connected_nexthop_and_gateway_ips_move(conn: Any) -> None:
    _, subnet = _net(conn, "10.70.0.0/24")
    public = conn.network.find_network("public")
    router = conn.network.create_router(name="r", external_gateway_info={"network_id": public.id})
    with pytest.raises(exceptions.BadRequestException, match="nexthop is not connected"):
        conn.network.update_router(
            router, routes=[{"destination": "10.80.0.0/24", "nexthop": "10.70.0.9"}]
        )
    conn.network.add_interface_to_router(router, subnet=subnet.id)
    routes = [{"destination": "10.80.0.0/24", "nexthop": "10.70.0.9"}]
    assert conn.network.update_router(router, routes=routes).routes == routes
    public_subnet = next(iter(conn.network.subnets(network_id=public.id)))
    moved = conn.network.update_router(
        router,
        external_gateway_info={
            "network_id": public.id,
            "external_fixed_ips": [{"subnet_id": public_subnet.id, "ip_address": "172.24.4.200"}],
        },
    )
    assert moved.external_gateway_info["external_fixed_ips"][0]["ip_address"] == "172.24.4.200"
    gateway = list(conn.network.ports(device_id=router.id, device_owner="network:router_gateway"))
    assert [p.fixed_ips[0]["ip_address"] for p in gateway] == ["172.24.4.200"]


def test_server_on_a_full_subnet_fails_to_build(conn: Any) -> None:
    net, _ = _net(conn, "10.51.0.0/29")
    for _ in range(5):
        conn.network.create_port(network_id=net.id)
    server = conn.compute.create_server(
        name="no-room",
        flavor_id="1",
        image_id=conn.image.find_image("cirros").id,
        networks=[{"uuid": net.id}],
    )  # accepted, as by Nova: the address is allocated on the compute host
    with pytest.raises(exceptions.ResourceFailure):
        conn.compute.wait_for_server(server, interval=0.05, wait=5)
    shown = conn.compute.get_server(server.id)
    assert "Failed to allocate the network(s)" in shown.fault["message"]
    assert list(conn.network.ports(device_id=server.id)) == []


def test_nova_port_quota_is_403() -> None:
    with Sandbox(quotas={"network": {"port": 2}}) as sb:  # router1 holds two ports already
        conn = sb.connection()
        with pytest.raises(exceptions.ForbiddenException, match="Maximum number of ports"):
            conn.compute.create_server(
                name="x",
                flavor_id="http://nova/flavors/1",
                networks="auto",
                image_id=conn.image.find_image("cirros").id,
            )


def test_qos_policy_rules_and_in_use(conn: Any) -> None:
    policy = conn.network.create_qos_policy(name="gold")
    conn.network.create_qos_bandwidth_limit_rule(policy, max_kbps=1000, max_burst_kbps=100)
    with pytest.raises(exceptions.ConflictException):
        conn.network.create_qos_bandwidth_limit_rule(policy, max_kbps=5)  # same direction
    net = conn.network.create_network(name="q", qos_policy_id=policy.id)
    assert [r["type"] for r in conn.network.get_qos_policy(policy.id).rules] == ["bandwidth_limit"]
    with pytest.raises(exceptions.ConflictException) as info:
        conn.network.delete_qos_policy(policy)
    assert info.value.response.json()["NeutronError"]["type"] == "QosPolicyInUse"
    conn.network.delete_network(net)
    conn.network.delete_qos_policy(policy)
    with pytest.raises(exceptions.NotFoundException, match="QoS policy"):
        conn.network.create_network(name="q2", qos_policy_id=policy.id)
