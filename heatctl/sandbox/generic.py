"""A declarative framework for the sandbox's CRUD-style services (Octavia, Designate,
Barbican, Aodh, and more to come).

Most OpenStack services are collections of JSON objects under a URL: POST creates, GET
lists and shows, PUT or PATCH updates, DELETE removes, and some objects move through a
status (PENDING_CREATE -> ACTIVE) before they can be used. This module turns a
description of such a service into a working sandbox service on the shared store, clock
and request routing of the other services (app.py, cloud.py, store.py).

How to add a service (say Manila, service type `shared-file-system`):

1. Write `heatctl/sandbox/<service>.py` with one `Collection` per kind of object::

       SHARES = Collection(
           name="share",                        # inventory shows "<type>/share"
           kind="manila_share",                 # store kind: unique across the sandbox
           path="/v2/shares",                   # URL under the service prefix
           key="share", plural="shares",        # {"share": {...}} / {"shares": [...]}
           fields={"name": (str, type(None)), "size": int, "share_proto": str},
           required=("size", "share_proto"),
           defaults={"description": None, "metadata": {}},
           updatable=("name", "description"),
           status=Status("status", creating="creating", active="available",
                         deleting="deleting", settle=0.2),
       )

   Child collections name their parent in the path (`/v2/shares/{share_id}/...`) and set
   `parent="share_id"`; the parent is checked to exist and the child is stored under it.
   Behaviour that a table cannot say (a cascade, a conflict, a port made in Neutron) goes
   in the hooks `on_create`, `on_update`, `on_delete` (they may raise `ApiError`) and
   `view` (the JSON shown for a stored body).

2. Describe the service with a `ServiceSpec` (catalog type and name, URL prefix, the
   versions document, the collections, the error format) and, if it has endpoints that
   are not CRUD (an action, a payload), subclass `GenericService` and add routes in
   `extra_routes`.

3. Register it: append `"heatctl.sandbox.<service>:make"` to `SERVICE_FACTORIES` in
   heatctl/sandbox/services.py (`make(cloud)` returns the service). The application
   (app.py) routes its prefix, the identity catalog lists its endpoint, and
   `Sandbox.inventory()` lists its objects as "<service type>/<collection name>" (leak
   checks rely on that).

Status transitions run on the sandbox's clock (virtual in tests): a create is stored in
its `creating` status and scheduled to become `active` after `settle` seconds; an update
shows `updating` for the same time; a delete shows `deleting`, then the object is gone.
With `busy_conflict`, an update or delete while the object is pending answers 409, as
Octavia does ("immutable while pending"). A fault rule's `"state": "error"` ends the
transition in ERROR, `"stuck"` never ends it; rules can name the service by its type.

Other knobs of a Collection, all optional: `id_field` (Aodh's `alarm_id`, or `name` for
objects addressed by name), `project_field` (None: the project is not shown),
`admin_only` (only an admin writes, everyone reads), `create_status`/`update_status`/
`delete_status` (Designate answers 202), `update_method` ("PATCH"), `timestamps` (the
two field names, or None), `list_body` (the list envelope when it is not
`{plural: [...], plural_links: []}`), `not_found` (the 404 message). Lists filter on any
query parameter that names a field (a list field matches when it holds all the
comma-separated values, as tags filters do). A ServiceSpec may add `aliases` (old version
prefixes served alike) and `extra_kinds` (store kinds kept outside the collections, for
the inventory).

Tests: tests/sandbox/test_generic.py drives a toy service through its router;
tests/sandbox/test_generic_services.py drives the real ones through openstacksdk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as default_factory_field
from typing import Any

from heatctl.sandbox.clock import iso
from heatctl.sandbox.cloud import Cloud
from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    Router,
    TypeSpec,
    check_fields,
    empty,
    json_response,
    new_id,
    public,
)

# Query parameters that page or sort a list rather than filter it.
PAGING_ARGS = {
    "limit",
    "marker",
    "sort",
    "sort_key",
    "sort_dir",
    "page_reverse",
    "fields",
    "all_projects",
    "all_tenants",
    "offset",
}
Hook = Callable[["GenericService", Request, Body], None]
UpdateHook = Callable[["GenericService", Request, Body, Body], None]
View = Callable[["GenericService", Body], Body]


@dataclass(frozen=True)
class Status:
    """The status field of a collection and the values it moves through."""

    field: str
    creating: str
    active: str
    updating: str | None = None
    deleting: str | None = None
    settle: float = 0.2
    """Clock seconds from creating/updating to active, and from deleting to gone."""
    active_extra: Body = default_factory_field(default_factory=dict)
    """Other fields set when the object becomes active (e.g. operating_status ONLINE)."""
    pending_extra: Body = default_factory_field(default_factory=dict)
    """Other fields shown while the object is pending."""
    action_field: str | None = None
    """A field naming the operation in progress (Designate's action: CREATE, UPDATE,
    DELETE while pending, NONE once active)."""


@dataclass(frozen=True)
class Collection:
    """One kind of object of a service: where it lives, what it accepts, how it moves."""

    name: str
    kind: str
    path: str
    plural: str
    key: str | None = None
    """The object's wrapper key in requests and responses; None for bare objects."""
    fields: dict[str, TypeSpec] = default_factory_field(default_factory=dict)
    required: tuple[str, ...] = ()
    defaults: Body = default_factory_field(default_factory=dict)
    updatable: tuple[str, ...] = ()
    update_method: str = "PUT"
    status: Status | None = None
    busy_conflict: bool = False
    admin_only: bool = False
    """Only an admin may create, change or delete; everyone reads (shared objects)."""
    parent: str | None = None
    """The path parameter naming the parent object (its id is stored in this field)."""
    parent_kind: str | None = None
    id_field: str = "id"
    project_field: str | None = "project_id"
    """The field that shows the owning project (None: not shown)."""
    create_status: int = 201
    delete_status: int = 204
    update_status: int = 200
    timestamps: tuple[str, str] | None = ("created_at", "updated_at")
    on_create: Hook | None = None
    on_update: UpdateHook | None = None
    on_delete: Hook | None = None
    view: View | None = None
    list_body: Callable[[GenericService, Collection, list[Body], Request], Any] | None = None
    not_found: str = "{name} {id} not found."


