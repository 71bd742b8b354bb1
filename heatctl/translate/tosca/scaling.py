"""Scaling: the scaled nodes move into a nested template driven by OS::Heat::AutoScalingGroup.

References from the nested template to resources left in the main one become nested
parameters (passed as the group's resource properties); references from the main template
to scaled resources become `outputs_list` attributes of the group.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from heatctl.translate.tosca.sources import fail

if TYPE_CHECKING:
    from heatctl.translate.tosca.translator import Context


def _number(
    ctx: Context, properties: Mapping[str, Any], key: str, default: Any, path: tuple[Any, ...]
) -> Any:
    value = ctx.functions.input_value(
        properties.get(key, default), (*path, "properties", key), "to size the scaling group"
    )
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise fail(
            f"scaling property {key} must be an integer, not {value!r}",
            ctx.file,
            ctx.document,
            (*path, "properties", key),
        )
    return value


def scaling_group(
    ctx: Context, name: str, body: Mapping[str, Any], path: tuple[Any, ...], targets: list[str]
) -> None:
    """tosca.policies.Scaling (and derived, e.g. tacker.Scaling) -> group + two policies."""
    properties = body.get("properties") or {}
    minimum = _number(ctx, properties, "min_instances", 1, path)
    maximum = _number(ctx, properties, "max_instances", minimum, path)
    desired = _number(ctx, properties, "default_instances", minimum, path)
    increment = _number(ctx, properties, "increment", 1, path)
    cooldown = _number(ctx, properties, "cooldown", None, path)
    if not targets:
        raise fail(f"scaling policy '{name}' has no targets", ctx.file, ctx.document, path)
    group: dict[str, Any] = {"min_size": minimum, "max_size": maximum, "desired_capacity": desired}
    if cooldown is not None:
        group["cooldown"] = cooldown
    make_group(ctx, f"{name}_group", f"{name}_res.yaml", targets, group, metering=name)
    add_policies(ctx, name, f"{name}_group", increment, cooldown)


def add_policies(
    ctx: Context, prefix: str, group: str, increment: int, cooldown: int | None
) -> None:
    """The <prefix>_scale_out and <prefix>_scale_in OS::Heat::ScalingPolicy resources."""
    for suffix, sign in (("scale_out", 1), ("scale_in", -1)):
        policy: dict[str, Any] = {
            "auto_scaling_group_id": {"get_resource": group},
            "adjustment_type": "change_in_capacity",
            "scaling_adjustment": sign * increment,
        }
        if cooldown is not None:
            policy["cooldown"] = cooldown
        ctx.add(f"{prefix}_{suffix}", {"type": "OS::Heat::ScalingPolicy", "properties": policy})


def _moved_resources(ctx: Context, targets: list[str]) -> list[str]:
    names: list[str] = []
    for target in targets:
        names.extend(ctx.owned.get(target, []))
        for requirement in ctx.nodes[target].requirements:
            if requirement.target and ctx.kinds.get(requirement.target) in (
                "volume",
                "vdu_storage",
            ):
                names.extend(ctx.owned.get(requirement.target, []))
    return [n for n in dict.fromkeys(names) if n in ctx.resources]


def make_group(
    ctx: Context,
    group: str,
    file: str,
    targets: list[str],
    properties: dict[str, Any],
    *,
    metering: str | None = None,
) -> None:
    """Move the targets' resources into nested template `file`; add the group resource."""
    moved = _moved_resources(ctx, targets)
    resources = {n: ctx.resources.pop(n) for n in moved}
    if metering:
        for resource in resources.values():
            if resource["type"] == "OS::Nova::Server":
                resource["properties"].setdefault("metadata", {}).setdefault(
                    "metering.server_group", metering
                )
    parameters: dict[str, Any] = {}
    passed: dict[str, Any] = {}
    external = _Externals(ctx, set(resources), parameters, passed)
    for resource in resources.values():
        depends = [d for d in resource.get("depends_on", []) if d in resources]
        resource.update({k: external.rewrite(v) for k, v in resource.items() if k != "depends_on"})
        if depends:
            resource["depends_on"] = depends
        else:
            resource.pop("depends_on", None)
    nested: dict[str, Any] = {
        "heat_template_version": ctx.version,
        "description": "Scaling template",
    }
    if parameters:
        nested["parameters"] = parameters
    nested["resources"] = resources
    ctx.nested[file] = nested
    member: dict[str, Any] = {"type": file}
    if passed:
        member["properties"] = passed
    ctx.add(
        group,
        {"type": "OS::Heat::AutoScalingGroup", "properties": {**properties, "resource": member}},
    )
    for name in resources:
        ctx.attributes.setdefault("__moved__", {})[name] = (group, file)


