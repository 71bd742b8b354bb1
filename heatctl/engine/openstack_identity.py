"""Lifecycles of Keystone's resource types (OS::Keystone::*), as Heat's plugins do it.

Names default to the resource's physical name (derived from its tag), so an interrupted
create is found again by name; a project also carries the tag among its tags. Role
grants and group memberships are idempotent PUTs, made after the object exists and made
again when an interrupted create is adopted. Endpoints and regions are posted as plain
JSON through the SDK's identity adapter: Heat sends Keystone an endpoint `name` and a
region `enabled` flag, which Keystone keeps as extra attributes and the SDK's resource
classes do not carry.
"""

from __future__ import annotations

from typing import Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.openstack_admin import AdminKind, diff, name_of

Obj = Any


def split_domain(ref: str) -> tuple[str, str | None]:
    """Heat's `name{domain}` spelling of a user, project or group in a given domain."""
    if ref.endswith("}") and "{" in ref:
        name, _, domain = ref[:-1].partition("{")
        if name and domain:
            return name, domain
    return ref, None


def find_optional(ctx: ResourceContext, kind: str, ref: str) -> str | None:
    """find_id, or None when there is no such object (a delete ignores it, as Heat)."""
    try:
        return find_id(ctx, kind, ref)
    except ResourceFailed:
        return None


def find_id(ctx: ResourceContext, kind: str, ref: str, **scope: Any) -> str:
    """The id of a Keystone role/project/domain/user/group/service from a name or id;
    a user, project or group may be written `name{domain}`, as Heat accepts."""
    finder = getattr(ctx.conn.identity, f"find_{kind}")
    name = ref
    if kind in ("user", "project", "group"):
        name, domain = split_domain(ref)
        if domain is not None:
            scope = {**scope, "domain_id": find_id(ctx, "domain", domain)}
    found = ctx.call(f"{kind}.find", lambda: finder(name, ignore_missing=True, **scope))
    if found is None:
        raise ResourceFailed(f"{ctx.name}: Keystone {kind} '{ref}' not found")
    return str(found.id)


def _attrs(obj: Obj, *names: str) -> dict[str, Any]:
    return {name: getattr(obj, name, None) for name in names}


# -- role assignments (User, Group, UserRoleAssignment, GroupRoleAssignment) ----------------
def _assignments(ctx: ResourceContext, roles: list[Any] | None) -> list[tuple[str, str, str]]:
    """(role id, 'project'|'domain', target id) for each entry, resolved as Heat does."""
    resolved = []
    for entry in roles or []:
        role = find_id(ctx, "role", entry["role"])
        if entry.get("project"):
            resolved.append((role, "project", find_id(ctx, "project", entry["project"])))
        elif entry.get("domain"):
            resolved.append((role, "domain", find_id(ctx, "domain", entry["domain"])))
    return resolved


def _grant(ctx: ResourceContext, actor: str, actor_id: str, item: tuple[str, str, str]) -> None:
    role, target, target_id = item
    getattr(ctx.conn.identity, f"assign_{target}_role_to_{actor}")(target_id, actor_id, role)


def held(ctx: ResourceContext, actor: str, actor_id: str) -> set[tuple[str, str, str]]:
    """(role id, 'project'|'domain', target id) of every assignment the actor holds now."""
    found = set()
    for assignment in ctx.conn.identity.role_assignments(**{f"{actor}_id": actor_id}):
        for target, scope in assignment.scope.items():
            found.add((assignment.role["id"], target, scope["id"]))
    return found


def _revoke(ctx: ResourceContext, actor: str, actor_id: str, item: tuple[str, str, str]) -> None:
    role, target, target_id = item
    if item in held(ctx, actor, actor_id):  # Heat revokes only what is assigned now
        getattr(ctx.conn.identity, f"unassign_{target}_role_from_{actor}")(
            target_id, actor_id, role
        )


def grant_all(ctx: ResourceContext, actor: str, actor_id: str, roles: list[Any] | None) -> None:
    """Grant every role of the `roles` property (again: granting is idempotent)."""
    for item in _assignments(ctx, roles):
        _grant(ctx, actor, actor_id, item)


