"""More Aodh (alarming) resource types: composite, Gnocchi, Prometheus and load balancer member alarms."""

from __future__ import annotations

from typing import ClassVar

from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Property,
    allowed_values,
    boolean,
    custom,
    integer,
    length,
    list_of,
    map_of,
    number,
    string,
    value_range,
)


@register
class CompositeAlarm(ResourceType):
    """OS::Aodh::CompositeAlarm: An Aodh alarm combining other alarm rules with and/or."""

    type_name = "OS::Aodh::CompositeAlarm"
    description = "An Aodh alarm combining other alarm rules with and/or."
    properties: ClassVar[dict[str, Property]] = {
        "alarm_actions": list_of("Webhook URLs called when the alarm fires.", update_allowed=True),
        "alarm_queues": list_of(
            "Zaqar queues posted to when the alarm fires.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "composite_rule": map_of(
            "The combined rule.",
            {
                "operator": string(
                    "How the rules combine: and, or.",
                    required=True,
                    update_allowed=True,
                    constraints=(allowed_values("or", "and"),),
                ),
                "rules": list_of(
                    "The rules combined (threshold or gnocchi rules, or nested and/or maps).",
                    required=True,
                    update_allowed=True,
                    constraints=(length(min=2),),
                ),
            },
            required=True,
            update_allowed=True,
        ),
        "description": string("Description of the alarm.", update_allowed=True),
        "enabled": boolean(
            "Whether the alarm is evaluated and acts.", default="true", update_allowed=True
        ),
        "insufficient_data_actions": list_of(
            "Webhook URLs called when there is not enough data.", update_allowed=True
        ),
        "insufficient_data_queues": list_of(
            "Zaqar queues posted to when there is not enough data.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "ok_actions": list_of(
            "Webhook URLs called when the alarm returns to ok.", update_allowed=True
        ),
        "ok_queues": list_of(
            "Zaqar queues posted to when the alarm returns to ok.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "repeat_actions": boolean(
            "Call the actions on every evaluation while in the state, not only on a change.",
            default="true",
            update_allowed=True,
        ),
        "severity": string(
            "Severity of the alarm.",
            default="low",
            update_allowed=True,
            constraints=(allowed_values("low", "moderate", "critical"),),
        ),
        "time_constraints": list_of(
            "Time windows in which the alarm is evaluated.",
            item=map_of(
                "One time window.",
                {
                    "description": string("Description of the window."),
                    "duration": integer(
                        "Length of the window, in seconds.",
                        required=True,
                        constraints=(value_range(min=0),),
                    ),
                    "name": string("Name of the window.", required=True),
                    "start": string(
                        "Start of the window, as a cron expression.",
                        required=True,
                        constraints=(custom("cron_expression"),),
                    ),
                    "timezone": string(
                        "Time zone of the window, e.g. Europe/Amsterdam.",
                        constraints=(custom("timezone"),),
                    ),
                },
            ),
            default=[],
        ),
    }


