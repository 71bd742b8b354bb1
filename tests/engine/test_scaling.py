"""Autoscaling groups and scaling policies: Heat's arithmetic, and signals that resize a
group of cloud objects in the sandbox over real HTTP (through the CLI)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from heatctl.engine.scaling import (
    batches,
    calculate_new_capacity,
    member_definitions,
    scaling_allowed,
)
from heatctl.engine.store import StateStore
from heatctl.sandbox import Sandbox


@pytest.fixture(autouse=True)
def no_clouds_yaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for key in ("OS_AUTH_URL", "OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_USERNAME", "OS_PASSWORD"):
        monkeypatch.delenv(key, raising=False)


@pytest.mark.parametrize(
    ("current", "adjustment", "kind", "step", "expected"),
    [
        (2, 1, "change_in_capacity", None, 3),
        (2, -5, "change_in_capacity", None, 1),  # clamped to min_size 1
        (2, 9, "ChangeInCapacity", None, 5),  # clamped to max_size 5
        (3, 4, "exact_capacity", None, 4),
        (4, -50, "percent_change_in_capacity", None, 2),
        (3, 10, "percent_change_in_capacity", None, 4),  # 0.3 rounds away from zero
        (3, -10, "percent_change_in_capacity", None, 2),
        (4, 33, "percent_change_in_capacity", None, 5),  # 1.32 rounds toward zero
        (2, 10, "percent_change_in_capacity", 2, 4),  # min_adjustment_step 2
        (4, -10, "PercentChangeInCapacity", 2, 2),
    ],
)
def test_new_capacity_as_heat(
    current: int, adjustment: float, kind: str, step: int | None, expected: int
) -> None:
    assert calculate_new_capacity(current, adjustment, kind, step, 1, 5) == expected


def test_members_are_removed_oldest_first_and_keep_their_definition() -> None:
    names = iter(["n1", "n2"])
    old = [("a", {"v": 1}), ("b", {"v": 1}), ("c", {"v": 2})]  # first to remove first
    assert member_definitions(old, {"v": 2}, 2, 0, lambda: next(names)) == [
        ("b", {"v": 1}),
        ("c", {"v": 2}),
    ]
    grown = member_definitions(old, {"v": 2}, 4, 0, lambda: next(names))
    assert grown == [*old, ("n1", {"v": 2})]
    # A rolling batch of 1 gives the new definition to the first member that differs.
    assert member_definitions(old, {"v": 2}, 3, 1, lambda: "x")[0] == ("a", {"v": 2})
    assert list(batches(3, 3, 1, 0)) == [(3, 1), (3, 1), (3, 1)]
    assert list(batches(2, 2, 1, 2)) == [(3, 1), (3, 1), (2, 0)]  # min_in_service 2


def test_scaling_is_refused_in_cooldown_and_while_scaling() -> None:
    assert scaling_allowed({}, 100.0) is None
    assert scaling_allowed({"cooldown_end": 90.0}, 100.0) is None
    assert "cooldown" in (scaling_allowed({"cooldown_end": 160.0}, 100.0) or "")
    assert scaling_allowed({"scaling_in_progress": True}, 100.0) == "due to scaling activity"


ASG = """
heat_template_version: 2018-08-31
parameters:
  desired: {type: number, default: 2}
  label: {type: string, default: one}
resources:
  asg:
    type: OS::Heat::AutoScalingGroup
    properties:
      min_size: 1
      max_size: 4
      desired_capacity: {get_param: desired}
      resource:
        type: OS::Neutron::Net
        properties: {name: {get_param: label}}
  up:
    type: OS::Heat::ScalingPolicy
    properties:
      auto_scaling_group_id: {get_resource: asg}
      adjustment_type: change_in_capacity
      scaling_adjustment: 2
  down:
    type: OS::Heat::ScalingPolicy
    properties:
      auto_scaling_group_id: {get_resource: asg}
      adjustment_type: percent_change_in_capacity
      scaling_adjustment: -40
      min_adjustment_step: 2
  slow:
    type: OS::Heat::ScalingPolicy
    properties:
      auto_scaling_group_id: {get_resource: asg}
      adjustment_type: exact_capacity
      scaling_adjustment: 1
      cooldown: 3600
outputs:
  size: {value: {get_attr: [asg, current_size]}}
  refs: {value: {get_attr: [asg, refs]}}
  names: {value: {get_attr: [asg, outputs_list, name]}}
  by_member: {value: {get_attr: [asg, outputs, name]}}
  first: {value: {get_attr: [asg, resource.0]}}
  url: {value: {get_attr: [up, alarm_url]}}
  signal_url: {value: {get_attr: [up, signal_url]}}
