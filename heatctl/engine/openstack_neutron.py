"""Lifecycle of Neutron extension objects driven over Neutron's REST API, as Heat does.

Heat's Neutron plugins send neutronclient dictionaries: the resource's properties, None
values dropped, `name` defaulting to the physical name, a few renamed (`port` becomes
`port_id`, ...). A `RestKind` says that for one collection, and `rest_lifecycle(kind)`
makes the eight lifecycle methods from it. Calls go through openstacksdk's network
proxy (its keystoneauth adapter: auth, endpoint, retries) and raise openstacksdk's
exceptions, so ctx.call classifies them as for every other cloud call.

Finding an object again after a crash: objects Neutron can tag carry the resource's
tag; the others are found by what identifies them (`find` of each kind says what:
the name, which is the tag-derived physical name unless the template gives one, or a
unique tuple such as a rule's policy, type and direction).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.wait import Wait

Conn = Any
Obj = dict[str, Any]


# -- REST through the SDK's network proxy --------------------------------------------------


def api(conn: Conn, method: str, path: str, body: Any = None) -> Any:
    """One Neutron call; the decoded JSON answer (None for an empty one). Errors are
    raised as openstacksdk exceptions (NotFoundException, ConflictException, ...)."""
    from openstack import exceptions

    kwargs: dict[str, Any] = {"raise_exc": False}
    if body is not None:
        kwargs["json"] = body
    response = getattr(conn.network, method)(path, **kwargs)
    exceptions.raise_from_response(response)
    return response.json() if response.content else None


def api_get(conn: Conn, path: str) -> Any:
    """GET, or None when Neutron answers 404."""
    from openstack import exceptions

    try:
        return api(conn, "get", path)
    except exceptions.NotFoundException:
        return None


def listing(conn: Conn, path: str, plural: str, **filters: Any) -> list[Obj]:
    """A collection with Neutron's equality filters (list values repeat the parameter)."""
    query = urlencode(
        [(k, str(i)) for k, v in filters.items() for i in (v if isinstance(v, list) else [v])]
    )
    answer = api(conn, "get", f"{path}?{query}" if query else path) or {}
    return list(answer.get(plural) or [])


def find_id(conn: Conn, path: str, plural: str, value: Any, what: str) -> str:
    """The id of an object given by name or id, as Heat's find_resourceid_by_name_or_id."""
    found = api_get(conn, f"{path}/{value}")
    if found:
        return str(next(iter(found.values()))["id"])
    named = listing(conn, path, plural, name=value)
    if len(named) == 1:
        return str(named[0]["id"])
    if not named:
        raise ResourceFailed(f"{what} '{value}' could not be found")
    raise ResourceFailed(f"{what} name '{value}' is not unique: use an id")


def network_id(ctx: ResourceContext, value: Any) -> str | None:
    return None if not value else str(ctx.conn.network.find_network(value, ignore_missing=False).id)


def subnet_id(ctx: ResourceContext, value: Any) -> str | None:
    return None if not value else str(ctx.conn.network.find_subnet(value, ignore_missing=False).id)


def port_id(ctx: ResourceContext, value: Any) -> str | None:
    return None if not value else str(ctx.conn.network.find_port(value, ignore_missing=False).id)


def router_id(ctx: ResourceContext, value: Any) -> str | None:
    return None if not value else str(ctx.conn.network.find_router(value, ignore_missing=False).id)


# -- properties as Heat hands them to Neutron ---------------------------------------------


def with_defaults(plugin: Any, ctx: ResourceContext) -> dict[str, Any]:
    """The resource's properties with the schema's defaults filled in (as Heat's
    Properties give them) and hidden aliases folded into the property they stand for."""
    schema = getattr(type(plugin), "properties", {}) or {}
    values: dict[str, Any] = {}
    for name, prop in schema.items():
        if prop.alias_of:
            continue
        value = ctx.properties.get(name)
        for alias, other in schema.items():
            if other.alias_of == name and value is None:
                value = ctx.properties.get(alias)
        values[name] = prop.default if value is None else value
    return values


