"""Lifecycle of Ironic ports (OS::Ironic::Port), as Heat's ironic plugin runs it.

The port is created on its node (name or uuid, resolved to the uuid) with Heat's fields,
the port group resolved likewise; every property changes in place by JSON-patch
(replace for a value, remove for a property taken out). A MAC address belongs to one port
only, so the port is found again after a crash by its address.
"""

from __future__ import annotations

from typing import Any

from heatctl.engine.lifecycle import ResourceContext
from heatctl.engine.openstack_services2 import Obj, StatusKind, first, or_none

FIELDS = (
    "address",
    "extra",
    "is_smartnic",
    "local_link_connection",
    "physical_network",
    "pxe_enabled",
)
ATTRIBUTES = {
    "address": "address",
    "extra": "extra",
    "internal_info": "internal_info",
    "is_smartnic": "is_smartnic",
    "local_link_connection": "local_link_connection",
    "node_uuid": "node_id",
    "physical_network": "physical_network",
    "portgroup_uuid": "port_group_id",
    "pxe_enabled": "is_pxe_enabled",
}


def _bm(ctx: ResourceContext) -> Any:
    return ctx.conn.baremetal


def _values(ctx: ResourceContext) -> dict[str, Any]:
    """The port's fields as Ironic names them (node and port group as uuids)."""
    props, bm = ctx.properties, _bm(ctx)
    values = {name: props.get(name) for name in FIELDS}
    values["node_uuid"] = bm.find_node(props["node"], ignore_missing=False).id
    group = props.get("portgroup")
    values["portgroup_uuid"] = bm.find_port_group(group, ignore_missing=False).id if group else None
    return values


def _create(ctx: ResourceContext) -> Obj:
    body = {k: v for k, v in _values(ctx).items() if v is not None}
    path = "/ports"
    return _bm(ctx).post(path, json=body, microversion="1.53", raise_exc=True).json()


def _update(ctx: ResourceContext) -> None:
    renamed = {"node": "node_uuid", "portgroup": "portgroup_uuid"}
    changed = {renamed.get(name, name) for name in ctx.changed}
    values = _values(ctx)
    patch = [
        {"op": "replace", "path": f"/{name}", "value": values[name]}
        if values[name] is not None
        else {"op": "remove", "path": f"/{name}"}
        for name in sorted(changed & set(values))
    ]
    if patch:
        path = f"/ports/{ctx.physical_id}"
        ctx.call(
            "ironic.port.update",
            lambda: _bm(ctx).patch(path, json=patch, microversion="1.53", raise_exc=True),
        )


PORT = StatusKind(
    what="ironic.port",
    create=_create,
    get=lambda ctx, oid: or_none(lambda: _bm(ctx).get_port(oid)),
    delete=lambda ctx, oid: _bm(ctx).delete_port(oid, ignore_missing=True),
    find=lambda ctx: first(
        _bm(ctx).ports(details=True),
        lambda p: p.address == str(ctx.properties["address"]).lower(),
    ),
    attributes=lambda ctx, port: {
        name: getattr(port, field, None) for name, field in ATTRIBUTES.items()
    },
    update=_update,
    status_field=None,
    physical_id=lambda port: str(port["uuid"] if isinstance(port, dict) else port.id),
)
