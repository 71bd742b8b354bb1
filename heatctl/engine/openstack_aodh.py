"""Lifecycles of Aodh alarms (OS::Aodh::*, AWS::CloudWatch::Alarm), as Heat's aodh
plugins build them (heat/engine/resources/alarm_base.py, openstack/aodh/*.py).

openstacksdk has no Aodh proxy: requests go through the connection's generic adapter
(`conn.alarming`). An alarm is named with the resource's physical name (as Heat does),
which ends with a hash of its tag: that name, unique per project in Aodh, finds it again
after a crash. Each type puts its own properties into its `<type>_rule`; the common ones
(actions, severity, time constraints...) stay at the top; `*_queues` become
`trust+zaqar://?queue_name=...` actions. An action naming a stack resource (Heat turns it
into that resource's AlarmUrl) is refused with a message: give the URL itself, e.g.
`{get_attr: [policy, alarm_url]}`.

AWS::CloudWatch::Alarm is Heat's provider template AWS_CloudWatch_Alarm.yaml done in
code: an OS::Aodh::Alarm (legacy threshold rule) with the statistic and comparison
operator mapped, repeat_actions on, Dimensions as matching_metadata.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.openstack import drop_none
from heatctl.engine.openstack_octavia import OctaviaKind, octavia_lifecycle

Alarm = dict[str, Any]
ACTIONS = (
    ("alarm_actions", "alarm_queues"),
    ("ok_actions", "ok_queues"),
    ("insufficient_data_actions", "insufficient_data_queues"),
)
ALARM_DEFAULTS: dict[str, Any] = {"enabled": True, "repeat_actions": True, "severity": "low"}
COMMON = ("description", "enabled", "repeat_actions", "severity")
GNOCCHI = (
    "comparison_operator",
    "evaluation_periods",
    "granularity",
    "aggregation_method",
    "threshold",
)
# Meters Ceilometer takes from Nova: their metadata lives under user_metadata (alarm_base.py).
NOVA_METERS = {
    "instance",
    "memory",
    "memory.usage",
    "memory.resident",
    "cpu",
    "cpu_util",
    "vcpus",
    *(
        f"{prefix}.{op}.{unit}{rate}"
        for prefix in ("disk", "disk.device")
        for op in ("read", "write")
        for unit in ("requests", "bytes")
        for rate in ("", ".rate")
    ),
    "disk.root.size",
    "disk.ephemeral.size",
    *(
        f"network.{way}.{unit}{rate}"
        for way in ("incoming", "outgoing")
        for unit in ("bytes", "packets")
        for rate in ("", ".rate")
    ),
}


def aodh(ctx: ResourceContext, method: str, path: str, body: Any = None) -> Any:
    """One Aodh request through the generic adapter; errors raised as openstacksdk's."""
    from openstack import exceptions

    kwargs: dict[str, Any] = {"raise_exc": False}
    if body is not None:
        kwargs["json"] = body
    response = getattr(ctx.conn.alarming, method)(path, **kwargs)
    exceptions.raise_from_response(response)
    return response.json() if response.content else None


def get_alarm(ctx: ResourceContext, alarm_id: str) -> Alarm | None:
    """The alarm, or None once it is gone."""
    from openstack import exceptions

    try:
        return dict(aodh(ctx, "get", f"/alarms/{alarm_id}"))
    except exceptions.NotFoundException:
        return None


def delete_alarm(ctx: ResourceContext, alarm_id: str) -> None:
    """Delete the alarm; one already gone counts as deleted."""
    from openstack import exceptions

    with contextlib.suppress(exceptions.NotFoundException):
        aodh(ctx, "delete", f"/alarms/{alarm_id}")


def find_alarm(ctx: ResourceContext) -> list[Alarm]:
    """The alarm named like this resource (names are unique per project)."""
    name = ctx.physical_name()
    query = urlencode({"q.field": "name", "q.op": "eq", "q.value": name})
    return [a for a in aodh(ctx, "get", f"/alarms?{query}") or [] if a.get("name") == name]


