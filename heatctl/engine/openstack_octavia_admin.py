"""Lifecycles of Octavia's admin objects: flavors, availability zones, their profiles and
quotas (see openstack_octavia.py for the shared lifecycle). None carries tags: they are
found again by their name, which ends with a hash of the resource's tag."""

from __future__ import annotations

from typing import Any

from heatctl.engine.lifecycle import ResourceContext
from heatctl.engine.openstack import drop_none
from heatctl.engine.openstack_octavia import (
    OctaviaKind,
    base_body,
    changed,
    lb,
    missing_is_none,
    name_or_physical,
    resolve,
)

Obj = Any


# -- flavors, availability zones and their profiles (admin; no tags: found by name) ----------


def _named(items: Any, ctx: ResourceContext) -> list[Obj]:
    name = name_or_physical(ctx)
    return [item for item in items if item.name == name]


FLAVOR_PROFILE = OctaviaKind(
    what="flavor profile",
    create=lambda ctx, body: lb(ctx).create_flavor_profile(**body),
    get=lambda ctx, oid: missing_is_none(lambda: lb(ctx).get_flavor_profile(oid)),
    delete=lambda ctx, oid: lb(ctx).delete_flavor_profile(oid, ignore_missing=True),
    find=lambda ctx: _named(lb(ctx).flavor_profiles(), ctx),
    body=lambda ctx: {
        **base_body(ctx, "provider_name", "flavor_data"),
        "name": name_or_physical(ctx),
    },
    update=lambda ctx, oid, body: lb(ctx).update_flavor_profile(oid, **body),
    update_body=lambda ctx: changed(
        ctx, {"name": "name", "provider_name": "provider_name", "flavor_data": "flavor_data"}
    ),
    has_status=False,
)
FLAVOR = OctaviaKind(
    what="flavor",
    create=lambda ctx, body: lb(ctx).create_flavor(**body),
    get=lambda ctx, oid: missing_is_none(lambda: lb(ctx).get_flavor(oid)),
    delete=lambda ctx, oid: lb(ctx).delete_flavor(oid, ignore_missing=True),
    find=lambda ctx: _named(lb(ctx).flavors(), ctx),
    body=lambda ctx: drop_none(
        {
            "name": name_or_physical(ctx),
            "description": ctx.properties.get("description"),
            "is_enabled": ctx.properties.get("enabled"),
            "flavor_profile_id": resolve(ctx, "flavor_profile", "find_flavor_profile"),
        }
    ),
    update=lambda ctx, oid, body: lb(ctx).update_flavor(oid, **body),
    update_body=lambda ctx: changed(
        ctx, {"name": "name", "description": "description", "enabled": "is_enabled"}
    ),
    attributes=lambda o: {"flavor_profile_id": o.flavor_profile_id},
    has_status=False,
)
AZ_PROFILE = OctaviaKind(
    what="availability zone profile",
    create=lambda ctx, body: lb(ctx).create_availability_zone_profile(**body),
    get=lambda ctx, oid: missing_is_none(lambda: lb(ctx).get_availability_zone_profile(oid)),
    delete=lambda ctx, oid: lb(ctx).delete_availability_zone_profile(oid, ignore_missing=True),
    find=lambda ctx: _named(lb(ctx).availability_zone_profiles(), ctx),
    body=lambda ctx: {
        **base_body(ctx, "provider_name", "availability_zone_data"),
        "name": name_or_physical(ctx),
    },
    update=lambda ctx, oid, body: lb(ctx).update_availability_zone_profile(oid, **body),
    update_body=lambda ctx: changed(
        ctx,
        {
            "name": "name",
            "provider_name": "provider_name",
            "availability_zone_data": "availability_zone_data",
        },
    ),
    has_status=False,
)
AVAILABILITY_ZONE = OctaviaKind(
    what="availability zone",
    create=lambda ctx, body: lb(ctx).create_availability_zone(**body),
    get=lambda ctx, oid: missing_is_none(lambda: lb(ctx).get_availability_zone(oid)),
    delete=lambda ctx, oid: lb(ctx).delete_availability_zone(oid, ignore_missing=True),
    find=lambda ctx: _named(lb(ctx).availability_zones(), ctx),
    body=lambda ctx: drop_none(
        {
            "name": name_or_physical(ctx),
            "description": ctx.properties.get("description"),
            "is_enabled": ctx.properties.get("enabled"),
            "availability_zone_profile_id": resolve(
                ctx, "availability_zone_profile", "find_availability_zone_profile"
            ),
        }
    ),
    update=lambda ctx, oid, body: lb(ctx).update_availability_zone(oid, **body),
    update_body=lambda ctx: changed(ctx, {"description": "description", "enabled": "is_enabled"}),
    attributes=lambda o: {"availability_zone_profile_id": o.availability_zone_profile_id},
    has_status=False,
    physical_id=lambda o: str(o.name),
)


# -- OS::Octavia::Quota ------------------------------------------------------------------------

_QUOTA_FIELDS = {
    "loadbalancer": "load_balancers",
    "listener": "listeners",
    "pool": "pools",
    "member": "members",
    "healthmonitor": "health_monitors",
}


def _project_id(ctx: ResourceContext) -> str:
    value = ctx.properties.get("project") or ""
    cache = ctx.data.setdefault("resolved", {})
    if "project" not in cache or cache["project"][0] != value:
        found = ctx.call(
            "project.find",
            lambda: ctx.conn.identity.find_project(value, ignore_missing=False),
        )
        cache["project"] = [value, str(found.id)]
    return str(cache["project"][1])


def _quota_of(ctx: ResourceContext, project: str) -> Obj | None:
    """The project's quota when set (Octavia lists only projects with quotas set)."""
    return next((q for q in lb(ctx).quotas() if q.project_id == project), None)


def _quota_find(ctx: ResourceContext) -> list[Obj]:
    """The project's quotas when they are set (quotas carry no tag: the project is their
    identity, and re-sending the PUT sets the same values)."""
    if not ctx.properties.get("project"):
        return []
    found = _quota_of(ctx, _project_id(ctx))
    return [found] if found is not None else []


QUOTA = OctaviaKind(
    what="load balancer quota",
    create=lambda ctx, body: lb(ctx).update_quota(_project_id(ctx), **body),
    get=lambda ctx, oid: _quota_of(ctx, oid),
    delete=lambda ctx, oid: lb(ctx).delete_quota(oid, ignore_missing=True),
    find=_quota_find,
    body=lambda ctx: drop_none(
        {field: ctx.properties.get(prop) for prop, field in _QUOTA_FIELDS.items()}
    ),
    update=lambda ctx, oid, body: lb(ctx).update_quota(oid, **body),
    update_body=lambda ctx: changed(ctx, _QUOTA_FIELDS),
    has_status=False,
    physical_id=lambda o: str(o.project_id or o.id),
)
