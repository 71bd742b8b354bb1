"""Barbican v1 (/key-manager/v1): secrets (metadata and payload apart), containers
(generic, rsa, certificate) and orders that generate secrets.

Objects are addressed by reference URLs (secret_ref, container_ref, order_ref) whose last
segment is the id; as with Barbican's default configuration they are built on
`host_href` http://localhost:9311, stable across restarts (clients take the id from them). A secret's payload is kept apart from its metadata and only answered
by GET .../payload. An order is PENDING, then ACTIVE with the reference of what it
generated (a key secret, or for `asymmetric` a container with the key pair); deleting an
order leaves what it generated, as in Barbican.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets as random_bytes
from datetime import UTC, datetime

from heatctl.sandbox.cloud import Cloud
from heatctl.sandbox.generic import Collection, GenericService, ServiceSpec, Status
from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    json_response,
    new_id,
    public,
)

OPT_STR = (str, type(None))
OPT_INT = (int, type(None))
SECRET, CONTAINER, ORDER = "km_secret", "km_container", "km_order"
SECRET_TYPES = {"symmetric", "public", "private", "passphrase", "certificate", "opaque"}
CONTAINER_NAMES = {
    "rsa": {"public_key", "private_key", "private_key_passphrase"},
    "certificate": {"certificate", "private_key", "private_key_passphrase", "intermediates"},
}
REASONS = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed"}
ORDER_SETTLE = 0.2
HOST_HREF = "http://localhost:9311"  # Barbican's default [DEFAULT] host_href


def _error(error: ApiError) -> Response:
    """Barbican's error body: code, title, description."""
    body = {
        "code": error.status,
        "title": REASONS.get(error.status, "Error"),
        "description": error.message,
    }
    return json_response(error.status, body, dict(error.headers))


def _versions(base_url: str) -> tuple[int, Body]:
    value = {
        "id": "v1",
        "status": "stable",
        "updated": "2015-04-28T00:00:00Z",
        "links": [{"rel": "self", "href": f"{base_url}/key-manager/v1/"}],
        "media-types": [
            {"base": "application/json", "type": "application/vnd.openstack.key-manager-v1+json"}
        ],
    }
    return 300, {"versions": {"values": [value]}}


def ref(svc: GenericService, plural: str, object_id: str) -> str:
    """A Barbican reference URL, built on Barbican's default `host_href` as a
    default-configured Barbican does: it must not change with the sandbox's port (a new
    one each run of the embedded sandbox), since references are stored and compared."""
    return f"{HOST_HREF}/v1/{plural}/{object_id}"


def ref_id(reference: object) -> str:
    """The id at the end of a reference (or the id itself)."""
    return str(reference).rstrip("/").rsplit("/", 1)[-1]


class BarbicanService(GenericService):
    """Barbican's API; payloads have their own routes."""

    def extra_routes(self) -> None:
        """GET/PUT a secret's payload; containers cannot be updated."""
        r = self.router.add
        r("GET", "/v1", self.version)
        r("GET", "/v1/secrets/{id}/payload", self.payload)
        r("PUT", "/v1/secrets/{id}", self.put_payload)
        r("PUT", "/v1/containers/{id}", self.no_update)
        r("PUT", "/v1/orders/{id}", self.no_update)

    def version(self, request: Request) -> Response:
        """GET /v1: the microversion document (openstacksdk probes it)."""
        _, document = _versions(self.cloud.base_url)
        value = {**document["versions"]["values"][0], "status": "CURRENT"}
        value.update(min_version="1.0", max_version="1.1")
        return json_response(200, {"version": value})

    def payload(self, request: Request) -> Response:
        """The secret's bytes, in its content type (404 when it has none)."""
        secret = self.find(self.by_kind[SECRET], request.params["id"], request)
        stored = secret.get("_payload")
        if stored is None:
            raise ApiError(404, "Not Found. Sorry but your secret has no payload.")
        content_type = secret.get("_content_type") or "text/plain"
        data = base64.b64decode(stored)
        return Response(200, data, {"Content-Type": content_type})

    def put_payload(self, request: Request) -> Response:
        """PUT /secrets/{id}: give a secret made without a payload its data, once."""
        secret = self.find(self.by_kind[SECRET], request.params["id"], request)
        if secret.get("_payload") is not None:
            raise ApiError(409, "Secret already has data, cannot modify it.")
        if not request.raw:
            raise ApiError(400, "No payload provided.")
        content_type = request.header("content-type", "text/plain").split(";")[0]
        encoding = request.header("content-encoding")
        data = request.raw
        if encoding == "base64":
            data = _b64(data.decode("ascii", "replace"))
        secret["_payload"] = base64.b64encode(data).decode()
        secret["_content_type"] = content_type
        secret["content_types"] = {"default": content_type}
        secret["updated"] = self.now_iso()
        self.save(self.by_kind[SECRET], secret)
        return Response(204, b"", {})

    def no_update(self, request: Request) -> Response:
        """Containers and orders are immutable in Barbican."""
        raise ApiError(405, "The method is not allowed for the requested URL.")

    def new_secret(self, request: Request, fields: Body, payload: bytes | None) -> Body:
        """Store a secret (used by orders too)."""
        secret_id = new_id()
        body: Body = {
            "id": secret_id,
            "name": fields.get("name"),
            "status": "ACTIVE",
            "algorithm": fields.get("algorithm"),
            "bit_length": fields.get("bit_length"),
            "mode": fields.get("mode"),
            "secret_type": fields.get("secret_type") or "opaque",
            "expiration": fields.get("expiration"),
            "creator_id": request.user_id,
            "created": self.now_iso(),
            "updated": self.now_iso(),
            "_cols": {"id": secret_id, "project": request.project_id},
        }
        if payload is not None:
            content_type = str(fields.get("payload_content_type") or "application/octet-stream")
            body["_payload"] = base64.b64encode(payload).decode()
            body["_content_type"] = content_type
            body["content_types"] = {"default": content_type}
        self.save(self.by_kind[SECRET], body)
        return body


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(400, "Problem decoding payload.") from None


