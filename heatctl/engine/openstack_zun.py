"""Lifecycle of Zun containers (OS::Zun::Container), as Heat's zun plugin runs it.

The container is run (`?run=true`) with Heat's fields: the command split into words,
restart_policy as {Name, MaximumRetryCount}, mounts as {source|size, destination}, the
networks as `nets`; it is complete when Running (Error fails with Zun's status_reason).
name, cpu and memory change in place by PATCH; networks by detaching the ones no longer
listed and attaching the new ones. Delete stops and removes it. It has no tags: it is
found again by its name (the template's, or the physical name).
"""

from __future__ import annotations

import shlex
from typing import Any

from heatctl.engine.lifecycle import ResourceContext
from heatctl.engine.openstack_services2 import (
    Obj,
    StatusKind,
    api,
    first,
    name_of,
    or_none,
    statuses,
)

PASSED = (
    "cpu", "environment", "hints", "hostname", "image", "image_driver", "image_pull_policy",
    "interactive", "labels", "tty", "workdir", "security_groups",
)  # fmt: skip


def _zun(ctx: ResourceContext) -> Any:
    return ctx.conn.container


def _nets(networks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    nets = []
    for net in networks:
        entry = {"network": net.get("network"), "port": net.get("port")}
        entry["v4-fixed-ip"] = net.get("fixed_ip")
        nets.append({k: v for k, v in entry.items() if v})
    return nets


def _restart_policy(policy: str) -> dict[str, str]:
    name, _, count = policy.partition(":")
    return {"Name": name, "MaximumRetryCount": count or "0"}


def _create(ctx: ResourceContext) -> Obj:
    props = ctx.properties
    body: dict[str, Any] = {k: props[k] for k in PASSED if props.get(k) not in (None, [], {})}
    body["name"] = name_of(ctx)
    if props.get("command"):
        body["command"] = shlex.split(props["command"])
    if props.get("memory") is not None:
        body["memory"] = str(props["memory"])
    if props.get("restart_policy"):
        body["restart_policy"] = _restart_policy(props["restart_policy"])
    if props.get("mounts"):
        body["mounts"] = [
            {
                "destination": m["mount_path"],
                **(
                    {"source": m["volume_id"]}
                    if m.get("volume_id")
                    else {"size": m.get("volume_size")}
                ),
            }
            for m in props["mounts"]
        ]
    if props.get("networks"):
        body["nets"] = _nets(props["networks"])
    return api(_zun(ctx), "POST", "/containers?run=true", json=body)


def _update(ctx: ResourceContext) -> None:
    props, base = ctx.properties, f"/containers/{ctx.physical_id}"
    changes: dict[str, Any] = {}
    if "name" in ctx.changed:
        changes["name"] = name_of(ctx)
    if "cpu" in ctx.changed:
        changes["cpu"] = props.get("cpu")
    if "memory" in ctx.changed:
        changes["memory"] = str(props["memory"]) if props.get("memory") is not None else None
    if changes:
        ctx.call("zun.container.update", lambda: api(_zun(ctx), "PATCH", base, json=changes))
    if "networks" in ctx.changed:
        old = _nets(ctx.old_properties.get("networks") or [])
        new = _nets(props.get("networks") or [])
        for net in [n for n in old if n not in new]:
            _network_call(ctx, "network_detach", net)
        for net in [n for n in new if n not in old]:
            _network_call(ctx, "network_attach", net)


def _network_call(ctx: ResourceContext, action: str, net: dict[str, Any]) -> None:
    query = {"network": net.get("network"), "port": net.get("port")}
    if action == "network_attach" and net.get("v4-fixed-ip"):
        query["fixed_ip"] = net["v4-fixed-ip"]
    if action == "network_detach" and query["port"]:
        query.pop("network")
    params = {k: v for k, v in query.items() if v}
    path = f"/containers/{ctx.physical_id}/{action}"
    ctx.call(f"zun.container.{action}", lambda: api(_zun(ctx), "POST", path, params=params))


def _addresses(ctx: ResourceContext, addresses: dict[str, Any]) -> dict[str, Any]:
    """Zun's addresses (by network id) also under each network's name, as Heat shows them."""
    names = {net.id: net.name for net in ctx.conn.network.networks()}
    extended = {key: list(value) for key, value in addresses.items()}
    for network_id, entries in addresses.items():
        if names.get(network_id):
            extended.setdefault(names[network_id], []).extend(entries)
    return extended


CONTAINER = StatusKind(
    what="zun.container",
    create=_create,
    get=lambda ctx, oid: or_none(lambda: api(_zun(ctx), "GET", f"/containers/{oid}")),
    delete=lambda ctx, oid: or_none(
        lambda: api(_zun(ctx), "DELETE", f"/containers/{oid}", params={"stop": "true"})
    ),
    find=lambda ctx: first(
        api(_zun(ctx), "GET", "/containers")["containers"], lambda c: c["name"] == name_of(ctx)
    ),
    attributes=lambda ctx, container: {
        "addresses": _addresses(ctx, container.get("addresses") or {}),
        "name": container.get("name"),
    },
    update=_update,
    ready=statuses("Running"),
    failed=statuses("Error"),
    physical_id=lambda container: str(container["uuid"]),
    reason_field="status_reason",
)
