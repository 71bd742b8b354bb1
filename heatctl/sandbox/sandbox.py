"""The Sandbox: an OpenStack-compatible cloud on a loopback port, usable as a library.

from heatctl.sandbox import Sandbox
with Sandbox(state_path=tmp / "sandbox.db") as sb:
    conn = sb.connection()          # a real openstacksdk Connection over HTTP
    conn.network.create_network(name="net")
    sb.clock.advance(5)             # with virtual_clock=True nothing moves until this
    assert sb.inventory()["network/network"]
"""

from __future__ import annotations

import json
import secrets
import socket
import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from heatctl.errors import ConfigError
from heatctl.sandbox.admin_kinds import ADMIN_KINDS
from heatctl.sandbox.app import Application, RequestRecord
from heatctl.sandbox.clock import Clock
from heatctl.sandbox.cloud import DEFAULT_QUOTAS, Account, Cloud, Identity, Timings
from heatctl.sandbox.control import control_handler
from heatctl.sandbox.faults import RuleSet, load_rules
from heatctl.sandbox.keystone import ExternalKeystone
from heatctl.sandbox.seed import seed
from heatctl.sandbox.services import inventory_keys
from heatctl.sandbox.store import Store

# The names openstacksdk's functional tests look for, plus our own.
CLOUD_NAMES = ("sandbox", "devstack", "devstack-alt", "devstack-admin", "devstack-system-admin")
HIDDEN_KINDS = {"token"}


