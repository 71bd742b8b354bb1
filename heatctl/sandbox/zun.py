"""Zun v1 (/container/v1): containers.

A container is bare JSON keyed by `uuid`. Created with `?run=true` (what Heat asks for)
it goes Creating -> Created -> Running; without, it stops at Created. Its networks are
real Neutron ports (made on the given network, with the fixed IP if one is given, or the
given port bound), shown in `addresses` per network with their port ids; a container
given no network gets a port on `private`. Deleting a running container needs
`stop=true` (409 otherwise, as Zun); its own ports go with it, given ports are unbound.
Mounts must name an existing Cinder volume: the sandbox does not make volumes for
containers (Zun's `size` mounts are refused with a clear 400).
PATCH changes name, cpu and memory; network_attach/network_detach add and remove ports.
"""

from __future__ import annotations

from typing import Any

from heatctl.sandbox.cloud import Cloud
from heatctl.sandbox.generic import Collection, GenericService, ServiceSpec, Status
from heatctl.sandbox.web import ApiError, Body, Request, Response, empty, json_response, public

CONTAINER = "zun_container"
SETTLE = 0.2
OWNER = "compute:kuryr"
RESTART = {"no", "always", "unless-stopped", "on-failure"}
FIELDS: dict[str, Any] = {
    "name": (str, type(None)),
    "image": str,
    "command": (str, list, type(None)),
    "cpu": (int, float, type(None)),
    "memory": (str, int, type(None)),
    "environment": (dict, type(None)),
    "hints": (dict, type(None)),
    "hostname": (str, type(None)),
    "image_driver": (str, type(None)),
    "image_pull_policy": (str, type(None)),
    "interactive": (bool, type(None)),
    "labels": (dict, type(None)),
    "restart_policy": (dict, type(None)),
    "tty": (bool, type(None)),
    "workdir": (str, type(None)),
    "security_groups": (list, type(None)),
    "mounts": (list, type(None)),
    "nets": (list, type(None)),
    "auto_remove": (bool, type(None)),
    "runtime": (str, type(None)),
}


def _versions(base_url: str) -> tuple[int, Body]:
    value = {
        "id": "v1",
        "status": "CURRENT",
        "min_version": "1.1",
        "max_version": "1.41",
        "links": [{"href": f"{base_url}/container/v1/", "rel": "self"}],
    }
    return 200, {"versions": [value], "default_version": value}


def _error(error: ApiError) -> Response:
    """Zun's error body: a list of errors."""
    entry = {"status": error.status, "code": "", "title": error.message, "detail": error.message}
    return json_response(error.status, {"errors": [entry]}, dict(error.headers))


def _network(svc: GenericService, value: str) -> Body:
    network = svc.cloud.load("network", value)
    if network is None:
        network = next((n for n in svc.cloud.query("network") if n.get("name") == value), None)
    if network is None:
        raise ApiError(400, f"Network {value} could not be found.")
    return network


def _attach(svc: GenericService, request: Request, body: Body, net: Body) -> None:
    """Make (or bind) the port of one network entry and record its address."""
    ports = svc.cloud.services["network"].ports  # type: ignore[attr-defined]
    if net.get("port"):
        port = svc.cloud.load("port", str(net["port"]))
        if port is None:
            raise ApiError(400, f"Port {net['port']} could not be found.")
        if port.get("device_id"):
            raise ApiError(409, f"Port {port['id']} is still in use.")
        own = False
    else:
        network = _network(svc, str(net.get("network")))
        fixed = [{"ip_address": net["v4-fixed-ip"]}] if net.get("v4-fixed-ip") else None
        port = ports.create_port(request.project_id, network, {"fixed_ips": fixed} if fixed else {})
        own = True
    port.update(device_id=body["uuid"], device_owner=OWNER)
    ports.save_port(port)
    addresses = body["addresses"].setdefault(port["network_id"], [])
    for fixed_ip in port["fixed_ips"]:
        addresses.append(
            {
                "addr": fixed_ip["ip_address"],
                "version": 4,
                "port": port["id"],
                "subnet_id": fixed_ip["subnet_id"],
                "preserve_on_delete": not own,
            }
        )


def _detach(svc: GenericService, body: Body, network_id: str | None = None) -> None:
    ports = svc.cloud.services["network"].ports  # type: ignore[attr-defined]
    for net_id, entries in list(body["addresses"].items()):
        if network_id is not None and net_id != network_id:
            continue
        for entry in entries:
            port = svc.cloud.load("port", entry["port"])
            if port is None:
                continue
            if entry.get("preserve_on_delete"):
                port.update(device_id="", device_owner="")
                ports.save_port(port)
            else:
                ports.delete_port(port)
        del body["addresses"][net_id]


