"""Designate v2 (/dns/v2): zones and their recordsets.

A zone is created PENDING (action CREATE) and turns ACTIVE once the (simulated) pool
manager has published it; it comes with its SOA and NS recordsets, as in Designate. Every
change is answered 202 and shows PENDING with its action until it settles; a deleted zone
takes its recordsets along.
"""

from __future__ import annotations

import re

from heatctl.sandbox.cloud import Cloud
from heatctl.sandbox.generic import Collection, GenericService, ServiceSpec, Status
from heatctl.sandbox.web import ApiError, Body, Request, Response, json_response, new_id, public

OPT_STR = (str, type(None))
OPT_INT = (int, type(None))
SETTLE = 0.2
POOL_ID = "794ccc2c-d751-44fe-b57f-8894c9f5c842"  # Designate's default pool
NAMESERVER = "ns1.devstack.org."
RECORD_TYPES = {"A", "AAAA", "CNAME", "MX", "SRV", "TXT", "SPF", "NS", "PTR", "SSHFP", "SOA", "CAA"}
LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$")
ZONE, RECORDSET = "dns_zone", "dns_recordset"
ERROR_TYPES = {
    400: "invalid_object",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "duplicate",
}


def _status() -> Status:
    return Status(
        "status",
        creating="PENDING",
        active="ACTIVE",
        updating="PENDING",
        deleting="PENDING",
        settle=SETTLE,
        action_field="action",
    )


def _error(error: ApiError) -> Response:
    """Designate's error body: code, type, message, request_id."""
    body = {
        "code": error.status,
        "type": error.kind or ERROR_TYPES.get(error.status, "internal_error"),
        "message": error.message,
        "request_id": f"req-{new_id()}",
    }
    return json_response(error.status, body, dict(error.headers))


def _versions(base_url: str) -> tuple[int, Body]:
    href = f"{base_url}/dns/v2"
    values = [
        {"id": "v2.0", "status": "SUPPORTED", "links": [{"href": href, "rel": "self"}]},
        {"id": "v2.1", "status": "CURRENT", "links": [{"href": href, "rel": "self"}]},
    ]
    return 200, {"versions": values}


def check_dns_name(name: object, what: str) -> str:
    """A fully qualified name (ending with a dot), each label valid."""
    if not isinstance(name, str) or not name.endswith(".") or len(name) > 255:
        raise ApiError(400, f"{what} name {name!r} is not a fully qualified domain name.")
    labels = name[:-1].split(".")
    wildcard = labels[0] == "*"
    if not all(LABEL.match(label) for label in labels[1 if wildcard else 0 :]) or not labels:
        raise ApiError(400, f"{what} name {name!r} is not a valid domain name.")
    return name


def _links(svc: GenericService, path: str) -> Body:
    return {"self": f"{svc.cloud.base_url}/dns{path}"}


def _zone_create(svc: GenericService, request: Request, body: Body) -> None:
    """Name, email and type checks, duplicates, then the SOA and NS recordsets."""
    name = check_dns_name(body["name"], "Zone")
    if body.get("type", "PRIMARY") == "PRIMARY" and not body.get("email"):
        raise ApiError(400, "'email' is a required property for PRIMARY zones.")
    if body.get("type") == "SECONDARY" and not body.get("masters"):
        raise ApiError(400, "'masters' is a required property for SECONDARY zones.")
    if body.get("type") not in ("PRIMARY", "SECONDARY"):
        raise ApiError(400, f"Invalid zone type {body.get('type')!r}.")
    ttl = body.get("ttl")
    if ttl is not None and not 1 <= ttl <= 2147483647:
        raise ApiError(400, f"ttl {ttl} is out of range.")
    if any(z["name"] == name for z in svc.cloud.query(ZONE)):
        raise ApiError(409, "Duplicate Zone", kind="duplicate_zone")
    body["serial"] = int(svc.cloud.now())
    recordsets = svc.by_kind[RECORDSET]
    soa = f"{NAMESERVER} {str(body.get('email') or 'hostmaster.example.com').replace('@', '.')}. "
    soa += f"{body['serial']} 3584 600 86400 3600"
    for kind, records in (("NS", [NAMESERVER]), ("SOA", [soa])):
        managed: Body = {
            "id": new_id(),
            "zone_id": body["id"],
            "zone_name": name,
            "project_id": body["project_id"],
            "name": name,
            "type": kind,
            "records": records,
            "ttl": None,
            "description": None,
            "status": "ACTIVE",
            "action": "NONE",
            "version": 1,
            "created_at": body["created_at"],
            "updated_at": None,
            "_cols": {"id": "", "project": body["project_id"], "parent": body["id"]},
        }
        managed["_cols"]["id"] = managed["id"]
        svc.save(recordsets, managed)


def _zone_update(svc: GenericService, request: Request, body: Body, changes: Body) -> None:
    body["serial"] = int(body.get("serial", 0)) + 1
    body["version"] = int(body.get("version", 1)) + 1