def check_expiration(svc: GenericService, value: object, schema: str) -> None:
    """Barbican's validator: an ISO 8601 time, not in the past."""
    if value in (None, ""):
        return
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400, f"Invalid date for 'expiration': {value}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if when.timestamp() <= svc.cloud.now():
        raise ApiError(
            400,
            f"Provided object does not match schema '{schema}': 'expiration' is before "
            "current time. Invalid property: 'expiration'",
        )


def _secret_create(svc: GenericService, request: Request, body: Body) -> None:
    """Payload checks as Barbican's validators; the payload is moved out of the metadata."""
    check_expiration(svc, body.get("expiration"), "Secret")
    kind = body.get("secret_type") or "opaque"
    if kind not in SECRET_TYPES:
        raise ApiError(400, f"Invalid secret_type {kind!r}.")
    payload = body.pop("payload", None)
    content_type = body.pop("payload_content_type", None)
    encoding = body.pop("payload_content_encoding", None)
    if payload is not None:
        if payload == "":
            raise ApiError(400, "If 'payload' specified, must be non empty")
        if not content_type:
            raise ApiError(
                400, "If 'payload' is supplied, 'payload_content_type' must also be supplied."
            )
        if content_type not in ("text/plain", "application/octet-stream"):
            raise ApiError(400, f"Provided content-type {content_type} is not supported.")
        if content_type == "application/octet-stream" and encoding != "base64":
            raise ApiError(400, "payload_content_encoding must be base64 for binary payloads.")
        data = _b64(payload) if encoding == "base64" else str(payload).encode()
        body["_payload"] = base64.b64encode(data).decode()
        body["_content_type"] = content_type
        body["content_types"] = {"default": content_type}
    body["secret_type"] = kind
    body["status"] = "ACTIVE"
    body["creator_id"] = request.user_id


def _secret_view(svc: GenericService, body: Body) -> Body:
    view = public(body)
    view.pop("id", None)
    view["secret_ref"] = ref(svc, "secrets", body["id"])
    return view


def _container_create(svc: GenericService, request: Request, body: Body) -> None:
    """Type and secret names as Barbican's container validator; the secrets must exist."""
    kind = body.get("type")
    if kind not in ("generic", "rsa", "certificate"):
        raise ApiError(400, f"Invalid container type {kind!r}.")
    names = [s.get("name") for s in body.get("secret_refs") or []]
    if kind in CONTAINER_NAMES:
        wrong = [n for n in names if n not in CONTAINER_NAMES[kind]]
        if wrong:
            raise ApiError(400, f"Secret names {wrong} are not allowed in a {kind} container.")
        must = {"rsa": ("public_key", "private_key"), "certificate": ("certificate",)}[kind]
        if any(n not in names for n in must):
            raise ApiError(400, f"A {kind} container needs the secrets {', '.join(must)}.")
    if len(set(names)) != len(names):
        raise ApiError(400, "Duplicate reference names are not allowed.")
    refs = []
    for item in body.get("secret_refs") or []:
        secret = svc.cloud.load(SECRET, ref_id(item.get("secret_ref")))
        if secret is None:
            raise ApiError(404, f"Secret provided for '{item.get('name')}' doesn't exist.")
        refs.append({"name": item.get("name"), "secret_ref": ref(svc, "secrets", secret["id"])})
    body.update(secret_refs=refs, status="ACTIVE", creator_id=request.user_id, consumers=[])


def _container_view(svc: GenericService, body: Body) -> Body:
    view = public(body)
    view.pop("id", None)
    view["container_ref"] = ref(svc, "containers", body["id"])
    return view


