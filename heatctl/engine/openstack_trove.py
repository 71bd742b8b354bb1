"""Lifecycles of Trove objects (OS::Trove::*), as Heat's trove plugins run them.

Instance: created with its flavor, volume size, datastore, networks, databases and users
(each user's databases as Trove wants them); complete at ACTIVE (ERROR/FAILED fail).
An update is a list of steps taken one at a time, each once the instance is ACTIVE
again, in Heat's order: rename, resize the flavor, grow the volume, then databases
(new ones created, dropped ones deleted) and users (removed, added, changed). The
`hostname` attribute is the instance's host name, else its first address, as Heat's.
Cluster: created with its instances; complete when the cluster's task is NONE and every
instance is ACTIVE. Neither has tags: both are found again by name.
"""

from __future__ import annotations

from typing import Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.openstack_services2 import (
    Obj,
    StatusKind,
    api,
    first,
    name_of,
    or_none,
    status_lifecycle,
    statuses,
)
from heatctl.engine.wait import Wait

BAD = ("ERROR", "FAILED", "FAILED_TIMEOUT_GUESTAGENT")


def _db(ctx: ResourceContext) -> Any:
    return ctx.conn.database


def _flavor_id(ctx: ResourceContext, flavor: str) -> str:
    flavors = api(_db(ctx), "GET", "/flavors")["flavors"]
    found = first(flavors, lambda f: flavor in (str(f["id"]), f["name"]))
    if found is None:
        raise ResourceFailed(f"{ctx.name}: Trove flavor '{flavor}' does not exist")
    return str(found["id"])


def _nics(ctx: ResourceContext, networks: list[dict[str, Any]]) -> list[dict[str, str]]:
    result = []
    for nic in networks:
        entry = {}
        if nic.get("network"):
            network = ctx.conn.network.find_network(nic["network"], ignore_missing=False)
            entry["net-id"] = network.id
        if nic.get("port"):
            entry["port-id"] = ctx.conn.network.find_port(nic["port"], ignore_missing=False).id
        if nic.get("fixed_ip"):
            entry["v4-fixed-ip"] = nic["fixed_ip"]
        result.append(entry)
    return result


def _user(user: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": user["name"],
        "password": user["password"],
        "host": user.get("host") or "%",
        "databases": [{"name": name} for name in user.get("databases") or []],
    }


def _database(database: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": database["name"],
        "character_set": database.get("character_set") or "utf8",
        "collate": database.get("collate") or "utf8_general_ci",
    }


# -- instances ---------------------------------------------------------------------------
def _create_instance(ctx: ResourceContext) -> Obj:
    props = ctx.properties
    body: dict[str, Any] = {
        "name": name_of(ctx, 255),
        "flavorRef": _flavor_id(ctx, props["flavor"]),
        "volume": {"size": props["size"]},
        "databases": [_database(d) for d in props.get("databases") or []],
        "users": [_user(u) for u in props.get("users") or []],
        "nics": _nics(ctx, props.get("networks") or []),
    }
    datastore = {"type": props.get("datastore_type"), "version": props.get("datastore_version")}
    if any(datastore.values()):
        body["datastore"] = {k: v for k, v in datastore.items() if v}
    for prop, field in (
        ("availability_zone", "availability_zone"),
        ("replica_of", "replica_of"),
        ("replica_count", "replica_count"),
    ):
        if props.get(prop) is not None:
            body[field] = props[prop]
    if props.get("restore_point"):
        body["restorePoint"] = {"backupRef": props["restore_point"]}
    return api(_db(ctx), "POST", "/instances", json={"instance": body})["instance"]


def _get_instance(ctx: ResourceContext, oid: str) -> Obj | None:
    found = or_none(lambda: api(_db(ctx), "GET", f"/instances/{oid}"))
    return found["instance"] if found else None


def _update_steps(ctx: ResourceContext) -> list[list[Any]]:
    """Heat's order of changes, one step per Trove request."""
    props, old, changed = ctx.properties, ctx.old_properties, ctx.changed
    steps: list[list[Any]] = []
    if "name" in changed:
        steps.append(["name", name_of(ctx, 255)])
    if "flavor" in changed:
        steps.append(["flavor", _flavor_id(ctx, props["flavor"])])
    if "size" in changed:
        steps.append(["size", props["size"]])
    if "databases" in changed:
        new = {d["name"]: _database(d) for d in props.get("databases") or []}
        gone = {d["name"] for d in old.get("databases") or []} - set(new)
        existing = {d["name"] for d in old.get("databases") or []}
        steps += [["drop_database", name] for name in sorted(gone)]
        added = [new[name] for name in sorted(set(new) - existing)]
        if added:
            steps.append(["add_databases", added])
    if "users" in changed:
        steps += _user_steps(props.get("users") or [], old.get("users") or [])
    return steps


def _user_steps(
    new_users: list[dict[str, Any]], old_users: list[dict[str, Any]]
) -> list[list[Any]]:
    new = {u["name"]: _user(u) for u in new_users}
    old = {u["name"]: _user(u) for u in old_users}
    steps: list[list[Any]] = [["drop_user", name] for name in sorted(set(old) - set(new))]
    added = [new[name] for name in sorted(set(new) - set(old))]
    if added:
        steps.append(["add_users", added])
    steps += [["change_user", new[n]] for n in sorted(set(new) & set(old)) if new[n] != old[n]]
    return steps


