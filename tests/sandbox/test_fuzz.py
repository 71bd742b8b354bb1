"""Garbage into every write endpoint: always an answer below 500 (a 4xx in the service's
format), never an internal error. Drives the sandbox application in-process (its own API,
no openstacksdk involved) so that thousands of requests take about a second."""

from __future__ import annotations

import json
from typing import Any

import pytest

from heatctl.sandbox import Sandbox

BODIES = [b"", b"{", b"null", b"[]", b'"x"', b"1", b"{}", b'{"a": 1}']
KEYS = [
    "network",
    "subnet",
    "port",
    "router",
    "floatingip",
    "security_group",
    "security_group_rule",
    "server",
    "keypair",
    "flavor",
    "server_group",
    "volume",
    "quota",
    "quota_set",
    "volumeAttachment",
    "interfaceAttachment",
    "remote_console",
    "metadata",
    "meta",
    "tags",
    "extra_specs",
    "auth",
    "reboot",
    "os-extend",
    "addTenantAccess",
    "subnet_id",
    "port_id",
    "rules",
    "advance",
    "compute",
]


class Harness:
    def __init__(self, sandbox: Sandbox) -> None:
        self.app = sandbox.app
        auth = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": "admin",
                            "domain": {"name": "Default"},
                            "password": "secret",
                        }
                    },
                },
                "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}},
            }
        }
        reply = self.app.handle("POST", "/identity/v3/auth/tokens", {}, json.dumps(auth).encode())
        self.headers = {"x-auth-token": reply.headers["X-Subject-Token"]}
        self.project = sandbox.cloud.identity.project_id

    def call(self, method: str, path: str, body: Any) -> Any:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.app.handle(method, path, self.headers, raw)

    def make(self, path: str, body: Any, key: str | None) -> str:
        data = json.loads(self.call("POST", path, body).body)
        return str((data[key] if key else data)["id"])


@pytest.fixture
def harness() -> Any:
    with Sandbox(timings={"server_build": 0, "volume_create": 0}) as sandbox:
        yield Harness(sandbox)


