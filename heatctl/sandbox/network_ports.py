"""Neutron ports: IP allocation from subnet pools, port CRUD, status from the device; tags."""

from __future__ import annotations

import ipaddress
import random
from typing import TYPE_CHECKING, Any

from heatctl.sandbox import network_services
from heatctl.sandbox.neutron_common import COLLECTIONS, check_name_like, new_standard, stamp
from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    as_bool,
    check_fields,
    empty,
    json_response,
    new_id,
    public,
)

if TYPE_CHECKING:
    from heatctl.sandbox.network import NetworkService

BOOL = (bool, str, int)
NULLABLE_STR = (str, type(None))
PORT_FIELDS: dict[str, Any] = {
    "name": str,
    "network_id": str,
    "admin_state_up": BOOL,
    "mac_address": str,
    "fixed_ips": list,
    "device_id": str,
    "device_owner": str,
    "security_groups": list,
    "allowed_address_pairs": list,
    "extra_dhcp_opts": list,
    "binding:vnic_type": str,
    "binding:host_id": str,
    "binding:profile": (dict, type(None)),
    "description": str,
    "port_security_enabled": BOOL,
    "tenant_id": str,
    "project_id": str,
    "tags": list,
    "dns_name": str,
    "dns_domain": str,
    "qos_policy_id": NULLABLE_STR,
    "propagate_uplink_status": BOOL,
    "numa_affinity_policy": NULLABLE_STR,
}


def _conflict(message: str, kind: str) -> ApiError:
    return ApiError(409, message, kind=kind)


