"""Neutron: networks, subnets with IP allocation, ports, tags, extensions and quotas.

Routers and floating IPs live in network_l3.py, security groups in network_sg.py; this
module owns the service object, the routes and the port/IP machinery they all use.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from heatctl.sandbox.cloud import Cloud
from heatctl.sandbox.network_generic import Collection
from heatctl.sandbox.neutron_common import (
    COLLECTIONS,
    check_name_like,
    list_response,
    new_standard,
    stamp,
)
from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    Router,
    as_bool,
    check_fields,
    empty,
    json_response,
    new_id,
    public,
)

BOOL = (bool, str, int)
NULLABLE_STR = (str, type(None))
NETWORK_FIELDS: dict[str, Any] = {
    "name": str,
    "admin_state_up": BOOL,
    "shared": BOOL,
    "router:external": BOOL,
    "description": str,
    "mtu": int,
    "port_security_enabled": BOOL,
    "availability_zone_hints": list,
    "tenant_id": str,
    "project_id": str,
    "provider:network_type": str,
    "provider:physical_network": str,
    "provider:segmentation_id": (int, str),
    "qos_policy_id": NULLABLE_STR,
    "dns_domain": str,
    "is_default": BOOL,
    "tags": list,
    "segments": list,
}
SUBNET_FIELDS: dict[str, Any] = {
    "name": str,
    "network_id": str,
    "ip_version": (int, str),
    "cidr": str,
    "gateway_ip": NULLABLE_STR,
    "allocation_pools": list,
    "enable_dhcp": BOOL,
    "dns_nameservers": list,
    "host_routes": list,
    "ipv6_ra_mode": NULLABLE_STR,
    "ipv6_address_mode": NULLABLE_STR,
    "subnetpool_id": NULLABLE_STR,
    "description": str,
    "tenant_id": str,
    "project_id": str,
    "service_types": list,
    "segment_id": NULLABLE_STR,
    "tags": list,
    "prefixlen": (int, str),
    "use_default_subnetpool": BOOL,
    "dns_publish_fixed_ip": BOOL,
}
EXTENSIONS = [
    ("external-net", "Neutron external network"),
    ("router", "Neutron L3 Router"),
    ("security-group", "security-group"),
    ("quotas", "Quota management support"),
    ("tag-creation", "Tag creation extension"),
    ("extraroute", "Neutron Extra Route"),
    ("qos", "Quality of Service"),
    ("qos-bw-limit-direction", "Direction for QoS bandwidth limit rule"),
    ("standard-attr-tag", "Tag support for resources with standard attribute"),
    ("standard-attr-description", "standard-attr-description"),
    ("standard-attr-timestamp", "Resource timestamps"),
    ("standard-attr-revisions", "Resource revision numbers"),
    ("binding", "Port Binding"),
    ("port-security", "Port Security"),
    ("allowed-address-pairs", "Allowed Address Pairs"),
    ("ext-gw-mode", "Neutron L3 Configurable external gateway mode"),
    ("net-mtu", "Network MTU"),
    ("stateful-security-group", "Stateful security group"),
    ("extraroute-atomic", "Atomically add/remove extra routes"),
    ("qos-pps-minimum", "QoS minimum packet rate rule"),
    ("qos-bw-minimum-ingress", "QoS minimum bandwidth rule direction"),
    ("provider", "Provider Network"),
    ("multi-provider", "Multi Provider Network"),
    ("segment", "Segment"),
    ("rbac-policies", "RBAC Policies"),
    ("rbac-address-scope", "Add address_scope type to RBAC"),
    ("rbac-subnetpool", "Add subnetpool type to RBAC"),
    ("rbac-security-groups", "Add security_group type to network RBAC"),
    ("subnet_allocation", "Subnet Allocation"),
    ("address-scope", "Address scope"),
    ("default-subnetpools", "Default Subnetpools"),
    ("trunk", "Trunk Extension"),
    ("trunk-details", "Trunk port details"),
    ("quota_details", "Quota details management support"),
    ("metering", "Neutron Metering"),
    ("floating-ip-port-forwarding", "Floating IP Port Forwarding"),
    ("vpnaas", "VPN service"),
    ("fwaas", "Firewall service"),
    ("sfc", "Service Function Chaining"),
    ("flow_classifier", "Flow Classifier"),
    ("taas", "Neutron Tap as a Service"),
    ("l2-gateway", "Neutron L2 Gateway"),
    ("l2-gateway-connection", "Neutron L2 Gateway connection"),
    ("network-gateway", "Network Gateway"),
]

NOT_FOUND = {
    "network": ("Network", "NetworkNotFound"),
    "subnet": ("Subnet", "SubnetNotFound"),
    "port": ("Port", "PortNotFound"),
    "router": ("Router", "RouterNotFound"),
    "floatingip": ("Floating IP", "FloatingIPNotFound"),
    "security_group": ("Security group", "SecurityGroupNotFound"),
    "sg_rule": ("Security group rule", "SecurityGroupRuleNotFound"),
}


# Query parameters answered from an index column (the rest filter in Python).
INDEXED = {
    "name": "name",
    "network_id": "parent",
    "device_id": "owner",
    "security_group_id": "parent",
}


def indexed(request: Request, kind: str) -> dict[str, str]:
    """Single-valued filters that map to a store index for this kind."""
    out = {}
    for param, column in INDEXED.items():
        values = request.query.get(param)
        if values and len(values) == 1:
            if column == "parent" and kind not in ("port", "subnet", "sg_rule"):
                continue
            if column == "owner" and kind != "port":
                continue
            out[column] = values[0]
    return out


def _conflict(message: str, kind: str) -> ApiError:
    return ApiError(409, message, kind=kind)


class NetworkService:
    """Neutron's v2.0 API on the sandbox store."""

    def __init__(self, cloud: Cloud) -> None:
        from heatctl.sandbox import network_fw
        from heatctl.sandbox.network_admin import Admin
        from heatctl.sandbox.network_l3 import L3
        from heatctl.sandbox.network_pools import Pools
        from heatctl.sandbox.network_ports import Ports
        from heatctl.sandbox.network_qos import QoS
        from heatctl.sandbox.network_services import extension_collections
        from heatctl.sandbox.network_sg import SecurityGroups
        from heatctl.sandbox.network_trunk import Trunks

        self.cloud = cloud
        self.l3 = L3(self)
        self.ports = Ports(self)
        self.qos = QoS(self)
        self.sg = SecurityGroups(self)
        self.pools = Pools(self)
        self.trunks = Trunks(self)
        self.admin = Admin(self)
        self.services = extension_collections(self)
        self.collections: dict[str, Collection] = {
            c.spec.kind: c
            for c in (
                self.pools.pools,
                self.pools.scopes,
                self.trunks.trunks,
                self.admin.rbac,
                self.admin.segments,
                *self.services,
            )
        }
        self.router = Router()
        r = self.router.add
        r("GET", "", self.versions)
        r("GET", "/v2.0", self.versions)
        r("GET", "/v2.0/extensions", self.extensions)
        r("GET", "/v2.0/availability_zones", self.zones)
        r("GET", "/v2.0/extensions/{alias}", self.extension)
        r("GET", "/v2.0/networks", lambda q: self.listing(q, "networks", "network"))
        r("POST", "/v2.0/networks", self.create_network)
        r("GET", "/v2.0/networks/{id}", lambda q: self.show(q, "network"))
        r("PUT", "/v2.0/networks/{id}", self.update_network)
        r("DELETE", "/v2.0/networks/{id}", self.delete_network)
        r("GET", "/v2.0/subnets", lambda q: self.listing(q, "subnets", "subnet"))
        r("POST", "/v2.0/subnets", self.create_subnet)
        r("GET", "/v2.0/subnets/{id}", lambda q: self.show(q, "subnet"))
        r("PUT", "/v2.0/subnets/{id}", self.update_subnet)
        r("DELETE", "/v2.0/subnets/{id}", self.delete_subnet)
        r("GET", "/v2.0/ports", lambda q: self.listing(q, "ports", "port"))
        r("POST", "/v2.0/ports", self.ports.create_port_api)
        r("GET", "/v2.0/ports/{id}", lambda q: self.show(q, "port"))
        r("PUT", "/v2.0/ports/{id}", self.ports.update_port)
        r("DELETE", "/v2.0/ports/{id}", self.ports.delete_port_api)
        for collection in COLLECTIONS:
            r("GET", f"/v2.0/{collection}/{{id}}/tags", self.ports.tags)
            r("PUT", f"/v2.0/{collection}/{{id}}/tags", self.ports.tags)
            r("POST", f"/v2.0/{collection}/{{id}}/tags", self.ports.tags)
            r("DELETE", f"/v2.0/{collection}/{{id}}/tags", self.ports.tags)
            r("GET", f"/v2.0/{collection}/{{id}}/tags/{{tag}}", self.ports.tag)
            r("PUT", f"/v2.0/{collection}/{{id}}/tags/{{tag}}", self.ports.tag)
            r("DELETE", f"/v2.0/{collection}/{{id}}/tags/{{tag}}", self.ports.tag)
        self.l3.routes(r)
        self.qos.routes(r)
        self.sg.routes(r)
        self.pools.routes(r)
        self.trunks.routes(r)
        self.admin.routes(r)
        for service in self.services:
            service.routes(r)
        network_fw.routes(self, r)

    # -- shared helpers ------------------------------------------------------------------
    def project(self, request: Request, entity: Body | None = None) -> str:
        """The owning project: the caller's, or tenant_id/project_id given by an admin."""
        entity = entity or {}
        return str(entity.get("project_id") or entity.get("tenant_id") or request.project_id)

    def quota_check(self, project: str, name: str, kind: str) -> None:
        """409 OverQuota as neutron-lib words it."""
        if self.admin.over_quota(project, name, self.cloud.store.count(kind, project)):
            raise ApiError(409, f"Quota exceeded for resources: ['{name}'].", kind="OverQuota")

    def find(self, kind: str, id_: str) -> Body:
        """A resource or Neutron's NotFound for its kind."""
        if kind not in NOT_FOUND:
            return self.find_any(kind, id_)
        label, error_kind = NOT_FOUND[kind]
        message = f"{label} {id_} could not be found."
        if kind == "floatingip":
            message = f"Floating IP {id_} could not be found"
        return self.cloud.require(kind, id_, message, error_kind=error_kind)

    def find_any(self, kind: str, id_: str) -> Body:
        """Any Neutron object by its store kind, with the 404 its collection answers."""
        if kind == "qos_policy":
            return self.qos.find(id_)
        if kind in self.collections:
            return self.collections[kind].find(id_)
        if kind not in NOT_FOUND:
            raise KeyError(f"the sandbox has no Neutron kind '{kind}'")
        return self.find(kind, id_)

    def view(self, kind: str, body: Body) -> Body:
        """The client-visible form of a stored resource."""
        if kind == "port":
            return self.ports.port_view(body)
        if kind == "security_group":
            return self.sg.view(body)
        if kind == "floatingip":
            return self.l3.fip_view(body)
        return public(body)

    def listing(self, request: Request, plural: str, kind: str) -> Response:
        """GET a collection with Neutron's filters and paging."""
        items = [self.view(kind, item) for item in self.cloud.query(kind, **indexed(request, kind))]
        return list_response(request, self.cloud, plural, plural, items)

    def show(self, request: Request, kind: str) -> Response:
        """GET one resource."""
        body = self.find(kind, request.params["id"])
        data = self.view(kind, body)
        fields = request.query.get("fields")
        if fields:
            data = {k: v for k, v in data.items() if k in fields}
        return json_response(200, {kind: data})

    def versions(self, request: Request) -> Response:
        """GET /network: the versions document."""
        href = f"{self.cloud.base_url}/network/v2.0/"
        return json_response(
            200,
            {
                "versions": [
                    {"id": "v2.0", "status": "CURRENT", "links": [{"rel": "self", "href": href}]}
                ]
            },
        )

    def extensions(self, request: Request) -> Response:
        """GET /v2.0/extensions: only what this sandbox implements."""
        return json_response(200, {"extensions": [self._ext(a, n) for a, n in EXTENSIONS]})

    def extension(self, request: Request) -> Response:
        """GET /v2.0/extensions/{alias}."""
        for alias, name in EXTENSIONS:
            if alias == request.params["alias"]:
                return json_response(200, {"extension": self._ext(alias, name)})
        raise ApiError(
            404, f"Extension with alias {request.params['alias']} does not exist", kind="NotFound"
        )

    def zones(self, request: Request) -> Response:
        """GET /v2.0/availability_zones: the one zone, for networks and routers."""
        zones = [
            {"name": "nova", "resource": kind, "state": "available"}
            for kind in ("network", "router")
        ]
        return list_response(request, self.cloud, "availability_zones", "availability_zones", zones)

    @staticmethod
    def _ext(alias: str, name: str) -> Body:
        return {
            "alias": alias,
            "name": name,
            "description": name,
            "links": [],
            "updated": "2013-01-01T10:00:00-00:00",
        }

    # -- networks ------------------------------------------------------------------------
    def create_network(self, request: Request) -> Response:
        """POST /v2.0/networks."""
        entity = request.entity("network")
        check_fields(entity, NETWORK_FIELDS, where="network", neutron=True)
        check_name_like(entity.get("name"), "name")
        if entity.get("qos_policy_id"):
            self.qos.find(str(entity["qos_policy_id"]))
        project = self.project(request, entity)
        self.quota_check(project, "network", "network")
        entity = {**entity, **self.admin.provider(request, entity)}
        body = self.new_network(project, entity)
        return json_response(201, {"network": public(body)})

    def new_network(self, project: str, entity: Body) -> Body:
        """Create and store a network (also used by seeding), with the segment ML2 gives
        it: a geneve one of its own when no provider attributes are asked for."""
        if "provider:network_type" not in entity:
            segmentation_id = self.admin.allocate("geneve", None, None)
            entity = {**entity, "provider:segmentation_id": segmentation_id}
        external = as_bool(entity.get("router:external", False), "router:external")
        body: Body = {
            "id": new_id(),
            "name": entity.get("name", ""),
            "status": "ACTIVE",
            "admin_state_up": as_bool(entity.get("admin_state_up", True), "admin_state_up"),
            "shared": as_bool(entity.get("shared", False), "shared"),
            "router:external": external,
            "subnets": [],
            "mtu": entity.get("mtu", 1442),
            "port_security_enabled": as_bool(
                entity.get("port_security_enabled", True), "port_security_enabled"
            ),
            "availability_zone_hints": entity.get("availability_zone_hints", []),
            "availability_zones": ["nova"],
            "ipv4_address_scope": None,
            "ipv6_address_scope": None,
            "is_default": as_bool(entity.get("is_default", False), "is_default"),
            "l2_adjacency": True,
            "qos_policy_id": entity.get("qos_policy_id"),
            "dns_domain": entity.get("dns_domain", ""),
            "provider:network_type": entity.get("provider:network_type", "geneve"),
            "provider:physical_network": entity.get("provider:physical_network"),
            "provider:segmentation_id": entity.get("provider:segmentation_id", 1000),
            **new_standard(self.cloud, project, entity),
        }
        body["_cols"] = {"project": project}
        self.cloud.save("network", body)
        self.admin.network_segment(body)
        return body

    def update_network(self, request: Request) -> Response:
        """PUT /v2.0/networks/{id}."""
        body = self.find("network", request.params["id"])
        entity = request.entity("network")
        allowed = {
            k: NETWORK_FIELDS[k]
            for k in (
                "name",
                "admin_state_up",
                "shared",
                "router:external",
                "description",
                "mtu",
                "port_security_enabled",
                "qos_policy_id",
                "dns_domain",
                "is_default",
                "provider:network_type",
                "provider:physical_network",
                "provider:segmentation_id",
            )
        }
        check_fields(entity, allowed, where="network", neutron=True)
        check_name_like(entity.get("name"), "name")
        provider = self.admin.provider(request, entity, body)
        entity = {k: v for k, v in entity.items() if not k.startswith("provider:")}
        if provider:
            body.update(provider)
            self.admin.network_segment(body)
        for key, value in entity.items():
            body[key] = as_bool(value, key) if allowed[key] is BOOL else value
        stamp(self.cloud, body)
        self.cloud.save("network", body)
        return json_response(200, {"network": public(body)})

    def delete_network(self, request: Request) -> Response:
        """DELETE /v2.0/networks/{id}: 409 NetworkInUse while ports remain."""
        body = self.find("network", request.params["id"])
        ports = self.cloud.store.query("port", parent=body["id"])
        if ports:
            raise _conflict(
                f"Unable to complete operation on network {body['id']}. There are "
                "one or more ports still in use on the network.",
                "NetworkInUse",
            )
        # Neutron removes a network's subnets along with it once no port uses them, and
        # its segments and RBAC policies.
        for subnet_id in body["subnets"]:
            self.cloud.store.delete("subnet", subnet_id)
        self.admin.network_deleted(body)
        self.cloud.store.delete("network", body["id"])
        return empty(204)

    # -- subnets -------------------------------------------------------------------------
    def create_subnet(self, request: Request) -> Response:
        """POST /v2.0/subnets: CIDR checks, gateway and pools, overlap detection."""
        entity = request.entity("subnet")
        check_fields(entity, SUBNET_FIELDS, where="subnet", neutron=True)
        check_name_like(entity.get("name"), "name")
        for required in ("network_id", "ip_version"):
            if required not in entity:
                raise ApiError(
                    400,
                    f"Failed to parse request. Required attribute '{required}' not specified",
                    kind="HTTPBadRequest",
                )
        network = self.find("network", str(entity["network_id"]))
        project = self.project(request, entity)
        self.quota_check(project, "subnet", "subnet")
        if entity.get("subnetpool_id") or as_bool(
            entity.get("use_default_subnetpool", False), "use_default_subnetpool"
        ):
            cidr, pool_id = self.pools.allocate(entity, network)
            entity = {**entity, "cidr": cidr, "subnetpool_id": pool_id}
        if entity.get("segment_id"):
            self.admin.check_subnet_segment(network, str(entity["segment_id"]))
        body = self.new_subnet(project, network, entity)
        return json_response(201, {"subnet": public(body)})

    def new_subnet(self, project: str, network: Body, entity: Body) -> Body:
        """Validate and store a subnet, linking it into its network."""
        cidr = self._parse_cidr(entity, network)
        gateway = self._gateway(entity, cidr)
        pools = entity.get("allocation_pools") or self._default_pools(cidr, gateway)
        body: Body = {
            "id": new_id(),
            "name": entity.get("name", ""),
            "network_id": network["id"],
            "ip_version": cidr.version,
            "cidr": str(cidr),
            "gateway_ip": gateway,
            "allocation_pools": pools,
            "enable_dhcp": as_bool(entity.get("enable_dhcp", True), "enable_dhcp"),
            "dns_nameservers": entity.get("dns_nameservers", []),
            "host_routes": entity.get("host_routes", []),
            "ipv6_ra_mode": entity.get("ipv6_ra_mode"),
            "ipv6_address_mode": entity.get("ipv6_address_mode"),
            "subnetpool_id": entity.get("subnetpool_id"),
            "service_types": entity.get("service_types", []),
            "segment_id": entity.get("segment_id"),
            "dns_publish_fixed_ip": False,
            **new_standard(self.cloud, project, entity),
            "_cols": {"project": project, "parent": network["id"]},
            "_hint": 0,
        }
        self.cloud.save("subnet", body)
        network["subnets"] = [*network["subnets"], body["id"]]
        self.cloud.save("network", network)
        return body

    def _parse_cidr(self, entity: Body, network: Body) -> Any:
        text = entity.get("cidr")
        if not isinstance(text, str):
            raise ApiError(
                400,
                "Bad subnets request: a subnetpool must be specified in the absence of a cidr.",
                kind="BadRequest",
            )
        try:
            cidr = ipaddress.ip_network(text, strict=False)
            version = int(entity["ip_version"])
        except ValueError:
            raise ApiError(
                400,
                f"Invalid input for cidr. Reason: '{text}' is not a valid IP subnet.",
                kind="HTTPBadRequest",
            ) from None
        if version != cidr.version:
            raise ApiError(
                400,
                "Invalid input for operation: cidr and ip_version mismatch.",
                kind="InvalidInput",
            )
        for other_id in network["subnets"]:
            other = self.cloud.store.get("subnet", other_id)
            if other and ipaddress.ip_network(other["cidr"]).overlaps(cidr):
                raise ApiError(
                    400,
                    f"Invalid input for operation: Requested subnet with cidr: "
                    f"{cidr} for network: {network['id']} overlaps with another "
                    "subnet.",
                    kind="InvalidInput",
                )
        return cidr

    @staticmethod
    def _gateway(entity: Body, cidr: Any) -> str | None:
        if "gateway_ip" in entity:
            gateway = entity["gateway_ip"]
            if gateway is not None and ipaddress.ip_address(gateway) not in cidr:
                raise ApiError(
                    400,
                    f"Invalid input for operation: Gateway IP {gateway} is not in subnet {cidr}.",
                    kind="InvalidInput",
                )
            return gateway if gateway is None else str(gateway)
        return str(cidr.network_address + 1) if cidr.num_addresses > 2 else None

    @staticmethod
    def _default_pools(cidr: Any, gateway: str | None) -> list[Body]:
        first = cidr.network_address + 1
        last = cidr.broadcast_address - (1 if cidr.version == 4 else 0)
        if gateway and ipaddress.ip_address(gateway) == first:
            first += 1
        return [{"start": str(first), "end": str(last)}] if first <= last else []

    def update_subnet(self, request: Request) -> Response:
        """PUT /v2.0/subnets/{id}."""
        body = self.find("subnet", request.params["id"])
        entity = request.entity("subnet")
        allowed = {
            k: SUBNET_FIELDS[k]
            for k in (
                "name",
                "description",
                "gateway_ip",
                "enable_dhcp",
                "dns_nameservers",
                "host_routes",
                "allocation_pools",
            )
        }
        check_fields(entity, allowed, where="subnet", neutron=True)
        check_name_like(entity.get("name"), "name")
        body.update(entity)
        stamp(self.cloud, body)
        self.cloud.save("subnet", body)
        return json_response(200, {"subnet": public(body)})

    def delete_subnet(self, request: Request) -> Response:
        """DELETE /v2.0/subnets/{id}: 409 SubnetInUse while ports hold addresses."""
        body = self.find("subnet", request.params["id"])
        if self.cloud.store.ips_in_use(body["id"]):
            raise _conflict(
                f"Unable to complete operation on subnet {body['id']}: One or more "
                "ports have an IP allocation from this subnet.",
                "SubnetInUse",
            )
        network = self.cloud.store.get("network", body["network_id"])
        if network is not None:
            network["subnets"] = [s for s in network["subnets"] if s != body["id"]]
            self.cloud.save("network", network)
        self.cloud.store.delete("subnet", body["id"])
        return empty(204)
