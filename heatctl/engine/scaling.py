"""Autoscaling groups as child stacks, and the scaling policy signal that resizes them.

Heat's behaviour (heat/engine/resources/aws/autoscaling/autoscaling_group.py,
openstack/heat/{autoscaling_group,instance_group,scaling_policy}.py, heat/scaling/*):

- OS::Heat::AutoScalingGroup members are its `resource` definition; OS::Heat::InstanceGroup
  and AWS::AutoScaling::AutoScalingGroup members are AWS::EC2::Instance resources made from
  the LaunchConfiguration's properties (plus the group's Tags and metering tag; the first
  VPCZoneIdentifier as SubnetId). An environment may map AWS::EC2::Instance to a provider
  template, as in Heat.
- Members get random 12-character names. A resize keeps the existing members with the
  definition they have and adds new ones with the current definition; shrinking removes
  failed members first, then the oldest (heat.scaling.template.member_definitions).
- A change of `resource` replaces members in batches by `rolling_updates`
  (min_in_service, max_batch_size, pause_time; heat.scaling.rolling_update).
- Create / update sizes: desired_capacity or min_size; then desired_capacity or the current
  size, clamped to [min_size, max_size]; InstanceGroup: Size.
- A ScalingPolicy signal computes the new capacity (change / exact / percent with
  min_adjustment_step, clamped), and does nothing when it equals the current size, when the
  group is not COMPLETE, while a scaling is in progress, or before the cooldown ends (the
  policy's cooldown, else the group's). Cooldown starts when a resize finishes.
"""

from __future__ import annotations

import math
import secrets
import string
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.nested import ChildStackPlugin, load_document, parent_loaded
from heatctl.engine.nested_groups import PlainModel, member_attributes
from heatctl.engine.records import StackRecord
from heatctl.engine.wait import Wait

if TYPE_CHECKING:
    from heatctl.engine.stack import StackEngine, TemplateModel

OS_GROUP = "OS::Heat::AutoScalingGroup"
INSTANCE_GROUP = "OS::Heat::InstanceGroup"
AWS_GROUP = "AWS::AutoScaling::AutoScalingGroup"
GROUP_TYPES = frozenset({OS_GROUP, INSTANCE_GROUP, AWS_GROUP})
POLICY_TYPES = frozenset({"OS::Heat::ScalingPolicy", "AWS::AutoScaling::ScalingPolicy"})
INSTANCE_TYPE = "AWS::EC2::Instance"
CFN_TYPES = {"ExactCapacity", "ChangeInCapacity", "PercentChangeInCapacity"}


def calculate_new_capacity(
    current: int,
    adjustment: float,
    adjustment_type: str,
    min_adjustment_step: int | None,
    minimum: int,
    maximum: int,
) -> int:
    """Heat's scalingutil.calculate_new_capacity: the size after an adjustment, clamped."""
    if adjustment_type in ("change_in_capacity", "ChangeInCapacity"):
        new = current + adjustment
    elif adjustment_type in ("exact_capacity", "ExactCapacity"):
        new = adjustment
    else:  # percent_change_in_capacity: under one member rounds away from zero
        delta = current * adjustment / 100.0
        if math.fabs(delta) < 1.0:
            rounded = int(math.ceil(delta) if delta > 0.0 else math.floor(delta))
        else:
            rounded = int(math.floor(delta) if delta > 0.0 else math.ceil(delta))
        if min_adjustment_step and min_adjustment_step > abs(rounded):
            rounded = min_adjustment_step if rounded > 0 else -min_adjustment_step
        new = current + rounded
    return int(max(minimum, min(maximum, new)))


