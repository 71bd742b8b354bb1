"""Lifecycles of Octavia objects (OS::Octavia::*), as Heat's octavia plugins run them;
the same lifecycle (OctaviaKind with its own `ready`) serves Designate, Barbican and Aodh
(openstack_services.py).

Everything below a load balancer is changed one request at a time: while the load
balancer is PENDING_*, Octavia answers 409 "... is immutable and cannot be updated." and
Heat simply tries again on the next check (heat/engine/resources/openstack/octavia/
octavia_base.py). So a create, update or delete that meets that 409 returns Wait and is
re-sent by the check, and completion is the object's provisioning_status turning ACTIVE
(ERROR fails the resource); a delete completes when the object is gone.

Objects with tags (load balancers, listeners, pools, members, monitors, L7 policies and
rules) carry the resource's heatctl tag; flavors, availability zones and their profiles
have none and are found by their name, which ends with a hash of the tag.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.openstack import drop_none
from heatctl.engine.retry import CloudCallFailed
from heatctl.engine.wait import Wait

Obj = Any
BUSY_WAIT = 0.5  # seconds before re-sending a request the load balancer refused as busy


@dataclass(frozen=True)
class OctaviaKind:
    """How to manage one kind of Octavia object; every callable takes the context."""

    what: str
    create: Callable[[ResourceContext, dict[str, Any]], Obj]
    get: Callable[[ResourceContext, str], Obj | None]
    delete: Callable[[ResourceContext, str], Any]
    find: Callable[[ResourceContext], list[Obj]]
    body: Callable[[ResourceContext], dict[str, Any]]
    attributes: Callable[[Obj], dict[str, Any]] = lambda obj: {}
    update: Callable[[ResourceContext, str, dict[str, Any]], Any] | None = None
    update_body: Callable[[ResourceContext], dict[str, Any]] | None = None
    ready: Callable[[Obj], bool | None] | None = None
    """True when the object is usable, False when it failed, None while it is pending;
    None here: Octavia's provisioning_status (ACTIVE / ERROR / PENDING_*)."""
    has_status: bool = True
    physical_id: Callable[[Obj], str] = lambda obj: str(obj.id)
    show: Callable[[Obj], dict[str, Any]] | None = None
    """The `show` attribute (None: the whole object)."""
    describe: Callable[[ResourceContext, str], Obj | None] | None = None
    """The object as read for its attributes, when that differs from `get` (a secret
    with its payload)."""


def _busy(error: CloudCallFailed) -> bool:
    """Octavia's "the load balancer is busy": worth trying again a moment later."""
    return error.classified.status == 409 and "immutable" in error.classified.message