def regrant(ctx: ResourceContext, actor: str, actor_id: str) -> None:
    """Grant the added and revoke the removed role assignments (Heat's update_assignment)."""
    new = _assignments(ctx, ctx.properties.get("roles"))
    old = _assignments(ctx, ctx.old_properties.get("roles"))
    added, removed = diff(new, old)
    for item in added:
        _grant(ctx, actor, actor_id, item)
    for item in removed:
        _revoke(ctx, actor, actor_id, item)


def revoke_all(ctx: ResourceContext, actor: str, actor_id: str, roles: list[Any] | None) -> None:
    """Revoke the `roles` property's assignments that are still held."""
    for item in _assignments(ctx, roles):
        _revoke(ctx, actor, actor_id, item)


# -- OS::Keystone::Project -------------------------------------------------------------------
def _project_create(ctx: ResourceContext) -> str:
    p = ctx.properties
    parent = find_id(ctx, "project", p["parent"]) if p.get("parent") else None
    project = ctx.conn.identity.create_project(
        name=name_of(ctx, max_length=64),
        domain_id=find_id(ctx, "domain", p.get("domain") or "default"),
        description=p.get("description") or "",
        is_enabled=p.get("enabled", True),
        parent_id=parent,
        tags=[*(p.get("tags") or []), ctx.tag],
    )
    return str(project.id)


def _project_update(ctx: ResourceContext) -> None:
    p = ctx.properties
    fields: dict[str, Any] = {}
    if "name" in ctx.changed:
        fields["name"] = name_of(ctx, max_length=64)
    if "description" in ctx.changed:
        fields["description"] = p.get("description") or ""
    if "enabled" in ctx.changed:
        fields["is_enabled"] = p.get("enabled", True)
    if "domain" in ctx.changed:
        fields["domain_id"] = find_id(ctx, "domain", p.get("domain") or "default")
    if "tags" in ctx.changed:
        fields["tags"] = [*(p.get("tags") or []), ctx.tag]
    if fields:
        ctx.conn.identity.update_project(ctx.physical_id, **fields)


def _project_delete(ctx: ResourceContext, oid: str) -> None:
    """As Heat: the project's `default` security group goes first (Neutron made it)."""
    for group in ctx.conn.network.security_groups(project_id=oid, name="default"):
        ctx.conn.network.delete_security_group(group, ignore_missing=True)
    ctx.conn.identity.delete_project(oid, ignore_missing=True)


PROJECT = AdminKind(
    what="project",
    create=_project_create,
    find=lambda ctx: next(
        (str(p.id) for p in ctx.conn.identity.projects() if ctx.tag in (p.tags or [])), None
    ),
    get=lambda ctx, oid: ctx.conn.identity.find_project(oid, ignore_missing=True),
    delete=_project_delete,
    update=_project_update,
    attributes=lambda ctx, p: {
        **_attrs(p, "domain_id", "is_domain", "name", "parent_id"),
        "enabled": p.is_enabled,
    },
)


# -- OS::Keystone::User ----------------------------------------------------------------------
def _user_fields(ctx: ResourceContext, changed: tuple[str, ...] | None) -> dict[str, Any]:
    p = ctx.properties
    fields: dict[str, Any] = {}

    def wanted(key: str) -> bool:
        return changed is None or key in changed

    if wanted("name"):
        fields["name"] = name_of(ctx, max_length=255)
    for key in ("description", "email", "password"):
        if wanted(key) and (p.get(key) is not None or changed is not None):
            fields[key] = p.get(key)
    if wanted("enabled"):
        fields["is_enabled"] = p.get("enabled", True)
    if wanted("domain"):
        fields["domain_id"] = find_id(ctx, "domain", p.get("domain") or "default")
    if wanted("default_project"):
        ref = p.get("default_project")
        fields["default_project_id"] = find_id(ctx, "project", ref) if ref else None
    return fields


def _user_groups(ctx: ResourceContext, refs: list[Any] | None) -> list[str]:
    return [find_id(ctx, "group", g) for g in refs or []]


def _user_finish(ctx: ResourceContext, user_id: str) -> None:
    for group in _user_groups(ctx, ctx.properties.get("groups")):
        ctx.conn.identity.add_user_to_group(user_id, group)
    grant_all(ctx, "user", user_id, ctx.properties.get("roles"))


