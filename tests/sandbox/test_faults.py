"""Fault and latency rules: matching, actions, the header naming the rule, the rules file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import requests
from openstack import exceptions

from heatctl.errors import InvalidInput
from heatctl.sandbox import Sandbox


def _create_server(conn: Any, name: str = "vm", **extra: Any) -> Any:
    return conn.compute.create_server(
        name=name,
        flavor_id="1",
        image_id=conn.image.find_image("cirros").id,
        networks="none",
        **extra,
    )


def test_503_with_retry_after_and_rule_header() -> None:
    rules = [
        {
            "name": "nova-down",
            "match": {"service": "compute", "method": "POST"},
            "action": {"status": 503, "retry_after": 3},
        }
    ]
    with Sandbox(rules=rules) as sb:
        conn = sb.connection()
        with pytest.raises(exceptions.HttpException) as info:
            _create_server(conn)
        response = info.value.response
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "3"
        assert response.headers["X-Sandbox-Rule"] == "nova-down"
        assert "serviceUnavailable" in response.json()
        assert sb.inventory().get("compute/server") is None
        assert sb.request_log[-1].rule == "nova-down"


def test_nth_call_fails_once_and_the_sdk_retries_it() -> None:
    rules = [
        {
            "name": "flaky",
            "match": {"resource": "network", "method": "POST", "nth": 1},
            "action": {"status": 503, "retry_after": 0},
        }
    ]
    with Sandbox(rules=rules) as sb:
        conn = sb.connection(status_code_retries=2)
        net = conn.network.create_network(name="retried")
        assert net.name == "retried"
        posts = [r.status for r in sb.request_log if r.method == "POST" and "networks" in r.path]
        assert posts == [503, 201]


def test_commit_then_503_leaves_the_resource_behind() -> None:
    rules = [
        {
            "name": "lost-reply",
            "match": {"resource": "volume", "method": "POST"},
            "action": {"commit_then": 503},
        }
    ]
    with Sandbox(rules=rules) as sb:
        conn = sb.connection()
        with pytest.raises(exceptions.HttpException):
            conn.block_storage.create_volume(size=1, name="ghost")
        assert len(sb.inventory()["volume/volume"]) == 1  # created, though the client saw 503


def test_429_on_a_name_glob_and_server_error_state_by_rule(virtual: Sandbox) -> None:
    virtual.rules.add(
        [
            {
                "name": "slow-down",
                "match": {"resource": "network", "name": "burst-*"},
                "action": {"status": 429, "retry_after": 1},
            },
            {
                "name": "broken-db",
                "match": {"resource": "server", "metadata": {"role": "db"}},
                "action": {"state": "error"},
            },
        ]
    )
    conn = virtual.connection()
    with pytest.raises(exceptions.HttpException) as info:
        conn.network.create_network(name="burst-1")
    assert info.value.status_code == 429
    conn.network.create_network(name="calm")  # no match
    server = _create_server(conn, metadata={"role": "db"})
    virtual.clock.advance(60)
    assert conn.compute.get_server(server.id).status == "ERROR"
    fine = _create_server(conn, name="web", metadata={"role": "web"})
    virtual.clock.advance(60)
    assert conn.compute.get_server(fine.id).status == "ACTIVE"


def test_delay_and_probability_with_seed() -> None:
    rules = [{"name": "lag", "match": {"service": "image"}, "action": {"delay": 0.2}}]
    with Sandbox(rules=rules) as sb:
        conn = sb.connection()
        started = time.perf_counter()
        list(conn.image.images())
        assert time.perf_counter() - started >= 0.2
        assert any(r.rule == "lag" for r in sb.request_log)

    def fired(seed: int) -> list[int]:
        rule = {
            "name": "coin",
            "match": {"service": "network", "probability": 0.5},
            "action": {"delay": 0},
        }
        with Sandbox() as sb:
            sb.rules.random.seed(seed)
            sb.rules.add([rule])
            conn = sb.connection()
            for _ in range(12):
                list(conn.network.networks(name="public"))
            return [
                i
                for i, r in enumerate(r for r in sb.request_log if r.service == "network")
                if r.rule
            ]

    assert fired(7) == fired(7)
    assert 0 < len(fired(7)) < 12


def test_connection_reset(sandbox: Sandbox) -> None:
    sandbox.rules.add(
        [
            {
                "name": "rst",
                "match": {"path": "/__nowhere__|/image/v2/images$"},
                "action": {"reset": True},
            }
        ]
    )
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{sandbox.url}/image/v2/images", timeout=5)


def test_rules_file_and_its_errors(tmp_path: Path) -> None:
    good = tmp_path / "rules.yaml"
    good.write_text(
        "seed: 3\nrules:\n  - name: slow\n    match: {service: compute}\n"
        "    action: {delay: 0.01}\n"
    )
    with Sandbox(rules=good) as sb:
        assert [r.name for r in sb.rules.rules] == ["slow"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "rules:\n  - match: {service: nova, colour: red}\n"
        "    action: {status: 200, state: sleepy}\n"
    )
    with pytest.raises(InvalidInput) as info:
        Sandbox(rules=bad)
    message = info.value.message
    for fragment in (
        "'nova' is not one of",
        "unknown key 'colour'",
        "must be an HTTP status",
        "must be 'error' or 'stuck'",
    ):
        assert fragment in message


def test_control_api(sandbox: Sandbox) -> None:
    base = f"{sandbox.url}/__sandbox__"
    rule = {
        "name": "ctl",
        "match": {"service": "network", "method": "POST"},
        "action": {"status": 500},
    }
    assert requests.post(f"{base}/rules", json=rule, timeout=5).status_code == 201
    assert requests.get(f"{base}/rules", timeout=5).json()["rules"][0]["name"] == "ctl"
    conn = sandbox.connection()
    with pytest.raises(exceptions.HttpException):
        conn.network.create_network(name="x")
    assert requests.delete(f"{base}/rules/ctl", timeout=5).status_code == 204
    conn.network.create_network(name="x")
    before = requests.get(f"{base}/clock", timeout=5).json()["now"]
    after = requests.post(f"{base}/clock", json={"advance": 100}, timeout=5).json()["now"]
    assert after - before >= 100
    assert requests.get(f"{base}/inventory", timeout=5).json()["inventory"]["network/network"]
    assert requests.post(f"{base}/rules", json={"match": {"nth": -1}}, timeout=5).status_code == 400
    quotas = requests.put(f"{base}/quotas", json={"compute": {"instances": 3}}, timeout=5)
    assert quotas.json()["quotas"]["compute"]["instances"] == 3
    log = requests.get(f"{base}/requests", timeout=5).json()["requests"]
    assert {"method", "path", "status", "latency_ms"} <= set(log[0])
    assert requests.post(f"{base}/reset", timeout=5).json()["resources"] == {}


def test_concurrency_cap_queues_requests_and_delay_ranges(sandbox: Sandbox) -> None:
    from concurrent.futures import ThreadPoolExecutor

    sandbox.rules.add(
        [
            {
                "name": "one-at-a-time",
                "match": {"service": "network", "method": "GET"},
                "action": {"delay": [0.1, 0.15], "concurrency": 1},
            }
        ]
    )
    conn = sandbox.connection()
    list(conn.network.networks())  # warm the connection pool outside the timing
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: list(conn.network.networks()), range(4)))
    elapsed = time.perf_counter() - started
    assert elapsed >= 0.4  # four requests, one at a time, at least 0.1 s each
    latencies = [r.latency_ms for r in sandbox.request_log if r.rule == "one-at-a-time"]
    assert all(latency >= 100 for latency in latencies)
    with pytest.raises(InvalidInput) as info:
        sandbox.rules.add([{"action": {"concurrency": 0, "delay": [2, 1]}}])
    assert "concurrency" in info.value.message and "[low, high]" in info.value.message