def octavia_lifecycle(kind: OctaviaKind) -> tuple[Callable[..., Any], ...]:
    """The eight lifecycle methods (order of openstack.LIFECYCLE_METHODS)."""

    def lookup(ctx: ResourceContext) -> Obj | None:
        found = kind.find(ctx)
        return found[0] if found else None

    def find_by_tag(self: Any, ctx: ResourceContext) -> str | None:
        found = ctx.call(f"{kind.what}.find", lambda: lookup(ctx))
        return kind.physical_id(found) if found is not None else None

    def create(self: Any, ctx: ResourceContext) -> Wait | None:
        body = kind.body(ctx)
        try:
            obj = ctx.call(
                f"{kind.what}.create",
                lambda: kind.create(ctx, body),
                request={"name": body.get("name")},
                creates=True,
                lookup=lambda: lookup(ctx),
            )
        except CloudCallFailed as error:
            if _busy(error):
                return Wait(BUSY_WAIT)
            raise
        ctx.physical_id = kind.physical_id(obj)
        return poll(ctx)

    def check_create(self: Any, ctx: ResourceContext) -> Wait | None:
        if not ctx.physical_id:
            return create(self, ctx)
        return poll(ctx)

    def poll(ctx: ResourceContext) -> Wait | None:
        obj = ctx.call(f"{kind.what}.get", lambda: kind.get(ctx, ctx.physical_id or ""))
        if obj is None:
            raise ResourceFailed(f"{ctx.name}: {kind.what} {ctx.physical_id} disappeared")
        if not kind.has_status:
            return None
        state = (kind.ready or provisioning_ready)(obj)
        if state is False:
            raise ResourceFailed(f"{ctx.name}: {kind.what} went to {status_of(obj)}")
        return None if state else Wait(None)

    def update(self: Any, ctx: ResourceContext) -> Wait | None:
        if kind.update is None or kind.update_body is None:
            return None
        body = kind.update_body(ctx)
        ctx.data["octavia_update"] = body
        return send_update(ctx)

    def send_update(ctx: ResourceContext) -> Wait | None:
        body = ctx.data.get("octavia_update") or {}
        if body and kind.update is not None:
            try:
                ctx.call(
                    f"{kind.what}.update",
                    lambda: kind.update(ctx, ctx.physical_id or "", body),  # type: ignore[misc]
                )
            except CloudCallFailed as error:
                if _busy(error):
                    return Wait(BUSY_WAIT)
                raise
        ctx.data.pop("octavia_update", None)
        return poll(ctx)

    def check_update(self: Any, ctx: ResourceContext) -> Wait | None:
        if ctx.data.get("octavia_update"):
            return send_update(ctx)
        return poll(ctx)

    def delete(self: Any, ctx: ResourceContext) -> Wait | None:
        if not ctx.physical_id:
            return None
        try:
            ctx.call(f"{kind.what}.delete", lambda: kind.delete(ctx, ctx.physical_id or ""))
        except CloudCallFailed as error:
            if _busy(error):
                ctx.data["octavia_delete_pending"] = True
                return Wait(BUSY_WAIT)
            raise
        ctx.data.pop("octavia_delete_pending", None)
        return gone(ctx)

    def check_delete(self: Any, ctx: ResourceContext) -> Wait | None:
        if ctx.data.get("octavia_delete_pending"):
            return delete(self, ctx)
        return gone(ctx)

    def gone(ctx: ResourceContext) -> Wait | None:
        obj = ctx.call(f"{kind.what}.get", lambda: kind.get(ctx, ctx.physical_id or ""))
        if obj is None:
            return None
        if "ERROR" in status_of(obj).upper():
            raise ResourceFailed(f"{ctx.name}: {kind.what} went to {status_of(obj)} while deleting")
        return Wait(None)

    def resolve_attributes(self: Any, ctx: ResourceContext) -> dict[str, Any]:
        read = kind.describe or kind.get
        obj = ctx.call(f"{kind.what}.get", lambda: read(ctx, ctx.physical_id or ""))
        if obj is None:
            return {}
        values = kind.attributes(obj)
        values["show"] = (kind.show or plain)(obj)
        return values

    return (
        create,
        check_create,
        update,
        check_update,
        delete,
        check_delete,
        resolve_attributes,
        find_by_tag,
    )


def provisioning_ready(obj: Obj) -> bool | None:
    """Octavia: ACTIVE is done, ERROR failed, PENDING_* still moving."""
    status = str(getattr(obj, "provisioning_status", "") or "").upper()
    return False if status == "ERROR" else (True if status == "ACTIVE" else None)


def status_of(obj: Obj) -> str:
    """The object's status as words for a message."""
    status = getattr(obj, "provisioning_status", None) or getattr(obj, "status", None)
    return f"status {status}"


def plain(obj: Obj) -> dict[str, Any]:
    """An SDK object as a plain dict (no client-side location)."""
    data = dict(obj.to_dict(computed=False)) if hasattr(obj, "to_dict") else dict(obj)
    data.pop("location", None)
    return data


def changed(ctx: ResourceContext, mapping: Mapping[str, str]) -> dict[str, Any]:
    """The update request for the changed properties that map onto fields."""
    return {
        target: ctx.properties.get(prop) for prop, target in mapping.items() if prop in ctx.changed
    }


def name_or_physical(ctx: ResourceContext) -> str:
    """The name property, or Heat's physical resource name."""
    return str(ctx.properties.get("name") or ctx.physical_name())


def lb(ctx: ResourceContext) -> Any:
    """The load balancer proxy of the connection."""
    return ctx.conn.load_balancer


