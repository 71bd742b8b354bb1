"""RestKinds of Neutron's service extensions as Heat's plugins drive them: VPNaaS,
networking-sfc, FWaaS v1, tap-as-a-service, L2 gateways and NSX network gateways.

None of these objects takes tags: each is found again after a crash by its name, which
is the tag-derived physical name unless the template gives one (with the service or
gateway it belongs to where there is one); an L2 gateway connection by its gateway and
network (a network is connected to a gateway once).
"""

from __future__ import annotations

from typing import Any

from heatctl.engine.lifecycle import ResourceContext
from heatctl.engine.openstack_neutron import (
    RestKind,
    api,
    by_fields,
    changed_props,
    find_id,
    heat_body,
    network_id,
    port_id,
    router_id,
    subnet_id,
)

Body = Any  # (plugin, ctx) -> the create body


def _named(plural: str, body: Body, also: tuple[str, ...]) -> Any:
    """find: the object with this resource's name (and the same `also` body fields)."""

    def find(plugin: Any, ctx: ResourceContext, path: str) -> dict[str, Any] | None:
        made = body(plugin, ctx)
        fields = {"name": made.get("name"), **{k: made.get(k) for k in also}}
        return by_fields(ctx, path, plural, **fields)

    return find


def ext_ready(obj: dict[str, Any]) -> bool | None:
    """Heat's check_ext_resource_status: ACTIVE done, ERROR failed, anything else waits."""
    status = str(obj.get("status") or "").upper()
    if status == "ERROR":
        return False
    return True if status == "ACTIVE" else None


def _simple(
    what: str, key: str, plural: str, path: str, also: tuple[str, ...] = (), **options: Any
) -> RestKind:
    """A kind whose body is Heat's prepared properties, updated with the changed ones,
    found again by name (and the `also` fields)."""
    body = options.pop("body", lambda plugin, ctx: heat_body(plugin, ctx))
    return RestKind(
        what=what,
        key=key,
        plural=plural,
        path=lambda ctx: path,
        body=body,
        update_body=options.pop("update_body", lambda plugin, ctx: changed_props(plugin, ctx)),
        find=options.pop("find", _named(plural, body, also)),
        attributes=options.pop("attributes", lambda obj: dict(obj)),
        **options,
    )


# -- VPNaaS ------------------------------------------------------------------------------------

VPN_SERVICE = _simple(
    "vpn service",
    "vpnservice",
    "vpnservices",
    "/vpn/vpnservices",
    body=lambda plugin, ctx: heat_body(
        plugin,
        ctx,
        rename={"subnet": "subnet_id", "router": "router_id"},
        resolve={"subnet": subnet_id, "router": router_id},
    ),
    # Heat is done at PENDING_CREATE: a service is ACTIVE only once a connection uses it.
    ready=lambda obj: {"ERROR": False, "PENDING_CREATE": True, "ACTIVE": True}.get(
        str(obj.get("status"))
    ),
    also=("router_id",),
)
IKE_POLICY = _simple("ike policy", "ikepolicy", "ikepolicies", "/vpn/ikepolicies")
IPSEC_POLICY = _simple("ipsec policy", "ipsecpolicy", "ipsecpolicies", "/vpn/ipsecpolicies")
IPSEC_SITE_CONNECTION = _simple(
    "ipsec site connection",
    "ipsec_site_connection",
    "ipsec_site_connections",
    "/vpn/ipsec-site-connections",
    ready=ext_ready,
    also=("vpnservice_id",),
    secret=("psk",),
)


# -- networking-sfc ------------------------------------------------------------------------------


def _ids(path: str, plural: str, what: str) -> Any:
    def resolve(ctx: ResourceContext, values: Any) -> list[str]:
        return [find_id(ctx.conn, path, plural, v, what) for v in values or []]

    return resolve


