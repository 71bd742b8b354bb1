"""Blazar v1 (/reservation/v1): reservable compute hosts and leases.

The sandbox's compute hosts are `sandbox` (the one Nova schedules on) and `compute1` to
`compute7`, each with 32 vCPUs, 128 GB of memory and 1 TB of disk. Adding a host (admin
only) makes it reservable; an unknown host or one already added is refused, and a host
reserved by a lease refuses deletion (409).

A lease is CREATING, then PENDING before its start date and ACTIVE once started ("now"
starts it at once); its dates are checked (start before end, end in the future).
A `physical:host` reservation needs `min` free reservable hosts that match its
hypervisor_properties/resource_properties (JSON queries such as ["=", "$vcpus", "8"]
or ["==", "$key", "value"] on extra capabilities) among the hosts no overlapping lease
holds; a `virtual:instance` reservation needs `amount` instances of its size to fit on
the reservable hosts no host reservation of the lease took. A lease that cannot be satisfied is refused (409, "Not enough
hosts available"), as Blazar does.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from typing import Any

from heatctl.sandbox.cloud import Cloud
from heatctl.sandbox.generic import Collection, GenericService, ServiceSpec, Status
from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    TypeSpec,
    json_response,
    new_id,
    public,
)

HOST, LEASE = "blazar_host", "blazar_lease"
SETTLE = 0.2
DATE = "%Y-%m-%d %H:%M"
COMPUTE_HOSTS = {
    name: {"vcpus": 32, "memory_mb": 131072, "local_gb": 1000}
    for name in ("sandbox", *(f"compute{n}" for n in range(1, 8)))
}
HOST_KEYS = {
    "id", "name", "hypervisor_hostname", "hypervisor_type", "hypervisor_version", "vcpus",
    "memory_mb", "local_gb", "cpu_info", "service_name", "trust_id", "reservable", "status",
    "created_at", "updated_at", "project_id",
}  # fmt: skip


def _versions(base_url: str) -> tuple[int, Body]:
    link = {"href": f"{base_url}/reservation/v1", "rel": "self"}
    return 300, {"versions": [{"id": "v1.0", "status": "CURRENT", "links": [link]}]}


def _error(error: ApiError) -> Response:
    """Blazar's error body."""
    body = {"error_code": error.status, "error_message": error.message, "error_name": ""}
    return json_response(error.status, body, dict(error.headers))


def _host_create(svc: GenericService, request: Request, body: Body) -> None:
    if not request.is_admin:
        raise ApiError(403, "Policy doesn't allow blazar:oshosts:post to be performed.")
    name = str(body.get("name") or "")
    if name not in COMPUTE_HOSTS:
        raise ApiError(404, f"Host {name} not found in Nova.")
    if any(h["hypervisor_hostname"] == name for h in svc.cloud.query(HOST) if h is not body):
        raise ApiError(409, f"Host {name} is already reservable.")
    extra = {k: str(v) for k, v in body.items() if k not in HOST_KEYS and k[0] != "_"}
    for key in extra:
        body.pop(key)
    body.update(
        COMPUTE_HOSTS[name],
        hypervisor_hostname=name,
        service_name=name,
        hypervisor_type="QEMU",
        hypervisor_version=8002000,
        cpu_info=json.dumps({"arch": "x86_64", "model": "Skylake"}),
        trust_id=new_id().replace("-", ""),
        reservable=True,
        _extra=extra,
    )
    body.pop("name", None)


def _host_view(svc: GenericService, body: Body) -> Body:
    view = public(body)
    view.pop("project_id", None)
    return {**view, **body.get("_extra", {})}


def _host_delete(svc: GenericService, request: Request, body: Body) -> None:
    for lease in svc.cloud.query(LEASE):
        if body["id"] in lease.get("_hosts", []):
            raise ApiError(409, f"Host {body['id']} is reserved by lease {lease['id']}.")


def _parse(value: Any, what: str, now: datetime.datetime) -> datetime.datetime:
    if value == "now":
        return now
    try:
        return datetime.datetime.strptime(str(value), DATE)
    except ValueError:
        raise ApiError(400, f"Invalid {what}: '{value}' (use 'YYYY-MM-DD HH:MM')") from None


def _matches(host: Body, query: Any) -> bool:
    """Blazar's JSON filter: [op, "$field", value] or ["and", q1, q2...]."""
    if not query:
        return True
    if isinstance(query, str):
        query = json.loads(query)
    op, *args = query
    if op == "and":
        return all(_matches(host, q) for q in args)
    if op == "or":
        return any(_matches(host, q) for q in args)
    field, value = str(args[0]).lstrip("$"), str(args[1])
    actual = host.get(field, host.get("_extra", {}).get(field))
    if actual is None:
        return False
    numbers = {"<": float.__lt__, ">": float.__gt__, "<=": float.__le__, ">=": float.__ge__}
    if op in numbers:
        return bool(numbers[op](float(actual), float(value)))
    return (str(actual) == value) == (op in ("=", "=="))


def _overlaps(lease: Body, start: str, end: str) -> bool:
    return lease["start_date"] < end and start < lease["end_date"]


def _reserve(svc: GenericService, body: Body) -> None:
    """Pick hosts for every reservation, or refuse the lease."""
    busy = {
        host_id
        for lease in svc.cloud.query(LEASE)
        if lease is not body and _overlaps(lease, body["start_date"], body["end_date"])
        for host_id in lease.get("_hosts", [])
    }
    free = [h for h in svc.cloud.query(HOST) if h["id"] not in busy]
    taken: list[str] = []
    for reservation in body["reservations"]:
        reservation.update(id=new_id(), lease_id=body["id"], status="pending")
        if reservation.get("resource_type") == "physical:host":
            taken += _pick_hosts(free, taken, reservation)
        elif reservation.get("resource_type") == "virtual:instance":
            _fit_instances([h for h in free if h["id"] not in taken], reservation)
        else:
            raise ApiError(400, f"Invalid resource_type {reservation.get('resource_type')}.")
    body["_hosts"] = taken