def _run_step(ctx: ResourceContext, step: list[Any]) -> None:
    what, value = step
    base = f"/instances/{ctx.physical_id}"
    requests = {
        "name": ("PATCH", base, {"instance": {"name": value}}),
        "flavor": ("POST", f"{base}/action", {"resize": {"flavorRef": value}}),
        "size": ("POST", f"{base}/action", {"resize": {"volume": {"size": value}}}),
        "add_databases": ("POST", f"{base}/databases", {"databases": value}),
        "drop_database": ("DELETE", f"{base}/databases/{value}", None),
        "add_users": ("POST", f"{base}/users", {"users": value}),
        "drop_user": ("DELETE", f"{base}/users/{value}", None),
        "change_user": ("PUT", f"{base}/users/{value['name'] if isinstance(value, dict) else ''}",
                        {"user": value}),
    }  # fmt: skip
    method, path, body = requests[what]
    kwargs = {"json": body} if body is not None else {}
    ctx.call(f"trove.instance.{what}", lambda: api(_db(ctx), method, path, **kwargs))


def _update_instance(self: Any, ctx: ResourceContext) -> Wait | None:
    """Plan the steps; they run in check_update_complete."""
    ctx.data["trove_steps"] = _update_steps(ctx)
    return _check_update(self, ctx)


def _check_update(self: Any, ctx: ResourceContext) -> Wait | None:
    """Run the next step once the instance is ACTIVE."""
    instance = ctx.call("trove.instance.get", lambda: _get_instance(ctx, ctx.physical_id or ""))
    if instance is None:
        raise ResourceFailed(f"{ctx.name}: Trove instance {ctx.physical_id} disappeared")
    if instance["status"] in BAD:
        raise ResourceFailed(f"{ctx.name}: Trove instance went to {instance['status']}")
    if instance["status"] != "ACTIVE":
        return Wait(None)
    steps = ctx.data.get("trove_steps") or []
    if not steps:
        ctx.data.pop("trove_steps", None)
        return None
    _run_step(ctx, steps[0])
    ctx.data["trove_steps"] = steps[1:]
    return Wait(None)


def _instance_attributes(ctx: ResourceContext, instance: Obj) -> dict[str, Any]:
    addresses = instance.get("ip") or []
    hostname = instance.get("hostname") or (addresses[0] if addresses else None)
    href = f"{_db(ctx).get_endpoint().rstrip('/')}/instances/{instance['id']}"
    return {"hostname": hostname, "href": href}


INSTANCE = StatusKind(
    what="trove.instance",
    create=_create_instance,
    get=_get_instance,
    delete=lambda ctx, oid: or_none(lambda: api(_db(ctx), "DELETE", f"/instances/{oid}")),
    find=lambda ctx: first(
        api(_db(ctx), "GET", "/instances")["instances"], lambda i: i["name"] == name_of(ctx, 255)
    ),
    attributes=_instance_attributes,
    ready=statuses("ACTIVE"),
    failed=statuses(*BAD),
)


_INSTANCE = status_lifecycle(INSTANCE)
INSTANCE_METHODS = (*_INSTANCE[:2], _update_instance, _check_update, *_INSTANCE[4:])
"""The eight lifecycle methods of OS::Trove::Instance (updates in steps)."""


# -- clusters ----------------------------------------------------------------------------
def _create_cluster(ctx: ResourceContext) -> Obj:
    props = ctx.properties
    instances = [
        {
            "flavorRef": _flavor_id(ctx, member["flavor"]),
            "volume": {"size": member["volume_size"]},
            "nics": _nics(ctx, member.get("networks") or []),
            **(
                {"availability_zone": member["availability_zone"]}
                if member.get("availability_zone")
                else {}
            ),
        }
        for member in props["instances"]
    ]
    body = {
        "name": name_of(ctx, 255),
        "datastore": {"type": props["datastore_type"], "version": props["datastore_version"]},
        "instances": instances,
    }
    return api(_db(ctx), "POST", "/clusters", json={"cluster": body})["cluster"]


def _get_cluster(ctx: ResourceContext, oid: str) -> Obj | None:
    found = or_none(lambda: api(_db(ctx), "GET", f"/clusters/{oid}"))
    if not found:
        return None
    cluster = found["cluster"]
    members = [m.get("status") for m in cluster.get("instances") or []]
    if any(status in BAD for status in members):
        cluster["state"] = "ERROR"
    elif (cluster.get("task") or {}).get("name") == "NONE" and all(s == "ACTIVE" for s in members):
        cluster["state"] = "READY"
    else:
        cluster["state"] = (cluster.get("task") or {}).get("name") or "BUILDING"
    return cluster


CLUSTER = StatusKind(
    what="trove.cluster",
    create=_create_cluster,
    get=_get_cluster,
    delete=lambda ctx, oid: or_none(lambda: api(_db(ctx), "DELETE", f"/clusters/{oid}")),
    find=lambda ctx: first(
        api(_db(ctx), "GET", "/clusters")["clusters"], lambda c: c["name"] == name_of(ctx, 255)
    ),
    attributes=lambda ctx, cluster: {
        "instances": [m["id"] for m in cluster.get("instances") or []],
        "ip": cluster.get("ip") or [],
    },
    status_field="state",
    ready=statuses("READY"),
    failed=statuses("ERROR"),
    show=lambda cluster: {k: v for k, v in cluster.items() if k != "state"},
)
