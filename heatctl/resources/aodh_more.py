"""More Aodh (alarming) resource types: composite, Gnocchi, Prometheus and load balancer member alarms."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack_aodh import (
    COMPOSITE,
    GNOCCHI_BY_METRICS,
    GNOCCHI_RESOURCES,
    LB_MEMBER_HEALTH,
    PROMETHEUS,
)
from heatctl.engine.openstack_octavia import octavia_lifecycle
from heatctl.resources.common import ALARM_COMMON, by_name
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Property,
    allowed_values,
    integer,
    length,
    list_of,
    map_of,
    number,
    string,
)

GNOCCHI_AGGREGATE_RULE: dict[str, Property] = {
    "aggregation_method": string(
        "Gnocchi aggregation compared with the threshold (e.g. mean).", update_allowed=True
    ),
    "comparison_operator": string(
        "How the aggregate is compared with the threshold.",
        update_allowed=True,
        constraints=(allowed_values("le", "ge", "eq", "lt", "gt", "ne"),),
    ),
    "evaluation_periods": integer("Number of periods evaluated.", update_allowed=True),
    "granularity": integer("Granularity of the measures, in seconds.", update_allowed=True),
    "threshold": number(
        "Value the aggregate is compared with.", required=True, update_allowed=True
    ),
}


@register
class CompositeAlarm(ResourceType):
    """OS::Aodh::CompositeAlarm: An Aodh alarm combining other alarm rules with and/or."""

    type_name = "OS::Aodh::CompositeAlarm"
    description = "An Aodh alarm combining other alarm rules with and/or."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **ALARM_COMMON,
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
        }
    )

    # Lifecycle: heatctl.engine.openstack_aodh.COMPOSITE.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(COMPOSITE)


@register
class GnocchiAggregationByMetricsAlarm(ResourceType):
    """OS::Aodh::GnocchiAggregationByMetricsAlarm: An Aodh alarm on the aggregate of given Gnocchi metrics."""

    type_name = "OS::Aodh::GnocchiAggregationByMetricsAlarm"
    description = "An Aodh alarm on the aggregate of given Gnocchi metrics."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **GNOCCHI_AGGREGATE_RULE,
            **ALARM_COMMON,
            "metrics": list_of(
                "Gnocchi metric ids aggregated.", required=True, update_allowed=True
            ),
        }
    )

    # Lifecycle: heatctl.engine.openstack_aodh.GNOCCHI_BY_METRICS.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(GNOCCHI_BY_METRICS)


@register
class GnocchiResourcesAlarm(ResourceType):
    """OS::Aodh::GnocchiResourcesAlarm: An Aodh alarm on one Gnocchi metric of one resource."""

    type_name = "OS::Aodh::GnocchiResourcesAlarm"
    description = "An Aodh alarm on one Gnocchi metric of one resource."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **GNOCCHI_AGGREGATE_RULE,
            **ALARM_COMMON,
            "metric": string("Metric watched.", required=True, update_allowed=True),
            "resource_id": string(
                "Gnocchi resource (id) watched.", required=True, update_allowed=True
            ),
            "resource_type": string(
                "Gnocchi resource type of the resource.", required=True, update_allowed=True
            ),
        }
    )

    # Lifecycle: heatctl.engine.openstack_aodh.GNOCCHI_RESOURCES.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(GNOCCHI_RESOURCES)


@register
class LBMemberHealthAlarm(ResourceType):
    """OS::Aodh::LBMemberHealthAlarm: An Aodh alarm that marks unhealthy load balancer members of an autoscaling group for replacement."""

    type_name = "OS::Aodh::LBMemberHealthAlarm"
    description = "An Aodh alarm that marks unhealthy load balancer members of an autoscaling group for replacement."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **ALARM_COMMON,
            "autoscaling_group_id": string(
                "Heat autoscaling group (id) holding the members.",
                required=True,
                update_allowed=True,
            ),
            "pool": string(
                "Load balancer pool (name or id) whose members are checked.",
                required=True,
                update_allowed=True,
            ),
            "stack": string(
                "Top-level stack (name or id) holding the pool and members.", required=True
            ),
        }
    )

    # Lifecycle: heatctl.engine.openstack_aodh.LB_MEMBER_HEALTH.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(LB_MEMBER_HEALTH)


@register
class PrometheusAlarm(ResourceType):
    """OS::Aodh::PrometheusAlarm: An Aodh alarm on the result of a Prometheus query."""

    type_name = "OS::Aodh::PrometheusAlarm"
    description = "An Aodh alarm on the result of a Prometheus query."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **ALARM_COMMON,
            "comparison_operator": string(
                "How the query result is compared with the threshold.",
                update_allowed=True,
                constraints=(allowed_values("le", "ge", "eq", "lt", "gt", "ne"),),
            ),
            "query": string("PromQL query.", required=True, update_allowed=True),
            "threshold": number(
                "Value the query result is compared with.", required=True, update_allowed=True
            ),
        }
    )

    # Lifecycle: heatctl.engine.openstack_aodh.PROMETHEUS.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(PROMETHEUS)
