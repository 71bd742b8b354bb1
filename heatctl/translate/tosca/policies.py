"""Policies: Placement -> OS::Nova::ServerGroup; Scaling -> OS::Heat::AutoScalingGroup over a
nested template + two OS::Heat::ScalingPolicy; Monitoring/Alarming triggers -> Aodh alarms
whose alarm_actions signal the scaling policies. Other policies go to the report."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from heatctl.dsl.diagnostics import did_you_mean
from heatctl.translate.tosca import scaling
from heatctl.translate.tosca.sources import fail

if TYPE_CHECKING:
    from heatctl.translate.tosca.translator import Context

POLICY_KEYS = frozenset(
    {"type", "description", "metadata", "properties", "targets", "triggers", "reservation"}
)
LEASE_EVENTS = {
    "start_actions": "lease.event.start_lease",
    "before_end_actions": "lease.event.before_end_lease",
    "end_actions": "lease.event.end_lease",
}
RAISING = ("gt", "ge", "greater_than", "greater_or_equal")


def check_groups(ctx: Context) -> None:
    """groups: a mapping of names to {type, members: [node template names]}."""
    groups = ctx.topology.get("groups")
    base = ("topology_template", "groups")
    if groups is None:
        return
    if not isinstance(groups, dict | Mapping):
        raise fail(
            "groups must be a mapping of group names to definitions", ctx.file, ctx.document, base
        )
    for name, group in groups.items():
        path = (*base, name)
        if not isinstance(group, dict | Mapping) or "type" not in group:
            raise fail(f"group '{name}' needs a type", ctx.file, ctx.document, path)
        ctx.registry.require("group_types", group["type"], ctx.file, ctx.document, (*path, "type"))
        members = group.get("members") or []
        if not isinstance(members, list) or not all(
            isinstance(m, str) and m in ctx.nodes for m in members
        ):
            raise fail(
                f"members of group '{name}' must be a list of node template names{did_you_mean(next((m for m in members if isinstance(m, str) and m not in ctx.nodes), None), ctx.nodes) if isinstance(members, list) else ''}",
                ctx.file,
                ctx.document,
                (*path, "members"),
            )


def build_all(ctx: Context) -> None:
    """Translate every policy of the topology."""
    check_groups(ctx)
    policies = ctx.topology.get("policies") or []
    items: list[tuple[str, Mapping[str, Any], tuple[Any, ...]]] = []
    if isinstance(policies, dict | Mapping):
        policies = [{k: v} for k, v in policies.items()]
    if not isinstance(policies, list):
        raise fail(
            "policies must be a list", ctx.file, ctx.document, ("topology_template", "policies")
        )
    for index, entry in enumerate(policies):
        if not isinstance(entry, dict | Mapping) or len(entry) != 1:
            raise fail(
                "a policy must be a mapping with one name",
                ctx.file,
                ctx.document,
                ("topology_template", "policies", index),
            )
        ((name, body),) = entry.items()
        path = ("topology_template", "policies", index, name)
        if not isinstance(body, dict | Mapping) or "type" not in body:
            raise fail(f"policy '{name}' needs a type", ctx.file, ctx.document, path)
        for key in body:
            if key not in POLICY_KEYS:
                ctx.reporter.untranslated(
                    f"policy key '{key}' is not TOSCA{did_you_mean(key, POLICY_KEYS)}; ignored",
                    (*path, key),
                )
        items.append((str(name), body, path))
    alarms: list[tuple[str, Mapping[str, Any], tuple[Any, ...]]] = []
    reservations: list[tuple[str, Mapping[str, Any], tuple[Any, ...]]] = []
    etsi: list[tuple[str, Mapping[str, Any], tuple[Any, ...]]] = []
    for name, body, path in items:
        typedef = ctx.registry.require(
            "policy_types", body["type"], ctx.file, ctx.document, (*path, "type")
        )
        chain = {t.name for t in ctx.registry.chain(typedef)}
        _check_properties(ctx, name, typedef, body, path)
        if typedef.name.startswith("tosca.policies.nfv."):
            etsi.append((name, body, path))
        elif "tosca.policies.Placement" in chain:
            placement(ctx, name, body, path)
        elif "tosca.policies.Scaling.Cluster" in chain:
            from heatctl.translate.tosca import senlin

            senlin.cluster(ctx, name, body, path, targets(ctx, name, body, path))
        elif "tosca.policies.Scaling" in chain:
            scaling.scaling_group(ctx, name, body, path, targets(ctx, name, body, path))
        elif "tosca.policies.Reservation" in chain or typedef.name.endswith("Reservation"):
            reservations.append((name, body, path))
        elif (
            "tosca.policies.Monitoring" in chain
            or typedef.name.endswith(("Alarming", "Monitoring"))
            or body.get("triggers")
        ):
            alarms.append((name, body, path))
        else:
            ctx.reporter.untranslated(
                f"policy type {typedef.name} has no HOT counterpart", (*path, "type")
            )
    if etsi:
        from heatctl.translate.tosca import nfv  # ETSI NFV templates only

        nfv.policies(ctx, etsi)
    for name, body, path in alarms:
        monitoring(ctx, name, body, path)
    for name, body, path in reservations:
        reservation(ctx, name, body, path)


def _check_properties(
    ctx: Context, name: str, typedef: Any, body: Mapping[str, Any], path: tuple[Any, ...]
) -> None:
    """A policy's properties against its type (values, data types, constraints) and the
    shape of its triggers."""
    from heatctl.translate.tosca.model import Checker, merge_properties

    given = body.get("properties")
    if given is not None and not isinstance(given, dict | Mapping):
        raise fail(
            f"properties of policy '{name}' must be a mapping",
            ctx.file,
            ctx.document,
            (*path, "properties"),
        )
    schemas = ctx.registry.merged(typedef, "properties")
    if schemas:
        checker = Checker(ctx.registry, ctx.file, ctx.document)
        known = {k: v for k, v in (given or {}).items() if k in schemas}
        merge_properties(
            checker, schemas, known, (*path, "properties"), f"policy '{name}' ({typedef.name})"
        )
    listed = body.get("targets")
    if listed is not None and (
        not isinstance(listed, list) or not all(isinstance(t, str) for t in listed)
    ):
        raise fail(
            f"targets of policy '{name}' must be a list of names",
            ctx.file,
            ctx.document,
            (*path, "targets"),
        )
    triggers = body.get("triggers")
    if triggers is not None and (
        not isinstance(triggers, dict | Mapping)
        or not all(isinstance(t, dict | Mapping) for t in triggers.values())
    ):
        raise fail(
            f"triggers of policy '{name}' must map names to trigger definitions",
            ctx.file,
            ctx.document,
            (*path, "triggers"),
        )
    for trigger, definition in (triggers or {}).items():
        condition = definition.get("condition")
        if condition is not None and not isinstance(condition, dict | Mapping):
            raise fail(
                f"condition of trigger '{trigger}' must be a mapping",
                ctx.file,
                ctx.document,
                (*path, "triggers", trigger, "condition"),
            )


def targets(ctx: Context, name: str, body: Mapping[str, Any], path: tuple[Any, ...]) -> list[str]:
    """A policy's targets as node names (groups expanded to their members)."""
    groups = ctx.topology.get("groups") or {}
    listed = body.get("targets")
    if listed is None and isinstance(body.get("properties"), dict | Mapping):
        listed = body["properties"].get("targets")
    result: list[str] = []
    if listed is not None and (
        not isinstance(listed, list) or not all(isinstance(t, str) for t in listed)
    ):
        raise fail(
            f"targets of policy '{name}' must be a list of names", ctx.file, ctx.document, path
        )
    for target in listed or []:
        if target in ctx.nodes:
            result.append(target)
        elif isinstance(groups, dict | Mapping) and target in groups:
            result.extend(m for m in (groups[target] or {}).get("members", []) if m in ctx.nodes)
        else:
            raise fail(
                f"policy '{name}' targets '{target}', which is neither a node template nor a group{did_you_mean(target, [*ctx.nodes, *groups])}",
                ctx.file,
                ctx.document,
                path,
            )
    return result


