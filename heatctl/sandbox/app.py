"""The sandbox application: route a request to its service, apply fault rules, check the
token, run the handler in one transaction under the state lock, log the request."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from heatctl.sandbox.cloud import Cloud
from heatctl.sandbox.compute import ComputeService
from heatctl.sandbox.faults import Decision, RuleSet, request_facts
from heatctl.sandbox.identity import IdentityService
from heatctl.sandbox.image import ImageService
from heatctl.sandbox.keystone import ExternalKeystone
from heatctl.sandbox.network import NetworkService
from heatctl.sandbox.objectstore import ObjectStoreService
from heatctl.sandbox.services import make_services, specs
from heatctl.sandbox.volume import VolumeService
from heatctl.sandbox.web import ApiError, Request, Response, error_response

LOG = logging.getLogger("heatctl.sandbox")
PREFIXES = [
    ("/identity", "identity"),
    ("/compute", "compute"),
    ("/network", "network"),
    ("/volume", "volume"),
    ("/image", "image"),
    ("/object-store", "object-store"),
    *((spec.prefix, spec.type) for spec in specs()),  # generic.py services
]
# Paths (after the service prefix) that answer without a token: version discovery.
OPEN_PATHS = {
    "identity": {"", "/v3", "/v3/auth/tokens"},
    "compute": {"", "/v2.1"},
    "network": {"", "/v2.0"},
    "volume": {"", "/v3"},
    "image": {"", "/versions"},
    "object-store": {"/info"},
    **{spec.type: set(spec.open_paths) for spec in specs()},
}
CONTROL_PREFIX = "/__sandbox__"
INTERNAL = "The server has either erred or is incapable of performing the requested operation."
JSON_BODY = 114_688
BIG_BODY = 64 * 2**20


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One line of the request log."""

    time: float
    method: str
    path: str
    status: int
    latency_ms: float
    service: str
    rule: str | None


