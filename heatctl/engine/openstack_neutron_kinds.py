"""RestKinds of Neutron's QoS, addressing, trunk, RBAC, segment, metering and port
forwarding resources, with Heat's property mapping (heat/engine/resources/openstack/
neutron/*.py). How each is found again after a crash is said next to it."""

from __future__ import annotations

from typing import Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.openstack_neutron import (
    RestKind,
    api,
    by_fields,
    by_tag,
    changed_props,
    find_id,
    heat_body,
    listing,
    network_id,
    port_id,
    tagged,
    with_defaults,
)

# -- QoS ------------------------------------------------------------------------------------


def qos_policy_id(ctx: ResourceContext, value: Any) -> str:
    return find_id(ctx.conn, "/qos/policies", "policies", value, "QoS policy")


def _policy_body(plugin: Any, ctx: ResourceContext) -> dict[str, Any]:
    return {**heat_body(plugin, ctx), "tags": tagged(ctx)}


QOS_POLICY = RestKind(
    what="qos policy",
    key="policy",
    plural="policies",
    path=lambda ctx: "/qos/policies",
    body=_policy_body,
    update_body=lambda plugin, ctx: changed_props(plugin, ctx),
    # QoS policies take tags: found again by the resource's tag.
    find=lambda plugin, ctx, path: by_tag(ctx, path, "policies"),
    attributes=lambda obj: {"rules": obj.get("rules"), "tenant_id": obj.get("project_id")},
)


def qos_rule(segment: str, key: str, what: str, *, directed: bool = True) -> RestKind:
    """A QoS rule kind: a sub-collection of its policy. Neutron allows one rule of a type
    (and direction) per policy, so that identifies it after a crash."""

    def path(ctx: ResourceContext) -> str:
        return f"/qos/policies/{qos_policy_id(ctx, ctx.properties['policy'])}/{segment}"

    def find(plugin: Any, ctx: ResourceContext, where: str) -> dict[str, Any] | None:
        wanted = with_defaults(plugin, ctx).get("direction") if directed else None
        for rule in listing(ctx.conn, where, f"{key}s"):
            if not directed or rule.get("direction") == wanted:
                return rule
        return None

    return RestKind(
        what=what,
        key=key,
        plural=f"{key}s",
        path=path,
        body=lambda plugin, ctx: heat_body(plugin, ctx, skip=("policy",)),
        update_body=lambda plugin, ctx: changed_props(plugin, ctx, skip=("policy",)),
        find=find,
        attributes=lambda obj: {},
    )


QOS_BANDWIDTH_LIMIT_RULE = qos_rule(
    "bandwidth_limit_rules", "bandwidth_limit_rule", "qos bandwidth limit rule"
)
QOS_DSCP_MARKING_RULE = qos_rule(
    "dscp_marking_rules", "dscp_marking_rule", "qos dscp marking rule", directed=False
)
QOS_MINIMUM_BANDWIDTH_RULE = qos_rule(
    "minimum_bandwidth_rules", "minimum_bandwidth_rule", "qos minimum bandwidth rule"
)
QOS_MINIMUM_PACKET_RATE_RULE = qos_rule(
    "minimum_packet_rate_rules", "minimum_packet_rate_rule", "qos minimum packet rate rule"
)


# -- address scopes and subnet pools --------------------------------------------------------


def _scope_id(ctx: ResourceContext, value: Any) -> str:
    return find_id(ctx.conn, "/address-scopes", "address_scopes", value, "Address scope")


ADDRESS_SCOPE = RestKind(
    what="address scope",
    key="address_scope",
    plural="address_scopes",
    path=lambda ctx: "/address-scopes",
    body=lambda plugin, ctx: heat_body(plugin, ctx),
    update_body=lambda plugin, ctx: changed_props(plugin, ctx),
    # Address scopes take no tags: found by name (the tag-derived physical name unless
    # the template names it) and IP version.
    find=lambda plugin, ctx, path: by_fields(
        ctx,
        path,
        "address_scopes",
        name=heat_body(plugin, ctx)["name"],
        ip_version=with_defaults(plugin, ctx)["ip_version"],
    ),
    attributes=lambda obj: {},
)


def _pool_body(plugin: Any, ctx: ResourceContext) -> dict[str, Any]:
    body = heat_body(plugin, ctx, resolve={"address_scope": _scope_id})
    if "address_scope" in body:
        body["address_scope_id"] = body.pop("address_scope")
    body["tags"] = tagged(ctx, body.get("tags"))
    return body


def _pool_update(plugin: Any, ctx: ResourceContext) -> dict[str, Any]:
    diff = changed_props(plugin, ctx, skip=("tags",))
    if "prefixes" in diff:
        _check_superset(ctx.old_properties.get("prefixes") or [], diff["prefixes"] or [])
    if "address_scope" in diff:
        value = diff.pop("address_scope")
        diff["address_scope_id"] = _scope_id(ctx, value) if value else None
    return diff


