"""Keystone's admin API in the sandbox: projects, users, groups, roles, domains, services,
endpoints and regions as stored records, role grants and group membership.

They are what Heat's OS::Keystone::* resources manage. They do not change who can log
in: authentication stays with the seeded admin user (identity.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    check_fields,
    empty,
    json_response,
    public,
)

if TYPE_CHECKING:
    from heatctl.sandbox.identity import IdentityService

OPT_STR = (str, type(None))
# collection -> (singular, allowed fields, required fields, unique-name scope field)
KINDS: dict[str, tuple[str, dict[str, Any], tuple[str, ...], str | None]] = {
    "projects": (
        "project",
        {
            "name": str,
            "domain_id": str,
            "description": OPT_STR,
            "enabled": bool,
            "is_domain": bool,
            "parent_id": OPT_STR,
            "tags": list,
            "options": dict,
        },
        ("name",),
        "domain_id",
    ),
    "users": (
        "user",
        {
            "name": str,
            "domain_id": str,
            "password": OPT_STR,
            "enabled": bool,
            "default_project_id": OPT_STR,
            "email": OPT_STR,
            "description": OPT_STR,
            "options": dict,
            "federated": list,
        },
        ("name",),
        "domain_id",
    ),
    "groups": (
        "group",
        {"name": str, "domain_id": str, "description": OPT_STR},
        ("name",),
        "domain_id",
    ),
    "roles": (
        "role",
        {"name": str, "domain_id": OPT_STR, "description": OPT_STR, "options": dict},
        ("name",),
        "domain_id",
    ),
    "domains": (
        "domain",
        {
            "name": str,
            "description": OPT_STR,
            "enabled": bool,
            "tags": list,
            "options": dict,
            "explicit_domain_id": str,
        },
        ("name",),
        "",
    ),
    "services": (
        "service",
        {"type": str, "name": OPT_STR, "description": OPT_STR, "enabled": bool},
        ("type",),
        None,
    ),
    "endpoints": (
        "endpoint",
        {
            "interface": str,
            "service_id": str,
            "url": str,
            "region_id": OPT_STR,
            "region": OPT_STR,
            "enabled": bool,
            "name": OPT_STR,
        },
        ("interface", "service_id", "url"),
        None,
    ),
    "regions": (
        "region",
        {"id": str, "description": OPT_STR, "parent_region_id": OPT_STR, "enabled": bool},
        (),
        None,
    ),
}
DEFAULTS: dict[str, Body] = {
    "project": {
        "domain_id": "default",
        "description": "",
        "enabled": True,
        "is_domain": False,
        "tags": [],
        "options": {},
    },
    "user": {"domain_id": "default", "enabled": True, "password_expires_at": None, "options": {}},
    "group": {"domain_id": "default", "description": ""},
    "role": {"domain_id": None, "description": None, "options": {}},
    "domain": {"description": "", "enabled": True, "tags": [], "options": {}},
    "service": {"enabled": True},
    "endpoint": {"enabled": True, "region_id": "RegionOne", "region": "RegionOne"},
    "region": {"description": "", "parent_region_id": None},
}
# Keystone's schemas for these allow extra attributes (kept and shown as given).
EXTRAS_ALLOWED = {"regions", "endpoints", "services"}


def _with_extras(entity: Body, collection: str, fields: dict[str, Any]) -> dict[str, Any]:
    if collection not in EXTRAS_ALLOWED:
        return fields
    return {**{k: object for k in entity if k not in fields}, **fields}


GRANT_PATHS = [
    ("projects", "users"),
    ("projects", "groups"),
    ("domains", "users"),
    ("domains", "groups"),
]


class IdentityAdmin:
    """CRUD for Keystone's resources, stored as `ks_<kind>` records."""

    def __init__(self, identity: IdentityService) -> None:
        self.identity = identity
        self.cloud = identity.cloud

    def routes(self, r: Callable[..., None]) -> None:
        """Register the admin routes."""
        for collection in KINDS:
            r("GET", f"/v3/{collection}", lambda q, c=collection: self.listing(q, c))
            r("POST", f"/v3/{collection}", lambda q, c=collection: self.create(q, c))
            r("GET", f"/v3/{collection}/{{id}}", lambda q, c=collection: self.show(q, c))
            r("PATCH", f"/v3/{collection}/{{id}}", lambda q, c=collection: self.update(q, c))
            r("DELETE", f"/v3/{collection}/{{id}}", lambda q, c=collection: self.delete(q, c))
        for target, actor in GRANT_PATHS:
            path = f"/v3/{target}/{{target}}/{actor}/{{actor}}/roles"
            r("GET", path, lambda q, t=target, a=actor: self.grants(q, t, a))
            for method in ("PUT", "GET", "DELETE"):
                r(method, path + "/{role}", lambda q, t=target, a=actor: self.grant(q, t, a))
        r("GET", "/v3/role_assignments", self.assignments)
        r("GET", "/v3/users/{id}/projects", self.user_projects)
        r("GET", "/v3/groups/{id}/users", self.members)
        for method in ("PUT", "GET", "DELETE"):
            r(method, "/v3/groups/{id}/users/{user}", self.member)

    # -- Keystone's policy: admin only, but a member may read itself and the regions -------
    def authorize(self, request: Request, rule: str, own: str | None = None) -> None:
        """Keystone's 403 unless the token is an admin's (or `own` is the caller's own
        user or project id, which a member may read)."""
        token = self.identity.principal(request.header("x-auth-token"))
        if token.get("admin"):
            return
        account = self.cloud.identity.account(str(token.get("user_id", "")))
        mine = (account.user_id, account.project_id, self.cloud.identity.domain_id)
        if own is not None and own in mine:  # its user, project and the project's domain
            return
        raise ApiError(403, f"You are not authorized to perform the requested action: {rule}.")

    def _check(self, request: Request, verb: str, collection: str) -> None:
        singular = KINDS[collection][0]
        if verb in ("get", "list") and singular == "region":
            self.identity.principal(request.header("x-auth-token"))  # any member
            return
        own = request.params.get("id") if verb == "get" else None
        name = f"{verb}_{collection if verb == 'list' else singular}"
        self.authorize(request, f"identity:{name}", own)

    # -- the seeded admin entities, always present ---------------------------------------
    def builtin(self, singular: str) -> list[Body]:
        """The seeded domain, project, user and roles, as Keystone shows them."""
        from heatctl.sandbox.identity import ROLES

        ident = self.cloud.identity
        table: dict[str, list[Body]] = {
            "domain": [
                {
                    "id": "default",
                    "name": "Default",
                    "description": "The default domain",
                    "enabled": True,
                    "tags": [],
                    "options": {},
                }
            ],
            "project": [
                {
                    "id": account.project_id,
                    "name": account.project_name,
                    "domain_id": "default",
                    "description": "",
                    "enabled": True,
                    "is_domain": False,
                    "parent_id": "default",
                    "tags": [],
                    "options": {},
                }
                for account in ident.accounts
            ],
            "user": [
                {
                    "id": account.user_id,
                    "name": account.user_name,
                    "domain_id": "default",
                    "enabled": True,
                    "default_project_id": account.project_id,
                    "password_expires_at": None,
                    "options": {},
                }
                for account in ident.accounts
            ],
            "role": [
                {**role, "domain_id": None, "description": None, "options": {}} for role in ROLES
            ],
            "region": [{"id": "RegionOne", "description": "", "parent_region_id": None}],
        }
        return table.get(singular, [])

    def _all(self, singular: str) -> list[Body]:
        return [*self.builtin(singular), *(public(b) for b in self.cloud.query(f"ks_{singular}"))]

    def _find(self, singular: str, id_: str) -> tuple[Body, bool]:
        for item in self.builtin(singular):
            if item["id"] == id_:
                return item, True
        body = self.cloud.load(f"ks_{singular}", id_)
        if body is None:
            raise ApiError(404, f"Could not find {singular}: {id_}.")
        return body, False

    def _view(self, singular: str, body: Body) -> Body:
        view = {k: v for k, v in public(body).items() if k != "password"}
        view["links"] = {"self": f"{self.cloud.base_url}/identity/v3/{singular}s/{body['id']}"}
        return view

    # -- CRUD ------------------------------------------------------------------------
    def listing(self, request: Request, collection: str) -> Response:
        """GET /v3/<collection> with name and other equality filters."""
        self._check(request, "list", collection)
        singular = KINDS[collection][0]
        items = self._all(singular)
        for key, values in request.query.items():
            if key in (
                "name",
                "domain_id",
                "enabled",
                "type",
                "service_id",
                "interface",
                "parent_id",
                "region_id",
            ):
                items = [i for i in items if str(i.get(key)).lower() in [v.lower() for v in values]]
        links = {
            "self": f"{self.cloud.base_url}/identity/v3/{collection}",
            "next": None,
            "previous": None,
        }
        return json_response(
            200, {collection: [self._view(singular, i) for i in items], "links": links}
        )

    def create(self, request: Request, collection: str) -> Response:
        """POST /v3/<collection>: 201, or 409 for a duplicate name in the same domain."""
        self._check(request, "create", collection)
        singular, fields, required, scope = KINDS[collection]
        entity = request.entity(singular)
        check_fields(
            entity, _with_extras(entity, collection, fields), required=required, where=singular
        )
        self._check_unique(singular, entity, scope, None)
        from heatctl.sandbox.web import new_id

        body = {**DEFAULTS[singular], **entity}
        body["id"] = str(
            entity.get("id") or entity.get("explicit_domain_id") or new_id().replace("-", "")
        )
        body.pop("explicit_domain_id", None)
        if singular == "project":
            body.setdefault("parent_id", body["domain_id"])
        if singular == "region" and self._exists(singular, body["id"]):
            raise ApiError(
                409, f"Conflict occurred attempting to store region - Duplicate ID, {body['id']}."
            )
        body["_cols"] = {"id": body["id"]}
        self.cloud.save(f"ks_{singular}", body)
        return json_response(201, {singular: self._view(singular, body)})

    def _exists(self, singular: str, id_: str) -> bool:
        try:
            self._find(singular, id_)
        except ApiError:
            return False
        return True

    def _check_unique(
        self, singular: str, entity: Body, scope: str | None, own_id: str | None
    ) -> None:
        if scope is None or "name" not in entity:
            return
        for item in self._all(singular):
            same_scope = not scope or item.get(scope) == entity.get(scope, item.get(scope))
            if item["name"] == entity["name"] and same_scope and item["id"] != own_id:
                raise ApiError(
                    409,
                    f"Conflict occurred attempting to store {singular} - "
                    f"Duplicate entry found with name {entity['name']}.",
                )

    def show(self, request: Request, collection: str) -> Response:
        """GET /v3/<collection>/{id}."""
        self._check(request, "get", collection)
        singular = KINDS[collection][0]
        body, _ = self._find(singular, request.params["id"])
        return json_response(200, {singular: self._view(singular, body)})

    def update(self, request: Request, collection: str) -> Response:
        """PATCH /v3/<collection>/{id}; the seeded entities are read-only here."""
        self._check(request, "update", collection)
        singular, fields, _, scope = KINDS[collection]
        body, builtin = self._find(singular, request.params["id"])
        entity = request.entity(singular)
        check_fields(entity, _with_extras(entity, collection, fields), where=singular)
        if builtin:
            raise ApiError(403, f"The sandbox's seeded {singular} cannot be changed.")
        self._check_unique(singular, {**body, **entity}, scope, body["id"])
        body.update(entity)
        self.cloud.save(f"ks_{singular}", body)
        return json_response(200, {singular: self._view(singular, body)})

    def delete(self, request: Request, collection: str) -> Response:
        """DELETE /v3/<collection>/{id}: 204; grants naming it go too."""
        self._check(request, "delete", collection)
        singular = KINDS[collection][0]
        body, builtin = self._find(singular, request.params["id"])
        if builtin:
            raise ApiError(403, f"The sandbox's seeded {singular} cannot be deleted.")
        if singular == "domain" and body.get("enabled"):
            raise ApiError(403, "Cannot delete a domain that is enabled, please disable it first.")
        self.cloud.store.delete(f"ks_{singular}", body["id"])
        for grant in self.cloud.store.query("ks_grant"):
            if body["id"] in (grant["target"], grant["actor"], grant["role"]):
                self.cloud.store.delete("ks_grant", grant["id"])
        for member in self.cloud.store.query("ks_member"):
            if body["id"] in (member["group"], member["user"]):
                self.cloud.store.delete("ks_member", member["id"])
        return empty(204)

    # -- role grants and group members ---------------------------------------------------
    def _grant_key(self, request: Request, target: str, actor: str) -> Body:
        target_id, actor_id = request.params["target"], request.params["actor"]
        self._find(target[:-1], target_id)
        self._find(actor[:-1], actor_id)
        role = request.params.get("role")
        if role is not None:
            self._find("role", role)
        key = f"{target[:-1]}/{target_id}/{actor[:-1]}/{actor_id}/{role}"
        return {
            "id": key,
            "target_type": target[:-1],
            "target": target_id,
            "actor_type": actor[:-1],
            "actor": actor_id,
            "role": role,
        }

    def grant(self, request: Request, target: str, actor: str) -> Response:
        """PUT (grant), GET/HEAD (check) or DELETE (revoke) one role assignment."""
        verb = {"PUT": "create_grant", "DELETE": "revoke_grant"}.get(request.method, "check_grant")
        self.authorize(request, f"identity:{verb}")
        grant = self._grant_key(request, target, actor)
        exists = self.cloud.store.get("ks_grant", grant["id"]) is not None
        if request.method == "PUT":
            self.cloud.save("ks_grant", {**grant, "_cols": {"id": grant["id"]}})
            return empty(204)
        if not exists:
            raise ApiError(
                404,
                f"Could not find role assignment with role: {grant['role']}, "
                f"{grant['actor_type']}: {grant['actor']}, "
                f"{grant['target_type']}: {grant['target']}.",
            )
        if request.method == "DELETE":
            self.cloud.store.delete("ks_grant", grant["id"])
        return empty(204)

    def grants(self, request: Request, target: str, actor: str) -> Response:
        """GET the roles an actor has on a target."""
        self.authorize(request, "identity:list_grants")
        key = self._grant_key(request, target, actor)
        roles = [
            self._find("role", g["role"])[0]
            for g in self.cloud.store.query("ks_grant")
            if g["target"] == key["target"] and g["actor"] == key["actor"]
        ]
        return json_response(
            200,
            {
                "roles": [self._view("role", r) for r in roles],
                "links": {"self": "", "next": None, "previous": None},
            },
        )

    def assignments(self, request: Request) -> Response:
        """GET /v3/role_assignments with user.id, group.id, role.id, scope.* filters."""
        self.authorize(request, "identity:list_role_assignments")
        ident = self.cloud.identity
        grants = [
            {
                "target_type": "project",
                "target": account.project_id,
                "actor_type": "user",
                "actor": account.user_id,
                "role": role["id"],
            }
            for account in ident.accounts
            for role in self.builtin("role")
            if account.admin or role["name"] != "admin"
        ]
        grants += self.cloud.store.query("ks_grant")
        wanted = {
            "user.id": ("user", "actor"),
            "group.id": ("group", "actor"),
            "scope.project.id": ("project", "target"),
            "scope.domain.id": ("domain", "target"),
        }
        for arg, (kind, field) in wanted.items():
            value = request.arg(arg)
            if value is not None:
                type_field = "actor_type" if field == "actor" else "target_type"
                grants = [g for g in grants if g[type_field] == kind and g[field] == value]
        if request.arg("role.id"):
            grants = [g for g in grants if g["role"] == request.arg("role.id")]
        items = [
            {
                "role": {"id": g["role"]},
                g["actor_type"]: {"id": g["actor"]},
                "scope": {g["target_type"]: {"id": g["target"]}},
            }
            for g in grants
        ]
        return json_response(
            200, {"role_assignments": items, "links": {"self": "", "next": None, "previous": None}}
        )

    def member(self, request: Request) -> Response:
        """PUT/GET/HEAD/DELETE /v3/groups/{id}/users/{user}."""
        verb = {"PUT": "add_user_to_group", "DELETE": "remove_user_from_group"}
        self.authorize(request, f"identity:{verb.get(request.method, 'check_user_in_group')}")
        group, _ = self._find("group", request.params["id"])
        user, _ = self._find("user", request.params["user"])
        key = f"{group['id']}/{user['id']}"
        if request.method == "PUT":
            self.cloud.save(
                "ks_member",
                {
                    "id": key,
                    "group": group["id"],
                    "user": user["id"],
                    "_cols": {"id": key, "parent": group["id"]},
                },
            )
            return empty(204)
        if self.cloud.store.get("ks_member", key) is None:
            raise ApiError(404, f"User {user['id']} is not a member of group {group['id']}.")
        if request.method == "DELETE":
            self.cloud.store.delete("ks_member", key)
        return empty(204)

    def members(self, request: Request) -> Response:
        """GET /v3/groups/{id}/users."""
        self.authorize(request, "identity:list_users_in_group")
        group, _ = self._find("group", request.params["id"])
        users = [
            self._find("user", m["user"])[0]
            for m in self.cloud.store.query("ks_member", parent=group["id"])
        ]
        return json_response(
            200,
            {
                "users": [self._view("user", u) for u in users],
                "links": {"self": "", "next": None, "previous": None},
            },
        )

    def user_projects(self, request: Request) -> Response:
        """GET /v3/users/{id}/projects: the projects the user has a role on (its own, or
        an admin's request)."""
        user_id = request.params["id"]
        self.authorize(request, "identity:list_user_projects", user_id)
        self._find("user", user_id)
        wanted = {
            g["target"]
            for g in self.cloud.store.query("ks_grant")
            if g["actor"] == user_id and g["target_type"] == "project"
        }
        wanted |= {a.project_id for a in self.cloud.identity.accounts if a.user_id == user_id}
        projects = [self._view("project", p) for p in self._all("project") if p["id"] in wanted]
        links = {"self": "", "next": None, "previous": None}
        return json_response(200, {"projects": projects, "links": links})