def _zone_delete(svc: GenericService, request: Request, body: Body) -> None:
    """The zone's recordsets go with it."""
    for recordset in svc.children(svc.by_kind[RECORDSET], body["id"]):
        svc.cloud.store.delete(RECORDSET, recordset["id"])


def _zone_view(svc: GenericService, body: Body) -> Body:
    view = public(body)
    view["links"] = _links(svc, f"/v2/zones/{body['id']}")
    return view


def _recordset_create(svc: GenericService, request: Request, body: Body) -> None:
    """The name must be inside the zone; no duplicate (name, type); CNAME stands alone."""
    zone = svc.find(svc.by_kind[ZONE], str(body["zone_id"]), request)
    name = check_dns_name(body["name"], "RecordSet")
    if not (name == zone["name"] or name.endswith("." + zone["name"])):
        raise ApiError(
            400, "RecordSet is not contained within it's parent zone", kind="bad_request"
        )
    _check_records(body)
    for other in svc.children(svc.by_kind[RECORDSET], zone["id"]):
        if other["name"] != name:
            continue
        if other["type"] == body["type"]:
            raise ApiError(409, "Duplicate RecordSet", kind="duplicate_recordset")
        if "CNAME" in (other["type"], body["type"]) and other["type"] not in ("NS", "SOA"):
            raise ApiError(400, "CNAME recordsets may not be added where other recordsets exist")
    body["zone_name"] = zone["name"]
    body["version"] = 1


def _check_records(body: Body) -> None:
    kind = body.get("type")
    if kind not in RECORD_TYPES or kind in ("SOA",):
        raise ApiError(400, f"Invalid recordset type {kind!r}.")
    records = body.get("records") or []
    if not isinstance(records, list) or not records:
        raise ApiError(400, "'records' must be a non-empty list.")
    if kind == "CNAME" and len(records) > 1:
        raise ApiError(400, "CNAME recordsets may not have more than 1 record")


def _recordset_update(svc: GenericService, request: Request, body: Body, changes: Body) -> None:
    if body["type"] in ("SOA",):
        raise ApiError(403, "Updating a managed (SOA) recordset is not allowed", kind="forbidden")
    if "records" in changes:
        _check_records({**body, **changes})
    body["version"] = int(body.get("version", 1)) + 1


def _recordset_delete(svc: GenericService, request: Request, body: Body) -> None:
    if body["type"] in ("SOA", "NS") and body["name"] == body.get("zone_name"):
        raise ApiError(403, "Deleting a managed recordset is not allowed", kind="forbidden")


def _recordset_view(svc: GenericService, body: Body) -> Body:
    view = public(body)
    view["links"] = _links(svc, f"/v2/zones/{body['zone_id']}/recordsets/{body['id']}")
    return view


def _list_body(svc: GenericService, c: Collection, items: list[Body], request: Request) -> Body:
    path = request.path.split("/dns", 1)[-1]
    return {c.plural: items, "links": _links(svc, path), "metadata": {"total_count": len(items)}}


ZONES = Collection(
    name="zone",
    kind=ZONE,
    path="/v2/zones",
    plural="zones",
    fields={
        "name": str,
        "email": OPT_STR,
        "ttl": OPT_INT,
        "description": OPT_STR,
        "type": OPT_STR,
        "masters": (list, type(None)),
        "attributes": (dict, type(None)),
    },
    required=("name",),
    defaults={
        "email": None,
        "ttl": 3600,
        "description": None,
        "type": "PRIMARY",
        "masters": [],
        "attributes": {},
        "pool_id": POOL_ID,
        "project_id": "",
        "version": 1,
        "transferred_at": None,
        "shared": False,
    },
    updatable=("email", "ttl", "description"),
    update_method="PATCH",
    status=_status(),
    create_status=202,
    update_status=202,
    delete_status=202,
    on_create=_zone_create,
    on_update=_zone_update,
    on_delete=_zone_delete,
    view=_zone_view,
    list_body=_list_body,
    not_found="Could not find Zone",
)
RECORDSETS = Collection(
    name="recordset",
    kind=RECORDSET,
    path="/v2/zones/{zone_id}/recordsets",
    plural="recordsets",
    fields={
        "name": str,
        "type": str,
        "records": list,
        "ttl": OPT_INT,
        "description": OPT_STR,
    },
    required=("name", "type", "records"),
    defaults={"ttl": None, "description": None, "project_id": ""},
    updatable=("records", "ttl", "description"),
    status=_status(),
    parent="zone_id",
    parent_kind=ZONE,
    create_status=202,
    update_status=202,
    delete_status=202,
    on_create=_recordset_create,
    on_update=_recordset_update,
    on_delete=_recordset_delete,
    view=_recordset_view,
    list_body=_list_body,
    not_found="Could not find RecordSet",
)
SPEC = ServiceSpec(
    type="dns",
    name="designate",
    prefix="/dns",
    endpoint="/dns",
    versions=_versions,
    collections=(ZONES, RECORDSETS),
    error=_error,
)


def make(cloud: Cloud) -> GenericService:
    """The Designate service of a sandbox."""
    return GenericService(cloud, SPEC)