class Ports:
    """Ports and addresses; every other Neutron part creates ports through here."""

    def __init__(self, net: NetworkService) -> None:
        self.net = net
        self.cloud = net.cloud

    # -- IP allocation -------------------------------------------------------------------
    def allocate(self, subnet: Body, port_id: str, wanted: str | None = None) -> str:
        """Take a specific or the next free address of a subnet's pools."""
        if wanted is not None:
            address = ipaddress.ip_address(wanted)
            if address not in ipaddress.ip_network(subnet["cidr"]):
                raise ApiError(
                    400,
                    f"IP address {wanted} is not a valid IP for the specified subnet.",
                    kind="InvalidIpForSubnet",
                )
            if not self.cloud.store.take_ip(subnet["id"], str(address), port_id):
                raise _conflict(
                    f"IP address {wanted} already allocated in subnet {subnet['id']}",
                    "IpAddressAlreadyAllocated",
                )
            return str(address)
        found = self._next_free(subnet, port_id)
        if found is None:
            raise _conflict(
                f"No more IP addresses available on network {subnet['network_id']}.",
                "IpAddressGenerationFailure",
            )
        return found

    def _next_free(self, subnet: Body, port_id: str) -> str | None:
        ranges = [
            (ipaddress.ip_address(p["start"]), ipaddress.ip_address(p["end"]))
            for p in subnet["allocation_pools"]
        ]
        size = sum(int(end) - int(start) + 1 for start, end in ranges)
        hint = int(subnet.get("_hint", 0))
        # Start after the last address handed out, as Neutron's IPAM does not reuse eagerly.
        for step in range(size):
            offset = (hint + step) % size
            address = self._nth(ranges, offset)
            if self.cloud.store.take_ip(subnet["id"], str(address), port_id):
                subnet["_hint"] = offset + 1
                self.cloud.save("subnet", subnet)
                return str(address)
        return None

    @staticmethod
    def _nth(ranges: list[tuple[Any, Any]], offset: int) -> Any:
        for start, end in ranges:
            count = int(end) - int(start) + 1
            if offset < count:
                return start + offset
            offset -= count
        raise IndexError(offset)

    # -- ports ---------------------------------------------------------------------------
    def create_port_api(self, request: Request) -> Response:
        """POST /v2.0/ports."""
        entity = request.entity("port")
        check_fields(entity, PORT_FIELDS, where="port", neutron=True)
        check_name_like(entity.get("name"), "name")
        if "network_id" not in entity:
            raise ApiError(
                400,
                "Failed to parse request. Required attribute 'network_id' not specified",
                kind="HTTPBadRequest",
            )
        network = self.net.find("network", str(entity["network_id"]))
        if entity.get("qos_policy_id"):
            self.net.qos.find(str(entity["qos_policy_id"]))
        project = self.net.project(request, entity)
        self.net.quota_check(project, "port", "port")
        body = self.create_port(project, network, entity)
        return json_response(201, {"port": self.port_view(body)})

    def create_port(self, project: str, network: Body, entity: Body) -> Body:
        """Create a port with addresses from its network's subnets."""
        port_id = new_id()
        fixed = self.fixed_ips_for(network, port_id, entity.get("fixed_ips"))
        owner = entity.get("device_owner", "")
        secure = as_bool(
            entity.get("port_security_enabled", network.get("port_security_enabled", True)),
            "port_security_enabled",
        )
        groups = entity.get("security_groups")
        if groups is None:
            groups = (
                [self.net.sg.default_group(project)["id"]]
                if (secure and not owner.startswith("network:"))
                else []
            )
        for group in groups:
            self.net.find("security_group", group)
        mac = entity.get("mac_address") or "fa:16:3e:" + ":".join(
            f"{random.randrange(256):02x}" for _ in range(3)
        )
        body: Body = {
            "id": port_id,
            "name": entity.get("name", ""),
            "network_id": network["id"],
            "admin_state_up": as_bool(entity.get("admin_state_up", True), "admin_state_up"),
            "mac_address": mac,
            "fixed_ips": fixed,
            "device_id": entity.get("device_id", ""),
            "device_owner": owner,
            "security_groups": groups,
            "allowed_address_pairs": entity.get("allowed_address_pairs", []),
            "extra_dhcp_opts": entity.get("extra_dhcp_opts", []),
            "binding:vnic_type": entity.get("binding:vnic_type", "normal"),
            "binding:host_id": entity.get("binding:host_id", ""),
            "binding:profile": entity.get("binding:profile") or {},
            "binding:vif_type": "unbound",
            "binding:vif_details": {},
            "port_security_enabled": secure,
            "dns_name": entity.get("dns_name", ""),
            "dns_assignment": [],
            "qos_policy_id": entity.get("qos_policy_id"),
            "propagate_uplink_status": False,
            "ip_allocation": "immediate",
            **new_standard(self.cloud, project, entity),
        }
        self.save_port(body)
        return body

    def save_port(self, body: Body) -> None:
        """Store a port with its network and device as index columns."""
        body["_cols"] = {
            "project": body["project_id"],
            "parent": body["network_id"],
            "owner": body["device_id"],
        }
        self.cloud.save("port", body)

    def fixed_ips_for(self, network: Body, port_id: str, requested: Any) -> list[Body]:
        """Addresses for a port: one per IP version by default, or as requested."""
        subnets = [s for s in (self.cloud.store.get("subnet", i) for i in network["subnets"]) if s]
        if requested is None:
            # One address per IP version, from the first subnet of each that has room.
            out, seen = [], set()
            for subnet in subnets:
                if subnet["ip_version"] in seen:
                    continue
                out.append(
                    {"subnet_id": subnet["id"], "ip_address": self.allocate(subnet, port_id)}
                )
                seen.add(subnet["ip_version"])
            return out
        if not isinstance(requested, list):
            raise ApiError(
                400, "Invalid input for fixed_ips. Reason: must be a list.", kind="HTTPBadRequest"
            )
        return [self._one_fixed_ip(network, subnets, port_id, item) for item in requested]

    def _one_fixed_ip(self, network: Body, subnets: list[Body], port_id: str, item: Any) -> Body:
        if not isinstance(item, dict):
            raise ApiError(
                400,
                f"Invalid input for fixed_ips. Reason: Invalid data format for fixed IP: '{item}'.",
                kind="HTTPBadRequest",
            )
        wanted, subnet_id = item.get("ip_address"), item.get("subnet_id")
        if wanted is not None and not _is_ip(wanted):
            raise ApiError(
                400,
                f"Invalid input for fixed_ips. Reason: '{wanted}' is not a valid IP address.",
                kind="HTTPBadRequest",
            )
        for subnet in subnets:
            if subnet_id and subnet["id"] != subnet_id:
                continue
            if wanted and ipaddress.ip_address(wanted) not in ipaddress.ip_network(subnet["cidr"]):
                continue
            return {"subnet_id": subnet["id"], "ip_address": self.allocate(subnet, port_id, wanted)}
        if subnet_id:
            raise ApiError(
                400,
                f"Invalid input for operation: Failed to create port on "
                f"network {network['id']}, because fixed_ips included invalid "
                f"subnet {subnet_id}.",
                kind="InvalidInput",
            )
        raise ApiError(
            400,
            f"IP address {wanted} is not a valid IP for the specified subnet.",
            kind="InvalidIpForSubnet",
        )

    def port_view(self, body: Body) -> Body:
        """A port as clients see it; its status follows the device it is bound to."""
        view = public(body)
        owner, device = body["device_owner"], body["device_id"]
        status = "DOWN"
        if owner.startswith("network:router") or owner == "network:floatingip":
            status = "ACTIVE" if owner != "network:floatingip" else "N/A"
        elif owner.startswith("compute:") and device:
            server = self.cloud.load("server", device)
            status = "ACTIVE" if server and server.get("status") == "ACTIVE" else "DOWN"
        view["status"] = status
        if device and owner.startswith("compute:"):
            view["binding:vif_type"] = "ovs"
            view["binding:host_id"] = view["binding:host_id"] or "sandbox"
        return view

    def update_port(self, request: Request) -> Response:
        """PUT /v2.0/ports/{id}."""
        body = self.net.find("port", request.params["id"])
        entity = request.entity("port")
        allowed = {
            k: v
            for k, v in PORT_FIELDS.items()
            if k not in ("network_id", "tenant_id", "project_id", "mac_address")
        }
        check_fields(entity, allowed, where="port", neutron=True)
        check_name_like(entity.get("name"), "name")
        if "fixed_ips" in entity:
            network = self.net.find("network", body["network_id"])
            self.cloud.store.release_ips(body["id"])
            body["fixed_ips"] = self.fixed_ips_for(network, body["id"], entity.pop("fixed_ips"))
        for group in entity.get("security_groups") or []:
            self.net.find("security_group", group)
        for key, value in entity.items():
            body[key] = as_bool(value, key) if allowed[key] is BOOL else value
        stamp(self.cloud, body)
        self.save_port(body)
        return json_response(200, {"port": self.port_view(body)})

    def delete_port_api(self, request: Request) -> Response:
        """DELETE /v2.0/ports/{id}: router-owned ports cannot be deleted directly."""
        body = self.net.find("port", request.params["id"])
        if body["device_owner"] in (
            "network:router_interface",
            "network:router_gateway",
            "network:floatingip",
        ):
            raise _conflict(
                f"Port {body['id']} cannot be deleted directly via the port API: "
                f"has device owner {body['device_owner']}.",
                "ServicePortInUse",
            )
        self.net.trunks.port_in_trunk(body["id"])
        network_services.port_in_use(self.net, body["id"])
        self.delete_port(body)
        return empty(204)

    def delete_port(self, body: Body) -> None:
        """Remove a port, free its addresses, disassociate floating IPs on it."""
        self.net.l3.disassociate_port(body["id"])
        network_services.port_deleted(self.net, body["id"])
        self.cloud.store.release_ips(body["id"])
        self.cloud.store.delete("port", body["id"])

    # -- tags ----------------------------------------------------------------------------
    def _tagged(self, request: Request) -> tuple[str, Body]:
        rest = request.path.split("/v2.0/", 1)[1]
        collection = rest[: rest.rindex("/" + request.params["id"] + "/")]
        kind = COLLECTIONS[collection]
        if kind == "qos_policy":
            return kind, self.net.qos.find(request.params["id"])
        return kind, self.net.find(kind, request.params["id"])

    def tags(self, request: Request) -> Response:
        """GET/PUT/POST/DELETE /{collection}/{id}/tags."""
        kind, body = self._tagged(request)
        if request.method in ("GET", "HEAD"):
            return json_response(200, {"tags": body.get("tags", [])})
        if request.method == "DELETE":
            body["tags"] = []
        else:
            tags = request.json().get("tags") if isinstance(request.json(), dict) else None
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                raise ApiError(
                    400,
                    "Invalid input for tags. Reason: not a list of strings.",
                    kind="HTTPBadRequest",
                )
            # PUT replaces the tags; POST (tag-creation extension) adds to them.
            old = set(body.get("tags", [])) if request.method == "POST" else set()
            body["tags"] = sorted(old | set(tags))
        stamp(self.cloud, body)
        self.cloud.save(kind, body)
        if request.method == "DELETE":
            return empty(204)
        return json_response(201 if request.method == "POST" else 200, {"tags": body["tags"]})

    def tag(self, request: Request) -> Response:
        """GET/PUT/DELETE /{collection}/{id}/tags/{tag}."""
        kind, body = self._tagged(request)
        tag, tags = request.params["tag"], list(body.get("tags", []))
        if request.method == "PUT":
            if tag not in tags:
                body["tags"] = sorted([*tags, tag])
                stamp(self.cloud, body)
                self.cloud.save(kind, body)
            return empty(201)
        if tag not in tags:
            raise ApiError(404, f"Tag {tag} could not be found.", kind="TagNotFound")
        if request.method == "DELETE":
            body["tags"] = [t for t in tags if t != tag]
            stamp(self.cloud, body)
            self.cloud.save(kind, body)
        return empty(204)


def _is_ip(value: Any) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
