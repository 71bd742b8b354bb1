"""Zaqar v2 (/messaging/v2): queues (by name, with metadata), their subscriptions and
messages, and pre-signed queue URLs.

Every request needs a Client-ID header, as in Zaqar. A queue is created by PUT of its
metadata (201, 204 when it already exists) and changed by PATCH with JSON-patch
operations on /metadata/<key>. Subscribers must use a scheme Zaqar notifies (http,
https, mailto, trust+http, trust+https), with a ttl of at least 60 seconds; one
subscriber per queue. A message posted to a queue whose subscriber is the sandbox's own
Mistral executions URL (what OS::Zaqar::MistralTrigger subscribes) starts that
workflow's execution with the subscription's post_data, the message in its env, as
Zaqar's trust notifier does; other subscribers are not called.

POST /v2/queues/{name}/share signs paths of the queue the way Zaqar does
(zaqar.common.urls): an HMAC-SHA256 in hex, keyed by the service's secret key (one per
sandbox state), of "<paths>\\n<methods>\\n<project>\\n<expires>" joined by a literal
backslash-n, with the paths and methods comma-joined and the methods sorted.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import re
import secrets
from typing import Any
from urllib.parse import urlparse

from heatctl.sandbox.cloud import Cloud
from heatctl.sandbox.generic import GenericService, ServiceSpec
from heatctl.sandbox.web import ApiError, Body, Request, Response, empty, json_response, new_id

QUEUE, SUBSCRIPTION, MESSAGE = "zaqar_queue", "zaqar_subscription", "zaqar_message"
NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
SCHEMES = ("http://", "https://", "mailto:", "trust+http://", "trust+https://")
SHARE_PATHS = ("messages", "subscriptions", "claims")
METHODS = {"GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"}
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
DEFAULTS: Body = {"_max_messages_post_size": 262144, "_default_message_ttl": 3600}


def _versions(base_url: str) -> tuple[int, Body]:
    link = {"href": f"{base_url}/messaging/v2", "rel": "self"}
    return 300, {"versions": [{"id": "2", "status": "CURRENT", "links": [link]}]}


def _error(error: ApiError) -> Response:
    """Zaqar's error body: title and description."""
    titles = {400: "Invalid API request", 404: "Not found", 409: "Conflict"}
    body = {"title": titles.get(error.status, "Service unavailable"), "description": error.message}
    return json_response(error.status, body, dict(error.headers))


def sign(key: str, paths: list[str], project: str, expires: str, methods: list[str]) -> Body:
    """Zaqar's pre-signed URL data for `paths` (see the module docstring)."""
    methods = sorted(methods)
    text = "\\n".join((",".join(paths), ",".join(methods), project, expires))
    signature = hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()
    return {
        "paths": paths,
        "methods": methods,
        "project": project,
        "expires": expires,
        "signature": signature,
    }


def _after(bodies: list[Body], request: Request, key: str) -> list[Body]:
    """The objects after the `marker` query parameter, in `key` order (the SDK pages on
    until a page is empty)."""
    marker = request.arg("marker")
    ordered = sorted(bodies, key=lambda body: str(body[key]))
    return [body for body in ordered if marker is None or str(body[key]) > marker]


