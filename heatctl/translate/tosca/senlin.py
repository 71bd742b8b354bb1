"""tosca.policies.Scaling.Cluster -> a Senlin cluster: OS::Senlin::Profile (the server's
properties), OS::Senlin::Cluster, and per trigger an OS::Senlin::Policy, a webhook
OS::Senlin::Receiver and an Aodh alarm that calls it."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from heatctl.translate.tosca.sources import fail

if TYPE_CHECKING:
    from heatctl.translate.tosca.translator import Context

EVENTS = {"SCALE_OUT": "CLUSTER_SCALE_OUT", "SCALE_IN": "CLUSTER_SCALE_IN"}


def cluster(
    ctx: Context, name: str, body: Mapping[str, Any], path: tuple[Any, ...], targets: list[str]
) -> None:
    """One Senlin cluster per target server, with the policy's triggers wired to it."""
    properties = body.get("properties") or {}
    ctx.need_version("2016-04-08")
    for target in targets:
        server = ctx.resources.get(ctx.main_resource.get(target, ""))
        if server is None or server["type"] != "OS::Nova::Server":
            ctx.reporter.untranslated(f"cluster target '{target}' is not a server; ignored", path)
            continue
        cluster_name = f"{target}_cluster"
        profile = _profile(ctx, target, server["properties"], cluster_name, path)
        ctx.resources[ctx.main_resource[target]] = {
            "type": "OS::Senlin::Profile",
            "properties": {"type": "os.nova.server-1.0", "properties": profile},
        }
        sizes = {
            "min_size": properties.get("min_instances", 1),
            "max_size": properties.get("max_instances", 1),
            "desired_capacity": properties.get(
                "default_instances", properties.get("min_instances", 1)
            ),
        }
        ctx.add(
            cluster_name,
            {
                "type": "OS::Senlin::Cluster",
                "properties": {"profile": {"get_resource": target}, **sizes},
            },
        )
        for trigger, definition in (body.get("triggers") or {}).items():
            _trigger(
                ctx,
                name,
                body,
                str(trigger),
                definition,
                target,
                cluster_name,
                (*path, "triggers", trigger),
            )


def _profile(
    ctx: Context, target: str, server: dict[str, Any], cluster_name: str, path: tuple[Any, ...]
) -> dict[str, Any]:
    """The server's properties for a Senlin profile; pre-made ports become networks."""
    profile = {k: v for k, v in server.items() if k != "user_data_format"}
    networks = []
    for port in ctx.attributes.get(target, {}).get("ports", []):
        resource = ctx.resources.pop(port, None)
        network = (resource or {}).get("properties", {}).get("network")
        if network is not None:
            networks.append({"network": network})
    if networks:
        profile["networks"] = networks
        ctx.reporter.approximate(
            "ports of a clustered server become networks of its profile (each member gets its own port)",
            path,
        )
    profile.setdefault("metadata", {})["metering.server_group"] = cluster_name
    if any(
        r.get("properties", {}).get("server") == {"get_resource": target}
        for r in ctx.resources.values()
    ):
        ctx.reporter.untranslated(
            f"software deployments on '{target}' cannot follow Senlin cluster members", path
        )
    return profile


def _threshold(condition: Mapping[str, Any]) -> Any:
    if condition.get("threshold") is not None:
        return condition["threshold"]
    match = re.search(r"(\d+(?:\.\d+)?)", str(condition.get("constraint", "")))
    return (
        float(match.group(1))
        if match and "." in match.group(1)
        else int(match.group(1))
        if match
        else None
    )


def _trigger(
    ctx: Context,
    policy: str,
    body: Mapping[str, Any],
    trigger: str,
    definition: Any,
    target: str,
    cluster_name: str,
    path: tuple[Any, ...],
) -> None:
    if not isinstance(definition, dict | Mapping):
        raise fail(f"trigger '{trigger}' must be a mapping", ctx.file, ctx.document, path)
    condition = definition.get("condition") or {}
    action = definition.get("action") or {}
    kind = (
        next((str(a.get("type")) for a in action.values() if isinstance(a, dict | Mapping)), "")
        if isinstance(action, dict | Mapping)
        else ""
    )
    operator = str(condition.get("comparison_operator", "gt"))
    event = EVENTS.get(
        kind.upper(), "CLUSTER_SCALE_OUT" if operator in ("gt", "ge") else "CLUSTER_SCALE_IN"
    )
    increment = (body.get("properties") or {}).get("increment", 1)
    ctx.add(
        f"{policy}_{trigger}",
        {
            "type": "OS::Senlin::Policy",
            "properties": {
                "type": "senlin.policy.scaling-1.0",
                "bindings": [{"cluster": {"get_resource": cluster_name}}],
                "properties": {
                    "event": event,
                    "adjustment": {"type": "CHANGE_IN_CAPACITY", "number": increment},
                },
            },
        },
    )
    receiver = ctx.add(
        f"{target}_{trigger}_receiver",
        {
            "type": "OS::Senlin::Receiver",
            "properties": {
                "action": event,
                "cluster": {"get_resource": cluster_name},
                "type": "webhook",
            },
        },
    )
    event_type = definition.get("event_type") or {}
    threshold = _threshold(condition)
    if threshold is None:
        ctx.reporter.untranslated(f"trigger '{trigger}' has no threshold: no alarm", path)
        return
    alarm: dict[str, Any] = {
        "metric": definition.get("metric")
        or (event_type.get("metric") if isinstance(event_type, dict | Mapping) else None)
        or "cpu_util",
        "aggregation_method": condition.get("aggregation_method", "mean"),
        "granularity": condition.get("granularity", 300),
        "evaluation_periods": condition.get("evaluations", 1),
        "threshold": threshold,
        "comparison_operator": operator,
        "resource_type": condition.get("resource_type", "instance"),
        "repeat_actions": True,
        "query": json.dumps({"=": {"server_group": cluster_name}}, sort_keys=True),
        "alarm_actions": [{"get_attr": [receiver, "channel", "alarm_url"]}],
    }
    if isinstance(body.get("description"), str):
        alarm["description"] = body["description"]
    ctx.add(
        f"{trigger}_alarm",
        {"type": "OS::Aodh::GnocchiAggregationByResourcesAlarm", "properties": alarm},
    )
