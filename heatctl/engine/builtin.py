"""Behaviour of Heat's own resource types that live in heatctl's state only (no cloud
object): the logic the lifecycle methods of OS::Heat::None, Value, RandomString and
TestResource in heatctl/resources/heat.py call. Pure functions over a ResourceContext.

TestResource follows Heat's heat/engine/resources/openstack/heat/test_resource.py: the
wait of an action is `action_wait_secs[action]`, else `wait_secs` (-1 waits forever);
when it is over, `fail: true` fails create and update (never delete); `value` is stored
unless failing, and is the `output` attribute; an update waits only when `value` changed;
changing `update_replace` to true replaces the resource.
"""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Mapping
from typing import Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.wait import Wait

CHARACTER_CLASSES = {
    "lettersdigits": string.ascii_letters + string.digits,
    "letters": string.ascii_letters,
    "lowercase": string.ascii_lowercase,
    "uppercase": string.ascii_uppercase,
    "digits": string.digits,
    "hexdigits": string.digits + "abcdef" + "ABCDEF",
    "octdigits": string.octdigits,
}

FOREVER_POLL = 5.0  # wait_secs -1: poll now and then, forever (until cancelled or timed out)


def random_string(properties: Mapping[str, Any], rng: secrets.SystemRandom | None = None) -> str:
    """OS::Heat::RandomString's value: at least `min` characters of each class and
    sequence, the rest from all of them together, shuffled."""
    rng = rng or secrets.SystemRandom()
    length = int(properties.get("length") or 32)
    pools: list[tuple[str, int]] = []
    if properties.get("sequence"):
        pools.append((CHARACTER_CLASSES[properties["sequence"]], 1))
    for item in properties.get("character_classes") or []:
        pools.append(
            (CHARACTER_CLASSES[item.get("class", "lettersdigits")], int(item.get("min", 1)))
        )
    for item in properties.get("character_sequences") or []:
        pools.append((str(item["sequence"]), int(item.get("min", 1))))
    if not pools:
        pools.append((CHARACTER_CLASSES["lettersdigits"], 1))
    chars = [rng.choice(pool) for pool, minimum in pools for _ in range(minimum)]
    everything = "".join(sorted({c for pool, _ in pools for c in pool}))
    chars += [rng.choice(everything) for _ in range(max(0, length - len(chars)))]
    rng.shuffle(chars)
    return "".join(chars)


def wait_secs(properties: Mapping[str, Any], action: str) -> float:
    per_action = properties.get("action_wait_secs") or {}
    secs = per_action.get(action)
    return float(properties.get("wait_secs") or 0) if secs is None else float(secs)


def test_start(ctx: ResourceContext, action: str, store_value: bool = True) -> Wait | None:
    """Begin a TestResource action: remember when, and for how long to wait."""
    props = ctx.properties
    if store_value and not props.get("fail"):
        ctx.data["value"] = props.get("value", "test_string")
    wait = wait_secs(props, action)
    ctx.data.update({"action": action, "started": ctx.now(), "wait": wait})
    return test_check(ctx)


def test_check(ctx: ResourceContext) -> Wait | None:
    """Done once the wait is over (failing then, if asked); else when to look again."""
    wait = float(ctx.data.get("wait", 0))
    if wait < 0:
        return Wait(FOREVER_POLL)
    left = float(ctx.data.get("started", 0)) + wait - ctx.now()
    if left > 0:
        return Wait(left)
    if ctx.properties.get("fail") and ctx.data.get("action") != "delete":
        raise ResourceFailed(f"Test Resource failed {ctx.name}")
    return None


def test_update(ctx: ResourceContext) -> Wait | None:
    if "value" in ctx.changed:
        return test_start(ctx, "update")
    ctx.data.update({"action": "update", "started": ctx.now(), "wait": 0})
    return test_check(ctx)