def _order_create(svc: GenericService, request: Request, body: Body) -> None:
    """Generate now what the order asks for; show its reference once ACTIVE."""
    assert isinstance(svc, BarbicanService)
    kind, meta = body.get("type"), dict(body.get("meta") or {})
    check_expiration(svc, meta.get("expiration"), "Order")
    if kind not in ("key", "asymmetric", "certificate"):
        raise ApiError(400, f"Invalid order type {kind!r}.")
    if kind == "certificate":
        raise ApiError(400, "Certificate orders need a certificate authority plugin.")
    bits = meta.get("bit_length") or (256 if kind == "key" else 2048)
    if not isinstance(bits, int) or bits <= 0 or bits % 8:
        raise ApiError(400, "bit_length must be a positive multiple of 8.")
    algorithm = str(meta.get("algorithm") or ("aes" if kind == "key" else "rsa")).lower()
    changes: Body = {"status": "ACTIVE", "sub_status": "Unknown", "sub_status_message": "Unknown"}
    fields = {**meta, "algorithm": algorithm, "bit_length": bits}
    if kind == "key":
        secret = svc.new_secret(
            request, {**fields, "secret_type": "symmetric"}, random_bytes.token_bytes(bits // 8)
        )
        changes["secret_ref"] = ref(svc, "secrets", secret["id"])
    else:
        pair = {
            "private_key": svc.new_secret(
                request, {**fields, "secret_type": "private"}, random_bytes.token_bytes(bits // 8)
            ),
            "public_key": svc.new_secret(
                request, {**fields, "secret_type": "public"}, random_bytes.token_bytes(bits // 16)
            ),
        }
        container_id = new_id()
        container: Body = {
            "id": container_id,
            "name": meta.get("name"),
            "type": "rsa",
            "status": "ACTIVE",
            "secret_refs": [
                {"name": name, "secret_ref": ref(svc, "secrets", s["id"])}
                for name, s in pair.items()
            ],
            "creator_id": request.user_id,
            "consumers": [],
            "created": svc.now_iso(),
            "updated": svc.now_iso(),
            "_cols": {"id": container_id, "project": request.project_id},
        }
        svc.save(svc.by_kind[CONTAINER], container)
        changes["container_ref"] = ref(svc, "containers", container_id)
    body.update(meta=meta, creator_id=request.user_id, secret_ref=None, container_ref=None)
    if body.get("_next"):  # the generated objects show once the order is ACTIVE
        body["_next"][-1][1].update(changes)


def _order_view(svc: GenericService, body: Body) -> Body:
    view = public(body)
    view.pop("id", None)
    view["order_ref"] = ref(svc, "orders", body["id"])
    for key in ("secret_ref", "container_ref"):
        if view.get(key) is None:
            view.pop(key, None)
    return view


def _list_body(svc: GenericService, c: Collection, items: list[Body], request: Request) -> Body:
    return {c.plural: items, "total": len(items)}


SECRETS = Collection(
    name="secret",
    kind=SECRET,
    path="/v1/secrets",
    plural="secrets",
    fields={
        "name": OPT_STR,
        "expiration": OPT_STR,
        "algorithm": OPT_STR,
        "bit_length": OPT_INT,
        "mode": OPT_STR,
        "payload": OPT_STR,
        "payload_content_type": OPT_STR,
        "payload_content_encoding": OPT_STR,
        "secret_type": OPT_STR,
    },
    defaults={
        "name": None,
        "expiration": None,
        "algorithm": None,
        "bit_length": None,
        "mode": None,
    },
    timestamps=("created", "updated"),
    project_field=None,
    on_create=_secret_create,
    view=_secret_view,
    list_body=_list_body,
    not_found="Not Found. Sorry but your secret is in another castle.",
)
CONTAINERS = Collection(
    name="container",
    kind=CONTAINER,
    path="/v1/containers",
    plural="containers",
    fields={"name": OPT_STR, "type": str, "secret_refs": (list, type(None))},
    required=("type",),
    defaults={"name": None, "secret_refs": []},
    timestamps=("created", "updated"),
    project_field=None,
    on_create=_container_create,
    view=_container_view,
    list_body=_list_body,
    not_found="Not Found. Sorry but your container is in another castle.",
)
ORDERS = Collection(
    name="order",
    kind=ORDER,
    path="/v1/orders",
    plural="orders",
    fields={"type": str, "meta": (dict, type(None))},
    required=("type",),
    status=Status("status", creating="PENDING", active="ACTIVE", settle=ORDER_SETTLE),
    create_status=202,
    timestamps=("created", "updated"),
    project_field=None,
    on_create=_order_create,
    view=_order_view,
    list_body=_list_body,
    not_found="Not Found. Sorry but your order is in another castle.",
)
SPEC = ServiceSpec(
    type="key-manager",
    name="barbican",
    prefix="/key-manager",
    endpoint="/key-manager",
    versions=_versions,
    collections=(SECRETS, CONTAINERS, ORDERS),
    open_paths=frozenset({"", "/v1"}),
    error=_error,
)


class _Service(BarbicanService):
    def create(self, c: Collection, request: Request) -> Response:
        """A create answers only the new object's reference."""
        response = super().create(c, request)
        if response.status >= 300:
            return response
        data = json.loads(response.body)
        key = {"secrets": "secret_ref", "containers": "container_ref", "orders": "order_ref"}[
            c.plural
        ]
        return json_response(response.status, {key: data[key]}, {"Location": data[key]})


def make(cloud: Cloud) -> BarbicanService:
    """The Barbican service of a sandbox."""
    return _Service(cloud, SPEC)
