"""Hybrid mode: a real Keystone issues the tokens, the sandbox validates them with it.

Keystone's catalog points compute, network, volume, image and object-store at the
sandbox (../shared/tools/real_keystone.sh registers them), so clients authenticate
against real Keystone and the sandbox checks each token with `GET /v3/auth/tokens`,
caching the answer until the token expires.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from heatctl.sandbox.web import ApiError

UNAUTHORIZED = "The request you have made requires authentication."


@dataclass
class Principal:
    """Who a validated token belongs to."""

    project_id: str
    user_id: str
    expires: float
    admin: bool = False


class ExternalKeystone:
    """Token validation against a real Keystone, with the sandbox's own service login."""

    def __init__(
        self,
        auth_url: str,
        username: str,
        password: str,
        project_name: str = "admin",
        domain: str = "Default",
    ) -> None:
        self.auth_url = auth_url.rstrip("/").removesuffix("/v3")
        self._login = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {"name": username, "password": password, "domain": {"name": domain}}
                    },
                },
                "scope": {"project": {"name": project_name, "domain": {"name": domain}}},
            }
        }
        self._service_token: str | None = None
        self._cache: dict[str, Principal] = {}
        self._lock = threading.Lock()

    def validate(self, token: str) -> Principal:
        """The token's project and user; ApiError 401 if Keystone does not accept it."""
        if not token:
            raise ApiError(401, UNAUTHORIZED)
        with self._lock:
            cached = self._cache.get(token)
        if cached is not None and cached.expires > time.time():
            return cached
        body = self._check(token, retry=True)
        project = (body.get("project") or {}).get("id", "")
        admin = any(role.get("name") == "admin" for role in body.get("roles", []))
        principal = Principal(project, body["user"]["id"], _epoch(body["expires_at"]), admin)
        with self._lock:
            self._cache[token] = principal
        return principal

    def _check(self, token: str, retry: bool) -> dict[str, Any]:
        headers = {"X-Auth-Token": self._service(), "X-Subject-Token": token}
        request = urllib.request.Request(f"{self.auth_url}/v3/auth/tokens", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                data: dict[str, Any] = json.loads(response.read())["token"]
                return data
        except urllib.error.HTTPError as error:
            if error.code == 401 and retry:  # our own token expired: log in again
                self._service_token = None
                return self._check(token, retry=False)
            raise ApiError(401, UNAUTHORIZED) from None
        except (urllib.error.URLError, OSError) as error:
            raise ApiError(503, f"Keystone at {self.auth_url} is unreachable: {error}") from None

    def _service(self) -> str:
        if self._service_token is None:
            request = urllib.request.Request(
                f"{self.auth_url}/v3/auth/tokens",
                data=json.dumps(self._login).encode(),
                headers={"Content-Type": "application/json"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    self._service_token = response.headers["X-Subject-Token"]
            except (urllib.error.URLError, OSError) as error:
                raise ApiError(
                    503, f"cannot log in to Keystone at {self.auth_url}: {error}"
                ) from None
        return str(self._service_token)


def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
