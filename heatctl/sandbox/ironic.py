"""Ironic v1 (/baremetal/v1): nodes, port groups and ports.

Objects are bare JSON keyed by `uuid`, changed by PATCH with JSON-patch operations on
their fields (and on keys of their dict fields, /extra/<key>), as Ironic's API does. A
node is created in `enroll` with power state None (the sandbox has no hardware: it does
not move through provisioning); deleting a node deletes its ports and port groups, as
Ironic does. A port needs an existing node (by uuid), a valid MAC address that no other
port has (409), and a port group of the same node when one is given. Names of nodes and
port groups can be used wherever Ironic accepts them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from heatctl.sandbox.cloud import Cloud
from heatctl.sandbox.generic import Collection, GenericService, ServiceSpec
from heatctl.sandbox.web import ApiError, Body, Request, Response, json_response, public

NODE, PORT, PORTGROUP = "ironic_node", "ironic_port", "ironic_portgroup"
MAC = re.compile(r"^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$")
VERSION = {"id": "v1", "status": "CURRENT", "version": "1.81", "min_version": "1.1"}
OPT_STR = (str, type(None))
OPT_DICT = (dict, type(None))
OPT_BOOL = (bool, type(None))


def _versions(base_url: str) -> tuple[int, Body]:
    value = {**VERSION, "links": [{"href": f"{base_url}/baremetal/v1/", "rel": "self"}]}
    return 200, {"versions": [value], "default_version": value, "name": "OpenStack Ironic API"}


def _error(error: ApiError) -> Response:
    """Ironic's error body: error_message holding a JSON document with faultstring."""
    import json

    inner = {"faultstring": error.message, "faultcode": "Client", "debuginfo": None}
    return json_response(error.status, {"error_message": json.dumps(inner)}, dict(error.headers))


def _lookup(svc: GenericService, kind: str, value: Any) -> Body | None:
    body = svc.cloud.load(kind, str(value))
    if body is None:
        body = next((b for b in svc.cloud.query(kind) if value and b.get("name") == value), None)
    return body


def _node_create(svc: GenericService, request: Request, body: Body) -> None:
    if not request.is_admin:
        raise ApiError(403, "RBAC policy on baremetal:node:create does not allow this.")
    if body.get("name") and any(
        n["name"] == body["name"] for n in svc.cloud.query(NODE) if n is not body
    ):
        raise ApiError(409, f"A node with name {body['name']} already exists.")


def _node_delete(svc: GenericService, request: Request, body: Body) -> None:
    if body["provision_state"] in ("active", "deploying", "wait call-back"):
        raise ApiError(409, f"Node {body['uuid']} is in {body['provision_state']} state.")
    for kind in (PORT, PORTGROUP):
        for child in svc.cloud.query(kind):
            if child.get("node_uuid") == body["uuid"]:
                svc.cloud.store.delete(kind, child["uuid"])


def _check_port(svc: GenericService, port: Body) -> None:
    node = _lookup(svc, NODE, port.get("node_uuid"))
    if node is None:
        raise ApiError(400, f"Node {port.get('node_uuid')} could not be found.")
    port["node_uuid"] = node["uuid"]
    address = str(port.get("address") or "")
    if not MAC.match(address):
        raise ApiError(400, f"Expected a MAC address but received {address}.")
    port["address"] = address.lower()
    for other in svc.cloud.query(PORT):
        if other["uuid"] != port["uuid"] and other["address"] == port["address"]:
            raise ApiError(409, f"A port with MAC address {address} already exists.")
    if port.get("portgroup_uuid"):
        group = _lookup(svc, PORTGROUP, port["portgroup_uuid"])
        if group is None or group["node_uuid"] != node["uuid"]:
            raise ApiError(
                400, f"Port group {port['portgroup_uuid']} is not of node {node['uuid']}."
            )
        port["portgroup_uuid"] = group["uuid"]


def _port_create(svc: GenericService, request: Request, body: Body) -> None:
    if not request.is_admin:
        raise ApiError(403, "RBAC policy on baremetal:port:create does not allow this.")
    _check_port(svc, body)


def _group_create(svc: GenericService, request: Request, body: Body) -> None:
    node = _lookup(svc, NODE, body.get("node_uuid"))
    if node is None:
        raise ApiError(400, f"Node {body.get('node_uuid')} could not be found.")
    body["node_uuid"] = node["uuid"]


def _group_delete(svc: GenericService, request: Request, body: Body) -> None:
    if any(p.get("portgroup_uuid") == body["uuid"] for p in svc.cloud.query(PORT)):
        raise ApiError(409, f"Port group {body['uuid']} still has ports.")


def _view(svc: GenericService, body: Body) -> Body:
    view = public(body)
    view.pop("project_id", None)
    view["links"] = []
    return view


