"""Benchmark (d): a 100-server network topology on the sandbox with 30 ms of API latency.

One network, subnet, router (gateway on `public`) and router interface, then 100 ports
and 100 servers (each on its port), created and deleted through the whole engine against
a Sandbox served in this process over HTTP, with a fault rule that delays every request
by 30 ms. Reported: makespan of create and delete, and API requests per resource (from
the sandbox's request log, authentication and discovery included).

    .venv/bin/python benchmarks/engine_topology.py [--servers 100] [--parallel 10,50]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


def template(servers: int) -> dict[str, Any]:
    resources: dict[str, Any] = {
        "net": {"type": "OS::Neutron::Net"},
        "subnet": {
            "type": "OS::Neutron::Subnet",
            "properties": {"network": {"get_resource": "net"}, "cidr": "10.50.0.0/16"},
        },
        "router": {
            "type": "OS::Neutron::Router",
            "properties": {"external_gateway_info": {"network": "public"}},
        },
        "interface": {
            "type": "OS::Neutron::RouterInterface",
            "properties": {
                "router": {"get_resource": "router"},
                "subnet": {"get_resource": "subnet"},
            },
        },
    }
    for i in range(servers):
        resources[f"port{i}"] = {
            "type": "OS::Neutron::Port",
            "properties": {
                "network": {"get_resource": "net"},
                "fixed_ips": [{"subnet": {"get_resource": "subnet"}}],
            },
        }
        resources[f"server{i}"] = {
            "type": "OS::Nova::Server",
            "properties": {
                "image": "cirros",
                "flavor": "m1.tiny",
                "networks": [{"port": {"get_resource": f"port{i}"}}],
            },
        }
    return {"heat_template_version": "2018-08-31", "resources": resources}


def run(servers: int, parallel: int, latency: float) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from heatctl.engine import runtime
    from heatctl.engine.model import Source, load_model
    from heatctl.engine.stack import RunOptions, StackEngine
    from heatctl.sandbox import Sandbox

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "topology.yaml"
        path.write_text(yaml.safe_dump(template(servers)))
        quotas = {
            "compute": {"instances": 1000, "cores": 4000, "ram": 10**8},
            "network": {"port": 5000},
        }
        sandbox = Sandbox(state_path=Path(tmp) / "cloud.db", quotas=quotas).start()
        sandbox.rules.add([{"name": "latency", "match": {}, "action": {"delay": latency}}])
        try:
            connection = sandbox.connection()
            store = runtime.open_store(Path(tmp) / "state")
            engine = StackEngine(
                store, runtime.plugin_for, runtime.type_info, connection_factory=lambda: connection
            )
            model = load_model(Source(str(path)), stack_name="topo")
            before = len(sandbox.request_log)
            t0 = time.perf_counter()
            created = engine.create("topo", model, RunOptions(max_parallel=parallel or None))
            t1 = time.perf_counter()
            create_calls = len(sandbox.request_log) - before
            deleted = engine.delete("topo", RunOptions(max_parallel=parallel or None))
            t2 = time.perf_counter()
            delete_calls = len(sandbox.request_log) - before - create_calls
            assert created.ok and deleted.ok, (
                created.stack.status_reason,
                deleted.stack.status_reason,
            )
            assert sandbox.inventory() == {}
        finally:
            sandbox.stop()
    count = 4 + 2 * servers
    return {
        "create": t1 - t0,
        "delete": t2 - t1,
        "create_calls": create_calls / count,
        "delete_calls": delete_calls / count,
        "resources": count,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--servers", type=int, default=100)
    parser.add_argument("--parallel", default="10,50")
    parser.add_argument("--latency", type=float, default=0.03)
    args = parser.parse_args()
    print(
        "| servers | resources | max_parallel | create s | delete s | API calls/resource create | delete |"
    )
    print("|---|---|---|---|---|---|---|")
    for parallel in (int(p) for p in args.parallel.split(",")):
        r = run(args.servers, parallel, args.latency)
        print(
            f"| {args.servers} | {r['resources']:.0f} | {parallel or 'unbounded'} | {r['create']:.1f} "
            f"| {r['delete']:.1f} | {r['create_calls']:.1f} | {r['delete_calls']:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
