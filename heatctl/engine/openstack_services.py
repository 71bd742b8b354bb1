"""Lifecycles of Designate and Barbican objects (OS::Designate::*, OS::Barbican::*), on
the shared lifecycle of openstack_octavia.py, as Heat's plugins run them.

Designate: a zone or recordset is done when its status leaves PENDING (ERROR fails it).
Neither carries tags: a zone is found again by its name (unique in Designate), a
recordset by its name and type in its zone.

Barbican: the physical id is the object's reference URL, as in Heat. Secrets, containers
and orders carry no tags either: they are found again by name; a resource without a name
property gets heatctl's generated name (ending with a hash of its tag) so that it can be.
A secret's payload never enters the journal or `show`; `decrypted_payload` is a secret
attribute. Deleting an order also deletes what it generated (Heat leaves it behind).
"""

from __future__ import annotations

import base64
import contextlib
from typing import Any

from heatctl.engine.lifecycle import ResourceContext
from heatctl.engine.openstack import drop_none
from heatctl.engine.openstack_octavia import (
    OctaviaKind,
    changed,
    missing_is_none,
    name_or_physical,
)

Obj = Any


# -- Designate -----------------------------------------------------------------------------


def designate_ready(obj: Obj) -> bool | None:
    """PENDING still moving, ERROR failed, anything else done."""
    status = str(getattr(obj, "status", "") or "").upper()
    return False if status == "ERROR" else (None if status == "PENDING" else True)


def _zone_body(ctx: ResourceContext) -> dict[str, Any]:
    p = ctx.properties
    return drop_none(
        {
            "name": p.get("name"),
            "email": p.get("email"),
            "ttl": p.get("ttl"),
            "description": p.get("description"),
            "type": p.get("type"),
            "masters": p.get("primaries") or p.get("masters") or None,
            "attributes": p.get("attributes") or None,
        }
    )


def _zone_update(ctx: ResourceContext) -> dict[str, Any]:
    """Heat sends only the changed values that are set (an emptied one is not sent)."""
    body = changed(ctx, {"email": "email", "ttl": "ttl", "description": "description"})
    if "primaries" in ctx.changed or "masters" in ctx.changed:
        body["masters"] = ctx.properties.get("primaries") or ctx.properties.get("masters")
    return {key: value for key, value in body.items() if value}


def _zone_find(ctx: ResourceContext) -> list[Obj]:
    name = ctx.properties.get("name")
    return [z for z in ctx.conn.dns.zones(name=name) if z.name == name] if name else []


ZONE = OctaviaKind(
    what="zone",
    create=lambda ctx, body: ctx.conn.dns.create_zone(**body),
    get=lambda ctx, oid: missing_is_none(lambda: ctx.conn.dns.get_zone(oid)),
    delete=lambda ctx, oid: ctx.conn.dns.delete_zone(oid, ignore_missing=True),
    find=_zone_find,
    body=_zone_body,
    update=lambda ctx, oid, body: ctx.conn.dns.update_zone(oid, **body),
    update_body=_zone_update,
    attributes=lambda zone: {"serial": zone.serial},
    ready=designate_ready,
)


def _zone_of(ctx: ResourceContext) -> Obj:
    """The recordset's zone (name or id), looked up once per call."""
    value = ctx.properties.get("zone")
    return ctx.call("zone.find", lambda: ctx.conn.dns.find_zone(value, ignore_missing=False))


def _recordset_name(ctx: ResourceContext, zone: Obj) -> str:
    """A relative name is qualified with the zone's, as designateclient does."""
    name = str(ctx.properties.get("name") or ctx.physical_name())
    return name if name.endswith(".") else f"{name}.{zone.name}"


def _recordset_body(ctx: ResourceContext) -> dict[str, Any]:
    zone = _zone_of(ctx)
    ctx.data["zone_id"] = str(zone.id)
    return drop_none(
        {
            "zone_id": str(zone.id),
            "name": _recordset_name(ctx, zone),
            "type": ctx.properties.get("type"),
            "records": ctx.properties.get("records"),
            "ttl": ctx.properties.get("ttl"),
            "description": ctx.properties.get("description"),
        }
    )


def _zone_id(ctx: ResourceContext) -> str:
    if not ctx.data.get("zone_id"):
        ctx.data["zone_id"] = str(_zone_of(ctx).id)
    return str(ctx.data["zone_id"])


def _recordset_find(ctx: ResourceContext) -> list[Obj]:
    if not ctx.properties.get("zone"):
        return []
    zone = missing_is_none(lambda: ctx.conn.dns.find_zone(ctx.properties["zone"]))
    if zone is None:
        return []
    name, kind = _recordset_name(ctx, zone), ctx.properties.get("type")
    return [r for r in ctx.conn.dns.recordsets(zone) if (r.name, r.type) == (name, kind)]


def _recordset_update(ctx: ResourceContext) -> dict[str, Any]:
    body = changed(ctx, {"ttl": "ttl", "description": "description", "records": "records"})
    return {key: value for key, value in body.items() if value}


