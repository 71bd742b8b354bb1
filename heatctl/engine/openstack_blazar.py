"""Lifecycles of Blazar objects (OS::Blazar::*), as Heat's blazar plugins run them.

Host: the compute host is added by name with its extra capabilities (Blazar turns each
into a field of the host); found again by its hypervisor host name. Lease: created with
its dates, reservations (unset keys left out) and events; complete once Blazar has
placed it (PENDING or ACTIVE; ERROR fails); found again by its name, which Blazar keeps
unique. Neither changes in place: every property change replaces them, as in Heat.
"""

from __future__ import annotations

from typing import Any

from heatctl.engine.lifecycle import ResourceContext
from heatctl.engine.openstack_services2 import Obj, StatusKind, api, first, or_none, statuses

HOST_ATTRIBUTES = (
    "cpu_info", "created_at", "hypervisor_hostname", "hypervisor_type", "hypervisor_version",
    "local_gb", "memory_mb", "reservable", "service_name", "status", "trust_id", "updated_at",
    "vcpus",
)  # fmt: skip
LEASE_ATTRIBUTES = (
    "created_at", "degraded", "end_date", "events", "name", "project_id", "reservations",
    "start_date", "status", "trust_id", "updated_at", "user_id",
)  # fmt: skip


def _blazar(ctx: ResourceContext) -> Any:
    return ctx.conn.reservation


def _create_host(ctx: ResourceContext) -> Obj:
    extra = {k: str(v) for k, v in (ctx.properties.get("extra_capability") or {}).items()}
    body = {"name": ctx.properties["name"], **extra}
    return api(_blazar(ctx), "POST", "/os-hosts", json=body)["host"]


def _host_attributes(ctx: ResourceContext, host: Obj) -> dict[str, Any]:
    values = {name: host.get(name) for name in HOST_ATTRIBUTES}
    extra = ctx.properties.get("extra_capability") or {}
    values["extra_capability"] = {key: host.get(key) for key in extra}
    return values


HOST = StatusKind(
    what="blazar.host",
    create=_create_host,
    get=lambda ctx, oid: _unwrap(
        or_none(lambda: api(_blazar(ctx), "GET", f"/os-hosts/{oid}")), "host"
    ),
    delete=lambda ctx, oid: or_none(lambda: api(_blazar(ctx), "DELETE", f"/os-hosts/{oid}")),
    find=lambda ctx: first(
        api(_blazar(ctx), "GET", "/os-hosts")["hosts"],
        lambda h: h["hypervisor_hostname"] == ctx.properties["name"],
    ),
    attributes=_host_attributes,
    status_field=None,
)


def _unwrap(answer: Any, key: str) -> Any:
    return answer[key] if answer else None


def _create_lease(ctx: ResourceContext) -> Obj:
    props = ctx.properties
    body: dict[str, Any] = {
        "name": props["name"],
        "start_date": props["start_date"],
        "end_date": props["end_date"],
        "reservations": [
            {k: v for k, v in reservation.items() if v is not None}
            for reservation in props["reservations"]
        ],
        "events": props.get("events") or [],
    }
    if props.get("before_end_date"):
        body["before_end_date"] = props["before_end_date"]
    return api(_blazar(ctx), "POST", "/leases", json=body)["lease"]


LEASE = StatusKind(
    what="blazar.lease",
    create=_create_lease,
    get=lambda ctx, oid: _unwrap(
        or_none(lambda: api(_blazar(ctx), "GET", f"/leases/{oid}")), "lease"
    ),
    delete=lambda ctx, oid: or_none(lambda: api(_blazar(ctx), "DELETE", f"/leases/{oid}")),
    find=lambda ctx: first(
        api(_blazar(ctx), "GET", "/leases")["leases"],
        lambda le: le["name"] == ctx.properties["name"],
    ),
    attributes=lambda ctx, lease: {name: lease.get(name) for name in LEASE_ATTRIBUTES},
    ready=statuses("PENDING", "ACTIVE", "TERMINATED"),
    failed=statuses("ERROR"),
)