def placement(ctx: Context, name: str, body: Mapping[str, Any], path: tuple[Any, ...]) -> None:
    """Placement -> OS::Nova::ServerGroup, and scheduler_hints on the target servers."""
    properties = body.get("properties") or {}
    rule = str(properties.get("policy", "affinity"))
    if rule not in ("affinity", "anti-affinity"):
        raise fail(
            f"placement policy must be affinity or anti-affinity, not '{rule}'",
            ctx.file,
            ctx.document,
            (*path, "properties", "policy"),
        )
    if properties.get("strict") is False:
        rule = "soft-" + rule
        ctx.need_version("2016-04-08")
    server_group(ctx, name, rule, targets(ctx, name, body, path), path)


def server_group(
    ctx: Context, name: str, rule: str, nodes: list[str], path: tuple[Any, ...]
) -> None:
    """An OS::Nova::ServerGroup named `name` holding the servers of `nodes`."""
    ctx.add(
        name, {"type": "OS::Nova::ServerGroup", "properties": {"name": name, "policies": [rule]}}
    )
    for target in nodes:
        resource = ctx.resources.get(ctx.main_resource.get(target, ""))
        if resource is None or resource["type"] != "OS::Nova::Server":
            ctx.reporter.untranslated(f"placement target '{target}' is not a server; ignored", path)
            continue
        resource["properties"].setdefault("scheduler_hints", {})["group"] = {"get_resource": name}


