"""FWaaS v1 (firewalls, policies, rules under /fw), L2 gateways (networking-l2gw) and NSX
network gateways: the service extensions Heat's older plugins drive.

- A firewall rule belongs to one policy at most (409 FirewallRuleInUse); the policy keeps
  its rules in order and gives each its `position`; a policy a firewall uses, or a rule
  a policy uses, cannot be deleted (409). Any change to a policy clears `audited` unless
  the change sets it. A firewall is PENDING_CREATE, then ACTIVE (INACTIVE when its
  admin state is down).
- An L2 gateway with connections can neither change its devices nor be deleted (409); a
  connection needs a segmentation id when the gateway's interfaces have none, and a
  network is connected to a gateway once.
- A network gateway connects networks (PUT connect_network / disconnect_network); one
  with connections cannot be deleted (409 NetworkGatewayPortInUse).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from heatctl.sandbox.network_generic import (
    BOOL,
    INT,
    NULLABLE_STR,
    Collection,
    Spec,
    bad_request,
    conflict,
    in_choices,
    in_range,
)
from heatctl.sandbox.web import ApiError, Body, Request, Response, json_response, new_id

if TYPE_CHECKING:
    from heatctl.sandbox.network import NetworkService


# -- FWaaS v1 ---------------------------------------------------------------------------------


def _check_port(value: Any, name: str) -> None:
    if value is None:
        return
    parts = str(value).split(":")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        numbers = []
    if len(parts) > 2 or not numbers or any(not 0 < n <= 65535 for n in numbers):
        raise bad_request(f"Invalid value for port {value}.", "FirewallRuleInvalidPortValue")
    if len(numbers) == 2 and numbers[0] > numbers[1]:
        raise bad_request(f"Invalid value for port {value}.", "FirewallRuleInvalidPortValue")


def _check_rule(c: Collection, request: Request | None, body: Body) -> None:
    if body.get("protocol") is not None:
        in_choices(body["protocol"], "protocol", ("tcp", "udp", "icmp"))
    in_choices(body["action"], "action", ("allow", "deny", "reject"))
    body["ip_version"] = int(body["ip_version"])
    in_choices(body["ip_version"], "ip_version", (4, 6))
    for side in ("source", "destination"):
        _check_port(body.get(f"{side}_port"), f"{side}_port")
        if body.get(f"{side}_port") is not None and body.get("protocol") not in ("tcp", "udp"):
            raise bad_request(
                "Source, destination ports are not allowed when protocol is set to ICMP or "
                "is not specified.",
                "FirewallRuleWithPortWithoutProtocolInvalid",
            )
        address = body.get(f"{side}_ip_address")
        if address is not None:
            try:
                version = ipaddress.ip_network(address, strict=False).version
            except ValueError:
                raise bad_request(
                    f"Invalid input for {side}_ip_address. Reason: '{address}' is neither a "
                    "valid IP address, nor is it a valid IP subnet.",
                    "HTTPBadRequest",
                ) from None
            if version != body["ip_version"]:
                raise bad_request(
                    f"Invalid IP address {address} for IPv{body['ip_version']}.",
                    "FirewallIpAddressConflict",
                )


def _update_rule(c: Collection, body: Body, changes: Body) -> None:
    merged = {**body, **changes}
    _check_rule(c, None, merged)
    changes["ip_version"] = merged["ip_version"]


def _delete_rule(c: Collection, request: Request, body: Body) -> None:
    if body.get("firewall_policy_id"):
        raise conflict(f"Firewall rule {body['id']} is being used.", "FirewallRuleInUse")


def _link_rules(c: Collection, policy: Body, rules: list[Any]) -> None:
    """Point the policy's rules at it (positions from 1), unlink the ones it dropped."""
    found = [c.net.find_any("firewall_rule", str(r)) for r in rules]
    for rule in found:
        if rule.get("firewall_policy_id") not in (None, policy["id"]):
            raise conflict(f"Firewall rule {rule['id']} is being used.", "FirewallRuleInUse")
    if len({r["id"] for r in found}) != len(found):
        raise bad_request("Duplicate firewall rule in the policy.", "FirewallRuleConflict")
    for rule in c.cloud.query("firewall_rule"):
        if rule.get("firewall_policy_id") == policy["id"] and rule["id"] not in rules:
            rule["firewall_policy_id"], rule["position"] = None, None
            c.cloud.save("firewall_rule", rule)
    for position, rule in enumerate(found, start=1):
        rule["firewall_policy_id"], rule["position"] = policy["id"], position
        c.cloud.save("firewall_rule", rule)
    policy["firewall_rules"] = [r["id"] for r in found]


