"""Sandbox throughput, server CPU per request, and memory with many resources.

Starts the sandbox in a child process on a loopback port (so its CPU and memory can be
read from /proc apart from the load generator), then:

1. throughput: W client threads, each looping create -> get -> delete over networks,
   ports, volumes and servers (12 requests per loop), for a fixed number of loops;
   reports requests/s and the sandbox's CPU ms per request;
2. scale: creates N resources (networks, ports, volumes, in equal parts), sampling the
   sandbox's RSS as it goes, then times GET-by-id and a `name` filter at that size.

Bounded in count and time; talks only to 127.0.0.1. Usage:

    python benchmarks/sandbox_bench.py [--workers 4] [--loops 250] [--resources 10000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

CHILD = """
import sys
from heatctl.sandbox import Sandbox
unlimited = {"compute": {"instances": -1, "cores": -1, "ram": -1},
             "network": {"network": -1, "port": -1, "subnet": -1},
             "volume": {"volumes": -1, "gigabytes": -1}}
timings = {"server_build": 0, "volume_create": 0}
sb = Sandbox(state_path=sys.argv[1], quotas=unlimited, timings=timings).start()
print(sb.url, flush=True)
sys.stdin.read()  # run until the parent closes our stdin
sb.stop()
"""


class Client:
    """A keep-alive HTTP client with a token, one per thread."""

    def __init__(self, port: int, token: str, project: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"X-Auth-Token": token, "Content-Type": "application/json"}
        self.project = project
        self.count = 0

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body) if body is not None else None
        self.conn.request(method, path.replace("{p}", self.project), data, self.headers)
        response = self.conn.getresponse()
        raw = response.read()
        self.count += 1
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: {response.status} {raw[:200]!r}")
        return json.loads(raw) if raw else None


def authenticate(port: int) -> tuple[str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {"name": "admin", "domain": {"name": "Default"}, "password": "secret"}
                },
            },
            "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}},
        }
    }
    conn.request(
        "POST", "/identity/v3/auth/tokens", json.dumps(body), {"Content-Type": "application/json"}
    )
    response = conn.getresponse()
    data = json.loads(response.read())
    return response.getheader("X-Subject-Token") or "", data["token"]["project"]["id"]


def one_loop(client: Client, network_id: str, index: int) -> None:
    """create/get/delete of a network, a port, a volume and a server."""
    net = client.call("POST", "/network/v2.0/networks", {"network": {"name": f"b{index}"}})
    client.call("GET", f"/network/v2.0/networks/{net['network']['id']}")
    client.call("DELETE", f"/network/v2.0/networks/{net['network']['id']}")
    port = client.call("POST", "/network/v2.0/ports", {"port": {"network_id": network_id}})
    client.call("GET", f"/network/v2.0/ports/{port['port']['id']}")
    client.call("DELETE", f"/network/v2.0/ports/{port['port']['id']}")
    vol = client.call("POST", "/volume/v3/{p}/volumes", {"volume": {"size": 1}})
    client.call("GET", f"/volume/v3/{{p}}/volumes/{vol['volume']['id']}")
    client.call("DELETE", f"/volume/v3/{{p}}/volumes/{vol['volume']['id']}")
    server = client.call(
        "POST",
        "/compute/v2.1/servers",
        {
            "server": {
                "name": f"s{index}",
                "flavorRef": "1",
                "imageRef": client.image,
                "networks": "none",
            }
        },
    )
    client.call("GET", f"/compute/v2.1/servers/{server['server']['id']}")
    client.call("DELETE", f"/compute/v2.1/servers/{server['server']['id']}")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def setup(port: int) -> tuple[str, str, str, str]:
    token, project = authenticate(port)
    client = Client(port, token, project)
    images = client.call("GET", "/image/v2/images?name=cirros")["images"]
    net = client.call("POST", "/network/v2.0/networks", {"network": {"name": "bench"}})
    net_id = net["network"]["id"]
    client.call(
        "POST",
        "/network/v2.0/subnets",
        {"subnet": {"network_id": net_id, "ip_version": 4, "cidr": "10.128.0.0/9"}},
    )
    return token, project, images[0]["id"], net_id


def throughput(port: int, pid: int, workers: int, loops: int) -> dict[str, Any]:
    token, project, image, net_id = setup(port)
    clients = [Client(port, token, project) for _ in range(workers)]
    for client in clients:
        client.image = image  # type: ignore[attr-defined]
    errors: list[str] = []

    def work(client: Client, offset: int) -> None:
        try:
            for index in range(loops):
                one_loop(client, net_id, offset + index)
        except Exception as error:  # reported, not raised: the thread must end
            errors.append(str(error))

    threads = [threading.Thread(target=work, args=(c, i * loops)) for i, c in enumerate(clients)]
    cpu_before, started = cpu_seconds(pid), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed, cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu_before
    requests = sum(c.count for c in clients)
    return {
        "workers": workers,
        "requests": requests,
        "seconds": round(elapsed, 2),
        "requests_per_second": round(requests / elapsed),
        "errors": errors[:3],
        "server_cpu_ms_per_request": round(cpu * 1000 / requests, 3),
    }


def scale(port: int, pid: int, total: int) -> dict[str, Any]:
    token, project, _, net_id = setup(port)
    client = Client(port, token, project)
    samples, ids = [{"resources": 0, "rss_mib": round(rss_mib(pid), 1)}], []
    cpu_before, started = cpu_seconds(pid), time.perf_counter()
    for index in range(total):
        kind = index % 3
        if kind == 0:
            made = client.call("POST", "/network/v2.0/networks", {"network": {"name": f"n{index}"}})
            ids.append(f"/network/v2.0/networks/{made['network']['id']}")
        elif kind == 1:
            made = client.call(
                "POST", "/network/v2.0/ports", {"port": {"network_id": net_id, "name": f"p{index}"}}
            )
            ids.append(f"/network/v2.0/ports/{made['port']['id']}")
        else:
            made = client.call(
                "POST", "/volume/v3/{p}/volumes", {"volume": {"size": 1, "name": f"v{index}"}}
            )
            ids.append(f"/volume/v3/{{p}}/volumes/{made['volume']['id']}")
        if (index + 1) % (total // 4) == 0:
            samples.append({"resources": index + 1, "rss_mib": round(rss_mib(pid), 1)})
    create_cpu = cpu_seconds(pid) - cpu_before
    create_seconds = time.perf_counter() - started
    get_started = time.perf_counter()
    for path in ids[:: max(1, len(ids) // 300)]:
        client.call("GET", path)
    get_ms = (time.perf_counter() - get_started) * 1000 / len(ids[:: max(1, len(ids) // 300)])
    filter_started = time.perf_counter()
    for index in range(0, total, max(1, total // 50)):
        client.call("GET", f"/network/v2.0/networks?name=n{index - index % 3}")
    filter_ms = (
        (time.perf_counter() - filter_started) * 1000 / len(range(0, total, max(1, total // 50)))
    )
    return {
        "resources": total,
        "rss_samples": samples,
        "create_requests_per_second": round(total / create_seconds),
        "create_server_cpu_ms_per_request": round(create_cpu * 1000 / total, 3),
        "get_by_id_ms": round(get_ms, 3),
        "list_name_filter_ms": round(filter_ms, 3),
    }


def machine() -> dict[str, Any]:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return {"nproc": os.cpu_count(), "cpu": model, "python": platform.python_version()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--loops", type=int, default=250, help="loops per worker (12 requests each)"
    )
    parser.add_argument("--resources", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(Path(tmp) / "bench.db")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert child.stdout is not None
            port = int(child.stdout.readline().strip().rsplit(":", 1)[1])
            result = {
                "machine": machine(),
                "throughput": throughput(port, child.pid, args.workers, args.loops),
                "scale": scale(port, child.pid, args.resources),
                "db_mib": round((Path(tmp) / "bench.db").stat().st_size / 2**20, 1),
            }
        finally:
            if child.stdin:
                child.stdin.close()
            child.wait(30)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
