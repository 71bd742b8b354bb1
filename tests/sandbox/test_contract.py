"""The recorded openstacksdk HTTP contract (../shared/reference/sdk_http_trace.jsonl):
the same SDK calls against the sandbox make the same requests and get the same statuses."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from heatctl.sandbox import Sandbox
from tests.conftest import SHARED

TRACE = SHARED / "reference" / "sdk_http_trace.jsonl"
IDS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}")
# Where the recording stub differed from real Nova, the sandbox follows Nova.
REAL_NOVA = {("keypair_delete", "DELETE", "/compute/v2.1/os-keypairs/heatctl-kp"): 204}
Call = tuple[str, str, int]


def _normal(path: str) -> str:
    return IDS.sub("{id}", path)


def _collapse(calls: list[Call]) -> list[Call]:
    """Polling repeats the same GET a varying number of times: count it once."""
    out: list[Call] = []
    for call in calls:
        if not out or out[-1] != call:
            out.append(call)
    return out


def _recorded() -> dict[str, list[Call]]:
    if not TRACE.exists():
        pytest.skip(f"recorded trace not found at {TRACE}")
    phases: dict[str, list[Call]] = {}
    phase = ""
    for line in TRACE.read_text().splitlines():
        entry = json.loads(line)
        if "phase" in entry:
            phase = entry["phase"]
            phases[phase] = []
            continue
        path = _normal(entry["p"])
        status = REAL_NOVA.get((phase, entry["m"], path), entry["s"])
        phases[phase].append((entry["m"], path, status))
    return {name: _collapse(calls) for name, calls in phases.items() if name != "done"}


def _workflow(conn: Any) -> list[tuple[str, Callable[[], Any]]]:
    state: dict[str, Any] = {}
    net, compute, storage, objects = (
        conn.network,
        conn.compute,
        conn.block_storage,
        conn.object_store,
    )

    def put(key: str, value: Any) -> Any:
        state[key] = value
        return value

    return [
        ("connect", conn.authorize),
        ("find_flavor", lambda: put("flavor", compute.find_flavor("m1.tiny"))),
        ("images", lambda: list(conn.image.images())),
        ("find_image", lambda: put("image", conn.image.find_image("cirros"))),
        ("keypair_create", lambda: put("kp", compute.create_keypair(name="heatctl-kp"))),
        ("network_create", lambda: put("net", net.create_network(name="heatctl-net"))),
        (
            "subnet_create",
            lambda: put(
                "sub",
                net.create_subnet(
                    name="heatctl-sub", network_id=state["net"].id, ip_version=4, cidr="10.0.0.0/24"
                ),
            ),
        ),
        ("find_public_network", lambda: put("public", net.find_network("public"))),
        (
            "router_create",
            lambda: put(
                "router",
                net.create_router(
                    name="heatctl-router", external_gateway_info={"network_id": state["public"].id}
                ),
            ),
        ),
        (
            "add_interface_to_router",
            lambda: net.add_interface_to_router(state["router"], subnet=state["sub"].id),
        ),
        (
            "security_group_create",
            lambda: put("sg", net.create_security_group(name="heatctl-sg", description="ssh")),
        ),
        (
            "security_group_rule_create",
            lambda: put(
                "rule",
                net.create_security_group_rule(
                    security_group_id=state["sg"].id,
                    direction="ingress",
                    ethertype="IPv4",
                    protocol="tcp",
                    port_range_min=22,
                    port_range_max=22,
                    remote_ip_prefix="0.0.0.0/0",
                ),
            ),
        ),
        (
            "port_create",
            lambda: put(
                "port",
                net.create_port(
                    name="heatctl-port",
                    network_id=state["net"].id,
                    security_groups=[state["sg"].id],
                ),
            ),
        ),
        (
            "server_create",
            lambda: put(
                "server",
                compute.create_server(
                    name="heatctl-vm",
                    flavor_id=state["flavor"].id,
                    image_id=state["image"].id,
                    networks=[{"port": state["port"].id}],
                    key_name="heatctl-kp",
                ),
            ),
        ),
        ("wait_for_server", lambda: compute.wait_for_server(state["server"], interval=0.01)),
        (
            "floating_ip_create",
            lambda: put(
                "fip",
                net.create_ip(floating_network_id=state["public"].id, port_id=state["port"].id),
            ),
        ),
        ("volume_create", lambda: put("vol", storage.create_volume(name="heatctl-vol", size=1))),
        (
            "wait_for_volume",
            lambda: storage.wait_for_status(state["vol"], "available", interval=0.01),
        ),
        (
            "volume_attach",
            lambda: compute.create_volume_attachment(state["server"], volume=state["vol"]),
        ),
        (
            "wait_volume_in_use",
            lambda: storage.wait_for_status(state["vol"], "in-use", interval=0.01),
        ),
        ("container_create", lambda: objects.create_container(name="heatctl-bucket")),
        (
            "object_create",
            lambda: objects.upload_object(
                container="heatctl-bucket", name="hello.txt", data=b"hello"
            ),
        ),
        ("object_delete", lambda: objects.delete_object("hello.txt", container="heatctl-bucket")),
        ("container_delete", lambda: objects.delete_container("heatctl-bucket")),
        ("volume_detach", lambda: compute.delete_volume_attachment(state["server"], state["vol"])),
        (
            "wait_volume_available",
            lambda: storage.wait_for_status(state["vol"], "available", interval=0.01),
        ),
        ("volume_delete", lambda: storage.delete_volume(state["vol"])),
        ("wait_volume_delete", lambda: storage.wait_for_delete(state["vol"], interval=0.01)),
        ("floating_ip_delete", lambda: net.delete_ip(state["fip"])),
        ("server_delete", lambda: compute.delete_server(state["server"])),
        ("wait_server_delete", lambda: compute.wait_for_delete(state["server"], interval=0.01)),
        ("port_delete", lambda: net.delete_port(state["port"])),
        (
            "router_remove_interface",
            lambda: net.remove_interface_from_router(state["router"], subnet=state["sub"].id),
        ),
        ("router_delete", lambda: net.delete_router(state["router"])),
        ("security_group_rule_delete", lambda: net.delete_security_group_rule(state["rule"])),
        ("security_group_delete", lambda: net.delete_security_group(state["sg"])),
        ("subnet_delete", lambda: net.delete_subnet(state["sub"])),
        ("network_delete", lambda: net.delete_network(state["net"])),
        ("keypair_delete", lambda: compute.delete_keypair(state["kp"])),
        ("find_missing", lambda: net.find_network("nope")),
    ]


def test_requests_and_statuses_match_the_recorded_contract(sandbox: Sandbox) -> None:
    recorded = _recorded()
    start = len(sandbox.request_log)
    conn = sandbox.connection()  # authenticates as it is made
    seen: dict[str, list[Call]] = {}
    for phase, step in _workflow(conn):
        step()
        calls = [(r.method, _normal(r.path), r.status) for r in sandbox.request_log[start:]]
        seen[phase] = _collapse(calls)
        start = len(sandbox.request_log)
    assert list(seen) == list(recorded)
    mismatches = {p: (seen[p], recorded[p]) for p in recorded if seen[p] != recorded[p]}
    assert not mismatches
    assert sandbox.inventory() == {}
