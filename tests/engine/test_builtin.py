"""Behaviour of Heat's state-only types: RandomString, Value and TestResource (as Heat)."""

from __future__ import annotations

import random
import string

import pytest

from heatctl.engine import builtin
from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.wait import Wait


def test_random_string_honours_length_and_minimums() -> None:
    rng = random.Random(4)
    props = {
        "length": 12,
        "character_classes": [{"class": "digits", "min": 3}, {"class": "uppercase", "min": 2}],
        "character_sequences": [{"sequence": "!@", "min": 1}],
    }
    for _ in range(20):
        value = builtin.random_string(props, rng)  # type: ignore[arg-type]
        assert len(value) == 12
        assert sum(c in string.digits for c in value) >= 3
        assert sum(c in string.ascii_uppercase for c in value) >= 2
        assert any(c in "!@" for c in value)
        assert set(value) <= set(string.digits + string.ascii_uppercase + "!@")
    assert len(builtin.random_string({})) == 32


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("number", "42", 42),
        ("number", "1.5", 1.5),
        ("boolean", "yes", True),
        ("boolean", "off", False),
        ("comma_delimited_list", "a,b, c", ["a", "b", " c"]),
        ("json", '{"a": [1]}', {"a": [1]}),
        ("string", "x", "x"),
        (None, {"raw": 1}, {"raw": 1}),
    ],
)
def test_value_conversions(kind: str | None, value: object, expected: object) -> None:
    assert builtin.convert_value({"type": kind, "value": value}) == expected


def test_value_conversion_errors_are_resource_failures() -> None:
    with pytest.raises(ResourceFailed, match="cannot be converted to boolean"):
        builtin.convert_value({"type": "boolean", "value": "maybe"})


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def ctx(props: dict, clock: Clock) -> ResourceContext:
    return ResourceContext(
        "s", "stack", "rid", "res", "OS::Heat::TestResource", "tag", props, now=clock
    )


def test_test_resource_waits_then_completes_or_fails_like_heat() -> None:
    clock = Clock()
    c = ctx({"value": "v", "action_wait_secs": {"create": 2}, "wait_secs": 5}, clock)
    assert builtin.test_start(c, "create") == Wait(2.0)
    assert c.data["value"] == "v"
    clock.t += 1.5
    assert builtin.test_check(c) == Wait(pytest.approx(0.5))
    clock.t += 0.5
    assert builtin.test_check(c) is None
    assert builtin.test_start(c, "delete", store_value=False) == Wait(5.0)  # wait_secs for delete
    failing = ctx({"value": "v", "fail": True}, clock)
    with pytest.raises(ResourceFailed, match="Test Resource failed res"):
        builtin.test_start(failing, "create")
    assert "value" not in failing.data  # Heat stores nothing when failing
    assert builtin.test_start(failing, "delete", store_value=False) is None  # never fails a delete
    forever = ctx({"wait_secs": -1}, clock)
    assert builtin.test_start(forever, "create") == Wait(builtin.FOREVER_POLL)


def test_test_resource_update_waits_only_when_value_changes() -> None:
    clock = Clock()
    c = ctx({"value": "new", "action_wait_secs": {"update": 3}}, clock)
    c.changed = ("value",)
    assert builtin.test_update(c) == Wait(3.0) and c.data["value"] == "new"
    c.changed = ("wait_secs",)
    assert builtin.test_update(c) is None
    assert builtin.test_replaces({"update_replace": False}, {"update_replace": True})
    assert not builtin.test_replaces({"update_replace": True}, {"update_replace": True})