def _validate_policy(c: Collection, request: Request, body: Body) -> None:
    _link_rules(c, body, body.get("firewall_rules") or [])


def _update_policy(c: Collection, body: Body, changes: Body) -> None:
    if "firewall_rules" in changes:
        _link_rules(c, body, changes["firewall_rules"] or [])
        changes["firewall_rules"] = body["firewall_rules"]
    if "audited" not in changes:
        changes["audited"] = False


def _delete_policy(c: Collection, request: Request, body: Body) -> None:
    for firewall in c.cloud.query("firewall"):
        if firewall["firewall_policy_id"] == body["id"]:
            raise conflict(f"Firewall policy {body['id']} is being used.", "FirewallPolicyInUse")
    _link_rules(c, body, [])


def _validate_firewall(c: Collection, request: Request, body: Body) -> None:
    c.net.find_any("firewall_policy", str(body["firewall_policy_id"]))
    for router in body.get("router_ids") or []:
        c.net.find("router", str(router))
    body["status"] = "PENDING_CREATE"
    c.cloud.schedule(body, 0.0, {"status": "ACTIVE" if body["admin_state_up"] else "INACTIVE"})


def _update_firewall(c: Collection, body: Body, changes: Body) -> None:
    if changes.get("firewall_policy_id"):
        c.net.find_any("firewall_policy", str(changes["firewall_policy_id"]))
    if "admin_state_up" in changes:
        changes["status"] = "ACTIVE" if changes["admin_state_up"] else "INACTIVE"


RULE_FIELDS: dict[str, Any] = {
    "name": str,
    "description": str,
    "protocol": NULLABLE_STR,
    "ip_version": INT,
    "source_ip_address": NULLABLE_STR,
    "destination_ip_address": NULLABLE_STR,
    "source_port": NULLABLE_STR,
    "destination_port": NULLABLE_STR,
    "action": str,
    "enabled": BOOL,
    "shared": BOOL,
    "tenant_id": str,
    "project_id": str,
}

FIREWALL_RULE = Spec(
    kind="firewall_rule",
    path="/fw/firewall_rules",
    singular="firewall_rule",
    plural="firewall_rules",
    label="Firewall Rule",
    error="FirewallRuleNotFound",
    fields=RULE_FIELDS,
    updatable=tuple(k for k in RULE_FIELDS if k not in ("tenant_id", "project_id")),
    defaults=lambda entity: {
        "name": "",
        "protocol": None,
        "ip_version": 4,
        "action": "deny",
        "enabled": True,
        "shared": False,
        "firewall_policy_id": None,
        "position": None,
        **{f"{s}_{k}": None for s in ("source", "destination") for k in ("ip_address", "port")},
    },
    validate=_check_rule,
    validate_update=_update_rule,
    before_delete=_delete_rule,
)

FIREWALL_POLICY = Spec(
    kind="firewall_policy",
    path="/fw/firewall_policies",
    singular="firewall_policy",
    plural="firewall_policies",
    label="Firewall Policy",
    error="FirewallPolicyNotFound",
    fields={
        "name": str,
        "description": str,
        "shared": BOOL,
        "firewall_rules": list,
        "audited": BOOL,
        "tenant_id": str,
        "project_id": str,
    },
    updatable=("name", "description", "shared", "firewall_rules", "audited"),
    defaults=lambda entity: {"name": "", "shared": False, "firewall_rules": [], "audited": False},
    validate=_validate_policy,
    validate_update=_update_policy,
    before_delete=_delete_policy,
)

FIREWALL = Spec(
    kind="firewall",
    path="/fw/firewalls",
    singular="firewall",
    plural="firewalls",
    label="Firewall",
    error="FirewallNotFound",
    fields={
        "name": str,
        "description": str,
        "admin_state_up": BOOL,
        "firewall_policy_id": str,
        "shared": BOOL,
        "router_ids": list,
        "tenant_id": str,
        "project_id": str,
    },
    required=("firewall_policy_id",),
    updatable=(
        "name",
        "description",
        "admin_state_up",
        "firewall_policy_id",
        "shared",
        "router_ids",
    ),
    defaults=lambda entity: {"name": "", "admin_state_up": True, "shared": False, "router_ids": []},
    validate=_validate_firewall,
    validate_update=_update_firewall,
)