def monitoring(ctx: Context, name: str, body: Mapping[str, Any], path: tuple[Any, ...]) -> None:
    """Each trigger -> OS::Aodh::GnocchiAggregationByResourcesAlarm, wired to scaling policies."""
    triggers = body.get("triggers") or {}
    if not isinstance(triggers, dict | Mapping) or not triggers:
        ctx.reporter.untranslated(f"monitoring policy '{name}' has no triggers", path)
        return
    for trigger_name, trigger in triggers.items():
        tpath = (*path, "triggers", trigger_name)
        if not isinstance(trigger, dict | Mapping):
            raise fail(f"trigger '{trigger_name}' must be a mapping", ctx.file, ctx.document, tpath)
        condition = trigger.get("condition") or {}
        properties: dict[str, Any] = {
            "metric": trigger.get("metric", condition.get("metric", "cpu_util")),
            "aggregation_method": condition.get("aggregation_method", "mean"),
            "granularity": condition.get("granularity", condition.get("period", 300)),
            "evaluation_periods": condition.get("evaluations", 1),
            "threshold": condition.get("threshold"),
            "comparison_operator": _operator(condition),
            "resource_type": condition.get("resource_type", "instance"),
        }
        if isinstance(condition.get("constraint"), str):
            properties["description"] = condition["constraint"]
        if properties["threshold"] is None:
            ctx.reporter.untranslated(f"trigger '{trigger_name}' has no threshold: no alarm", tpath)
            continue
        group = (
            trigger.get("metadata")
            or _scaled_group(ctx, trigger)
            or _label_targets(ctx, name, body, path)
        )
        # Aodh needs a query; it selects the servers labelled metering.server_group=<group>.
        properties["query"] = json.dumps({"=": {"server_group": str(group)}}, sort_keys=True)
        actions = _alarm_actions(ctx, trigger, properties["comparison_operator"], tpath)
        if actions:
            properties["alarm_actions"] = actions
        ctx.add(
            str(trigger_name),
            {"type": "OS::Aodh::GnocchiAggregationByResourcesAlarm", "properties": properties},
        )


