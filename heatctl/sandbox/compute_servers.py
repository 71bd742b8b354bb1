"""Nova servers: create with ports from Neutron, BUILD -> ACTIVE on the clock, actions,
metadata, interfaces and volume attachments. Deleting a server releases what Nova made."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from heatctl.sandbox.clock import iso
from heatctl.sandbox.compute import microversion, nova_page
from heatctl.sandbox.compute_parts import ServerParts
from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    check_fields,
    empty,
    json_response,
    new_id,
)

if TYPE_CHECKING:
    from heatctl.sandbox.compute import ComputeService

SERVER_FIELDS: dict[str, Any] = {
    "name": str,
    "flavorRef": (str, int),
    "imageRef": str,
    "networks": (list, str),
    "key_name": (str, type(None)),
    "security_groups": list,
    "metadata": dict,
    "user_data": str,
    "availability_zone": str,
    "block_device_mapping_v2": list,
    "block_device_mapping": list,
    "config_drive": (bool, str),
    "min_count": (int, str),
    "max_count": (int, str),
    "adminPass": str,
    "accessIPv4": str,
    "accessIPv6": str,
    "OS-DCF:diskConfig": str,
    "description": (str, type(None)),
    "tags": list,
    "hostname": str,
    "host": str,
    "hypervisor_hostname": str,
    "trusted_image_certificates": (list, type(None)),
}
USER_DATA_LIMIT = 65535  # bytes of base64 text, as Nova's schema


def _check_user_data(value: str | None) -> None:
    """Nova takes user data as base64 text of at most 65535 bytes (400 otherwise)."""
    import base64
    import binascii

    if value is None:
        return
    if len(value) > USER_DATA_LIMIT:
        raise ApiError(400, "Invalid input for field/attribute user_data. Value: ... is too long")
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(
            400,
            "Invalid input for field/attribute user_data. Value: ... is not a base64 string",
        ) from None


NO_BUILD_VM_STATES = {
    "ACTIVE": "active",
    "SHUTOFF": "stopped",
    "PAUSED": "paused",
    "SUSPENDED": "suspended",
    "ERROR": "error",
    "BUILD": "building",
}
NO_VALID_HOST = "No valid host was found. There are not enough hosts available."


class NetworkAllocationFailed(Exception):
    """A port for a new server could not get an address (the build will fail)."""


class Servers:
    """The servers collection and everything hanging off a server."""

    def __init__(self, compute: ComputeService) -> None:
        self.compute = compute
        self.cloud = compute.cloud
        self.parts = ServerParts(self)

    def routes(self, r: Callable[..., None]) -> None:
        """Register the server routes."""
        r("GET", "/v2.1/servers", lambda q: self.list_servers(q, detail=False))
        r("GET", "/v2.1/servers/detail", lambda q: self.list_servers(q, detail=True))
        r("POST", "/v2.1/servers", self.create)
        r("GET", "/v2.1/servers/{id}", self.show)
        r("PUT", "/v2.1/servers/{id}", self.update)
        r("DELETE", "/v2.1/servers/{id}", self.delete)
        r("POST", "/v2.1/servers/{id}/action", self.action)
        r("GET", "/v2.1/servers/{id}/metadata", self.parts.metadata)
        r("PUT", "/v2.1/servers/{id}/metadata", self.parts.metadata)
        r("POST", "/v2.1/servers/{id}/metadata", self.parts.metadata)
        r("GET", "/v2.1/servers/{id}/metadata/{key}", self.parts.metadata_item)
        r("PUT", "/v2.1/servers/{id}/metadata/{key}", self.parts.metadata_item)
        r("DELETE", "/v2.1/servers/{id}/metadata/{key}", self.parts.metadata_item)
        r("POST", "/v2.1/servers/{id}/remote-consoles", self.parts.remote_console)
        r("GET", "/v2.1/servers/{id}/tags", self.parts.tags)
        r("PUT", "/v2.1/servers/{id}/tags", self.parts.tags)
        r("DELETE", "/v2.1/servers/{id}/tags", self.parts.tags)
        r("GET", "/v2.1/servers/{id}/tags/{tag}", self.parts.tag)
        r("PUT", "/v2.1/servers/{id}/tags/{tag}", self.parts.tag)
        r("DELETE", "/v2.1/servers/{id}/tags/{tag}", self.parts.tag)
        r("GET", "/v2.1/servers/{id}/os-interface", self.parts.interfaces)
        r("POST", "/v2.1/servers/{id}/os-interface", self.parts.attach_interface)
        r("DELETE", "/v2.1/servers/{id}/os-interface/{port}", self.parts.detach_interface)
        r("GET", "/v2.1/servers/{id}/os-volume_attachments", self.parts.attachments)
        r("POST", "/v2.1/servers/{id}/os-volume_attachments", self.parts.attach_volume)
        r("GET", "/v2.1/servers/{id}/os-volume_attachments/{volume}", self.parts.attachment)
        r("PUT", "/v2.1/servers/{id}/os-volume_attachments/{volume}", self.parts.update_attachment)
        r("DELETE", "/v2.1/servers/{id}/os-volume_attachments/{volume}", self.parts.detach_volume)

    @property
    def net(self) -> Any:
        """The Neutron service (ports and security groups)."""
        return self.compute.cloud.services["network"]  # type: ignore[attr-defined]

    @property
    def volumes(self) -> Any:
        """The Cinder service (attach, detach, delete)."""
        return self.compute.cloud.services["volume"]  # type: ignore[attr-defined]

    def find(self, server_id: str) -> Body:
        """A server or Nova's 404."""
        return self.cloud.require("server", server_id, f"Instance {server_id} could not be found.")

    # -- create ----------------------------------------------------------------------
    def create(self, request: Request) -> Response:
        """POST /servers: validate references, check quotas, make ports, start BUILD."""
        entity = request.entity("server")
        check_fields(entity, SERVER_FIELDS, required=("name", "flavorRef"), where="server")
        if not entity["name"].strip():
            raise ApiError(
                400,
                "Invalid input for field/attribute name. Value: . '' does not "
                "match '^(?! )[a-zA-Z0-9. _-]+(?<! )$'",
            )
        _check_user_data(entity.get("user_data"))
        flavor = self.compute.find_flavor(_ref(entity["flavorRef"]), status=400)
        image = self._image(entity)
        if entity.get("key_name") and not self.cloud.store.get(
            "keypair", f"{request.user_id}/{entity['key_name']}"
        ):
            raise ApiError(400, "Invalid key_name provided.")
        self._check_quota(request.project_id, flavor)
        groups = self.security_groups(request, entity.get("security_groups"))
        server_id = new_id()
        fail = None
        try:
            ports = self._ports(request, server_id, entity.get("networks"), groups)
        except NetworkAllocationFailed:
            ports, fail = [], "network"
        body = self._new_body(request, server_id, entity, flavor, image, groups, ports)
        self._schedule_build(body, entity.get("metadata") or {}, fail)
        self.cloud.save("server", body)
        self._join_group(request, server_id)
        self._boot_volumes(body, entity)
        href = f"{self.cloud.base_url}/compute/v2.1/servers/{server_id}"
        reply = {
            "id": server_id,
            "links": [{"rel": "self", "href": href}, {"rel": "bookmark", "href": href}],
            "OS-DCF:diskConfig": body["OS-DCF:diskConfig"],
            "security_groups": [{"name": g} for g in body["_sg_names"]],
            "adminPass": body["_admin_pass"],
        }
        return json_response(202, {"server": reply}, {"Location": href})

    def _image(self, entity: Body) -> Body | None:
        ref = entity.get("imageRef")
        if not ref:
            if not (entity.get("block_device_mapping_v2") or entity.get("block_device_mapping")):
                raise ApiError(
                    400,
                    "Block Device Mapping is Invalid: Boot sequence for the "
                    "instance and image/block device mapping combination is not "
                    "valid.",
                )
            return None
        image = self.cloud.load("image", _ref(ref))
        if image is None or image.get("status") != "active":
            raise ApiError(400, "Can not find requested image")
        return image

    def _check_quota(self, project: str, flavor: Body) -> None:
        used = self.compute.usage(project)
        for name, requested in (
            ("instances", 1),
            ("cores", flavor["vcpus"]),
            ("ram", flavor["ram"]),
        ):
            if self.cloud.over_quota("compute", name, used[name], requested, project):
                limit = self.cloud.quota("compute", name, project)
                raise ApiError(
                    403,
                    f"Quota exceeded for {name}: Requested {requested}, but "
                    f"already used {used[name]} of {limit} {name}",
                )

    def security_groups(self, request: Request, wanted: Any) -> list[Body]:
        """Security groups named in a request (default: the project's `default`)."""
        names = [g.get("name") for g in wanted or [{"name": "default"}] if isinstance(g, dict)]
        groups = []
        for name in names:
            if name == "default":
                groups.append(self.net.sg.default_group(request.project_id))
                continue
            found = self.cloud.load("security_group", str(name)) or next(
                iter(
                    self.cloud.store.query(
                        "security_group", project=request.project_id, name=str(name)
                    )
                ),
                None,
            )
            if found is None:
                raise ApiError(400, f"Unable to find security_group with name or id '{name}'")
            groups.append(found)
        return groups

    def _ports(
        self, request: Request, server_id: str, networks: Any, groups: list[Body]
    ) -> list[Body]:
        if networks in (None, "auto"):
            networks = self._auto_network(request)
        if networks == "none":
            return []
        if not isinstance(networks, list):
            raise ApiError(400, f"Invalid input for field/attribute networks. Value: {networks}.")
        ports: list[Body] = []
        for item in networks:
            try:
                ports.append(self.port_for(request, server_id, item, groups))
            except ApiError as error:
                if error.kind != "IpAddressGenerationFailure":
                    raise
                # Nova finds out on the compute host: the build fails, the API said 202.
                for port in ports:
                    self.net.ports.delete_port(port)
                raise NetworkAllocationFailed from None
        return ports

    def _auto_network(self, request: Request) -> Any:
        candidates = [
            n
            for n in self.cloud.query("network")
            if not n["router:external"] and (n["shared"] or n["project_id"] == request.project_id)
        ]
        if len(candidates) > 1:
            raise ApiError(
                409, "Multiple possible networks found, use a Network ID to be more specific."
            )
        return [{"uuid": candidates[0]["id"]}] if candidates else "none"

    def port_for(self, request: Request, server_id: str, item: Any, groups: list[Body]) -> Body:
        """The port a `networks` item asks for: the user's, bound now, or a new one."""
        if not isinstance(item, dict):
            raise ApiError(400, f"Bad networks format: {item}")
        if item.get("port"):
            port = self.cloud.load("port", str(item["port"]))
            if port is None:
                raise ApiError(400, f"Port id {item['port']} could not be found.")
            if port["device_id"]:
                raise ApiError(409, f"Port {port['id']} is still in use.")
            port.update(device_id=server_id, device_owner="compute:nova")
            self.net.ports.save_port(port)
            return port
        network = self.cloud.load("network", str(item.get("uuid", "")))
        if network is None:
            raise ApiError(400, f"Network {item.get('uuid')} could not be found.")
        fixed = [{"ip_address": item["fixed_ip"]}] if item.get("fixed_ip") else None
        used = self.cloud.store.count("port", request.project_id)
        if self.cloud.over_quota("network", "port", used):
            raise ApiError(403, "Maximum number of ports exceeded")
        port = self.net.ports.create_port(
            request.project_id,
            network,
            {
                "device_id": server_id,
                "device_owner": "compute:nova",
                "fixed_ips": fixed,
                "security_groups": [g["id"] for g in groups],
            },
        )
        port["_nova_created"] = True
        self.net.ports.save_port(port)
        return port

    def _new_body(
        self,
        request: Request,
        server_id: str,
        entity: Body,
        flavor: Body,
        image: Body | None,
        groups: list[Body],
        ports: list[Body],
    ) -> Body:
        now = iso(self.cloud.now())
        metadata = {str(k): str(v) for k, v in (entity.get("metadata") or {}).items()}
        return {
            "id": server_id,
            "name": entity["name"],
            "status": "BUILD",
            "tenant_id": request.project_id,
            "user_id": request.user_id,
            "metadata": metadata,
            "created": now,
            "updated": now,
            "hostId": "",
            "key_name": entity.get("key_name"),
            "image": {"id": image["id"]} if image else "",
            "flavor": {
                "vcpus": flavor["vcpus"],
                "ram": flavor["ram"],
                "disk": flavor["disk"],
                "ephemeral": flavor["OS-FLV-EXT-DATA:ephemeral"],
                "swap": flavor["swap"],
                "original_name": flavor["name"],
                "extra_specs": flavor["extra_specs"],
            },
            "accessIPv4": entity.get("accessIPv4", ""),
            "accessIPv6": entity.get("accessIPv6", ""),
            "config_drive": str(entity.get("config_drive", "")),
            "OS-DCF:diskConfig": entity.get("OS-DCF:diskConfig", "MANUAL"),
            "OS-EXT-AZ:availability_zone": "",
            "OS-EXT-STS:vm_state": "building",
            "OS-EXT-STS:task_state": "scheduling",
            "OS-EXT-STS:power_state": 0,
            "OS-SRV-USG:launched_at": None,
            "OS-SRV-USG:terminated_at": None,
            "description": entity.get("description"),
            "tags": entity.get("tags", []),
            "locked": False,
            "locked_reason": None,
            "host_status": "UP",
            "trusted_image_certificates": None,
            "server_groups": [],
            "OS-EXT-SRV-ATTR:hostname": entity.get("hostname") or _hostname(entity["name"]),
            "OS-EXT-SRV-ATTR:user_data": entity.get("user_data"),
            "OS-EXT-SRV-ATTR:reservation_id": "r-" + secrets.token_hex(4),
            "OS-EXT-SRV-ATTR:launch_index": 0,
            "OS-EXT-SRV-ATTR:kernel_id": "",
            "OS-EXT-SRV-ATTR:ramdisk_id": "",
            "OS-EXT-SRV-ATTR:root_device_name": "/dev/vda",
            "OS-EXT-SRV-ATTR:host": None,
            "OS-EXT-SRV-ATTR:hypervisor_hostname": None,
            "OS-EXT-SRV-ATTR:instance_name": f"instance-{self.cloud.store.next_seq():08x}",
            "_sg_names": [g["name"] for g in groups],
            "_admin_pass": entity.get("adminPass") or secrets.token_urlsafe(9),
            "_attachments": [],
            "_ports": [p["id"] for p in ports],
            "_cols": {"project": request.project_id},
        }

    def _schedule_build(self, body: Body, metadata: Body, failed: str | None = None) -> None:
        """BUILD ends in ACTIVE after the build time, or ERROR / never, on a fault."""
        fault = str(metadata.get("sandbox:fail", "")) or self.cloud.lifecycle or ""
        message = NO_VALID_HOST
        if failed == "network":
            fault = "error"
            message = (
                f"Build of instance {body['id']} aborted: Failed to allocate the "
                "network(s), not rescheduling."
            )
        delay = float(metadata.get("sandbox:build_seconds", self.cloud.timings.server_build))
        if fault == "stuck":
            return
        if fault == "error":
            self.cloud.schedule(
                body,
                delay,
                {
                    "status": "ERROR",
                    "OS-EXT-STS:vm_state": "error",
                    "OS-EXT-STS:task_state": None,
                    "fault": {
                        "code": 500,
                        "message": message,
                        "created": iso(self.cloud.now() + delay),
                    },
                },
            )
            return
        self.cloud.schedule(
            body,
            delay,
            {
                "status": "ACTIVE",
                "OS-EXT-STS:vm_state": "active",
                "OS-EXT-STS:task_state": None,
                "OS-EXT-STS:power_state": 1,
                "OS-EXT-AZ:availability_zone": "nova",
                "hostId": secrets.token_hex(28),
                "OS-EXT-SRV-ATTR:host": "sandbox",
                "OS-EXT-SRV-ATTR:hypervisor_hostname": "sandbox",
                "OS-SRV-USG:launched_at": iso(self.cloud.now() + delay).replace("Z", ".000000"),
            },
        )

    def _join_group(self, request: Request, server_id: str) -> None:
        data = request.json()
        hints = data.get("os:scheduler_hints") or data.get("OS-SCH-HNT:scheduler_hints") or {}
        group_id = hints.get("group") if isinstance(hints, dict) else None
        if group_id:
            group = self.cloud.require(
                "server_group",
                str(group_id),
                f"Instance group {group_id} could not be found.",
                status=400,
            )
            group["members"] = [*group["members"], server_id]
            self.cloud.save("server_group", group)

    def _boot_volumes(self, body: Body, entity: Body) -> None:
        for mapping in entity.get("block_device_mapping_v2") or []:
            if mapping.get("source_type") == "volume" and mapping.get("uuid"):
                volume = self.volumes.find(str(mapping["uuid"]), status=400)
                self.parts.attach(
                    body,
                    volume,
                    "/dev/vda" if mapping.get("boot_index") == 0 else None,
                    bool(mapping.get("delete_on_termination")),
                    None,
                )
        if body["_attachments"]:
            self.cloud.save("server", body)

    # -- read --------------------------------------------------------------------------
    def view(self, request: Request, body: Body) -> Body:
        """A server as Nova shows it, addresses built from its ports."""
        href = f"{self.cloud.base_url}/compute/v2.1/servers/{body['id']}"
        view = {k: v for k, v in body.items() if not k.startswith("_")}
        view["addresses"] = self._addresses(body)
        view["links"] = [{"rel": "self", "href": href}, {"rel": "bookmark", "href": href}]
        view["os-extended-volumes:volumes_attached"] = [
            {"id": a["volumeId"], "delete_on_termination": a["delete_on_termination"]}
            for a in body["_attachments"]
        ]
        view["security_groups"] = [{"name": name} for name in body["_sg_names"]]
        if microversion(request) < (2, 47):
            view["flavor"] = {"id": body["flavor"]["original_name"]}
        return view

    def _addresses(self, body: Body) -> Body:
        addresses: dict[str, list[Body]] = {}
        for port in self.cloud.store.query("port", owner=body["id"]):
            network = self.cloud.store.get("network", port["network_id"]) or {}
            entries = addresses.setdefault(network.get("name") or port["network_id"], [])
            for ip in port["fixed_ips"]:
                address = ip["ip_address"]
                entries.append(
                    {
                        "version": 6 if ":" in address else 4,
                        "addr": address,
                        "OS-EXT-IPS:type": "fixed",
                        "OS-EXT-IPS-MAC:mac_addr": port["mac_address"],
                    }
                )
                for fip in self.cloud.store.query("floatingip", parent=port["id"]):
                    if fip.get("fixed_ip_address") == address:
                        entries.append(
                            {
                                "version": 4,
                                "addr": fip["floating_ip_address"],
                                "OS-EXT-IPS:type": "floating",
                                "OS-EXT-IPS-MAC:mac_addr": port["mac_address"],
                            }
                        )
        return addresses

    def show(self, request: Request) -> Response:
        """GET /servers/{id}."""
        return json_response(200, {"server": self.view(request, self.find(request.params["id"]))})

    def list_servers(self, request: Request, detail: bool) -> Response:
        """GET /servers[/detail]: name is a regex as in Nova; status, image, flavor filters."""
        servers = self.cloud.query(
            "server", project=None if request.arg("all_tenants") else request.project_id
        )
        name = request.arg("name")
        if name:
            try:
                pattern = re.compile(name)
            except re.error:
                raise ApiError(400, f"Invalid filter name: {name}") from None
            servers = [s for s in servers if pattern.search(s["name"])]
        for arg in ("status", "key_name"):
            if request.arg(arg):
                servers = [
                    s for s in servers if str(s.get(arg)).lower() == str(request.arg(arg)).lower()
                ]
        if request.arg("image"):
            servers = [s for s in servers if (s["image"] or {}).get("id") == request.arg("image")]
        servers = [s for s in servers if _tags_match(request, set(s.get("tags") or []))]
        servers.reverse()  # Nova lists newest first
        page, links = nova_page(
            request, self.cloud, servers, "servers/detail" if detail else "servers"
        )
        if detail:
            items = [self.view(request, s) for s in page]
        else:
            items = [
                {"id": s["id"], "name": s["name"], "links": self.view(request, s)["links"]}
                for s in page
            ]
        body: Body = {"servers": items}
        if links:
            body["servers_links"] = links
        return json_response(200, body)

    def update(self, request: Request) -> Response:
        """PUT /servers/{id}: name, description, access IPs, hostname."""
        body = self.find(request.params["id"])
        entity = request.entity("server")
        check_fields(
            entity,
            {
                k: SERVER_FIELDS[k]
                for k in ("name", "description", "accessIPv4", "accessIPv6", "hostname")
            },
            where="server",
        )
        if "hostname" in entity:
            body["OS-EXT-SRV-ATTR:hostname"] = entity.pop("hostname")
        body.update(entity)
        body["updated"] = iso(self.cloud.now())
        self.cloud.save("server", body)
        return json_response(200, {"server": self.view(request, body)})

    # -- delete ----------------------------------------------------------------------
    def delete(self, request: Request) -> Response:
        """DELETE /servers/{id}: Nova's ports go, the user's are unbound, volumes detach."""
        body = self.find(request.params["id"])
        if body.get("locked"):
            raise ApiError(409, f"Instance {body['id']} is locked")
        if body.get("OS-EXT-STS:task_state") == "deleting":
            return empty(204)  # already on its way out
        self.release(body)
        return empty(204)

    def release(self, body: Body) -> None:
        """Free everything a server holds and remove it (after `server_delete` seconds,
        during which it shows task_state `deleting`)."""
        for port in self.cloud.store.query("port", owner=body["id"]):
            if port.get("_nova_created"):
                self.net.ports.delete_port(port)
            else:
                port.update(device_id="", device_owner="")
                port["binding:host_id"] = ""
                self.net.ports.save_port(port)
        for attachment in body["_attachments"]:
            volume = self.cloud.load("volume", attachment["volumeId"])
            if volume is not None:
                self.volumes.detach(volume, body["id"], 0.0)
                if attachment["delete_on_termination"]:
                    self.volumes.remove(volume)
        for group in self.cloud.store.query("server_group"):
            if body["id"] in group["members"]:
                group["members"] = [m for m in group["members"] if m != body["id"]]
                self.cloud.save("server_group", group)
        body["_attachments"] = []
        self.cloud.delete_later(
            "server", body, self.cloud.timings.server_delete, {"OS-EXT-STS:task_state": "deleting"}
        )

    # -- actions -----------------------------------------------------------------------
    def action(self, request: Request) -> Response:
        """POST /servers/{id}/action: state changes with Nova's 409 for the wrong state."""
        from heatctl.sandbox.compute_actions import run_action

        return run_action(self, request, self.find(request.params["id"]))


def _ref(value: Any) -> str:
    """flavorRef/imageRef may be an id or a link ending in it."""
    return str(value).rstrip("/").rsplit("/", 1)[-1]


def _tags_match(request: Request, tags: set[str]) -> bool:
    """Nova's tags, tags-any, not-tags and not-tags-any filters (comma-separated)."""
    for arg, test in (
        ("tags", lambda w: w <= tags),
        ("tags-any", lambda w: bool(w & tags)),
        ("not-tags", lambda w: not w <= tags),
        ("not-tags-any", lambda w: not w & tags),
    ):
        value = request.arg(arg)
        if value and not test({t for t in value.split(",") if t}):
            return False
    return True


def _hostname(name: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")[:63] or "server"
