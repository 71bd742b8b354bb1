"""Waiting and signal types with no deployment behind them, as Heat runs them:
OS::Heat::Delay, OS::Heat::SwiftSignalHandle / SwiftSignal (heat/engine/resources/
openstack/heat/swiftsignal.py), AWS::CloudFormation::WaitCondition / Handle (aws/cfn/
wait_condition*.py) and OS::Heat::AccessPolicy's check.

A SwiftSignalHandle is an object in the stack's container (named by the stack id) with
versioning (X-Versions-Location: the same container), first holding "in progress"; its
endpoint is a PUT TempURL. Every PUT a guest makes keeps the one before as a version, and
the SwiftSignal reads all of them (Heat's get_signals): a body's `status` (SUCCESS by
default, FAILURE fails the wait), `reason`, `data` and `id` (a later body with the same id
replaces the earlier one).
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from typing import Any
from urllib.parse import urlparse

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.wait import Wait

DELAY_POLL_MIN = 4.0  # Heat polls again at half the remaining time when it is >= 4 s


# -- OS::Heat::Delay -----------------------------------------------------------------------


def delay_start(ctx: ResourceContext, action: str) -> Wait | None:
    """Begin waiting min_wait + max_jitter * jitter_multiplier * random() seconds when
    `action` is one of the resource's actions (Heat's _wait_secs)."""
    p = ctx.properties
    wait = 0.0
    if action in (p.get("actions") or ["CREATE"]):
        jitter = float(p.get("max_jitter") or 0) * float(p.get("jitter_multiplier") or 1.0)
        wait = float(p.get("min_wait") or 0) + jitter * random.random()
    ctx.data.update(delay_started=ctx.now(), delay_secs=wait)
    return delay_check(ctx)


def delay_check(ctx: ResourceContext) -> Wait | None:
    """Done once the wait is over; else come back later (the walker's thread is free)."""
    left = float(ctx.data.get("delay_started", 0)) + float(ctx.data.get("delay_secs", 0))
    left -= ctx.now()
    if left <= 0:
        return None
    return Wait(left / 2 if left >= DELAY_POLL_MIN else left)


# -- OS::Heat::SwiftSignalHandle -----------------------------------------------------------


def swift_handle_create(ctx: ResourceContext) -> Wait | None:
    """The container with versioning, the "in progress" object, its PUT TempURL."""
    from heatctl.engine import software_swift

    container, name = ctx.stack_id, ctx.physical_name()
    software_swift.put_container(ctx, container, versions_location=container)
    software_swift.put_object(ctx, container, name, software_swift.IN_PROGRESS)
    url = software_swift.temp_url(ctx, container, name, "PUT")
    ctx.physical_id = name
    ctx.data.update(reference_attribute="endpoint", container=container)
    ctx.attributes.update(endpoint=url, token="", curl_cli=f"curl -i -X PUT '{url}'")
    return None


def swift_handle_delete(ctx: ResourceContext) -> Wait | None:
    """Every version of the object, then the container if nothing else is in it."""
    from heatctl.engine import software_swift

    container = str(ctx.data.get("container") or ctx.stack_id)
    software_swift.delete_all_versions(ctx, container, ctx.physical_id or ctx.physical_name())
    software_swift.delete_container_if_empty(ctx, container)
    return None


# -- OS::Heat::SwiftSignal -----------------------------------------------------------------


def handle_location(url: str) -> tuple[str, str]:
    """(container, object) of a SwiftSignalHandle's TempURL; ResourceFailed when the URL
    is not a Swift TempURL path (Heat's _validate_handle_url)."""
    path = urlparse(url).path
    _, found, rest = path.partition("/v1/")
    parts = rest.split("/", 2)
    if not found or len(parts) != 3 or not all(parts) or not parts[2].strip("/"):
        raise ResourceFailed(
            f'"{path}" is not a valid SwiftSignalHandle.  The Swift TempURL path is invalid'
        )
    return parts[1], parts[2]


def swift_signal_start(ctx: ResourceContext) -> Wait | None:
    container, _ = handle_location(str(ctx.properties.get("handle") or ""))
    if container != ctx.stack_id:
        path = urlparse(str(ctx.properties.get("handle"))).path
        raise ResourceFailed(
            f'"{path}" is not a valid SwiftSignalHandle.  The container name is invalid'
        )
    ctx.data.setdefault("started", ctx.now())
    return swift_signal_check(ctx)


def swift_signals(ctx: ResourceContext) -> list[dict[str, Any]]:
    """The signals the handle's object received, oldest first (Heat's get_signals)."""
    from heatctl.engine import software_swift

    container, name = handle_location(str(ctx.properties.get("handle") or ""))
    names = software_swift.list_names(ctx, container) or []
    signals: list[dict[str, Any]] = []
    number = 1
    for object_name in (n for n in names if name in n):
        found = software_swift.get_object(ctx, container, object_name)
        body = found[0].decode() if found is not None else software_swift.IN_PROGRESS
        if body == software_swift.IN_PROGRESS:
            continue
        try:
            signal = json.loads(body) if body else {}
        except ValueError as error:
            raise ResourceFailed(f"Failed to parse JSON data: {body}") from error
        if not isinstance(signal, dict):
            raise ResourceFailed(f"Failed to parse JSON data: {body}")
        if "id" in signal:  # a later signal with the same id replaces the earlier one
            signals = [s for s in signals if s.get("id") != signal["id"]]
        signal.setdefault("data", None)
        signal.setdefault("id", number)
        signal.setdefault("reason", f"Signal {signal['id']} received")
        signal.setdefault("status", "SUCCESS")
        signals.append(signal)
        number += 1
    return signals


def swift_signal_check(ctx: ResourceContext) -> Wait | None:
    """Done with `count` SUCCESS signals; FAILURE fails; so does the timeout."""
    signals = swift_signals(ctx)
    count = int(ctx.properties.get("count") or 1)
    successes = [s for s in signals if s["status"] == "SUCCESS"]
    timeout = float(ctx.properties.get("timeout") or 0)
    if ctx.now() - float(ctx.data["started"]) > timeout:
        reasons = ";".join(str(s["reason"]) for s in successes)
        tail = f" - {reasons}" if reasons else ""
        raise ResourceFailed(f"SwiftSignalTimeout: {len(successes)} of {count} received{tail}")
    for signal in signals:
        if signal["status"] == "FAILURE":
            failed = ";".join(str(s["reason"]) for s in signals if s["status"] == "FAILURE")
            raise ResourceFailed(f"SwiftSignalFailure: {failed}")
        if signal["status"] != "SUCCESS":
            raise ResourceFailed(f"Unknown status: {signal['status']}")
    if signals and len(signals) >= count:
        ctx.attributes["data"] = swift_signal_data(signals)
        return None
    return Wait(1.0)


def swift_signal_data(signals: list[dict[str, Any]]) -> str:
    """The `data` attribute: JSON of {id: data} ("null" when there is no signal)."""
    if not signals:
        return "null"
    return json.dumps({str(s["id"]): s["data"] for s in signals})


# -- AWS::CloudFormation::WaitCondition / WaitConditionHandle ------------------------------

AWS_SIGNAL_KEYS = {"Status": "status", "Reason": "reason", "UniqueId": "id", "Data": "data"}


def aws_signal(payload: Any, sequence: int) -> dict[str, Any]:
    """A cfn-signal body (Status, Reason, UniqueId, Data) in the stored form; ValueError
    for other keys or statuses (Heat: "Metadata format invalid")."""
    from heatctl.engine.builtin import normalize_signal

    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise ValueError("a signal is a JSON object with Status, Reason, UniqueId and Data")
    unknown = sorted(set(payload) - set(AWS_SIGNAL_KEYS))
    if unknown:
        raise ValueError(
            f"unknown signal keys {', '.join(unknown)} (use Status, Reason, UniqueId, Data)"
        )
    return normalize_signal({AWS_SIGNAL_KEYS[k]: v for k, v in payload.items()}, sequence)


def aws_handle_url(ctx: ResourceContext) -> str:
    """The handle's reference (Heat: the pre-signed /v1/waitcondition URL): heatctl has no
    CFN API, so it names where `heatctl stack signal` delivers."""
    return f"heatctl://stacks/{ctx.stack_name}/resources/{ctx.name}/waitcondition"


def as_heat_wait(ctx: ResourceContext) -> ResourceContext:
    """The same context with the HOT property names builtin.wait_check reads (data and
    attributes are the same dicts, so what it records stays with this resource)."""
    p = ctx.properties
    lowered = {"handle": p.get("Handle"), "count": p.get("Count"), "timeout": p.get("Timeout")}
    return replace(ctx, properties=lowered)


# -- OS::Heat::AccessPolicy ----------------------------------------------------------------


def check_allowed_resources(ctx: ResourceContext) -> None:
    """Every AllowedResources name is a resource of the stack (Heat's validate)."""
    from heatctl.engine.software_store import software_store

    names = {r.name for r in software_store(ctx).store.resources(ctx.stack_id)}
    for name in ctx.properties.get("AllowedResources") or []:
        if name not in names:
            raise ResourceFailed(f"AccessPolicy resource {name} not in stack")
