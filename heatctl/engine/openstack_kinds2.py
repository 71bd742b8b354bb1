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

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.openstack import CloudKind, changed_body, drop_none
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
            "protocol": p.get("protocol") or "tcp",  # Heat's default
            "port_range_min": p.get("port_range_min"),
            "port_range_max": p.get("port_range_max"),
            "remote_ip_prefix": p.get("remote_ip_prefix"),
            "remote_group_id": remote_id,
            # Rules cannot carry tags: without a description of its own, the rule carries
            # the resource's tag there, so only this resource's rule is ever adopted.
            "description": p.get("description") or ctx.tag,
        }
    )


def _find_rule(ctx: ResourceContext) -> str | None:
    """The group's rule made for this resource: the one with its tag as description, or,
    when the template gives a description, the one with the same match and description
    (Neutron refuses a duplicate, so there is at most one)."""
    if not ctx.properties.get("security_group"):
        return None  # a resource whose properties were never resolved made nothing
    body = _rule_body(ctx)
    for rule in ctx.conn.network.security_group_rules(security_group_id=body["security_group_id"]):
        same = all(str(getattr(rule, k, None)) == str(body.get(k)) for k in _RULE_MATCH)
        if same and rule.description == body["description"]:
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


# -- OS::Swift::Container -----------------------------------------------------------------


def _container_name(ctx: ResourceContext) -> str:
    return str(ctx.properties.get("name") or ctx.physical_name())


def _create_container(ctx: ResourceContext) -> str:
    p = ctx.properties
    store = ctx.conn.object_store
    name = _container_name(ctx)
    store.create_container(
        name=name,
        **drop_none(
            {"read_ACL": p.get("X-Container-Read"), "write_ACL": p.get("X-Container-Write")}
        ),
    )
    meta = {str(k): str(v) for k, v in (p.get("X-Container-Meta") or {}).items()}
    if meta:
        store.set_container_metadata(name, **meta)
    account = {str(k): str(v) for k, v in (p.get("X-Account-Meta") or {}).items()}
    if account:
        store.set_account_metadata(**account)
    return name


def _head_container(ctx: ResourceContext, name: str) -> dict[str, str] | None:
    """The container's headers (HeadContainer), or None when it is gone."""
    from urllib.parse import quote

    response = ctx.conn.object_store.head(quote(name), raise_exc=False)
    if response.status_code == 404:
        return None
    if response.status_code >= 400:
        raise ResourceFailed(f"{ctx.name}: HEAD container {name}: HTTP {response.status_code}")
    return {k.lower(): v for k, v in response.headers.items()}


def _delete_container(ctx: ResourceContext, name: str) -> None:
    """Heat's rule: the objects go first when PurgeOnDelete is set; otherwise a non-empty
    container is not deleted and the delete fails saying why."""
    store = ctx.conn.object_store
    if _head_container(ctx, name) is None:
        return
    objects = [o.name for o in store.objects(name)]
    if objects and not ctx.properties.get("PurgeOnDelete"):
        raise ResourceFailed(
            f"{ctx.name}: deleting non-empty container ({name}) when PurgeOnDelete is False"
            f" ({len(objects)} object(s) in it)"
        )
    for obj in objects:
        store.delete_object(obj, container=name, ignore_missing=True)
    store.delete_container(name, ignore_missing=True)


def _container_attributes(ctx: ResourceContext, headers: dict[str, str]) -> dict[str, Any]:
    from urllib.parse import urlparse

    root = str(ctx.conn.object_store.get_endpoint()).rstrip("/")
    return {
        "DomainName": urlparse(root).hostname,
        "WebsiteURL": f"{root}/{ctx.physical_id}",
        "RootURL": root,
        "ObjectCount": int(headers.get("x-container-object-count", 0)),
        "BytesUsed": int(headers.get("x-container-bytes-used", 0)),
        "HeadContainer": headers,
    }


CONTAINER = LinkKind(
    what="container",
    create=_create_container,
    find=lambda ctx: (
        _container_name(ctx) if _head_container(ctx, _container_name(ctx)) is not None else None
    ),
    get=_head_container,
    delete=_delete_container,
    attributes=_container_attributes,
    show=lambda headers: dict(headers),
)


# -- OS::Neutron::FloatingIPAssociation ----------------------------------------------------


def _association(ctx: ResourceContext, props: dict[str, Any]) -> tuple[str, str]:
    port = ctx.conn.network.find_port(props["port_id"], ignore_missing=False)
    return str(props["floatingip_id"]), str(port.id)


def _associate(ctx: ResourceContext) -> str:
    fip, port = _association(ctx, ctx.properties)
    body = drop_none({"port_id": port, "fixed_ip_address": ctx.properties.get("fixed_ip_address")})
    ctx.conn.network.update_ip(fip, **body)
    return f"{fip}:{port}"