class ZaqarService(GenericService):
    """Zaqar's API (queues are keyed by name, bodies are bare)."""

    def extra_routes(self) -> None:
        """Queues, subscriptions, messages, share."""
        r = self.router.add
        r("GET", "/v2/queues", self.list_queues)
        r("PUT", "/v2/queues/{queue}", self.put_queue)
        r("GET", "/v2/queues/{queue}", self.get_queue)
        r("PATCH", "/v2/queues/{queue}", self.patch_queue)
        r("DELETE", "/v2/queues/{queue}", self.delete_queue)
        r("POST", "/v2/queues/{queue}/share", self.share)
        base = "/v2/queues/{queue}/subscriptions"
        r("POST", base, self.subscribe)
        r("GET", base, self.list_subscriptions)
        r("GET", base + "/{id}", self.get_subscription)
        r("PATCH", base + "/{id}", self.patch_subscription)
        r("DELETE", base + "/{id}", self.unsubscribe)
        r("POST", "/v2/queues/{queue}/messages", self.post_messages)
        r("GET", "/v2/queues/{queue}/messages", self.list_messages)

    # -- helpers -----------------------------------------------------------------------
    def client(self, request: Request) -> None:
        """Zaqar refuses requests without a Client-ID."""
        if not request.header("client-id"):
            raise ApiError(
                400, 'The request should have either "Client-ID" header or "client_id" parameter.'
            )

    def queue(self, request: Request, *, must_exist: bool = True) -> Body | None:
        """The named queue of the caller's project."""
        self.client(request)
        name = request.params["queue"]
        if not NAME.match(name):
            raise ApiError(400, "Queue names may not be more than 64 characters long and may "
                           "only contain ASCII letters, digits, underscores and dashes.")  # fmt: skip
        body = self.cloud.load(QUEUE, f"{request.project_id}/{name}")
        if body is None and must_exist:
            raise ApiError(404, f"Queue {name} does not exist")
        return body

    def _queue_view(self, body: Body) -> Body:
        return {**DEFAULTS, **body["metadata"]}

    # -- queues ------------------------------------------------------------------------
    def list_queues(self, request: Request) -> Response:
        """The project's queues (metadata with detailed=true)."""
        self.client(request)
        detailed = request.arg("detailed") == "true"
        items = []
        for body in _after(self.cloud.query(QUEUE, project=request.project_id), request, "name"):
            item = {"name": body["name"], "href": f"/v2/queues/{body['name']}"}
            if detailed:
                item["metadata"] = self._queue_view(body)
            items.append(item)
        return json_response(200, {"queues": items, "links": [], "count": len(items)})

    def put_queue(self, request: Request) -> Response:
        """Create a queue (or replace its metadata)."""
        body = self.queue(request, must_exist=False)
        metadata = request.json() if request.raw.strip() else {}
        if not isinstance(metadata, dict):
            raise ApiError(400, "Queue metadata must be a JSON object.")
        if body is not None:
            body["metadata"] = metadata
            self.cloud.save(QUEUE, body)
            return empty(204)
        name = request.params["queue"]
        key = f"{request.project_id}/{name}"
        body = {"id": key, "name": name, "metadata": metadata, "created_at": self.now_iso()}
        body["_cols"] = {"id": key, "project": request.project_id, "name": name}
        self.cloud.save(QUEUE, body)
        return empty(201, {"Location": f"/v2/queues/{name}"})

    def get_queue(self, request: Request) -> Response:
        """The queue's metadata."""
        body = self.queue(request)
        assert body is not None
        return json_response(200, self._queue_view(body))

    def patch_queue(self, request: Request) -> Response:
        """JSON-patch the queue's metadata (add/replace/remove /metadata/<key>)."""
        body = self.queue(request)
        assert body is not None
        operations = request.json()
        if not isinstance(operations, list):
            raise ApiError(400, "The request body must be a list of JSON-patch operations.")
        metadata = dict(body["metadata"])
        for operation in operations:
            op, path = operation.get("op"), str(operation.get("path", ""))
            if not path.startswith("/metadata/") or op not in ("add", "replace", "remove"):
                raise ApiError(400, f"Invalid JSON-patch operation: {json.dumps(operation)}")
            key = path.removeprefix("/metadata/")
            if op == "remove":
                metadata.pop(key, None)
            else:
                metadata[key] = operation.get("value")
        body["metadata"] = metadata
        self.cloud.save(QUEUE, body)
        return json_response(200, self._queue_view(body))

    def delete_queue(self, request: Request) -> Response:
        """Delete a queue with its subscriptions and messages (204 even when missing)."""
        body = self.queue(request, must_exist=False)
        if body is not None:
            for kind in (SUBSCRIPTION, MESSAGE):
                for child in self.cloud.query(kind, parent=body["id"]):
                    self.cloud.store.delete(kind, child["id"])
            self.cloud.store.delete(QUEUE, body["id"])
        return empty(204)

    def share(self, request: Request) -> Response:
        """A pre-signed URL for paths of the queue."""
        self.queue(request)
        document = request.json()
        if not isinstance(document, dict) or set(document) - {"paths", "methods", "expires"}:
            raise ApiError(400, "Only paths, methods and expires may be given.")
        base = f"/v2/queues/{request.params['queue']}"
        paths = document.get("paths") or ["messages"]
        if set(paths) - set(SHARE_PATHS):
            raise ApiError(400, f"Invalid paths {paths}: messages, subscriptions or claims.")
        methods = document.get("methods") or ["GET"]
        if not isinstance(methods, list) or set(methods) - METHODS:
            raise ApiError(400, f"Invalid methods {methods}.")
        expires = self._expiry(document.get("expires"))
        data = sign(
            self._secret(), [f"{base}/{p}" for p in paths], request.project_id, expires, methods
        )
        return json_response(200, data)

    def _expiry(self, given: Any) -> str:
        now = datetime.datetime.fromtimestamp(self.cloud.now(), datetime.UTC).replace(tzinfo=None)
        if given is None:
            return (now + datetime.timedelta(days=1)).strftime(DATE_FORMAT)
        try:
            when = datetime.datetime.fromisoformat(str(given).replace("Z", "+00:00"))
        except ValueError:
            raise ApiError(400, f"Invalid expires: {given}") from None
        when = when.astimezone(datetime.UTC).replace(tzinfo=None) if when.tzinfo else when
        if when <= now:
            raise ApiError(400, "`expires` is lower than the current time")
        return when.strftime(DATE_FORMAT)

    def _secret(self) -> str:
        key = self.cloud.store.get_meta("zaqar_secret_key", "")
        if not key:
            key = secrets.token_hex(32)
            self.cloud.store.set_meta("zaqar_secret_key", key)
        return key

    # -- subscriptions ---------------------------------------------------------------------
    def _subscription_fields(self, data: Any, *, partial: bool) -> Body:
        if not isinstance(data, dict) or set(data) - {"subscriber", "ttl", "options"}:
            raise ApiError(400, "A subscription has subscriber, ttl and options.")
        subscriber = data.get("subscriber")
        if (subscriber is not None or not partial) and (
            not isinstance(subscriber, str) or not subscriber.startswith(SCHEMES)
        ):
            raise ApiError(
                400,
                f"The subscriber type of subscription must be supported in the list {list(SCHEMES)}.",
            )
        ttl = data.get("ttl")
        if ttl is not None and (not isinstance(ttl, int) or ttl < 60):
            raise ApiError(400, "The TTL for a subscription must be at least 60 seconds long.")
        if data.get("options") is not None and not isinstance(data["options"], dict):
            raise ApiError(400, "Options must be a dict.")
        return dict(data)

    def subscribe(self, request: Request) -> Response:
        """Subscribe to a queue."""
        queue = self.queue(request)
        assert queue is not None
        fields = self._subscription_fields(request.json(), partial=False)
        for other in self.cloud.query(SUBSCRIPTION, parent=queue["id"]):
            if other["subscriber"] == fields["subscriber"]:
                raise ApiError(409, "Such subscription already exists."
                               " Subscriptions are unique by project + queue + subscriber URI.")  # fmt: skip
        body = {
            "id": new_id(),
            "source": queue["name"],
            "subscriber": fields["subscriber"],
            "ttl": fields.get("ttl") or 3600,
            "options": fields.get("options") or {},
            "confirmed": False,
            "_created": self.cloud.now(),
        }
        body["_cols"] = {"id": body["id"], "project": request.project_id, "parent": queue["id"]}
        self.cloud.save(SUBSCRIPTION, body)
        return json_response(201, {"subscription_id": body["id"]})

    def _subscription(self, request: Request) -> Body:
        queue = self.queue(request)
        assert queue is not None
        body = self.cloud.load(SUBSCRIPTION, request.params["id"])
        if body is None or body["_cols"]["parent"] != queue["id"]:
            raise ApiError(404, f"Subscription {request.params['id']} does not exist")
        return body

    def _subscription_view(self, body: Body) -> Body:
        view = {k: v for k, v in body.items() if not k.startswith("_")}
        return {**view, "age": int(self.cloud.now() - body.get("_created", self.cloud.now()))}

    def list_subscriptions(self, request: Request) -> Response:
        """The queue's subscriptions."""
        queue = self.queue(request)
        assert queue is not None
        found = _after(self.cloud.query(SUBSCRIPTION, parent=queue["id"]), request, "id")
        items = [self._subscription_view(b) for b in found]
        return json_response(200, {"subscriptions": items, "links": [], "count": len(items)})

    def get_subscription(self, request: Request) -> Response:
        """One subscription."""
        return json_response(200, self._subscription_view(self._subscription(request)))

    def patch_subscription(self, request: Request) -> Response:
        """Change subscriber, ttl or options."""
        body = self._subscription(request)
        body.update(self._subscription_fields(request.json(), partial=True))
        self.cloud.save(SUBSCRIPTION, body)
        return empty(204)

    def unsubscribe(self, request: Request) -> Response:
        """Delete a subscription (204 even when missing)."""
        queue = self.queue(request)
        body = self.cloud.load(SUBSCRIPTION, request.params["id"])
        if queue is not None and body is not None and body["_cols"]["parent"] == queue["id"]:
            self.cloud.store.delete(SUBSCRIPTION, body["id"])
        return empty(204)

    # -- messages ----------------------------------------------------------------------
    def post_messages(self, request: Request) -> Response:
        """Post messages; notify the subscribers the sandbox can reach (Mistral)."""
        queue = self.queue(request)
        assert queue is not None
        data = request.json()
        messages = data.get("messages") if isinstance(data, dict) else None
        if not isinstance(messages, list) or not messages:
            raise ApiError(400, "Missing 'messages' in the request body.")
        hrefs = []
        for message in messages:
            if not isinstance(message, dict) or "body" not in message:
                raise ApiError(400, "Each message needs a body.")
            body = {"id": new_id(), "body": message["body"], "ttl": message.get("ttl", 3600)}
            body["_cols"] = {"id": body["id"], "project": request.project_id, "parent": queue["id"]}
            self.cloud.save(MESSAGE, body)
            hrefs.append(f"/v2/queues/{queue['name']}/messages/{body['id']}")
            self._notify(request, queue, body)
        return json_response(201, {"resources": hrefs})

    def list_messages(self, request: Request) -> Response:
        """The queue's messages."""
        queue = self.queue(request)
        assert queue is not None
        items = [
            {
                "id": m["id"],
                "body": m["body"],
                "ttl": m["ttl"],
                "href": f"/v2/queues/{queue['name']}/messages/{m['id']}",
            }
            for m in _after(self.cloud.query(MESSAGE, parent=queue["id"]), request, "id")
        ]
        return json_response(200, {"messages": items, "links": []})

    def _notify(self, request: Request, queue: Body, message: Body) -> None:
        mistral = self.cloud.services.get("workflowv2")  # type: ignore[attr-defined]
        for subscription in self.cloud.query(SUBSCRIPTION, parent=queue["id"]):
            if not _is_sandbox_mistral(subscription["subscriber"]) or mistral is None:
                continue
            raw = str(subscription["options"].get("post_data") or "{}")
            raw = raw.replace('"$zaqar_message$"', json.dumps(message["body"]))
            post = Request.build("POST", "/v2/executions", {}, raw.encode())
            post.project_id, post.user_id = request.project_id, request.user_id
            mistral.create_execution(post)


def _is_sandbox_mistral(subscriber: str) -> bool:
    """Whether a subscriber is the executions URL of a sandbox's Mistral (its port changes
    from one start of the sandbox to the next, so any loopback port matches)."""
    url = urlparse(subscriber.removeprefix("trust+"))
    return url.hostname in ("127.0.0.1", "localhost") and url.path == "/workflow/v2/executions"


SPEC = ServiceSpec(
    type="messaging",
    name="zaqar",
    prefix="/messaging",
    endpoint="/messaging",
    versions=_versions,
    collections=(),
    error=_error,
    extra_kinds=((QUEUE, "queue"), (SUBSCRIPTION, "subscription"), (MESSAGE, "message")),
)


def make(cloud: Cloud) -> ZaqarService:
    """The Zaqar service of a sandbox."""
    return ZaqarService(cloud, SPEC)