def _user_update(ctx: ResourceContext) -> None:
    user_id = ctx.physical_id or ""
    fields = _user_fields(ctx, tuple(c for c in ctx.changed if c not in ("groups", "roles")))
    if fields:
        ctx.conn.identity.update_user(user_id, **fields)
    if "groups" in ctx.changed:
        added, removed = diff(
            _user_groups(ctx, ctx.properties.get("groups")),
            _user_groups(ctx, ctx.old_properties.get("groups")),
        )
        for group in added:
            ctx.conn.identity.add_user_to_group(user_id, group)
        for group in removed:
            ctx.conn.identity.remove_user_from_group(user_id, group)
    if "roles" in ctx.changed:
        regrant(ctx, "user", user_id)


def _user_delete(ctx: ResourceContext, oid: str) -> None:
    identity = ctx.conn.identity
    if identity.find_user(oid, ignore_missing=True) is None:
        return
    for group in ctx.properties.get("groups") or []:
        found = identity.find_group(group, ignore_missing=True)
        if found is not None and identity.check_user_in_group(oid, found.id):
            identity.remove_user_from_group(oid, found.id)
    identity.delete_user(oid, ignore_missing=True)


def _named_find(kind: str, max_length: int = 255) -> Any:
    def find(ctx: ResourceContext) -> str | None:
        found = getattr(ctx.conn.identity, f"find_{kind}")(
            name_of(ctx, max_length=max_length), ignore_missing=True
        )
        return str(found.id) if found else None

    return find


USER = AdminKind(
    what="user",
    create=lambda ctx: str(ctx.conn.identity.create_user(**_user_fields(ctx, None)).id),
    find=_named_find("user"),
    get=lambda ctx, oid: ctx.conn.identity.find_user(oid, ignore_missing=True),
    delete=_user_delete,
    finish=_user_finish,
    update=_user_update,
    attributes=lambda ctx, u: {
        **_attrs(u, "default_project_id", "domain_id", "name", "password_expires_at"),
        "enabled": u.is_enabled,
    },
    show=lambda u: {k: v for k, v in u.to_dict(computed=False).items() if k != "password"},
)


# -- OS::Keystone::Group, Role, Domain, Service -----------------------------------------------
def _group_update(ctx: ResourceContext) -> None:
    p = ctx.properties
    fields: dict[str, Any] = {}
    if "name" in ctx.changed:
        fields["name"] = name_of(ctx)
    if "description" in ctx.changed:
        fields["description"] = p.get("description") or ""
    if "domain" in ctx.changed:
        fields["domain_id"] = find_id(ctx, "domain", p.get("domain") or "default")
    if fields:
        ctx.conn.identity.update_group(ctx.physical_id, **fields)
    if "roles" in ctx.changed:
        regrant(ctx, "group", ctx.physical_id or "")


GROUP = AdminKind(
    what="group",
    create=lambda ctx: str(
        ctx.conn.identity.create_group(
            name=name_of(ctx),
            domain_id=find_id(ctx, "domain", ctx.properties.get("domain") or "default"),
            description=ctx.properties.get("description") or "",
        ).id
    ),
    find=_named_find("group"),
    get=lambda ctx, oid: ctx.conn.identity.find_group(oid, ignore_missing=True),
    delete=lambda ctx, oid: ctx.conn.identity.delete_group(oid, ignore_missing=True),
    finish=lambda ctx, oid: grant_all(ctx, "group", oid, ctx.properties.get("roles")),
    update=_group_update,
)

ROLE = AdminKind(
    what="role",
    create=lambda ctx: str(
        ctx.conn.identity.create_role(
            name=name_of(ctx),
            domain_id=(
                find_id(ctx, "domain", ctx.properties["domain"])
                if ctx.properties.get("domain")
                else None
            ),
        ).id
    ),
    find=_named_find("role"),
    get=lambda ctx, oid: ctx.conn.identity.find_role(oid, ignore_missing=True),
    delete=lambda ctx, oid: ctx.conn.identity.delete_role(oid, ignore_missing=True),
    update=lambda ctx: ctx.conn.identity.update_role(ctx.physical_id, name=name_of(ctx)),
)