def _label_targets(ctx: Context, name: str, body: Mapping[str, Any], path: tuple[Any, ...]) -> str:
    """Label the monitoring policy's target servers so the alarm's query finds them."""
    servers = [t for t in targets(ctx, name, body, path) if ctx.kinds.get(t) in ("server", "vdu")]
    for server in servers:
        resource = ctx.resources.get(ctx.main_resource.get(server, ""))
        if resource is not None:
            resource["properties"].setdefault("metadata", {}).setdefault(
                "metering.server_group", name
            )
    if not servers:
        ctx.reporter.approximate(
            f"the monitoring policy targets no server: its alarms watch servers labelled metering.server_group={name}",
            path,
        )
    return name


def reservation(ctx: Context, name: str, body: Mapping[str, Any], path: tuple[Any, ...]) -> None:
    """Reservation (Blazar lease events) -> an OS::Aodh::EventAlarm per lease event, which
    signals the listed scaling policies (out when the lease starts, in before it ends)."""
    spec = body.get("reservation") or body.get("properties") or {}
    lease = (spec.get("properties") or {}).get("lease_id")
    query = []
    if lease is not None:
        query = [
            {
                "field": "traits.lease_id",
                "op": "eq",
                "value": ctx.hot(lease, None, (*path, "reservation", "properties", "lease_id")),
            }
        ]
    for key, event in LEASE_EVENTS.items():
        actions = spec.get(key)
        if actions is None:
            continue
        alarm: dict[str, Any] = {"event_type": event}
        if query:
            alarm["query"] = query
        direction = "scale_out" if key == "start_actions" else "scale_in"
        wired = [
            {"get_attr": [f"{a}_{direction}", "alarm_url"]}
            for a in actions
            if f"{a}_{direction}" in ctx.resources
        ]
        if wired:
            alarm["alarm_actions"] = wired
        ignored = [a for a in actions if f"{a}_{direction}" not in ctx.resources and a != "noop"]
        if ignored:
            ctx.reporter.untranslated(
                f"{key} {ignored} name no scaling policy; nothing is signalled",
                (*path, "reservation", key),
            )
        ctx.add(key, {"type": "OS::Aodh::EventAlarm", "properties": alarm})


def _operator(condition: Mapping[str, Any]) -> str:
    operator = str(condition.get("comparison_operator", "gt"))
    return {
        "greater_than": "gt",
        "greater_or_equal": "ge",
        "less_than": "lt",
        "less_or_equal": "le",
        "equal": "eq",
    }.get(operator, operator)


def _scaled_group(ctx: Context, trigger: Mapping[str, Any]) -> str | None:
    policies = _action_policies(ctx, trigger)
    return policies[0] if policies else None


def _action_policies(ctx: Context, trigger: Mapping[str, Any]) -> list[str]:
    action = trigger.get("action")
    names = action if isinstance(action, list) else [action] if isinstance(action, str) else []
    if isinstance(action, dict | Mapping):
        names = list(action)
    scaling = [n for n in names if f"{n}_scale_out" in ctx.resources]
    if not scaling and not names:
        groups = [r[: -len("_scale_out")] for r in ctx.resources if r.endswith("_scale_out")]
        if len(groups) == 1:
            scaling = groups
    return scaling


def _alarm_actions(
    ctx: Context, trigger: Mapping[str, Any], operator: str, path: tuple[Any, ...]
) -> list[Any]:
    policies = _action_policies(ctx, trigger)
    if not policies:
        ctx.reporter.untranslated(
            "the alarm has no scaling policy to signal (no action and not exactly one scaling policy)",
            path,
        )
        return []
    if not trigger.get("action"):
        ctx.reporter.approximate(
            f"the alarm signals the only scaling policy, {policies[0]}, chosen by its comparison operator",
            path,
        )
    direction = "scale_out" if operator in RAISING else "scale_in"
    return [{"get_attr": [f"{policy}_{direction}", "alarm_url"]} for policy in policies]
