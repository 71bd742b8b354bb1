"""Swift TempURLs and X-Versions-Location on the sandbox, with openstacksdk making the URLs
(as heatctl and Heat do) and plain urllib playing the guest that uses them without a token."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlparse

import pytest


def _swift_path(conn: Any, container: str, name: str) -> tuple[str, str]:
    """(base URL before /v1, the Swift path /v1/AUTH_x/c/o) of an object."""
    endpoint = conn.object_store.get_endpoint().rstrip("/")
    parsed = urlparse(endpoint)
    head, _, account = parsed.path.rpartition("/v1/")
    base = f"{parsed.scheme}://{parsed.netloc}{head}"
    return base, f"/v1/{account}/{container}/{name}"


def _open(url: str, method: str = "GET", data: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def signed(conn: Any) -> Any:
    conn.object_store.set_account_temp_url_key("sekrit")
    conn.object_store.create_container(name="c")
    conn.object_store.upload_object(container="c", name="o", data=b"hello")
    base, path = _swift_path(conn, "c", "o")

    def make(method: str, seconds: int = 60) -> str:
        expires = int(time.time()) + seconds
        return base + conn.object_store.generate_temp_url(path, expires, method, absolute=True)

    return make


def test_a_temp_url_reads_and_writes_without_a_token(conn: Any, signed: Any) -> None:
    assert _open(signed("GET")) == (200, b"hello")
    assert _open(signed("GET"), "HEAD")[0] == 200  # a GET signature allows HEAD
    status, _ = _open(signed("PUT"), "PUT", b'{"status": "SUCCESS"}')
    assert status == 201
    assert conn.object_store.download_object("o", container="c") == b'{"status": "SUCCESS"}'


def test_wrong_method_signature_or_expiry_is_refused(conn: Any, signed: Any) -> None:
    assert _open(signed("GET"), "PUT", b"x")[0] == 401  # signed for GET only
    assert _open(signed("GET").replace("temp_url_sig=", "temp_url_sig=0"))[0] == 401
    assert _open(signed("GET", seconds=-5))[0] == 401  # expired
    url = signed("GET")
    assert _open(url.replace("/c/o?", "/c/other?"))[0] == 401  # another object
    conn.object_store.set_account_temp_url_key("rotated")
    assert _open(url)[0] == 401  # the key changed
    assert conn.object_store.download_object("o", container="c") == b"hello"


def test_sha256_and_base64_sha512_signatures_are_accepted(conn: Any, signed: Any) -> None:
    base, path = _swift_path(conn, "c", "o")
    expires = int(time.time()) + 60
    body = f"GET\n{expires}\n{path}".encode()
    sha256 = hmac.new(b"sekrit", body, hashlib.sha256).hexdigest()
    assert _open(f"{base}{path}?temp_url_sig={sha256}&temp_url_expires={expires}")[0] == 200
    raw = hmac.new(b"sekrit", body, hashlib.sha512).digest()
    sha512 = "sha512:" + base64.urlsafe_b64encode(raw).decode().rstrip("=")
    assert _open(f"{base}{path}?temp_url_sig={sha512}&temp_url_expires={expires}")[0] == 200


def test_no_key_no_access(conn: Any) -> None:
    conn.object_store.create_container(name="c")
    conn.object_store.upload_object(container="c", name="o", data=b"x")
    base, path = _swift_path(conn, "c", "o")
    url = base + conn.object_store.generate_temp_url(path, 60, "GET", temp_url_key="guess")
    assert _open(url)[0] == 401


def test_versions_location_keeps_each_put_and_delete_restores(conn: Any) -> None:
    conn.object_store.create_container(name="sig", **{"versions_location": "sig"})
    for body in (b"in progress", b'{"id": "1"}', b'{"id": "2"}'):
        conn.object_store.upload_object(container="sig", name="h", data=body)
    names = sorted(o.name for o in conn.object_store.objects("sig"))
    assert len(names) == 3 and names[-1] == "h"
    assert all(n.startswith("001h/") for n in names[:-1])
    assert conn.object_store.download_object("h", container="sig") == b'{"id": "2"}'
    conn.object_store.delete_object("h", container="sig")
    assert conn.object_store.download_object("h", container="sig") == b'{"id": "1"}'
    for _ in range(2):
        conn.object_store.delete_object("h", container="sig")
    assert list(conn.object_store.objects("sig")) == []
    conn.object_store.delete_container("sig")
