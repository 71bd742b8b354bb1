"""Aodh (alarming) resource types."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack_aodh import EVENT, GNOCCHI_BY_RESOURCES, THRESHOLD
from heatctl.engine.openstack_octavia import octavia_lifecycle
from heatctl.resources.common import ALARM_COMMON, by_name
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Property,
    allowed_values,
    integer,
    list_of,
    map_of,
    number,
    string,
)

THRESHOLD_RULE: dict[str, Property] = {
    "comparison_operator": string(
        "How the statistic is compared with the threshold.",
        update_allowed=True,
        constraints=(allowed_values("le", "ge", "eq", "lt", "gt", "ne"),),
    ),
    "evaluation_periods": integer("Number of periods evaluated.", update_allowed=True),
    "threshold": number(
        "Value the statistic is compared with.", required=True, update_allowed=True
    ),
}


# A condition on a sample or event attribute (a threshold alarm's and an event alarm's query).
QUERY_CONDITION = map_of(
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
            constraints=(allowed_values("integer", "float", "string", "boolean", "datetime"),),
        ),
        "value": string("Value compared with."),
    },
)


@register
class Alarm(ResourceType):
    """OS::Aodh::Alarm: An Aodh threshold alarm on a Ceilometer meter (deprecated by Heat)."""

    type_name = "OS::Aodh::Alarm"
    description = "An Aodh threshold alarm on a Ceilometer meter (deprecated by Heat)."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **THRESHOLD_RULE,
            **ALARM_COMMON,
            "matching_metadata": map_of(
                "Resource metadata samples must match, key to value.",
                default={},
                update_allowed=True,
            ),
            "meter_name": string("Meter watched.", required=True),
            "period": integer("Length of an evaluation period, in seconds.", update_allowed=True),
            "query": list_of(
                "Conditions on sample attributes, added to matching_metadata.",
                item=QUERY_CONDITION,
                update_allowed=True,
            ),
            "statistic": string(
                "Statistic of the meter evaluated.",
                update_allowed=True,
                constraints=(allowed_values("count", "avg", "sum", "min", "max"),),
            ),
        }
    )

    # Lifecycle: heatctl.engine.openstack_aodh.THRESHOLD.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(THRESHOLD)


@register
class GnocchiAggregationByResourcesAlarm(ResourceType):
    """OS::Aodh::GnocchiAggregationByResourcesAlarm: An Aodh alarm on a Gnocchi metric aggregated over the resources a query selects."""

    type_name = "OS::Aodh::GnocchiAggregationByResourcesAlarm"
    description = "An Aodh alarm on a Gnocchi metric aggregated over the resources a query selects."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **THRESHOLD_RULE,
            **ALARM_COMMON,
            "aggregation_method": string(
                "Gnocchi aggregation compared with the threshold (e.g. mean).", update_allowed=True
            ),
            "granularity": integer(
                "Granularity of the aggregated measures, in seconds.", update_allowed=True
            ),
            "metric": string("Metric watched.", required=True, update_allowed=True),
            "query": string(
                "Gnocchi query selecting the resources.", required=True, update_allowed=True
            ),
            "resource_type": string(
                "Gnocchi resource type of the resources.", required=True, update_allowed=True
            ),
        }
    )

    # Lifecycle: heatctl.engine.openstack_aodh.GNOCCHI_BY_RESOURCES.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(GNOCCHI_BY_RESOURCES)


@register
class EventAlarm(ResourceType):
    """OS::Aodh::EventAlarm: An Aodh alarm that fires on matching events."""

    type_name = "OS::Aodh::EventAlarm"
    description = "An Aodh alarm that fires on matching events."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **ALARM_COMMON,
            "event_type": string(
                "Event type matched (wildcards allowed).", default="*", update_allowed=True
            ),
            "query": list_of(
                "Conditions events must meet.",
                item=QUERY_CONDITION,
                update_allowed=True,
            ),
        }
    )

    # Lifecycle: heatctl.engine.openstack_aodh.EVENT.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(EVENT)
