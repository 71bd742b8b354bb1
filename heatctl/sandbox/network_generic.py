"""A Neutron collection from a declaration: the CRUD every extension resource shares.

Most Neutron extension resources (subnet pools, trunks, RBAC policies, metering labels,
VPN and SFC objects, ...) answer the same five calls with the same conventions: a body
wrapped in the singular name, unknown attributes refused, `tenant_id`/`project_id`, list
filters and paging, 404 `<Thing>NotFound`. A `Spec` declares one collection (fields,
defaults, which fields update) and its hooks carry what is particular to it: validation
against other objects, conflicts on delete, cascades.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from heatctl.sandbox.neutron_common import check_name_like, list_response, new_standard, stamp
from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    as_bool,
    check_fields,
    empty,
    json_response,
    new_id,
    public,
)

if TYPE_CHECKING:
    from heatctl.sandbox.network import NetworkService

BOOL = (bool, str, int)
NULLABLE_STR = (str, type(None))
INT = (int, str)
Hook = Callable[["Collection", Request, Body], None]


@dataclass(frozen=True)
class Spec:
    """One Neutron collection: URL, body keys, accepted fields and the particular rules."""

    kind: str
    """Store kind (also the sandbox inventory's name for it)."""
    path: str
    """Collection path under /v2.0, e.g. "/subnetpools" or "/floatingips/{parent}/port_forwardings"."""
    singular: str
    plural: str
    label: str
    """How Neutron names it in a not-found message ("Subnet pool")."""
    error: str
    """Neutron's exception type for not found ("SubnetPoolNotFound")."""
    fields: dict[str, Any]
    required: tuple[str, ...] = ()
    updatable: tuple[str, ...] = ()
    defaults: Callable[[Body], Body] = lambda entity: {}
    parent: tuple[str, str] | None = None
    """(parent kind, field naming it) for sub-collections whose path holds {parent}."""
    tags: bool = False
    validate: Hook | None = None
    """Called with the full new body before a create is saved (raise ApiError to refuse)."""
    validate_update: Callable[[Collection, Body, Body], None] | None = None
    """Called with (stored body, changes) before an update is applied."""
    before_delete: Hook | None = None
    """Raise ApiError (409) to refuse a delete; clean up what goes with the object."""
    view: Callable[[Collection, Body], Body] | None = None


class Collection:
    """The CRUD handlers of one Spec on the network service's store."""

    def __init__(self, net: NetworkService, spec: Spec) -> None:
        self.net = net
        self.cloud = net.cloud
        self.spec = spec

    def routes(self, r: Callable[..., None]) -> None:
        """Register list, create, show, update and delete."""
        base = "/v2.0" + self.spec.path
        r("GET", base, self.listing)
        r("POST", base, self.create)
        r("GET", base + "/{id}", self.show)
        r("PUT", base + "/{id}", self.update)
        r("DELETE", base + "/{id}", self.delete)

    # -- lookups ---------------------------------------------------------------------
    def find(self, id_: str) -> Body:
        """The object or Neutron's <Thing>NotFound (404)."""
        return self.cloud.require(
            self.spec.kind,
            id_,
            f"{self.spec.label} {id_} could not be found.",
            error_kind=self.spec.error,
        )

    def all(self, **filters: str | None) -> list[Body]:
        """Every stored object of this collection."""
        return self.cloud.query(self.spec.kind, **filters)

    def present(self, body: Body) -> Body:
        """The client-visible form."""
        return self.spec.view(self, body) if self.spec.view else public(body)

    def _parent(self, request: Request) -> Body | None:
        if self.spec.parent is None:
            return None
        return self.net.find_any(self.spec.parent[0], request.params["parent"])

    # -- handlers --------------------------------------------------------------------
    def listing(self, request: Request) -> Response:
        """GET the collection (a sub-collection: of its parent only)."""
        parent = self._parent(request)
        items = self.all(parent=parent["id"]) if parent is not None else self.all()
        path = self.spec.path.lstrip("/")
        if parent is not None:
            path = path.replace("{parent}", parent["id"])
        views = [self.present(item) for item in items]
        return list_response(request, self.cloud, self.spec.plural, path, views)

    def show(self, request: Request) -> Response:
        """GET one object."""
        body = self._owned(request)
        data = self.present(body)
        fields = request.query.get("fields")
        if fields:
            data = {k: v for k, v in data.items() if k in fields}
        return json_response(200, {self.spec.singular: data})

    def _owned(self, request: Request) -> Body:
        body = self.find(request.params["id"])
        parent = self._parent(request)
        field = self.spec.parent[1] if self.spec.parent else ""
        if parent is not None and body.get(field) != parent["id"]:
            raise ApiError(
                404,
                f"{self.spec.label} {request.params['id']} could not be found.",
                kind=self.spec.error,
            )
        return body

    def create(self, request: Request) -> Response:
        """POST: check fields, fill defaults, run the spec's validation, save."""
        entity = request.entity(self.spec.singular)
        check_fields(
            entity,
            self.spec.fields,
            required=self.spec.required,
            where=self.spec.singular,
            neutron=True,
        )
        body = self.build(request, entity)
        self.cloud.save(self.spec.kind, body)
        return json_response(201, {self.spec.singular: self.present(body)})

    def build(self, request: Request, entity: Body) -> Body:
        """A new, validated body from a create request (not saved)."""
        check_name_like(entity.get("name"), "name")
        check_name_like(entity.get("description"), "description")
        project = self.net.project(request, entity)
        converted = {k: self._convert(k, v) for k, v in entity.items()}
        converted.pop("tenant_id", None)
        converted.pop("project_id", None)
        body: Body = {
            "id": new_id(),
            **self.spec.defaults(entity),
            **converted,
            **new_standard(self.cloud, project, entity),
        }
        if not self.spec.tags:
            body.pop("tags", None)
        cols: Body = {"project": project}
        parent = self._parent(request)
        if parent is not None and self.spec.parent is not None:
            body[self.spec.parent[1]] = parent["id"]
            cols["parent"] = parent["id"]
        body["_cols"] = cols
        if self.spec.validate is not None:
            self.spec.validate(self, request, body)
        return body

    def _convert(self, key: str, value: Any) -> Any:
        expected = self.spec.fields.get(key)
        if expected is BOOL and value is not None:
            return as_bool(value, key)
        if expected is INT and isinstance(value, str):
            try:
                return int(value)
            except ValueError:
                raise ApiError(
                    400,
                    f"Invalid input for {key}. Reason: '{value}' is not an integer.",
                    kind="HTTPBadRequest",
                ) from None
        return value

    def update(self, request: Request) -> Response:
        """PUT: only the updatable fields; the spec's update validation."""
        body = self._owned(request)
        entity = request.entity(self.spec.singular)
        allowed = {k: self.spec.fields[k] for k in self.spec.updatable}
        check_fields(entity, allowed, where=self.spec.singular, neutron=True)
        check_name_like(entity.get("name"), "name")
        check_name_like(entity.get("description"), "description")
        changes = {k: self._convert(k, v) for k, v in entity.items()}
        if self.spec.validate_update is not None:
            self.spec.validate_update(self, body, changes)
        body.update(changes)
        stamp(self.cloud, body)
        self.cloud.save(self.spec.kind, body)
        return json_response(200, {self.spec.singular: self.present(body)})

    def delete(self, request: Request) -> Response:
        """DELETE: the spec may refuse with 409 or cascade."""
        body = self._owned(request)
        if self.spec.before_delete is not None:
            self.spec.before_delete(self, request, body)
        self.cloud.store.delete(self.spec.kind, body["id"])
        return empty(204)

    def save(self, body: Body) -> None:
        """Write a changed object back (timestamps and revision move on)."""
        stamp(self.cloud, body)
        self.cloud.save(self.spec.kind, body)


def bad_request(message: str, kind: str = "BadRequest") -> ApiError:
    """Neutron's 400."""
    return ApiError(400, message, kind=kind)


def conflict(message: str, kind: str) -> ApiError:
    """Neutron's 409."""
    return ApiError(409, message, kind=kind)


def in_choices(value: Any, name: str, choices: tuple[Any, ...]) -> None:
    """Neutron's message for a value outside an enumeration."""
    if value not in choices:
        raise bad_request(
            f"Invalid input for {name}. Reason: '{value}' is not in {list(choices)}.",
            "HTTPBadRequest",
        )


def in_range(value: Any, name: str, low: int, high: int) -> None:
    """Neutron's message for an integer outside its range."""
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise bad_request(
            f"Invalid input for {name}. Reason: '{value}' is not in range {low} through {high}.",
            "HTTPBadRequest",
        )
