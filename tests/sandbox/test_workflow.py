"""The whole heatctl-style workflow through the real openstacksdk, over HTTP."""

from __future__ import annotations

from typing import Any

from heatctl.sandbox import Sandbox


def test_seeded_like_devstack(conn: Any) -> None:
    flavors = {f.name: f for f in conn.compute.flavors()}
    assert list(flavors) == ["m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge"]
    assert flavors["m1.tiny"].disk > 0
    assert {i.name for i in conn.image.images()} == {"cirros", "fedora", "ubuntu"}
    public = conn.network.find_network("public")
    assert public.is_router_external
    subnets = list(conn.network.subnets(network_id=public.id))
    assert subnets[0].cidr == "172.24.4.0/24"
    assert conn.network.find_router("router1").external_gateway_info["network_id"] == public.id


def test_full_workflow_create_and_delete(sandbox: Sandbox, conn: Any) -> None:
    net = conn.network.create_network(name="app-net")
    subnet = conn.network.create_subnet(
        network_id=net.id, ip_version=4, cidr="10.20.0.0/24", name="app-sub"
    )
    assert subnet.gateway_ip == "10.20.0.1"
    public = conn.network.find_network("public")
    router = conn.network.create_router(
        name="app-router", external_gateway_info={"network_id": public.id}
    )
    conn.network.add_interface_to_router(router, subnet=subnet.id)
    group = conn.network.create_security_group(name="app-sg")
    assert len(group.security_group_rules) == 2  # the default egress rules
    conn.network.create_security_group_rule(
        security_group_id=group.id,
        direction="ingress",
        ethertype="IPv4",
        protocol="tcp",
        port_range_min=22,
        port_range_max=22,
        remote_ip_prefix="0.0.0.0/0",
    )
    port = conn.network.create_port(network_id=net.id, security_groups=[group.id])
    address = port.fixed_ips[0]["ip_address"]
    assert address == "10.20.0.2"
    keypair = conn.compute.create_keypair(name="app-kp")
    assert keypair.private_key.startswith("-----BEGIN")
    server = conn.compute.create_server(
        name="app-vm",
        flavor_id=conn.compute.find_flavor("m1.tiny").id,
        image_id=conn.image.find_image("cirros").id,
        networks=[{"port": port.id}],
        key_name=keypair.name,
    )
    server = conn.compute.wait_for_server(server, interval=0.05, wait=10)
    assert server.status == "ACTIVE"
    assert server.addresses["app-net"][0]["addr"] == address
    assert conn.network.get_port(port.id).status == "ACTIVE"

    fip = conn.network.create_ip(floating_network_id=public.id, port_id=port.id)
    assert fip.fixed_ip_address == address
    assert fip.floating_ip_address.startswith("172.24.4.")
    addresses = conn.compute.get_server(server.id).addresses["app-net"]
    assert {a["OS-EXT-IPS:type"] for a in addresses} == {"fixed", "floating"}

    volume = conn.block_storage.create_volume(size=1, name="app-vol")
    volume = conn.block_storage.wait_for_status(volume, "available", interval=0.05, wait=10)
    attachment = conn.compute.create_volume_attachment(server, volume=volume)
    assert attachment.device == "/dev/vdb"
    volume = conn.block_storage.wait_for_status(volume, "in-use", interval=0.05, wait=10)

    conn.object_store.create_container(name="app-bucket")
    conn.object_store.upload_object(container="app-bucket", name="hello.txt", data=b"hi")
    assert conn.object_store.download_object("hello.txt", container="app-bucket") == b"hi"
    inventory = sandbox.inventory()
    assert inventory["compute/server"] == [server.id]
    assert inventory["object-store/object"] == ["app-bucket/hello.txt"]

    conn.compute.delete_volume_attachment(server, volume)
    conn.block_storage.wait_for_status(volume, "available", interval=0.05, wait=10)
    conn.block_storage.delete_volume(volume)
    conn.block_storage.wait_for_delete(volume, interval=0.05, wait=10)
    conn.network.delete_ip(fip)
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, interval=0.05, wait=10)
    # The user's port survives the server, unbound.
    assert conn.network.get_port(port.id).device_id == ""
    conn.network.delete_port(port)
    conn.network.delete_security_group(group)
    conn.network.remove_interface_from_router(router, subnet=subnet.id)
    conn.network.delete_router(router)
    conn.network.delete_network(net)
    conn.object_store.delete_object("hello.txt", container="app-bucket")
    conn.object_store.delete_container("app-bucket")
    conn.compute.delete_keypair(keypair)
    assert sandbox.inventory() == {}