def _check_superset(old: list[str], new: list[str]) -> None:
    """Heat refuses, before calling Neutron, prefixes that are not a superset of the old."""
    import ipaddress

    old_nets = [ipaddress.ip_network(p, strict=False) for p in old]
    new_nets = [ipaddress.ip_network(p, strict=False) for p in new]
    if not all(any(o.subnet_of(n) for n in new_nets if n.version == o.version) for o in old_nets):  # type: ignore[arg-type]
        raise ResourceFailed(
            f"Property prefixes updated value {sorted(new)} should be superset of existing "
            f"value {sorted(old)}."
        )


def _retag(plugin: Any, ctx: ResourceContext, where: str) -> None:
    """Heat's set_tags when `tags` changes (heatctl's own tag is kept)."""
    if "tags" in ctx.changed:
        ctx.call(
            "tags.replace",
            lambda: api(
                ctx.conn, "put", f"{where}/tags", {"tags": tagged(ctx, ctx.properties.get("tags"))}
            ),
        )


SUBNET_POOL = RestKind(
    what="subnet pool",
    key="subnetpool",
    plural="subnetpools",
    path=lambda ctx: "/subnetpools",
    body=_pool_body,
    update_body=_pool_update,
    after_update=_retag,
    find=lambda plugin, ctx, path: by_tag(ctx, path, "subnetpools"),
    attributes=lambda obj: {},
)


# -- trunks --------------------------------------------------------------------------------


def _subports(ctx: ResourceContext, items: Any) -> list[dict[str, Any]]:
    return [
        {
            "port_id": port_id(ctx, item["port"]),
            "segmentation_type": item.get("segmentation_type"),
            # Heat's schema makes it an integer; a list parameter gives strings.
            "segmentation_id": _int(item.get("segmentation_id")),
        }
        for item in items or []
    ]


def _int(value: Any) -> Any:
    return int(value) if isinstance(value, str) and value.strip().isdigit() else value


def _trunk_body(plugin: Any, ctx: ResourceContext) -> dict[str, Any]:
    body = heat_body(
        plugin, ctx, skip=("sub_ports",), rename={"port": "port_id"}, resolve={"port": port_id}
    )
    body["sub_ports"] = _subports(ctx, ctx.properties.get("sub_ports"))
    body["tags"] = tagged(ctx)
    return body


def _trunk_subports(plugin: Any, ctx: ResourceContext, where: str) -> None:
    """Heat's deep diff of sub_ports: remove the ones that went, then add the new ones."""
    if "sub_ports" not in ctx.changed:
        return
    old = {_key(s): s for s in _subports(ctx, ctx.old_properties.get("sub_ports"))}
    new = {_key(s): s for s in _subports(ctx, ctx.properties.get("sub_ports"))}
    gone = [{"port_id": old[k]["port_id"]} for k in old.keys() - new.keys()]
    added = [new[k] for k in new.keys() - old.keys()]
    if gone:
        ctx.call(
            "trunk.remove_subports",
            lambda: api(ctx.conn, "put", f"{where}/remove_subports", {"sub_ports": gone}),
        )
    if added:
        ctx.call(
            "trunk.add_subports",
            lambda: api(ctx.conn, "put", f"{where}/add_subports", {"sub_ports": added}),
        )


def _key(subport: dict[str, Any]) -> tuple[Any, ...]:
    return (subport["port_id"], subport["segmentation_type"], subport["segmentation_id"])


TRUNK = RestKind(
    what="trunk",
    key="trunk",
    plural="trunks",
    path=lambda ctx: "/trunks",
    body=_trunk_body,
    update_body=lambda plugin, ctx: changed_props(plugin, ctx, skip=("sub_ports", "port")),
    after_update=_trunk_subports,
    # A port is the parent of one trunk at most: found by its parent port.
    find=lambda plugin, ctx, path: by_fields(
        ctx, path, "trunks", port_id=port_id(ctx, ctx.properties.get("port"))
    ),
    attributes=lambda obj: {"port_id": obj.get("port_id")},
)


# -- RBAC, segments, provider networks ---------------------------------------------------------

RBAC_FINDERS = {
    "network": ("/networks", "networks", "Network"),
    "qos_policy": ("/qos/policies", "policies", "QoS policy"),
    "security_group": ("/security-groups", "security_groups", "Security group"),
    "address_scope": ("/address-scopes", "address_scopes", "Address scope"),
    "subnetpool": ("/subnetpools", "subnetpools", "Subnet pool"),
}


def _rbac_body(plugin: Any, ctx: ResourceContext) -> dict[str, Any]:
    body = heat_body(plugin, ctx)
    path, plural, what = RBAC_FINDERS[body["object_type"]]
    body["object_id"] = find_id(ctx.conn, path, plural, body["object_id"], what)
    return body