class _Externals:
    """Rewrites references from a nested template to the main one into parameters."""

    def __init__(
        self, ctx: Context, inside: set[str], parameters: dict[str, Any], passed: dict[str, Any]
    ) -> None:
        self.ctx = ctx
        self.inside = inside
        self.parameters = parameters
        self.passed = passed

    def _parameter(self, name: str, value: Any, definition: dict[str, Any]) -> dict[str, Any]:
        self.parameters.setdefault(name, definition)
        self.passed.setdefault(name, value)
        return {"get_param": name}

    def rewrite(self, value: Any) -> Any:
        if isinstance(value, dict | Mapping) and len(value) == 1:
            ((key, args),) = value.items()
            if key == "get_resource" and isinstance(args, str) and args not in self.inside:
                return self._parameter(f"{args.lower()}_id", value, {"type": "string"})
            if key == "get_attr" and isinstance(args, list) and args and args[0] not in self.inside:
                name = "_".join(str(a) for a in args).lower()
                return self._parameter(name, value, {"type": "json"})
            if key == "get_param":
                param = args[0] if isinstance(args, list) else args
                known = self.ctx.parameters.get(param, {"type": "string"})
                definition = dict(known)
                self._parameter(str(param), {"get_param": param}, definition)
                return value
        if isinstance(value, dict | Mapping):
            return {k: self.rewrite(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.rewrite(v) for v in value]
        return value


def rewrite_main(ctx: Context, outputs: dict[str, Any]) -> None:
    """References in the main template to resources now inside a scaling group."""
    moved: dict[str, tuple[str, str]] = ctx.attributes.get("__moved__", {})
    if not moved:
        return

    def rewrite(value: Any, path: tuple[Any, ...]) -> Any:
        if isinstance(value, dict | Mapping) and len(value) == 1:
            ((key, args),) = value.items()
            target = (
                args
                if key == "get_resource"
                else args[0]
                if key == "get_attr" and isinstance(args, list) and args
                else None
            )
            if isinstance(target, str) and target in moved:
                group, file = moved[target]
                output = f"{target}_id" if key == "get_resource" else "_".join(str(a) for a in args)
                ctx.nested[file].setdefault("outputs", {})[output] = {"value": value}
                ctx.reporter.approximate(
                    f"'{target}' is scaled: the value becomes the list of its members' values", path
                )
                return {"get_attr": [group, "outputs_list", output]}
        if isinstance(value, dict | Mapping):
            return {k: rewrite(v, path) for k, v in value.items()}
        if isinstance(value, list):
            return [rewrite(v, path) for v in value]
        return value

    for name, resource in ctx.resources.items():
        resource["properties"] = rewrite(resource.get("properties", {}), ("topology_template",))
        if "depends_on" in resource:
            resource["depends_on"] = list(
                dict.fromkeys(
                    moved[d][0] if d in moved else d
                    for d in resource["depends_on"]
                    if not (d in moved and moved[d][0] == name)
                )
            )
    for name, output in outputs.items():
        output["value"] = rewrite(output.get("value"), ("topology_template", "outputs", name))