@dataclass(frozen=True)
class ServiceSpec:
    """A whole CRUD-style service: catalog entry, prefix, versions, collections."""

    type: str
    """The catalog's service type, e.g. "load-balancer"."""
    name: str
    """The catalog's service name, e.g. "octavia"."""
    prefix: str
    """The URL prefix on the sandbox, e.g. "/load-balancer"."""
    endpoint: str
    """The catalog URL path under the base URL ({project} is replaced), e.g. "/load-balancer"."""
    versions: Callable[[str], tuple[int, Body]]
    """(status, document) answered at the prefix root, given the base URL."""
    collections: tuple[Collection, ...]
    open_paths: frozenset[str] = frozenset({""})
    """Paths under the prefix answered without a token (version discovery)."""
    error: Callable[[ApiError], Response] | None = None
    """How the service renders an error (None: {"error": {"code", "message"}})."""
    aliases: tuple[tuple[str, str], ...] = ()
    """(old, new) path prefixes served alike, e.g. Octavia's ("/v2.0/", "/v2/")."""
    extra_kinds: tuple[tuple[str, str], ...] = ()
    """(store kind, inventory name) of objects kept outside the collections (quotas)."""


class GenericService:
    """A sandbox service built from a ServiceSpec (see the module docstring)."""

    def __init__(self, cloud: Cloud, spec: ServiceSpec) -> None:
        self.cloud = cloud
        self.spec = spec
        self.router = _AliasRouter(spec.aliases)
        self.by_kind = {c.kind: c for c in spec.collections}
        r = self.router.add
        r("GET", "", lambda q: json_response(*spec.versions(self.cloud.base_url)))
        self.extra_routes()
        for collection in spec.collections:
            self._routes(collection)

    def extra_routes(self) -> None:
        """Subclasses add routes that are not CRUD here (before the collections' own)."""

    def _routes(self, c: Collection) -> None:
        r = self.router.add
        item = f"{c.path}/{{{c.id_field}}}"
        r("POST", c.path, lambda q: self.create(c, q))
        r("GET", c.path, lambda q: self.list(c, q))
        r("GET", item, lambda q: self.show(c, q))
        r(c.update_method, item, lambda q: self.update(c, q))
        r("DELETE", item, lambda q: self.delete(c, q))

    # -- errors --------------------------------------------------------------------------
    def render_error(self, error: ApiError) -> Response:
        """The error in this service's own format."""
        if self.spec.error is not None:
            return self.spec.error(error)
        body = {"error": {"code": error.status, "message": error.message}}
        return json_response(error.status, body, dict(error.headers))

    # -- storage helpers -----------------------------------------------------------------
    def find(self, c: Collection, object_id: str, request: Request | None = None) -> Body:
        """A stored object of the collection (404 when missing or in another project)."""
        body = self.cloud.load(c.kind, object_id)
        visible = body is not None and (
            request is None
            or request.is_admin
            or c.admin_only  # shared objects an admin manages (Octavia's flavors)
            or body.get("_cols", {}).get("project") in ("", request.project_id)
        )
        if body is None or not visible:
            raise ApiError(404, c.not_found.format(name=c.name.capitalize(), id=object_id))
        return body

    def children(self, c: Collection, parent_id: str) -> list[Body]:
        """The stored objects of collection `c` under a parent."""
        return self.cloud.query(c.kind, parent=parent_id)

    def save(self, c: Collection, body: Body) -> None:
        """Write an object (its index columns are kept in body['_cols'])."""
        self.cloud.save(c.kind, body)

    def now_iso(self) -> str:
        """The clock's time as the APIs print it."""
        return iso(self.cloud.now())

    def settle(self, c: Collection, body: Body, pending: str, action: str = "UPDATE") -> None:
        """Show `pending` now and the collection's active status after its settle time.

        A fault rule's lifecycle decision applies: "stuck" never settles, "error" ends
        in ERROR."""
        status = c.status
        if status is None:
            return
        body["_next"] = []
        body.update({status.field: pending, **status.pending_extra})
        if status.action_field:
            body[status.action_field] = action
        fault = (self.cloud.lifecycle or "").lower()
        if fault == "stuck":
            return
        final = {status.field: "ERROR"} if fault == "error" else dict(status.active_extra)
        final.setdefault(status.field, status.active)
        if status.action_field:
            final[status.action_field] = "NONE"
        self.cloud.schedule(body, status.settle, final)

    def pending(self, c: Collection, body: Body) -> bool:
        """True while the object is in a transitional status."""
        if c.status is None:
            return False
        value = body.get(c.status.field)
        return bool(value) and value in (
            c.status.creating,
            c.status.updating,
            c.status.deleting,
        )

    def render(self, c: Collection, body: Body) -> Body:
        """The JSON shown for a stored object."""
        return c.view(self, body) if c.view is not None else public(body)

    def wrap(self, c: Collection, data: Body) -> Body:
        """{key: data} for wrapped collections, data itself for bare ones."""
        return {c.key: data} if c.key else data

    def _entity(self, c: Collection, request: Request) -> Body:
        if c.key:
            return request.entity(c.key)
        data = request.json()
        if not isinstance(data, dict):
            raise ApiError(400, "The request body must be a JSON object.")
        return dict(data)

    def _admin(self, c: Collection, request: Request) -> None:
        if c.admin_only and not request.is_admin:
            raise ApiError(403, "Policy does not allow this request to be performed.")

    # -- CRUD ------------------------------------------------------------------------
    def create(self, c: Collection, request: Request) -> Response:
        """POST: validate, store in the creating status, run the create hook."""
        self._admin(c, request)
        entity = self._entity(c, request)
        check_fields(entity, c.fields, required=c.required, where=c.key or c.name)
        body: Body = {c.id_field: new_id(), **c.defaults, **entity}
        project = str(entity.get("project_id") or request.project_id)
        if c.project_field:
            body[c.project_field] = project
        body["_cols"] = {"project": project, "id": body[c.id_field]}
        if c.parent:
            parent_id = request.params[c.parent]
            if c.parent_kind is not None:
                owner = self.by_kind[c.parent_kind]
                self.find(owner, parent_id, request)
            body[c.parent] = parent_id
            body["_cols"]["parent"] = parent_id
        if c.timestamps:
            body[c.timestamps[0]] = self.now_iso()
            body[c.timestamps[1]] = None
        if c.status is not None:
            self.settle(c, body, c.status.creating, "CREATE")
        if c.on_create is not None:
            c.on_create(self, request, body)
        self.save(c, body)
        return json_response(c.create_status, self.wrap(c, self.render(c, body)))

    def list(self, c: Collection, request: Request) -> Response:
        """GET the collection: the caller's objects (all for an admin asking for them),
        filtered by any field given as a query parameter."""
        everyone = c.admin_only or (
            request.is_admin and (request.arg("all_projects") or request.arg("all_tenants"))
        )
        filters: dict[str, str | None] = {"project": None if everyone else request.project_id}
        if c.parent:
            filters["parent"] = request.params[c.parent]
        bodies = self.cloud.query(c.kind, **filters)
        items = [self.render(c, body) for body in bodies]
        for name, values in request.query.items():
            if name in PAGING_ARGS or not values:
                continue
            items = [i for i in items if name not in i or _matches(i[name], values[-1])]
        if c.list_body is not None:
            return json_response(200, c.list_body(self, c, items, request))
        return json_response(200, {c.plural: items, f"{c.plural}_links": []})

    def show(self, c: Collection, request: Request) -> Response:
        """GET one object."""
        body = self.find(c, request.params[c.id_field], request)
        return json_response(200, self.wrap(c, self.render(c, body)))

    def update(self, c: Collection, request: Request) -> Response:
        """PUT/PATCH: only the updatable fields; 409 while pending with busy_conflict."""
        self._admin(c, request)
        body = self.find(c, request.params[c.id_field], request)
        entity = self._entity(c, request)
        check_fields(entity, {k: c.fields[k] for k in c.updatable}, where=c.key or c.name)
        if c.busy_conflict and self.pending(c, body):
            raise ApiError(409, self.busy_message(c, body))
        if c.on_update is not None:
            c.on_update(self, request, body, entity)
        body.update(entity)
        if c.timestamps:
            body[c.timestamps[1]] = self.now_iso()
        if c.status is not None and c.status.updating:
            self.settle(c, body, c.status.updating)
        self.save(c, body)
        return json_response(c.update_status, self.wrap(c, self.render(c, body)))

    def delete(self, c: Collection, request: Request) -> Response:
        """DELETE: run the delete hook, then gone now or after the deleting status."""
        self._admin(c, request)
        body = self.find(c, request.params[c.id_field], request)
        if c.busy_conflict and self.pending(c, body):
            raise ApiError(409, self.busy_message(c, body))
        if c.on_delete is not None:
            c.on_delete(self, request, body)
        self.remove(c, body)
        if c.delete_status == 204:
            return empty(204)
        return json_response(c.delete_status, self.wrap(c, self.render(c, body)))

    def remove(self, c: Collection, body: Body) -> None:
        """Delete an object: at once, or after `settle` seconds in the deleting status."""
        status = c.status
        if status is None or not status.deleting:
            self.cloud.store.delete(c.kind, str(body["_cols"]["id"]))
            return
        changes = {status.field: status.deleting, **status.pending_extra, "_next": []}
        if status.action_field:
            changes[status.action_field] = "DELETE"
        self.cloud.delete_later(c.kind, body, status.settle, changes)

    def busy_message(self, c: Collection, body: Body) -> str:
        """Octavia's words for a change refused while the object is pending."""
        assert c.status is not None
        state = body.get(c.status.field)
        return f"Invalid state {state} of {c.name} resource {body[c.id_field]}"


