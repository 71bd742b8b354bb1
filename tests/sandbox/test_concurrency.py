"""Many clients at once, as the engine's parallel walker will be: state stays consistent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from heatctl.sandbox import Sandbox


def test_parallel_creates_get_distinct_addresses_and_all_land(sandbox: Sandbox) -> None:
    setup = sandbox.connection()
    net = setup.network.create_network(name="par")
    setup.network.create_subnet(network_id=net.id, ip_version=4, cidr="10.60.0.0/24")
    connections = [sandbox.connection() for _ in range(6)]

    def work(index: int) -> list[str]:
        conn = connections[index % len(connections)]
        ports = [
            conn.network.create_port(network_id=net.id, name=f"p{index}-{i}") for i in range(8)
        ]
        server = conn.compute.create_server(
            name=f"s{index}",
            flavor_id="1",
            image_id=conn.image.find_image("cirros").id,
            networks=[{"uuid": net.id}],
        )
        conn.compute.wait_for_server(server, interval=0.02, wait=10)
        return [p.fixed_ips[0]["ip_address"] for p in ports]

    with ThreadPoolExecutor(max_workers=6) as pool:
        addresses = [ip for ips in pool.map(work, range(10)) for ip in ips]
    server_ports = list(setup.network.ports(device_owner="compute:nova"))
    all_ips = addresses + [p.fixed_ips[0]["ip_address"] for p in server_ports]
    assert len(addresses) == 80 and len(server_ports) == 10
    assert len(set(all_ips)) == len(all_ips)  # no address handed out twice
    assert len(sandbox.inventory()["compute/server"]) == 10  # the default quota
    assert all(r.status < 500 for r in sandbox.request_log)


def test_request_log_can_be_read_while_serving(sandbox: Sandbox, conn: Any) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        busy = pool.submit(lambda: [list(conn.network.networks()) for _ in range(30)])
        reads = [len(sandbox.request_log) for _ in range(200)]
        busy.result()
    assert reads == sorted(reads)
