"""Aodh (alarming) resource types."""

from __future__ import annotations

from typing import ClassVar

from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Property,
    allowed_values,
    boolean,
    custom,
    integer,
    list_of,
    map_of,
    number,
    string,
    value_range,
)


@register
class Alarm(ResourceType):
    """OS::Aodh::Alarm: An Aodh threshold alarm on a Ceilometer meter (deprecated by Heat)."""

    type_name = "OS::Aodh::Alarm"
    description = "An Aodh threshold alarm on a Ceilometer meter (deprecated by Heat)."
    properties: ClassVar[dict[str, Property]] = {
        "alarm_actions": list_of("Webhook URLs called when the alarm fires.", update_allowed=True),
        "alarm_queues": list_of(
            "Zaqar queues posted to when the alarm fires.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "comparison_operator": string(
            "How the statistic is compared with the threshold.",
            update_allowed=True,
            constraints=(allowed_values("le", "ge", "eq", "lt", "gt", "ne"),),
        ),
        "description": string("Description of the alarm.", update_allowed=True),
        "enabled": boolean(
            "Whether the alarm is evaluated and acts.", default="true", update_allowed=True
        ),
        "evaluation_periods": integer("Number of periods evaluated.", update_allowed=True),
        "insufficient_data_actions": list_of(
            "Webhook URLs called when there is not enough data.", update_allowed=True
        ),
        "insufficient_data_queues": list_of(
            "Zaqar queues posted to when there is not enough data.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "matching_metadata": map_of(
            "Resource metadata samples must match, key to value.", default={}, update_allowed=True
        ),
        "meter_name": string("Meter watched.", required=True),
        "ok_actions": list_of(
            "Webhook URLs called when the alarm returns to ok.", update_allowed=True
        ),
        "ok_queues": list_of(
            "Zaqar queues posted to when the alarm returns to ok.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "period": integer("Length of an evaluation period, in seconds.", update_allowed=True),
        "query": list_of(
            "Conditions on sample attributes, added to matching_metadata.",
            item=map_of(
                "One condition.",
                {
                    "field": string("Attribute compared."),
                    "op": string(
                        "Comparison operator.",
                        constraints=(allowed_values("le", "ge", "eq", "lt", "gt", "ne"),),
                    ),
                    "type": string(
                        "Type of the attribute.",
                        default="string",
                        constraints=(
                            allowed_values("integer", "float", "string", "boolean", "datetime"),
                        ),
                    ),
                    "value": string("Value compared with."),
                },
            ),
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
        "statistic": string(
            "Statistic of the meter evaluated.",
            update_allowed=True,
            constraints=(allowed_values("count", "avg", "sum", "min", "max"),),
        ),
        "threshold": number(
            "Value the statistic is compared with.", required=True, update_allowed=True
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
class GnocchiAggregationByResourcesAlarm(ResourceType):
    """OS::Aodh::GnocchiAggregationByResourcesAlarm: An Aodh alarm on a Gnocchi metric aggregated over the resources a query selects."""

    type_name = "OS::Aodh::GnocchiAggregationByResourcesAlarm"
    description = "An Aodh alarm on a Gnocchi metric aggregated over the resources a query selects."
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
            "How the statistic is compared with the threshold.",
            update_allowed=True,
            constraints=(allowed_values("le", "ge", "eq", "lt", "gt", "ne"),),
        ),
        "description": string("Description of the alarm.", update_allowed=True),
        "enabled": boolean(
            "Whether the alarm is evaluated and acts.", default="true", update_allowed=True
        ),
        "evaluation_periods": integer("Number of periods evaluated.", update_allowed=True),
        "granularity": integer(
            "Granularity of the aggregated measures, in seconds.", update_allowed=True
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
        "query": string(
            "Gnocchi query selecting the resources.", required=True, update_allowed=True
        ),
        "repeat_actions": boolean(
            "Call the actions on every evaluation while in the state, not only on a change.",
            default="true",
            update_allowed=True,
        ),
        "resource_type": string(
            "Gnocchi resource type of the resources.", required=True, update_allowed=True
        ),
        "severity": string(
            "Severity of the alarm.",
            default="low",
            update_allowed=True,
            constraints=(allowed_values("low", "moderate", "critical"),),
        ),
        "threshold": number(
            "Value the statistic is compared with.", required=True, update_allowed=True
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
class EventAlarm(ResourceType):
    """OS::Aodh::EventAlarm: An Aodh alarm that fires on matching events."""

    type_name = "OS::Aodh::EventAlarm"
    description = "An Aodh alarm that fires on matching events."
    properties: ClassVar[dict[str, Property]] = {
        "alarm_actions": list_of("Webhook URLs called when the alarm fires.", update_allowed=True),
        "alarm_queues": list_of(
            "Zaqar queues posted to when the alarm fires.",
            item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
            default=[],
            update_allowed=True,
        ),
        "description": string("Description of the alarm.", update_allowed=True),
        "enabled": boolean(
            "Whether the alarm is evaluated and acts.", default="true", update_allowed=True
        ),
        "event_type": string(
            "Event type matched (wildcards allowed).", default="*", update_allowed=True
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
        "query": list_of(
            "Conditions events must meet.",
            item=map_of(
                "One condition.",
                {
                    "field": string("Attribute compared."),
                    "op": string(
                        "Comparison operator.",
                        constraints=(allowed_values("le", "ge", "eq", "lt", "gt", "ne"),),
                    ),
                    "type": string(
                        "Type of the attribute.",
                        default="string",
                        constraints=(
                            allowed_values("integer", "float", "string", "boolean", "datetime"),
                        ),
                    ),
                    "value": string("Value compared with."),
                },
            ),
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