class IronicService(GenericService):
    """Ironic's API: JSON-patch updates, names as identifiers, microversion headers."""

    def extra_routes(self) -> None:
        """The v1 root document and PATCH of nodes, ports and port groups."""
        self.router.add("GET", "/v1", self.root)
        for collection in (NODES, PORTS, PORTGROUPS):
            self.router.add("PATCH", f"{collection.path}/{{uuid}}", self._patcher(collection))
            self.router.add("GET", f"{collection.path}/detail", self._details(collection))

    def root(self, request: Request) -> Response:
        """GET /v1: the version, as the SDK's discovery reads it."""
        link = {"href": f"{self.cloud.base_url}/baremetal/v1/", "rel": "self"}
        return json_response(200, {"id": "v1", "version": {**VERSION, "links": [link]}})

    def _details(self, c: Collection) -> Callable[[Request], Response]:
        return lambda request: self.list(c, request)

    def _patcher(self, c: Collection) -> Callable[[Request], Response]:
        return lambda request: self.patch(c, request)

    def find(self, c: Collection, object_id: str, request: Request | None = None) -> Body:
        """By uuid or by name."""
        body = _lookup(self, c.kind, object_id)
        if body is None:
            raise ApiError(404, c.not_found.format(name=c.name, id=object_id))
        return body

    def patch(self, c: Collection, request: Request) -> Response:
        """Apply JSON-patch operations (top-level fields and /<dict field>/<key>)."""
        body = self.find(c, request.params["uuid"], request)
        operations = request.json()
        if not isinstance(operations, list):
            raise ApiError(400, "The request body must be a list of JSON-patch operations.")
        changed = {k: (dict(v) if isinstance(v, dict) else v) for k, v in body.items()}
        for operation in operations:
            _apply(changed, operation, c.updatable)
        if c is PORTS:
            _check_port(self, changed)
        changed["updated_at"] = self.now_iso()
        body.clear()
        body.update(changed)
        self.save(c, body)
        return json_response(200, self.render(c, body))


def _apply(body: Body, operation: Any, updatable: tuple[str, ...]) -> None:
    op = operation.get("op") if isinstance(operation, dict) else None
    parts = (
        str(operation.get("path", "") if isinstance(operation, dict) else "").strip("/").split("/")
    )
    if op not in ("add", "replace", "remove") or parts[0] not in updatable:
        raise ApiError(400, f"Invalid patch operation: {operation}")
    if len(parts) == 2 and isinstance(body.get(parts[0]), dict):
        if op == "remove":
            body[parts[0]].pop(parts[1], None)
        else:
            body[parts[0]][parts[1]] = operation.get("value")
    elif len(parts) == 1:
        body[parts[0]] = None if op == "remove" else operation.get("value")
    else:
        raise ApiError(400, f"Invalid patch path: {operation.get('path')}")


NODES = Collection(
    name="node",
    kind=NODE,
    path="/v1/nodes",
    plural="nodes",
    fields={
        "name": OPT_STR,
        "driver": str,
        "driver_info": OPT_DICT,
        "properties": OPT_DICT,
        "extra": OPT_DICT,
        "resource_class": OPT_STR,
        "network_interface": OPT_STR,
        "boot_interface": OPT_STR,
        "deploy_interface": OPT_STR,
        "power_interface": OPT_STR,
        "management_interface": OPT_STR,
        "chassis_uuid": OPT_STR,
        "uuid": OPT_STR,
    },
    required=("driver",),
    defaults={
        "name": None,
        "driver_info": {},
        "properties": {},
        "extra": {},
        "instance_info": {},
        "instance_uuid": None,
        "provision_state": "enroll",
        "target_provision_state": None,
        "power_state": None,
        "target_power_state": None,
        "maintenance": False,
        "maintenance_reason": None,
        "last_error": None,
        "resource_class": None,
        "network_interface": "flat",
    },
    updatable=("name", "driver_info", "properties", "extra", "resource_class", "maintenance"),
    id_field="uuid",
    project_field=None,
    on_create=_node_create,
    on_delete=_node_delete,
    view=_view,
    not_found="Node {id} could not be found.",
)
PORTGROUPS = Collection(
    name="portgroup",
    kind=PORTGROUP,
    path="/v1/portgroups",
    plural="portgroups",
    fields={
        "name": OPT_STR,
        "node_uuid": str,
        "address": OPT_STR,
        "extra": OPT_DICT,
        "mode": OPT_STR,
    },
    required=("node_uuid",),
    defaults={
        "name": None,
        "address": None,
        "extra": {},
        "mode": "active-backup",
        "properties": {},
    },
    updatable=("name", "address", "extra", "mode"),
    id_field="uuid",
    project_field=None,
    on_create=_group_create,
    on_delete=_group_delete,
    view=_view,
    not_found="Portgroup {id} could not be found.",
)
PORT_FIELDS = (
    "address",
    "node_uuid",
    "extra",
    "local_link_connection",
    "pxe_enabled",
    "physical_network",
    "is_smartnic",
    "portgroup_uuid",
)
PORTS = Collection(
    name="port",
    kind=PORT,
    path="/v1/ports",
    plural="ports",
    fields={
        "address": str,
        "node_uuid": str,
        "extra": OPT_DICT,
        "local_link_connection": OPT_DICT,
        "pxe_enabled": OPT_BOOL,
        "physical_network": OPT_STR,
        "is_smartnic": OPT_BOOL,
        "portgroup_uuid": OPT_STR,
    },
    required=("address", "node_uuid"),
    defaults={
        "extra": {},
        "local_link_connection": {},
        "pxe_enabled": True,
        "physical_network": None,
        "is_smartnic": False,
        "portgroup_uuid": None,
        "internal_info": {},
    },
    updatable=PORT_FIELDS,
    id_field="uuid",
    project_field=None,
    on_create=_port_create,
    view=_view,
    not_found="Port {id} could not be found.",
)
SPEC = ServiceSpec(
    type="baremetal",
    name="ironic",
    prefix="/baremetal",
    endpoint="/baremetal",
    versions=_versions,
    collections=(NODES, PORTGROUPS, PORTS),
    open_paths=frozenset({"", "/", "/v1", "/v1/"}),
    error=_error,
)


def make(cloud: Cloud) -> IronicService:
    """The Ironic service of a sandbox."""
    return IronicService(cloud, SPEC)
