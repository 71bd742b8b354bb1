"""`heatctl stack signal STACK POLICY`: a scaling policy adjusts its group (Heat's
ScalingPolicy.handle_signal and AutoScalingGroup.adjust).

The signal runs under the stack's lock. The policy's row goes UPDATE_IN_PROGRESS ->
UPDATE_COMPLETE around it (heatctl has no SIGNAL action; the reasons say what the signal
did), and so does the group's row while its child stack is resized; the child's member
events are the child stack's, shown in the progress stream as `group/member`. A signal
that needs no action (no change in capacity, group not COMPLETE, cooldown, a scaling in
progress) changes nothing and says why, as Heat's NoActionRequired.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from heatctl.engine import locks
from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.records import ResourceRecord, StackRecord
from heatctl.engine.scaling import (
    POLICY_TYPES,
    ScalingGroupPlugin,
    calculate_new_capacity,
    policy_values,
    scaling_allowed,
)
from heatctl.engine.stack import RunningOperation, RunOptions, StackEngine, TemplateModel
from heatctl.engine.states import Action, State, Status
from heatctl.errors import ConflictError, InvalidInput


@dataclass(frozen=True)
class SignalOutcome:
    """What a policy signal did: `resized` False means no action was required."""

    policy: str
    group: str
    before: int
    after: int
    resized: bool
    reason: str


def signal_policy(
    engine: StackEngine,
    name_or_id: str,
    policy_name: str,
    details: Mapping[str, Any],
    options: RunOptions,
    model_for: Callable[[StackRecord], TemplateModel],
) -> SignalOutcome:
    """Adjust the group of the scaling policy `policy_name` of a stack."""
    store = engine.store
    stack = store.get_stack(name_or_id)
    policy = store.find_resource(stack.id, policy_name)
    if policy is None or policy.type not in POLICY_TYPES:
        raise InvalidInput(f"stack {stack.name!r} has no scaling policy {policy_name!r}")
    with locks.acquire(
        store,
        stack.id,
        command=options.command,
        lock_timeout=options.lock_timeout,
        stack_name=stack.name,
    ):
        return _signal(engine, stack, policy_name, details, options, model_for)


def _signal(
    engine: StackEngine,
    stack: StackRecord,
    policy_name: str,
    details: Mapping[str, Any],
    options: RunOptions,
    model_for: Callable[[StackRecord], TemplateModel],
) -> SignalOutcome:
    store = engine.store
    policy = store.find_resource(stack.id, policy_name)
    assert policy is not None
    if policy.physical_id is None or policy.status.action in (Action.INIT, Action.DELETE):
        raise ConflictError(
            f"scaling policy {policy_name!r} is {policy.status}: it cannot be signalled"
        )
    ref, adjustment, kind, step, cooldown = policy_values(policy)
    group = next((r for r in store.resources(stack.id) if r.physical_id == ref), None)
    if group is None or not isinstance(engine.plugin_for(group.type), ScalingGroupPlugin):
        raise InvalidInput(
            f"scaling policy {policy_name!r} could not find the scaling group {ref!r}"
        )
    state = str(details.get("current", details.get("state", "alarm"))).lower()
    store.set_resource_status(
        policy.id,
        Status(Action.UPDATE, State.IN_PROGRESS),
        f"signal received (alarm state {state})",
    )
    try:
        outcome = _adjust(
            engine,
            stack,
            group,
            policy_name,
            (adjustment, kind, step, cooldown),
            options,
            model_for,
        )
    except Exception as error:
        store.set_resource_status(
            policy.id, Status(Action.UPDATE, State.FAILED), f"signal: {error}"
        )
        raise
    store.set_resource_status(policy.id, Status(Action.UPDATE, State.COMPLETE), outcome.reason)
    store.add_signal(
        stack.id, policy.physical_id, policy_name, {**details, "outcome": outcome.reason}
    )
    return outcome


def _adjust(
    engine: StackEngine,
    stack: StackRecord,
    group: ResourceRecord,
    policy_name: str,
    adjustment: tuple[float, str, int | None, float | None],
    options: RunOptions,
    model_for: Callable[[StackRecord], TemplateModel],
) -> SignalOutcome:
    """Heat's AutoScalingGroup.adjust: check, resize, and start the cooldown."""
    plugin = engine.plugin_for(group.type)
    assert isinstance(plugin, ScalingGroupPlugin)
    ctx = group_context(engine, stack, group)
    resize = Resize(engine, stack, group, plugin, ctx, options, model_for)
    interrupted = group.status == Status(Action.UPDATE, State.IN_PROGRESS)
    if interrupted and ctx.data.get("scaling_in_progress"):
        # A signal killed during its resize left this (we hold the lock: nothing else runs
        # it). Heat stays wedged there ("scaling_in_progress"); heatctl finishes it first.
        group = resize.run(int(ctx.data["target"]), "finishing an interrupted resize")
    size = plugin.current_size(ctx)
    amount, kind, step, cooldown = adjustment
    target = calculate_new_capacity(size, amount, kind, step, *plugin.bounds(ctx))

    def no_action(why: str) -> SignalOutcome:
        reason = f"no action required: group {group.name} {why}"
        return SignalOutcome(policy_name, group.name, size, size, False, reason)

    if group.status.state is not State.COMPLETE:
        return no_action(f"is {group.status}")
    if target == size:
        return no_action(f"stays at {size} member(s) ({kind} {amount:g})")
    refused = scaling_allowed(ctx.data, ctx.now())
    if refused:
        return no_action(refused)
    if cooldown is not None:
        ctx.data["cooldown_seconds"] = cooldown
    reason = f"policy {policy_name} ({kind} {amount:g}): {size} -> {target} member(s)"
    resize.run(target, reason)
    return SignalOutcome(
        policy_name, group.name, size, target, True, f"group {group.name}: {reason}"
    )


