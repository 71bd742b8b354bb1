"""Lifecycles of the admin resource types: Nova flavors, aggregates and quotas; Cinder
volume types, encryption, QoS specs and quotas (Keystone's are in openstack_identity.py).

An `AdminKind` is a LinkKind (openstack_kinds2) whose object is made by one call and then
completed by idempotent steps (`finish`: extra specs, project access, hosts, role grants)
that run on create and again when an interrupted create is adopted, so a crash between
them leaves nothing half done. Each kind mirrors its Heat plugin: the same request for
the same properties, the same properties updated in place, the same clean-up on delete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed, not_in_cloud
from heatctl.engine.openstack_kinds2 import LinkKind, link_lifecycle
from heatctl.engine.wait import Wait

Obj = Any


@dataclass(frozen=True)
class AdminKind:
    """How to manage one admin object (see the module docstring)."""

    what: str
    create: Callable[[ResourceContext], str]
    find: Callable[[ResourceContext], str | None]
    get: Callable[[ResourceContext, str], Obj | None]
    delete: Callable[[ResourceContext, str], Any]
    attributes: Callable[[ResourceContext, Obj], dict[str, Any]] = lambda ctx, obj: {}
    finish: Callable[[ResourceContext, str], Any] | None = None
    update: Callable[[ResourceContext], Any] | None = None
    show: Callable[[Obj], dict[str, Any]] | None = None
    in_cloud: bool = True
    """False when the resource is a setting, not an object (a project's quota set):
    `stack check` then has nothing to compare, and a create is simply applied again."""


def admin_lifecycle(kind: AdminKind) -> tuple[Callable[..., Any], ...]:
    """The eight lifecycle methods for `kind`, in the order of openstack.LIFECYCLE_METHODS."""
    link = LinkKind(
        what=kind.what,
        create=kind.create,
        find=kind.find,
        get=kind.get,
        delete=kind.delete,
        attributes=kind.attributes,
        update=kind.update,
        show=kind.show,
    )
    make, _, update, done, delete, _, resolve, find = link_lifecycle(link)

    def finished(self: Any, ctx: ResourceContext) -> Wait | None:
        if kind.finish is not None and ctx.physical_id:
            ctx.call(f"{kind.what}.finish", lambda: kind.finish(ctx, ctx.physical_id or ""))  # type: ignore[misc]
        return None

    def create(self: Any, ctx: ResourceContext) -> Wait | None:
        make(self, ctx)
        # Polled at once: the engine saves the physical id before the finishing steps run,
        # so one of them failing leaves a row that knows its object.
        return Wait(0) if kind.finish is not None else None

    if not kind.in_cloud:
        find = not_in_cloud
    return (create, finished, update, done, delete, done, resolve, find)


def name_of(ctx: ResourceContext, key: str = "name", max_length: int = 255) -> str:
    """The `name` property, or a physical name like Heat's when it is left out."""
    return str(ctx.properties.get(key) or ctx.physical_name(max_length))


def prop(ctx: ResourceContext, key: str) -> Any:
    """A property's value, or its schema default when the template leaves it out."""
    value = ctx.properties.get(key)
    if value is None:
        from heatctl.resources import registry

        cls = registry.get(ctx.type)
        schema = cls.properties.get(key) if cls is not None else None
        value = getattr(schema, "default", None)
    return value


def diff(new: Iterable[Any] | None, old: Iterable[Any] | None) -> tuple[list[Any], list[Any]]:
    """(added, removed) between two lists, in a stable order."""
    new_list, old_list = list(new or []), list(old or [])
    return [x for x in new_list if x not in old_list], [x for x in old_list if x not in new_list]


def project_id(ctx: ResourceContext, ref: str) -> str:
    """A Keystone project id from a name or id; a clear failure when there is none."""
    from heatctl.engine.openstack_identity import find_id

    return find_id(ctx, "project", ref)


def _plain(obj: Obj) -> dict[str, Any]:
    to_dict = getattr(obj, "to_dict", None)
    data = dict(to_dict(computed=False)) if callable(to_dict) else dict(obj)
    data.pop("location", None)
    return data


# -- OS::Nova::Flavor ------------------------------------------------------------------------
def _flavor_create(ctx: ResourceContext) -> str:
    p = ctx.properties
    flavor = ctx.conn.compute.create_flavor(
        name=name_of(ctx),
        ram=p["ram"],
        vcpus=p["vcpus"],
        disk=p.get("disk", 0),
        ephemeral=p.get("ephemeral", 0),
        swap=p.get("swap", 0),
        rxtx_factor=p.get("rxtx_factor", 1.0),
        is_public=p.get("is_public", True),
        id=p.get("flavorid") or None,  # Heat's 'auto': Nova makes one
    )
    return str(flavor.id)


def _flavor_tenants(ctx: ResourceContext) -> list[str]:
    """Heat: a private flavor without tenants is given to the stack's own project."""
    tenants = ctx.properties.get("tenants") or []
    if not tenants:
        return [str(ctx.conn.current_project_id)]
    return [project_id(ctx, t) for t in tenants]


def _flavor_finish(ctx: ResourceContext, flavor_id: str) -> None:
    compute = ctx.conn.compute
    specs = ctx.properties.get("extra_specs") or {}
    if specs:
        compute.create_flavor_extra_specs(flavor_id, {k: str(v) for k, v in specs.items()})
    if not ctx.properties.get("is_public", True):
        have = {a["tenant_id"] for a in compute.get_flavor_access(flavor_id)}
        for tenant in _flavor_tenants(ctx):
            if tenant not in have:
                compute.flavor_add_tenant_access(flavor_id, tenant)


def _flavor_update(ctx: ResourceContext) -> None:
    compute, flavor_id = ctx.conn.compute, ctx.physical_id or ""
    if "extra_specs" in ctx.changed:  # Heat unsets every old key, then sets the new ones
        for key in compute.fetch_flavor_extra_specs(flavor_id).extra_specs or {}:
            compute.delete_flavor_extra_specs_property(flavor_id, key)
        specs = ctx.properties.get("extra_specs") or {}
        if specs:
            compute.create_flavor_extra_specs(flavor_id, {k: str(v) for k, v in specs.items()})
    if "tenants" in ctx.changed and not ctx.properties.get("is_public", True):
        old = [a["tenant_id"] for a in compute.get_flavor_access(flavor_id)]
        new = [project_id(ctx, t) for t in ctx.properties.get("tenants") or []]
        added, removed = diff(new, old)
        for tenant in removed:
            compute.flavor_remove_tenant_access(flavor_id, tenant)
        for tenant in added:
            compute.flavor_add_tenant_access(flavor_id, tenant)


def _flavor_find(ctx: ResourceContext) -> str | None:
    name = name_of(ctx)
    found = [f for f in ctx.conn.compute.flavors(is_public=None) if f.name == name]
    return str(found[0].id) if found else None


FLAVOR = AdminKind(
    what="flavor",
    create=_flavor_create,
    find=_flavor_find,
    get=lambda ctx, oid: ctx.conn.compute.find_flavor(oid, ignore_missing=True),
    delete=lambda ctx, oid: ctx.conn.compute.delete_flavor(oid, ignore_missing=True),
    finish=_flavor_finish,
    update=_flavor_update,
    attributes=lambda ctx, f: {
        "is_public": f.is_public,
        "extra_specs": dict(ctx.conn.compute.fetch_flavor_extra_specs(f.id).extra_specs or {}),
    },
)


# -- OS::Nova::HostAggregate -----------------------------------------------------------------
def _aggregate_finish(ctx: ResourceContext, aggregate_id: str) -> None:
    compute = ctx.conn.compute
    metadata = ctx.properties.get("metadata") or {}
    if metadata:
        compute.set_aggregate_metadata(aggregate_id, {k: str(v) for k, v in metadata.items()})
    have = compute.get_aggregate(aggregate_id).hosts or []
    for host in ctx.properties.get("hosts") or []:
        if host not in have:
            compute.add_host_to_aggregate(aggregate_id, host)


def _aggregate_update(ctx: ResourceContext) -> None:
    compute, aggregate_id = ctx.conn.compute, ctx.physical_id or ""
    if "hosts" in ctx.changed:
        current = compute.get_aggregate(aggregate_id).hosts or []
        added, removed = diff(ctx.properties.get("hosts"), current)
        for host in added:
            compute.add_host_to_aggregate(aggregate_id, host)
        for host in removed:
            compute.remove_host_from_aggregate(aggregate_id, host)
    if "metadata" in ctx.changed and ctx.properties.get("metadata"):
        # As Heat: the new keys are set; keys dropped from the template stay.
        metadata = {k: str(v) for k, v in ctx.properties["metadata"].items()}
        compute.set_aggregate_metadata(aggregate_id, metadata)
    fields = {k: ctx.properties.get(k) for k in ("name", "availability_zone") if k in ctx.changed}
    if fields:
        compute.update_aggregate(aggregate_id, **fields)


def _aggregate_delete(ctx: ResourceContext, aggregate_id: str) -> None:
    compute = ctx.conn.compute
    aggregate = compute.find_aggregate(aggregate_id, ignore_missing=True)
    if aggregate is None:
        return
    for host in aggregate.hosts or []:  # Nova refuses to delete an aggregate with hosts
        compute.remove_host_from_aggregate(aggregate_id, host)
    compute.delete_aggregate(aggregate_id, ignore_missing=True)


def _aggregate_find(ctx: ResourceContext) -> str | None:
    name = ctx.properties.get("name")
    found = [a for a in ctx.conn.compute.aggregates() if a.name == name]
    return str(found[0].id) if found else None


HOST_AGGREGATE = AdminKind(
    what="aggregate",
    create=lambda ctx: str(
        ctx.conn.compute.create_aggregate(
            name=ctx.properties["name"],
            availability_zone=ctx.properties.get("availability_zone"),
        ).id
    ),
    find=_aggregate_find,
    get=lambda ctx, oid: ctx.conn.compute.find_aggregate(oid, ignore_missing=True),
    delete=_aggregate_delete,
    finish=_aggregate_finish,
    update=_aggregate_update,
)


# -- OS::Nova::Quota and OS::Cinder::Quota -----------------------------------------------------
# Nova stopped managing these at microversion 2.36 (they are Neutron's quotas now); the
# SDK talks 2.56 to the quota API, where Nova refuses them.
NOVA_NETWORK_QUOTAS = ("fixed_ips", "floating_ips", "security_groups", "security_group_rules")


def _limits(ctx: ResourceContext) -> dict[str, int]:
    return {k: int(v) for k, v in ctx.properties.items() if k != "project" and v is not None}


def _nova_quota_set(ctx: ResourceContext) -> str:
    limits = _limits(ctx)
    refused = sorted(set(limits) & set(NOVA_NETWORK_QUOTAS))
    if refused:
        raise ResourceFailed(
            f"{ctx.name}: Nova no longer manages {', '.join(refused)} (removed in compute "
            "API 2.36); set them with OS::Neutron::Quota"
        )
    ctx.conn.compute.update_quota_set(project_id(ctx, ctx.properties["project"]), **limits)
    return ctx.physical_name()


def _cinder_usage(ctx: ResourceContext, project: str) -> dict[str, int]:
    storage = ctx.conn.block_storage
    volumes = list(storage.volumes(all_projects=True, project_id=project))
    snapshots = list(storage.snapshots(all_projects=True, project_id=project))
    backups = list(storage.backups(all_projects=True, project_id=project))
    return {
        "volumes": len(volumes),
        "snapshots": len(snapshots),
        "backups": len(backups),
        "gigabytes": sum(int(x.size or 0) for x in (*volumes, *snapshots)),
        "backup_gigabytes": sum(int(b.size or 0) for b in backups),
    }


def _cinder_quota_set(ctx: ResourceContext) -> str:
    """Heat refuses a limit below what the project already uses (-1 is no limit)."""
    project = project_id(ctx, ctx.properties["project"])
    limits = _limits(ctx)
    used = _cinder_usage(ctx, project)
    for key, value in sorted(limits.items()):
        if value != -1 and value < used.get(key, 0):
            raise ResourceFailed(
                f"{ctx.name}: Invalid quota {key} value(s): {value}. Can not be less than "
                f"the current usage value(s): {used[key]}."
            )
    ctx.conn.block_storage.update_quota_set(project, **limits)
    return ctx.physical_name()


def _revert(ctx: ResourceContext, proxy: str) -> None:
    """Back to the defaults; a project already gone has no quotas left to revert."""
    ref = ctx.properties["project"]
    found = ctx.conn.identity.find_project(ref, ignore_missing=True)
    if found is not None:
        getattr(ctx.conn, proxy).revert_quota_set(found.id)


def quota_kind(service: str, apply: Callable[[ResourceContext], str]) -> AdminKind:
    """A project's quota set: applied on create and update, reverted on delete. Applying
    again is harmless, so an interrupted create just applies them again."""
    proxy = "compute" if service == "nova" else "block_storage"
    return AdminKind(
        what=f"{service}_quota",
        create=apply,
        find=lambda ctx: None,
        in_cloud=False,
        get=lambda ctx, oid: getattr(ctx.conn, proxy).get_quota_set(
            project_id(ctx, ctx.properties["project"])
        ),
        delete=lambda ctx, oid: _revert(ctx, proxy),
        update=apply,
    )


NOVA_QUOTA = quota_kind("nova", _nova_quota_set)
CINDER_QUOTA = quota_kind("cinder", _cinder_quota_set)


# -- OS::Cinder::VolumeType, EncryptedVolumeType, QoSSpecs, QoSAssociation -------------------
def _type_projects(ctx: ResourceContext) -> list[str]:
    return [project_id(ctx, p) for p in ctx.properties.get("projects") or []]


def _type_finish(ctx: ResourceContext, type_id: str) -> None:
    storage = ctx.conn.block_storage
    specs = ctx.properties.get("metadata") or {}
    if specs:
        storage.update_type_extra_specs(type_id, **{k: str(v) for k, v in specs.items()})
    if not ctx.properties.get("is_public", True):
        have = {a["project_id"] for a in storage.get_type_access(type_id)}
        for project in _type_projects(ctx):
            if project not in have:
                storage.add_type_access(type_id, project)


def _type_update(ctx: ResourceContext) -> None:
    storage, type_id = ctx.conn.block_storage, ctx.physical_id or ""
    fields: dict[str, Any] = {
        k: ctx.properties.get(k) for k in ("name", "description") if k in ctx.changed
    }
    if "is_public" in ctx.changed:
        fields["is_public"] = ctx.properties.get("is_public", True)
    if fields:
        storage.update_type(type_id, **fields)
    if "metadata" in ctx.changed:  # Heat unsets every old key, then sets the new ones
        old = storage.get_type(type_id).extra_specs or {}
        if old:
            storage.delete_type_extra_specs(type_id, list(old))
        specs = ctx.properties.get("metadata") or {}
        if specs:
            storage.update_type_extra_specs(type_id, **{k: str(v) for k, v in specs.items()})
    if "projects" in ctx.changed and not ctx.properties.get("is_public", True):
        old_projects = [a["project_id"] for a in storage.get_type_access(type_id)]
        added, removed = diff(_type_projects(ctx), old_projects)
        for project in removed:
            storage.remove_type_access(type_id, project)
        for project in added:
            storage.add_type_access(type_id, project)


def _type_find(ctx: ResourceContext) -> str | None:
    found = ctx.conn.block_storage.find_type(ctx.properties["name"], ignore_missing=True)
    return str(found.id) if found else None


VOLUME_TYPE = AdminKind(
    what="volume_type",
    create=lambda ctx: str(
        ctx.conn.block_storage.create_type(
            name=ctx.properties["name"],
            is_public=ctx.properties.get("is_public", True),
            description=ctx.properties.get("description"),
        ).id
    ),
    find=_type_find,
    get=lambda ctx, oid: ctx.conn.block_storage.find_type(oid, ignore_missing=True),
    delete=lambda ctx, oid: ctx.conn.block_storage.delete_type(oid, ignore_missing=True),
    finish=_type_finish,
    update=_type_update,
)


def type_id(ctx: ResourceContext, ref: str) -> str:
    """A volume type id from a name or id."""
    found = ctx.call(
        "volume_type.find", lambda: ctx.conn.block_storage.find_type(ref, ignore_missing=True)
    )
    if found is None:
        raise ResourceFailed(f"{ctx.name}: Cinder volume type '{ref}' not found")
    return str(found.id)


ENCRYPTION_FIELDS = ("provider", "cipher", "key_size", "control_location")


def _encryption_get(ctx: ResourceContext, volume_type: str) -> Obj | None:
    encryption = ctx.conn.block_storage.get_type_encryption(volume_type)
    return encryption if getattr(encryption, "encryption_id", None) else None


def _encryption_create(ctx: ResourceContext) -> str:
    volume_type = type_id(ctx, ctx.properties["volume_type"])
    specs = {k: prop(ctx, k) for k in ENCRYPTION_FIELDS}
    ctx.conn.block_storage.create_type_encryption(volume_type, **specs)
    return volume_type  # Heat's resource id is the volume type's


def _encryption_find(ctx: ResourceContext) -> str | None:
    volume_type = type_id(ctx, ctx.properties["volume_type"])
    return volume_type if _encryption_get(ctx, volume_type) is not None else None


ENCRYPTED_VOLUME_TYPE = AdminKind(
    what="volume_type_encryption",
    create=_encryption_create,
    find=_encryption_find,
    get=_encryption_get,
    delete=lambda ctx, oid: ctx.conn.block_storage.delete_type_encryption(volume_type=oid),
    update=lambda ctx: ctx.conn.block_storage.update_type_encryption(
        volume_type=ctx.physical_id, **{k: prop(ctx, k) for k in ctx.changed}
    ),
)


def _qos_update(ctx: ResourceContext) -> None:
    storage, qos_id = ctx.conn.block_storage, ctx.physical_id or ""
    new, old = ctx.properties.get("specs") or {}, ctx.old_properties.get("specs") or {}
    changed = {k: str(v) for k, v in new.items() if old.get(k) != v}
    removed = [k for k in old if k not in new]
    if changed:
        storage.update_qos_spec(qos_id, **changed)
    if removed:
        storage.delete_qos_spec_metadata(qos_id, removed)


def _qos_delete(ctx: ResourceContext, qos_id: str) -> None:
    storage = ctx.conn.block_storage
    if storage.find_qos_spec(qos_id, ignore_missing=True) is None:
        return
    storage.disassociate_all_qos_spec(qos_id)  # as Heat, before deleting
    storage.delete_qos_spec(qos_id, ignore_missing=True)


def _qos_find(ctx: ResourceContext) -> str | None:
    found = ctx.conn.block_storage.find_qos_spec(name_of(ctx), ignore_missing=True)
    return str(found.id) if found else None


QOS_SPECS = AdminKind(
    what="qos_specs",
    create=lambda ctx: str(
        ctx.conn.block_storage.create_qos_spec(
            name=name_of(ctx), **{k: str(v) for k, v in (ctx.properties["specs"] or {}).items()}
        ).id
    ),
    find=_qos_find,
    get=lambda ctx, oid: ctx.conn.block_storage.find_qos_spec(oid, ignore_missing=True),
    delete=_qos_delete,
    update=_qos_update,
)


def qos_id(ctx: ResourceContext, ref: str) -> str:
    """QoS specs' id from a name or id."""
    found = ctx.call(
        "qos_specs.find", lambda: ctx.conn.block_storage.find_qos_spec(ref, ignore_missing=True)
    )
    if found is None:
        raise ResourceFailed(f"{ctx.name}: Cinder QoS specs '{ref}' not found")
    return str(found.id)


def _associate(ctx: ResourceContext, qos: str, types: Iterable[str], link: bool) -> None:
    storage = ctx.conn.block_storage
    linked = {a.id for a in storage.qos_spec_associations(qos)}
    for ref in types:
        volume_type = type_id(ctx, ref)
        if link and volume_type not in linked:
            storage.associate_qos_spec(qos, volume_type)
        elif not link and volume_type in linked:
            storage.disassociate_qos_spec(qos, volume_type)


def _association_create(ctx: ResourceContext) -> str:
    _associate(ctx, qos_id(ctx, ctx.properties["qos_specs"]), ctx.properties["volume_types"], True)
    return ctx.physical_name()


def _association_update(ctx: ResourceContext) -> None:
    qos = qos_id(ctx, ctx.properties["qos_specs"])
    added, removed = diff(ctx.properties["volume_types"], ctx.old_properties.get("volume_types"))
    _associate(ctx, qos, added, True)
    _associate(ctx, qos, removed, False)


def _association_find(ctx: ResourceContext) -> str | None:
    """A made association (its physical id) while every type is still associated; None
    otherwise, and for an interrupted create, which associates again (that is harmless)."""
    if not ctx.physical_id:
        return None
    found = ctx.conn.block_storage.find_qos_spec(ctx.properties["qos_specs"], ignore_missing=True)
    if found is None:
        return None
    linked = {a.id for a in ctx.conn.block_storage.qos_spec_associations(found.id)}
    types = [
        ctx.conn.block_storage.find_type(t, ignore_missing=True)
        for t in ctx.properties["volume_types"]
    ]
    return ctx.physical_id if all(t is not None and t.id in linked for t in types) else None


def _association_delete(ctx: ResourceContext, oid: str) -> None:
    found = ctx.conn.block_storage.find_qos_spec(ctx.properties["qos_specs"], ignore_missing=True)
    if found is not None:
        live = [t for t in ctx.properties["volume_types"] if _type_exists(ctx, t)]
        _associate(ctx, str(found.id), live, False)


def _type_exists(ctx: ResourceContext, ref: str) -> bool:
    return ctx.conn.block_storage.find_type(ref, ignore_missing=True) is not None


QOS_ASSOCIATION = AdminKind(
    what="qos_association",
    create=_association_create,
    find=lambda ctx: _association_find(ctx),
    get=lambda ctx, oid: list(
        ctx.conn.block_storage.qos_spec_associations(qos_id(ctx, ctx.properties["qos_specs"]))
    ),
    delete=_association_delete,
    update=_association_update,
    show=lambda links: {"volume_types": [link.id for link in links]},
)