@register
class GnocchiAggregationByMetricsAlarm(ResourceType):
    """OS::Aodh::GnocchiAggregationByMetricsAlarm: An Aodh alarm on the aggregate of given Gnocchi metrics."""

    type_name = "OS::Aodh::GnocchiAggregationByMetricsAlarm"
    description = "An Aodh alarm on the aggregate of given Gnocchi metrics."
    properties: ClassVar[dict[str, Property]] = {
        "aggregation_method": string(
            "Gnocchi aggregation compared with the threshold (e.g. mean).", update_allowed=True
        ),
        "alarm_actions": list_of("Webhook URLs called when the alarm fires.", update_allowed=True),
        "alarm_queues": list_of(
            "Zaqar queues posted to when the alarm fires.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "comparison_operator": string(
            "How the aggregate is compared with the threshold.",
            update_allowed=True,
            constraints=(allowed_values("le", "ge", "eq", "lt", "gt", "ne"),),
        ),
        "description": string("Description of the alarm.", update_allowed=True),
        "enabled": boolean(
            "Whether the alarm is evaluated and acts.", default="true", update_allowed=True
        ),
        "evaluation_periods": integer("Number of periods evaluated.", update_allowed=True),
        "granularity": integer("Granularity of the measures, in seconds.", update_allowed=True),
        "insufficient_data_actions": list_of(
            "Webhook URLs called when there is not enough data.", update_allowed=True
        ),
        "insufficient_data_queues": list_of(
            "Zaqar queues posted to when there is not enough data.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "metrics": list_of("Gnocchi metric ids aggregated.", required=True, update_allowed=True),
        "ok_actions": list_of(
            "Webhook URLs called when the alarm returns to ok.", update_allowed=True
        ),
        "ok_queues": list_of(
            "Zaqar queues posted to when the alarm returns to ok.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "repeat_actions": boolean(
            "Call the actions on every evaluation while in the state, not only on a change.",
            default="true",
            update_allowed=True,
        ),
        "severity": string(
            "Severity of the alarm.",
            default="low",
            update_allowed=True,
            constraints=(allowed_values("low", "moderate", "critical"),),
        ),
        "threshold": number(
            "Value the aggregate is compared with.", required=True, update_allowed=True
        ),
        "time_constraints": list_of(
            "Time windows in which the alarm is evaluated.",
            item=map_of(
                "One time window.",
                {
                    "description": string("Description of the window."),
                    "duration": integer(
                        "Length of the window, in seconds.",
                        required=True,
                        constraints=(value_range(min=0),),
                    ),
                    "name": string("Name of the window.", required=True),
                    "start": string(
                        "Start of the window, as a cron expression.",
                        required=True,
                        constraints=(custom("cron_expression"),),
                    ),
                    "timezone": string(
                        "Time zone of the window, e.g. Europe/Amsterdam.",
                        constraints=(custom("timezone"),),
                    ),
                },
            ),
            default=[],
        ),
    }


@register
class GnocchiResourcesAlarm(ResourceType):
    """OS::Aodh::GnocchiResourcesAlarm: An Aodh alarm on one Gnocchi metric of one resource."""

    type_name = "OS::Aodh::GnocchiResourcesAlarm"
    description = "An Aodh alarm on one Gnocchi metric of one resource."
    properties: ClassVar[dict[str, Property]] = {
        "aggregation_method": string(
            "Gnocchi aggregation compared with the threshold (e.g. mean).", update_allowed=True
        ),
        "alarm_actions": list_of("Webhook URLs called when the alarm fires.", update_allowed=True),
        "alarm_queues": list_of(
            "Zaqar queues posted to when the alarm fires.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "comparison_operator": string(
            "How the aggregate is compared with the threshold.",
            update_allowed=True,
            constraints=(allowed_values("le", "ge", "eq", "lt", "gt", "ne"),),
        ),
        "description": string("Description of the alarm.", update_allowed=True),
        "enabled": boolean(
            "Whether the alarm is evaluated and acts.", default="true", update_allowed=True
        ),
        "evaluation_periods": integer("Number of periods evaluated.", update_allowed=True),
        "granularity": integer("Granularity of the measures, in seconds.", update_allowed=True),
        "insufficient_data_actions": list_of(
            "Webhook URLs called when there is not enough data.", update_allowed=True
        ),
        "insufficient_data_queues": list_of(
            "Zaqar queues posted to when there is not enough data.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "metric": string("Metric watched.", required=True, update_allowed=True),
        "ok_actions": list_of(
            "Webhook URLs called when the alarm returns to ok.", update_allowed=True
        ),
        "ok_queues": list_of(
            "Zaqar queues posted to when the alarm returns to ok.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "repeat_actions": boolean(
            "Call the actions on every evaluation while in the state, not only on a change.",
            default="true",
            update_allowed=True,
        ),
        "resource_id": string("Gnocchi resource (id) watched.", required=True, update_allowed=True),
        "resource_type": string(
            "Gnocchi resource type of the resource.", required=True, update_allowed=True
        ),
        "severity": string(
            "Severity of the alarm.",
            default="low",
            update_allowed=True,
            constraints=(allowed_values("low", "moderate", "critical"),),
        ),
        "threshold": number(
            "Value the aggregate is compared with.", required=True, update_allowed=True
        ),
        "time_constraints": list_of(
            "Time windows in which the alarm is evaluated.",
            item=map_of(
                "One time window.",
                {
                    "description": string("Description of the window."),
                    "duration": integer(
                        "Length of the window, in seconds.",
                        required=True,
                        constraints=(value_range(min=0),),
                    ),
                    "name": string("Name of the window.", required=True),
                    "start": string(
                        "Start of the window, as a cron expression.",
                        required=True,
                        constraints=(custom("cron_expression"),),
                    ),
                    "timezone": string(
                        "Time zone of the window, e.g. Europe/Amsterdam.",
                        constraints=(custom("timezone"),),
                    ),
                },
            ),
            default=[],
        ),
    }


@register
class LBMemberHealthAlarm(ResourceType):
    """OS::Aodh::LBMemberHealthAlarm: An Aodh alarm that marks unhealthy load balancer members of an autoscaling group for replacement."""

    type_name = "OS::Aodh::LBMemberHealthAlarm"
    description = "An Aodh alarm that marks unhealthy load balancer members of an autoscaling group for replacement."
    properties: ClassVar[dict[str, Property]] = {
        "alarm_actions": list_of("Webhook URLs called when the alarm fires.", update_allowed=True),
        "alarm_queues": list_of(
            "Zaqar queues posted to when the alarm fires.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "autoscaling_group_id": string(
            "Heat autoscaling group (id) holding the members.", required=True, update_allowed=True
        ),
        "description": string("Description of the alarm.", update_allowed=True),
        "enabled": boolean(
            "Whether the alarm is evaluated and acts.", default="true", update_allowed=True
        ),
        "insufficient_data_actions": list_of(
            "Webhook URLs called when there is not enough data.", update_allowed=True
        ),
        "insufficient_data_queues": list_of(
            "Zaqar queues posted to when there is not enough data.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "ok_actions": list_of(
            "Webhook URLs called when the alarm returns to ok.", update_allowed=True
        ),
        "ok_queues": list_of(
            "Zaqar queues posted to when the alarm returns to ok.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "pool": string(
            "Load balancer pool (name or id) whose members are checked.",
            required=True,
            update_allowed=True,
        ),
        "repeat_actions": boolean(
            "Call the actions on every evaluation while in the state, not only on a change.",
            default="true",
            update_allowed=True,
        ),
        "severity": string(
            "Severity of the alarm.",
            default="low",
            update_allowed=True,
            constraints=(allowed_values("low", "moderate", "critical"),),
        ),
        "stack": string(
            "Top-level stack (name or id) holding the pool and members.", required=True
        ),
        "time_constraints": list_of(
            "Time windows in which the alarm is evaluated.",
            item=map_of(
                "One time window.",
                {
                    "description": string("Description of the window."),
                    "duration": integer(
                        "Length of the window, in seconds.",
                        required=True,
                        constraints=(value_range(min=0),),
                    ),
                    "name": string("Name of the window.", required=True),
                    "start": string(
                        "Start of the window, as a cron expression.",
                        required=True,
                        constraints=(custom("cron_expression"),),
                    ),
                    "timezone": string(
                        "Time zone of the window, e.g. Europe/Amsterdam.",
                        constraints=(custom("timezone"),),
                    ),
                },
            ),
            default=[],
        ),
    }


@register
class PrometheusAlarm(ResourceType):
    """OS::Aodh::PrometheusAlarm: An Aodh alarm on the result of a Prometheus query."""

    type_name = "OS::Aodh::PrometheusAlarm"
    description = "An Aodh alarm on the result of a Prometheus query."
    properties: ClassVar[dict[str, Property]] = {
        "alarm_actions": list_of("Webhook URLs called when the alarm fires.", update_allowed=True),
        "alarm_queues": list_of(
            "Zaqar queues posted to when the alarm fires.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "comparison_operator": string(
            "How the query result is compared with the threshold.",
            update_allowed=True,
            constraints=(allowed_values("le", "ge", "eq", "lt", "gt", "ne"),),
        ),
        "description": string("Description of the alarm.", update_allowed=True),
        "enabled": boolean(
            "Whether the alarm is evaluated and acts.", default="true", update_allowed=True
        ),
        "insufficient_data_actions": list_of(
            "Webhook URLs called when there is not enough data.", update_allowed=True
        ),
        "insufficient_data_queues": list_of(
            "Zaqar queues posted to when there is not enough data.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "ok_actions": list_of(
            "Webhook URLs called when the alarm returns to ok.", update_allowed=True
        ),
        "ok_queues": list_of(
            "Zaqar queues posted to when the alarm returns to ok.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "query": string("PromQL query.", required=True, update_allowed=True),
        "repeat_actions": boolean(
            "Call the actions on every evaluation while in the state, not only on a change.",
            default="true",
            update_allowed=True,
        ),
        "severity": string(
            "Severity of the alarm.",
            default="low",
            update_allowed=True,
            constraints=(allowed_values("low", "moderate", "critical"),),
        ),
        "threshold": number(
            "Value the query result is compared with.", required=True, update_allowed=True
        ),
        "time_constraints": list_of(
            "Time windows in which the alarm is evaluated.",
            item=map_of(
                "One time window.",
                {
                    "description": string("Description of the window."),
                    "duration": integer(
                        "Length of the window, in seconds.",
                        required=True,
                        constraints=(value_range(min=0),),
                    ),
                    "name": string("Name of the window.", required=True),
                    "start": string(
                        "Start of the window, as a cron expression.",
                        required=True,
                        constraints=(custom("cron_expression"),),
                    ),
                    "timezone": string(
                        "Time zone of the window, e.g. Europe/Amsterdam.",
                        constraints=(custom("timezone"),),
                    ),
                },
            ),
            default=[],
        ),
    }