RBAC_POLICY = RestKind(
    what="rbac policy",
    key="rbac_policy",
    plural="rbac_policies",
    path=lambda ctx: "/rbac-policies",
    body=_rbac_body,
    update_body=lambda plugin, ctx: changed_props(plugin, ctx),
    # Neutron refuses two policies with the same object, action and target: found by those.
    find=lambda plugin, ctx, path: by_fields(
        ctx,
        path,
        "rbac_policies",
        **{k: v for k, v in _rbac_body(plugin, ctx).items() if k != "tenant_id"},
    ),
    attributes=lambda obj: {},
)


def _segment_body(plugin: Any, ctx: ResourceContext) -> dict[str, Any]:
    return heat_body(plugin, ctx, rename={"network": "network_id"}, resolve={"network": network_id})


SEGMENT = RestKind(
    what="segment",
    key="segment",
    plural="segments",
    path=lambda ctx: "/segments",
    body=_segment_body,
    update_body=lambda plugin, ctx: changed_props(plugin, ctx),
    # Segments take no tags here: found by network and name (tag-derived by default).
    find=lambda plugin, ctx, path: by_fields(
        ctx,
        path,
        "segments",
        network_id=_segment_body(plugin, ctx)["network_id"],
        name=_segment_body(plugin, ctx)["name"],
    ),
    attributes=lambda obj: {},
)

PROVIDER_RENAMES = {
    "network_type": "provider:network_type",
    "physical_network": "provider:physical_network",
    "segmentation_id": "provider:segmentation_id",
    "router_external": "router:external",
}


def _provider_body(plugin: Any, ctx: ResourceContext) -> dict[str, Any]:
    body = heat_body(plugin, ctx, rename=PROVIDER_RENAMES)
    body["tags"] = tagged(ctx, body.get("tags"))
    return body


PROVIDER_NET = RestKind(
    what="provider network",
    key="network",
    plural="networks",
    path=lambda ctx: "/networks",
    body=_provider_body,
    update_body=lambda plugin, ctx: changed_props(
        plugin, ctx, rename=PROVIDER_RENAMES, skip=("tags",)
    ),
    after_update=_retag,
    find=lambda plugin, ctx, path: by_tag(ctx, path, "networks"),
    attributes=lambda obj: {
        "status": obj.get("status"),
        "subnets": obj.get("subnets"),
        "segments": obj.get("segments"),
    },
)


# -- metering and port forwarding -----------------------------------------------------------------

METERING_LABEL = RestKind(
    what="metering label",
    key="metering_label",
    plural="metering_labels",
    path=lambda ctx: "/metering/metering-labels",
    body=lambda plugin, ctx: heat_body(plugin, ctx),
    # Labels take no tags: found by name (tag-derived by default).
    find=lambda plugin, ctx, path: by_fields(
        ctx, path, "metering_labels", name=heat_body(plugin, ctx)["name"]
    ),
)


def _rule_body(plugin: Any, ctx: ResourceContext) -> dict[str, Any]:
    body = heat_body(plugin, ctx)
    excluded = body.get("excluded")
    if isinstance(excluded, str):
        body["excluded"] = excluded.lower() in ("true", "1", "yes", "on")
    return body


METERING_RULE = RestKind(
    what="metering rule",
    key="metering_label_rule",
    plural="metering_label_rules",
    path=lambda ctx: "/metering/metering-label-rules",
    body=_rule_body,
    # Rules of a label may not overlap: found by label, prefix and direction.
    find=lambda plugin, ctx, path: by_fields(
        ctx,
        path,
        "metering_label_rules",
        **{
            k: _rule_body(plugin, ctx)[k]
            for k in ("metering_label_id", "remote_ip_prefix", "direction")
        },
    ),
)


def _fip_id(ctx: ResourceContext, value: Any) -> str:
    return str(ctx.conn.network.find_ip(value, ignore_missing=False).id)


PF_RENAMES = {"internal_port": "internal_port_id", "internal_port_number": "internal_port"}


def _pf_body(plugin: Any, ctx: ResourceContext) -> dict[str, Any]:
    # Heat passes its own resource name, not a physical name (the API has no name).
    body = heat_body(plugin, ctx, skip=("floating_ip",), resolve={"internal_port": port_id})
    return {PF_RENAMES.get(k, k): v for k, v in body.items()}


def _pf_update(plugin: Any, ctx: ResourceContext) -> dict[str, Any]:
    body = changed_props(plugin, ctx, resolve={"internal_port": port_id})
    return {PF_RENAMES.get(k, k): v for k, v in body.items()}


FLOATING_IP_PORT_FORWARD = RestKind(
    what="port forwarding",
    key="port_forwarding",
    plural="port_forwardings",
    path=lambda ctx: f"/floatingips/{_fip_id(ctx, ctx.properties['floating_ip'])}/port_forwardings",
    body=_pf_body,
    update_body=_pf_update,
    # One forwarding per (external port, protocol) of a floating IP: found by those.
    find=lambda plugin, ctx, path: by_fields(
        ctx,
        path,
        "port_forwardings",
        external_port=ctx.properties.get("external_port"),
        protocol=ctx.properties.get("protocol"),
    ),
    attributes=lambda obj: {},
)
