"""Neutron extension collections: floating IP port forwardings, metering, tap-as-a-service,
and (from their own modules) VPNaaS, networking-sfc, FWaaS v1 and the gateways.

- port_forwardings live under a floating IP; the floating IP must not be associated with
  a port, the internal address must be one of the internal port's, the internal subnet
  must reach the floating IP's network through a router, and (external_port, protocol)
  is used once per floating IP. They go with their floating IP or internal port.
- metering labels hold rules; rules of one label and direction may not overlap (409);
  a label's rules go with it.
- tap services mirror to a port (one service per port); tap flows copy a source port's
  traffic to a service; a service's flows go with it.
"""

from __future__ import annotations

import ipaddress
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
from heatctl.sandbox.web import Body, Request

if TYPE_CHECKING:
    from heatctl.sandbox.network import NetworkService

PF_PROTOCOLS = ("tcp", "udp", "icmp", "icmp6", "sctp", "dccp")


def _cidr(value: Any, name: str) -> Any:
    try:
        return ipaddress.ip_network(str(value), strict=False)
    except ValueError:
        raise bad_request(
            f"Invalid input for {name}. Reason: '{value}' is not a valid IP subnet.",
            "HTTPBadRequest",
        ) from None


def cascade(net: NetworkService, kind: str, field: str, owner_id: str) -> None:
    """Delete every `kind` object whose `field` names `owner_id`."""
    for item in net.cloud.query(kind):
        if item.get(field) == owner_id:
            net.cloud.store.delete(kind, item["id"])


# -- floating IP port forwardings ---------------------------------------------------------


def _validate_pf(c: Collection, request: Request, body: Body) -> None:
    net = c.net
    fip = net.find("floatingip", body["floatingip_id"])
    if fip.get("port_id"):
        raise bad_request(
            f"Bad port_forwarding request: The floating IP {fip['id']} has been associated "
            f"with port {fip['port_id']}.",
            "BadRequest",
        )
    _check_pf(c, body, fip)


def _check_pf(c: Collection, body: Body, fip: Body) -> None:
    net = c.net
    in_choices(body["protocol"], "protocol", PF_PROTOCOLS)
    in_range(body["external_port"], "external_port", 1, 65535)
    in_range(body["internal_port"], "internal_port", 1, 65535)
    port = net.find("port", str(body["internal_port_id"]))
    fixed = [ip for ip in port["fixed_ips"] if ip["ip_address"] == body["internal_ip_address"]]
    if not fixed:
        raise bad_request(
            f"Bad port_forwarding request: The internal IP address "
            f"{body['internal_ip_address']} is not a fixed IP of port {port['id']}.",
            "BadRequest",
        )
    if net.l3._router_for(fip["floating_network_id"], fixed[0]["subnet_id"]) is None:
        raise bad_request(
            f"External network {fip['floating_network_id']} is not reachable from subnet "
            f"{fixed[0]['subnet_id']}.  Therefore, cannot associate Port {port['id']} with a "
            "Floating IP.",
            "ExternalGatewayForFloatingIPNotFound",
        )
    for other in c.all(parent=fip["id"]):
        if other["id"] == body["id"]:
            continue
        if (other["external_port"], other["protocol"]) == (body["external_port"], body["protocol"]):
            raise conflict(
                "A duplicate port forwarding entry with same attributes already exists, "
                f"conflicting values are {{'floatingip_id': '{fip['id']}', 'external_port': "
                f"{body['external_port']}, 'protocol': '{body['protocol']}'}}",
                "DuplicatedPortForwarding",
            )


def _update_pf(c: Collection, body: Body, changes: Body) -> None:
    _check_pf(c, {**body, **changes}, c.net.find("floatingip", body["floatingip_id"]))


PORT_FORWARDING = Spec(
    kind="port_forwarding",
    path="/floatingips/{parent}/port_forwardings",
    singular="port_forwarding",
    plural="port_forwardings",
    label="Port forwarding",
    error="PortForwardingNotFound",
    fields={
        "external_port": INT,
        "internal_port": INT,
        "internal_ip_address": str,
        "internal_port_id": str,
        "protocol": str,
        "description": str,
    },
    required=(
        "external_port",
        "internal_port",
        "internal_ip_address",
        "internal_port_id",
        "protocol",
    ),
    updatable=(
        "external_port",
        "internal_port",
        "internal_ip_address",
        "internal_port_id",
        "protocol",
        "description",
    ),
    parent=("floatingip", "floatingip_id"),
    validate=_validate_pf,
    validate_update=_update_pf,
)


# -- metering ------------------------------------------------------------------------------


def _validate_rule(c: Collection, request: Request, body: Body) -> None:
    label = c.net.find_any("metering_label", str(body["metering_label_id"]))
    in_choices(body["direction"], "direction", ("ingress", "egress"))
    prefix = _cidr(body.get("remote_ip_prefix") or "0.0.0.0/0", "remote_ip_prefix")
    body["_cols"]["parent"] = label["id"]
    for other in c.all(parent=label["id"]):
        if other["direction"] != body["direction"] or not other.get("remote_ip_prefix"):
            continue
        if _cidr(other["remote_ip_prefix"], "remote_ip_prefix").overlaps(prefix):
            raise conflict(
                f"Metering label rule with remote_ip_prefix {body['remote_ip_prefix']} "
                "overlaps another",
                "MeteringLabelRuleOverlaps",
            )


