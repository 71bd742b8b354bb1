"""Lifecycles of Manila objects (OS::Manila::*), as Heat's manila plugins run them.

A share is created with Heat's fields (names of networks, types and snapshots resolved to
ids), polled until `available` (`error` fails it), and only then given its access rules,
because Manila refuses rules on a share still being created. An update renames through
display_name/display_description, replaces the metadata, and changes access rules by
difference (a rule no longer listed is denied, a new one allowed). Shares carry the
resource's tag in their metadata; share networks and security services, which have no
metadata, carry it as their description when the template gives none; share types are
found by name (a type's name is unique).
"""

from __future__ import annotations

from typing import Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.openstack import drop_none
from heatctl.engine.openstack_services2 import (
    TAG_KEY,
    Obj,
    StatusKind,
    api,
    field,
    first,
    name_of,
    or_none,
    plain,
    statuses,
    tag_description,
    tagged_by_description,
)

RULE_KEYS = ("access_to", "access_type", "access_level")


def _sfs(ctx: ResourceContext) -> Any:
    return ctx.conn.shared_file_system


def _resolve(items: Any, value: str | None, what: str) -> str | None:
    """The id of the object named or identified by `value`."""
    if not value:
        return None
    found = first(items, lambda o: value in (field(o, "id"), field(o, "name")))
    if found is None:
        raise ResourceFailed(f"Manila {what} '{value}' does not exist")
    return str(field(found, "id"))


# -- shares ---------------------------------------------------------------------------------
def _create_share(ctx: ResourceContext) -> Obj:
    props, sfs = ctx.properties, _sfs(ctx)
    body = {
        "share_proto": props["share_protocol"],
        "size": props["size"],
        "name": props.get("name"),
        "description": props.get("description"),
        "metadata": {**(props.get("metadata") or {}), TAG_KEY: ctx.tag},
        "is_public": props.get("is_public"),
        "share_network_id": _resolve(
            sfs.share_networks(), props.get("share_network"), "share network"
        ),
        "share_type": _resolve(sfs.share_types(), props.get("share_type"), "share type"),
        "snapshot_id": _resolve(sfs.share_snapshots(), props.get("snapshot"), "share snapshot"),
    }
    return sfs.create_share(**drop_none(body))


def _find_share(ctx: ResourceContext) -> Obj | None:
    shares = _sfs(ctx).shares(details=True)
    return first(shares, lambda s: (s.metadata or {}).get(TAG_KEY) == ctx.tag)


def _rule(values: dict[str, Any]) -> dict[str, Any]:
    return {key: values.get(key) or ("rw" if key == "access_level" else None) for key in RULE_KEYS}


def _allow(ctx: ResourceContext, rule: dict[str, Any]) -> None:
    ctx.call(
        "manila.share.allow",
        lambda: _sfs(ctx).create_access_rule(ctx.physical_id, **_rule(rule)),
    )


def _apply_rules(ctx: ResourceContext, share: Obj) -> None:
    """Heat applies the rules once the share is available."""
    for rule in ctx.properties.get("access_rules") or []:
        try:
            _allow(ctx, rule)
        except Exception as error:
            raise ResourceFailed(
                f'{ctx.name}: Error during applying access rules to share "{ctx.physical_id}". '
                f"The root cause of the problem is the following: {error}."
            ) from error


def _update_share(ctx: ResourceContext) -> None:
    props, sfs, share_id = ctx.properties, _sfs(ctx), ctx.physical_id
    renames = {
        "name": "display_name",
        "description": "display_description",
        "is_public": "is_public",
    }
    changes = {renames[p]: props.get(p) for p in renames if p in ctx.changed}
    if changes:
        ctx.call("manila.share.update", lambda: sfs.update_share(share_id, **changes))
    if "metadata" in ctx.changed:
        metadata = {**(props.get("metadata") or {}), TAG_KEY: ctx.tag}
        path = f"/shares/{share_id}/metadata"
        ctx.call(
            "manila.share.metadata", lambda: api(sfs, "PUT", path, json={"metadata": metadata})
        )
    if "access_rules" in ctx.changed:
        _update_rules(ctx)