def _find_association(ctx: ResourceContext) -> str | None:
    if not ctx.properties.get("floatingip_id") or not ctx.properties.get("port_id"):
        return None  # a resource whose properties were never resolved made nothing
    fip, port = _association(ctx, ctx.properties)
    found = ctx.conn.network.find_ip(fip, ignore_missing=True)
    return f"{fip}:{port}" if found is not None and found.port_id == port else None


def _get_association(ctx: ResourceContext, physical_id: str) -> Obj | None:
    """The floating IP while it is still on the port (None once it is not: drift)."""
    fip, _, port = physical_id.partition(":")
    found = ctx.conn.network.find_ip(fip, ignore_missing=True)
    return found if found is not None and found.port_id == port else None


def _disassociate(ctx: ResourceContext, physical_id: str) -> None:
    if _get_association(ctx, physical_id) is not None:
        ctx.conn.network.update_ip(physical_id.partition(":")[0], port_id=None)


def _reassociate(ctx: ResourceContext) -> None:
    """Every property updates in place; a different floating IP is first taken off the port."""
    if "floatingip_id" in ctx.changed and ctx.physical_id:
        _disassociate(ctx, ctx.physical_id)
    ctx.physical_id = _associate(ctx)


FLOATING_IP_ASSOCIATION = LinkKind(
    what="floating ip association",
    create=_associate,
    find=_find_association,
    get=_get_association,
    delete=_disassociate,
    attributes=lambda ctx, fip: {},
    update=_reassociate,
)


# -- OS::Glance::WebImage -----------------------------------------------------------------

_IMAGE_FIELDS = (
    "name",
    "min_disk",
    "min_ram",
    "protected",
    "visibility",
    "architecture",
    "os_distro",
    "os_version",
    "owner",
    "kernel_id",
    "ramdisk_id",
)
_IMAGE_UPDATES = _IMAGE_FIELDS[1:]  # Heat's update_allowed ones


def _unsupported_image_features(ctx: ResourceContext, props: Any) -> None:
    """Deactivating an image and sharing it with members need calls heatctl does not make
    yet: say so instead of leaving the image different from the template."""
    if props.get("active") is False or props.get("members"):
        raise ResourceFailed(
            f"{ctx.name}: 'active: false' and 'members' of OS::Glance::WebImage"
            " are not supported by heatctl yet"
        )


def _image_body(ctx: ResourceContext) -> dict[str, Any]:
    p = ctx.properties
    _unsupported_image_features(ctx, p)
    return drop_none(
        {
            **{k: p.get(k) for k in _IMAGE_FIELDS},
            "name": p.get("name") or ctx.physical_name(),
            "id": p.get("id"),
            "disk_format": p["disk_format"],
            "container_format": p["container_format"],
            "tags": [*(p.get("tags") or []), ctx.tag],
            "_location": p["location"],
            **{str(k): str(v) for k, v in (p.get("extra_properties") or {}).items()},
        }
    )


def _create_image(conn: Any, body: dict[str, Any]) -> Any:
    """Glance's interoperable import, as Heat does it: a queued image, then web-download."""
    from openstack.image.v2 import image as _image

    uri = body.pop("_location")
    created = _image.Image.new(**body).create(conn.image)
    conn.image.import_image(created, method="web-download", uri=uri)
    return created


def _image_update(ctx: ResourceContext) -> dict[str, Any]:
    _unsupported_image_features(ctx, ctx.properties)
    body = changed_body(ctx, {k: k for k in _IMAGE_UPDATES})
    if "tags" in ctx.changed:
        body["tags"] = [*(ctx.properties.get("tags") or []), ctx.tag]
    if "extra_properties" in ctx.changed:
        body.update({str(k): str(v) for k, v in ctx.properties["extra_properties"].items()})
    return body


def _image_ready(image: Any) -> bool | None:
    status = str(image.status or "").lower()
    if status in ("killed", "deleted", "deactivated"):
        return False
    return True if status == "active" else None


WEB_IMAGE = CloudKind(
    what="image",
    create=_create_image,
    get=lambda conn, oid: conn.image.find_image(oid, ignore_missing=True),
    delete=lambda conn, oid: conn.image.delete_image(oid, ignore_missing=True),
    # Glance filters by tag; checking again costs nothing and keeps a cloud that ignores
    # the filter (the sandbox does) from handing over someone else's image.
    find_tagged=lambda conn, tag: [i for i in conn.image.images(tag=tag) if tag in (i.tags or [])],
    body=_image_body,
    update=lambda conn, oid, body: conn.image.update_image(oid, **body),
    update_body=_image_update,
    ready=_image_ready,
    attributes=lambda image: {},
)
