"""Heat's group resource types: resource groups and chains, autoscaling groups and policies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from heatctl.engine.lifecycle import not_in_cloud
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    PropertyType,
    allowed_values,
    attribute,
    boolean,
    integer,
    length,
    list_of,
    map_of,
    number,
    string,
    value_range,
)
from heatctl.resources.values import PropertyValues, Report, check_group_size

if TYPE_CHECKING:
    from heatctl.engine.lifecycle import ResourceContext
    from heatctl.engine.wait import Wait


class PolicyLifecycle:
    """A scaling policy lives in heatctl's state only: its properties are read when it is
    signalled (`heatctl stack signal STACK POLICY`, heatctl.engine.scaling_signal).
    Not a base class: the policy types take these functions by name."""

    @staticmethod
    def create(self: Any, ctx: ResourceContext) -> Wait | None:
        ctx.physical_id = ctx.physical_id or ctx.physical_name()
        return None

    @staticmethod
    def done(self: Any, ctx: ResourceContext) -> Wait | None:
        return None

    @staticmethod
    def no_urls(self: Any, ctx: ResourceContext) -> dict[str, Any]:
        # No webhook listener yet: a URL that nothing answers would be a lie.
        return {"alarm_url": None, "signal_url": None}


@register
class ResourceGroup(ResourceType):
    """OS::Heat::ResourceGroup: Creates `count` identical nested resources from one definition."""

    type_name = "OS::Heat::ResourceGroup"
    description = "Creates `count` identical nested resources from one definition."
    properties: ClassVar[dict[str, Property]] = {
        "count": integer(
            "How many resources the group holds.",
            default=1,
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "index_var": string(
            "Placeholder replaced by each member's index inside `resource_def`.",
            default="%index%",
            constraints=(length(min=3),),
        ),
        "removal_policies": list_of(
            "Which members to remove first when the group shrinks.",
            item=map_of(
                "One removal policy.",
                {"resource_list": list_of("Member names or ids to remove first.", default=[])},
            ),
            default=[],
            update_allowed=True,
        ),
        "removal_policies_mode": string(
            "Whether new `removal_policies` add to (append) or replace (update) earlier ones.",
            default="append",
            update_allowed=True,
            constraints=(allowed_values("append", "update"),),
        ),
        "resource_def": map_of(
            "The definition every member is created from.",
            {
                "metadata": map_of("Metadata given to every member."),
                "properties": map_of("Properties given to every member."),
                "type": string("Resource type of every member.", required=True),
            },
            required=True,
            update_allowed=True,
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "attributes": attribute(
            "Map of member name to the named attribute of that member.", PropertyType.MAP
        ),
        "refs": attribute("Ids of the members, in index order.", PropertyType.LIST),
        "refs_map": attribute("Map of member name to its id.", PropertyType.MAP),
        "removed_rsrc_list": attribute("Names of members removed so far.", PropertyType.LIST),
    }
    dynamic_attributes = True


@register
class ResourceChain(ResourceType):
    """OS::Heat::ResourceChain: Creates several resources, one per listed type, with the same properties."""

    type_name = "OS::Heat::ResourceChain"
    description = "Creates several resources, one per listed type, with the same properties."
    properties: ClassVar[dict[str, Property]] = {
        "concurrent": boolean(
            "Create the resources in parallel when true, one after another otherwise.",
            default=False,
        ),
        "resource_properties": map_of("Properties given to every resource of the chain."),
        "resources": list_of(
            "Resource types to create, in order.", required=True, update_allowed=True
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "attributes": attribute(
            "Map of member name to the named attribute of that member.", PropertyType.MAP
        ),
        "refs": attribute("Ids of the resources in the chain.", PropertyType.LIST),
    }
    dynamic_attributes = True


@register
class AutoScalingGroup(ResourceType):
    """OS::Heat::AutoScalingGroup: A group of identical resources whose size scaling policies change."""

    type_name = "OS::Heat::AutoScalingGroup"
    description = "A group of identical resources whose size scaling policies change."
    properties: ClassVar[dict[str, Property]] = {
        "cooldown": integer(
            "Seconds after a scaling action during which further actions are ignored.",
            update_allowed=True,
        ),
        "desired_capacity": integer("Number of members to start with.", update_allowed=True),
        "max_size": integer(
            "Largest number of members allowed.",
            required=True,
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "min_size": integer(
            "Smallest number of members allowed.",
            required=True,
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "resource": map_of(
            "The HOT resource definition every member is created from.",
            required=True,
            update_allowed=True,
        ),
        "rolling_updates": map_of(
            "How members are replaced when the definition changes.",
            {
                "max_batch_size": integer(
                    "Members replaced at a time.", default=1, constraints=(value_range(min=1),)
                ),
                "min_in_service": integer(
                    "Members kept in service during a rolling update.",
                    default=0,
                    constraints=(value_range(min=0),),
                ),
                "pause_time": number(
                    "Seconds to wait between batches.", default=0, constraints=(value_range(min=0),)
                ),
            },
            default={"max_batch_size": 1, "min_in_service": 0, "pause_time": 0},
            update_allowed=True,
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "current_size": attribute("Number of members now.", PropertyType.INTEGER),
        "outputs": attribute(
            "Map of member name to the named attribute of that member.", PropertyType.MAP
        ),
        "outputs_list": attribute("List of the named attribute across members.", PropertyType.LIST),
        "refs": attribute("Ids of the members.", PropertyType.LIST),
        "refs_map": attribute("Map of member name to its id.", PropertyType.MAP),
    }
    dynamic_attributes = True

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """min_size <= desired_capacity <= max_size."""
        check_group_size(values, report, "min_size", "max_size", "desired_capacity")


@register
class ScalingPolicy(ResourceType):
    """OS::Heat::ScalingPolicy: Changes the size of an OS::Heat::AutoScalingGroup when signalled."""

    type_name = "OS::Heat::ScalingPolicy"
    description = "Changes the size of an OS::Heat::AutoScalingGroup when signalled."
    properties: ClassVar[dict[str, Property]] = {
        "adjustment_type": string(
            "How `scaling_adjustment` is applied: a change, an exact size, or a percentage.",
            required=True,
            update_allowed=True,
            constraints=(
                allowed_values(
                    "change_in_capacity", "exact_capacity", "percent_change_in_capacity"
                ),
            ),
        ),
        "auto_scaling_group_id": string("Id of the group this policy scales.", required=True),
        "cooldown": number(
            "Seconds after an adjustment during which signals are ignored.", update_allowed=True
        ),
        "min_adjustment_step": integer(
            "Smallest change for percent_change_in_capacity adjustments.",
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "scaling_adjustment": number(
            "Amount of the adjustment (negative to scale down).", required=True, update_allowed=True
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "alarm_url": attribute(
            "Pre-signed URL that triggers the policy (for alarms).", PropertyType.STRING
        ),
        "signal_url": attribute(
            "URL that triggers the policy through the orchestration API.", PropertyType.STRING
        ),
    }

    create = PolicyLifecycle.create
    update = check_create_complete = check_update_complete = PolicyLifecycle.done
    delete = check_delete_complete = PolicyLifecycle.done
    resolve_attributes = PolicyLifecycle.no_urls
    find_by_tag = not_in_cloud

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """min_adjustment_step only with percent_change_in_capacity."""
        kind = values.get("adjustment_type")
        if (
            values.given("min_adjustment_step")
            and values.known(kind)
            and kind != "percent_change_in_capacity"
        ):
            report(
                ("min_adjustment_step",),
                "min_adjustment_step needs adjustment_type percent_change_in_capacity",
            )


@register
class InstanceGroup(ResourceType):
    """OS::Heat::InstanceGroup: A group of identical instances built from a launch configuration."""

    type_name = "OS::Heat::InstanceGroup"
    description = "A group of identical instances built from a launch configuration."
    properties: ClassVar[dict[str, Property]] = {
        "AvailabilityZones": list_of(
            "Availability zones for the instances (not implemented by Heat, but required).",
            required=True,
        ),
        "LaunchConfigurationName": string(
            "The launch configuration the instances are built from.",
            required=True,
            update_allowed=True,
        ),
        "LoadBalancerNames": list_of(
            "Load balancers (AWS::ElasticLoadBalancing::LoadBalancer) to put the instances behind."
        ),
        "Size": integer("Number of instances.", required=True, update_allowed=True),
        "Tags": list_of(
            "Tags given to the instances.",
            item=map_of(
                "One tag.",
                {
                    "Key": string("Tag name.", required=True),
                    "Value": string("Tag value.", required=True),
                },
            ),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "InstanceList": attribute(
            "Comma-separated IP addresses of the instances.", PropertyType.STRING
        ),
    }