def _update_rules(ctx: ResourceContext) -> None:
    wanted = [_rule(r) for r in ctx.properties.get("access_rules") or []]
    sfs, kept = _sfs(ctx), []
    existing = ctx.call("manila.share.rules", lambda: list(sfs.access_rules(ctx.physical_id)))
    for rule in existing:
        current = _rule({key: getattr(rule, key, None) for key in RULE_KEYS})
        if current in wanted:
            kept.append(current)
        else:
            _deny(ctx, rule.id)
    for rule in wanted:
        if rule not in kept:
            _allow(ctx, rule)


def _deny(ctx: ResourceContext, rule_id: str) -> None:
    sfs = _sfs(ctx)
    ctx.call("manila.share.deny", lambda: sfs.delete_access_rule(rule_id, ctx.physical_id))


def _share_attributes(ctx: ResourceContext, share: Obj) -> dict[str, Any]:
    locations = ctx.call(
        "manila.share.export_locations",
        lambda: list(_sfs(ctx).export_locations(share.id)),
    )
    return {
        "availability_zone": share.availability_zone,
        "host": share.host,
        "export_locations": [location.path for location in locations],
        "share_server_id": share.share_server_id,
        "created_at": share.created_at,
        "status": share.status,
        "project_id": share.project_id,
    }


SHARE = StatusKind(
    what="manila.share",
    create=_create_share,
    get=lambda ctx, oid: or_none(lambda: _sfs(ctx).get_share(oid)),
    delete=lambda ctx, oid: _sfs(ctx).delete_share(oid, ignore_missing=True),
    find=_find_share,
    attributes=_share_attributes,
    update=_update_share,
    ready=statuses("available"),
    failed=statuses("error", "error_deleting"),
    after_ready=_apply_rules,
)


# -- share networks ---------------------------------------------------------------------
def _net_ids(ctx: ResourceContext) -> dict[str, Any]:
    props, network = ctx.properties, ctx.conn.network
    net, subnet = props.get("neutron_network"), props.get("neutron_subnet")
    return {
        "neutron_net_id": network.find_network(net, ignore_missing=False).id if net else None,
        "neutron_subnet_id": network.find_subnet(subnet, ignore_missing=False).id
        if subnet
        else None,
    }


def _security_ids(ctx: ResourceContext, names: list[str]) -> list[str]:
    listed = api(_sfs(ctx), "GET", "/security-services")["security_services"]
    return [str(_resolve(listed, name, "security service")) for name in names]


def _create_network(ctx: ResourceContext) -> Obj:
    props = ctx.properties
    body = {
        "name": name_of(ctx),
        "description": tag_description(ctx, props.get("description")),
        **_net_ids(ctx),
    }
    network = _sfs(ctx).create_share_network(**drop_none(body))
    for service_id in _security_ids(ctx, props.get("security_services") or []):
        _network_action(ctx, network.id, "add_security_service", service_id)
    return network


def _network_action(ctx: ResourceContext, network_id: str, action: str, service_id: str) -> None:
    path = f"/share-networks/{network_id}/action"
    body = {action: {"security_service_id": service_id}}
    ctx.call(f"manila.share_network.{action}", lambda: api(_sfs(ctx), "POST", path, json=body))


def _update_network(ctx: ResourceContext) -> None:
    props, changed = ctx.properties, ctx.changed
    body: dict[str, Any] = {}
    if "name" in changed:
        body["name"] = name_of(ctx)
    if "description" in changed:
        body["description"] = tag_description(ctx, props.get("description"))
    if "neutron_network" in changed or "neutron_subnet" in changed:
        body.update(_net_ids(ctx))
    if body:
        ctx.call(
            "manila.share_network.update",
            lambda: _sfs(ctx).update_share_network(ctx.physical_id, **body),
        )
    if "security_services" in changed:
        old = set(_security_ids(ctx, ctx.old_properties.get("security_services") or []))
        new = set(_security_ids(ctx, props.get("security_services") or []))
        for service_id in sorted(old - new):
            _network_action(ctx, ctx.physical_id or "", "remove_security_service", service_id)
        for service_id in sorted(new - old):
            _network_action(ctx, ctx.physical_id or "", "add_security_service", service_id)


def _get_network(ctx: ResourceContext, oid: str) -> Obj | None:
    found = or_none(lambda: api(_sfs(ctx), "GET", f"/share-networks/{oid}"))
    return found["share_network"] if found else None