PORT_PAIRS = _ids("/sfc/port_pairs", "port_pairs", "Port pair")
PORT_PAIR_GROUPS = _ids("/sfc/port_pair_groups", "port_pair_groups", "Port pair group")
FLOW_CLASSIFIERS = _ids("/sfc/flow_classifiers", "flow_classifiers", "Flow classifier")
SFC_RESOLVE = {
    "logical_source_port": port_id,
    "logical_destination_port": port_id,
    "ingress": port_id,
    "egress": port_id,
    "port_pairs": PORT_PAIRS,
    "port_pair_groups": PORT_PAIR_GROUPS,
    "flow_classifiers": FLOW_CLASSIFIERS,
}


def _sfc(what: str, key: str, path: str) -> RestKind:
    return _simple(
        what,
        key,
        f"{key}s",
        path,
        body=lambda plugin, ctx: heat_body(plugin, ctx, resolve=SFC_RESOLVE),
        update_body=lambda plugin, ctx: changed_props(plugin, ctx, resolve=SFC_RESOLVE),
    )


FLOW_CLASSIFIER = _sfc("flow classifier", "flow_classifier", "/sfc/flow_classifiers")
PORT_PAIR = _sfc("port pair", "port_pair", "/sfc/port_pairs")
PORT_PAIR_GROUP = _sfc("port pair group", "port_pair_group", "/sfc/port_pair_groups")
PORT_CHAIN = _sfc("port chain", "port_chain", "/sfc/port_chains")


# -- FWaaS v1 ----------------------------------------------------------------------------------


def _any_protocol(body: dict[str, Any]) -> dict[str, Any]:
    """Heat sends protocol 'any' as null (Neutron's 'every protocol')."""
    if body.get("protocol") == "any":
        body["protocol"] = None
    return body


FIREWALL_RULE = _simple(
    "firewall rule",
    "firewall_rule",
    "firewall_rules",
    "/fw/firewall_rules",
    body=lambda plugin, ctx: _any_protocol(heat_body(plugin, ctx)),
    update_body=lambda plugin, ctx: _any_protocol(changed_props(plugin, ctx)),
)
FIREWALL_POLICY = _simple(
    "firewall policy", "firewall_policy", "firewall_policies", "/fw/firewall_policies"
)


def _firewall_ready(obj: dict[str, Any]) -> bool | None:
    """Heat's Firewall check: PENDING_CREATE waits, ACTIVE and INACTIVE are done."""
    status = str(obj.get("status"))
    return {"PENDING_CREATE": None, "ACTIVE": True, "INACTIVE": True}.get(status, False)


FIREWALL = _simple(
    "firewall",
    "firewall",
    "firewalls",
    "/fw/firewalls",
    ready=_firewall_ready,
    attributes=lambda obj: {
        **obj,
        "shared": "This attribute is currently unsupported in neutron firewall resource.",
    },
)


# -- tap-as-a-service ----------------------------------------------------------------------------

TAP_SERVICE = _simple(
    "tap service",
    "tap_service",
    "tap_services",
    "/taas/tap_services",
    body=lambda plugin, ctx: heat_body(
        plugin, ctx, rename={"port": "port_id"}, resolve={"port": port_id}
    ),
    ready=ext_ready,
)


def _tap_service_id(ctx: ResourceContext, value: Any) -> str:
    return find_id(ctx.conn, "/taas/tap_services", "tap_services", value, "Tap service")


TAP_FLOW = _simple(
    "tap flow",
    "tap_flow",
    "tap_flows",
    "/taas/tap_flows",
    body=lambda plugin, ctx: heat_body(
        plugin,
        ctx,
        rename={"port": "source_port", "tap_service": "tap_service_id"},
        resolve={"port": port_id, "tap_service": _tap_service_id},
    ),
    ready=ext_ready,
    also=("tap_service_id",),
)


# -- L2 gateways ---------------------------------------------------------------------------------