@dataclass
class Resize:
    """One resize of a group's child stack outside a walk, with the group's row moving
    UPDATE_IN_PROGRESS -> UPDATE_COMPLETE/FAILED and the stack's outputs resolved again."""

    engine: StackEngine
    stack: StackRecord
    group: ResourceRecord
    plugin: ScalingGroupPlugin
    ctx: ResourceContext
    options: RunOptions
    model_for: Callable[[StackRecord], TemplateModel]

    def run(self, target: int, reason: str) -> ResourceRecord:
        store, ctx, plugin = self.engine.store, self.ctx, self.plugin
        ctx.data.update(scaling_in_progress=True, target=target)
        store.set_resource_data(self.group.id, data=ctx.data)
        store.set_resource_status(self.group.id, Status(Action.UPDATE, State.IN_PROGRESS), reason)
        model = self.engine.models[self.stack.id] = self.model_for(self.stack)
        stop = self.options.stop_requested or (lambda: False)
        self.engine.running[self.stack.id] = RunningOperation(self.options, time.monotonic(), stop)
        changed = False
        try:
            plugin.resize(ctx, target)
            changed = True
        except ResourceFailed as error:
            store.set_resource_status(
                self.group.id, Status(Action.UPDATE, State.FAILED), str(error)
            )
            raise
        finally:
            self.engine.running.pop(self.stack.id, None)
            plugin.finished_scaling(ctx, size_changed=changed)
            store.set_resource_data(self.group.id, physical_id=ctx.physical_id, data=ctx.data)
        # Every group attribute derives from the members: none of the old ones is kept.
        attributes = plugin.resolve_attributes(ctx)
        store.set_resource_data(
            self.group.id, attributes=attributes, secret_attributes=ctx.secret_attributes
        )
        self.group = store.set_resource_status(
            self.group.id, Status(Action.UPDATE, State.COMPLETE), reason
        )
        self.engine.store_outputs(self.stack, model)  # outputs may read the group
        return self.group


def group_context(engine: StackEngine, stack: StackRecord, row: ResourceRecord) -> ResourceContext:
    """The group's lifecycle context outside a walk (its stored, resolved properties)."""
    return ResourceContext(
        stack_id=stack.id,
        stack_name=stack.name,
        resource_id=row.id,
        name=row.name,
        type=row.type,
        tag=row.tag,
        properties=dict(row.properties),
        physical_id=row.physical_id,
        data=dict(row.data),
        old_properties=dict(row.properties),
        connection_factory=engine.connection_factory,
        journal=engine.store.journal,
        secret_attributes=engine.secret_attributes(row.type),
        signals=lambda target: engine.store.signals(stack.id, target),
    )