def _endpoints(h: Harness) -> tuple[list[tuple[str, str]], list[Any]]:
    p = h.project
    net = h.make("/network/v2.0/networks", {"network": {"name": "f"}}, "network")
    sub = h.make(
        "/network/v2.0/subnets",
        {"subnet": {"network_id": net, "ip_version": 4, "cidr": "10.9.0.0/24"}},
        "subnet",
    )
    port = h.make("/network/v2.0/ports", {"port": {"network_id": net}}, "port")
    router = h.make("/network/v2.0/routers", {"router": {"name": "r"}}, "router")
    sg = h.make(
        "/network/v2.0/security-groups", {"security_group": {"name": "s"}}, "security_group"
    )
    image = json.loads(h.app.handle("GET", "/image/v2/images?name=cirros", h.headers, b"").body)[
        "images"
    ][0]["id"]
    srv = h.make(
        "/compute/v2.1/servers",
        {"server": {"name": "s", "flavorRef": "1", "imageRef": image, "networks": "none"}},
        "server",
    )
    vol = h.make(f"/volume/v3/{p}/volumes", {"volume": {"size": 1}}, "volume")
    img = h.make(
        "/image/v2/images", {"name": "x", "disk_format": "raw", "container_format": "bare"}, None
    )
    h.call("PUT", f"/object-store/v1/AUTH_{p}/c", b"")
    project = h.make("/identity/v3/projects", {"project": {"name": "fuzz"}}, "project")
    n, c, v = "/network/v2.0", "/compute/v2.1", f"/volume/v3/{p}"
    endpoints = [
        ("POST", f"{n}/networks"),
        ("PUT", f"{n}/networks/{net}"),
        ("POST", f"{n}/subnets"),
        ("PUT", f"{n}/subnets/{sub}"),
        ("POST", f"{n}/ports"),
        ("PUT", f"{n}/ports/{port}"),
        ("POST", f"{n}/routers"),
        ("PUT", f"{n}/routers/{router}"),
        ("PUT", f"{n}/routers/{router}/add_router_interface"),
        ("PUT", f"{n}/routers/{router}/remove_router_interface"),
        ("POST", f"{n}/floatingips"),
        ("POST", f"{n}/security-groups"),
        ("PUT", f"{n}/security-groups/{sg}"),
        ("POST", f"{n}/security-group-rules"),
        ("PUT", f"{n}/networks/{net}/tags"),
        ("POST", f"{n}/networks/{net}/tags"),
        ("PUT", f"{n}/quotas/x"),
        ("POST", f"{c}/servers"),
        ("PUT", f"{c}/servers/{srv}"),
        ("POST", f"{c}/servers/{srv}/action"),
        ("PUT", f"{c}/servers/{srv}/metadata"),
        ("POST", f"{c}/servers/{srv}/metadata"),
        ("PUT", f"{c}/servers/{srv}/metadata/k"),
        ("POST", f"{c}/servers/{srv}/os-interface"),
        ("POST", f"{c}/servers/{srv}/os-volume_attachments"),
        ("PUT", f"{c}/servers/{srv}/os-volume_attachments/{vol}"),
        ("POST", f"{c}/servers/{srv}/remote-consoles"),
        ("PUT", f"{c}/servers/{srv}/tags"),
        ("POST", f"{c}/os-keypairs"),
        ("POST", f"{c}/flavors"),
        ("PUT", f"{c}/flavors/1"),
        ("POST", f"{c}/flavors/1/action"),
        ("POST", f"{c}/flavors/1/os-extra_specs"),
        ("PUT", f"{c}/flavors/1/os-extra_specs/k"),
        ("POST", f"{c}/os-server-groups"),
        ("PUT", f"{c}/os-quota-sets/x"),
        ("POST", f"{v}/volumes"),
        ("PUT", f"{v}/volumes/{vol}"),
        ("POST", f"{v}/volumes/{vol}/action"),
        ("PUT", f"{v}/volumes/{vol}/metadata"),
        ("PUT", f"{v}/os-quota-sets/x"),
        ("POST", "/image/v2/images"),
        ("PATCH", f"/image/v2/images/{img}"),
        ("POST", "/identity/v3/auth/tokens"),
        ("POST", "/identity/v3/projects"),
        ("POST", "/identity/v3/users"),
        ("POST", "/identity/v3/endpoints"),
        ("PATCH", f"/identity/v3/projects/{project}"),
        ("PUT", f"/identity/v3/projects/{project}/users/x/roles/y"),
        ("POST", "/__sandbox__/rules"),
        ("POST", "/__sandbox__/clock"),
        ("PUT", "/__sandbox__/quotas"),
    ]
    values = [
        None,
        1,
        "x",
        [],
        {},
        [1],
        {"name": []},
        {"network_id": 1},
        {"size": -1},
        {"network_id": net, "ip_version": 4, "cidr": "bad"},
        {"network_id": net, "fixed_ips": [{"ip_address": "nonsense"}]},
        {"name": "a", "flavorRef": "1", "networks": [{"uuid": 5}]},
        {"volumeId": 5},
        {"tags": [1]},
        {"external_gateway_info": {"network_id": 1}},
        {"security_group_id": sg, "direction": "ingress", "port_range_min": "a", "protocol": "tcp"},
        {"identity": {"methods": "password"}},
    ]
    return endpoints, values


def test_no_internal_errors_on_bad_input(harness: Harness) -> None:
    endpoints, values = _endpoints(harness)
    failures = []
    for method, path in endpoints:
        cases: list[Any] = [*BODIES, *values, *({k: v} for k in KEYS for v in values)]
        for body in cases:
            response = harness.call(method, path, body)
            if response.status >= 500:
                failures.append((method, path, body, response.status))
    assert not failures[:5], f"{len(failures)} internal errors, first: {failures[:5]}"