def tagged(items: Any, tag: str) -> list[Obj]:
    """The objects carrying the tag (the sandbox and Octavia filter, but check anyway)."""
    return [item for item in items if tag in (getattr(item, "tags", None) or [])]


def resolve(ctx: ResourceContext, key: str, finder: str) -> str | None:
    """The id of the object a property names (by name or id), remembered in ctx.data."""
    value = ctx.properties.get(key)
    if not value:
        return None
    cache = ctx.data.setdefault("resolved", {})
    if key not in cache or cache[key][0] != value:
        if finder.startswith("network."):
            proxy, method = ctx.conn.network, finder.split(".", 1)[1]
        else:
            proxy, method = lb(ctx), finder
        obj = ctx.call(f"{finder}", lambda: getattr(proxy, method)(value, ignore_missing=False))
        cache[key] = [value, str(obj.id if obj.id is not None else obj.name)]
    return str(cache[key][1])


def base_body(ctx: ResourceContext, *keys: str) -> dict[str, Any]:
    """Properties copied to fields of the same name (None left out)."""
    return drop_none({key: ctx.properties.get(key) for key in keys})


def missing_is_none(fetch: Callable[[], Obj]) -> Obj | None:
    """Run a get; a 404 means None (the object is gone)."""
    from openstack import exceptions

    try:
        return fetch()
    except exceptions.NotFoundException:
        return None


def _tags(ctx: ResourceContext) -> list[str]:
    return [*(ctx.properties.get("tags") or []), ctx.tag]


def _ids(items: Any) -> list[str]:
    return [str(item["id"]) for item in items or []]


# -- OS::Octavia::LoadBalancer -----------------------------------------------------------


def _lb_body(ctx: ResourceContext) -> dict[str, Any]:
    p = ctx.properties
    return drop_none(
        {
            **base_body(ctx, "description", "admin_state_up", "vip_address", "provider"),
            "name": name_or_physical(ctx),
            "vip_subnet_id": resolve(ctx, "vip_subnet", "network.find_subnet"),
            "flavor_id": resolve(ctx, "flavor", "find_flavor"),
            "availability_zone": p.get("availability_zone"),
            "project_id": p.get("tenant_id"),
            "tags": [ctx.tag],
        }
    )


LOADBALANCER = OctaviaKind(
    what="load balancer",
    create=lambda ctx, body: lb(ctx).create_load_balancer(**body),
    get=lambda ctx, oid: missing_is_none(lambda: lb(ctx).get_load_balancer(oid)),
    delete=lambda ctx, oid: lb(ctx).delete_load_balancer(oid, ignore_missing=True),
    find=lambda ctx: tagged(lb(ctx).load_balancers(tags=ctx.tag), ctx.tag),
    body=_lb_body,
    update=lambda ctx, oid, body: lb(ctx).update_load_balancer(oid, **body),
    update_body=lambda ctx: changed(
        ctx, {"name": "name", "description": "description", "admin_state_up": "admin_state_up"}
    ),
    attributes=lambda o: {
        "vip_address": o.vip_address,
        "vip_port_id": o.vip_port_id,
        "vip_subnet_id": o.vip_subnet_id,
        "flavor_id": o.flavor_id,
        "pools": _ids(o.pools),
    },
)


# -- OS::Octavia::Listener -----------------------------------------------------------------

_LISTENER_FIELDS = (
    "protocol",
    "protocol_port",
    "connection_limit",
    "default_tls_container_ref",
    "sni_container_refs",
    "description",
    "admin_state_up",
    "allowed_cidrs",
)


def _listener_body(ctx: ResourceContext) -> dict[str, Any]:
    return drop_none(
        {
            **base_body(ctx, *_LISTENER_FIELDS),
            "name": name_or_physical(ctx),
            "loadbalancer_id": resolve(ctx, "loadbalancer", "find_load_balancer"),
            "default_pool_id": resolve(ctx, "default_pool", "find_pool"),
            "project_id": ctx.properties.get("tenant_id"),
            "tags": [ctx.tag],
        }
    )


def _listener_update(ctx: ResourceContext) -> dict[str, Any]:
    body = changed(ctx, {k: k for k in (*_LISTENER_FIELDS, "name")})
    if "default_pool" in ctx.changed:
        body["default_pool_id"] = resolve(ctx, "default_pool", "find_pool")
    return body