def _create(svc: GenericService, request: Request, body: Body) -> None:
    policy = body.get("restart_policy") or {}
    if policy and policy.get("Name") not in RESTART:
        raise ApiError(400, f"Invalid restart policy: {policy.get('Name')}")
    for group in body.get("security_groups") or []:
        found = svc.cloud.load("security_group", group) or next(
            (g for g in svc.cloud.query("security_group") if g.get("name") == group), None
        )
        if found is None:
            raise ApiError(400, f"Security group {group} could not be found.")
    for mount in body.get("mounts") or []:
        source = mount.get("source") if isinstance(mount, dict) else None
        if not source:
            raise ApiError(
                400, "This sandbox does not make volumes for containers: mount a volume_id."
            )
        if svc.cloud.load("volume", source) is None:
            raise ApiError(400, f"Volume {source} could not be found.")
    body["addresses"] = {}
    for net in body.pop("nets", None) or [{"network": "private"}]:
        _attach(svc, request, body, net)
    run = request.arg("run") in ("true", "True", "1")
    start = svc.cloud.now()
    body["_next"] = [[start + SETTLE / 2, {"status": "Created"}]]
    if run:
        body["_next"].append([start + SETTLE, {"status": "Running"}])
    body["status_reason"] = None
    body["task_state"] = None


def _delete(svc: GenericService, request: Request, body: Body) -> None:
    if body["status"] == "Running" and request.arg("stop") not in ("true", "True"):
        raise ApiError(409, f"Cannot delete container {body['uuid']} in Running state.")
    _detach(svc, body)


def _view(svc: GenericService, body: Body) -> Body:
    view = public(body)
    view.pop("id", None)
    return view


class ZunService(GenericService):
    """Zun's API: PATCH updates and network actions."""

    def extra_routes(self) -> None:
        """PATCH, network_attach, network_detach."""
        r = self.router.add
        r("PATCH", "/v1/containers/{uuid}", self.patch)
        r("POST", "/v1/containers/{uuid}/network_attach", self.network_attach)
        r("POST", "/v1/containers/{uuid}/network_detach", self.network_detach)

    def patch(self, request: Request) -> Response:
        """Change name, cpu or memory."""
        body = self.find(CONTAINERS, request.params["uuid"], request)
        changes = request.json()
        if not isinstance(changes, dict) or set(changes) - {"name", "cpu", "memory"}:
            raise ApiError(400, "Only name, cpu and memory can be updated.")
        body.update(changes)
        self.save(CONTAINERS, body)
        return json_response(200, self.render(CONTAINERS, body))

    def network_attach(self, request: Request) -> Response:
        """Attach a network (?network=) or a port (?port=)."""
        body = self.find(CONTAINERS, request.params["uuid"], request)
        net = {
            "network": request.arg("network"),
            "port": request.arg("port"),
            "v4-fixed-ip": request.arg("fixed_ip"),
        }
        _attach(self, request, body, {k: v for k, v in net.items() if v})
        self.save(CONTAINERS, body)
        return empty(200)

    def network_detach(self, request: Request) -> Response:
        """Detach a network (?network=) or a port (?port=)."""
        body = self.find(CONTAINERS, request.params["uuid"], request)
        network_id = request.arg("network")
        port_id = request.arg("port")
        if port_id:
            port = self.cloud.load("port", port_id)
            network_id = port["network_id"] if port else None
        elif network_id:
            network_id = _network(self, network_id)["id"]
        if network_id not in body["addresses"]:
            raise ApiError(400, f"Container {body['uuid']} is not attached to {network_id}.")
        _detach(self, body, network_id)
        self.save(CONTAINERS, body)
        return empty(200)


CONTAINERS = Collection(
    name="container",
    kind=CONTAINER,
    path="/v1/containers",
    plural="containers",
    fields=FIELDS,
    required=("image",),
    defaults={
        "name": None,
        "command": None,
        "cpu": 1.0,
        "memory": None,
        "environment": {},
        "labels": {},
        "hostname": None,
        "image_driver": "docker",
        "image_pull_policy": None,
        "interactive": False,
        "tty": False,
        "workdir": None,
        "restart_policy": {},
        "security_groups": [],
        "mounts": [],
        "auto_remove": False,
    },
    id_field="uuid",
    create_status=202,
    status=Status("status", creating="Creating", active="Running", deleting="Deleting", settle=0),
    on_create=_create,
    on_delete=_delete,
    view=_view,
    not_found="Container {id} could not be found.",
)
SPEC = ServiceSpec(
    type="container",
    name="zun",
    prefix="/container",
    endpoint="/container/v1",
    versions=_versions,
    collections=(CONTAINERS,),
    error=_error,
)


def make(cloud: Cloud) -> ZunService:
    """The Zun service of a sandbox."""
    return ZunService(cloud, SPEC)