METERING_LABEL = Spec(
    kind="metering_label",
    path="/metering/metering-labels",
    singular="metering_label",
    plural="metering_labels",
    label="Metering label",
    error="MeteringLabelNotFound",
    fields={"name": str, "description": str, "shared": BOOL, "tenant_id": str, "project_id": str},
    defaults=lambda entity: {"name": "", "shared": False},
    before_delete=lambda c, q, body: cascade(
        c.net, "metering_label_rule", "metering_label_id", body["id"]
    ),
)

METERING_RULE = Spec(
    kind="metering_label_rule",
    path="/metering/metering-label-rules",
    singular="metering_label_rule",
    plural="metering_label_rules",
    label="Metering label rule",
    error="MeteringLabelRuleNotFound",
    fields={
        "metering_label_id": str,
        "remote_ip_prefix": NULLABLE_STR,
        "source_ip_prefix": NULLABLE_STR,
        "destination_ip_prefix": NULLABLE_STR,
        "direction": str,
        "excluded": BOOL,
        "tenant_id": str,
        "project_id": str,
    },
    required=("metering_label_id",),
    defaults=lambda entity: {"direction": "ingress", "excluded": False, "remote_ip_prefix": None},
    validate=_validate_rule,
)


# -- tap-as-a-service ------------------------------------------------------------------------


def _validate_tap_service(c: Collection, request: Request, body: Body) -> None:
    port = c.net.find("port", str(body["port_id"]))
    for other in c.all():
        if other["port_id"] == port["id"]:
            raise conflict(
                f"Port {port['id']} is already used by tap service {other['id']}.",
                "PortInUse",
            )


def _validate_tap_flow(c: Collection, request: Request, body: Body) -> None:
    service = c.net.find_any("tap_service", str(body["tap_service_id"]))
    port = c.net.find("port", str(body["source_port"]))
    in_choices(body["direction"], "direction", ("IN", "OUT", "BOTH"))
    if port["id"] == service["port_id"]:
        raise bad_request(
            f"Port {port['id']} is the tap service's destination and cannot be its source.",
            "BadRequest",
        )
    body["_cols"]["parent"] = service["id"]


TAP_SERVICE = Spec(
    kind="tap_service",
    path="/taas/tap_services",
    singular="tap_service",
    plural="tap_services",
    label="Tap service",
    error="TapServiceNotFound",
    fields={"name": str, "description": str, "port_id": str, "tenant_id": str, "project_id": str},
    required=("port_id",),
    updatable=("name", "description"),
    defaults=lambda entity: {"name": "", "status": "ACTIVE"},
    validate=_validate_tap_service,
    before_delete=lambda c, q, body: cascade(c.net, "tap_flow", "tap_service_id", body["id"]),
)

TAP_FLOW = Spec(
    kind="tap_flow",
    path="/taas/tap_flows",
    singular="tap_flow",
    plural="tap_flows",
    label="Tap flow",
    error="TapFlowNotFound",
    fields={
        "name": str,
        "description": str,
        "tap_service_id": str,
        "source_port": str,
        "direction": str,
        "vlan_filter": NULLABLE_STR,
        "tenant_id": str,
        "project_id": str,
    },
    required=("tap_service_id", "source_port", "direction"),
    updatable=("name", "description"),
    defaults=lambda entity: {"name": "", "status": "ACTIVE", "vlan_filter": None},
    validate=_validate_tap_flow,
)


def extension_collections(net: NetworkService) -> list[Collection]:
    """Every extension collection of the sandbox's Neutron (beyond the core and admin)."""
    from heatctl.sandbox.network_fw import SPECS as FW_SPECS
    from heatctl.sandbox.network_sfc import SPECS as SFC_SPECS
    from heatctl.sandbox.network_vpn import SPECS as VPN_SPECS

    specs = [
        PORT_FORWARDING,
        METERING_LABEL,
        METERING_RULE,
        TAP_SERVICE,
        TAP_FLOW,
        *VPN_SPECS,
        *SFC_SPECS,
        *FW_SPECS,
    ]
    return [Collection(net, spec) for spec in specs]


def port_deleted(net: NetworkService, port_id: str) -> None:
    """What goes with a port: port forwardings to it, tap flows from it."""
    cascade(net, "port_forwarding", "internal_port_id", port_id)
    cascade(net, "tap_flow", "source_port", port_id)


def port_in_use(net: NetworkService, port_id: str) -> None:
    """409 when a tap service mirrors to the port (TaaS refuses to lose it)."""
    for service in net.cloud.query("tap_service"):
        if service["port_id"] == port_id:
            raise conflict(f"Port {port_id} is in use by tap service {service['id']}.", "PortInUse")