def member_definitions(
    old: Sequence[tuple[str, Any]],
    new_definition: Any,
    size: int,
    num_new: int,
    new_name: Callable[[], str],
) -> list[tuple[str, Any]]:
    """Heat's scaling.template.member_definitions: `old` is ordered first-to-remove first;
    the newest `size` are kept, `num_new` members get the new definition (new members
    first, then existing ones whose definition differs), the others keep theirs."""
    kept = list(old[-size:]) if size else []
    replace = num_new - (size - len(kept))
    result = []
    for index in range(size):
        if index < len(kept):
            name, definition = kept[index]
            if definition != new_definition and replace > 0:
                replace -= 1
                definition = new_definition
            result.append((name, definition))
        else:
            result.append((new_name(), new_definition))
    return result


def next_batch(target: int, current: int, up_to_date: int, batch: int, in_service: int) -> Any:
    """Heat's rolling_update.next_batch: (group size after the batch, members updated)."""
    effective_min = min(in_service, target, current)
    effective_batch = min(batch, max(target - up_to_date, 0))
    size = effective_batch + max(min(current, target - effective_batch), effective_min)
    return size, effective_batch


def batches(target: int, current: int, batch: int, in_service: int) -> Iterator[Any]:
    """The batches of a rolling update (Heat's _get_batches)."""
    updated = 0
    while not (updated >= current == target):
        size, count = next_batch(target, current, updated, batch, in_service)
        yield size, count
        current, updated = size, updated + count


def short_id() -> str:
    """A member name like Heat's short_id.generate_id(): 12 lower-case letters/digits."""
    alphabet = string.ascii_lowercase + string.digits
    return secrets.choice(string.ascii_lowercase) + "".join(
        secrets.choice(alphabet) for _ in range(11)
    )


@dataclass(frozen=True)
class SizeKeys:
    """Where a group type keeps its sizes."""

    minimum: str
    maximum: str
    desired: str
    cooldown: str


SIZE_KEYS = {
    OS_GROUP: SizeKeys("min_size", "max_size", "desired_capacity", "cooldown"),
    AWS_GROUP: SizeKeys("MinSize", "MaxSize", "DesiredCapacity", "Cooldown"),
    INSTANCE_GROUP: SizeKeys("Size", "Size", "Size", ""),
}


