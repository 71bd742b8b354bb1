"""CloudKind specs of the Neutron, Nova and Cinder resources heatctl deploys.

Properties follow Heat's resource plugins (names, defaults, which ones update in place);
values that Heat accepts as a name or an id (network, subnet, security group, flavor,
image) are looked up through openstacksdk's find_* calls.
"""

from __future__ import annotations

from typing import Any

from heatctl.engine.lifecycle import ResourceContext
from heatctl.engine.openstack import (
    TAG_KEY,
    CloudKind,
    changed_body,
    drop_none,
    neutron_get,
    tags,
)


def _network_id(ctx: ResourceContext, value: Any) -> str | None:
    if not value:
        return None
    return str(ctx.conn.network.find_network(value, ignore_missing=False).id)


def _subnet_id(ctx: ResourceContext, value: Any) -> str | None:
    if not value:
        return None
    return str(ctx.conn.network.find_subnet(value, ignore_missing=False).id)


def _security_group_ids(ctx: ResourceContext, values: Any) -> list[str] | None:
    if values is None:
        return None
    find = ctx.conn.network.find_security_group
    return [str(find(v, ignore_missing=False).id) for v in values]


def _name(ctx: ResourceContext) -> str:
    return str(ctx.properties.get("name") or ctx.physical_name())


# -- Neutron ---------------------------------------------------------------------------


def _net_body(ctx: ResourceContext) -> dict[str, Any]:
    p = ctx.properties
    return drop_none(
        {
            "name": _name(ctx),
            "is_admin_state_up": p.get("admin_state_up"),
            "is_shared": p.get("shared"),
            "is_port_security_enabled": p.get("port_security_enabled"),
            "dns_domain": p.get("dns_domain"),
            "tags": tags(ctx),
            **(p.get("value_specs") or {}),
        }
    )


NETWORK = CloudKind(
    what="network",
    create=lambda conn, body: conn.network.create_network(**body),
    get=neutron_get(lambda conn: conn.network.find_network),
    delete=lambda conn, oid: conn.network.delete_network(oid, ignore_missing=True),
    find_tagged=lambda conn, tag: list(conn.network.networks(tags=tag)),
    body=_net_body,
    update=lambda conn, oid, body: conn.network.update_network(oid, **body),
    update_body=lambda ctx: changed_body(
        ctx,
        {
            "name": "name",
            "admin_state_up": "is_admin_state_up",
            "shared": "is_shared",
            "port_security_enabled": "is_port_security_enabled",
            "dns_domain": "dns_domain",
        },
    ),
    attributes=lambda n: {
        "name": n.name,
        "status": n.status,
        "subnets": list(n.subnet_ids or []),
        "mtu": n.mtu,
        "tenant_id": n.project_id,
        "admin_state_up": n.is_admin_state_up,
        "port_security_enabled": n.is_port_security_enabled,
        "segments": n.segments,
        "qos_policy_id": n.qos_policy_id,
        "l2_adjacency": n.is_l2_adjacency,
    },
)


def _subnet_body(ctx: ResourceContext) -> dict[str, Any]:
    p = ctx.properties
    return drop_none(
        {
            "name": _name(ctx),
            "network_id": _network_id(ctx, p.get("network") or p.get("network_id")),
            "cidr": p.get("cidr"),
            "ip_version": p.get("ip_version") or 4,
            "is_dhcp_enabled": p.get("enable_dhcp"),
            "gateway_ip": p.get("gateway_ip"),
            "allocation_pools": p.get("allocation_pools"),
            "dns_nameservers": p.get("dns_nameservers"),
            "host_routes": p.get("host_routes"),
            "prefix_length": p.get("prefixlen"),
            "subnet_pool_id": p.get("subnetpool"),
            "tags": tags(ctx),
            **(p.get("value_specs") or {}),
        }
    )


SUBNET = CloudKind(
    what="subnet",
    create=lambda conn, body: conn.network.create_subnet(**body),
    get=neutron_get(lambda conn: conn.network.find_subnet),
    delete=lambda conn, oid: conn.network.delete_subnet(oid, ignore_missing=True),
    find_tagged=lambda conn, tag: list(conn.network.subnets(tags=tag)),
    body=_subnet_body,
    update=lambda conn, oid, body: conn.network.update_subnet(oid, **body),
    update_body=lambda ctx: changed_body(
        ctx,
        {
            "name": "name",
            "enable_dhcp": "is_dhcp_enabled",
            "gateway_ip": "gateway_ip",
            "allocation_pools": "allocation_pools",
            "dns_nameservers": "dns_nameservers",
            "host_routes": "host_routes",
        },
    ),
    attributes=lambda s: {
        "name": s.name,
        "network_id": s.network_id,
        "cidr": s.cidr,
        "gateway_ip": s.gateway_ip,
        "allocation_pools": s.allocation_pools,
        "dns_nameservers": s.dns_nameservers,
        "host_routes": s.host_routes,
        "enable_dhcp": s.is_dhcp_enabled,
        "ip_version": s.ip_version,
        "tenant_id": s.project_id,
    },
)