def _domain_delete(ctx: ResourceContext, oid: str) -> None:
    """Keystone deletes only a disabled domain: Heat disables it first."""
    identity = ctx.conn.identity
    if identity.find_domain(oid, ignore_missing=True) is None:
        return
    identity.update_domain(oid, is_enabled=False)
    identity.delete_domain(oid, ignore_missing=True)


def _changed_fields(ctx: ResourceContext, mapping: dict[str, str]) -> dict[str, Any]:
    fields = {}
    for prop, field in mapping.items():
        if prop in ctx.changed:
            fields[field] = name_of(ctx) if prop == "name" else ctx.properties.get(prop)
    return fields


DOMAIN = AdminKind(
    what="domain",
    create=lambda ctx: str(
        ctx.conn.identity.create_domain(
            name=name_of(ctx, max_length=64),
            description=ctx.properties.get("description"),
            is_enabled=ctx.properties.get("enabled", True),
        ).id
    ),
    find=_named_find("domain", 64),
    get=lambda ctx, oid: ctx.conn.identity.find_domain(oid, ignore_missing=True),
    delete=_domain_delete,
    update=lambda ctx: ctx.conn.identity.update_domain(
        ctx.physical_id,
        **_changed_fields(
            ctx, {"name": "name", "description": "description", "enabled": "is_enabled"}
        ),
    ),
)


def _service_find(ctx: ResourceContext) -> str | None:
    name, kind = name_of(ctx), ctx.properties["type"]
    found = [s for s in ctx.conn.identity.services() if s.name == name and s.type == kind]
    return str(found[0].id) if found else None


SERVICE = AdminKind(
    what="service",
    create=lambda ctx: str(
        ctx.conn.identity.create_service(
            name=name_of(ctx),
            type=ctx.properties["type"],
            description=ctx.properties.get("description"),
            is_enabled=ctx.properties.get("enabled", True),
        ).id
    ),
    find=_service_find,
    get=lambda ctx, oid: ctx.conn.identity.find_service(oid, ignore_missing=True),
    delete=lambda ctx, oid: ctx.conn.identity.delete_service(oid, ignore_missing=True),
    update=lambda ctx: ctx.conn.identity.update_service(
        ctx.physical_id,
        **_changed_fields(
            ctx,
            {"name": "name", "type": "type", "description": "description", "enabled": "is_enabled"},
        ),
    ),
)