LISTENER = OctaviaKind(
    what="listener",
    create=lambda ctx, body: lb(ctx).create_listener(**body),
    get=lambda ctx, oid: missing_is_none(lambda: lb(ctx).get_listener(oid)),
    delete=lambda ctx, oid: lb(ctx).delete_listener(oid, ignore_missing=True),
    find=lambda ctx: tagged(lb(ctx).listeners(tags=ctx.tag), ctx.tag),
    body=_listener_body,
    update=lambda ctx, oid, body: lb(ctx).update_listener(oid, **body),
    update_body=_listener_update,
    attributes=lambda o: {
        "default_pool_id": o.default_pool_id,
        "loadbalancers": _ids(o.load_balancers),
    },
)


# -- OS::Octavia::Pool -----------------------------------------------------------------------


def _persistence(ctx: ResourceContext) -> dict[str, Any] | None:
    value = ctx.properties.get("session_persistence")
    return drop_none(value) if isinstance(value, dict) and value else None


def _pool_body(ctx: ResourceContext) -> dict[str, Any]:
    return drop_none(
        {
            **base_body(
                ctx, "protocol", "lb_algorithm", "description", "admin_state_up", "tls_enabled"
            ),
            "name": name_or_physical(ctx),
            "listener_id": resolve(ctx, "listener", "find_listener"),
            "loadbalancer_id": resolve(ctx, "loadbalancer", "find_load_balancer"),
            "session_persistence": _persistence(ctx),
            "tags": [ctx.tag],
        }
    )


def _pool_update(ctx: ResourceContext) -> dict[str, Any]:
    fields = ("name", "description", "admin_state_up", "lb_algorithm", "tls_enabled")
    body = changed(ctx, {k: k for k in fields})
    if "session_persistence" in ctx.changed:
        body["session_persistence"] = _persistence(ctx)
    return body


POOL = OctaviaKind(
    what="pool",
    create=lambda ctx, body: lb(ctx).create_pool(**body),
    get=lambda ctx, oid: missing_is_none(lambda: lb(ctx).get_pool(oid)),
    delete=lambda ctx, oid: lb(ctx).delete_pool(oid, ignore_missing=True),
    find=lambda ctx: tagged(lb(ctx).pools(tags=ctx.tag), ctx.tag),
    body=_pool_body,
    update=lambda ctx, oid, body: lb(ctx).update_pool(oid, **body),
    update_body=_pool_update,
    attributes=lambda o: {
        "healthmonitor_id": o.health_monitor_id,
        "listeners": _ids(o.listeners),
        "members": _ids(o.members),
    },
)


# -- OS::Octavia::PoolMember -----------------------------------------------------------------


def _pool_id(ctx: ResourceContext) -> str:
    return resolve(ctx, "pool", "find_pool") or ""


def _member_body(ctx: ResourceContext) -> dict[str, Any]:
    fields = ("address", "protocol_port", "weight", "monitor_address", "monitor_port")
    return drop_none(
        {
            **base_body(ctx, *fields, "admin_state_up"),
            "subnet_id": resolve(ctx, "subnet", "network.find_subnet"),
            "tags": _tags(ctx),
        }
    )


def _member_update(ctx: ResourceContext) -> dict[str, Any]:
    body = changed(ctx, {"weight": "weight", "admin_state_up": "admin_state_up"})
    if "tags" in ctx.changed:
        body["tags"] = _tags(ctx)
    return body


MEMBER = OctaviaKind(
    what="pool member",
    create=lambda ctx, body: lb(ctx).create_member(_pool_id(ctx), **body),
    get=lambda ctx, oid: missing_is_none(lambda: lb(ctx).get_member(oid, _pool_id(ctx))),
    delete=lambda ctx, oid: lb(ctx).delete_member(oid, _pool_id(ctx), ignore_missing=True),
    find=lambda ctx: (
        tagged(lb(ctx).members(_pool_id(ctx), tags=ctx.tag), ctx.tag)
        if ctx.properties.get("pool")
        else []
    ),
    body=_member_body,
    update=lambda ctx, oid, body: lb(ctx).update_member(oid, _pool_id(ctx), **body),
    update_body=_member_update,
)