def _fixed_ips(ctx: ResourceContext, values: Any) -> list[dict[str, Any]] | None:
    if values is None:
        return None
    result = []
    for item in values:
        entry = drop_none(
            {
                "subnet_id": _subnet_id(ctx, item.get("subnet") or item.get("subnet_id")),
                "ip_address": item.get("ip_address"),
            }
        )
        result.append(entry)
    return result


def _port_body(ctx: ResourceContext) -> dict[str, Any]:
    p = ctx.properties
    return drop_none(
        {
            "name": _name(ctx),
            "network_id": _network_id(ctx, p.get("network") or p.get("network_id")),
            "fixed_ips": _fixed_ips(ctx, p.get("fixed_ips")),
            "security_group_ids": _security_group_ids(ctx, p.get("security_groups")),
            "allowed_address_pairs": p.get("allowed_address_pairs"),
            "mac_address": p.get("mac_address"),
            "is_admin_state_up": p.get("admin_state_up"),
            "is_port_security_enabled": p.get("port_security_enabled"),
            "device_id": p.get("device_id"),
            "device_owner": p.get("device_owner"),
            "binding_vnic_type": p.get("binding:vnic_type"),
            "tags": tags(ctx),
            **(p.get("value_specs") or {}),
        }
    )


def _port_update(ctx: ResourceContext) -> dict[str, Any]:
    body = changed_body(
        ctx,
        {
            "name": "name",
            "admin_state_up": "is_admin_state_up",
            "allowed_address_pairs": "allowed_address_pairs",
            "device_id": "device_id",
            "device_owner": "device_owner",
        },
    )
    if "fixed_ips" in ctx.changed:
        body["fixed_ips"] = _fixed_ips(ctx, ctx.properties.get("fixed_ips")) or []
    if "security_groups" in ctx.changed:
        body["security_group_ids"] = _security_group_ids(
            ctx, ctx.properties.get("security_groups") or []
        )
    return body


PORT = CloudKind(
    what="port",
    create=lambda conn, body: conn.network.create_port(**body),
    get=neutron_get(lambda conn: conn.network.find_port),
    delete=lambda conn, oid: conn.network.delete_port(oid, ignore_missing=True),
    find_tagged=lambda conn, tag: list(conn.network.ports(tags=tag)),
    body=_port_body,
    update=lambda conn, oid, body: conn.network.update_port(oid, **body),
    update_body=_port_update,
    attributes=lambda p: {
        "name": p.name,
        "fixed_ips": p.fixed_ips,
        "mac_address": p.mac_address,
        "network_id": p.network_id,
        "status": p.status,
        "device_id": p.device_id,
        "device_owner": p.device_owner,
        "security_groups": p.security_group_ids,
        "subnets": sorted({ip.get("subnet_id") for ip in p.fixed_ips or []}),
        "admin_state_up": p.is_admin_state_up,
        "allowed_address_pairs": p.allowed_address_pairs,
        "tenant_id": p.project_id,
        "dns_assignment": p.dns_assignment,
    },
)


def _gateway(ctx: ResourceContext, info: Any) -> dict[str, Any] | None:
    if not info:
        return None
    gateway = {"network_id": _network_id(ctx, info.get("network"))}
    if info.get("enable_snat") is not None:
        gateway["enable_snat"] = info["enable_snat"]
    if info.get("external_fixed_ips"):
        gateway["external_fixed_ips"] = info["external_fixed_ips"]
    return gateway


ROUTER = CloudKind(
    what="router",
    create=lambda conn, body: conn.network.create_router(**body),
    get=neutron_get(lambda conn: conn.network.find_router),
    delete=lambda conn, oid: conn.network.delete_router(oid, ignore_missing=True),
    find_tagged=lambda conn, tag: list(conn.network.routers(tags=tag)),
    body=lambda ctx: drop_none(
        {
            "name": _name(ctx),
            "external_gateway_info": _gateway(ctx, ctx.properties.get("external_gateway_info")),
            "is_admin_state_up": ctx.properties.get("admin_state_up"),
            "tags": tags(ctx),
            **(ctx.properties.get("value_specs") or {}),
        }
    ),
    update=lambda conn, oid, body: conn.network.update_router(oid, **body),
    update_body=lambda ctx: {
        **changed_body(ctx, {"name": "name", "admin_state_up": "is_admin_state_up"}),
        **(
            {
                "external_gateway_info": _gateway(ctx, ctx.properties.get("external_gateway_info"))
                or {}
            }
            if "external_gateway_info" in ctx.changed
            else {}
        ),
    },
    attributes=lambda r: {
        "name": r.name,
        "status": r.status,
        "external_gateway_info": r.external_gateway_info,
        "admin_state_up": r.is_admin_state_up,
        "tenant_id": r.project_id,
    },
)


