"""A minimal Keystone v3 over real HTTP (discovery + tokens), for cloud-selection tests
before the sandbox is available. Only what keystoneauth needs to authenticate."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        version = {
            "id": "v3.14",
            "status": "stable",
            "updated": "2020-04-07T00:00:00Z",
            "links": [{"rel": "self", "href": f"{base}/v3/"}],
            "media-types": [
                {"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}
            ],
        }
        self._send(200, {"version": version})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        if self.server.mode == "401":
            error = {
                "code": 401,
                "title": "Unauthorized",
                "message": "The request you have made requires authentication.",
            }
            self._send(401, {"error": error})
            return
        expires = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        token = {
            "expires_at": expires,
            "issued_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
            "methods": ["password"],
            "user": {"id": "u1", "name": "admin", "domain": {"id": "default", "name": "Default"}},
            "project": {
                "id": "p1",
                "name": "admin",
                "domain": {"id": "default", "name": "Default"},
            },
            "roles": [{"id": "r1", "name": "admin"}],
            "catalog": [],
        }
        self._send(201, {"token": token}, {"X-Subject-Token": "tok"})


class _Server(ThreadingHTTPServer):
    mode = "ok"


class KeystoneStub:
    def __init__(self, mode: str = "ok") -> None:
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.mode = mode
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def auth_url(self) -> str:
        return f"{self.url}/v3"

    def cloud_config(self) -> dict[str, Any]:
        return {
            "auth": {
                "auth_url": self.auth_url,
                "username": "admin",
                "password": "secret",
                "project_name": "admin",
                "user_domain_name": "Default",
                "project_domain_name": "Default",
            },
            "identity_api_version": 3,
            "region_name": "RegionOne",
        }

    def start(self) -> KeystoneStub:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def connection(self) -> Any:
        import openstack.config
        from openstack.connection import Connection

        region = openstack.config.get_cloud_region(
            load_yaml_config=False, load_envvars=False, **self.cloud_config()
        )
        return Connection(config=region)
