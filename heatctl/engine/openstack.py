"""Lifecycle of cloud resources that map one-to-one on an OpenStack object, from a spec.

A `CloudKind` names, with plain callables, how to create, get, update, delete and find by
tag one kind of object through openstacksdk, and how properties become a request body.
`lifecycle(kind)` turns it into the eight lifecycle methods, which the resource type
classes (heatctl/resources/*.py) take as their own:

    create, check_create_complete, update, check_update_complete, delete,
    check_delete_complete, resolve_attributes, find_by_tag = lifecycle(NETWORK)

Every call goes through ctx.call (journalled, retried, never re-POSTed without a tag
lookup). Objects carry the resource's tag: Neutron and Nova as a tag, Cinder in metadata.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.wait import Wait

Conn = Any
Obj = Any
TAG_KEY = "heatctl_tag"


def _status_ready(obj: Obj) -> bool | None:
    status = str(getattr(obj, "status", "") or "").upper()
    if status in ("ERROR", "FAILED", "ERROR_DELETING"):
        return False
    if status in ("", "ACTIVE", "AVAILABLE", "DOWN", "UP", "IN-USE", "N/A"):
        return True
    return None


def drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


@dataclass(frozen=True)
class CloudKind:
    """How to manage one kind of OpenStack object (see the module docstring)."""

    what: str
    create: Callable[[Conn, dict[str, Any]], Obj]
    get: Callable[[Conn, str], Obj | None]
    delete: Callable[[Conn, str], Any]
    find_tagged: Callable[[Conn, str], list[Obj]]
    body: Callable[[ResourceContext], dict[str, Any]]
    attributes: Callable[[Obj], dict[str, Any]]
    update: Callable[[Conn, str, dict[str, Any]], Any] | None = None
    update_body: Callable[[ResourceContext], dict[str, Any]] | None = None
    ready: Callable[[Obj], bool | None] = _status_ready
    delete_conflict_retries: int = 6
    secret: tuple[str, ...] = field(default=())


def lifecycle(kind: CloudKind) -> tuple[Callable[..., Any], ...]:
    """The eight lifecycle methods for `kind` (in the order of the module docstring)."""

    def find_by_tag(self: Any, ctx: ResourceContext) -> str | None:
        found = ctx.call(f"{kind.what}.find", lambda: kind.find_tagged(ctx.conn, ctx.tag))
        return str(found[0].id) if found else None

    def lookup(ctx: ResourceContext) -> Obj | None:
        found = kind.find_tagged(ctx.conn, ctx.tag)
        return found[0] if found else None

    def create(self: Any, ctx: ResourceContext) -> Wait | None:
        body = kind.body(ctx)
        obj = ctx.call(
            f"{kind.what}.create",
            lambda: kind.create(ctx.conn, body),
            request={"name": body.get("name")},
            creates=True,
            lookup=lambda: lookup(ctx),
        )
        ctx.physical_id = str(obj.id)
        return check(self, ctx)

    def check(self: Any, ctx: ResourceContext) -> Wait | None:
        assert ctx.physical_id is not None
        obj = ctx.call(f"{kind.what}.get", lambda: kind.get(ctx.conn, ctx.physical_id or ""))
        if obj is None:
            raise ResourceFailed(f"{ctx.name}: {kind.what} {ctx.physical_id} disappeared")
        state = kind.ready(obj)
        if state is False:
            fault = getattr(obj, "fault", None) or {}
            reason = fault.get("message") if isinstance(fault, dict) else None
            raise ResourceFailed(
                f"{ctx.name}: {kind.what} went to {obj.status}" + (f": {reason}" if reason else "")
            )
        return None if state else Wait(None)

    def update(self: Any, ctx: ResourceContext) -> Wait | None:
        if kind.update is None or kind.update_body is None:
            return None
        body = kind.update_body(ctx)
        if body:
            ctx.call(
                f"{kind.what}.update",
                lambda: kind.update(ctx.conn, ctx.physical_id or "", body),  # type: ignore[misc]
            )
        return check(self, ctx)

    def delete(self: Any, ctx: ResourceContext) -> Wait | None:
        ctx.call(
            f"{kind.what}.delete",
            lambda: kind.delete(ctx.conn, ctx.physical_id or ""),
            conflict_retries=kind.delete_conflict_retries,
        )
        return check_delete(self, ctx)

    def check_delete(self: Any, ctx: ResourceContext) -> Wait | None:
        obj = ctx.call(f"{kind.what}.get", lambda: kind.get(ctx.conn, ctx.physical_id or ""))
        if obj is None:
            return None
        if str(getattr(obj, "status", "")).upper() in ("ERROR_DELETING", "ERROR"):
            raise ResourceFailed(f"{ctx.name}: {kind.what} went to {obj.status} while deleting")
        return Wait(None)

    def resolve_attributes(self: Any, ctx: ResourceContext) -> dict[str, Any]:
        obj = ctx.call(f"{kind.what}.get", lambda: kind.get(ctx.conn, ctx.physical_id or ""))
        if obj is None:
            return {}
        values = kind.attributes(_Lenient(obj))
        values["show"] = _plain(obj)
        return values

    # `stack check` compares stored properties with the live object through the kind.
    resolve_attributes.cloud_kind = kind  # type: ignore[attr-defined]
    return (create, check, update, check, delete, check_delete, resolve_attributes, find_by_tag)


# Request fields that are no property of the live object, or that the cloud rewrites.
_NOT_COMPARED = frozenset({"tags", "metadata", "password", "admin_pass", "adminPass", "user_data"})


def live_differences(plugin: Any, ctx: ResourceContext) -> list[str]:
    """What differs between the stored properties and the live object ("field: the state
    has A, the cloud has B"), for types whose plugin comes from a CloudKind or that define
    `live_differences(ctx)` themselves; [] for others. Only plain values the create request
    sends and the cloud reports under the same name are compared."""
    own = getattr(plugin, "live_differences", None)
    if callable(own):
        return list(own(ctx))
    kind = getattr(getattr(type(plugin), "resolve_attributes", None), "cloud_kind", None)
    if not isinstance(kind, CloudKind) or ctx.physical_id is None:
        return []
    obj = ctx.call(f"{kind.what}.get", lambda: kind.get(ctx.conn, ctx.physical_id or ""))
    if obj is None:
        return []
    wanted = kind.body(ctx)
    differences = []
    for name, value in sorted(wanted.items()):
        if name in _NOT_COMPARED or name in kind.secret:
            continue
        if not isinstance(value, str | int | float | bool) or not hasattr(type(obj), name):
            continue
        live = getattr(obj, name, None)
        if live is not None and live != value:
            differences.append(f"{name}: the state has {value!r}, the cloud has {live!r}")
    return differences


class _Lenient:
    """An SDK object whose missing fields read as None (SDK versions differ in fields)."""

    def __init__(self, obj: Obj) -> None:
        self._obj = obj

    def __getattr__(self, name: str) -> Any:
        return getattr(self._obj, name, None)


LIFECYCLE_METHODS = (
    "create",
    "check_create_complete",
    "update",
    "check_update_complete",
    "delete",
    "check_delete_complete",
    "resolve_attributes",
    "find_by_tag",
)


def methods_of(impl: type) -> tuple[Callable[..., Any], ...]:
    """The eight lifecycle methods of a hand-written implementation class, in the order of
    `lifecycle` (so a resource type class can take them in one assignment)."""
    return tuple(getattr(impl, name) for name in LIFECYCLE_METHODS)


def _plain(obj: Obj) -> dict[str, Any]:
    to_dict = getattr(obj, "to_dict", None)
    data = to_dict(computed=False) if callable(to_dict) else dict(obj)
    data.pop("location", None)
    return dict(data)


def changed_body(ctx: ResourceContext, mapping: Mapping[str, str]) -> dict[str, Any]:
    """The update request for the changed properties that map onto fields."""
    return {
        field_name: ctx.properties.get(prop)
        for prop, field_name in mapping.items()
        if prop in ctx.changed
    }


def tags(ctx: ResourceContext) -> list[str]:
    """The resource's own tags plus the heatctl tag that finds it again."""
    return [*(ctx.properties.get("tags") or []), ctx.tag]


def neutron_get(finder: Callable[[Conn], Callable[..., Obj]]) -> Callable[[Conn, str], Obj | None]:
    return lambda conn, oid: finder(conn)(oid, ignore_missing=True)