def test_replaces(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Heat: a change of update_replace to true forces a replacement."""
    return bool(new.get("update_replace")) and new.get("update_replace") != old.get(
        "update_replace"
    )


def convert_value(properties: Mapping[str, Any]) -> Any:
    """OS::Heat::Value's `value` attribute: the value, converted to `type` when given
    (the parameter types' conversions: number, boolean, comma_delimited_list, json)."""
    value, kind = properties.get("value"), properties.get("type")
    try:
        return _coerce(kind, value) if kind else value
    except (ValueError, TypeError) as error:
        raise ResourceFailed(f"value cannot be converted to {kind}: {error}") from error


TRUE_WORDS = ("t", "true", "on", "y", "yes", "1")
FALSE_WORDS = ("f", "false", "off", "n", "no", "0")


def _coerce(kind: str, value: Any) -> Any:
    if kind == "string":
        return value if isinstance(value, str) else json.dumps(value)
    if kind == "number":
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a number")
        number = float(value)
        return int(number) if number.is_integer() and "." not in str(value) else number
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        word = str(value).lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise ValueError(f"{value!r} is not a boolean")
    if kind == "comma_delimited_list":
        return list(value) if isinstance(value, list) else str(value).split(",")
    if kind == "json":
        return json.loads(value) if isinstance(value, str) else value
    raise ValueError(f"unknown type {kind!r}")


# -- OS::Heat::WaitConditionHandle / WaitCondition ---------------------------------------

SIGNAL_KEYS = frozenset({"status", "reason", "data", "id"})


def normalize_signal(payload: Any, sequence: int) -> dict[str, Any]:
    """A handle signal as Heat reads it: status SUCCESS|FAILURE (default SUCCESS), reason
    (default "Signal N received"), data (default null), id (default N). ValueError for
    any other key or status ("Metadata format invalid" in Heat)."""
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise ValueError("a signal is a JSON object with status, reason, data and id")
    unknown = sorted(set(payload) - SIGNAL_KEYS)
    if unknown:
        raise ValueError(f"unknown signal keys {', '.join(unknown)} (use status, reason, data, id)")
    status = str(payload.get("status", "SUCCESS")).upper()
    if status not in ("SUCCESS", "FAILURE"):
        raise ValueError(f"signal status {status!r} is not SUCCESS or FAILURE")
    return {
        "status": status,
        "reason": str(payload.get("reason") or f"Signal {sequence} received"),
        "data": payload.get("data"),
        "id": str(payload.get("id", sequence)),
    }


def handle_attributes(ctx: ResourceContext) -> dict[str, Any]:
    """What a WaitConditionHandle tells the party that will signal it."""
    command = f"heatctl stack signal {ctx.stack_name} {ctx.name} --data"
    return {
        "token": secrets.token_hex(16),
        "endpoint": f"heatctl://stacks/{ctx.stack_name}/resources/{ctx.name}/signal",
        "curl_cli": command,
        "signal": json.dumps({"stack": ctx.stack_name, "resource": ctx.name, "command": command}),
    }


def wait_start(ctx: ResourceContext) -> Wait | None:
    ctx.data.setdefault("started", ctx.now())
    return wait_check(ctx)


def wait_check(ctx: ResourceContext) -> Wait | None:
    """Done when `count` SUCCESS signals (distinct ids) arrived; failed on any FAILURE or
    when `timeout` seconds passed first."""
    handle = str(ctx.properties.get("handle") or "")
    received = ctx.signals(handle)
    failures = [s.get("reason", "") for s in received if s.get("status") == "FAILURE"]
    if failures:
        raise ResourceFailed(f"WaitConditionFailure: {';'.join(failures)}")
    successes = {s.get("id"): s.get("data") for s in received if s.get("status") == "SUCCESS"}
    count = int(ctx.properties.get("count") or 1)
    if len(successes) >= count:
        ctx.attributes["data"] = json.dumps(successes, sort_keys=True)
        return None
    timeout = float(ctx.properties.get("timeout") or 0)
    left = float(ctx.data["started"]) + timeout - ctx.now()
    if left <= 0:
        raise ResourceFailed(f"WaitConditionTimeout: {len(successes)} of {count} received")
    return Wait(min(1.0, left))


def wait_data(ctx: ResourceContext) -> dict[str, Any]:
    handle = str(ctx.properties.get("handle") or "")
    received = ctx.signals(handle)
    successes = {s.get("id"): s.get("data") for s in received if s.get("status") == "SUCCESS"}
    return {"data": json.dumps(successes, sort_keys=True)}