def action_urls(ctx: ResourceContext, values: dict[str, Any]) -> dict[str, list[str]]:
    """The three action lists: URLs as given plus one trust+zaqar URL per queue."""
    result: dict[str, list[str]] = {}
    for actions, queues in ACTIONS:
        urls = [str(url) for url in values.get(actions) or [] if url]
        for url in urls:
            if "://" not in url:
                raise ResourceFailed(
                    f"{ctx.name}: alarm action '{url}' is not a URL (Heat turns a resource "
                    "name into its AlarmUrl; heatctl does not: give the URL, e.g. "
                    "{get_attr: [policy, alarm_url]})"
                )
        urls += [f"trust+zaqar://?{urlencode({'queue_name': q})}" for q in values.get(queues) or []]
        result[actions] = urls
    return result


def common_body(ctx: ResourceContext, values: dict[str, Any], alarm_type: str) -> Alarm:
    """Name, type, actions and the common fields of every alarm."""
    constraints = [drop_none(dict(c)) for c in values.get("time_constraints") or []]
    return {
        **drop_none({key: values.get(key) for key in COMMON}),
        **action_urls(ctx, values),
        "time_constraints": constraints,
        "name": ctx.physical_name(),
        "type": alarm_type,
    }


def rule_of(values: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The given fields that are set, as a rule."""
    return drop_none({key: values.get(key) for key in fields})


def threshold_rule(values: dict[str, Any]) -> dict[str, Any]:
    """OS::Aodh::Alarm's rule: matching_metadata becomes query conditions on
    metadata.metering.* (or metadata.user_metadata.* for Nova's meters)."""
    rule = rule_of(
        values,
        (
            "period",
            "evaluation_periods",
            "threshold",
            "statistic",
            "comparison_operator",
            "meter_name",
        ),
    )
    prefix = "user_metadata." if values.get("meter_name") in NOVA_METERS else "metering."
    query = [drop_none(dict(q)) for q in values.get("query") or []]
    for key, value in (values.get("matching_metadata") or {}).items():
        key = key.removeprefix("metadata.")
        if key.startswith(("metering.", "user_metadata.")):
            key = key.split(".", 1)[1]
        query.append({"field": f"metadata.{prefix}{key}", "op": "eq", "value": str(value)})
    if query:
        rule["query"] = query
    return {"threshold_rule": rule}


def event_rule(values: dict[str, Any]) -> dict[str, Any]:
    rule = rule_of(values, ("event_type",))
    if values.get("query"):
        rule["query"] = [drop_none(dict(q)) for q in values["query"]]
    return {"event_rule": rule}


def composite_rule(values: dict[str, Any]) -> dict[str, Any]:
    composite = values.get("composite_rule") or {}
    return {"composite_rule": {composite.get("operator"): composite.get("rules")}}


def gnocchi(alarm_type: str, *fields: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda values: {f"{alarm_type}_rule": rule_of(values, (*fields, *GNOCCHI))}


def alarm_kind(
    alarm_type: str,
    rule: Callable[[dict[str, Any]], dict[str, Any]],
    properties: Callable[[ResourceContext], dict[str, Any]] = lambda ctx: dict(ctx.properties),
) -> OctaviaKind:
    """The lifecycle of one alarm type; `properties` maps the resource's properties to
    OS::Aodh::* ones (AWS::CloudWatch::Alarm), `rule` builds the type's rule."""

    def body(ctx: ResourceContext) -> Alarm:
        given = {k: v for k, v in properties(ctx).items() if v is not None}
        values = {**ALARM_DEFAULTS, **given}
        return {**common_body(ctx, values, alarm_type), **rule(values)}

    return OctaviaKind(
        what=f"{alarm_type} alarm",
        create=lambda ctx, alarm: aodh(ctx, "post", "/alarms", alarm),
        get=get_alarm,
        delete=delete_alarm,
        find=find_alarm,
        body=body,
        update=lambda ctx, oid, alarm: aodh(ctx, "put", f"/alarms/{oid}", alarm),
        update_body=body,
        attributes=lambda alarm: {"state": alarm.get("state")},
        has_status=False,
        physical_id=lambda alarm: str(alarm["alarm_id"]),
    )


def _lb_health(ctx: ResourceContext) -> dict[str, Any]:
    values = dict(ctx.properties)
    pool = ctx.call(
        "pool.find",
        lambda: ctx.conn.load_balancer.find_pool(values.get("pool"), ignore_missing=False),
    )
    values["pool_id"] = str(pool.id)
    return values


THRESHOLD = alarm_kind("threshold", threshold_rule)
EVENT = alarm_kind("event", event_rule)
COMPOSITE = alarm_kind("composite", composite_rule)
GNOCCHI_RESOURCES = alarm_kind(
    "gnocchi_resources_threshold",
    gnocchi("gnocchi_resources_threshold", "metric", "resource_id", "resource_type"),
)
GNOCCHI_BY_METRICS = alarm_kind(
    "gnocchi_aggregation_by_metrics_threshold",
    gnocchi("gnocchi_aggregation_by_metrics_threshold", "metrics"),
)
GNOCCHI_BY_RESOURCES = alarm_kind(
    "gnocchi_aggregation_by_resources_threshold",
    gnocchi("gnocchi_aggregation_by_resources_threshold", "metric", "query", "resource_type"),
)
PROMETHEUS = alarm_kind(
    "prometheus",
    lambda values: {
        "prometheus_rule": rule_of(values, ("comparison_operator", "query", "threshold"))
    },
)
LB_MEMBER_HEALTH = alarm_kind(
    "loadbalancer_member_health",
    lambda values: {
        "loadbalancer_member_health_rule": {
            "pool_id": values["pool_id"],
            "stack_id": values.get("stack"),
            "autoscaling_group_id": values.get("autoscaling_group_id"),
        }
    },
    _lb_health,
)

# -- AWS::CloudWatch::Alarm: the provider template's mappings ------------------------------
STATISTICS = {
    "SampleCount": "count",
    "Average": "avg",
    "Sum": "sum",
    "Minimum": "min",
    "Maximum": "max",
}
OPERATORS = {
    "LessThanOrEqualToThreshold": "le",
    "LessThanThreshold": "lt",
    "GreaterThanThreshold": "gt",
    "GreaterThanOrEqualToThreshold": "ge",
}


def _number(value: Any, what: str, integral: bool) -> int | float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ResourceFailed(f"{what} '{value}' is not a number") from None
    if integral or number.is_integer():
        return int(number)
    return number


def dimensions(items: Any) -> dict[str, str]:
    """Fn::MemberListToMap over Dimensions: [{Name, Value}, ...] (or "Name=..,Value=..")."""
    result: dict[str, str] = {}
    for item in items or []:
        if isinstance(item, str):
            item = dict(part.split("=", 1) for part in item.split(",") if "=" in part)
        if isinstance(item, dict) and "Name" in item:
            result[str(item["Name"])] = str(item.get("Value", ""))
    return result


def cloudwatch_properties(ctx: ResourceContext) -> dict[str, Any]:
    """The OS::Aodh::Alarm properties AWS_CloudWatch_Alarm.yaml builds."""
    p = ctx.properties
    return {
        "description": p.get("AlarmDescription") or "An alarm",
        "meter_name": p.get("MetricName"),
        "period": _number(p.get("Period"), "Period", True),
        "evaluation_periods": _number(p.get("EvaluationPeriods"), "EvaluationPeriods", True),
        "repeat_actions": True,
        "threshold": _number(p.get("Threshold"), "Threshold", False),
        "alarm_actions": p.get("AlarmActions") or [],
        "ok_actions": p.get("OKActions") or [],
        "insufficient_data_actions": p.get("InsufficientDataActions") or [],
        "statistic": STATISTICS.get(str(p.get("Statistic"))),
        "comparison_operator": OPERATORS.get(str(p.get("ComparisonOperator"))),
        "matching_metadata": dimensions(p.get("Dimensions")),
    }


CLOUDWATCH = alarm_kind("threshold", threshold_rule, cloudwatch_properties)
CLOUDWATCH_LIFECYCLE = octavia_lifecycle(CLOUDWATCH)