def _rule(rule: dict[str, Any]) -> dict[str, Any]:
    mode = rule.get("remote_mode") or (
        "remote_group_id" if rule.get("remote_group_id") else "remote_ip_prefix"
    )
    return drop_none(
        {
            "direction": rule.get("direction") or "ingress",
            "ether_type": rule.get("ethertype") or "IPv4",
            "protocol": rule.get("protocol"),
            "port_range_min": rule.get("port_range_min"),
            "port_range_max": rule.get("port_range_max"),
            "remote_ip_prefix": rule.get("remote_ip_prefix")
            if mode == "remote_ip_prefix"
            else None,
            "remote_group_id": rule.get("remote_group_id") if mode == "remote_group_id" else None,
        }
    )


def _create_security_group(conn: Any, body: dict[str, Any]) -> Any:
    rules = body.pop("_rules")
    group = conn.network.create_security_group(**body)
    for rule in rules:
        conn.network.create_security_group_rule(security_group_id=group.id, **rule)
    return group


SECURITY_GROUP = CloudKind(
    what="security group",
    create=_create_security_group,
    get=neutron_get(lambda conn: conn.network.find_security_group),
    delete=lambda conn, oid: conn.network.delete_security_group(oid, ignore_missing=True),
    find_tagged=lambda conn, tag: list(conn.network.security_groups(tags=tag)),
    body=lambda ctx: drop_none(
        {
            "name": _name(ctx),
            "description": ctx.properties.get("description"),
            "tags": tags(ctx),
            "_rules": [_rule(r) for r in ctx.properties.get("rules") or []],
        }
    ),
    update=lambda conn, oid, body: conn.network.update_security_group(oid, **body),
    update_body=lambda ctx: changed_body(ctx, {"name": "name", "description": "description"}),
    attributes=lambda g: {
        "name": g.name,
        "description": g.description,
        "rules": g.security_group_rules,
        "tenant_id": g.project_id,
    },
)


FLOATING_IP = CloudKind(
    what="floating ip",
    create=lambda conn, body: conn.network.create_ip(**body),
    get=neutron_get(lambda conn: conn.network.find_ip),
    delete=lambda conn, oid: conn.network.delete_ip(oid, ignore_missing=True),
    find_tagged=lambda conn, tag: list(conn.network.ips(tags=tag)),
    body=lambda ctx: drop_none(
        {
            "floating_network_id": _network_id(
                ctx,
                ctx.properties.get("floating_network") or ctx.properties.get("floating_network_id"),
            ),
            "port_id": ctx.properties.get("port_id"),
            "fixed_ip_address": ctx.properties.get("fixed_ip_address"),
            "floating_ip_address": ctx.properties.get("floating_ip_address"),
            "subnet_id": _subnet_id(ctx, ctx.properties.get("floating_subnet")),
            "tags": tags(ctx),
            **(ctx.properties.get("value_specs") or {}),
        }
    ),
    update=lambda conn, oid, body: conn.network.update_ip(oid, **body),
    update_body=lambda ctx: changed_body(
        ctx, {"port_id": "port_id", "fixed_ip_address": "fixed_ip_address"}
    ),
    attributes=lambda f: {
        "floating_ip_address": f.floating_ip_address,
        "fixed_ip_address": f.fixed_ip_address,
        "port_id": f.port_id,
        "router_id": f.router_id,
        "floating_network_id": f.floating_network_id,
        "status": f.status,
    },
)


# -- Nova --------------------------------------------------------------------------------


def _server_networks(ctx: ResourceContext) -> list[dict[str, Any]] | str:
    networks = ctx.properties.get("networks")
    if not networks:
        return "auto"
    result = []
    for item in networks:
        if item.get("port"):
            result.append({"port": item["port"]})
            continue
        entry = drop_none(
            {"uuid": _network_id(ctx, item.get("network")), "fixed_ip": item.get("fixed_ip")}
        )
        if item.get("subnet") and "uuid" not in entry:
            subnet = ctx.conn.network.find_subnet(item["subnet"], ignore_missing=False)
            entry["uuid"] = subnet.network_id
        result.append(entry)
    return result