def _pick_hosts(free: list[Body], taken: list[str], reservation: Body) -> list[str]:
    low, high = reservation.get("min"), reservation.get("max")
    if not isinstance(low, int) or not isinstance(high, int) or not 1 <= low <= high:
        raise ApiError(400, "A physical:host reservation needs 1 <= min <= max.")
    wanted = [
        h["id"]
        for h in free
        if h["id"] not in taken
        and _matches(h, reservation.get("hypervisor_properties"))
        and _matches(h, reservation.get("resource_properties"))
    ]
    if len(wanted) < low:
        raise ApiError(409, "Not enough hosts available")
    return wanted[:high]


def _fit_instances(free: list[Body], reservation: Body) -> None:
    amount = reservation.get("amount")
    if not isinstance(amount, int) or amount < 1:
        raise ApiError(400, "A virtual:instance reservation needs an amount of at least 1.")
    fits = 0
    for host in free:
        sizes = [
            host[name] // max(1, int(reservation.get(field) or 1))
            for name, field in (
                ("vcpus", "vcpus"),
                ("memory_mb", "memory_mb"),
                ("local_gb", "disk_gb"),
            )
        ]
        fits += min(sizes) if not reservation.get("affinity") else min(min(sizes), amount)
    if fits < amount:
        raise ApiError(409, "Not enough hosts available")


def _lease_create(svc: GenericService, request: Request, body: Body) -> None:
    now = datetime.datetime.fromtimestamp(svc.cloud.now(), datetime.UTC).replace(tzinfo=None)
    start = _parse(body["start_date"], "start_date", now)
    end = _parse(body["end_date"], "end_date", now)
    if end <= start or end <= now:
        raise ApiError(400, "End date must be later than the start date and now.")
    if start < now - datetime.timedelta(minutes=1):
        raise ApiError(400, "Start date must be later than current date")
    body["start_date"], body["end_date"] = start.strftime(DATE), end.strftime(DATE)
    if not isinstance(body["reservations"], list) or not body["reservations"]:
        raise ApiError(400, "A lease needs at least one reservation.")
    if any(lease["name"] == body["name"] for lease in svc.cloud.query(LEASE) if lease is not body):
        raise ApiError(409, f"Lease with name {body['name']} already exists.")
    _reserve(svc, body)
    body["events"] = [
        {"id": new_id(), "event_type": kind, "time": when, "status": "UNDONE"}
        for kind, when in (("start_lease", body["start_date"]), ("end_lease", body["end_date"]))
    ] + [{**event, "id": new_id(), "status": "UNDONE"} for event in body.get("events") or []]
    clock = svc.cloud.now()
    body["_next"] = [[clock + SETTLE, {"status": "PENDING"}]]
    for when, status in ((start, "ACTIVE"), (end, "TERMINATED")):
        delay = max((when - now).total_seconds(), SETTLE)
        body["_next"].append([clock + delay, {"status": status}])
    body["user_id"] = request.user_id
    body["trust_id"] = new_id().replace("-", "")


def _lease_view(svc: GenericService, body: Body) -> Body:
    return public(body)


LEASE_FIELDS: dict[str, Any] = {
    "name": str,
    "start_date": str,
    "end_date": str,
    "reservations": list,
    "events": (list, type(None)),
    "before_end_date": (str, type(None)),
}
HOSTS = Collection(
    name="host",
    kind=HOST,
    path="/v1/os-hosts",
    key="host",
    plural="hosts",
    fields={},
    required=("name",),
    on_create=_host_create,
    on_delete=_host_delete,
    view=_host_view,
    not_found="Host {id} could not be found.",
)
LEASES = Collection(
    name="lease",
    kind=LEASE,
    path="/v1/leases",
    key="lease",
    plural="leases",
    fields=LEASE_FIELDS,
    required=("name", "start_date", "end_date", "reservations"),
    defaults={"events": [], "before_end_date": None, "degraded": False},
    updatable=("name",),
    status=Status(
        "status", creating="CREATING", active="PENDING", deleting="DELETING", settle=SETTLE
    ),
    on_create=_lease_create,
    view=_lease_view,
    not_found="Lease {id} could not be found.",
)


class BlazarService(GenericService):
    """Blazar's API (hosts take any extra capability as a field)."""

    def _entity(self, c: Collection, request: Request) -> Body:
        """Blazar's requests are bare objects (its answers are wrapped)."""
        data = request.json()
        if not isinstance(data, dict):
            raise ApiError(400, "The request body must be a JSON object.")
        return dict(data)

    def create(self, c: Collection, request: Request) -> Response:
        """Hosts accept every key (the extra capabilities); the rest is generic."""
        if c is HOSTS:
            entity = self._entity(c, request)
            spec: dict[str, TypeSpec] = {k: (str, int, float, bool) for k in entity}
            spec["name"] = str
            c = dataclasses.replace(HOSTS, fields=spec)
        return super().create(c, request)


SPEC = ServiceSpec(
    type="reservation",
    name="blazar",
    prefix="/reservation",
    endpoint="/reservation/v1",
    versions=_versions,
    collections=(HOSTS, LEASES),
    error=_error,
)


def make(cloud: Cloud) -> BlazarService:
    """The Blazar service of a sandbox."""
    return BlazarService(cloud, SPEC)