def heat_body(
    plugin: Any,
    ctx: ResourceContext,
    *,
    rename: Mapping[str, str] | None = None,
    resolve: Mapping[str, Callable[[ResourceContext, Any], Any]] | None = None,
    skip: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Heat's prepare_properties: None dropped, name defaulted to the physical name,
    value_specs merged; then names resolved to ids and properties renamed."""
    props = with_defaults(plugin, ctx)
    body = {k: v for k, v in props.items() if v is not None and k not in skip}
    if "name" in props:
        body.setdefault("name", ctx.physical_name())
    body.update(body.pop("value_specs", None) or {})
    return _mapped(ctx, body, rename, resolve)


def changed_props(
    plugin: Any,
    ctx: ResourceContext,
    *,
    rename: Mapping[str, str] | None = None,
    resolve: Mapping[str, Callable[[ResourceContext, Any], Any]] | None = None,
    skip: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Heat's prop_diff for an update: the changed properties' new values (a name set
    back to nothing becomes the physical name again)."""
    props = with_defaults(plugin, ctx)
    body = {k: props.get(k) for k in ctx.changed if k in props and k not in skip}
    if "name" in body and body["name"] is None:
        body["name"] = ctx.physical_name()
    if "value_specs" in body:
        body.update(body.pop("value_specs") or {})
    return _mapped(ctx, body, rename, resolve)


def _mapped(
    ctx: ResourceContext,
    body: dict[str, Any],
    rename: Mapping[str, str] | None,
    resolve: Mapping[str, Callable[[ResourceContext, Any], Any]] | None,
) -> dict[str, Any]:
    for key, finder in (resolve or {}).items():
        if body.get(key) is not None:
            body[key] = finder(ctx, body[key])
    for old, new in (rename or {}).items():
        if old in body:
            body[new] = body.pop(old)
    return body


# -- the kind and its lifecycle -----------------------------------------------------------


def built(obj: Obj) -> bool | None:
    """Heat's is_built: BUILD waits, ACTIVE/DOWN done, ERROR/DEGRADED fail."""
    status = str(obj.get("status") or "ACTIVE").upper()
    if status in ("ERROR", "DEGRADED"):
        return False
    return None if status in ("BUILD", "PENDING_CREATE", "PENDING_UPDATE") else True


@dataclass(frozen=True)
class RestKind:
    """One Neutron collection as a resource type manages it."""

    what: str
    key: str
    """The singular body key ("subnetpool")."""
    plural: str
    path: Callable[[ResourceContext], str]
    """The collection path (may resolve a parent: "/qos/policies/<id>/dscp_marking_rules")."""
    body: Callable[[Any, ResourceContext], dict[str, Any]]
    find: Callable[[Any, ResourceContext, str], Obj | None]
    """The object these properties made, if it exists (after a crash)."""
    update_body: Callable[[Any, ResourceContext], dict[str, Any]] | None = None
    after_update: Callable[[Any, ResourceContext, str], None] | None = None
    """Calls an update needs besides the PUT (trunk subports, tags)."""
    after_create: Callable[[Any, ResourceContext, str], None] | None = None
    """Calls a create needs after the POST (a network gateway's connections)."""
    before_delete: Callable[[Any, ResourceContext, str], None] | None = None
    """Calls a delete needs before the DELETE (disconnecting a network gateway)."""
    ready: Callable[[Obj], bool | None] = built
    attributes: Callable[[Obj], dict[str, Any]] = lambda obj: dict(obj)
    delete: Callable[[ResourceContext, str], Any] | None = None
    """A delete other than DELETE <path>/<id>."""
    secret: tuple[str, ...] = ()
    """Fields kept out of the `show` attribute (the class lists them in secret_attributes)."""


def by_tag(ctx: ResourceContext, path: str, plural: str) -> Obj | None:
    """The object carrying the resource's tag."""
    found = listing(ctx.conn, path, plural, tags=ctx.tag)
    return found[0] if found else None


def by_fields(ctx: ResourceContext, path: str, plural: str, **fields: Any) -> Obj | None:
    """The object whose fields equal these (filtered by Neutron and checked again here)."""
    for item in listing(
        ctx.conn, path, plural, **{k: v for k, v in fields.items() if v is not None}
    ):
        if all(item.get(k) == v for k, v in fields.items()):
            return item
    return None


def tagged(ctx: ResourceContext, tags: Any = None) -> list[str]:
    """The template's tags plus heatctl's tag that finds the object again."""
    return [*(tags or []), ctx.tag]


def rest_lifecycle(kind: RestKind) -> tuple[Callable[..., Any], ...]:
    """The eight lifecycle methods (order of openstack.LIFECYCLE_METHODS) for `kind`."""

    def path(ctx: ResourceContext) -> str:
        if "path" not in ctx.data:
            ctx.data["path"] = kind.path(ctx)
        return str(ctx.data["path"])

    def get(ctx: ResourceContext) -> Obj | None:
        answer = ctx.call(
            f"{kind.what}.get", lambda: api_get(ctx.conn, f"{path(ctx)}/{ctx.physical_id}")
        )
        return None if not answer else dict(answer[kind.key])

    def create(self: Any, ctx: ResourceContext) -> Wait | None:
        where = path(ctx)
        body = kind.body(self, ctx)
        answer = ctx.call(
            f"{kind.what}.create",
            lambda: api(ctx.conn, "post", where, {kind.key: body}),
            request={"name": body.get("name")},
            creates=True,
            lookup=lambda: _wrapped(kind.find(self, ctx, where), kind.key),
        )
        ctx.physical_id = str(answer[kind.key]["id"])
        if kind.after_create is not None:
            kind.after_create(self, ctx, f"{where}/{ctx.physical_id}")
        return check(self, ctx)

    def check(self: Any, ctx: ResourceContext) -> Wait | None:
        obj = get(ctx)
        if obj is None:
            raise ResourceFailed(f"{ctx.name}: {kind.what} {ctx.physical_id} disappeared")
        state = kind.ready(obj)
        if state is False:
            raise ResourceFailed(f"{ctx.name}: {kind.what} went to {obj.get('status')}")
        return None if state else Wait(None)

    def update(self: Any, ctx: ResourceContext) -> Wait | None:
        body = kind.update_body(self, ctx) if kind.update_body is not None else {}
        where = f"{path(ctx)}/{ctx.physical_id}"
        if body:
            ctx.call(f"{kind.what}.update", lambda: api(ctx.conn, "put", where, {kind.key: body}))
        if kind.after_update is not None:
            kind.after_update(self, ctx, where)
        return check(self, ctx)

    def delete(self: Any, ctx: ResourceContext) -> Wait | None:
        if not ctx.physical_id:
            return None
        if kind.delete is not None:
            kind.delete(ctx, ctx.physical_id)
            return None
        where = f"{path(ctx)}/{ctx.physical_id}"
        if kind.before_delete is not None:
            kind.before_delete(self, ctx, where)
        ctx.call(
            f"{kind.what}.delete",
            lambda: _delete_quietly(ctx.conn, where),
            conflict_retries=6,
        )
        return check_delete(self, ctx)

    def check_delete(self: Any, ctx: ResourceContext) -> Wait | None:
        if kind.delete is not None or not ctx.physical_id:
            return None
        return None if get(ctx) is None else Wait(None)

    def resolve_attributes(self: Any, ctx: ResourceContext) -> dict[str, Any]:
        obj = get(ctx)
        if obj is None:
            return {}
        shown = {k: v for k, v in obj.items() if k not in kind.secret}
        return {**kind.attributes(obj), "show": shown}

    def find_by_tag(self: Any, ctx: ResourceContext) -> str | None:
        where = path(ctx)
        found = ctx.call(f"{kind.what}.find", lambda: kind.find(self, ctx, where))
        return str(found["id"]) if found else None

    return (create, check, update, check, delete, check_delete, resolve_attributes, find_by_tag)


def _wrapped(obj: Obj | None, key: str) -> dict[str, Any] | None:
    return None if obj is None else {key: obj}


def _delete_quietly(conn: Conn, where: str) -> None:
    """DELETE; an object already gone counts as deleted."""
    from openstack import exceptions

    try:
        api(conn, "delete", where)
    except exceptions.NotFoundException:
        return