class Application:
    """Everything between the HTTP server and the service handlers."""

    def __init__(self, cloud: Cloud, rules: RuleSet, log_size: int = 100_000) -> None:
        self.cloud = cloud
        self.rules = rules
        self.request_log: deque[RequestRecord] = deque(maxlen=log_size)
        # Copying a deque while another thread appends raises; both take this lock.
        self.log_lock = threading.Lock()
        self.services: dict[str, Any] = {
            "identity": IdentityService(cloud),
            "compute": ComputeService(cloud),
            "network": NetworkService(cloud),
            "volume": VolumeService(cloud),
            "image": ImageService(cloud),
            "object-store": ObjectStoreService(cloud),
            **{service.spec.type: service for service in make_services(cloud)},
        }
        cloud.services = self.services  # type: ignore[attr-defined]
        self.control: Any = None  # set by Sandbox: the control API handler
        self.keystone: ExternalKeystone | None = None  # hybrid mode: a real Keystone

    def handle(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> Response:
        """Answer one request; never raises."""
        started = time.perf_counter()
        request = Request.build(method, target, headers, raw)
        service, sub = self._service_of(request.path)
        request.service = service
        try:
            response, decision = self._route(request, service, sub)
        except Exception:  # a bug outside the handlers: still an answer, not a dropped socket
            LOG.exception("sandbox: unexpected error on %s %s", method, request.path)
            response = error_response(service or "control", ApiError(500, INTERNAL))
            decision = Decision()
        rule = ",".join(decision.rules) or None
        if rule:
            response.headers["X-Sandbox-Rule"] = rule
            response.rule = rule
        response.headers.setdefault("X-Openstack-Request-Id", f"req-{uuid.uuid4()}")
        latency = (time.perf_counter() - started) * 1000
        with self.log_lock:
            self.request_log.append(
                RequestRecord(
                    time.time(),
                    method,
                    request.path,
                    response.status,
                    round(latency, 3),
                    service,
                    rule,
                )
            )
        return response

    def _route(self, request: Request, service: str, sub: str) -> tuple[Response, Decision]:
        """The response, and the fault-rule decision taken for it (to report the rules)."""
        if service == "control":
            return self._control(request, sub), Decision()
        if not service:
            return Response(404, b"404 Not Found\n", {"Content-Type": "text/plain"}), Decision()
        if self.cloud.clock.tick:
            self.cloud.clock.advance(self.cloud.clock.tick)
        decision = self._decide(request, service)
        return self._serve(request, service, sub, decision), decision

    @staticmethod
    def _service_of(path: str) -> tuple[str, str]:
        if path.startswith(CONTROL_PREFIX):
            return "control", path[len(CONTROL_PREFIX) :].rstrip("/")
        for prefix, service in PREFIXES:
            if path == prefix or path.startswith(prefix + "/"):
                return service, path[len(prefix) :].rstrip("/")
        return "", path

    def _decide(self, request: Request, service: str) -> Decision:
        if not self.rules.rules:
            return Decision()
        body: Any = None
        if request.raw and request.method in ("POST", "PUT", "PATCH"):
            try:
                body = json.loads(request.raw)
            except (ValueError, UnicodeDecodeError):
                body = None
        return self.rules.evaluate(request_facts(service, request.method, request.path, body))

    def _serve(self, request: Request, service: str, sub: str, decision: Decision) -> Response:
        for slot in decision.slots:  # a per-rule concurrency cap: queue like a busy API
            slot.acquire()
        try:
            return self._serve_now(request, service, sub, decision)
        finally:
            for slot in decision.slots:
                slot.release()

    def _serve_now(self, request: Request, service: str, sub: str, decision: Decision) -> Response:
        if decision.delay:
            time.sleep(decision.delay)  # outside the lock: other requests go on meanwhile
        if decision.reset:
            return Response(0, reset=True)
        if decision.status:
            message = decision.message or _default_message(decision.status)
            return self.error(
                service, ApiError(decision.status, message, headers=dict(decision.headers))
            )
        response = self._run(request, service, sub, decision.state)
        if decision.commit_then and response.status < 400:
            # The change is committed; the client is told it failed ("created but 503").
            message = decision.message or _default_message(decision.commit_then)
            response = self.error(
                service, ApiError(decision.commit_then, message, headers=dict(decision.headers))
            )
        elif decision.headers:
            response.headers.update(decision.headers)
        return response

    def _run(self, request: Request, service: str, sub: str, state: str | None) -> Response:
        handler = self.services[service]
        open_path = sub in OPEN_PATHS[service]
        # A Swift TempURL is signed by the account's key instead of carrying a token.
        temp_url = service == "object-store" and request.arg("temp_url_sig") is not None
        if self.keystone is not None and not open_path and service != "identity" and not temp_url:
            try:  # outside the lock: it may call Keystone over HTTP
                principal = self.keystone.validate(request.header("x-auth-token"))
            except ApiError as error:
                return error_response(service, error)
            request.project_id, request.user_id = principal.project_id, principal.user_id
            request.is_admin = principal.admin
            open_path = True
        with self.cloud.lock:
            self.cloud.lifecycle = state
            try:
                with self.cloud.store.transaction():
                    if temp_url:
                        handler.authorize_temp_url(request, sub)
                    elif not open_path:
                        self._authenticate(request)
                    return handler.router.dispatch(request, sub)
            except ApiError as error:
                return self.error(service, error)
            except Exception:
                LOG.exception("sandbox: unexpected error on %s %s", request.method, request.path)
                return self.error(service, ApiError(500, INTERNAL))
            finally:
                self.cloud.lifecycle = None

    def error(self, service: str, error: ApiError) -> Response:
        """An error in the format of the service (generic.py services render their own)."""
        render = getattr(self.services.get(service), "render_error", None)
        return render(error) if render is not None else error_response(service, error)

    def _authenticate(self, request: Request) -> None:
        token = self.services["identity"].principal(request.header("x-auth-token"))
        account = self.cloud.identity.account(str(token.get("user_id", "")))
        request.project_id = account.project_id
        request.user_id = account.user_id
        request.is_admin = account.admin

    def _control(self, request: Request, sub: str) -> Response:
        if self.control is None:
            return Response(404, b"", {})
        try:
            with self.cloud.lock:
                return self.control(request, sub)
        except ApiError as error:
            return error_response("control", error)
        except Exception as error:
            LOG.exception("sandbox control API error")
            return error_response("control", ApiError(500, f"{type(error).__name__}: {error}"))

    def body_limit(self, path: str) -> int:
        """Largest request body accepted: oslo.middleware's 112 KiB for the JSON APIs,
        64 MiB (a sandbox limit, far below Swift's 5 GiB) for object and image data."""
        service, _ = self._service_of(path.split("?", 1)[0])
        return BIG_BODY if service in ("object-store", "image") else JSON_BODY

    def too_large(self, path: str) -> Response:
        """The 413 each service answers for an oversized body."""
        service, _ = self._service_of(path.split("?", 1)[0])
        error = ApiError(413, "Request is too large.")
        return error_response(service if service in self.services else "control", error)

    def records(self) -> list[dict[str, Any]]:
        """The request log as dicts."""
        return [asdict(record) for record in self.snapshot()]

    def snapshot(self) -> list[RequestRecord]:
        """A copy of the request log, safe while requests are being served."""
        with self.log_lock:
            return list(self.request_log)

    def clear_log(self) -> None:
        """Forget every logged request."""
        with self.log_lock:
            self.request_log.clear()


def _default_message(status: int) -> str:
    if status == 429:
        return "Rate limit exceeded: too many requests. Retry later."
    if status == 503:
        return "The service is currently unavailable. Please try again later."
    return "The server has either erred or is incapable of performing the requested operation."