def test_server_on_network_gets_nova_port_released_on_delete(conn: Any) -> None:
    net = conn.network.create_network(name="n")
    conn.network.create_subnet(network_id=net.id, ip_version=4, cidr="10.30.0.0/29")
    server = conn.compute.create_server(
        name="vm",
        flavor_id="1",
        image_id=conn.image.find_image("cirros").id,
        networks=[{"uuid": net.id}],
    )
    server = conn.compute.wait_for_server(server, interval=0.05, wait=10)
    ports = list(conn.network.ports(device_id=server.id))
    assert len(ports) == 1 and ports[0].device_owner == "compute:nova"
    assert server.addresses["n"][0]["addr"] == ports[0].fixed_ips[0]["ip_address"]
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, interval=0.05, wait=10)
    assert list(conn.network.ports(network_id=net.id)) == []
    conn.network.delete_network(net)  # no NetworkInUse: Nova's port went with the server


def test_paging_and_name_filters(conn: Any) -> None:
    for index in range(5):
        conn.network.create_network(name=f"page-{index}")
    page = conn.network.get("/networks?limit=2").json()
    assert len(page["networks"]) == 2 and page["networks_links"][0]["rel"] == "next"
    names = [n.name for n in conn.network.networks(limit=2) if n.name.startswith("page-")]
    assert names == [f"page-{i}" for i in range(5)]
    assert [n.name for n in conn.network.networks(name="page-3")] == ["page-3"]
    assert conn.network.find_network("page-4").name == "page-4"
    servers = conn.compute.get("/servers/detail?name=nothing").json()
    assert servers == {"servers": []}


def test_finding_resources_by_tags_and_metadata(conn: Any) -> None:
    """How an interrupted create is found again: server tags, volume metadata, port tags."""
    image = conn.image.find_image("cirros").id
    tagged = conn.compute.create_server(
        name="a", flavor_id="1", image_id=image, networks="none", tags=["stack:s1", "res:web"]
    )
    conn.compute.create_server(name="b", flavor_id="1", image_id=image, networks="none")
    found = list(conn.compute.servers(tags="stack:s1,res:web"))
    assert [s.id for s in found] == [tagged.id]
    tagged.add_tag(conn.compute, "extra")
    tags = conn.compute.get(f"/servers/{tagged.id}/tags", microversion="2.26").json()["tags"]
    assert tags == ["extra", "res:web", "stack:s1"]
    volume = conn.block_storage.create_volume(size=1, metadata={"stack": "s1"})
    conn.block_storage.create_volume(size=1, metadata={"stack": "s2"})
    listing = conn.block_storage.get("/volumes/detail?metadata={'stack': 's1'}").json()
    assert [v["id"] for v in listing["volumes"]] == [volume.id]
    net = conn.network.create_network(name="t")
    conn.network.set_tags(net, ["stack:s1"])
    assert [n.id for n in conn.network.networks(tags="stack:s1")] == [net.id]
    zones = conn.network.get("/availability_zones").json()["availability_zones"]
    assert {z["resource"] for z in zones} == {"network", "router"}


def test_dual_stack_port_and_server_addresses(conn: Any) -> None:
    net = conn.network.create_network(name="dual")
    conn.network.create_subnet(network_id=net.id, ip_version=4, cidr="10.90.0.0/24")
    v6 = conn.network.create_subnet(
        network_id=net.id,
        ip_version=6,
        cidr="fd00:90::/64",
        ipv6_address_mode="slaac",
        ipv6_ra_mode="slaac",
    )
    assert v6.gateway_ip == "fd00:90::1"
    server = conn.compute.create_server(
        name="dual",
        flavor_id="1",
        networks=[{"uuid": net.id}],
        image_id=conn.image.find_image("cirros").id,
    )
    server = conn.compute.wait_for_server(server, interval=0.05, wait=5)
    versions = sorted(a["version"] for a in server.addresses["dual"])
    assert versions == [4, 6]
    assert {a["addr"] for a in server.addresses["dual"]} == {"10.90.0.2", "fd00:90::2"}
