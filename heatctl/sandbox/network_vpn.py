"""Neutron VPNaaS: VPN services, IKE and IPsec policies, IPsec site connections.

A VPN service runs on a router with an external gateway and serves a subnet connected
to that router; it is PENDING_CREATE until a connection uses it, then ACTIVE. A site
connection starts PENDING_CREATE and is ACTIVE once the (simulated) peer answers, which
the sandbox clock does at once. Policies and services in use by a connection cannot be
deleted (409); neither can a router or subnet a service uses.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from heatctl.sandbox.network_generic import (
    BOOL,
    INT,
    Collection,
    Spec,
    bad_request,
    conflict,
    in_choices,
)
from heatctl.sandbox.web import Body, Request

AUTH = ("sha1", "sha256", "sha384", "sha512", "aes-xcbc", "aes-cmac")
PFS = tuple(
    f"group{n}"
    for n in (2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31)
)
ENCRYPTION = (
    "3des",
    *(f"aes-{bits}" for bits in (128, 192, 256)),
    *(
        f"aes-{bits}-{mode}-{icv}"
        for bits in (128, 192, 256)
        for mode in ("ccm", "gcm")
        for icv in (8, 12, 16)
    ),
    *(f"aes-{bits}-ctr" for bits in (128, 192, 256)),
)
POLICY_FIELDS: dict[str, Any] = {
    "name": str,
    "description": str,
    "auth_algorithm": str,
    "encryption_algorithm": str,
    "pfs": str,
    "lifetime": dict,
    "tenant_id": str,
    "project_id": str,
}


def _lifetime(value: Any) -> Body:
    if value is None:
        return {"units": "seconds", "value": 3600}
    units, length = value.get("units", "seconds"), value.get("value", 3600)
    in_choices(units, "lifetime units", ("seconds", "kilobytes"))
    if not isinstance(length, int) or length < 60:
        raise bad_request(
            f"Invalid input for lifetime. Reason: value {length} is less than 60.", "HTTPBadRequest"
        )
    return {"units": units, "value": length}


def _check_policy(body: Body) -> None:
    in_choices(body["auth_algorithm"], "auth_algorithm", AUTH)
    in_choices(body["encryption_algorithm"], "encryption_algorithm", ENCRYPTION)
    in_choices(body["pfs"], "pfs", PFS)
    body["lifetime"] = _lifetime(body.get("lifetime"))


def _refuse_if_used(c: Collection, body: Body) -> None:
    """409 <Policy>InUse: neutron-vpnaas refuses any change to, or the delete of, a policy
    an IPsec site connection uses."""
    ike = c.spec.kind == "ikepolicy"
    field = "ikepolicy_id" if ike else "ipsecpolicy_id"
    for conn in c.cloud.query("ipsec_site_connection"):
        if conn.get(field) == body["id"]:
            raise conflict(
                f"{c.spec.label} {body['id']} is in use by existing IPsecSiteConnection "
                f"{conn['id']} and cannot be updated or deleted.",
                "IKEPolicyInUse" if ike else "IPsecPolicyInUse",
            )


def _validate_ike(c: Collection, request: Request, body: Body) -> None:
    _check_policy(body)
    in_choices(body["ike_version"], "ike_version", ("v1", "v2"))
    in_choices(body["phase1_negotiation_mode"], "phase1_negotiation_mode", ("main", "aggressive"))


def _validate_ipsec(c: Collection, request: Request, body: Body) -> None:
    _check_policy(body)
    in_choices(body["transform_protocol"], "transform_protocol", ("esp", "ah", "ah-esp"))
    in_choices(body["encapsulation_mode"], "encapsulation_mode", ("tunnel", "transport"))


def _policy_update(c: Collection, body: Body, changes: Body) -> None:
    _refuse_if_used(c, body)
    merged = {**body, **changes}
    _check_policy(merged)
    changes["lifetime"] = merged["lifetime"]


def _validate_service(c: Collection, request: Request, body: Body) -> None:
    router = c.net.find("router", str(body["router_id"]))
    if not router.get("external_gateway_info"):
        raise bad_request(
            f"Router {router['id']} has no external network gateway set.", "RouterIsNotExternal"
        )
    subnet = c.net.find("subnet", str(body["subnet_id"]))
    connected = any(
        ip["subnet_id"] == subnet["id"]
        for port in c.cloud.query("port", owner=router["id"])
        if port["device_owner"] == "network:router_interface"
        for ip in port["fixed_ips"]
    )
    if not connected:
        raise bad_request(
            f"Subnet {subnet['id']} is not connected to Router {router['id']}.",
            "SubnetIsNotConnectedToRouter",
        )
    body["external_v4_ip"] = next(
        (
            ip["ip_address"]
            for ip in router["external_gateway_info"].get("external_fixed_ips", [])
            if ":" not in ip["ip_address"]
        ),
        None,
    )


def _validate_connection(c: Collection, request: Request, body: Body) -> None:
    net = c.net
    service = net.find_any("vpnservice", str(body["vpnservice_id"]))
    net.find_any("ikepolicy", str(body["ikepolicy_id"]))
    net.find_any("ipsecpolicy", str(body["ipsecpolicy_id"]))
    _check_connection(c, body, service)
    c.cloud.schedule(body, 0.0, {"status": "ACTIVE"})
    service["status"] = "ACTIVE"
    c.cloud.save("vpnservice", service)


def _check_connection(c: Collection, body: Body, service: Body) -> None:
    in_choices(body["initiator"], "initiator", ("bi-directional", "response-only"))
    dpd = {"action": "hold", "interval": 30, "timeout": 120, **(body.get("dpd") or {})}
    in_choices(
        dpd["action"], "dpd action", ("clear", "disabled", "hold", "restart", "restart-by-peer")
    )
    if int(dpd["timeout"]) <= int(dpd["interval"]):
        raise bad_request(
            "Invalid input for operation: DPD timeout must be greater than DPD interval.",
            "InvalidInput",
        )
    body["dpd"] = dpd
    if int(body["mtu"]) < 68:
        raise bad_request(
            f"Invalid input for operation: MTU {body['mtu']} is below 68.", "InvalidInput"
        )
    local = ipaddress.ip_network(c.net.find("subnet", service["subnet_id"])["cidr"])
    for cidr in body.get("peer_cidrs") or []:
        try:
            peer = ipaddress.ip_network(str(cidr))
        except ValueError:
            raise bad_request(
                f"Invalid input for peer_cidrs. Reason: '{cidr}' is not a valid IP subnet.",
                "HTTPBadRequest",
            ) from None
        if peer.overlaps(local):
            raise bad_request(
                f"Peer CIDR {cidr} overlaps the local subnet {local}.", "InvalidInput"
            )
    if not body.get("peer_cidrs"):
        raise bad_request("Invalid input for operation: peer_cidrs are required.", "InvalidInput")


def _update_connection(c: Collection, body: Body, changes: Body) -> None:
    merged = {**body, **changes}
    _check_connection(c, merged, c.net.find_any("vpnservice", body["vpnservice_id"]))
    changes["dpd"] = merged["dpd"]


def _delete_service(c: Collection, request: Request, body: Body) -> None:
    for conn in c.cloud.query("ipsec_site_connection"):
        if conn["vpnservice_id"] == body["id"]:
            raise conflict(f"VPNService {body['id']} is still in use", "VPNServiceInUse")


def _delete_connection(c: Collection, request: Request, body: Body) -> None:
    others = [
        x for x in c.all() if x["vpnservice_id"] == body["vpnservice_id"] and x["id"] != body["id"]
    ]
    service = c.cloud.load("vpnservice", body["vpnservice_id"])
    if service is not None and not others:
        service["status"] = "PENDING_CREATE"
        c.cloud.save("vpnservice", service)


def router_in_use(cloud: Any, router_id: str, subnet_id: str | None = None) -> None:
    """409 when a VPN service runs on the router (on the subnet, when one is named)."""
    for service in cloud.query("vpnservice"):
        if service["router_id"] == router_id and subnet_id in (None, service["subnet_id"]):
            if subnet_id is None:
                raise conflict(
                    f"Router {router_id} is used by VPNService {service['id']}",
                    "RouterInUseByVPNService",
                )
            raise conflict(
                f"Subnet {subnet_id} is used by VPNService {service['id']}",
                "SubnetInUseByVPNService",
            )


IKE_POLICY = Spec(
    kind="ikepolicy",
    path="/vpn/ikepolicies",
    singular="ikepolicy",
    plural="ikepolicies",
    label="IKEPolicy",
    error="IKEPolicyNotFound",
    fields={**POLICY_FIELDS, "ike_version": str, "phase1_negotiation_mode": str},
    updatable=(
        "name",
        "description",
        "auth_algorithm",
        "encryption_algorithm",
        "pfs",
        "lifetime",
        "ike_version",
        "phase1_negotiation_mode",
    ),
    defaults=lambda entity: {
        "name": "",
        "auth_algorithm": "sha1",
        "encryption_algorithm": "aes-128",
        "pfs": "group5",
        "ike_version": "v1",
        "phase1_negotiation_mode": "main",
    },
    validate=_validate_ike,
    validate_update=_policy_update,
    before_delete=lambda c, request, body: _refuse_if_used(c, body),
)

IPSEC_POLICY = Spec(
    kind="ipsecpolicy",
    path="/vpn/ipsecpolicies",
    singular="ipsecpolicy",
    plural="ipsecpolicies",
    label="IPsecPolicy",
    error="IPsecPolicyNotFound",
    fields={**POLICY_FIELDS, "transform_protocol": str, "encapsulation_mode": str},
    updatable=(
        "name",
        "description",
        "auth_algorithm",
        "encryption_algorithm",
        "pfs",
        "lifetime",
        "transform_protocol",
        "encapsulation_mode",
    ),
    defaults=lambda entity: {
        "name": "",
        "auth_algorithm": "sha1",
        "encryption_algorithm": "aes-128",
        "pfs": "group5",
        "transform_protocol": "esp",
        "encapsulation_mode": "tunnel",
    },
    validate=_validate_ipsec,
    validate_update=_policy_update,
    before_delete=lambda c, request, body: _refuse_if_used(c, body),
)

VPN_SERVICE = Spec(
    kind="vpnservice",
    path="/vpn/vpnservices",
    singular="vpnservice",
    plural="vpnservices",
    label="VPNService",
    error="VPNServiceNotFound",
    fields={
        "name": str,
        "description": str,
        "router_id": str,
        "subnet_id": str,
        "admin_state_up": BOOL,
        "flavor_id": str,
        "tenant_id": str,
        "project_id": str,
    },
    required=("router_id", "subnet_id"),
    updatable=("name", "description", "admin_state_up"),
    defaults=lambda entity: {
        "name": "",
        "admin_state_up": True,
        "status": "PENDING_CREATE",
        "external_v6_ip": None,
        "flavor_id": None,
    },
    validate=_validate_service,
    before_delete=_delete_service,
)

SITE_CONNECTION = Spec(
    kind="ipsec_site_connection",
    path="/vpn/ipsec-site-connections",
    singular="ipsec_site_connection",
    plural="ipsec_site_connections",
    label="IPsec site connection",
    error="IPsecSiteConnectionNotFound",
    fields={
        "name": str,
        "description": str,
        "vpnservice_id": str,
        "ikepolicy_id": str,
        "ipsecpolicy_id": str,
        "peer_address": str,
        "peer_id": str,
        "peer_cidrs": list,
        "psk": str,
        "mtu": INT,
        "dpd": dict,
        "initiator": str,
        "admin_state_up": BOOL,
        "local_ep_group_id": str,
        "peer_ep_group_id": str,
        "local_id": str,
        "tenant_id": str,
        "project_id": str,
    },
    required=("vpnservice_id", "ikepolicy_id", "ipsecpolicy_id", "peer_address", "peer_id", "psk"),
    updatable=(
        "name",
        "description",
        "peer_address",
        "peer_id",
        "peer_cidrs",
        "psk",
        "mtu",
        "dpd",
        "initiator",
        "admin_state_up",
        "local_id",
    ),
    defaults=lambda entity: {
        "name": "",
        "mtu": 1500,
        "initiator": "bi-directional",
        "admin_state_up": True,
        "status": "PENDING_CREATE",
        "route_mode": "static",
        "auth_mode": "psk",
        "local_id": "",
        "peer_cidrs": [],
    },
    validate=_validate_connection,
    validate_update=_update_connection,
    before_delete=_delete_connection,
)

SPECS = [IKE_POLICY, IPSEC_POLICY, VPN_SERVICE, SITE_CONNECTION]
