"""Lifecycles of cloud objects that cannot carry heatctl's tag in a way a list call filters
on (security group rules, server groups, Swift containers, floating IP associations).

A `LinkKind` is like a `CloudKind` but every callable takes the ResourceContext, so
finding the object again after a crash can use the resource's own properties: the rule
with the same match in the same group, the group or container with the resource's name,
the floating IP already on the port.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from heatctl.engine.lifecycle import ResourceContext
from heatctl.engine.openstack import drop_none
from heatctl.engine.wait import Wait

Obj = Any


@dataclass(frozen=True)
class LinkKind:
    """How to manage one kind of object whose identity comes from the resource's properties."""

    what: str
    create: Callable[[ResourceContext], str]
    """Makes the object; returns its physical id."""
    find: Callable[[ResourceContext], str | None]
    """The physical id of the object these properties made, if it exists."""
    get: Callable[[ResourceContext, str], Obj | None]
    delete: Callable[[ResourceContext, str], Any]
    attributes: Callable[[ResourceContext, Obj], dict[str, Any]]
    update: Callable[[ResourceContext], Any] | None = None
    show: Callable[[Obj], dict[str, Any]] | None = None


def link_lifecycle(kind: LinkKind) -> tuple[Callable[..., Any], ...]:
    """The eight lifecycle methods for `kind`, in the order of openstack.LIFECYCLE_METHODS."""

    def create(self: Any, ctx: ResourceContext) -> Wait | None:
        ctx.physical_id = ctx.call(
            f"{kind.what}.create",
            lambda: kind.create(ctx),
            request={"name": ctx.name},
            creates=True,
            lookup=lambda: kind.find(ctx),
        )
        return None

    def done(self: Any, ctx: ResourceContext) -> Wait | None:
        return None

    def update(self: Any, ctx: ResourceContext) -> Wait | None:
        if kind.update is not None and ctx.changed:
            ctx.call(f"{kind.what}.update", lambda: kind.update(ctx))  # type: ignore[misc]
        return None

    def delete(self: Any, ctx: ResourceContext) -> Wait | None:
        if ctx.physical_id:
            ctx.call(
                f"{kind.what}.delete",
                lambda: kind.delete(ctx, ctx.physical_id or ""),
                conflict_retries=6,
            )
        return None

    def resolve_attributes(self: Any, ctx: ResourceContext) -> dict[str, Any]:
        obj = ctx.call(f"{kind.what}.get", lambda: kind.get(ctx, ctx.physical_id or ""))
        if obj is None:
            return {}
        values = kind.attributes(ctx, obj)
        values["show"] = kind.show(obj) if kind.show is not None else _plain(obj)
        return values

    def find_by_tag(self: Any, ctx: ResourceContext) -> str | None:
        return ctx.call(f"{kind.what}.find", lambda: kind.find(ctx))

    return (create, done, update, done, delete, done, resolve_attributes, find_by_tag)


def _plain(obj: Obj) -> dict[str, Any]:
    to_dict = getattr(obj, "to_dict", None)
    data = dict(to_dict(computed=False)) if callable(to_dict) else dict(obj)
    data.pop("location", None)
    return data


def _missing(error: BaseException) -> bool:
    from openstack import exceptions

    return isinstance(error, exceptions.NotFoundException)


# -- OS::Neutron::SecurityGroupRule ------------------------------------------------------

_RULE_MATCH = (
    "direction",
    "ether_type",
    "protocol",
    "port_range_min",
    "port_range_max",
    "remote_ip_prefix",
    "remote_group_id",
)


def _rule_body(ctx: ResourceContext) -> dict[str, Any]:
    p = ctx.properties
    net = ctx.conn.network
    group = net.find_security_group(p["security_group"], ignore_missing=False)
    remote = p.get("remote_group")
    remote_id = net.find_security_group(remote, ignore_missing=False).id if remote else None
    return drop_none(
        {
            "security_group_id": group.id,
            "direction": p.get("direction") or "ingress",
            "ether_type": p.get("ethertype") or "IPv4",
            "protocol": p.get("protocol"),
            "port_range_min": p.get("port_range_min"),
            "port_range_max": p.get("port_range_max"),
            "remote_ip_prefix": p.get("remote_ip_prefix"),
            "remote_group_id": remote_id,
            "description": p.get("description"),
        }
    )


def _find_rule(ctx: ResourceContext) -> str | None:
    """The group's rule with the same match (Neutron refuses a duplicate, so at most one)."""
    body = _rule_body(ctx)
    for rule in ctx.conn.network.security_group_rules(security_group_id=body["security_group_id"]):
        if all(str(getattr(rule, k, None)) == str(body.get(k)) for k in _RULE_MATCH):
            return str(rule.id)
    return None


SECURITY_GROUP_RULE = LinkKind(
    what="security group rule",
    create=lambda ctx: str(ctx.conn.network.create_security_group_rule(**_rule_body(ctx)).id),
    find=_find_rule,
    get=lambda ctx, oid: ctx.conn.network.find_security_group_rule(oid, ignore_missing=True),
    delete=lambda ctx, oid: ctx.conn.network.delete_security_group_rule(oid, ignore_missing=True),
    attributes=lambda ctx, rule: {},
)


# -- OS::Nova::ServerGroup ---------------------------------------------------------------


def _group_name(ctx: ResourceContext) -> str:
    return str(ctx.properties.get("name") or ctx.physical_name())


def _create_server_group(ctx: ResourceContext) -> str:
    p = ctx.properties
    body = drop_none(
        {
            "name": _group_name(ctx),
            "policies": list(p.get("policies") or ["anti-affinity"]),
            "rules": p.get("rules") or None,
        }
    )
    return str(ctx.conn.compute.create_server_group(**body).id)


def _find_server_group(ctx: ResourceContext) -> str | None:
    """Nova server groups have no tags: the group named like the resource (the generated
    name ends with a hash of the tag)."""
    name = _group_name(ctx)
    for group in ctx.conn.compute.server_groups():
        if group.name == name:
            return str(group.id)
    return None


SERVER_GROUP = LinkKind(
    what="server group",
    create=_create_server_group,
    find=_find_server_group,
    get=lambda ctx, oid: ctx.conn.compute.find_server_group(oid, ignore_missing=True),
    delete=lambda ctx, oid: ctx.conn.compute.delete_server_group(oid, ignore_missing=True),
    attributes=lambda ctx, group: {},
)