class _AliasRouter(Router):
    """A Router that serves some path prefixes as others (a service's old version paths)."""

    def __init__(self, aliases: tuple[tuple[str, str], ...]) -> None:
        super().__init__()
        self.aliases = aliases

    def dispatch(self, request: Request, path: str) -> Response:
        """Rewrite an aliased prefix, then dispatch as usual."""
        for old, new in self.aliases:
            if path.startswith(old) or path + "/" == old:
                path = new + path[len(old) :]
                break
        return super().dispatch(request, path)


def _matches(value: Any, wanted: str) -> bool:
    """A query filter: equality, or for a list field (tags) all the comma-separated values."""
    if isinstance(value, list):
        return all(part in value for part in wanted.split(","))
    return _text(value) == wanted


def _text(value: Any) -> str:
    """A field's value as it appears in a query string."""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def versions_document(
    service_path: str, entries: list[tuple[str, str, str]]
) -> Callable[[str], tuple[int, Body]]:
    """A Keystone-style versions document: entries of (id, status, path under the prefix)."""

    def document(base_url: str) -> tuple[int, Body]:
        values = [
            {
                "id": version,
                "status": status,
                "links": [{"rel": "self", "href": f"{base_url}{service_path}{path}"}],
            }
            for version, status, path in entries
        ]
        return 200, {"versions": values}

    return document