def _update_recordset(ctx: ResourceContext, oid: str, body: dict[str, Any]) -> Obj:
    recordset = ctx.conn.dns.get_recordset(oid, _zone_id(ctx))
    return ctx.conn.dns.update_recordset(recordset, **body)


RECORDSET = OctaviaKind(
    what="recordset",
    create=lambda ctx, body: ctx.conn.dns.create_recordset(body.pop("zone_id"), **body),
    get=lambda ctx, oid: missing_is_none(lambda: ctx.conn.dns.get_recordset(oid, _zone_id(ctx))),
    delete=lambda ctx, oid: ctx.conn.dns.delete_recordset(oid, _zone_id(ctx), ignore_missing=True),
    find=_recordset_find,
    body=_recordset_body,
    update=_update_recordset,
    update_body=_recordset_update,
    ready=designate_ready,
)


# -- Barbican ------------------------------------------------------------------------------


def uuid_of(reference: str) -> str:
    """The id at the end of a Barbican reference."""
    return reference.rstrip("/").rsplit("/", 1)[-1]


def barbican_ready(obj: Obj) -> bool | None:
    """ACTIVE done, ERROR failed, PENDING still moving."""
    status = str(getattr(obj, "status", "") or "").upper()
    return False if status == "ERROR" else (True if status == "ACTIVE" else None)


def _km(ctx: ResourceContext) -> Any:
    return ctx.conn.key_manager


def with_reason(call: Any) -> Any:
    """Run a Barbican call; an error carries Barbican's `description` as its details
    (openstacksdk reads only "message"/"faultstring" and would show just the title)."""
    from openstack import exceptions

    try:
        return call()
    except exceptions.HttpException as error:
        description = None
        if error.response is not None:
            with contextlib.suppress(AttributeError, ValueError):
                description = error.response.json().get("description")
        if description:
            error.details = description
        raise


def _named(items: Any, ctx: ResourceContext) -> list[Obj]:
    name = name_or_physical(ctx)
    return [item for item in items if item.name == name]


def raw_get(ctx: ResourceContext, plural: str, reference: str, keys: tuple[str, ...]) -> Obj | None:
    """A Barbican object as the API shows it, None once gone. (openstacksdk's Order drops
    container_ref, and its Secret fetch ignores a 404.)"""
    from types import SimpleNamespace

    from openstack import exceptions

    response = _km(ctx).get(f"/{plural}/{uuid_of(reference)}", raise_exc=False)
    if response.status_code == 404:
        return None
    exceptions.raise_from_response(response)
    data = dict(response.json())
    for key in keys:
        data.setdefault(key, None)
    return SimpleNamespace(**data)


def get_order(ctx: ResourceContext, reference: str) -> Obj | None:
    """The order (with secret_ref or container_ref once ACTIVE)."""
    return raw_get(
        ctx, "orders", reference, ("order_ref", "secret_ref", "container_ref", "status", "meta")
    )


def get_secret(ctx: ResourceContext, reference: str) -> Obj | None:
    """The secret's metadata (no payload)."""
    return raw_get(ctx, "secrets", reference, ("secret_ref", "status", "name"))


def secret_with_payload(ctx: ResourceContext, reference: str) -> Obj | None:
    """The secret's metadata and payload (for decrypted_payload, a secret attribute)."""
    secret = get_secret(ctx, reference)
    if secret is not None:
        secret.payload = None
        content_type = (getattr(secret, "content_types", None) or {}).get("default")
        if content_type:
            response = _km(ctx).get(
                f"/secrets/{uuid_of(reference)}/payload",
                headers={"Accept": content_type},
                raise_exc=False,
            )
            if response.status_code == 200:
                data = response.content
                secret.payload = (
                    data.decode()
                    if content_type == "text/plain"
                    else base64.b64encode(data).decode()
                )
    return secret


_SECRET_FIELDS = (
    "algorithm",
    "bit_length",
    "expiration",
    "mode",
    "payload",
    "payload_content_type",
    "payload_content_encoding",
    "secret_type",
)


def _secret_show(secret: Obj) -> dict[str, Any]:
    """The secret's metadata, never its payload."""
    data = dict(vars(secret))
    data.pop("payload", None)
    return data


SECRET = OctaviaKind(
    what="secret",
    create=lambda ctx, body: with_reason(lambda: _km(ctx).create_secret(**body)),
    get=get_secret,
    describe=secret_with_payload,
    delete=lambda ctx, oid: _km(ctx).delete_secret(uuid_of(oid), ignore_missing=True),
    find=lambda ctx: _named(_km(ctx).secrets(name=name_or_physical(ctx)), ctx),
    body=lambda ctx: drop_none(
        {
            **{key: ctx.properties.get(key) for key in _SECRET_FIELDS},
            "name": name_or_physical(ctx),
        }
    ),
    attributes=lambda s: {"status": s.status, "decrypted_payload": s.payload},
    ready=barbican_ready,
    physical_id=lambda s: str(s.secret_ref),
    show=_secret_show,
)

