"""Neutron L3: routers with gateways and interfaces, floating IPs on external networks."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from heatctl.sandbox.network_services import cascade
from heatctl.sandbox.network_vpn import router_in_use
from heatctl.sandbox.neutron_common import check_name_like, new_standard, stamp
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
ROUTER_FIELDS: dict[str, Any] = {
    "name": str,
    "admin_state_up": BOOL,
    "external_gateway_info": (dict, type(None)),
    "description": str,
    "distributed": BOOL,
    "ha": BOOL,
    "availability_zone_hints": list,
    "tenant_id": str,
    "project_id": str,
    "tags": list,
    "flavor_id": (str, type(None)),
    "routes": list,
    "enable_ndp_proxy": BOOL,
}
FIP_FIELDS: dict[str, Any] = {
    "floating_network_id": str,
    "port_id": (str, type(None)),
    "fixed_ip_address": (str, type(None)),
    "floating_ip_address": str,
    "subnet_id": str,
    "description": str,
    "tenant_id": str,
    "project_id": str,
    "tags": list,
    "dns_name": str,
    "dns_domain": str,
    "qos_policy_id": (str, type(None)),
}


class L3:
    """Routers and floating IPs; uses the network service for ports and addresses."""

    def __init__(self, net: NetworkService) -> None:
        self.net = net
        self.cloud = net.cloud

    def routes(self, r: Callable[..., None]) -> None:
        """Register the L3 routes."""
        r("GET", "/v2.0/routers", lambda q: self.net.listing(q, "routers", "router"))
        r("POST", "/v2.0/routers", self.create_router)
        r("GET", "/v2.0/routers/{id}", lambda q: self.net.show(q, "router"))
        r("PUT", "/v2.0/routers/{id}", self.update_router)
        r("DELETE", "/v2.0/routers/{id}", self.delete_router)
        r("PUT", "/v2.0/routers/{id}/add_router_interface", self.add_interface)
        r("PUT", "/v2.0/routers/{id}/remove_router_interface", self.remove_interface)
        r("PUT", "/v2.0/routers/{id}/add_extraroutes", self.add_extraroutes)
        r("PUT", "/v2.0/routers/{id}/remove_extraroutes", self.remove_extraroutes)
        r("GET", "/v2.0/floatingips", lambda q: self.net.listing(q, "floatingips", "floatingip"))
        r("POST", "/v2.0/floatingips", self.create_fip)
        r("GET", "/v2.0/floatingips/{id}", lambda q: self.net.show(q, "floatingip"))
        r("PUT", "/v2.0/floatingips/{id}", self.update_fip)
        r("DELETE", "/v2.0/floatingips/{id}", self.delete_fip)

    # -- routers ---------------------------------------------------------------------
    def create_router(self, request: Request) -> Response:
        """POST /v2.0/routers, with an optional gateway on an external network."""
        entity = request.entity("router")
        check_fields(entity, ROUTER_FIELDS, where="router", neutron=True)
        check_name_like(entity.get("name"), "name")
        project = self.net.project(request, entity)
        self.net.quota_check(project, "router", "router")
        body = self.new_router(project, entity)
        return json_response(201, {"router": public(body)})

    def new_router(self, project: str, entity: Body) -> Body:
        """Create and store a router (also used by seeding)."""
        body: Body = {
            "id": new_id(),
            "name": entity.get("name", ""),
            "status": "ACTIVE",
            "admin_state_up": as_bool(entity.get("admin_state_up", True), "admin_state_up"),
            "external_gateway_info": None,
            "routes": entity.get("routes", []),
            "distributed": False,
            "ha": False,
            "flavor_id": None,
            "availability_zone_hints": entity.get("availability_zone_hints", []),
            "availability_zones": ["nova"],
            "enable_ndp_proxy": False,
            **new_standard(self.cloud, project, entity),
            "_cols": {"project": project},
        }
        if entity.get("external_gateway_info"):
            self._set_gateway(body, entity["external_gateway_info"])
        self.cloud.save("router", body)
        return body

    def _set_gateway(self, router: Body, info: Any) -> None:
        if not isinstance(info, dict) or "network_id" not in info:
            raise ApiError(
                400,
                "Invalid input for external_gateway_info. Reason: Validation of "
                "dictionary's keys failed.",
                kind="HTTPBadRequest",
            )
        network = self.net.find("network", str(info["network_id"]))
        if not network["router:external"]:
            raise ApiError(
                400,
                f"Bad router request: Network {network['id']} is not an external network.",
                kind="BadRequest",
            )
        port = self.net.ports.create_port(
            router["project_id"],
            network,
            {
                "device_id": router["id"],
                "device_owner": "network:router_gateway",
                "fixed_ips": info.get("external_fixed_ips"),
            },
        )
        router["external_gateway_info"] = {
            "network_id": network["id"],
            "enable_snat": info.get("enable_snat", True),
            "external_fixed_ips": port["fixed_ips"],
        }

    def _clear_gateway(self, router: Body) -> None:
        info = router.get("external_gateway_info")
        if not info:
            return
        if self.cloud.store.query("floatingip", owner=router["id"]):
            raise ApiError(
                409,
                f"Gateway cannot be updated for router {router['id']}, since a "
                "gateway to external network "
                f"{info['network_id']} is required by one or more floating IPs.",
                kind="RouterExternalGatewayInUseByFloatingIp",
            )
        for port in self.cloud.store.query("port", owner=router["id"]):
            if port["device_owner"] == "network:router_gateway":
                self.net.ports.delete_port(port)
        router["external_gateway_info"] = None

    def update_router(self, request: Request) -> Response:
        """PUT /v2.0/routers/{id}: name, state, gateway set or cleared, routes."""
        router = self.net.find("router", request.params["id"])
        entity = request.entity("router")
        allowed = {
            k: ROUTER_FIELDS[k]
            for k in ("name", "admin_state_up", "description", "external_gateway_info", "routes")
        }
        check_fields(entity, allowed, where="router", neutron=True)
        check_name_like(entity.get("name"), "name")
        if "external_gateway_info" in entity:
            self._update_gateway(router, entity.pop("external_gateway_info"))
        if "routes" in entity:
            self._check_routes(router, entity["routes"])
        for key, value in entity.items():
            router[key] = as_bool(value, key) if key == "admin_state_up" else value
        stamp(self.cloud, router)
        self.cloud.save("router", router)
        return json_response(200, {"router": public(router)})

    def _update_gateway(self, router: Body, info: Any) -> None:
        current = router.get("external_gateway_info") or {}
        if (
            not info
            or not isinstance(info, dict)
            or info.get("network_id") != current.get("network_id")
        ):
            self._clear_gateway(router)
            if info:
                self._set_gateway(router, info)
            return
        # Same external network: new fixed IPs and SNAT change in place, as Neutron does.
        if "enable_snat" in info:
            current["enable_snat"] = bool(info["enable_snat"])
        wanted = info.get("external_fixed_ips")
        if wanted and wanted != current.get("external_fixed_ips"):
            for port in self.cloud.store.query("port", owner=router["id"]):
                if port["device_owner"] == "network:router_gateway":
                    network = self.net.find("network", port["network_id"])
                    self.cloud.store.release_ips(port["id"])
                    port["fixed_ips"] = self.net.ports.fixed_ips_for(network, port["id"], wanted)
                    self.net.ports.save_port(port)
                    current["external_fixed_ips"] = port["fixed_ips"]
        router["external_gateway_info"] = current

    def _check_routes(self, router: Body, routes: Any) -> None:
        """Each nexthop must be on a subnet the router is connected to."""
        connected = []
        for port in self.cloud.store.query("port", owner=router["id"]):
            for ip in port["fixed_ips"]:
                subnet = self.cloud.store.get("subnet", ip["subnet_id"])
                if subnet is not None:
                    connected.append(ipaddress.ip_network(subnet["cidr"]))
        items: list[Any] = routes if isinstance(routes, list) else [routes]
        for route in items:
            try:
                ipaddress.ip_network(route["destination"])
                nexthop = ipaddress.ip_address(route["nexthop"])
            except (TypeError, KeyError, ValueError):
                raise ApiError(
                    400,
                    f"Invalid input for routes. Reason: Invalid data format "
                    f"for hostroute: '{route}'.",
                    kind="HTTPBadRequest",
                ) from None
            if not any(nexthop in network for network in connected):
                raise ApiError(
                    400,
                    f"Invalid format for routes: {routes}, the nexthop is not "
                    "connected with router",
                    kind="InvalidRoutes",
                )

    def _routes_entity(self, request: Request) -> tuple[Body, list[Any]]:
        router = self.net.find("router", request.params["id"])
        entity = request.entity("router")
        check_fields(entity, {"routes": list}, required=("routes",), where="router", neutron=True)
        return router, entity["routes"]

    def add_extraroutes(self, request: Request) -> Response:
        """PUT /routers/{id}/add_extraroutes: the union, each nexthop checked."""
        router, routes = self._routes_entity(request)
        self._check_routes(router, routes)
        merged = list(router.get("routes") or [])
        for route in routes:
            item = {"destination": route["destination"], "nexthop": route["nexthop"]}
            if item not in merged:
                merged.append(item)
        router["routes"] = merged
        stamp(self.cloud, router)
        self.cloud.save("router", router)
        return json_response(200, {"router": public(router)})

    def remove_extraroutes(self, request: Request) -> Response:
        """PUT /routers/{id}/remove_extraroutes: routes not present are ignored."""
        router, routes = self._routes_entity(request)
        gone = [
            {"destination": r.get("destination"), "nexthop": r.get("nexthop")}
            for r in routes
            if isinstance(r, dict)
        ]
        router["routes"] = [r for r in router.get("routes") or [] if r not in gone]
        stamp(self.cloud, router)
        self.cloud.save("router", router)
        return json_response(200, {"router": public(router)})

    def delete_router(self, request: Request) -> Response:
        """DELETE /v2.0/routers/{id}: 409 RouterInUse while interfaces remain."""
        router = self.net.find("router", request.params["id"])
        router_in_use(self.cloud, router["id"])
        ports = self.cloud.store.query("port", owner=router["id"])
        if any(p["device_owner"] == "network:router_interface" for p in ports):
            raise ApiError(409, f"Router {router['id']} still has ports", kind="RouterInUse")
        self._clear_gateway(router)
        self.cloud.store.delete("router", router["id"])
        return empty(204)

    def add_interface(self, request: Request) -> Response:
        """PUT /v2.0/routers/{id}/add_router_interface with subnet_id or port_id."""
        router = self.net.find("router", request.params["id"])
        data = request.json()
        if not isinstance(data, dict) or bool(data.get("subnet_id")) == bool(data.get("port_id")):
            raise ApiError(
                400,
                "Bad router request: Either subnet_id or port_id must be specified.",
                kind="BadRequest",
            )
        if data.get("port_id"):
            port = self.net.find("port", str(data["port_id"]))
            if port["device_id"]:
                raise ApiError(
                    409,
                    f"Unable to complete operation on port {port['id']} for "
                    f"network {port['network_id']}. Port already has an attached "
                    f"device {port['device_id']}.",
                    kind="PortInUse",
                )
            port["device_id"], port["device_owner"] = router["id"], "network:router_interface"
            self.net.ports.save_port(port)
        else:
            subnet = self.net.find("subnet", str(data["subnet_id"]))
            port = self._interface_port(router, subnet)
        subnet_id = port["fixed_ips"][0]["subnet_id"] if port["fixed_ips"] else None
        return json_response(200, self._interface_info(router, port, subnet_id))

    def _interface_port(self, router: Body, subnet: Body) -> Body:
        if not subnet.get("gateway_ip"):
            raise ApiError(
                400,
                "Bad router request: Subnet for router interface must have a gateway IP.",
                kind="BadRequest",
            )
        for port in self.cloud.store.query("port", owner=router["id"]):
            if any(ip["subnet_id"] == subnet["id"] for ip in port["fixed_ips"]):
                raise ApiError(
                    400,
                    f"Bad router request: Router already has a port on subnet {subnet['id']}.",
                    kind="BadRequest",
                )
        network = self.net.find("network", subnet["network_id"])
        return self.net.ports.create_port(
            router["project_id"],
            network,
            {
                "device_id": router["id"],
                "device_owner": "network:router_interface",
                "fixed_ips": [{"subnet_id": subnet["id"], "ip_address": subnet["gateway_ip"]}],
            },
        )

    @staticmethod
    def _interface_info(router: Body, port: Body, subnet_id: str | None) -> Body:
        return {
            "id": router["id"],
            "tenant_id": router["project_id"],
            "project_id": router["project_id"],
            "port_id": port["id"],
            "network_id": port["network_id"],
            "subnet_id": subnet_id,
            "subnet_ids": [ip["subnet_id"] for ip in port["fixed_ips"]],
        }

    def remove_interface(self, request: Request) -> Response:
        """PUT /v2.0/routers/{id}/remove_router_interface: 409 if floating IPs need it."""
        router = self.net.find("router", request.params["id"])
        data = request.json() if isinstance(request.json(), dict) else {}
        subnet_id, port_id = data.get("subnet_id"), data.get("port_id")
        for port in self.cloud.store.query("port", owner=router["id"]):
            subnets = [ip["subnet_id"] for ip in port["fixed_ips"]]
            if port["device_owner"] != "network:router_interface":
                continue
            if port["id"] == port_id or (subnet_id and subnet_id in subnets):
                self._check_fips_need(router, subnets)
                self._check_routes_need(router, subnets)
                for subnet in subnets:
                    router_in_use(self.cloud, router["id"], subnet)
                self.net.ports.delete_port(port)
                return json_response(
                    200, self._interface_info(router, port, subnets[0] if subnets else None)
                )
        if port_id:
            raise ApiError(
                404,
                f"Router {router['id']} does not have an interface with id {port_id}",
                kind="RouterInterfaceNotFound",
            )
        raise ApiError(
            404,
            f"Router {router['id']} has no interface on subnet {subnet_id}",
            kind="RouterInterfaceNotFoundForSubnet",
        )

    def _check_routes_need(self, router: Body, subnets: list[str]) -> None:
        """409 when an extra route's nexthop is reached only through these subnets."""
        for subnet_id in subnets:
            subnet = self.cloud.store.get("subnet", subnet_id)
            if subnet is None:
                continue
            cidr = ipaddress.ip_network(subnet["cidr"])
            for route in router.get("routes") or []:
                if ipaddress.ip_address(route["nexthop"]) in cidr:
                    raise ApiError(
                        409,
                        f"Router interface for subnet {subnet_id} on router {router['id']} "
                        "cannot be deleted, as it is required by one or more routes.",
                        kind="RouterInterfaceInUseByRoute",
                    )

    def _check_fips_need(self, router: Body, subnets: list[str]) -> None:
        for fip in self.cloud.store.query("floatingip", owner=router["id"]):
            port = self.cloud.store.get("port", fip.get("port_id") or "")
            if port and any(ip["subnet_id"] in subnets for ip in port["fixed_ips"]):
                raise ApiError(
                    409,
                    f"Router interface for subnet {subnets[0]} on router "
                    f"{router['id']} cannot be deleted, as it is required by one or "
                    "more floating IPs.",
                    kind="RouterInterfaceInUseByFloatingIP",
                )

    # -- floating IPs ----------------------------------------------------------------
    def create_fip(self, request: Request) -> Response:
        """POST /v2.0/floatingips: an address from the external network, maybe associated."""
        entity = request.entity("floatingip")
        check_fields(entity, FIP_FIELDS, where="floatingip", neutron=True)
        if "floating_network_id" not in entity:
            raise ApiError(
                400,
                "Failed to parse request. Required attribute 'floating_network_id' not specified",
                kind="HTTPBadRequest",
            )
        network = self.net.find("network", str(entity["floating_network_id"]))
        if not network["router:external"]:
            raise ApiError(
                400,
                f"Bad floatingip request: Network {network['id']} is not a valid external network.",
                kind="BadRequest",
            )
        project = self.net.project(request, entity)
        self.net.quota_check(project, "floatingip", "floatingip")
        fip_id = new_id()
        wanted = entity.get("floating_ip_address")
        fixed = [{"subnet_id": entity["subnet_id"]}] if entity.get("subnet_id") else None
        if wanted:
            fixed = [{"ip_address": wanted, **(fixed[0] if fixed else {})}]
        port = self.net.ports.create_port(
            project,
            network,
            {"device_id": fip_id, "device_owner": "network:floatingip", "fixed_ips": fixed},
        )
        if not port["fixed_ips"]:
            self.net.ports.delete_port(port)
            raise ApiError(
                400,
                f"Bad floatingip request: Network {network['id']} has no subnet.",
                kind="BadRequest",
            )
        body: Body = {
            "id": fip_id,
            "floating_network_id": network["id"],
            "floating_ip_address": port["fixed_ips"][0]["ip_address"],
            "fixed_ip_address": None,
            "port_id": None,
            "router_id": None,
            "dns_domain": "",
            "dns_name": "",
            "qos_policy_id": None,
            "port_forwardings": [],
            **new_standard(self.cloud, project, entity),
            "_cols": {"project": project},
        }
        if entity.get("port_id"):
            self._associate(body, str(entity["port_id"]), entity.get("fixed_ip_address"))
        self.cloud.save("floatingip", body)
        return json_response(201, {"floatingip": self.fip_view(body)})

    def _associate(self, fip: Body, port_id: str, fixed_ip: str | None) -> None:
        if self.cloud.store.query("port_forwarding", parent=fip["id"]):
            raise ApiError(
                409,
                f"Floating IP {fip['id']} in use by Port Forwarding resources.",
                kind="FipInUseByPortForwarding",
            )
        port = self.net.find("port", port_id)
        v4 = [ip for ip in port["fixed_ips"] if ":" not in ip["ip_address"]]
        if fixed_ip:
            v4 = [ip for ip in v4 if ip["ip_address"] == fixed_ip]
        if not v4:
            raise ApiError(
                400,
                f"Bad floatingip request: Port {port_id} does not have fixed "
                f"ip {fixed_ip or 'IPv4 address'}.",
                kind="BadRequest",
            )
        chosen = v4[0]
        for other in self.cloud.store.query("floatingip", parent=port_id):
            if other["id"] != fip["id"] and other.get("fixed_ip_address") == chosen["ip_address"]:
                raise ApiError(
                    409,
                    f"Cannot associate floating IP {fip['floating_ip_address']}"
                    f" ({fip['id']}) with port {port_id} using fixed IP "
                    f"{chosen['ip_address']}, as that fixed IP already has a "
                    f"floating IP on external network {fip['floating_network_id']}.",
                    kind="FloatingIPPortAlreadyAssociated",
                )
        router = self._router_for(fip["floating_network_id"], chosen["subnet_id"])
        if router is None:
            raise ApiError(
                404,
                f"External network {fip['floating_network_id']} is not "
                f"reachable from subnet {chosen['subnet_id']}.  Therefore, cannot "
                f"associate Port {port_id} with a Floating IP.",
                kind="ExternalGatewayForFloatingIPNotFound",
            )
        fip.update(port_id=port_id, fixed_ip_address=chosen["ip_address"], router_id=router["id"])
        fip["_cols"].update(owner=router["id"], parent=port_id)

    def _router_for(self, external_net: str, subnet_id: str) -> Body | None:
        """A router with a gateway on the external network and an interface on the subnet."""
        for router in self.cloud.store.query("router"):
            if (router.get("external_gateway_info") or {}).get("network_id") != external_net:
                continue
            for port in self.cloud.store.query("port", owner=router["id"]):
                if port["device_owner"] == "network:router_interface" and any(
                    ip["subnet_id"] == subnet_id for ip in port["fixed_ips"]
                ):
                    return router
        return None

    def _disassociate(self, fip: Body) -> None:
        fip.update(port_id=None, fixed_ip_address=None, router_id=None)
        fip["_cols"].update(owner="", parent="")

    def disassociate_port(self, port_id: str) -> None:
        """Called when a port goes away: floating IPs on it become free again."""
        for fip in self.cloud.store.query("floatingip", parent=port_id):
            if fip.get("port_id") == port_id:
                self._disassociate(fip)
                stamp(self.cloud, fip)
                self.cloud.save("floatingip", fip)

    def fip_view(self, body: Body) -> Body:
        """A floating IP as clients see it: ACTIVE while associated."""
        view = public(body)
        view["status"] = "ACTIVE" if body.get("port_id") else "DOWN"
        view["port_details"] = None
        port = self.cloud.store.get("port", body.get("port_id") or "")
        if port is not None:
            shown = self.net.ports.port_view(port)
            view["port_details"] = {
                key: shown[key]
                for key in (
                    "name",
                    "network_id",
                    "mac_address",
                    "admin_state_up",
                    "status",
                    "device_id",
                    "device_owner",
                )
            }
        return view

    def update_fip(self, request: Request) -> Response:
        """PUT /v2.0/floatingips/{id}: associate, move or disassociate."""
        fip = self.net.find("floatingip", request.params["id"])
        entity = request.entity("floatingip")
        allowed = {
            k: FIP_FIELDS[k]
            for k in ("port_id", "fixed_ip_address", "description", "qos_policy_id")
        }
        check_fields(entity, allowed, where="floatingip", neutron=True)
        if "port_id" in entity:
            if entity["port_id"]:
                self._associate(fip, str(entity["port_id"]), entity.get("fixed_ip_address"))
            else:
                self._disassociate(fip)
        for key in ("description", "qos_policy_id"):
            if key in entity:
                fip[key] = entity[key]
        stamp(self.cloud, fip)
        self.cloud.save("floatingip", fip)
        return json_response(200, {"floatingip": self.fip_view(fip)})

    def delete_fip(self, request: Request) -> Response:
        """DELETE /v2.0/floatingips/{id}: the address goes back to the pool."""
        fip = self.net.find("floatingip", request.params["id"])
        cascade(self.net, "port_forwarding", "floatingip_id", fip["id"])
        for port in self.cloud.store.query("port", owner=fip["id"]):
            self.cloud.store.release_ips(port["id"])
            self.cloud.store.delete("port", port["id"])
        self.cloud.store.delete("floatingip", fip["id"])
        return empty(204)