SHARE_NETWORK = StatusKind(
    what="manila.share_network",
    create=_create_network,
    get=_get_network,
    delete=lambda ctx, oid: _sfs(ctx).delete_share_network(oid, ignore_missing=True),
    find=lambda ctx: first(
        api(_sfs(ctx), "GET", "/share-networks/detail")["share_networks"],
        lambda n: tagged_by_description(ctx, n),
    ),
    attributes=lambda ctx, n: {
        key: n.get(key) for key in ("cidr", "ip_version", "network_type", "segmentation_id")
    },
    update=_update_network,
    status_field=None,
)


# -- share types ----------------------------------------------------------------------------
def _type_specs(ctx: ResourceContext) -> dict[str, str]:
    props = ctx.properties
    specs = {k: str(v) for k, v in (props.get("extra_specs") or {}).items()}
    specs["driver_handles_share_servers"] = str(props["driver_handles_share_servers"])
    specs["snapshot_support"] = str(props.get("snapshot_support", True))
    return specs


def _create_type(ctx: ResourceContext) -> Obj:
    body = {
        "name": ctx.properties["name"],
        "extra_specs": _type_specs(ctx),
        "share_type_access:is_public": bool(ctx.properties.get("is_public", True)),
    }
    return api(_sfs(ctx), "POST", "/types", json={"share_type": body})["share_type"]


def _update_type(ctx: ResourceContext) -> None:
    if "extra_specs" not in ctx.changed:
        return
    old = {str(k) for k in (ctx.old_properties.get("extra_specs") or {})}
    specs, path = _type_specs(ctx), f"/types/{ctx.physical_id}/extra_specs"
    sfs = _sfs(ctx)
    ctx.call(
        "manila.share_type.set_specs", lambda: api(sfs, "POST", path, json={"extra_specs": specs})
    )
    for key in sorted(old - set(specs)):
        _unset(ctx, f"{path}/{key}")


def _unset(ctx: ResourceContext, path: str) -> None:
    ctx.call("manila.share_type.unset_spec", lambda: api(_sfs(ctx), "DELETE", path))


def _get_type(ctx: ResourceContext, oid: str) -> Obj | None:
    found = or_none(lambda: api(_sfs(ctx), "GET", f"/types/{oid}"))
    return found["share_type"] if found else None


SHARE_TYPE = StatusKind(
    what="manila.share_type",
    create=_create_type,
    get=_get_type,
    delete=lambda ctx, oid: or_none(lambda: api(_sfs(ctx), "DELETE", f"/types/{oid}")),
    find=lambda ctx: first(
        api(_sfs(ctx), "GET", "/types")["share_types"],
        lambda t: t.get("name") == ctx.properties["name"],
    ),
    update=_update_type,
    status_field=None,
)


# -- security services ------------------------------------------------------------------
SECURITY_FIELDS = ("dns_ip", "server", "domain", "user", "password")


def _security_body(ctx: ResourceContext) -> dict[str, Any]:
    props = ctx.properties
    body = {key: props.get(key) for key in SECURITY_FIELDS}
    body.update(name=name_of(ctx), description=tag_description(ctx, props.get("description")))
    return drop_none(body)


def _create_security(ctx: ResourceContext) -> Obj:
    body = {"type": ctx.properties["type"], **_security_body(ctx)}
    return api(_sfs(ctx), "POST", "/security-services", json={"security_service": body})[
        "security_service"
    ]


def _update_security(ctx: ResourceContext) -> None:
    body = {k: v for k, v in _security_body(ctx).items() if k in ctx.changed}
    if body:
        path = f"/security-services/{ctx.physical_id}"
        ctx.call(
            "manila.security_service.update",
            lambda: api(_sfs(ctx), "PUT", path, json={"security_service": body}),
        )


def _get_security(ctx: ResourceContext, oid: str) -> Obj | None:
    found = or_none(lambda: api(_sfs(ctx), "GET", f"/security-services/{oid}"))
    return found["security_service"] if found else None


SECURITY_SERVICE = StatusKind(
    what="manila.security_service",
    create=_create_security,
    get=_get_security,
    delete=lambda ctx, oid: or_none(lambda: api(_sfs(ctx), "DELETE", f"/security-services/{oid}")),
    find=lambda ctx: first(
        api(_sfs(ctx), "GET", "/security-services/detail")["security_services"],
        lambda s: tagged_by_description(ctx, s),
    ),
    update=_update_security,
    status_field=None,
    show=lambda obj: {k: v for k, v in plain(obj).items() if k != "password"},
)