"""


def outputs(run_cli: Any, stack: str) -> dict[str, Any]:
    shown = run_cli("stack", "output", stack, "--json")
    assert shown.exit_code == 0, shown.stderr
    return {k: v["value"] for k, v in json.loads(shown.stdout).items()}


def networks(state_dir: Path) -> list[str]:
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    with sandbox:
        return sorted(sandbox.inventory().get("network/network", []))


def group_row(state_dir: Path, stack: str) -> Any:
    with StateStore.open(state_dir) as store:
        row = store.find_resource(store.get_stack(stack).id, "asg")
        assert row is not None
        return row


def test_signals_scale_a_group_of_networks_up_and_down(
    run_cli: Any, tmp_path: Path, state_dir: Path
) -> None:
    (tmp_path / "asg.yaml").write_text(ASG)
    created = run_cli("stack", "create", str(tmp_path / "asg.yaml"), "--name", "sc")
    assert created.exit_code == 0, created.stderr
    out = outputs(run_cli, "sc")
    assert out["size"] == 2 and out["names"] == ["one", "one"]
    assert sorted(out["refs"]) == networks(state_dir)
    assert out["first"] == out["refs"][0] and out["url"] is None and out["signal_url"] is None
    oldest = out["refs"][0]

    up = run_cli("stack", "signal", "sc", "up")
    assert up.exit_code == 0, up.stderr
    assert "2 -> 4 member(s)" in up.stderr
    assert "/asg/" in up.stderr  # the members' events, named by the parent resource
    out = outputs(run_cli, "sc")
    assert out["size"] == 4 and len(networks(state_dir)) == 4
    assert out["refs"][:2] == [oldest, out["first"]][:1] + out["refs"][1:2]
    row = group_row(state_dir, "sc")
    assert str(row.status) == "UPDATE_COMPLETE" and row.data["scaling_in_progress"] is False
    assert row.attributes["current_size"] == 4

    again = run_cli("stack", "signal", "sc", "up")  # already at max_size
    assert again.exit_code == 0 and "no action required" in again.stderr
    assert "stays at 4" in again.stderr

    down = run_cli("stack", "signal", "sc", "down", "--data", '{"current": "alarm"}')
    assert down.exit_code == 0, down.stderr
    assert "4 -> 2 member(s)" in down.stderr  # -40% is 1.6: 1, then min_adjustment_step 2
    after = outputs(run_cli, "sc")
    assert after["size"] == 2 and oldest not in after["refs"]
    assert sorted(after["refs"]) == networks(state_dir)  # the oldest two were deleted
    assert after["refs"] == out["refs"][2:]

    slow = run_cli("stack", "signal", "sc", "slow")
    assert slow.exit_code == 0 and "2 -> 1" in slow.stderr
    cooled = run_cli("stack", "signal", "sc", "up")  # the slow policy's cooldown is 3600 s
    assert cooled.exit_code == 0 and "due to cooldown" in cooled.stderr
    assert outputs(run_cli, "sc")["size"] == 1
    events = run_cli("stack", "events", "sc").stdout
    assert "sc/up UPDATE_COMPLETE: no action required: group asg due to cooldown" in events

    assert run_cli("stack", "delete", "sc", "--yes").exit_code == 0
    assert networks(state_dir) == []


def test_update_resizes_and_rolls_the_new_definition_out(
    run_cli: Any, tmp_path: Path, state_dir: Path
) -> None:
    (tmp_path / "asg.yaml").write_text(ASG)
    path = str(tmp_path / "asg.yaml")
    assert run_cli("stack", "create", path, "--name", "ru").exit_code == 0
    before = outputs(run_cli, "ru")["refs"]
    grown = run_cli("stack", "update", "ru", "-t", path, "-P", "desired=3")
    assert grown.exit_code == 0, grown.stderr
    out = outputs(run_cli, "ru")
    assert out["size"] == 3 and out["refs"][:2] == before
    relabel = run_cli("stack", "update", "ru", "-t", path, "-P", "desired=3", "-P", "label=two")
    assert relabel.exit_code == 0, relabel.stderr
    out = outputs(run_cli, "ru")
    assert out["names"] == ["two", "two", "two"] and out["refs"][:2] == before  # in place
    assert run_cli("stack", "delete", "ru", "--yes").exit_code == 0
    assert networks(state_dir) == []


def test_a_child_stack_is_changed_only_through_its_parent(
    run_cli: Any, tmp_path: Path, state_dir: Path
) -> None:
    (tmp_path / "asg.yaml").write_text(ASG)
    assert run_cli("stack", "create", str(tmp_path / "asg.yaml"), "--name", "p").exit_code == 0
    listed = json.loads(run_cli("stack", "list", "--nested", "--json").stdout)
    child = next(s for s in listed if s["parent"] == "p")
    assert [s["name"] for s in json.loads(run_cli("stack", "list", "--json").stdout)] == ["p"]
    for args in (("delete", child["name"], "--yes"), ("resume", child["name"])):
        refused = run_cli("stack", *args)
        assert refused.exit_code == 4, refused.stderr
        assert "is a nested stack of 'p' (resource 'asg')" in refused.stderr
        assert "heatctl stack update p" in refused.stderr
    updated = run_cli("stack", "update", child["name"], "-t", str(tmp_path / "asg.yaml"))
    assert updated.exit_code == 4
    assert len(networks(state_dir)) == 2
    assert run_cli("stack", "delete", "p", "--yes").exit_code == 0
    assert networks(state_dir) == []


def test_a_signal_finishes_a_resize_that_a_crash_interrupted(
    run_cli: Any, tmp_path: Path, state_dir: Path
) -> None:
    (tmp_path / "asg.yaml").write_text(ASG)
    assert run_cli("stack", "create", str(tmp_path / "asg.yaml"), "--name", "k").exit_code == 0
    # What a kill in the middle of `stack signal k up` leaves: the group UPDATE_IN_PROGRESS,
    # scaling_in_progress set, the target size not reached (Heat stays wedged there).
    row = group_row(state_dir, "k")
    with StateStore.open(state_dir) as store:
        data = {**row.data, "scaling_in_progress": True, "target": 3}
        store.set_resource_data(row.id, data=data)
        store.db.execute(
            "UPDATE resources SET status = 'UPDATE_IN_PROGRESS' WHERE id = ?", [row.id]
        )
        store.db.conn.commit()
    resumed = run_cli("stack", "signal", "k", "up")
    assert resumed.exit_code == 0, resumed.stderr
    assert "3 -> 4 member(s)" in resumed.stderr  # 3 first, then +2 clamped to max_size 4
    events = run_cli("stack", "events", "k").stdout
    assert "k/asg UPDATE_COMPLETE: finishing an interrupted resize" in events
    assert outputs(run_cli, "k")["size"] == 4 and len(networks(state_dir)) == 4
    assert group_row(state_dir, "k").data["scaling_in_progress"] is False
    assert run_cli("stack", "delete", "k", "--yes").exit_code == 0
    assert networks(state_dir) == []


def test_resume_finishes_a_group_create_killed_inside_the_child(
    run_cli: Any, tmp_path: Path, state_dir: Path
) -> None:
    (tmp_path / "asg.yaml").write_text(ASG)
    assert run_cli("stack", "create", str(tmp_path / "asg.yaml"), "--name", "r").exit_code == 0
    before = outputs(run_cli, "r")["refs"]
    # A kill in the middle of the child's create: every stack and the group in
    # CREATE_IN_PROGRESS, the group without its physical id, a member whose network was
    # made but not yet recorded (the resumed create must adopt it, not make a second one).
    with StateStore.open(state_dir) as store:
        parent = store.get_stack("r")
        child = next(s for s in store.list_stacks(include_nested=True) if s.parent_id)
        newest = sorted(store.resources(child.id), key=lambda r: r.created_at)[-1]
        with store.transaction() as db:
            db.execute("UPDATE stacks SET status = 'CREATE_IN_PROGRESS'")
            db.execute(
                "UPDATE resources SET status = 'CREATE_IN_PROGRESS', physical_id = NULL"
                " WHERE stack_id = ? AND name IN ('asg', 'up', 'down', 'slow')",
                [parent.id],
            )
            db.execute(
                "UPDATE resources SET status = 'CREATE_IN_PROGRESS', physical_id = NULL"
                " WHERE id = ?",
                [newest.id],
            )
    resumed = run_cli("stack", "resume", "r")
    assert resumed.exit_code == 0, resumed.stderr
    after = outputs(run_cli, "r")
    assert sorted(after["refs"]) == sorted(before) == networks(state_dir)  # no new member
    assert run_cli("stack", "delete", "r", "--yes").exit_code == 0
    assert networks(state_dir) == []


def test_the_engine_scales_as_a_library(tmp_path: Path) -> None:
    """No CLI: load the template, create, signal and delete through StackEngine."""
    from heatctl.engine.model import Source, load_model, model_from_stack
    from heatctl.engine.runtime import build_engine
    from heatctl.engine.scaling_signal import signal_policy
    from heatctl.engine.stack import RunOptions

    (tmp_path / "asg.yaml").write_text(ASG)
    sandbox = Sandbox(state_path=tmp_path / "sandbox.db").start()

    class Cloud:
        def connection(self) -> Any:
            return sandbox.connection()

    try:
        with StateStore.open(tmp_path / "state") as store:
            engine = build_engine(store, Cloud())  # type: ignore[arg-type]
            model = load_model(Source(template=str(tmp_path / "asg.yaml")), stack_name="lib")
            assert engine.create("lib", model, RunOptions()).ok
            stack = store.get_stack("lib")
            outcome = signal_policy(
                engine, "lib", "up", {}, RunOptions(), lambda s: model_from_stack(s, {})
            )
            assert (outcome.before, outcome.after, outcome.resized) == (2, 4, True)
            group = store.find_resource(stack.id, "asg")
            assert group is not None and group.attributes["current_size"] == 4
            assert len(sandbox.inventory()["network/network"]) == 4
            assert store.outputs(stack.id)["size"]["value"] == 4
            assert engine.delete("lib", RunOptions()).ok
        assert sandbox.inventory() == {}
    finally:
        sandbox.stop()
