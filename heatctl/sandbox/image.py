"""Glance v2: images (seeded and user-created), upload/download, JSON-patch, tags."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from heatctl.sandbox.clock import iso
from heatctl.sandbox.cloud import Cloud
from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    Router,
    empty,
    json_response,
    new_id,
    public,
)

READ_ONLY = {
    "id",
    "status",
    "size",
    "virtual_size",
    "checksum",
    "os_hash_algo",
    "os_hash_value",
    "created_at",
    "updated_at",
    "self",
    "file",
    "schema",
    "direct_url",
    "locations",
    "owner",
}
TYPED: dict[str, Any] = {
    "name": (str, type(None)),
    "visibility": str,
    "protected": bool,
    "os_hidden": bool,
    "min_ram": int,
    "min_disk": int,
    "disk_format": (str, type(None)),
    "container_format": (str, type(None)),
    "tags": list,
}
DISK_FORMATS = {"ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"}
SEED_IMAGES = [
    ("cirros", "qcow2", 21430272),
    ("fedora", "qcow2", 468713472),
    ("ubuntu", "qcow2", 614203392),
]


class ImageService:
    """Glance's /image/v2 API; image bytes are kept in the store's object table."""

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.router = Router()
        r = self.router.add
        r("GET", "", self.versions)
        r("GET", "/versions", self.versions)
        r("GET", "/v2/images", self.list_images)
        r("POST", "/v2/images", self.create)
        r("GET", "/v2/images/{id}", self.show)
        r("PATCH", "/v2/images/{id}", self.patch)
        r("DELETE", "/v2/images/{id}", self.delete)
        r("PUT", "/v2/images/{id}/file", self.upload)
        r("POST", "/v2/images/{id}/import", self.import_image)
        r("GET", "/v2/info/import", self.import_info)
        r("GET", "/v2/images/{id}/file", self.download)
        r("PUT", "/v2/images/{id}/tags/{tag}", self.tag)
        r("DELETE", "/v2/images/{id}/tags/{tag}", self.tag)
        r("GET", "/v2/schemas/image", self.schema)
        r("GET", "/v2/schemas/images", self.schema)

    def versions(self, request: Request) -> Response:
        """GET /image: mandatory for openstacksdk's image proxy."""
        href = f"{self.cloud.base_url}/image/v2/"
        values = [
            {
                "id": f"v2.{n}",
                "status": "CURRENT" if n == 16 else "SUPPORTED",
                "links": [{"rel": "self", "href": href}],
            }
            for n in range(16, -1, -1)
        ]
        return json_response(300, {"versions": values})

    def find(self, image_id: str) -> Body:
        """An image or Glance's plain-text 404."""
        return self.cloud.require("image", image_id, f"No image found with ID {image_id}")

    def new_image(self, owner: str, entity: Body) -> Body:
        """Store a queued image with its custom properties (also used by seeding)."""
        now = iso(self.cloud.now())
        image_id = str(entity.get("id") or new_id())
        body: Body = {
            "name": None,
            "disk_format": None,
            "container_format": None,
            "visibility": "shared",
            "size": None,
            "virtual_size": None,
            "status": "queued",
            "checksum": None,
            "protected": False,
            "min_ram": 0,
            "min_disk": 0,
            "owner": owner,
            "os_hidden": False,
            "os_hash_algo": None,
            "os_hash_value": None,
            "tags": [],
            **entity,
            "id": image_id,
            "created_at": now,
            "updated_at": now,
            "self": f"/v2/images/{image_id}",
            "file": f"/v2/images/{image_id}/file",
            "schema": "/v2/schemas/image",
            "_cols": {"project": owner},
        }
        self.cloud.save("image", body)
        return body

    def seed(self, owner: str) -> None:
        """cirros, fedora and ubuntu, active and public, as a fresh DevStack has them."""
        for name, disk_format, size in SEED_IMAGES:
            body = self.new_image(
                owner,
                {
                    "name": name,
                    "disk_format": disk_format,
                    "container_format": "bare",
                    "visibility": "public",
                    "_seeded": True,
                },
            )
            digest = hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()
            body.update(
                status="active",
                size=size,
                virtual_size=size * 5,
                checksum=digest,
                os_hash_algo="sha512",
                os_hash_value=hashlib.sha512(name.encode()).hexdigest(),
            )
            self.cloud.save("image", body)

    def _check(self, entity: Body, creating: bool) -> None:
        for key, value in entity.items():
            if key in READ_ONLY and not (creating and key == "id"):
                raise ApiError(403, f"Attribute '{key}' is read-only.")
            expected = TYPED.get(key)
            if expected and (
                not isinstance(value, expected) or (isinstance(value, bool) and expected is int)
            ):
                raise ApiError(400, f"Invalid value for '{key}': {json.dumps(value)}")
            if key == "disk_format" and value is not None and value not in DISK_FORMATS:
                raise ApiError(
                    400,
                    f"Invalid value '{value}' for parameter 'disk_format': "
                    f"Value must be one of: {', '.join(sorted(DISK_FORMATS))}",
                )
            if key == "visibility" and value not in ("public", "private", "shared", "community"):
                raise ApiError(400, f"Invalid value '{value}' for parameter 'visibility'")

    def create(self, request: Request) -> Response:
        """POST /v2/images: 201 with a bare image object in `queued`."""
        entity = request.json()
        if not isinstance(entity, dict):
            raise ApiError(400, "Body expected in request.")
        self._check(entity, creating=True)
        if entity.get("id") and self.cloud.store.get("image", str(entity["id"])):
            raise ApiError(409, f"Image with identifier {entity['id']} already exists!")
        body = self.new_image(request.project_id, entity)
        return json_response(201, public(body))

    def list_images(self, request: Request) -> Response:
        """GET /v2/images: name/status/visibility/owner filters, limit+marker, `next`."""
        images = [public(i) for i in self.cloud.query("image")]
        for key in ("name", "status", "visibility", "owner", "disk_format", "container_format"):
            value = request.arg(key)
            if value is not None and not (key == "visibility" and value == "all"):
                images = [i for i in images if str(i.get(key)) == value]
        images.sort(key=lambda i: i["created_at"], reverse=True)
        marker, limit = request.arg("marker"), request.arg("limit")
        if marker:
            ids = [i["id"] for i in images]
            if marker not in ids:
                raise ApiError(400, f"marker {marker} could not be found.")
            images = images[ids.index(marker) + 1 :]
        body: Body = {"first": "/v2/images", "schema": "/v2/schemas/images"}
        if limit and limit.isdigit() and len(images) > int(limit):
            images = images[: int(limit)]
            body["next"] = f"/v2/images?marker={images[-1]['id']}&limit={limit}"
        body["images"] = images
        return json_response(200, body)

    def show(self, request: Request) -> Response:
        """GET /v2/images/{id}: the bare object."""
        return json_response(200, public(self.find(request.params["id"])))

    def patch(self, request: Request) -> Response:
        """PATCH /v2/images/{id}: JSON-patch add/replace/remove of top-level attributes."""
        body = self.find(request.params["id"])
        operations = request.json()
        if not isinstance(operations, list):
            raise ApiError(400, "Request body must be a JSON array of operation objects.")
        for op in operations:
            if (
                not isinstance(op, dict)
                or op.get("op") not in ("add", "replace", "remove")
                or not str(op.get("path", "")).startswith("/")
            ):
                raise ApiError(400, f"Unable to find '/' in JSON Schema change: {op}")
            key = str(op["path"])[1:]
            if op["op"] == "remove":
                if key not in body:
                    raise ApiError(409, f"Property {key} does not exist.")
                body.pop(key)
            else:
                self._check({key: op.get("value")}, creating=False)
                body[key] = op.get("value")
        body["updated_at"] = iso(self.cloud.now())
        self.cloud.save("image", body)
        return json_response(200, public(body))

    def delete(self, request: Request) -> Response:
        """DELETE /v2/images/{id}: 403 while protected."""
        body = self.find(request.params["id"])
        if body.get("protected"):
            raise ApiError(403, f"Image {body['id']} is protected and cannot be deleted.")
        self.cloud.store.delete("image", body["id"])
        self.cloud.store.delete_object("glance", body["id"])
        return empty(204)

    def upload(self, request: Request) -> Response:
        """PUT /v2/images/{id}/file: the image becomes active with size and checksums."""
        body = self.find(request.params["id"])
        if body["status"] not in ("queued", "saving"):
            raise ApiError(
                409, f"Image status transition from {body['status']} to saving is not allowed"
            )
        if not body.get("disk_format") or not body.get("container_format"):
            raise ApiError(
                400, "Properties disk_format, container_format must be set prior to saving data."
            )
        data = request.raw
        self.cloud.store.put_object("glance", body["id"], data, {})
        body.update(
            status="active",
            size=len(data),
            virtual_size=len(data),
            checksum=hashlib.md5(data, usedforsecurity=False).hexdigest(),
            os_hash_algo="sha512",
            os_hash_value=hashlib.sha512(data).hexdigest(),
            updated_at=iso(self.cloud.now()),
        )
        self.cloud.save("image", body)
        return empty(204)

    def import_info(self, request: Request) -> Response:
        """GET /v2/info/import: the interoperable import methods offered."""
        methods = ["glance-direct", "web-download"]
        return json_response(200, {"import-methods": {"type": "array", "value": methods}})

    def import_image(self, request: Request) -> Response:
        """POST /v2/images/{id}/import (web-download): importing, then active.

        The sandbox has no network, so nothing is fetched: the image becomes active with
        no data after the clock's `volume_create` time (a stand-in for the download)."""
        body = self.find(request.params["id"])
        data = request.json()
        method = data.get("method") if isinstance(data, dict) else None
        name = method.get("name") if isinstance(method, dict) else None
        if name not in ("web-download", "glance-direct"):
            raise ApiError(400, f"Import method {name} is not valid.")
        if name == "web-download" and not str(method.get("uri", "")).startswith(  # type: ignore[union-attr]
            ("http://", "https://")
        ):
            raise ApiError(400, "URI for web-download does not pass filtering.")
        if body["status"] != "queued":
            raise ApiError(
                409, f"Image status transition from {body['status']} to importing is not allowed"
            )
        body["status"] = "importing"
        self.cloud.schedule(
            body,
            self.cloud.timings.volume_create,
            {"status": "active", "size": 0, "virtual_size": 0},
        )
        self.cloud.save("image", body)
        return empty(202)

    def download(self, request: Request) -> Response:
        """GET /v2/images/{id}/file."""
        body = self.find(request.params["id"])
        stored = self.cloud.store.get_object("glance", body["id"])
        if stored is None:
            return empty(204)
        headers = {
            "Content-Type": "application/octet-stream",
            "Content-MD5": body.get("checksum") or "",
        }
        return Response(200, stored[0], headers)

    def tag(self, request: Request) -> Response:
        """PUT/DELETE /v2/images/{id}/tags/{tag}."""
        body, tag = self.find(request.params["id"]), request.params["tag"]
        tags: list[Any] = list(body.get("tags", []))
        if request.method == "PUT":
            body["tags"] = sorted({*tags, tag})
        elif tag not in tags:
            raise ApiError(404, f"Tag {tag} not found")
        else:
            body["tags"] = [t for t in tags if t != tag]
        self.cloud.save("image", body)
        return empty(204)

    def schema(self, request: Request) -> Response:
        """GET /v2/schemas/image(s): a minimal schema document."""
        properties = {
            name: {"type": "string"}
            for name in ("id", "name", "status", "visibility", "disk_format", "container_format")
        }
        return json_response(
            200,
            {"name": "image", "properties": properties, "additionalProperties": {"type": "string"}},
        )
