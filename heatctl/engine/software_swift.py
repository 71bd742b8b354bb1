"""Swift TempURLs for the software-config transports (Heat's swift client plugin):
deployment signals (TEMP_URL_SIGNAL), SwiftSignalHandle, and server metadata
(POLL_TEMP_URL). Every call goes through ctx.call (journalled, retried).

A TempURL is signed with the account's X-Account-Meta-Temp-URL-Key (one is set when the
account has none, as Heat does) and never expires in practice (Heat: 2**31 - 1 - 60).
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlparse

from heatctl.engine.lifecycle import ResourceContext

MAX_EPOCH = 2147483647
IN_PROGRESS = "in progress"  # Heat's first body of a multi-signal object


def _not_found(error: BaseException) -> bool:
    return getattr(error, "status_code", None) == 404


def temp_url_key(ctx: ResourceContext) -> str:
    """The account's TempURL key, set first when there is none."""
    store = ctx.conn.object_store
    key = ctx.call("swift.get_temp_url_key", lambda: store.get_temp_url_key())
    if key:
        return key.decode() if isinstance(key, bytes) else str(key)
    new = secrets.token_hex(16)
    ctx.call("swift.set_temp_url_key", lambda: store.set_account_temp_url_key(new))
    return new


def temp_url(ctx: ResourceContext, container: str, name: str, method: str = "PUT") -> str:
    """An absolute TempURL of an object for one method."""
    store = ctx.conn.object_store
    endpoint = urlparse(str(store.get_endpoint()).rstrip("/"))
    head, _, account = endpoint.path.rpartition("/v1/")
    path = f"/v1/{account}/{container}/{name}"
    expires = MAX_EPOCH - 60
    signed = store.generate_temp_url(
        path, expires, method, absolute=True, temp_url_key=temp_url_key(ctx)
    )
    return f"{endpoint.scheme}://{endpoint.netloc}{head}{signed}"


def put_container(ctx: ResourceContext, container: str, **headers: Any) -> None:
    store = ctx.conn.object_store
    ctx.call(
        "swift.put_container",
        lambda: store.create_container(name=container, **headers),
        request={"container": container},
    )


def put_object(ctx: ResourceContext, container: str, name: str, data: str | bytes) -> None:
    store = ctx.conn.object_store
    ctx.call(
        "swift.put_object",
        lambda: store.upload_object(container=container, name=name, data=data),
        request={"container": container, "object": name},
    )


def get_object(ctx: ResourceContext, container: str, name: str) -> tuple[bytes, str] | None:
    """(body, last-modified/etag marker) of an object, or None when it is not there."""
    store = ctx.conn.object_store

    def read() -> tuple[bytes, str] | None:
        try:
            obj = store.get_object(name, container=container, remember_content=True)
        except Exception as error:  # openstacksdk's NotFoundException carries status_code
            if _not_found(error):
                return None
            raise
        data = obj.data if isinstance(obj.data, bytes) else str(obj.data or "").encode()
        return data, f"{obj.last_modified_at}|{obj.etag}"

    return ctx.call("swift.get_object", read)


def list_names(ctx: ResourceContext, container: str) -> list[str] | None:
    """Object names of a container (None when the container is gone)."""
    store = ctx.conn.object_store

    def listing() -> list[str] | None:
        try:
            return [str(o.name) for o in store.objects(container)]
        except Exception as error:
            if _not_found(error):
                return None
            raise

    return ctx.call("swift.list_objects", listing)


def delete_object(ctx: ResourceContext, container: str, name: str) -> None:
    store = ctx.conn.object_store
    ctx.call(
        "swift.delete_object",
        lambda: store.delete_object(name, container=container, ignore_missing=True),
    )


def delete_all_versions(ctx: ResourceContext, container: str, name: str) -> None:
    """Delete an object and every version kept of it: with X-Versions-Location each
    DELETE brings the previous version back, so delete once per copy (as Heat does)."""
    names = list_names(ctx, container)
    if names is None:
        return
    for _ in range(max(1, sum(1 for n in names if name in n))):
        delete_object(ctx, container, name)


def delete_container_if_empty(ctx: ResourceContext, container: str) -> None:
    """Delete the container unless other objects are still in it (Heat ignores 404/409)."""
    store = ctx.conn.object_store

    def delete() -> None:
        try:
            store.delete_container(container, ignore_missing=True)
        except Exception as error:
            if getattr(error, "status_code", None) != 409:
                raise

    ctx.call("swift.delete_container", delete)