def _server_body(ctx: ResourceContext) -> dict[str, Any]:
    from heatctl.engine.software_server import server_user_data

    p = ctx.properties
    conn = ctx.conn
    flavor = conn.compute.find_flavor(p["flavor"], ignore_missing=False)
    image = conn.image.find_image(p["image"], ignore_missing=False) if p.get("image") else None
    groups = p.get("security_groups")
    return drop_none(
        {
            "name": str(p.get("name") or ctx.physical_name(53)),
            "flavor_id": flavor.id,
            "image_id": image.id if image is not None else None,
            "networks": _server_networks(ctx),
            "key_name": p.get("key_name"),
            # a software config id becomes its content; Nova takes user data as base64
            "user_data": _base64(server_user_data(ctx)),
            "availability_zone": p.get("availability_zone"),
            "security_groups": [{"name": g} for g in groups] if groups else None,
            "metadata": {**(p.get("metadata") or {}), TAG_KEY: ctx.tag},
            "tags": tags(ctx),
            "config_drive": p.get("config_drive"),
            "admin_password": p.get("admin_pass"),
            "scheduler_hints": p.get("scheduler_hints"),
        }
    )


def _base64(text: str | None) -> str | None:
    import base64

    return None if text is None else base64.b64encode(text.encode("utf-8")).decode("ascii")


def _addresses(server: Any) -> dict[str, Any]:
    return dict(server.addresses or {})


def _first_address(server: Any) -> str:
    for entries in _addresses(server).values():
        for entry in entries:
            return str(entry.get("addr", ""))
    return ""


SERVER = CloudKind(
    what="server",
    create=lambda conn, body: conn.compute.create_server(**body),
    get=lambda conn, oid: conn.compute.find_server(oid, ignore_missing=True),
    delete=lambda conn, oid: conn.compute.delete_server(oid, ignore_missing=True),
    find_tagged=lambda conn, tag: list(conn.compute.servers(tags=tag)),
    body=_server_body,
    update=lambda conn, oid, body: conn.compute.update_server(oid, **body),
    update_body=lambda ctx: changed_body(ctx, {"name": "name"}),
    attributes=lambda s: {
        "name": s.name,
        "addresses": _addresses(s),
        "first_address": _first_address(s),
        "networks": {
            net: [e.get("addr") for e in entries] for net, entries in _addresses(s).items()
        },
        "instance_name": getattr(s, "instance_name", None),
        "accessIPv4": s.access_ipv4 or "",
        "accessIPv6": s.access_ipv6 or "",
        "tags": list(s.tags or []),
        "console_urls": {},
    },
)


# -- Cinder ------------------------------------------------------------------------------


def _volume_ready(volume: Any) -> bool | None:
    status = str(volume.status or "").lower()
    if status in ("error", "error_restoring", "error_extending"):
        return False
    return True if status in ("available", "in-use") else None


VOLUME = CloudKind(
    what="volume",
    create=lambda conn, body: conn.block_storage.create_volume(**body),
    get=lambda conn, oid: conn.block_storage.find_volume(oid, ignore_missing=True),
    delete=lambda conn, oid: conn.block_storage.delete_volume(oid, ignore_missing=True),
    find_tagged=lambda conn, tag: [
        v
        for v in conn.block_storage.volumes(details=True)
        if (v.metadata or {}).get(TAG_KEY) == tag
    ],
    body=lambda ctx: drop_none(
        {
            "name": _name(ctx),
            "size": ctx.properties.get("size"),
            "description": ctx.properties.get("description"),
            "volume_type": ctx.properties.get("volume_type"),
            "availability_zone": ctx.properties.get("availability_zone"),
            "image_id": ctx.properties.get("image"),
            "snapshot_id": ctx.properties.get("snapshot_id"),
            "source_volume_id": ctx.properties.get("source_volid"),
            "metadata": {**(ctx.properties.get("metadata") or {}), TAG_KEY: ctx.tag},
        }
    ),
    update=lambda conn, oid, body: conn.block_storage.update_volume(oid, **body),
    update_body=lambda ctx: changed_body(ctx, {"name": "name", "description": "description"}),
    ready=_volume_ready,
    attributes=lambda v: {
        "size": v.size,
        "status": v.status,
        "attachments": v.attachments or [],
        "attachments_list": v.attachments or [],
        "bootable": v.is_bootable,
        "volume_type": v.volume_type,
        "metadata": dict(v.metadata or {}),
        "metadata_values": dict(v.metadata or {}),
        "encrypted": v.is_encrypted,
        "multiattach": v.is_multiattach,
        "created_at": v.created_at,
        "display_name": v.name,
        "display_description": v.description,
        "availability_zone": v.availability_zone,
        "snapshot_id": v.snapshot_id,
        "source_volid": v.source_volume_id,
    },
)
