"""A lifecycle for objects of the services added with Manila, Mistral, Zaqar, Magnum,
Trove, Zun, Blazar and Ironic: start-then-poll on a status field, as their Heat plugins do.

A `StatusKind` names, with callables that take the ResourceContext, how to create, get,
update, delete and find one kind of object, and which values of its status field mean
ready, failed, or still working. `status_lifecycle(kind)` turns it into the eight
lifecycle methods (order of openstack.LIFECYCLE_METHODS). `after_ready` runs once when a
create (or update) has reached a ready status: the steps Heat does only then (a share's
access rules, a database instance's users).

Some of these services have no openstacksdk proxy methods for every call; `api` sends a
request through the service's adapter and raises openstacksdk's exception for an error
answer (so retry.py classifies it like any other).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.wait import Wait

Obj = Any
TAG_KEY = "heatctl_tag"


def api(proxy: Any, method: str, path: str, **kwargs: Any) -> Any:
    """One request through a service adapter; the decoded JSON answer (None when empty)."""
    from openstack import exceptions

    response = proxy.request(path, method, raise_exc=False, **kwargs)
    exceptions.raise_from_response(response)
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def or_none(fn: Callable[[], Obj]) -> Obj | None:
    """fn(), or None when the object is gone (404)."""
    from openstack import exceptions

    try:
        return fn()
    except exceptions.NotFoundException:
        return None


def field(obj: Obj, name: str) -> Any:
    """A field of an SDK object or of a plain dict."""
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


@dataclass(frozen=True)
class StatusKind:
    """How to manage one kind of object (see the module docstring)."""

    what: str
    create: Callable[[ResourceContext], Obj]
    get: Callable[[ResourceContext, str], Obj | None]
    delete: Callable[[ResourceContext, str], Any]
    find: Callable[[ResourceContext], Obj | None]
    attributes: Callable[[ResourceContext, Obj], dict[str, Any]] = lambda ctx, obj: {}
    update: Callable[[ResourceContext], Any] | None = None
    status_field: str | None = "status"
    ready: frozenset[str] = frozenset()
    failed: frozenset[str] = frozenset()
    after_ready: Callable[[ResourceContext, Obj], None] | None = None
    physical_id: Callable[[Obj], str] = lambda obj: str(field(obj, "id"))
    show: Callable[[Obj], dict[str, Any]] | None = None
    reason_field: str | None = None


def statuses(*values: str) -> frozenset[str]:
    """A set of status values, compared case-insensitively."""
    return frozenset(v.upper() for v in values)


def status_lifecycle(kind: StatusKind) -> tuple[Callable[..., Any], ...]:
    """The eight lifecycle methods for `kind`."""

    def find_by_tag(self: Any, ctx: ResourceContext) -> str | None:
        found = ctx.call(f"{kind.what}.find", lambda: kind.find(ctx))
        return kind.physical_id(found) if found is not None else None

    def create(self: Any, ctx: ResourceContext) -> Wait | None:
        with explained(f"{kind.what}.create"):
            obj = ctx.call(
                f"{kind.what}.create",
                lambda: kind.create(ctx),
                request={"name": ctx.name},
                creates=True,
                lookup=lambda: kind.find(ctx),
            )
        ctx.physical_id = kind.physical_id(obj)
        ctx.data["after_ready"] = kind.after_ready is not None
        return poll(self, ctx)

    def poll(self: Any, ctx: ResourceContext) -> Wait | None:
        obj = ctx.call(f"{kind.what}.get", lambda: kind.get(ctx, ctx.physical_id or ""))
        if obj is None:
            raise ResourceFailed(f"{ctx.name}: {kind.what} {ctx.physical_id} disappeared")
        if kind.status_field is not None:
            status = str(field(obj, kind.status_field) or "").upper()
            if status in kind.failed:
                reason = field(obj, kind.reason_field) if kind.reason_field else None
                raise ResourceFailed(
                    f"{ctx.name}: {kind.what} went to {status}" + (f": {reason}" if reason else "")
                )
            if status not in kind.ready:
                return Wait(None)
        if ctx.data.get("after_ready") and kind.after_ready is not None:
            kind.after_ready(ctx, obj)
        ctx.data.pop("after_ready", None)
        return None

    def update(self: Any, ctx: ResourceContext) -> Wait | None:
        if kind.update is None:
            return None
        with explained(f"{kind.what}.update"):
            kind.update(ctx)
        return poll(self, ctx)

    def delete(self: Any, ctx: ResourceContext) -> Wait | None:
        if not ctx.physical_id:
            return None
        ctx.call(
            f"{kind.what}.delete",
            lambda: kind.delete(ctx, ctx.physical_id or ""),
            conflict_retries=6,
        )
        return check_delete(self, ctx)

    def check_delete(self: Any, ctx: ResourceContext) -> Wait | None:
        obj = ctx.call(f"{kind.what}.get", lambda: kind.get(ctx, ctx.physical_id or ""))
        if obj is None:
            return None
        if kind.status_field is not None:
            status = str(field(obj, kind.status_field) or "").upper()
            if status in kind.failed or status.endswith("FAILED"):
                raise ResourceFailed(f"{ctx.name}: {kind.what} went to {status} while deleting")
        return Wait(None)

    def resolve_attributes(self: Any, ctx: ResourceContext) -> dict[str, Any]:
        obj = ctx.call(f"{kind.what}.get", lambda: kind.get(ctx, ctx.physical_id or ""))
        if obj is None:
            return {}
        values = kind.attributes(ctx, obj)
        values["show"] = kind.show(obj) if kind.show is not None else plain(obj)
        return values

    return (create, poll, update, poll, delete, check_delete, resolve_attributes, find_by_tag)


@contextmanager
def explained(what: str) -> Iterator[None]:
    """Add the service's own words to a failed call's message where openstacksdk found
    none (Magnum's and Zun's errors[].detail, Zaqar's description, Blazar's error_message)."""
    from heatctl.engine.retry import CloudCallFailed

    try:
        yield
    except CloudCallFailed as error:
        detail = _detail(getattr(error.__cause__, "response", None))
        if detail and detail not in str(error):
            raise CloudCallFailed(
                replace(error.classified, message=f"{error.classified.message}: {detail}"), what
            ) from error.__cause__
        raise


def _detail(response: Any) -> str | None:
    try:
        body = response.json()
    except Exception:
        return None
    if isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"]:
        return str(body["errors"][0].get("detail") or "") or None
    for key in ("description", "error_message"):
        if isinstance(body, dict) and body.get(key):
            return str(body[key])
    return None


def plain(obj: Obj) -> dict[str, Any]:
    """An SDK object (or a dict) as plain data, without the SDK's location."""
    if isinstance(obj, dict):
        return dict(obj)
    to_dict = getattr(obj, "to_dict", None)
    data = to_dict(computed=False) if callable(to_dict) else dict(obj)
    data.pop("location", None)
    return dict(data)


def first(items: Iterable[Obj], test: Callable[[Obj], bool]) -> Obj | None:
    """The first item that passes `test`."""
    return next((item for item in items if test(item)), None)


def tag_description(ctx: ResourceContext, description: str | None) -> str:
    """The description sent for objects that have no tags or metadata: the template's,
    or the resource's tag (so that the object can be found again after a crash)."""
    return description if description else ctx.tag


def tagged_by_description(ctx: ResourceContext, obj: Obj) -> bool:
    """Whether an object without tags is the resource's: its description is the tag, or
    (the template gave one) its name is the resource's name and its description matches."""
    description = ctx.properties.get("description")
    if description:
        return field(obj, "description") == description and field(obj, "name") == name_of(ctx)
    return field(obj, "description") == ctx.tag


def name_of(ctx: ResourceContext, max_length: int = 63) -> str:
    """The template's name, or a physical name like Heat's."""
    return str(ctx.properties.get("name") or ctx.physical_name(max_length))