# -- OS::Keystone::Endpoint and Region (plain JSON: see the module docstring) ----------------
def _post(ctx: ResourceContext, path: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
    response = ctx.conn.identity.post(path, json={key: body})
    _raise_for(response)
    return dict(response.json()[key])


def _patch(ctx: ResourceContext, path: str, key: str, body: dict[str, Any]) -> None:
    if body:
        _raise_for(ctx.conn.identity.patch(path, json={key: body}))


def _raise_for(response: Any) -> None:
    from openstack import exceptions

    exceptions.raise_from_response(response)


def _endpoint_body(ctx: ResourceContext, changed: tuple[str, ...] | None) -> dict[str, Any]:
    p, body = ctx.properties, {}
    for prop, field in (("interface", "interface"), ("url", "url"), ("enabled", "enabled")):
        if changed is None or prop in changed:
            body[field] = p.get(prop)
    if changed is None or "name" in changed:
        body["name"] = name_of(ctx)
    if changed is None or "service" in changed:
        body["service_id"] = find_id(ctx, "service", p["service"])
    if changed is None or "region" in changed:
        body["region_id"] = p.get("region")
    if "enabled" in body and body["enabled"] is None:
        body["enabled"] = True  # the property's default
    return body


def _endpoint_find(ctx: ResourceContext) -> str | None:
    response = ctx.conn.identity.get("/endpoints")
    _raise_for(response)
    name = name_of(ctx)
    found = [e for e in response.json()["endpoints"] if e.get("name") == name]
    return str(found[0]["id"]) if found else None


ENDPOINT = AdminKind(
    what="endpoint",
    create=lambda ctx: str(_post(ctx, "/endpoints", "endpoint", _endpoint_body(ctx, None))["id"]),
    find=_endpoint_find,
    get=lambda ctx, oid: ctx.conn.identity.find_endpoint(oid, ignore_missing=True),
    delete=lambda ctx, oid: ctx.conn.identity.delete_endpoint(oid, ignore_missing=True),
    update=lambda ctx: _patch(
        ctx, f"/endpoints/{ctx.physical_id}", "endpoint", _endpoint_body(ctx, ctx.changed)
    ),
)


def _region_body(ctx: ResourceContext, changed: tuple[str, ...] | None) -> dict[str, Any]:
    p, body = ctx.properties, {}
    for prop, field in (
        ("description", "description"),
        ("enabled", "enabled"),
        ("parent_region", "parent_region_id"),
    ):
        if changed is None or prop in changed:
            body[field] = p.get(prop)
    if changed is None and p.get("id"):
        body["id"] = p["id"]
    if "enabled" in body and body["enabled"] is None:
        body["enabled"] = True  # the property's default
    return body


def _region_find(ctx: ResourceContext) -> str | None:
    """A region by its `id` property, or (for `stack check`) by the id the cloud gave it;
    an interrupted create of a region without `id` cannot be found: Keystone names no other."""
    wanted = ctx.properties.get("id") or ctx.physical_id
    if not wanted:
        return None
    found = ctx.conn.identity.find_region(wanted, ignore_missing=True)
    return str(found.id) if found else None


REGION = AdminKind(
    what="region",
    create=lambda ctx: str(_post(ctx, "/regions", "region", _region_body(ctx, None))["id"]),
    find=_region_find,
    get=lambda ctx, oid: ctx.conn.identity.find_region(oid, ignore_missing=True),
    delete=lambda ctx, oid: ctx.conn.identity.delete_region(oid, ignore_missing=True),
    update=lambda ctx: _patch(
        ctx, f"/regions/{ctx.physical_id}", "region", _region_body(ctx, ctx.changed)
    ),
)


# -- OS::Keystone::UserRoleAssignment and GroupRoleAssignment ---------------------------------
def assignment_kind(actor: str) -> AdminKind:
    """Roles granted to an existing user or group; the resource has no object of its own
    (its physical id is its physical name). Granting again is harmless."""

    def actor_id(ctx: ResourceContext, props: dict[str, Any]) -> str:
        return find_id(ctx, actor, props[actor])

    def create(ctx: ResourceContext) -> str:
        grant_all(ctx, actor, actor_id(ctx, ctx.properties), ctx.properties.get("roles"))
        return ctx.physical_name()

    def update(ctx: ResourceContext) -> None:
        if actor in ctx.changed:  # another user or group: move every grant over
            old = find_optional(ctx, actor, ctx.old_properties[actor])
            if old is not None:
                revoke_all(ctx, actor, old, ctx.old_properties.get("roles"))
            grant_all(ctx, actor, actor_id(ctx, ctx.properties), ctx.properties.get("roles"))
        else:
            regrant(ctx, actor, actor_id(ctx, ctx.properties))

    def delete(ctx: ResourceContext, oid: str) -> None:
        found = find_optional(ctx, actor, ctx.properties[actor])
        if found is not None:  # Heat ignores an actor that is already gone
            revoke_all(ctx, actor, found, ctx.properties.get("roles"))

    def shown(ctx: ResourceContext, oid: str) -> list[dict[str, Any]]:
        found = actor_id(ctx, ctx.properties)
        items = ctx.conn.identity.role_assignments(**{f"{actor}_id": found})
        return [{"role": a.role["id"], **{k: v["id"] for k, v in a.scope.items()}} for a in items]

    def all_held(ctx: ResourceContext) -> bool:
        """Whether the actor still holds every assignment (what `stack check` looks at)."""
        found = find_optional(ctx, actor, ctx.properties[actor])
        if found is None:
            return False
        current = held(ctx, actor, found)
        return all(item in current for item in _assignments(ctx, ctx.properties.get("roles")))

    return AdminKind(
        what=f"{actor}_role_assignment",
        create=create,
        find=lambda ctx: ctx.physical_id if ctx.physical_id and all_held(ctx) else None,
        get=shown,
        delete=delete,
        update=update,
        show=lambda items: {"roles": items},
    )


USER_ROLE_ASSIGNMENT = assignment_kind("user")
GROUP_ROLE_ASSIGNMENT = assignment_kind("group")
