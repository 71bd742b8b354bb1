"""Lifecycles of Zaqar objects (OS::Zaqar::*), as Heat's zaqar plugins run them.

Queue: named by `name` or the physical name (the physical id is the name), created by
putting its metadata; an update replaces the metadata. It is found again by its name.
Subscription and MistralTrigger: a subscription of the queue (MistralTrigger's
subscriber is `trust+<Mistral's endpoint>/executions` and its options carry Heat's
post_data: the workflow id, its input, and params whose env gets the message as
`notification`); updates are PATCHed in place; found again by queue and subscriber.
SignedQueueURL: Zaqar signs the queue's paths (POST .../share) with its secret key; the
signature, expiry, paths, methods and project are kept as the resource's attributes. A
signed URL cannot be revoked, so delete has nothing to do in the cloud.
"""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any
from urllib.parse import urlencode

from heatctl.engine.lifecycle import ResourceContext, not_in_cloud
from heatctl.engine.openstack_services2 import (
    Obj,
    StatusKind,
    api,
    first,
    name_of,
    or_none,
)
from heatctl.engine.wait import Wait

DEFAULT_TTL = 220367260800  # Heat's default: about 7000 years


def _call(ctx: ResourceContext, method: str, path: str, **kwargs: Any) -> Any:
    headers = {"Client-ID": str(uuid.uuid5(uuid.NAMESPACE_URL, ctx.stack_id))}
    headers.update(kwargs.pop("headers", {}))
    return api(ctx.conn.message, method, path, headers=headers, **kwargs)


# -- queues ------------------------------------------------------------------------------
def _queue_name(ctx: ResourceContext) -> str:
    return name_of(ctx, 64)


def _create_queue(ctx: ResourceContext) -> Obj:
    name = _queue_name(ctx)
    _call(ctx, "PUT", f"/queues/{name}", json=ctx.properties.get("metadata") or {})
    return {"id": name}


def _update_queue(ctx: ResourceContext) -> None:
    if "metadata" in ctx.changed:
        metadata = ctx.properties.get("metadata") or {}
        path = f"/queues/{ctx.physical_id}"
        ctx.call("zaqar.queue.update", lambda: _call(ctx, "PUT", path, json=metadata))


def _get_queue(ctx: ResourceContext, name: str) -> Obj | None:
    metadata = or_none(lambda: _call(ctx, "GET", f"/queues/{name}"))
    return None if metadata is None else {"name": name, "metadata": metadata}


QUEUE = StatusKind(
    what="zaqar.queue",
    create=_create_queue,
    get=_get_queue,
    delete=lambda ctx, name: or_none(lambda: _call(ctx, "DELETE", f"/queues/{name}")),
    find=lambda ctx: _get_queue(ctx, _queue_name(ctx)) and {"id": _queue_name(ctx)},
    attributes=lambda ctx, queue: {
        "queue_id": queue["name"],
        "href": f"{ctx.conn.message.get_endpoint().rstrip('/')}/queues/{queue['name']}",
    },
    update=_update_queue,
    status_field=None,
)


# -- subscriptions -----------------------------------------------------------------------
def _subscriber(ctx: ResourceContext) -> str:
    if ctx.type == "OS::Zaqar::MistralTrigger":
        return f"trust+{ctx.conn.workflow.get_endpoint().rstrip('/')}/executions"
    return str(ctx.properties["subscriber"])


def _options(ctx: ResourceContext) -> dict[str, Any]:
    props = ctx.properties
    if ctx.type != "OS::Zaqar::MistralTrigger":
        return dict(props.get("options") or {})
    params = dict(props.get("params") or {})
    params["env"] = {**(params.get("env") or {}), "notification": "$zaqar_message$"}
    post_data = {
        "workflow_id": props["workflow_id"],
        "params": params,
        "input": props.get("input") or {},
    }
    return {"post_data": json.dumps(post_data)}


def _ttl(ctx: ResourceContext) -> int:
    return int(ctx.properties.get("ttl") or DEFAULT_TTL)


def _subscriptions(ctx: ResourceContext) -> str:
    return f"/queues/{ctx.properties['queue_name']}/subscriptions"


def _create_subscription(ctx: ResourceContext) -> Obj:
    body = {"subscriber": _subscriber(ctx), "ttl": _ttl(ctx), "options": _options(ctx)}
    return {"id": _call(ctx, "POST", _subscriptions(ctx), json=body)["subscription_id"]}


def _update_subscription(ctx: ResourceContext) -> None:
    body = {"subscriber": _subscriber(ctx), "ttl": _ttl(ctx), "options": _options(ctx)}
    path = f"{_subscriptions(ctx)}/{ctx.physical_id}"
    ctx.call("zaqar.subscription.update", lambda: _call(ctx, "PATCH", path, json=body))


SUBSCRIPTION = StatusKind(
    what="zaqar.subscription",
    create=_create_subscription,
    get=lambda ctx, oid: or_none(lambda: _call(ctx, "GET", f"{_subscriptions(ctx)}/{oid}")),
    delete=lambda ctx, oid: or_none(lambda: _call(ctx, "DELETE", f"{_subscriptions(ctx)}/{oid}")),
    find=lambda ctx: first(
        _call(ctx, "GET", _subscriptions(ctx))["subscriptions"],
        lambda s: s["subscriber"] == _subscriber(ctx),
    ),
    update=_update_subscription,
    status_field=None,
)


# -- signed URLs -------------------------------------------------------------------------
class SignedQueueURLLifecycle:
    """OS::Zaqar::SignedQueueURL: Zaqar signs; heatctl keeps what it signed."""

    def create(self, ctx: ResourceContext) -> Wait | None:
        """Ask Zaqar to sign the queue's paths."""
        props = ctx.properties
        body: dict[str, Any] = {}
        if props.get("paths"):
            body["paths"] = props["paths"]
        if props.get("methods"):
            body["methods"] = props["methods"]
        if props.get("ttl"):
            expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=props["ttl"])
            body["expires"] = expires.strftime("%Y-%m-%dT%H:%M:%S")
        path = f"/queues/{props['queue']}/share"
        signed = ctx.call("zaqar.queue.share", lambda: _call(ctx, "POST", path, json=body))
        ctx.data["signed"] = signed
        ctx.physical_id = str(signed["signature"])
        return None

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        """Signing is immediate."""
        return None

    def update(self, ctx: ResourceContext) -> Wait | None:
        """Every property replaces the resource."""
        return None

    def check_update_complete(self, ctx: ResourceContext) -> Wait | None:
        """Nothing to wait for."""
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        """A signed URL cannot be revoked: nothing to delete."""
        return None

    def check_delete_complete(self, ctx: ResourceContext) -> Wait | None:
        """Nothing to wait for."""
        return None

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        """The signed data and its query string."""
        signed = ctx.data.get("signed") or {}
        if not signed:
            return {}
        query = {
            "signature": signed["signature"],
            "expires": signed["expires"],
            "paths": ",".join(signed["paths"]),
            "methods": ",".join(signed["methods"]),
            "project_id": signed["project"],
            "queue_name": ctx.properties["queue"],
        }
        return {
            "signature": signed["signature"],
            "expires": signed["expires"],
            "paths": signed["paths"],
            "methods": signed["methods"],
            "project": signed["project"],
            "query_str": urlencode(query),
            "show": dict(signed),
        }

    find_by_tag = not_in_cloud