class ScalingGroupPlugin(ChildStackPlugin):
    """The lifecycle of the autoscaling group types over a child stack."""

    def __init__(self, engine: StackEngine, type_name: str) -> None:
        super().__init__(engine)
        self.type_name = type_name
        self.keys = SIZE_KEYS[type_name]

    # -- sizes ----------------------------------------------------------------------------

    def bounds(self, ctx: ResourceContext) -> tuple[int, int]:
        return int(ctx.properties.get(self.keys.minimum) or 0), int(
            ctx.properties.get(self.keys.maximum) or 0
        )

    def initial_size(self, ctx: ResourceContext) -> int:
        desired = ctx.properties.get(self.keys.desired)
        return int(desired if desired else ctx.properties.get(self.keys.minimum) or 0)

    def update_size(self, ctx: ResourceContext, capacity: int) -> int:
        if self.type_name == INSTANCE_GROUP:
            size = ctx.properties.get("Size")
            return int(size) if size is not None else capacity
        desired = ctx.properties.get(self.keys.desired) or capacity
        return calculate_new_capacity(capacity, desired, "exact_capacity", None, *self.bounds(ctx))

    def current_size(self, ctx: ResourceContext) -> int:
        """Members that are not FAILED (Heat's grouputils.get_size)."""
        child = self._child(ctx)
        if child is None:
            return 0
        return sum(not r.status.failed for r in self.engine.store.resources(child.id))

    # -- the members ----------------------------------------------------------------------

    def member_definition(self, ctx: ResourceContext) -> dict[str, Any]:
        """The definition new members get."""
        if self.type_name == OS_GROUP:
            return dict(ctx.properties.get("resource") or {})
        if ctx.properties.get("LoadBalancerNames"):
            raise ResourceFailed(
                f"{ctx.name}: LoadBalancerNames is not supported yet (the members would not"
                " be put behind the load balancers)"
            )
        if ctx.properties.get("InstanceId"):
            raise ResourceFailed(
                f"{ctx.name}: InstanceId (copying an existing server's settings) is not"
                " supported yet; give a LaunchConfigurationName"
            )
        config = self._launch_configuration(ctx)
        properties = {k: v for k, v in config.items() if v is not None and k != "InstanceId"}
        properties["Tags"] = self._tags(ctx)
        subnets = ctx.properties.get("VPCZoneIdentifier")
        if subnets:
            properties["SubnetId"] = subnets[0]
        return {"type": INSTANCE_TYPE, "properties": properties}

    def _launch_configuration(self, ctx: ResourceContext) -> dict[str, Any]:
        ref = ctx.properties.get("LaunchConfigurationName")
        for row in self.engine.store.resources(ctx.stack_id):
            if row.physical_id == ref and row.type == "AWS::AutoScaling::LaunchConfiguration":
                return dict(row.properties)
        raise ResourceFailed(
            f"{ctx.name}: LaunchConfigurationName ({ref}) reference can not be found"
        )

    def _tags(self, ctx: ResourceContext) -> list[dict[str, Any]]:
        """The group's Tags plus the metering tag Heat adds (group name for Ceilometer)."""
        tags = list(ctx.properties.get("Tags") or [])
        if self.type_name == AWS_GROUP:
            return [*tags, {"Key": "metering.AutoScalingGroupName", "Value": ctx.physical_name()}]
        if any(str(t.get("Key", "")).startswith("metering.") for t in tags):
            return tags
        return [*tags, {"Key": "metering.groupname", "Value": ctx.physical_name()}]

    def existing(self, child: StackRecord | None) -> list[tuple[str, Any]]:
        """The members with their definitions, first to remove first: failed ones, then
        by age (members the stored template names but that were never made are newest)."""
        if child is None:
            return []
        definitions = dict((child.template.get("resources") or {}).items())
        rows = {r.name: r for r in self.engine.store.resources(child.id)}

        def order(name: str) -> tuple[bool, float, str]:
            row = rows.get(name)
            if row is None:
                return (True, math.inf, name)
            return (not row.status.failed, row.created_at, name)

        return [(name, definitions[name]) for name in sorted(definitions, key=order)]

    def model(self, ctx: ResourceContext, members: Sequence[tuple[str, Any]]) -> TemplateModel:
        import json

        document = {"heat_template_version": "2015-04-30", "resources": dict(members)}
        loaded = parent_loaded(self.engine, ctx)
        if loaded is None:
            return PlainModel(document)
        label = f"<members of {ctx.name}, made from {loaded.name}>"
        return load_document(loaded, ctx.name, json.dumps(document, indent=1), {}, label)

    def child_model(self, ctx: ResourceContext, child: StackRecord | None) -> TemplateModel:
        size = ctx.data.get("target")
        size = self.initial_size(ctx) if size is None else int(size)
        return self._members_model(ctx, child, size, 0)

    def _members_model(
        self, ctx: ResourceContext, child: StackRecord | None, size: int, num_new: int
    ) -> TemplateModel:
        definition = self.member_definition(ctx)
        members = member_definitions(self.existing(child), definition, size, num_new, short_id)
        return self.model(ctx, members)

    # -- lifecycle ------------------------------------------------------------------------

    def create(self, ctx: ResourceContext) -> Wait | None:
        ctx.data["target"] = self.initial_size(ctx)
        self._converge(ctx)
        self.finished_scaling(ctx, size_changed=True)
        return None

    def update(self, ctx: ResourceContext) -> Wait | None:
        if self.type_name == OS_GROUP and "resource" in ctx.changed:
            self._rolling_replace(ctx)
        self.resize(ctx, self.update_size(ctx, self.current_size(ctx)))
        self.finished_scaling(ctx, size_changed=True)
        return None

    def resize(self, ctx: ResourceContext, size: int) -> None:
        """Make the group `size` members (existing ones keep their definition)."""
        ctx.data["target"] = size
        self._converge(ctx, self._members_model(ctx, self._child(ctx), size, 0))

    def _rolling_replace(self, ctx: ResourceContext) -> None:
        """Give every member the new definition, in batches (Heat's _replace)."""
        policy = dict(ctx.properties.get("rolling_updates") or {})
        child = self._child(ctx)
        capacity = len(self.existing(child))
        target = min(self.update_size(ctx, capacity) or capacity, capacity)
        pause = float(policy.get("pause_time") or 0)
        plan = list(
            batches(
                target,
                capacity,
                int(policy.get("max_batch_size") or 1),
                int(policy.get("min_in_service") or 0),
            )
        )
        for index, (size, count) in enumerate(plan):
            ctx.data["target"] = size
            self._converge(ctx, self._members_model(ctx, self._child(ctx), size, count))
            if index < len(plan) - 1 and pause > 0:
                ctx.sleep(pause)

    def finished_scaling(self, ctx: ResourceContext, *, size_changed: bool) -> None:
        """Heat's _finished_scaling: the cooldown runs from the end of a resize."""
        if size_changed:
            cooldown = max(0.0, float(ctx.properties.get(self.keys.cooldown) or 0))
            if ctx.data.get("cooldown_seconds") is not None:
                cooldown = max(0.0, float(ctx.data.pop("cooldown_seconds")))
            end = ctx.now() + cooldown
            ctx.data["cooldown_end"] = max(end, float(ctx.data.get("cooldown_end") or 0))
        ctx.data["scaling_in_progress"] = False

    # -- attributes -----------------------------------------------------------------------

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        child = self._child(ctx)
        if child is None:
            return {}
        store = self.engine.store
        rows = {r.name: r for r in store.resources(child.id)}
        ordered = [rows[name] for name, _ in self.existing(child) if name in rows]
        members = member_attributes(store, child.id, ordered)
        ctx.secret_attributes = tuple(sorted(set(ctx.secret_attributes) | members.secret))
        size = sum(not r.status.failed for r in ordered)
        if self.type_name != OS_GROUP:
            addresses = [str(v) for v in members.by_attr.get("PublicIp", {}).values() if v]
            return {"InstanceList": ",".join(addresses) or None}
        values: dict[str, Any] = {
            "current_size": size,
            "refs": list(members.refs.values()),
            "refs_map": members.refs,
            "outputs": members.by_attr,
            "outputs_list": {a: list(m.values()) for a, m in members.by_attr.items()},
        }
        for index, row in enumerate(ordered):
            values[f"resource.{index}"] = members.refs[row.name]
            for attr, per_member in members.by_attr.items():
                values[f"resource.{index}.{attr}"] = per_member.get(row.name)
        return values


def scaling_allowed(data: Mapping[str, Any], now: float) -> str | None:
    """Why a scaling must not start now (Heat's _check_scaling_allowed), or None."""
    if data.get("scaling_in_progress"):
        return "due to scaling activity"
    end = data.get("cooldown_end")
    if end is not None and now < float(end):
        return f"due to cooldown, {float(end) - now:.0f}s left"
    return None


def policy_values(row: Any) -> tuple[str, float, str, int | None, float | None]:
    """(group reference, adjustment, adjustment type, min step, cooldown) of a policy row,
    for either policy type."""
    props = row.properties
    if row.type == "AWS::AutoScaling::ScalingPolicy":
        return (
            str(props.get("AutoScalingGroupName")),
            float(props.get("ScalingAdjustment") or 0),
            str(props.get("AdjustmentType")),
            props.get("MinAdjustmentStep"),
            props.get("Cooldown"),
        )
    return (
        str(props.get("auto_scaling_group_id")),
        float(props.get("scaling_adjustment") or 0),
        str(props.get("adjustment_type")),
        props.get("min_adjustment_step"),
        props.get("cooldown"),
    )


def now() -> float:
    return time.time()