def _without_none(value: Any) -> Any:
    """Heat's L2Gateway._remove_none_value_props: interfaces without segmentation ids."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


L2_GATEWAY = _simple(
    "l2 gateway",
    "l2_gateway",
    "l2_gateways",
    "/l2-gateways",
    body=lambda plugin, ctx: _without_none(heat_body(plugin, ctx)),
    update_body=lambda plugin, ctx: _without_none(changed_props(plugin, ctx)),
)
L2_GATEWAY_CONNECTION = _simple(
    "l2 gateway connection",
    "l2_gateway_connection",
    "l2_gateway_connections",
    "/l2-gateway-connections",
    body=lambda plugin, ctx: heat_body(plugin, ctx, resolve={"network_id": network_id}),
    update_body=lambda plugin, ctx: {},
    find=lambda plugin, ctx, path: by_fields(
        ctx,
        path,
        "l2_gateway_connections",
        l2_gateway_id=ctx.properties.get("l2_gateway_id"),
        network_id=network_id(ctx, ctx.properties.get("network_id")),
    ),
)


# -- NSX network gateways --------------------------------------------------------------------------


def _connections(ctx: ResourceContext, values: Any) -> list[dict[str, Any]]:
    result = []
    for item in values or []:
        connection = {k: v for k, v in item.items() if v is not None and k != "network_id"}
        connection["network_id"] = network_id(ctx, item.get("network") or item.get("network_id"))
        connection.pop("network", None)
        result.append(connection)
    return result


def _connect(ctx: ResourceContext, gateway: str, values: Any, action: str) -> None:
    url = f"/network-gateways/{gateway}/{action}"
    for connection in _connections(ctx, values):
        _put(ctx, f"network gateway.{action}", url, connection)


def _put(ctx: ResourceContext, what: str, url: str, body: dict[str, Any]) -> None:
    ctx.call(what, lambda: api(ctx.conn, "put", url, body))


def _gateway_after_create(plugin: Any, ctx: ResourceContext, where: str) -> None:
    _connect(ctx, where.rsplit("/", 1)[1], ctx.properties.get("connections"), "connect_network")


def _gateway_before_delete(plugin: Any, ctx: ResourceContext, where: str) -> None:
    _disconnect_quietly(ctx, where.rsplit("/", 1)[1], ctx.properties.get("connections"))


def _gateway_after_update(plugin: Any, ctx: ResourceContext, where: str) -> None:
    """Heat's handle_update: new devices make a new gateway (old one disconnected and
    deleted, new one created and connected: the physical id changes); changed
    connections are all disconnected, then the new ones connected."""
    gateway = where.rsplit("/", 1)[1]
    if "devices" in ctx.changed:
        _disconnect_quietly(ctx, gateway, ctx.old_properties.get("connections"))
        ctx.call("network gateway.delete", lambda: api(ctx.conn, "delete", where))
        body = heat_body(plugin, ctx, skip=("connections",))
        made = ctx.call(
            "network gateway.create",
            lambda: api(ctx.conn, "post", "/network-gateways", {"network_gateway": body}),
        )
        ctx.physical_id = str(made["network_gateway"]["id"])
        _connect(ctx, ctx.physical_id, ctx.properties.get("connections"), "connect_network")
    elif "connections" in ctx.changed:
        _disconnect_quietly(ctx, gateway, ctx.old_properties.get("connections"))
        _connect(ctx, gateway, ctx.properties.get("connections"), "connect_network")


def _disconnect_quietly(ctx: ResourceContext, gateway: str, values: Any) -> None:
    from openstack import exceptions

    for connection in _connections(ctx, values):
        try:
            api(ctx.conn, "put", f"/network-gateways/{gateway}/disconnect_network", connection)
        except exceptions.NotFoundException:
            continue


NETWORK_GATEWAY = _simple(
    "network gateway",
    "network_gateway",
    "network_gateways",
    "/network-gateways",
    body=lambda plugin, ctx: heat_body(plugin, ctx, skip=("connections",)),
    update_body=lambda plugin, ctx: changed_props(plugin, ctx, skip=("connections", "devices")),
    after_create=_gateway_after_create,
    after_update=_gateway_after_update,
    before_delete=_gateway_before_delete,
)
