"""Swift v1: account, containers (metadata, ACLs, 409 when not empty), objects, TempURLs
and X-Versions-Location versioning.

TempURLs work as Swift's tempurl middleware: the account's X-Account-Meta-Temp-URL-Key (or
-Key-2) signs `METHOD\nEXPIRES\nPATH` with HMAC (SHA1, SHA256 or SHA512, hex, or
`<digest>:<base64>`); a request carrying `temp_url_sig` and `temp_url_expires` needs no
token. PATH is the path Swift sees (`/v1/AUTH_<project>/<container>/<object>`), i.e. after
the sandbox's `/object-store` prefix. GET signatures also allow HEAD.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from email.utils import formatdate
from urllib.parse import unquote

from heatctl.sandbox.cloud import Cloud
from heatctl.sandbox.web import ApiError, Body, Request, Response, Router, empty

TEMP_URL_KEYS = ("x-account-meta-temp-url-key", "x-account-meta-temp-url-key-2")
DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}
HEX_LENGTHS = {40: "sha1", 64: "sha256", 128: "sha512"}
TEMP_URL_METHODS = ("GET", "HEAD", "PUT", "POST", "DELETE")
UNAUTHORIZED = "Unauthorized: Temp URL invalid"

CONTAINER_HEADERS = (
    "x-container-read",
    "x-container-write",
    "x-versions-location",
    "x-history-location",
    "x-container-sync-to",
    "x-container-sync-key",
    "x-storage-policy",
)
OBJECT_HEADERS = (
    "content-type",
    "content-disposition",
    "content-encoding",
    "x-delete-at",
    "x-object-manifest",
    "x-static-large-object",
)


def _title(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


def _wants_json(request: Request) -> bool:
    fmt = request.arg("format")
    return fmt == "json" or (fmt is None and "application/json" in request.header("accept"))


class ObjectStoreService:
    """Swift's /object-store/v1/AUTH_{project} API."""

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.router = Router()
        r = self.router.add
        for method in ("GET", "HEAD", "POST"):
            r(method, "/v1/{account}", self.account)
        r("GET", "/info", self.info)
        r("GET", "/v1/{account}/{container}", self.get_container)
        for method in ("HEAD", "PUT", "POST", "DELETE"):
            r(method, "/v1/{account}/{container}", self.container)
        for method in ("GET", "HEAD", "PUT", "POST", "DELETE", "COPY"):
            r(method, "/v1/{account}/{container}/{name+}", self.object)

    def info(self, request: Request) -> Response:
        """GET /object-store/info: cluster capabilities."""
        data = {
            "swift": {
                "version": "2.34.0",
                "max_file_size": 5368709122,
                "max_object_name_length": 1024,
                "container_listing_limit": 10000,
                "max_container_name_length": 256,
                "max_meta_count": 90,
            },
            "slo": {
                "max_manifest_segments": 1000,
                "max_manifest_size": 8388608,
                "min_segment_size": 1,
            },
        }
        return Response(200, json.dumps(data).encode(), {"Content-Type": "application/json"})

    # -- TempURLs ----------------------------------------------------------------------
    def authorize_temp_url(self, request: Request, sub: str) -> None:
        """Let a TempURL request through without a token, as Swift's tempurl middleware:
        the signature must match a key of the account, and the URL must not have expired.
        401 otherwise. Sets the request's project from the account in the path."""
        parts = sub.split("/", 4)
        account = parts[2] if len(parts) > 2 else ""
        if len(parts) != 5 or parts[1] != "v1" or not parts[4].strip("/"):
            raise ApiError(401, UNAUTHORIZED)
        if request.method not in TEMP_URL_METHODS or not account.startswith("AUTH_"):
            raise ApiError(401, UNAUTHORIZED)
        try:
            expires = int(request.arg("temp_url_expires") or "")
        except ValueError:
            raise ApiError(401, UNAUTHORIZED) from None
        if expires < self.cloud.now():
            raise ApiError(401, UNAUTHORIZED)
        project = account[len("AUTH_") :]
        meta = json.loads(self.cloud.store.get_meta(f"swift-account:{project}", "{}"))
        keys = [str(meta[k]) for k in TEMP_URL_KEYS if meta.get(k)]
        signature = request.arg("temp_url_sig") or ""
        methods = ("GET", "HEAD", "PUT") if request.method == "HEAD" else (request.method,)
        if not any(
            temp_url_matches(signature, key, method, expires, sub)
            for key in keys
            for method in methods
        ):
            raise ApiError(401, UNAUTHORIZED)
        request.project_id = project

    # -- account ---------------------------------------------------------------------
    def account(self, request: Request) -> Response:
        """GET/HEAD/POST on the account."""
        project = request.project_id
        meta = json.loads(self.cloud.store.get_meta(f"swift-account:{project}", "{}"))
        if request.method == "POST":
            meta = self._merge_meta(meta, request, "x-account-meta-", ())
            self.cloud.store.set_meta(f"swift-account:{project}", json.dumps(meta))
            return empty(204)
        containers = self.cloud.query("container", parent=project)
        usage = [self.cloud.store.container_usage(c["_cols"]["id"]) for c in containers]
        headers = {
            "X-Account-Container-Count": str(len(containers)),
            "X-Account-Object-Count": str(sum(u[0] for u in usage)),
            "X-Account-Bytes-Used": str(sum(u[1] for u in usage)),
            "X-Timestamp": f"{self.cloud.now():.5f}",
            **self._meta_headers(meta),
        }
        if request.method == "HEAD":
            return empty(204, headers)
        rows = [
            {"name": c["name"], "count": u[0], "bytes": u[1], "last_modified": c["last_modified"]}
            for c, u in zip(containers, usage, strict=True)
        ]
        rows.sort(key=lambda row: row["name"])
        rows = self._window(request, rows)
        return self._listing(request, rows, headers)

    # -- containers --------------------------------------------------------------------
    def _key(self, request: Request) -> str:
        return f"{request.project_id}/{unquote(request.params['container'])}"

    def _find_container(self, request: Request) -> Body:
        body = self.cloud.load("container", self._key(request))
        if body is None:
            raise ApiError(404, "The resource could not be found.")
        return body

    def container(self, request: Request) -> Response:
        """HEAD/PUT/POST/DELETE on a container."""
        if request.method == "PUT":
            return self._put_container(request)
        body = self._find_container(request)
        if request.method == "DELETE":
            if self.cloud.store.container_usage(self._key(request))[0]:
                raise ApiError(409, "There was a conflict when trying to complete your request.")
            self.cloud.store.delete("container", self._key(request))
            return empty(204)
        if request.method == "POST":
            body["meta"] = self._merge_meta(
                body["meta"], request, "x-container-meta-", CONTAINER_HEADERS
            )
            self.cloud.save("container", body)
            return empty(204)
        return empty(204, self._container_headers(request, body))

    def _put_container(self, request: Request) -> Response:
        name = unquote(request.params["container"])
        if len(name) > 256:
            raise ApiError(400, "Container name length of 257 longer than 256")
        body = self.cloud.load("container", self._key(request))
        status = 202 if body else 201
        if body is None:
            body = {
                "name": name,
                "meta": {},
                "last_modified": self._modified(),
                "_cols": {
                    "id": self._key(request),
                    "parent": request.project_id,
                    "project": request.project_id,
                },
            }
        body["meta"] = self._merge_meta(
            body["meta"], request, "x-container-meta-", CONTAINER_HEADERS
        )
        self.cloud.save("container", body)
        return empty(status)

    def _container_headers(self, request: Request, body: Body) -> dict[str, str]:
        count, used = self.cloud.store.container_usage(self._key(request))
        return {
            "X-Container-Object-Count": str(count),
            "X-Container-Bytes-Used": str(used),
            "X-Timestamp": f"{self.cloud.now():.5f}",
            "X-Storage-Policy": "Policy-0",
            "Last-Modified": body["last_modified"],
            **self._meta_headers(body["meta"]),
        }

    def get_container(self, request: Request) -> Response:
        """GET a container: its object listing (prefix, delimiter, marker, limit)."""
        body = self._find_container(request)
        rows = [
            {
                "name": name,
                "hash": meta["etag"],
                "bytes": meta["bytes"],
                "content_type": meta.get("content-type", "application/octet-stream"),
                "last_modified": meta["last_modified"],
            }
            for name, meta in self.cloud.store.list_objects(self._key(request))
        ]
        prefix, delimiter = request.arg("prefix") or "", request.arg("delimiter")
        rows = [row for row in rows if str(row["name"]).startswith(prefix)]
        if delimiter:
            rows = self._fold(rows, prefix, delimiter)
        rows = self._window(request, rows)
        return self._listing(request, rows, self._container_headers(request, body))

    @staticmethod
    def _fold(rows: list[Body], prefix: str, delimiter: str) -> list[Body]:
        out: list[Body] = []
        seen: set[str] = set()
        for row in rows:
            rest = str(row["name"])[len(prefix) :]
            if delimiter in rest:
                subdir = prefix + rest.split(delimiter, 1)[0] + delimiter
                if subdir not in seen:
                    seen.add(subdir)
                    out.append({"subdir": subdir})
            else:
                out.append(row)
        return out

    @staticmethod
    def _window(request: Request, rows: list[Body]) -> list[Body]:
        marker, end = request.arg("marker"), request.arg("end_marker")
        key = lambda row: str(row.get("name", row.get("subdir")))  # noqa: E731
        if marker:
            rows = [row for row in rows if key(row) > marker]
        if end:
            rows = [row for row in rows if key(row) < end]
        limit = request.arg("limit")
        return rows[: int(limit)] if limit and limit.isdigit() else rows

    @staticmethod
    def _listing(request: Request, rows: list[Body], headers: dict[str, str]) -> Response:
        if _wants_json(request):
            headers = {**headers, "Content-Type": "application/json; charset=utf-8"}
            return Response(200, json.dumps(rows).encode(), headers)
        if not rows:
            return empty(204, headers)
        text = "".join(str(row.get("name", row.get("subdir"))) + "\n" for row in rows)
        return Response(
            200, text.encode(), {**headers, "Content-Type": "text/plain; charset=utf-8"}
        )

    # -- objects -----------------------------------------------------------------------
    def object(self, request: Request) -> Response:
        """GET/HEAD/PUT/POST/DELETE/COPY on an object."""
        self._find_container(request)
        container, name = self._key(request), unquote(request.params["name"])
        if len(name) > 1024:
            raise ApiError(400, "Object name length of 1025 longer than 1024")
        if request.method == "PUT":
            return self._put_object(request, container, name)
        stored = self.cloud.store.get_object(container, name)
        if stored is None:
            raise ApiError(404, "The resource could not be found.")
        data, meta = stored
        if request.method == "DELETE":
            self.cloud.store.delete_object(container, name)
            self._restore_version(request, container, name)
            return empty(204)
        if request.method == "POST":
            # A POST replaces the user metadata and the settable system headers.
            kept = {
                k: v
                for k, v in meta.items()
                if not k.startswith("x-object-meta-")
                and (k == "content-type" or k not in OBJECT_HEADERS)
            }
            self.cloud.store.set_object_meta(
                container, name, self._merge_meta(kept, request, "x-object-meta-", OBJECT_HEADERS)
            )
            return empty(202)
        if request.method == "COPY":
            target = unquote(request.header("destination")).lstrip("/")
            dest_container, _, dest_name = target.partition("/")
            key = f"{request.project_id}/{dest_container}"
            if self.cloud.store.get("container", key) is None:
                raise ApiError(404, "The resource could not be found.")
            self.cloud.store.put_object(key, dest_name, data, meta)
            return empty(201, {"Etag": meta["etag"]})
        headers = self._object_headers(meta)
        if request.method == "HEAD":
            return Response(200, b"", {**headers, "Content-Length": str(len(data))})
        return Response(200, data, headers)

    def _put_object(self, request: Request, container: str, name: str) -> Response:
        data = request.raw
        source = request.header("x-copy-from")
        meta: Body = {}
        if source:
            src_container, _, src_name = unquote(source).lstrip("/").partition("/")
            copied = self.cloud.store.get_object(f"{request.project_id}/{src_container}", src_name)
            if copied is None:
                raise ApiError(404, "The resource could not be found.")
            data, meta = copied
        etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
        expected = request.header("etag")
        if expected and expected.strip('"') != etag:
            raise ApiError(422, "The provided entity did not match the ETag.")
        meta = self._merge_meta(meta, request, "x-object-meta-", OBJECT_HEADERS)
        meta.setdefault(
            "content-type", request.header("content-type") or "application/octet-stream"
        )
        meta.update(
            etag=etag,
            bytes=len(data),
            last_modified=self._modified(),
            timestamp=f"{self.cloud.now():.5f}",
        )
        self._archive_version(request, container, name)
        self.cloud.store.put_object(container, name, data, meta)
        return empty(
            201, {"Etag": etag, "Last-Modified": formatdate(self.cloud.now(), usegmt=True)}
        )

    # -- X-Versions-Location (Swift's legacy "stack" versioning) ------------------------
    def _versions_of(self, request: Request, container: str, name: str) -> tuple[str, str] | None:
        """(versions container key, prefix of the object's archived copies), when the
        container keeps versions in an existing container."""
        body = self.cloud.load("container", container)
        where = (body or {}).get("meta", {}).get("x-versions-location")
        if not where:
            return None
        key = f"{request.project_id}/{unquote(str(where))}"
        if self.cloud.load("container", key) is None:
            return None
        return key, f"{len(name):03x}{name}/"

    def _archive_version(self, request: Request, container: str, name: str) -> None:
        """A PUT over an existing object first copies it to the versions container."""
        versions = self._versions_of(request, container, name)
        current = self.cloud.store.get_object(container, name) if versions else None
        if versions is None or current is None:
            return
        data, meta = current
        key, prefix = versions
        self.cloud.store.put_object(key, f"{prefix}{float(meta['timestamp']):016.5f}", data, meta)

    def _restore_version(self, request: Request, container: str, name: str) -> None:
        """A DELETE brings back the newest archived copy, if any (and removes it there)."""
        versions = self._versions_of(request, container, name)
        if versions is None:
            return
        key, prefix = versions
        copies = [n for n, _ in self.cloud.store.list_objects(key) if n.startswith(prefix)]
        if not copies:
            return
        stored = self.cloud.store.get_object(key, copies[-1])
        if stored is not None:
            self.cloud.store.put_object(container, name, *stored)
            self.cloud.store.delete_object(key, copies[-1])

    def _object_headers(self, meta: Body) -> dict[str, str]:
        headers = {
            "Etag": meta["etag"],
            "Content-Type": meta.get("content-type", ""),
            "X-Timestamp": meta["timestamp"],
            "Last-Modified": formatdate(float(meta["timestamp"]), usegmt=True),
        }
        for key, value in meta.items():
            if key.startswith("x-") or key in ("content-disposition", "content-encoding"):
                headers[_title(key)] = str(value)
        return headers

    # -- metadata ----------------------------------------------------------------------
    def _merge_meta(
        self, meta: Body, request: Request, prefix: str, extra: tuple[str, ...]
    ) -> Body:
        meta = dict(meta)
        remove_prefix = prefix.replace("x-", "x-remove-", 1)
        for key, value in request.headers.items():
            if key.startswith(prefix) or key in extra:
                if value == "":  # Swift: an empty value removes the item
                    meta.pop(key, None)
                else:
                    meta[key] = value
            elif key.startswith(remove_prefix):
                meta.pop(prefix + key[len(remove_prefix) :], None)
        if sum(1 for k in meta if k.startswith(prefix)) > 90:
            raise ApiError(400, "Too many metadata items; max 90")
        return meta

    @staticmethod
    def _meta_headers(meta: Body) -> dict[str, str]:
        return {_title(key): str(value) for key, value in meta.items()}

    def _modified(self) -> str:
        return formatdate(self.cloud.now(), usegmt=True)


def temp_url_matches(signature: str, key: str, method: str, expires: int, path: str) -> bool:
    """Whether `signature` is the HMAC of `METHOD\nEXPIRES\nPATH` with `key` (hex, whose
    length tells the digest, or `<digest>:<base64>`), compared in constant time."""
    digest_name = HEX_LENGTHS.get(len(signature))
    if ":" in signature:
        digest_name, _, encoded = signature.partition(":")
        try:
            raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except ValueError:
            return False
        signature = raw.hex()
    if digest_name not in DIGESTS:
        return False
    message = f"{method}\n{expires}\n{path}".encode()
    expected = hmac.new(key.encode(), message, DIGESTS[digest_name]).hexdigest()
    return hmac.compare_digest(expected, signature.lower())