# -- OS::Octavia::HealthMonitor ----------------------------------------------------------------

_MONITOR_FIELDS = (
    "delay",
    "timeout",
    "max_retries",
    "http_method",
    "url_path",
    "expected_codes",
    "admin_state_up",
)

HEALTH_MONITOR = OctaviaKind(
    what="health monitor",
    create=lambda ctx, body: lb(ctx).create_health_monitor(**body),
    get=lambda ctx, oid: missing_is_none(lambda: lb(ctx).get_health_monitor(oid)),
    delete=lambda ctx, oid: lb(ctx).delete_health_monitor(oid, ignore_missing=True),
    find=lambda ctx: tagged(lb(ctx).health_monitors(tags=ctx.tag), ctx.tag),
    body=lambda ctx: drop_none(
        {
            **base_body(ctx, "type", *_MONITOR_FIELDS),
            "pool_id": _pool_id(ctx),
            "project_id": ctx.properties.get("tenant_id"),
            "tags": [ctx.tag],
        }
    ),
    update=lambda ctx, oid, body: lb(ctx).update_health_monitor(oid, **body),
    update_body=lambda ctx: changed(ctx, {k: k for k in _MONITOR_FIELDS}),
    attributes=lambda o: {"pools": _ids(o.pools)},
)


# -- OS::Octavia::L7Policy and L7Rule ---------------------------------------------------------


def _policy_update(ctx: ResourceContext) -> dict[str, Any]:
    fields = ("name", "description", "admin_state_up", "action", "redirect_url", "position")
    body = changed(ctx, {k: k for k in fields})
    if "redirect_pool" in ctx.changed:
        body["redirect_pool_id"] = resolve(ctx, "redirect_pool", "find_pool")
    return body


L7POLICY = OctaviaKind(
    what="L7 policy",
    create=lambda ctx, body: lb(ctx).create_l7_policy(**body),
    get=lambda ctx, oid: missing_is_none(lambda: lb(ctx).get_l7_policy(oid)),
    delete=lambda ctx, oid: lb(ctx).delete_l7_policy(oid, ignore_missing=True),
    find=lambda ctx: tagged(lb(ctx).l7_policies(tags=ctx.tag), ctx.tag),
    body=lambda ctx: drop_none(
        {
            **base_body(ctx, "action", "redirect_url", "position", "description", "admin_state_up"),
            "name": name_or_physical(ctx),
            "listener_id": resolve(ctx, "listener", "find_listener"),
            "redirect_pool_id": resolve(ctx, "redirect_pool", "find_pool"),
            "tags": [ctx.tag],
        }
    ),
    update=lambda ctx, oid, body: lb(ctx).update_l7_policy(oid, **body),
    update_body=_policy_update,
    attributes=lambda o: {"rules": _ids(o.rules)},
)

_RULE_FIELDS = ("type", "compare_type", "key", "value", "invert", "admin_state_up")


def _policy_id(ctx: ResourceContext) -> str:
    return resolve(ctx, "l7policy", "find_l7_policy") or ""


L7RULE = OctaviaKind(
    what="L7 rule",
    create=lambda ctx, body: lb(ctx).create_l7_rule(_policy_id(ctx), **body),
    get=lambda ctx, oid: missing_is_none(lambda: lb(ctx).get_l7_rule(oid, _policy_id(ctx))),
    delete=lambda ctx, oid: lb(ctx).delete_l7_rule(oid, _policy_id(ctx), ignore_missing=True),
    find=lambda ctx: (
        tagged(lb(ctx).l7_rules(_policy_id(ctx), tags=ctx.tag), ctx.tag)
        if ctx.properties.get("l7policy")
        else []
    ),
    body=lambda ctx: drop_none({**base_body(ctx, *_RULE_FIELDS), "tags": [ctx.tag]}),
    update=lambda ctx, oid, body: lb(ctx).update_l7_rule(oid, _policy_id(ctx), **body),
    update_body=lambda ctx: changed(ctx, {k: k for k in _RULE_FIELDS}),
)