class Sandbox:
    """A local OpenStack cloud: Keystone, Nova, Neutron, Cinder, Glance and Swift."""

    def __init__(
        self,
        state_path: str | Path | None = None,
        rules: str | Path | list[dict[str, Any]] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        virtual_clock: bool = False,
        tick: float = 0.0,
        timings: dict[str, float] | None = None,
        quotas: dict[str, dict[str, int]] | None = None,
        password: str = "secret",
        keystone: dict[str, str] | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.clock = Clock(virtual=virtual_clock, tick=tick)
        self.store = Store(state_path if state_path is not None else ":memory:")
        rule_list, rule_seed = load_rules(rules)
        self.rules = RuleSet(rule_list, seed=rule_seed)
        self.cloud = Cloud(
            self.store, self.clock, self._identity(password), Timings.from_dict(timings)
        )
        self.cloud.quotas = json.loads(self.store.get_meta("quotas", "{}"))
        for service, values in (quotas or {}).items():
            self.cloud.set_quotas(service, values)
        self.app = Application(self.cloud, self.rules)
        self.app.control = control_handler(self)
        if keystone is not None:
            self.app.keystone = ExternalKeystone(**keystone)
        if self.store.get_meta("seeded", "") != "1":
            seed(self.app)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def _identity(self, password: str) -> Identity:
        ids = {}
        for prefix in ("", "demo_", "alt_demo_"):
            for key in ("project_id", "user_id"):
                ids[prefix + key] = self.store.get_meta(prefix + key, "") or secrets.token_hex(16)
                self.store.set_meta(prefix + key, ids[prefix + key])
        others = [
            Account(ids[f"{name}_user_id"], name, ids[f"{name}_project_id"], name, False)
            for name in ("demo", "alt_demo")
        ]
        return Identity(
            ids["project_id"], "admin", ids["user_id"], "admin", password, others=others
        )

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> Sandbox:
        """Listen (on an ephemeral port unless one was given) and serve in a thread."""
        if self._server is not None:
            return self
        server = _Server((self.host, self.port), _Handler)
        server.app = self.app
        self._server = server
        self.port = server.server_address[1]
        self.cloud.base_url = self.url
        self._thread = threading.Thread(
            target=server.serve_forever,
            name="heatctl-sandbox",
            kwargs={"poll_interval": 0.1},
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (for `heatctl sandbox serve`)."""
        self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop serving and close the state file. Safe to call twice."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        with self.cloud.lock:
            self.store.close()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses and clients -----------------------------------------------------------
    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:40123."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def auth_url(self) -> str:
        """Keystone's URL for clouds.yaml (`auth_url`)."""
        return f"{self.url}/identity"

    def cloud_config(self) -> dict[str, Any]:
        """One `clouds:` entry of a clouds.yaml for this sandbox."""
        return self.config_for(self.url, self.cloud.identity.password)

    @staticmethod
    def config_for(url: str, password: str = "secret") -> dict[str, Any]:
        """The clouds.yaml entry for a sandbox serving at `url` (e.g. another process)."""
        return {
            "auth": {
                "auth_url": f"{url}/identity",
                "username": "admin",
                "password": password,
                "project_name": "admin",
                "user_domain_name": "Default",
                "project_domain_name": "Default",
            },
            "region_name": "RegionOne",
            "interface": "public",
            "identity_api_version": 3,
        }

    def clouds_yaml(self) -> dict[str, Any]:
        """A whole clouds.yaml document, with the cloud names openstacksdk's tests use."""
        clouds = {name: self.cloud_config() for name in CLOUD_NAMES}
        # As in DevStack: devstack is the demo user, devstack-alt alt_demo, both members.
        for name, user in (("devstack", "demo"), ("devstack-alt", "alt_demo")):
            clouds[name]["auth"].update(username=user, project_name=user)
        system = clouds["devstack-system-admin"]["auth"]
        for key in ("project_name", "project_domain_name"):
            system.pop(key)
        system["system_scope"] = "all"
        return {"clouds": clouds}

    def write_clouds_yaml(self, path: str | Path) -> Path:
        """Write clouds_yaml() to a file (mode 0600: it holds the password).

        An existing clouds.yaml keeps its other clouds: only the sandbox's names are
        replaced. A file that is not a clouds.yaml is an error, never overwritten.
        """
        import yaml

        from heatctl.dsl.loader import load_file, plain

        target = Path(path)
        document: dict[str, Any] = {"clouds": {}}
        if target.exists() and target.stat().st_size:
            document = plain(load_file(target, what="clouds.yaml"))
            if not isinstance(document.get("clouds", {}), dict):
                raise ConfigError(f"{target}: 'clouds' is not a mapping; not overwriting it")
            document.setdefault("clouds", {})
        document["clouds"].update(self.clouds_yaml()["clouds"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch(mode=0o600, exist_ok=True)
        target.chmod(0o600)
        target.write_text(yaml.safe_dump(document, sort_keys=False))
        return target

    def connection(self, **overrides: Any) -> Any:
        """A ready openstacksdk Connection to this sandbox (no clouds.yaml read)."""
        import openstack.config
        from openstack.connection import Connection

        config = {**self.cloud_config(), **overrides}
        region = openstack.config.get_cloud_region(
            load_yaml_config=False, load_envvars=False, **config
        )
        return Connection(config=region)

    # -- inspection ----------------------------------------------------------------------
    @property
    def request_log(self) -> list[RequestRecord]:
        """Every request so far (method, path, status, latency_ms, service, rule)."""
        return self.app.snapshot()

    def inventory(self, include_seeded: bool = False) -> dict[str, list[str]]:
        """Resources by "service/kind" (ids, or names for keypairs, containers, objects)."""
        services = {
            "server": "compute",
            "keypair": "compute",
            "server_group": "compute",
            "volume": "volume",
            "image": "image",
            "container": "object-store",
            **ADMIN_KINDS,
        }
        result: dict[str, list[str]] = {}
        generic = inventory_keys()
        with self.cloud.lock:
            for kind, rows in self.store.ids_by_kind().items():
                if kind in HIDDEN_KINDS:
                    continue
                service = "identity" if kind.startswith("ks_") else services.get(kind, "network")
                key = generic.get(kind) or f"{service}/{kind}"
                for id_, name, body in rows:
                    if body.get("_next") and self.cloud.load(kind, id_) is None:
                        continue  # a delay-deleted resource whose time is up
                    if include_seeded or not body.get("_seeded"):
                        shown = name if kind in ("keypair", "container") else id_
                        result.setdefault(key, []).append(str(shown))
                        if kind == "container":
                            result.setdefault("object-store/object", []).extend(
                                f"{name}/{obj}" for obj, _ in self.store.list_objects(id_)
                            )
        return {key: sorted(values) for key, values in sorted(result.items()) if values}

    def quotas(self) -> dict[str, dict[str, int]]:
        """The limits in force, per service."""
        return {
            service: {name: self.cloud.quota(service, name) for name in names}
            for service, names in DEFAULT_QUOTAS.items()
        }

    def status(self) -> dict[str, Any]:
        """A summary for `heatctl sandbox status` and the control API."""
        inventory = self.inventory()
        return {
            "url": self.url if self._server else None,
            "state": self.store.path,
            "clock": {"now": self.clock.now(), "virtual": self.clock.virtual},
            "resources": {key: len(values) for key, values in inventory.items()},
            "rules": [r.to_dict() for r in self.rules.rules],
            "requests": len(self.app.request_log),
        }

    def reset(self) -> None:
        """Wipe every resource and reseed, as a fresh DevStack (rules stay)."""
        with self.cloud.lock:
            self.store.wipe()
            for account, prefix in zip(
                self.cloud.identity.accounts, ("", "demo_", "alt_demo_"), strict=True
            ):
                self.store.set_meta(prefix + "project_id", account.project_id)
                self.store.set_meta(prefix + "user_id", account.user_id)
            self.cloud.quotas = {}
            self.app.services["identity"]._tokens.clear()
            seed(self.app)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    app: Application

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-request (killed, timed out) is no server error:
        real APIs log nothing for it either. Anything else is still printed."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "heatctl-sandbox"
    sys_version = ""
    server: _Server

    def setup(self) -> None:
        """Per connection: send small responses at once (TCP_NODELAY)."""
        super().setup()
        # Headers and body go out in two writes; without NODELAY, delayed ACKs add 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log records every request instead."""

    def _read_body(self, limit: int) -> bytes | None:
        """The request body, or None if it is larger than `limit`."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                total += size
                if total > limit:
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > limit:
            return None
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self) -> None:
        app = self.server.app
        try:
            raw = self._read_body(app.body_limit(self.path))
        except ValueError:
            self.send_error(400, "Bad request body framing")
            return
        if raw is None:
            self.close_connection = True  # the unread body must not be taken for a request
            response = app.too_large(self.path)
        else:
            headers = {key.lower(): value for key, value in self.headers.items()}
            response = app.handle(self.command, self.path, headers, raw)
        if response.reset:
            # RST instead of FIN: the client sees "connection reset by peer".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        self.send_response(response.status)
        body = response.body
        for name, value in response.headers.items():
            if name.lower() != "content-length":
                self.send_header(name, value)
        length = response.headers.get("Content-Length", str(len(body)))
        if response.status not in (204, 304):
            self.send_header("Content-Length", length)
        self.end_headers()
        if self.command != "HEAD" and body and response.status not in (204, 304):
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_COPY = _handle