_ORDER_META = (
    "algorithm",
    "bit_length",
    "expiration",
    "mode",
    "pass_phrase",
    "payload_content_type",
    "request_type",
    "subject_dn",
    "source_container_ref",
    "ca_id",
    "profile",
    "request_data",
)


def _order_body(ctx: ResourceContext) -> dict[str, Any]:
    meta = {key: ctx.properties.get(key) for key in _ORDER_META}
    meta["name"] = name_or_physical(ctx)
    return {"type": ctx.properties.get("type"), "meta": drop_none(meta)}


def _order_find(ctx: ResourceContext) -> list[Obj]:
    name = name_or_physical(ctx)
    return [o for o in _km(ctx).orders() if (o.meta or {}).get("name") == name]


def _delete_order(ctx: ResourceContext, oid: str) -> None:
    """The order, then what it generated (a secret, or a container and its secrets)."""
    order = get_order(ctx, oid)
    if order is not None and order.container_ref:
        container = missing_is_none(lambda: _km(ctx).get_container(uuid_of(order.container_ref)))
        if container is not None:
            _km(ctx).delete_container(uuid_of(container.container_ref), ignore_missing=True)
            for item in container.secret_refs or []:
                _km(ctx).delete_secret(uuid_of(item["secret_ref"]), ignore_missing=True)
    if order is not None and order.secret_ref:
        _km(ctx).delete_secret(uuid_of(order.secret_ref), ignore_missing=True)
    _km(ctx).delete_order(uuid_of(oid), ignore_missing=True)


ORDER_PAYLOADS = ("public_key", "private_key", "certificate", "intermediates")


def order_with_payloads(ctx: ResourceContext, reference: str) -> Obj | None:
    """The order, with the payloads of its container's secrets by name (Heat's Order
    attributes public_key, private_key, certificate, intermediates)."""
    order = get_order(ctx, reference)
    if order is None:
        return None
    payloads: dict[str, Any] = dict.fromkeys(ORDER_PAYLOADS)
    if order.container_ref:
        container = raw_get(ctx, "containers", order.container_ref, ("secret_refs",))
        for item in (container.secret_refs if container else None) or []:
            if item.get("name") in payloads:
                secret = secret_with_payload(ctx, str(item["secret_ref"]))
                payloads[item["name"]] = secret.payload if secret is not None else None
    order.payloads = payloads
    return order


def _order_show(order: Obj) -> dict[str, Any]:
    data = dict(vars(order))
    data.pop("payloads", None)
    return data


ORDER = OctaviaKind(
    what="order",
    create=lambda ctx, body: with_reason(lambda: _km(ctx).create_order(**body)),
    get=get_order,
    delete=_delete_order,
    find=_order_find,
    body=_order_body,
    attributes=lambda o: {
        "order_ref": o.order_ref,
        "secret_ref": o.secret_ref,
        "container_ref": o.container_ref,
        "status": o.status,
        **(getattr(o, "payloads", None) or {}),
    },
    ready=barbican_ready,
    physical_id=lambda o: str(o.order_ref),
    show=_order_show,
    describe=order_with_payloads,
)


def container_kind(kind: str, refs: dict[str, str] | None) -> OctaviaKind:
    """A container of `kind`; `refs` maps properties to secret names (None: the generic
    container's `secrets` list of {name, ref})."""

    def secret_refs(ctx: ResourceContext) -> list[dict[str, str]]:
        if refs is None:
            return [
                {"name": str(item["name"]), "secret_ref": str(item["ref"])}
                for item in ctx.properties.get("secrets") or []
            ]
        return [
            {"name": name, "secret_ref": str(ctx.properties[prop])}
            for prop, name in refs.items()
            if ctx.properties.get(prop)
        ]

    return OctaviaKind(
        what=f"{kind} container",
        create=lambda ctx, body: with_reason(lambda: _km(ctx).create_container(**body)),
        get=lambda ctx, oid: missing_is_none(lambda: _km(ctx).get_container(uuid_of(oid))),
        delete=lambda ctx, oid: _km(ctx).delete_container(uuid_of(oid), ignore_missing=True),
        find=lambda ctx: _named(_km(ctx).containers(name=name_or_physical(ctx)), ctx),
        body=lambda ctx: {
            "name": name_or_physical(ctx),
            "type": kind,
            "secret_refs": secret_refs(ctx),
        },
        attributes=lambda c: {
            "container_ref": c.container_ref,
            "status": c.status,
            "consumers": c.consumers or [],
            "secret_refs": {item["name"]: item["secret_ref"] for item in c.secret_refs or []},
        },
        ready=barbican_ready,
        physical_id=lambda c: str(c.container_ref),
    )


GENERIC_CONTAINER = container_kind("generic", None)
CERTIFICATE_CONTAINER = container_kind(
    "certificate",
    {
        "certificate_ref": "certificate",
        "private_key_ref": "private_key",
        "private_key_passphrase_ref": "private_key_passphrase",
        "intermediates_ref": "intermediates",
    },
)
RSA_CONTAINER = container_kind(
    "rsa",
    {
        "private_key_ref": "private_key",
        "private_key_passphrase_ref": "private_key_passphrase",
        "public_key_ref": "public_key",
    },
)