# -- L2 gateways -------------------------------------------------------------------------------


def _check_devices(devices: Any) -> None:
    if not isinstance(devices, list) or not devices:
        raise bad_request(
            "Invalid input for devices. Reason: at least one device is needed.", "HTTPBadRequest"
        )
    with_ids = []
    for device in devices:
        if (
            not isinstance(device, dict)
            or not device.get("device_name")
            or not device.get("interfaces")
        ):
            raise bad_request(
                f"Invalid input for devices. Reason: {device} needs device_name and interfaces.",
                "HTTPBadRequest",
            )
        for interface in device["interfaces"]:
            ids = interface.get("segmentation_id") or []
            for seg in ids:
                in_range(int(seg), "segmentation_id", 0, 4095)
            with_ids.append(bool(ids))
    if any(with_ids) and not all(with_ids):
        raise bad_request(
            "Segmentation id must be specified for all the interfaces or for none.",
            "L2GatewaySegmentationRequired",
        )


def _gateway_connections(c: Collection, gateway_id: str) -> list[Body]:
    return [x for x in c.cloud.query("l2_gateway_connection") if x["l2_gateway_id"] == gateway_id]


def _update_l2gw(c: Collection, body: Body, changes: Body) -> None:
    if "devices" in changes:
        _check_devices(changes["devices"])
        if _gateway_connections(c, body["id"]):
            raise conflict(
                f"L2 Gateway '{body['id']}' still has active mappings with one or more neutron networks.",
                "L2GatewayInUse",
            )


def _delete_l2gw(c: Collection, request: Request, body: Body) -> None:
    if _gateway_connections(c, body["id"]):
        raise conflict(
            f"L2 Gateway '{body['id']}' still has active mappings with one or more neutron networks.",
            "L2GatewayInUse",
        )


def _validate_l2gw_connection(c: Collection, request: Request, body: Body) -> None:
    gateway = c.net.find_any("l2_gateway", str(body["l2_gateway_id"]))
    network = c.net.find("network", str(body["network_id"]))
    has_ids = any(i.get("segmentation_id") for d in gateway["devices"] for i in d["interfaces"])
    if not has_ids and body.get("segmentation_id") in (None, ""):
        raise bad_request(
            "Segmentation id must be specified in create l2gateway connections",
            "L2GatewaySegmentationRequired",
        )
    if body.get("segmentation_id") not in (None, ""):
        in_range(int(body["segmentation_id"]), "segmentation_id", 0, 4095)
    for other in _gateway_connections(c, gateway["id"]):
        if other["network_id"] == network["id"]:
            raise conflict(
                f"The network {network['id']} is already connected to l2 gateway {gateway['id']}.",
                "L2GatewayConnectionExists",
            )


L2_GATEWAY = Spec(
    kind="l2_gateway",
    path="/l2-gateways",
    singular="l2_gateway",
    plural="l2_gateways",
    label="L2 Gateway",
    error="L2GatewayNotFound",
    fields={"name": str, "devices": list, "tenant_id": str, "project_id": str},
    required=("devices",),
    updatable=("name", "devices"),
    defaults=lambda entity: {"name": ""},
    validate=lambda c, q, body: _check_devices(body["devices"]),
    validate_update=_update_l2gw,
    before_delete=_delete_l2gw,
)

L2_GATEWAY_CONNECTION = Spec(
    kind="l2_gateway_connection",
    path="/l2-gateway-connections",
    singular="l2_gateway_connection",
    plural="l2_gateway_connections",
    label="L2 Gateway Connection",
    error="L2GatewayConnectionNotFound",
    fields={
        "l2_gateway_id": str,
        "network_id": str,
        "segmentation_id": (int, str, type(None)),
        "tenant_id": str,
        "project_id": str,
    },
    required=("l2_gateway_id", "network_id"),
    validate=_validate_l2gw_connection,
)


# -- NSX network gateways ----------------------------------------------------------------------


def _check_gateway_devices(c: Collection, request: Request | None, body: Body) -> None:
    devices = body.get("devices")
    if not isinstance(devices, list) or not devices:
        raise bad_request(
            "Invalid input for devices. Reason: at least one device is needed.", "HTTPBadRequest"
        )
    for device in devices:
        if not isinstance(device, dict) or not device.get("id") or not device.get("interface_name"):
            raise bad_request(
                f"Invalid input for devices. Reason: {device} needs id and interface_name.",
                "HTTPBadRequest",
            )


