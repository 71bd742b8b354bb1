"""Neutron resources that are settings of another object rather than objects of their
own: a project's quotas, extra routes of a router. They carry no tag; finding them again
after a crash looks at the setting itself (the project has quotas of its own, the router
has the routes).
"""

from __future__ import annotations

from typing import Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.openstack_neutron import api, api_get, router_id
from heatctl.engine.wait import Wait

# -- OS::Neutron::Quota ------------------------------------------------------------------


def _project(ctx: ResourceContext) -> str:
    value = ctx.properties["project"]
    return str(ctx.conn.identity.find_project(value, ignore_missing=False).id)


def _set_quota(ctx: ResourceContext, project: str) -> None:
    # Heat sends every quota given (not only the changed ones), on create and update.
    body = {k: v for k, v in ctx.properties.items() if k != "project" and v is not None}
    ctx.call("quota.update", lambda: api(ctx.conn, "put", f"/quotas/{project}", {"quota": body}))


class QuotaLifecycle:
    """OS::Neutron::Quota. The physical id is the project's id (Heat keeps the physical
    name there and so, on delete, resets the quotas of a project by that name: nothing;
    heatctl resets the quotas of the project it set, so a deleted stack leaves none)."""

    def create(self, ctx: ResourceContext) -> Wait | None:
        project = _project(ctx)
        _set_quota(ctx, project)
        ctx.physical_id = project
        return None

    def update(self, ctx: ResourceContext) -> Wait | None:
        project = _project(ctx)
        if project != ctx.physical_id:  # another project: the old one's go back to defaults
            ctx.call("quota.delete", lambda: _reset(ctx, ctx.physical_id or ""))
            ctx.physical_id = project
        _set_quota(ctx, project)
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        if ctx.physical_id:
            ctx.call("quota.delete", lambda: _reset(ctx, ctx.physical_id or ""))
        return None

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        project = _project(ctx)
        listed = ctx.call("quota.list", lambda: api(ctx.conn, "get", "/quotas")) or {}
        own = [q for q in listed.get("quotas", []) if q.get("project_id") == project]
        return project if own else None

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        return None

    check_update_complete = check_delete_complete = check_create_complete

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        answer = ctx.call("quota.get", lambda: api_get(ctx.conn, f"/quotas/{ctx.physical_id}"))
        return {"show": answer["quota"]} if answer else {}


def _reset(ctx: ResourceContext, project: str) -> None:
    from openstack import exceptions

    try:
        api(ctx.conn, "delete", f"/quotas/{project}")
    except exceptions.NotFoundException:
        return


# -- OS::Neutron::ExtraRoute ---------------------------------------------------------------


def _routes(ctx: ResourceContext, router: str) -> list[dict[str, Any]] | None:
    answer = ctx.call("router.get", lambda: api_get(ctx.conn, f"/routers/{router}"))
    return None if answer is None else list(answer["router"].get("routes") or [])


def _put_routes(ctx: ResourceContext, router: str, routes: list[dict[str, Any]]) -> None:
    ctx.call(
        "router.update",
        lambda: api(ctx.conn, "put", f"/routers/{router}", {"router": {"routes": routes}}),
        conflict_retries=3,
    )


class ExtraRouteLifecycle:
    """OS::Neutron::ExtraRoute: Heat reads the router's routes, appends one and writes
    them back (a route already there fails the create, as in Heat); the physical id is
    `router:destination:nexthop`. Found again by the route being on the router."""

    def _route(self, ctx: ResourceContext) -> tuple[str, dict[str, Any]]:
        p = ctx.properties
        return str(p["router_id"]), {"destination": p["destination"], "nexthop": p["nexthop"]}

    def create(self, ctx: ResourceContext) -> Wait | None:
        router, route = ExtraRouteLifecycle._route(self, ctx)
        routes = _routes(ctx, router)
        if routes is None:
            raise ResourceFailed(f"{ctx.name}: router {router} could not be found")
        if route in routes:
            raise ResourceFailed(f"{ctx.name}: Route duplicates an existing route.")
        _put_routes(ctx, router, [*routes, route])
        ctx.physical_id = f"{router}:{route['destination']}:{route['nexthop']}"
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        router, route = ExtraRouteLifecycle._route(self, ctx)
        routes = _routes(ctx, router)
        if routes is not None and route in routes:
            _put_routes(ctx, router, [r for r in routes if r != route])
        return None

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        router, route = ExtraRouteLifecycle._route(self, ctx)
        routes = _routes(ctx, router) or []
        return f"{router}:{route['destination']}:{route['nexthop']}" if route in routes else None

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        return None

    check_update_complete = check_delete_complete = update = check_create_complete

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        return {}


# -- OS::Neutron::ExtraRouteSet --------------------------------------------------------------


def _as_set(routes: Any) -> set[tuple[str, str]]:
    return {(str(r["destination"]), str(r["nexthop"])) for r in routes or []}


def _as_routes(pairs: set[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"destination": d, "nexthop": n} for d, n in sorted(pairs)]


def _refuse_duplicates(ctx: ResourceContext, router: str, adding: set[tuple[str, str]]) -> None:
    """Heat's _raise_if_duplicate: adding a route the router already has is an error."""
    present = _as_set(_routes(ctx, router) or [])
    for destination, nexthop in sorted(adding & present):
        raise ResourceFailed(
            f"{ctx.name}: The Resource ({router},{destination}={nexthop}) already exists."
        )


def _change_routes(
    ctx: ResourceContext, router: str, action: str, pairs: set[tuple[str, str]]
) -> None:
    body = {"router": {"routes": _as_routes(pairs)}}
    ctx.call(
        f"router.{action}",
        lambda: api(ctx.conn, "put", f"/routers/{router}/{action}", body),
        conflict_retries=3,
    )


class ExtraRouteSetLifecycle:
    """OS::Neutron::ExtraRouteSet through the atomic add_extraroutes/remove_extraroutes
    calls; the physical id is the router's id (as Heat's). An update removes the routes
    that went and adds the new ones; found again by all its routes being on the router."""

    def create(self, ctx: ResourceContext) -> Wait | None:
        router = str(router_id(ctx, ctx.properties["router"]))
        routes = _as_set(ctx.properties.get("routes"))
        _refuse_duplicates(ctx, router, routes)
        _change_routes(ctx, router, "add_extraroutes", routes)
        ctx.physical_id = router
        return None

    def update(self, ctx: ResourceContext) -> Wait | None:
        router = ctx.physical_id or ""
        old, new = _as_set(ctx.old_properties.get("routes")), _as_set(ctx.properties.get("routes"))
        _refuse_duplicates(ctx, router, new - old)
        _change_routes(ctx, router, "remove_extraroutes", old - new)
        _change_routes(ctx, router, "add_extraroutes", new - old)
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        from openstack import exceptions

        if not ctx.physical_id:
            return None
        try:
            _change_routes(
                ctx, ctx.physical_id, "remove_extraroutes", _as_set(ctx.properties.get("routes"))
            )
        except exceptions.NotFoundException:
            return None
        except Exception as error:  # a 404 classified by ctx.call: the router is gone
            if "not_found" not in str(error):
                raise
        return None

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        router = str(router_id(ctx, ctx.properties["router"]))
        wanted = _as_set(ctx.properties.get("routes"))
        present = _as_set(_routes(ctx, router) or [])
        return router if wanted and wanted <= present else None

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        return None

    check_update_complete = check_delete_complete = check_create_complete

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        return {}
