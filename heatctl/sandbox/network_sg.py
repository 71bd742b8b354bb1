"""Neutron security groups and their rules, with the per-project default group."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from heatctl.sandbox.neutron_common import check_name_like, new_standard, stamp
from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    check_fields,
    empty,
    json_response,
    new_id,
    public,
)

if TYPE_CHECKING:
    from heatctl.sandbox.network import NetworkService

OPT_STR = (str, type(None))
SG_FIELDS: dict[str, Any] = {
    "name": str,
    "description": str,
    "tenant_id": str,
    "project_id": str,
    "stateful": (bool, str),
    "tags": list,
}
RULE_FIELDS: dict[str, Any] = {
    "security_group_id": str,
    "direction": str,
    "ethertype": str,
    "protocol": (str, int, type(None)),
    "port_range_min": (int, str, type(None)),
    "port_range_max": (int, str, type(None)),
    "remote_ip_prefix": OPT_STR,
    "remote_group_id": OPT_STR,
    "remote_address_group_id": OPT_STR,
    "description": str,
    "tenant_id": str,
    "project_id": str,
}
PROTOCOLS = {
    "tcp",
    "udp",
    "icmp",
    "icmpv6",
    "ipv6-icmp",
    "sctp",
    "gre",
    "ah",
    "esp",
    "any",
    "dccp",
    "egp",
    "encap",
    "igmp",
    "ipip",
    "ospf",
    "pgm",
    "rsvp",
    "udplite",
    "vrrp",
}


class SecurityGroups:
    """security-groups and security-group-rules collections."""

    def __init__(self, net: NetworkService) -> None:
        self.net = net
        self.cloud = net.cloud

    def routes(self, r: Callable[..., None]) -> None:
        """Register the routes."""
        r("GET", "/v2.0/security-groups", self.list_groups)
        r("POST", "/v2.0/security-groups", self.create_group)
        r("GET", "/v2.0/security-groups/{id}", lambda q: self.net.show(q, "security_group"))
        r("PUT", "/v2.0/security-groups/{id}", self.update_group)
        r("DELETE", "/v2.0/security-groups/{id}", self.delete_group)
        r(
            "GET",
            "/v2.0/security-group-rules",
            lambda q: self.net.listing(q, "security_group_rules", "sg_rule"),
        )
        r("POST", "/v2.0/security-group-rules", self.create_rule_api)
        r("GET", "/v2.0/security-group-rules/{id}", self.show_rule)
        r("DELETE", "/v2.0/security-group-rules/{id}", self.delete_rule)

    def view(self, body: Body) -> Body:
        """A group with its rules embedded."""
        view = public(body)
        view["security_group_rules"] = [
            public(rule) for rule in self.cloud.store.query("sg_rule", parent=body["id"])
        ]
        return view

    def list_groups(self, request: Request) -> Response:
        """GET /v2.0/security-groups (creates the caller's default group on first sight)."""
        self.default_group(request.project_id)
        return self.net.listing(request, "security_groups", "security_group")

    def default_group(self, project: str) -> Body:
        """The project's `default` group, created as Neutron does on first use."""
        for group in self.cloud.store.query("security_group", project=project, name="default"):
            return group
        seeding, self.cloud.seeding = self.cloud.seeding, True  # made by Neutron, not a user
        try:
            group = self._new_group(
                project, {"name": "default", "description": "Default security group"}
            )
            for ethertype in ("IPv4", "IPv6"):
                self._new_rule(
                    group,
                    {
                        "direction": "ingress",
                        "ethertype": ethertype,
                        "remote_group_id": group["id"],
                    },
                )
        finally:
            self.cloud.seeding = seeding
        return group

    def _new_group(self, project: str, entity: Body) -> Body:
        group: Body = {
            "id": new_id(),
            "name": entity.get("name", ""),
            "stateful": True,
            "shared": False,
            **new_standard(self.cloud, project, entity),
            "_cols": {"project": project},
        }
        self.cloud.save("security_group", group)
        for ethertype in ("IPv4", "IPv6"):
            self._new_rule(group, {"direction": "egress", "ethertype": ethertype})
        return group

    def create_group(self, request: Request) -> Response:
        """POST /v2.0/security-groups: two default egress rules come with it."""
        entity = request.entity("security_group")
        check_fields(entity, SG_FIELDS, where="security_group", neutron=True)
        check_name_like(entity.get("name"), "name")
        project = self.net.project(request, entity)
        if entity.get("name") == "default":
            self.default_group(project)
            raise ApiError(
                409,
                "Default security group already exists.",
                kind="SecurityGroupDefaultAlreadyExists",
            )
        self.default_group(project)
        self.net.quota_check(project, "security_group", "security_group")
        group = self._new_group(project, entity)
        return json_response(201, {"security_group": self.view(group)})

    def update_group(self, request: Request) -> Response:
        """PUT /v2.0/security-groups/{id}."""
        group = self.net.find("security_group", request.params["id"])
        entity = request.entity("security_group")
        check_fields(
            entity,
            {"name": str, "description": str, "stateful": (bool, str)},
            where="security_group",
            neutron=True,
        )
        check_name_like(entity.get("name"), "name")
        if group["name"] == "default" and entity.get("name", "default") != "default":
            raise ApiError(
                409,
                "Insufficient rights for removing default security group.",
                kind="SecurityGroupCannotUpdateDefault",
            )
        group.update(entity)
        stamp(self.cloud, group)
        self.cloud.save("security_group", group)
        return json_response(200, {"security_group": self.view(group)})

    def delete_group(self, request: Request) -> Response:
        """DELETE: 409 for the default group and for groups ports still use."""
        group = self.net.find("security_group", request.params["id"])
        if group["name"] == "default":
            raise ApiError(
                409,
                "Insufficient rights for removing default security group.",
                kind="SecurityGroupCannotRemoveDefault",
            )
        for port in self.cloud.store.query("port"):
            if group["id"] in port.get("security_groups", []):
                raise ApiError(
                    409, f"Security Group {group['id']} in use.", kind="SecurityGroupInUse"
                )
        for rule in self.cloud.store.query("sg_rule", parent=group["id"]):
            self.cloud.store.delete("sg_rule", rule["id"])
        self.cloud.store.delete("security_group", group["id"])
        return empty(204)

    # -- rules -------------------------------------------------------------------------
    def create_rule_api(self, request: Request) -> Response:
        """POST /v2.0/security-group-rules with Neutron's validation."""
        entity = request.entity("security_group_rule")
        check_fields(entity, RULE_FIELDS, where="security_group_rule", neutron=True)
        if "security_group_id" not in entity:
            raise ApiError(
                400,
                "Failed to parse request. Required attribute 'security_group_id' not specified",
                kind="HTTPBadRequest",
            )
        group = self.net.find("security_group", str(entity["security_group_id"]))
        self.net.quota_check(group["project_id"], "security_group_rule", "sg_rule")
        rule = self._new_rule(group, entity)
        return json_response(201, {"security_group_rule": public(rule)})

    def _new_rule(self, group: Body, entity: Body) -> Body:
        direction = entity.get("direction")
        if direction not in ("ingress", "egress"):
            raise ApiError(
                400,
                f"Invalid input for direction. Reason: '{direction}' is not in "
                "['ingress', 'egress'].",
                kind="HTTPBadRequest",
            )
        ethertype = entity.get("ethertype", "IPv4")
        if ethertype not in ("IPv4", "IPv6"):
            raise ApiError(
                400,
                f"Invalid input for ethertype. Reason: '{ethertype}' is not in ['IPv4', 'IPv6'].",
                kind="HTTPBadRequest",
            )
        protocol = self._protocol(entity.get("protocol"))
        low, high = self._ports(entity, protocol)
        if entity.get("remote_ip_prefix") and entity.get("remote_group_id"):
            raise ApiError(
                400,
                "Only remote_ip_prefix or remote_group_id may be provided.",
                kind="SecurityGroupRemoteGroupAndRemoteIpPrefix",
            )
        rule: Body = {
            "id": new_id(),
            "security_group_id": group["id"],
            "direction": direction,
            "ethertype": ethertype,
            "protocol": protocol,
            "port_range_min": low,
            "port_range_max": high,
            "remote_ip_prefix": entity.get("remote_ip_prefix"),
            "normalized_cidr": entity.get("remote_ip_prefix"),
            "remote_group_id": entity.get("remote_group_id"),
            "remote_address_group_id": None,
            "belongs_to_default_sg": group["name"] == "default",
            **new_standard(self.cloud, group["project_id"], entity),
            "_cols": {"project": group["project_id"], "parent": group["id"]},
        }
        self._check_duplicate(rule)
        self.cloud.save("sg_rule", rule)
        return rule

    @staticmethod
    def _protocol(value: Any) -> str | None:
        if value is None or value == "any":
            return None
        text = str(value).lower()
        if text.isdigit() and 0 <= int(text) <= 255:
            return text
        if text not in PROTOCOLS:
            raise ApiError(
                400,
                f"Security group rule protocol {value} not supported. Only "
                "protocol values [None, 'tcp', 'udp', 'icmp', ...] and integer "
                "representations [0 to 255] are supported.",
                kind="SecurityGroupRuleInvalidProtocol",
            )
        return text

    @staticmethod
    def _ports(entity: Body, protocol: str | None) -> tuple[int | None, int | None]:
        try:
            low = None if entity.get("port_range_min") is None else int(entity["port_range_min"])
            high = None if entity.get("port_range_max") is None else int(entity["port_range_max"])
        except (TypeError, ValueError):
            raise ApiError(
                400,
                "Invalid input for port_range_min. Reason: not an integer.",
                kind="HTTPBadRequest",
            ) from None
        bounded = protocol in ("tcp", "udp", "sctp", "dccp", "udplite")
        if bounded and low is not None and (high is None or not 0 <= low <= high <= 65535):
            raise ApiError(
                400,
                "For TCP/UDP protocols, port_range_min must be <= port_range_max",
                kind="SecurityGroupInvalidPortRange",
            )
        if (low is not None or high is not None) and protocol is None:
            raise ApiError(
                400,
                "Must also specify protocol if port range is given.",
                kind="SecurityGroupProtocolRequiredWithPorts",
            )
        return low, high

    def _check_duplicate(self, rule: Body) -> None:
        keys = (
            "direction",
            "ethertype",
            "protocol",
            "port_range_min",
            "port_range_max",
            "remote_ip_prefix",
            "remote_group_id",
        )
        for other in self.cloud.store.query("sg_rule", parent=rule["security_group_id"]):
            if all(other.get(k) == rule.get(k) for k in keys):
                raise ApiError(
                    409,
                    f"Security group rule already exists. Rule id is {other['id']}.",
                    kind="SecurityGroupRuleExists",
                )

    def show_rule(self, request: Request) -> Response:
        """GET /v2.0/security-group-rules/{id}."""
        rule = self.net.find("sg_rule", request.params["id"])
        return json_response(200, {"security_group_rule": public(rule)})

    def delete_rule(self, request: Request) -> Response:
        """DELETE /v2.0/security-group-rules/{id}."""
        rule = self.net.find("sg_rule", request.params["id"])
        self.cloud.store.delete("sg_rule", rule["id"])
        group = self.cloud.store.get("security_group", rule["security_group_id"])
        if group is not None:
            stamp(self.cloud, group)
            self.cloud.save("security_group", group)
        return empty(204)
