"""Lifecycles of Magnum objects (OS::Magnum::*), as Heat's magnum plugins run them.

ClusterTemplate: the properties map onto Magnum's fields (image -> image_id, flavor ->
flavor_id, external_network -> its id...); `public` changes in place by JSON-patch.
Cluster: created with the template (name or id), counts, key pair, discovery URL and
timeout; complete at CREATE_COMPLETE (CREATE_FAILED fails with Magnum's status_reason);
node_count, master_count, discovery_url and create_timeout change in place by
JSON-patch, complete at UPDATE_COMPLETE; a delete completes when the cluster is gone
(DELETE_FAILED fails). Neither object has tags: both are found again by their name, the
template's or the physical name.
"""

from __future__ import annotations

from typing import Any

from heatctl.engine.lifecycle import ResourceContext
from heatctl.engine.openstack import drop_none
from heatctl.engine.openstack_services2 import (
    Obj,
    StatusKind,
    api,
    first,
    name_of,
    or_none,
    statuses,
)

TEMPLATE_FIELDS = {
    "coe": "coe",
    "dns_nameserver": "dns_nameserver",
    "docker_volume_size": "docker_volume_size",
    "docker_storage_driver": "docker_storage_driver",
    "fixed_subnet": "fixed_subnet",
    "floating_ip_enabled": "floating_ip_enabled",
    "http_proxy": "http_proxy",
    "https_proxy": "https_proxy",
    "no_proxy": "no_proxy",
    "labels": "labels",
    "tls_disabled": "tls_disabled",
    "public": "public",
    "registry_enabled": "registry_enabled",
    "volume_driver": "volume_driver",
    "network_driver": "network_driver",
    "server_type": "server_type",
    "master_lb_enabled": "master_lb_enabled",
}
CLUSTER_UPDATABLE = ("node_count", "master_count", "discovery_url", "create_timeout")


def _coe(ctx: ResourceContext) -> Any:
    return ctx.conn.container_infrastructure_management


def _patch(ctx: ResourceContext, path: str, values: dict[str, Any]) -> None:
    operations = [
        {"op": "replace", "path": f"/{name}", "value": value}
        if value is not None
        else {"op": "remove", "path": f"/{name}"}
        for name, value in values.items()
    ]
    if operations:
        ctx.call("magnum.patch", lambda: api(_coe(ctx), "PATCH", path, json=operations))


# -- cluster templates -------------------------------------------------------------------
def _template_body(ctx: ResourceContext) -> dict[str, Any]:
    props, conn = ctx.properties, ctx.conn
    body = {field: props.get(prop) for prop, field in TEMPLATE_FIELDS.items()}
    body["name"] = name_of(ctx)
    body["image_id"] = conn.image.find_image(props["image"], ignore_missing=False).id
    external = conn.network.find_network(props["external_network"], ignore_missing=False)
    body["external_network_id"] = external.id
    if props.get("fixed_network"):
        body["fixed_network"] = conn.network.find_network(
            props["fixed_network"], ignore_missing=False
        ).id
    for prop, field in (("flavor", "flavor_id"), ("master_flavor", "master_flavor_id")):
        if props.get(prop):
            body[field] = conn.compute.find_flavor(props[prop], ignore_missing=False).name
    body["keypair_id"] = props.get("keypair")
    return drop_none(body)


TEMPLATE = StatusKind(
    what="magnum.cluster_template",
    create=lambda ctx: _coe(ctx).create_cluster_template(**_template_body(ctx)),
    get=lambda ctx, oid: or_none(lambda: _coe(ctx).get_cluster_template(oid)),
    delete=lambda ctx, oid: _coe(ctx).delete_cluster_template(oid, ignore_missing=True),
    find=lambda ctx: first(_coe(ctx).cluster_templates(), lambda t: t.name == name_of(ctx)),
    update=lambda ctx: _patch(
        ctx,
        f"/clustertemplates/{ctx.physical_id}",
        {"public": ctx.properties.get("public")} if "public" in ctx.changed else {},
    ),
    status_field=None,
)


# -- clusters ----------------------------------------------------------------------------
def _create_cluster(ctx: ResourceContext) -> Obj:
    props, coe = ctx.properties, _coe(ctx)
    template = coe.find_cluster_template(props["cluster_template"], ignore_missing=False)
    body = {
        "name": name_of(ctx),
        "cluster_template_id": template.id,
        "discovery_url": props.get("discovery_url"),
        "node_count": props.get("node_count", 1),
        "master_count": props.get("master_count", 1),
        "keypair": props.get("keypair"),
        "create_timeout": props.get("create_timeout", 60),
    }
    return coe.create_cluster(**drop_none(body))


def _update_cluster(ctx: ResourceContext) -> None:
    values = {name: ctx.properties.get(name) for name in CLUSTER_UPDATABLE if name in ctx.changed}
    _patch(ctx, f"/clusters/{ctx.physical_id}", values)


def _cluster_attributes(ctx: ResourceContext, cluster: Obj) -> dict[str, Any]:
    names = (
        "api_address", "cluster_template_id", "coe_version", "container_version",
        "create_timeout", "discovery_url", "keypair", "master_addresses", "master_count",
        "name", "node_addresses", "node_count", "stack_id", "status", "status_reason",
    )  # fmt: skip
    return {name: getattr(cluster, name, None) for name in names}


CLUSTER = StatusKind(
    what="magnum.cluster",
    create=_create_cluster,
    get=lambda ctx, oid: or_none(lambda: _coe(ctx).get_cluster(oid)),
    delete=lambda ctx, oid: _coe(ctx).delete_cluster(oid, ignore_missing=True),
    find=lambda ctx: first(_coe(ctx).clusters(), lambda c: c.name == name_of(ctx)),
    attributes=_cluster_attributes,
    update=_update_cluster,
    ready=statuses("CREATE_COMPLETE", "UPDATE_COMPLETE"),
    failed=statuses("CREATE_FAILED", "UPDATE_FAILED", "DELETE_FAILED"),
    reason_field="status_reason",
)