def _delete_gateway(c: Collection, request: Request, body: Body) -> None:
    if body.get("ports"):
        raise conflict(
            f"Port {body['ports'][0]['id']} is owned by '{body['id']}' and therefore cannot be "
            "deleted directly via the port API.",
            "NetworkGatewayPortInUse",
        )


NETWORK_GATEWAY = Spec(
    kind="network_gateway",
    path="/network-gateways",
    singular="network_gateway",
    plural="network_gateways",
    label="Network Gateway",
    error="GatewayNotFound",
    fields={"name": str, "devices": list, "tenant_id": str, "project_id": str},
    required=("devices",),
    updatable=("name",),
    defaults=lambda entity: {"name": "", "default": False, "ports": []},
    validate=_check_gateway_devices,
    before_delete=_delete_gateway,
)


def _connection(request: Request, net: NetworkService) -> tuple[Collection, Body, Body]:
    gateways = net.collections["network_gateway"]
    gateway = gateways.find(request.params["id"])
    data = request.json()
    if not isinstance(data, dict) or not data.get("network_id"):
        raise bad_request("Invalid input: network_id is required.", "HTTPBadRequest")
    kind = data.get("segmentation_type", "flat")
    in_choices(kind, "segmentation_type", ("flat", "vlan"))
    seg = data.get("segmentation_id")
    if kind == "vlan":
        in_range(seg if seg is None else int(seg), "segmentation_id", 1, 4094)
        if seg is None:
            raise bad_request("segmentation_id is required for vlan connections.", "InvalidInput")
    elif seg not in (None, 0, "0"):
        raise bad_request("segmentation_id is not allowed for flat connections.", "InvalidInput")
    network = net.find("network", str(data["network_id"]))
    wanted = {
        "network_id": network["id"],
        "segmentation_type": kind,
        "segmentation_id": int(seg or 0),
    }
    return gateways, gateway, wanted


def connect_network(net: NetworkService, request: Request) -> Response:
    """PUT /network-gateways/{id}/connect_network."""
    gateways, gateway, wanted = _connection(request, net)
    for port in gateway["ports"]:
        same = {k: port[k] for k in wanted} == wanted
        if same or (port["segmentation_type"], port["segmentation_id"]) == (
            wanted["segmentation_type"],
            wanted["segmentation_id"],
        ):
            raise conflict(
                f"Network Gateway '{gateway['id']}' already has a connection for "
                f"{wanted['segmentation_type']} segment {wanted['segmentation_id']}.",
                "GatewayConnectionInUse",
            )
    port = {"id": new_id(), **wanted}
    gateway["ports"] = [*gateway["ports"], port]
    gateways.save(gateway)
    info = {
        "network_gateway_id": gateway["id"],
        "network_id": wanted["network_id"],
        "port_id": port["id"],
    }
    return json_response(200, {"connection_info": info})


def disconnect_network(net: NetworkService, request: Request) -> Response:
    """PUT /network-gateways/{id}/disconnect_network (404 when not connected)."""
    gateways, gateway, wanted = _connection(request, net)
    keep = [p for p in gateway["ports"] if {k: p[k] for k in wanted} != wanted]
    if len(keep) == len(gateway["ports"]):
        raise ApiError(
            404,
            f"Network {wanted['network_id']} is not connected to gateway {gateway['id']} with "
            f"{wanted['segmentation_type']} segment {wanted['segmentation_id']}.",
            kind="GatewayConnectionNotFound",
        )
    gateway["ports"] = keep
    gateways.save(gateway)
    return json_response(200, {})


def routes(net: NetworkService, r: Callable[..., None]) -> None:
    """The network gateway actions."""
    r("PUT", "/v2.0/network-gateways/{id}/connect_network", lambda q: connect_network(net, q))
    r("PUT", "/v2.0/network-gateways/{id}/disconnect_network", lambda q: disconnect_network(net, q))


SPECS = [
    FIREWALL_RULE,
    FIREWALL_POLICY,
    FIREWALL,
    L2_GATEWAY,
    L2_GATEWAY_CONNECTION,
    NETWORK_GATEWAY,
]
